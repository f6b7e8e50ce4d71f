"""Coincidence Analysis: the ``cna`` function and its result object.

Semantics of R's cna 4.0 (Ambühl & Baumgartner 2024, ``cna()``, ``msc()``, ``asf()``, ``csf()``;
Baumgartner & Ambühl 2020, PSRM 8(3)). Where we knowingly differ:

* ``asf_selection="fs"`` is not implemented (``"cs"``, the default, and ``"none"`` are).
* ``csf`` tries the asf combinations R's ``csf(n.init)`` tries (its staged cut with ties, see
  :func:`qca.cna._csf.combine`); when no csf survives, the asf are returned as csf, as R does
  ("asfs returned separately"). Where the cap falls among asf of equal complexity and fit, R's
  internal order of those asf decides which are tried (1 csf differs in each of two shared
  capped examples).
* Partial structural redundancy of a csf is checked for single-step reductions (one literal or
  one disjunct dropped from one asf) and for outcome values the csf makes constant; this
  reproduces every shared R answer.
* ``inus_def="equivalence"`` is honoured; R 4.0's ``csf()`` resets it to ``"implication"``
  whenever ``inus.only`` is logical, so R's equivalence answers equal its implication answers.
* Exhaustiveness and faithfulness of fuzzy data: ours differ from R's on d.pacts (many
  memberships of exactly 0.5); they agree on every other shared fuzzy answer.
* ``cycle.type = "value"``, ``maxSol``, ``what`` and ``rm.dup.factors`` are not offered.

Results are otherwise identical to R's on the 82 shared example calls, 48 crisp, 14 fuzzy and 6
multi-value random calls (tests/qca/test_cna_reference.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .._validation import public_api
from ._csf import _MAX_REDUCTIONS, Asf, coherence, combine, has_psr, is_cyclic, minimalize
from ._data import CNAData, CNAError, prepare_data
from ._measures import (
    MEASURE_ALIASES,
    MEASURES,
    NECESSITY,
    SUFFICIENCY,
    dnf_is_inus,
    exhaustiveness_faithfulness,
    fit,
)
from ._search import Msc, find_asf, find_msc

__all__ = ["cna", "CNAResult"]

PRINTED = 20
DETAIL_COLUMNS = (*MEASURES, "inus", "exhaustiveness", "faithfulness")


# ----------------------------------------------------------------------------- argument parsing


def _measures(measures: Sequence[str]) -> tuple[str, str]:
    if isinstance(measures, str) or len(measures) != 2:
        raise CNAError(
            "measures must be two names: a sufficiency and a necessity measure, e.g. ('scon', 'scov')"
        )
    out = []
    for m, allowed in zip(measures, (SUFFICIENCY, NECESSITY)):
        m = MEASURE_ALIASES.get(m, m)
        if m not in allowed:
            raise CNAError(f"measure {m!r} not allowed here; choose one of {list(allowed)}")
        out.append(m)
    return out[0], out[1]


def _ordering(ordering: str | Sequence[Sequence[str]] | None, data: CNAData) -> dict[int, int]:
    """Tier of each factor: unnamed factors 0, named tiers 1, 2, ... in causal order."""
    tiers = {f: 0 for f in range(len(data.factors))}
    if ordering is None:
        return tiers
    if isinstance(ordering, str):
        groups = [[t.strip() for t in g.split(",") if t.strip()] for g in ordering.split("<")]
    else:
        groups = [[g] if isinstance(g, str) else list(g) for g in ordering]
    for level, g in enumerate(groups, start=1):
        for name in g:
            if name not in data.factors:
                raise CNAError(f"ordering names unknown factor {name!r}; factors: {list(data.factors)}")
            tiers[data.factors.index(name)] = level
    return tiers


def _outcomes(outcome: str | Sequence[str] | None, data: CNAData) -> list[int]:
    if outcome is None or outcome is True:
        if data.dtype == "mv":
            return list(range(len(data.lit_names)))
        return [
            data.literal(f, 0 if data.factors[f] in data.notcols else 1) for f in range(len(data.factors))
        ]
    if not isinstance(outcome, str) and (
            not isinstance(outcome, Sequence) or not all(isinstance(n, str) for n in outcome)):
        raise CNAError(f"outcome must be a factor name or a list of names, got {outcome!r}")
    names = [outcome] if isinstance(outcome, str) else list(outcome)
    out = []
    for n in names:
        lit = data.parse_literal(n)
        if lit not in out:
            out.append(lit)
    return out


def _exclusions(exclude: str | Sequence[str], data: CNAData) -> dict[int, set[int]]:
    """Map outcome literal -> excluded cause literals, from strings like ``"A,c -> B"``."""
    rules = [exclude] if isinstance(exclude, str) else list(exclude)
    out: dict[int, set[int]] = {}
    for rule in rules:
        if "->" not in rule:
            raise CNAError(f"exclude rule {rule!r} must have the form 'A, b -> C'")
        lhs, rhs = rule.split("->", 1)
        causes: set[int] = set()
        for tok in (t.strip() for t in lhs.split(",") if t.strip()):
            if tok.endswith("*"):
                name = tok[:-1]
                if name not in data.factors:
                    raise CNAError(f"exclude names unknown factor {name!r}")
                causes.update(np.flatnonzero(data.lit_factor == data.factors.index(name)).tolist())
            else:
                causes.add(data.parse_literal(tok))
        for tok in (t.strip() for t in rhs.split(",") if t.strip()):
            if data.dtype == "mv" and "=" not in tok and tok in data.factors:
                targets = np.flatnonzero(data.lit_factor == data.factors.index(tok)).tolist()
            else:
                targets = [data.parse_literal(tok)]
            for t in targets:
                out.setdefault(t, set()).update(causes)
    return out


def _check_fraction(name: str, v: float) -> float:
    try:
        v = float(v)
    except (TypeError, ValueError):
        raise CNAError(f"{name} must be a number in [0, 1], got {v!r}") from None
    if not 0 <= v <= 1:
        raise CNAError(f"{name} must be in [0, 1], got {v}")
    return v


# ----------------------------------------------------------------------------- formatting


def conj_str(conj: Sequence[int], data: CNAData) -> str:
    return "*".join(
        data.lit_names[i] for i in sorted(conj, key=lambda i: (data.lit_factor[i], data.lit_value[i]))
    )


def dnf_str(dnf: Sequence[Sequence[int]], data: CNAData) -> str:
    key = lambda c: (len(c), [int(data.lit_factor[i]) for i in sorted(c)])  # noqa: E731
    return "+".join(conj_str(c, data) for c in sorted(dnf, key=key))


def asf_str(asf: Asf, data: CNAData) -> str:
    return f"{dnf_str(asf[1], data)}<->{data.lit_names[asf[0]]}"


def csf_str(csf: Sequence[Asf], data: CNAData) -> str:
    if len(csf) == 1:
        return asf_str(csf[0], data)
    return "*".join(f"({asf_str(a, data)})" for a in csf)


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True)
class CNAResult:
    """Result of :func:`cna`: msc, asf and csf with their measures.

    Attributes
    ----------
    msc, asf, csf : DataFrame
        One row per minimally sufficient condition / atomic solution formula / complex solution
        formula, columns as R's ``msc()``, ``asf(details = TRUE)``, ``csf(details = TRUE)``:
        ``outcome, condition, con, cov, complexity`` then every measure (``scon`` ... ``AAcov``),
        ``inus``, ``exhaustiveness``, ``faithfulness`` (csf also ``coherence``, ``cyclic``).
        Sorted per outcome by ascending complexity, then descending con x cov.
    asf_models, csf_models : tuple
        The same formulas as ``(outcome literal, DNF)`` index structures over ``data``.
    data : CNAData
        The configurations analysed.
    params : dict
        The arguments of the call.
    """

    msc_cols: dict = field(repr=False)
    asf_cols: dict = field(repr=False)
    csf_cols: dict = field(repr=False)
    asf_models: tuple = field(repr=False)
    csf_models: tuple = field(repr=False)
    data: CNAData = field(repr=False)
    params: dict = field(repr=False)
    notes: tuple[str, ...] = ()

    @cached_property
    def msc(self) -> pd.DataFrame:
        """Minimally sufficient conditions (R's ``msc()``)."""
        return _Cols(self.msc_cols).frame()

    @cached_property
    def asf(self) -> pd.DataFrame:
        """Atomic solution formulas with every measure (R's ``asf(details = TRUE)``)."""
        return _Cols(self.asf_cols).frame()

    @cached_property
    def csf(self) -> pd.DataFrame:
        """Complex solution formulas with every measure (R's ``csf(details = TRUE)``)."""
        return _Cols(self.csf_cols).frame()

    def to_frame(self, what: str = "csf") -> pd.DataFrame:
        """A copy of the ``"msc"``, ``"asf"`` or ``"csf"`` table."""
        if what not in ("msc", "asf", "csf"):
            raise CNAError(f"what must be 'msc', 'asf' or 'csf', got {what!r}")
        return getattr(self, what).copy()

    @property
    def models(self) -> tuple[str, ...]:
        """The csf strings (asf when there is a single outcome)."""
        return tuple(self.csf_cols["condition"])

    def __str__(self) -> str:
        p = self.params
        lines = [
            f"Coincidence Analysis ({self.data.dtype}): {self.data.n_configs} configurations, "
            f"{int(self.data.weights.sum())} cases; con {p['con']:g}, cov {p['cov']:g}, "
            f"maxstep {tuple(p['maxstep'])}",
            f"  outcomes {', '.join(self.data.lit_names[o] for o in p['_outcomes'])}   "
            f"msc {len(self.msc)}   asf {len(self.asf)}   csf {len(self.csf)}",
            "",
        ]
        cols = ["condition", "con", "cov", "complexity", "inus"]
        for name, table in (("Atomic solution formulas", self.asf), ("Complex solution formulas", self.csf)):
            if name.startswith("Complex") and len(set(self.asf["outcome"])) <= 1:
                continue
            lines.append(f"{name}:")
            if table.empty:
                lines.append("  (none)")
            else:
                shown = table[cols].head(PRINTED)
                lines.append(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
                if len(table) > PRINTED:
                    lines.append(
                        f"  ... {len(table) - PRINTED} more (see .{'asf' if 'Atomic' in name else 'csf'})"
                    )
            lines.append("")
        lines += [f"[{i + 1}] {t}" for i, t in enumerate(self.notes)]
        return "\n".join(lines).rstrip()

    def _repr_html_(self) -> str:
        head = str(self).split("\n\n", 1)[0].replace("\n", "<br>")
        tables = self.asf if len(set(self.asf["outcome"])) <= 1 else self.csf
        return f"<p><pre>{head}</pre></p>" + tables.head(PRINTED)._repr_html_()


# ----------------------------------------------------------------------------- main


@public_api
def cna(
    data: pd.DataFrame | Mapping[str, np.ndarray],
    *,
    outcome: str | Sequence[str] | None = None,
    con: float = 1.0,
    cov: float = 1.0,
    con_msc: float | None = None,
    maxstep: Sequence[int] = (3, 4, 10),
    ordering: str | Sequence[Sequence[str]] | None = None,
    strict: bool = False,
    exclude: str | Sequence[str] = (),
    measures: Sequence[str] = ("scon", "scov"),
    type: str = "auto",  # noqa: A002 - R's argument name
    notcols: Sequence[str] | str | None = None,
    frequency: Sequence[float] | np.ndarray | None = None,
    case_cutoff: float = 0,
    cutoff: float = 0.5,
    border: str = "up",
    rm_const_factors: bool = False,
    inus_only: bool | None = None,
    inus_def: str = "implication",
    only_minimal_msc: bool = True,
    only_minimal_asf: bool = True,
    asf_selection: str = "cs",
    acyclic_only: bool = False,
    suff_only: bool = False,
    n_init: int = 1000,
    details: bool = True,
) -> CNAResult:
    """Coincidence Analysis of crisp, multi-value or fuzzy-set data (semantics of R's cna 4.0).

    Parameters
    ----------
    data : DataFrame or mapping of column name -> array
        One column per factor: 0/1 (crisp), non-negative integers (multi-value) or memberships in
        [0, 1] (fuzzy). The type is detected unless ``type`` is ``"cs"``, ``"mv"`` or ``"fs"``.
    outcome : str or list of str, optional
        Outcome values (``"B"``, ``"b"`` for B = 0, ``"PB=1"``); default every factor at 1 (every
        value of every factor for mv data).
    con, cov : float
        Thresholds on the sufficiency and necessity measures (``measures``) an asf must reach.
    con_msc : float, optional
        Sufficiency threshold for msc (default ``con``).
    maxstep : (int, int, int)
        Maximal literals per msc, msc per asf, and total literals per asf.
    ordering : str or list of lists, optional
        Causal ordering, e.g. ``"A, B < C"``: factors of a later tier never cause earlier ones;
        unnamed factors come first.
    strict : bool
        Also forbid causation between factors of the same tier.
    exclude : str or list of str
        Rules like ``"A, c -> B"``: these values are not causes of that outcome (``A*``: all values).
    measures : (str, str)
        Sufficiency and necessity measure used to build solutions: ``scon``/``ccon``/``PAcon``/
        ``AACcon`` and ``scov``/``ccov``/``PACcov``/``AAcov``.
    notcols : list of str or "all", optional
        cs/fs factors analysed negated (value 0 is their default outcome).
    frequency : array, optional
        Number of cases each row stands for (R's ``configTable(frequency = )``).
    case_cutoff : float
        Configurations with fewer cases are dropped (R's ``case.cutoff``).
    cutoff, border : fuzzy membership at which a factor counts as instantiated, and whether values
        equal to it round ``"up"``, ``"down"`` or are dropped (``"drop"``).
    rm_const_factors : drop constant columns.
    inus_only : keep only redundancy-free asf and csf (default: ``only_minimal_msc and only_minimal_asf``).
    inus_def : ``"implication"`` or ``"equivalence"``: definition of partial structural redundancy.
    only_minimal_msc, only_minimal_asf : skip supersets of sufficient conjunctions / passing disjunctions.
    asf_selection : ``"cs"`` (drop an asf when the outcome does not vary among the cases compatible
        with it) or ``"none"``.
    acyclic_only : drop cyclic csf.
    suff_only : stop after msc.
    n_init : cap on the asf combinations tried when building csf.
    details : compute ``exhaustiveness``, ``faithfulness``, ``coherence`` and ``cyclic``.

    Returns
    -------
    CNAResult

    Notes
    -----
    See the module docstring for where we knowingly differ from R.
    """
    ms = list(maxstep)
    if len(ms) != 3 or any(int(m) != m or m < 1 for m in ms):
        raise CNAError(f"maxstep must be three positive integers, got {maxstep!r}")
    con = _check_fraction("con", con)
    cov = _check_fraction("cov", cov)
    con_msc = con if con_msc is None else _check_fraction("con_msc", con_msc)
    build = _measures(measures)
    if inus_def not in ("implication", "equivalence"):
        raise CNAError(f"inus_def must be 'implication' or 'equivalence', got {inus_def!r}")
    if asf_selection not in ("cs", "none"):
        raise CNAError(
            f"asf_selection must be 'cs' or 'none' ('fs' is not implemented), got {asf_selection!r}"
        )
    if inus_only is None:
        inus_only = only_minimal_msc and only_minimal_asf
    if int(n_init) < 1:
        raise CNAError(f"n_init must be a positive integer, got {n_init!r}")
    d = prepare_data(
        data,
        dtype=type,
        frequency=frequency,
        case_cutoff=case_cutoff,
        notcols=notcols,
        rm_const_factors=rm_const_factors,
        cutoff=cutoff,
        border=border,
    )
    outcomes = _outcomes(outcome, d)
    tiers = _ordering(ordering, d)
    excluded = _exclusions(exclude, d) if exclude else {}
    params: dict[str, Any] = dict(
        outcome=outcome,
        con=con,
        cov=cov,
        con_msc=con_msc,
        maxstep=tuple(ms),
        ordering=ordering,
        strict=strict,
        exclude=exclude,
        measures=build,
        type=d.dtype,
        inus_only=inus_only,
        inus_def=inus_def,
        asf_selection=asf_selection,
        acyclic_only=acyclic_only,
        n_init=n_init,
        _outcomes=tuple(outcomes),
    )
    msc_rows: list[Msc] = []
    asf_found: list[tuple[Asf, float, float]] = []
    for o in outcomes:
        of = int(d.lit_factor[o])
        allowed = [
            f
            for f in range(len(d.factors))
            if f != of and (tiers[f] < tiers[of] or (tiers[f] == tiers[of] and not strict))
        ]
        allowed_set = set(allowed)
        causes = np.array(
            [i for i, f in enumerate(d.lit_factor.tolist()) if f in allowed_set], dtype=np.int64
        )
        if o in excluded:
            causes = np.array([c for c in causes if int(c) not in excluded[o]], dtype=np.int64)
        if len(causes) == 0:
            continue
        msc = find_msc(d, o, causes, con_msc, build, int(ms[0]), only_minimal_msc)
        msc_rows.extend(msc)
        if suff_only or not msc:
            continue
        passing = find_asf(d, msc, con, cov, build, int(ms[1]), int(ms[2]), only_minimal_asf)
        for dnf, c1, c2, varies in passing:
            if inus_only and not dnf_is_inus(dnf, d):
                continue
            if asf_selection == "cs" and not varies:
                continue
            asf_found.append(((o, dnf), c1, c2))
    msc_df = _msc_frame(msc_rows, d)
    asf_df, asf_models = _asf_frame(asf_found, d, details, inus_only)
    if len({a[0] for a, _, _ in asf_found}) <= 1:  # one outcome: every asf is a csf
        csf_df, csf_models, notes = _Cols(asf_df), asf_models, []
        if details:
            csf_df["coherence"] = [1.0] * len(asf_models)
            csf_df["cyclic"] = [False] * len(asf_models)
    else:
        csf_df, csf_models, notes = _build_csf(asf_found, asf_models, d, params, details, inus_only)
    return CNAResult(msc_df, asf_df, csf_df, asf_models, csf_models, d, params, tuple(notes))


def _order(outcome_rank: list[int], complexity: list[int], fitprod: list[float]) -> np.ndarray:
    """R's order: per outcome, ascending complexity, then descending con x cov (stable)."""
    if not outcome_rank:
        return np.empty(0, dtype=np.int64)
    return np.lexsort((-np.asarray(fitprod, dtype=float), np.asarray(complexity), np.asarray(outcome_rank)))


class _Cols(dict):
    """Columns of a result table, already in output order; turned into a DataFrame on demand."""

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(dict(self))


def _frame(cols: dict[str, list], order: np.ndarray) -> _Cols:
    return _Cols({k: [v[i] for i in order] for k, v in cols.items()})


def _msc_frame(rows: list[Msc], d: CNAData) -> pd.DataFrame:
    names = [d.lit_names[m.outcome] for m in rows]
    rank = {o: i for i, o in enumerate(dict.fromkeys(names))}
    cols: dict[str, list[Any]] = {
        "outcome": names,
        "condition": [f"{conj_str(m.conj, d)}->{d.lit_names[m.outcome]}" for m in rows],
        "con": [m.con for m in rows],
        "cov": [m.cov for m in rows],
        "complexity": [len(m.conj) for m in rows],
    }
    order = _order(
        [rank[o] for o in names], cols["complexity"], [a * b for a, b in zip(cols["con"], cols["cov"])]
    )
    return _frame(cols, order)


def _lhs_memb(dnf, d: CNAData) -> np.ndarray:
    return np.max([d.memb[list(c)].min(axis=0) for c in dnf], axis=0)


def _asf_details(asfs: list[Asf], d: CNAData, details: bool, inus_known: bool) -> dict[str, list]:
    """All measures, inus and (with ``details``) exhaustiveness/faithfulness of each asf."""
    cols: dict[str, list] = {m: [np.nan] * len(asfs) for m in MEASURES}
    by_out: dict[int, list[int]] = {}
    for i, (o, _) in enumerate(asfs):
        by_out.setdefault(o, []).append(i)
    for o, idx in by_out.items():
        x = np.array([_lhs_memb(asfs[i][1], d) for i in idx])
        m = fit(x, d.memb[o], d.weights, MEASURES, d.dtype == "fs")
        for k, v in m.items():
            for j, i in enumerate(idx):
                cols[k][i] = float(v[j])
    cols["inus"] = [True if inus_known else dnf_is_inus(a[1], d) for a in asfs]
    if details:
        ef = [exhaustiveness_faithfulness([a[1]], [a[0]], d) for a in asfs]
        cols["exhaustiveness"] = [e for e, _ in ef]
        cols["faithfulness"] = [f for _, f in ef]
    return cols


def _asf_frame(found, d: CNAData, details: bool, inus_known: bool) -> tuple[pd.DataFrame, tuple]:
    asfs = [a for a, _, _ in found]
    names = [d.lit_names[a[0]] for a in asfs]
    rank = {o: i for i, o in enumerate(dict.fromkeys(names))}
    cols: dict[str, list] = {
        "outcome": names,
        "condition": [asf_str(a, d) for a in asfs],
        "con": [c1 for _, c1, _ in found],
        "cov": [c2 for _, _, c2 in found],
        "complexity": [sum(len(c) for c in a[1]) for a in asfs],
    }
    if details:
        cols.update(_asf_details(asfs, d, details, inus_known))
    order = _order(
        [rank[o] for o in names], cols["complexity"], [a * b for a, b in zip(cols["con"], cols["cov"])]
    )
    return _frame(cols, order), tuple(asfs[i] for i in order)


def _asf_sub(x: Asf, y: Asf) -> bool:
    """is.submodel for two asf of the same outcome: x's disjuncts sit in distinct disjuncts of y."""
    if x[0] != y[0]:
        return False
    from .submodel import _matches

    return _matches([frozenset(c) for c in x[1]], [frozenset(c) for c in y[1]])



def _csf_sub(x: tuple[Asf, ...], y: tuple[Asf, ...]) -> bool:
    ys = {a[0]: a for a in y}
    return all(a[0] in ys and _asf_sub(a, ys[a[0]]) for a in x)


def _drop_submodels(csfs: list[tuple[Asf, ...]]) -> list[tuple[Asf, ...]]:
    """Drop every csf that is a proper submodel of another csf in the list (cna 4.0 ``csf()``).

    Only csf reduced by structural-redundancy removal can be proper submodels of others (asf of
    one outcome are never proper submodels of each other), so only those are checked.
    """
    sizes = {len(c) for c in csfs}
    if len(sizes) <= 1:
        return csfs
    out = []
    for c in csfs:
        if any(len(o) > len(c) and _csf_sub(c, o) for o in csfs):
            continue
        out.append(c)
    return out


def _build_csf(found, ordered: tuple, d: CNAData, params: dict, details: bool, inus_only: bool):
    notes: list[str] = []
    lookup = {found[i][0]: i for i in range(len(found))}
    by_outcome: dict[int, list[int]] = {}
    for asf in ordered:  # asf in output order (complexity, then con x cov)
        by_outcome.setdefault(asf[0], []).append(lookup[asf])
    outs = sorted(by_outcome, key=lambda o: d.lit_names[o])
    lists = [by_outcome[o] for o in outs]
    compl = [[sum(len(c) for c in found[i][0][1]) for i in lst] for lst in lists]
    n_all = int(np.prod([len(lst) for lst in lists], dtype=float))
    fits = [[(found[i][1], found[i][2]) for i in lst] for lst in lists]
    combos = combine(lists, compl, int(params["n_init"]), fits)
    if n_all > len(combos):
        notes.append(f"csf built from {len(combos)} of {n_all} asf combinations (n_init {params['n_init']})")
    seen: set = set()
    csfs: list[tuple[Asf, ...]] = []
    budget = [_MAX_REDUCTIONS]  # one deterministic budget for the whole analysis
    for combo in combos:
        csf = tuple(found[i][0] for i in combo)
        reduced = minimalize(csf, d, budget) if inus_only else [csf]
        for r in reduced:
            key = frozenset(r)
            if key in seen:
                continue
            seen.add(key)
            if inus_only and has_psr(r, d, params["inus_def"]):
                continue
            if params["acyclic_only"] and is_cyclic(r, d):
                continue
            csfs.append(r)
    csfs = _drop_submodels(csfs)
    if not csfs and ordered:
        # cna 4.0: "The asfs could not be combined to csfs. They are returned separately."
        csfs = [(a,) for a in ordered]
        notes.append("the asf could not be combined to csf; they are returned separately (as R's csf())")
    uniq = list(dict.fromkeys(a for r in csfs for a in r))
    det = _asf_details(uniq, d, False, inus_only)
    meas = {a: {m: det[m][i] for m in (*MEASURES, "inus")} for i, a in enumerate(uniq)}
    agree = {}
    for a in uniq:
        x = _lhs_memb(a[1], d)
        agree[a] = 1 - np.abs(x - d.memb[a[0]])
    cols: dict[str, list] = {
        k: [] for k in ("outcome", "condition", "con", "cov", "complexity", *MEASURES, "inus")
    }
    if details:
        for k in ("exhaustiveness", "faithfulness", "coherence", "cyclic"):
            cols[k] = []
    models = []
    for r in csfs:
        r = tuple(sorted(r, key=lambda a: d.lit_names[a[0]]))
        models.append(r)
        idx = [lookup[a] for a in r]
        cols["outcome"].append(",".join(d.lit_names[a[0]] for a in r))
        cols["condition"].append(csf_str(r, d))
        cols["con"].append(min(found[i][1] for i in idx))
        cols["cov"].append(min(found[i][2] for i in idx))
        cols["complexity"].append(sum(len(c) for a in r for c in a[1]))
        for m in MEASURES:
            cols[m].append(min(meas[a][m] for a in r))
        cols["inus"].append(
            bool(
                all(meas[a]["inus"] for a in r)
                and (
                    inus_only
                    or (len(minimalize(r, d)[0]) == len(r) and not has_psr(r, d, params["inus_def"]))
                )
            )
        )
        if details:
            e, f = exhaustiveness_faithfulness([a[1] for a in r], [a[0] for a in r], d)
            cols["exhaustiveness"].append(e)
            cols["faithfulness"].append(f)
            cols["coherence"].append(coherence(r, d, [agree[a] for a in r]))
            cols["cyclic"].append(is_cyclic(r, d))
    ranks = {o: i for i, o in enumerate(sorted(set(cols["outcome"]), key=lambda s: (s.count(","), s)))}
    order = _order(
        [ranks[o] for o in cols["outcome"]],
        cols["complexity"],
        [a * b for a, b in zip(cols["con"], cols["cov"])],
    )
    return _frame(cols, order), tuple(models[i] for i in order), notes
