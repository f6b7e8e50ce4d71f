"""Text / HTML summaries and tidy tables of minimization results, laid out as R's QCA prints them.

Layout follows ``print.QCA_min`` of R's QCA 3.25 with ``details = TRUE`` (Dusa 2019, ch. 8):
model equations ``M1: ... -> Y`` with the terms that are not in every tied model in
parentheses; one fit table with the prime implicants common to all tied models on top, a covU
column (unique coverage within all the implicants shown) and a covU column per model; the
models' own fit below. Intermediate models that several conservative x parsimonious pairs give
are printed once under ``From C1P1, C1P2:``. Where we differ: tied models keep one global
numbering (``M3`` is ``solution.models[2]``) instead of restarting at M1 in every group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._display import Report, Table, numbered
from ._validation import check_data, check_frame, check_names
from .exceptions import QCAError
from .fit import disjunction_fit
from .primes import covers
from .truth_table import TruthTable, row_memberships

if TYPE_CHECKING:
    from .solution import Model, Solution

__all__ = [
    "condition_values",
    "model_report",
    "model_frame",
    "solution_report",
    "solution_frame",
    "pi_chart_report",
    "term_cases",
]


def condition_values(tt: TruthTable, data: pd.DataFrame | None) -> tuple[np.ndarray, pd.Index]:
    """Condition values (conditions x cases) of ``data`` for the truth table's conditions."""
    if data is None:
        return tt.condition_memberships(), tt.case_index
    data = check_frame(data)
    conditions = list(tt.conditions)
    check_names(conditions, [str(c) for c in data.columns], "data")
    spec = check_data(data, conditions)
    for c, n_levels in zip(conditions, tt.levels):
        if spec.levels[c] > n_levels:
            raise QCAError(
                f"data column {c!r} has {spec.levels[c]} levels but the model's truth table has {n_levels}"
            )
    return np.vstack([spec.values[c] for c in conditions]), data.index


def term_cases(tt: TruthTable, cubes: np.ndarray) -> list[str]:
    """For each cube, the cases of the positive rows it covers ("a,b; c"), as R's show.cases."""
    on_mask = tt.out_codes == "1"
    on = tt.configs[on_mask]
    cases = np.asarray(tt.rows["cases"].to_numpy()[on_mask], dtype=object)
    inside = covers(np.asarray(cubes, dtype=np.int64), on)
    return ["; ".join(c for c in cases[row] if c) for row in inside]


