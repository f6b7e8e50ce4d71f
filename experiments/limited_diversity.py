"""Limited diversity: how often do conservative and parsimonious solutions stay correct?

The experiment of Baumgartner & Thiem (2020; QCApro's ``limitedDiversity`` example): take the
true structure, e.g. ``~A*B + B*~C + D`` over A-D, build its complete crisp truth table (one case
per configuration, outcome = the structure), delete ``k`` rows in every possible way (they become
logical remainders), minimize each table and ask whether the solution contains a correct model
(a submodel of the truth, :func:`experiments.scoring.is_correct`). Published result for the
structure above: the conservative solution contains a correct model in 43.75 % of the 16
one-row deletions and 16.67 % of the 120 two-row deletions, the parsimonious solution in 100 %.

References
----------
Baumgartner, M., & Thiem, A. (2020). Often trusted but never (properly) tested: evaluating
qualitative comparative analysis. *Sociological Methods & Research* 49(2), 279-311.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import qca

from .metrics import score_models
from .scoring import as_expression

__all__ = ["LimitedDiversityResult", "full_truth_data", "limited_diversity", "run_study"]

SOLUTIONS = {"conservative": None, "parsimonious": "?"}


@dataclass(frozen=True)
class LimitedDiversityResult:
    """Share of deletion patterns whose solution contains a correct model.

    Attributes
    ----------
    table : DataFrame
        One row per (deleted rows k, solution type): ``n_tables``, ``any_correct`` (share with at
        least one correct model), ``all_correct``, ``exact`` and ``no_solution`` (no row left
        with outcome 1), shares in [0, 1].
    records : DataFrame
        One row per (deletion pattern, solution type).
    """

    table: pd.DataFrame
    records: pd.DataFrame

    def percent(self, k: int, solution: str, column: str = "any_correct") -> float:
        """The share in percent, rounded to 2 decimals, e.g. ``percent(1, "conservative")``."""
        return round(100.0 * float(self.table.loc[(k, solution), column]), 2)

    def summary(self, truth: str = "", name: str = "limited_diversity") -> str:
        """The shares in percent, one row per (k, solution), under a one-line title."""
        table = self.table.copy()
        for c in ("any_correct", "all_correct", "exact", "no_solution"):
            table[c] = (100 * table[c]).round(2)
        return (f"{name}: share (%) of deletion patterns whose solution contains a correct model "
                f"(truth {truth})\n{table.to_string()}")


def full_truth_data(truth: str, conditions: Sequence[str], outcome: str = "Y") -> pd.DataFrame:
    """The complete crisp truth table of ``truth``: every configuration of ``conditions`` once
    (:func:`sim.boolean.ideal_data`, the one Boolean data generator)."""
    from sim.boolean import ideal_data

    return ideal_data(truth, list(conditions), outcome)


def limited_diversity(
    truth: str = "~A*B + B*~C + D",
    conditions: Sequence[str] = ("A", "B", "C", "D"),
    deletions: Sequence[int] = (1, 2),
    solutions: Sequence[str] = ("conservative", "parsimonious"),
) -> LimitedDiversityResult:
    """Run the limited-diversity experiment (see the module docstring).

    Parameters
    ----------
    truth : str
        The true structure (crisp sum of products).
    conditions : sequence of str
        The conditions of the truth table.
    deletions : sequence of int
        Numbers of rows deleted; every subset of rows of that size is deleted in turn.
    solutions : sequence of {"conservative", "parsimonious"}

    Returns
    -------
    LimitedDiversityResult
    """
    bad = [s for s in solutions if s not in SOLUTIONS]
    if bad:
        raise ValueError(f"limited_diversity: unknown solution type(s) {bad}; "
                         f"use {list(SOLUTIONS)}")
    full = full_truth_data(truth, conditions)
    truth_expr = as_expression(truth)
    n = len(full)
    records = []
    for k in deletions:
        if not 0 <= k < n:
            raise ValueError(f"limited_diversity: deletions must be in 0..{n - 1}, got {k}")
        for dropped in itertools.combinations(range(n), k):
            data = full.drop(index=list(dropped)).reset_index(drop=True)
            tt = qca.truth_table(data, "Y", list(conditions), incl_cut=1.0)
            for sol in solutions:
                rec = {"k": k, "deleted": ",".join(str(r + 1) for r in dropped), "solution": sol}
                if not (tt.rows["OUT"] == "1").any():
                    rec.update(no_solution=True, any_correct=False, all_correct=False, exact=False,
                               models="")
                else:
                    res = qca.minimize(tt, include=SOLUTIONS[sol])
                    models = [m.expression for m in res.models]
                    s = score_models(models, truth_expr)
                    rec.update(no_solution=False, any_correct=s["any_correct"],
                               all_correct=s["all_correct"], exact=s["any_exact"],
                               models=" | ".join(str(m) for m in res.models))
                records.append(rec)
    rec_df = pd.DataFrame.from_records(records)
    table = rec_df.groupby(["k", "solution"]).agg(
        n_tables=("any_correct", "size"),
        any_correct=("any_correct", "mean"),
        all_correct=("all_correct", "mean"),
        exact=("exact", "mean"),
        no_solution=("no_solution", "mean"),
    )
    return LimitedDiversityResult(table=table, records=rec_df)


def run_study(settings: dict, name: str, directory: Path) -> tuple[LimitedDiversityResult, str, Path]:
    """Run a ``kind = "limited_diversity"`` experiment definition's ``[limited_diversity]`` table.

    Writes the records to ``directory/<safe name>.csv`` (:func:`experiments.paths.output_file`:
    the name cannot lead outside ``directory``; text cells a spreadsheet would evaluate are
    neutralised); returns the result, its truth and that path.
    """
    from .paths import neutralise_frame, output_file

    truth = settings.get("truth", "~A*B + B*~C + D")
    res = limited_diversity(truth, settings.get("conditions", ["A", "B", "C", "D"]),
                            settings.get("deletions", [1, 2]))
    directory.mkdir(parents=True, exist_ok=True)
    path = output_file(directory, name, ".csv")
    neutralise_frame(res.records).to_csv(path, index=False)
    return res, truth, path