def _fit_frame(memb: np.ndarray, y: np.ndarray, names: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    overall, per = disjunction_fit(memb, y)
    per.index = names
    return overall, per


def _model_line(label: str, terms: list[str], optional: set[str], outcome: str) -> str:
    common = [t for t in terms if t not in optional]
    extra = [t for t in terms if t in optional]
    body = " + ".join(common)
    if extra:
        body = (body + " + " if body else "") + "(" + " + ".join(extra) + ")"
    return f"{label}: {body or '0'} -> {outcome}"


def model_report(model: Model, show_cases: bool = True) -> Report:
    """Summary of one model: its equation and fit table."""
    tt = model.truth_table
    return Report(
        title=f"Model: outcome {tt.outcome}, conditions {', '.join(tt.conditions)}",
        blocks=(f"M1: {model} -> {tt.outcome}", _single_table(model, "M1", show_cases)),
    )


def _single_table(model: Model, label: str, show_cases: bool) -> Table:
    per = model.term_fit.copy()
    frame = per[["inclS", "PRI", "covS", "covU"]].astype(object)
    if show_cases:
        frame["cases"] = term_cases(model.truth_table, model.cubes)
    labels = numbered(list(model.terms), [label])
    frame.index = labels[:-1]
    total: dict[str, object] = {
        "inclS": model.fit["inclS"], "PRI": model.fit["PRI"], "covS": model.fit["covS"], "covU": np.nan
    }
    if show_cases:
        total["cases"] = ""
    frame.loc[labels[-1]] = pd.Series(total)
    return Table(frame, rules=(len(model.terms),))


def model_frame(model: Model) -> pd.DataFrame:
    """Tidy fit of one model: a row per term, then the model (``term`` None)."""
    per = model.term_fit
    rows = [
        {"term": t, "inclS": per.loc[t, "inclS"], "PRI": per.loc[t, "PRI"], "covS": per.loc[t, "covS"],
         "covU": per.loc[t, "covU"]}
        for t in model.terms
    ]
    rows.append({"term": None, **model.fit, "covU": np.nan})
    frame = pd.DataFrame(rows, columns=["term", "inclS", "PRI", "covS", "covU"])
    frame.insert(5, "cases", [*term_cases(model.truth_table, model.cubes), ""])
    return frame


def _ordered_terms(sol: Solution, models: list[Model]) -> tuple[list[str], list[str]]:
    """Terms common to all ``models`` and the others, each in R's prime-implicant order."""
    order = {t: i for i, t in enumerate(sol.prime_implicants)}
    pool = {t for m in models for t in m.terms}
    common = set(models[0].terms).intersection(*(m.terms for m in models[1:])) if models else set()
    key = lambda t: (order.get(t, len(order)), t)  # noqa: E731
    return sorted(common, key=key), sorted(pool - common, key=key)


def _tied_table(sol: Solution, models: list[Model], labels: list[str], show_cases: bool) -> Table:
    tt = sol.truth_table
    common, other = _ordered_terms(sol, models)
    terms = common + other
    cubes_of = {t: c for m in models for t, c in zip(m.terms, m.cubes)}
    cubes = np.vstack([cubes_of[t] for t in terms])
    memb = row_memberships(cubes, tt.condition_memberships(), tt.levels)
    _, pooled = _fit_frame(memb, tt.outcome_membership, terms)
    frame = pooled[["inclS", "PRI", "covS", "covU"]].astype(object)
    for m, label in zip(models, labels):
        per = m.term_fit["covU"]
        frame[f"({label})"] = [per[t] if t in per.index else np.nan for t in terms]
    if show_cases:
        frame["cases"] = term_cases(tt, cubes)
    row_labels = numbered(terms, labels)
    frame.index = row_labels[: len(terms)]
    for m, row_label in zip(models, row_labels[len(terms) :]):
        row: dict[str, object] = {c: np.nan for c in frame.columns}
        row.update(inclS=m.fit["inclS"], PRI=m.fit["PRI"], covS=m.fit["covS"])
        if show_cases:
            row["cases"] = ""
        frame.loc[row_label] = pd.Series(row)
    rules = tuple(r for r in (len(common), len(terms)) if r > 0)
    return Table(frame, rules=rules)


def _model_block(sol: Solution, indices: list[int], show_cases: bool) -> list[Table | str]:
    tt = sol.truth_table
    models = [sol.models[i] for i in indices]
    labels = [f"M{i + 1}" for i in indices]
    common, _ = _ordered_terms(sol, models)
    optional = set() if len(models) == 1 else {t for m in models for t in m.terms} - set(common)
    order = {t: i for i, t in enumerate(sol.prime_implicants)}
    lines = []
    for m, label in zip(models, labels):
        terms = sorted(m.terms, key=lambda t: (t in optional, order.get(t, len(order)), t))
        lines.append(_model_line(label, terms, optional, tt.outcome))
    table = (
        _single_table(models[0], labels[0], show_cases)
        if len(models) == 1
        else _tied_table(sol, models, labels, show_cases)
    )
    return ["\n".join(lines), table]


def _source_groups(sol: Solution, shown: int) -> list[tuple[list[str], list[int]]]:
    """Pairs (CiPj) grouped by the identical list of intermediate models they give."""
    groups: dict[tuple[int, ...], list[str]] = {}
    for label, idx in sol.model_sources:
        kept = tuple(i for i in idx if i < shown)
        if kept:
            groups.setdefault(kept, []).append(label)
    return [(labels, list(idx)) for idx, labels in groups.items()]


def solution_report(sol: Solution, show_cases: bool = False, max_models: int = 20) -> Report:
    """Summary of a solution: every tied model (up to ``max_models``) and their fit."""
    tt = sol.truth_table
    shown = min(len(sol.models), max_models)
    blocks: list[Table | str] = []
    if sol.solution_type == "intermediate" and sol.model_sources:
        for labels, idx in _source_groups(sol, shown):
            blocks.append(f"From {', '.join(labels)}:")
            blocks += _model_block(sol, idx, show_cases)
    elif shown:
        blocks += _model_block(sol, list(range(shown)), show_cases)
    notes = [n for n in sol.notes if not (sol.model_sources and _is_pair_note(n))]
    if len(sol.models) > shown:
        notes.append(f"{len(sol.models)} models; the first {shown} are printed (all in .models)")
    if not sol.complete:
        count = f"{sol.n_models}" if sol.n_models_exact else f"{sol.n_models} or more"
        notes.append(f"{count} tied models; {len(sol.models)} listed (raise max_models)")
    header = (
        ("include", ",".join(sol.include) or "-"),
        ("models", f"{sol.n_models}{'' if sol.complete else '+ (list capped)'}"),
        ("prime implicants", str(len(sol.prime_implicants))),
    )
    return Report(
        title=f"{sol.solution_type.capitalize()} solution: outcome {tt.outcome}, "
        f"conditions {', '.join(tt.conditions)}",
        header=header,
        blocks=tuple(blocks),
        notes=tuple(notes),
    )


def _is_pair_note(note: str) -> bool:
    head = note.split(":", 1)[0]
    return head.startswith("C") and "P" in head and head[1:].replace("P", "").isdigit()


def solution_frame(sol: Solution) -> pd.DataFrame:
    """Tidy table: one row per (model, term) and one per model (``term`` None)."""
    essential = set(sol.essential)
    parts = []
    for i, m in enumerate(sol.models, start=1):
        f = model_frame(m)
        f.insert(0, "model", f"M{i}")
        f.insert(2, "essential", [None if pd.isna(t) else t in essential for t in f["term"]])
        parts.append(f)
    if not parts:
        return pd.DataFrame(columns=["model", "term", "essential", "inclS", "PRI", "covS", "covU", "cases"])
    return pd.concat(parts, ignore_index=True)


def pi_chart_report(sol: Solution) -> Report:
    """The prime-implicant chart with ``x`` where an implicant covers a positive row, else ``-``."""
    chart = sol.pi_chart
    marks = pd.DataFrame(np.where(chart.to_numpy(), "x", "-"), index=chart.index,
                         columns=[str(c) for c in chart.columns])
    tt = sol.truth_table
    return Report(
        title=f"Prime implicant chart: outcome {tt.outcome} "
        f"({len(chart.index)} implicants x {len(chart.columns)} positive rows)",
        blocks=(Table(marks),),
    )
