"""The population ceiling: can QCA recover the true recipe from data like these at *any* N?

QCA finds a configuration sufficient when its truth-table row's consistency reaches the cut-off.
With infinitely many cases each row's consistency converges to its *population* consistency.
So recovery at large N is possible only when every row of the true recipe has a population
consistency at or above the cut-off and every other row stays below it: the cut-off must lie
in the **window** ``(highest non-recipe row, lowest recipe row]``. An empty window means no
sample size and no cut-off recovers the recipe exactly; more data only makes the failure surer.

:func:`population_ceiling` simulates one large population of the cell (about 10^5 cases, from
one seed), calibrates it exactly as the benchmark's analysis does, and computes each observed
configuration's population consistency (inclS) and PRI with the engine's own truth table
(:func:`qca.truth_table.truth_table_from_arrays`). It then decomposes the ceiling by
counterfactuals computed on the same population:

``as simulated``
    the observed condition scores and the observed outcome;
``conditions measured perfectly``
    the true conditions instead of the observed scores (measurement error removed);
``outcome without noise``
    each case's outcome replaced by the population mean outcome of the cases with the same
    true recipe membership (every outcome variation the recipe does not explain removed:
    participant sampling, frailty, needs), calibrated with the same anchors;
``both``
    true conditions and the noise-free outcome.

With a PRI cut-off (``pri_cut > 0``) a row below it is never positive: other rows below it do
not count against the window, and a recipe row below it makes the recipe unrecoverable.

A row is a *recipe row* when its configuration satisfies the true recipe (all recipe
conditions analysed), else when most of its cases are truly in the recipe. Rows with fewer
than ``min_cases`` population cases are left out (their consistency is not yet a population
value).

References
----------
Ragin, C. C. (2008). *Redesigning Social Inquiry*. University of Chicago Press (consistency,
PRI). Baumgartner, M., & Thiem, A. (2020). Often trusted but never (properly) tested.
*Sociological Methods & Research* 49(2), 279-311 (recovery as the benchmark criterion).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qca.expressions import evaluate_arrays
from qca.truth_table import truth_table_from_arrays

from .calibration import calibrated_columns
from .params import normalise_params
from .pipeline import cell_setup

__all__ = ["CeilingResult", "population_ceiling", "row_consistencies", "COUNTERFACTUALS"]

COUNTERFACTUALS = ("as simulated", "conditions measured perfectly", "outcome without noise",
                   "both")


def row_consistencies(values: np.ndarray, outcome: np.ndarray, conditions: list[str],
                      truth: Any, true_membership: np.ndarray | None,
                      min_cases: int) -> pd.DataFrame:
    """Population consistency, PRI and size of every observed configuration.

    Returns
    -------
    DataFrame
        One row per configuration with at least one case: the conditions (0/1), ``n``,
        ``share`` (of all cases), ``incl``, ``PRI``, ``recipe_row`` (bool) and ``counted``
        (``n >= min_cases``).
    """
    tt = truth_table_from_arrays(values, outcome, conditions, incl_cut=0.0)
    keep = tt.n > 0
    configs = tt.configs[keep]
    frame = pd.DataFrame(configs, columns=conditions)
    frame["n"] = tt.n[keep]
    frame["share"] = frame["n"] / max(len(outcome), 1)
    frame["incl"] = tt.incl[keep]
    frame["PRI"] = tt.pri[keep]
    if set(truth.conditions) <= set(conditions):
        corner = evaluate_arrays(truth, {c: configs[:, j].astype(float)
                                         for j, c in enumerate(conditions)})
        frame["recipe_row"] = corner > 0.5
    else:
        rows = tt.case_rows
        ids = tt.row_ids[keep]
        share_in = [float(np.mean(true_membership[rows == r] > 0.5)) if true_membership is not None
                    and np.any(rows == r) else np.nan for r in ids]
        frame["recipe_row"] = np.asarray(share_in) > 0.5
    frame["counted"] = frame["n"] >= min_cases
    return frame.sort_values("incl", ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class CeilingResult:
    """The population ceiling of a cell.

    Attributes
    ----------
    params : dict
        The cell's replication parameters.
    conditions : tuple of str
        The conditions analysed.
    n_population : int
        Cases simulated.
    incl_cut : float or None
        The cell's consistency cut-off (None when its method has none).
    table : DataFrame
        One row per counterfactual: ``lowest_recipe`` and ``highest_other`` (population
        consistency of the lowest recipe row and of the highest other row),
        ``lowest_recipe_pri``, ``window_low``, ``window_high`` (the cut-offs that separate
        them: ``window_low < cut <= window_high``; NaN when empty), ``recoverable``
        (the window is not empty) and ``at_cut`` (the cell's cut-off lies in it).
    rows : dict of DataFrame
        The configurations of each counterfactual (:func:`row_consistencies`).
    """

    params: dict[str, Any]
    conditions: tuple[str, ...]
    n_population: int
    incl_cut: float | None
    table: pd.DataFrame
    rows: dict[str, pd.DataFrame]

    def recoverable(self, counterfactual: str = "as simulated") -> bool:
        """Is there a cut-off that separates recipe rows from the others?"""
        return bool(self.table.loc[counterfactual, "recoverable"])

    def cause(self) -> str:
        """One sentence: is the recipe recoverable at any N, and if not, what stops it."""
        t = self.table
        lo, hi = t.loc["as simulated", "lowest_recipe"], t.loc["as simulated", "highest_other"]
        if self.recoverable():
            w_lo, w_hi = t.loc["as simulated", "window_low"], t.loc["as simulated", "window_high"]
            where = ""
            if self.incl_cut is not None and not t.loc["as simulated", "at_cut"]:
                where = (f"; the cut-off {self.incl_cut:g} lies outside it, so even infinite N "
                         f"fails: choose a cut-off in the window")
            return (f"Recoverable at large N: recipe rows reach consistency >= {lo:.2f} in the "
                    f"population and other rows stay <= {hi:.2f}, so cut-offs in ({w_lo:.2f}, "
                    f"{w_hi:.2f}] separate them{where}.")
        fixes = [name for name in COUNTERFACTUALS[1:] if bool(t.loc[name, "recoverable"])]
        why = (f"Not recoverable at any N: in the population the lowest recipe row has "
               f"consistency {lo:.2f} and the highest other row {hi:.2f}, so no cut-off "
               f"separates them.")
        if not fixes:
            return why + (" Even with perfect measurement and a noise-free outcome they overlap: "
                          "the effect is too small for the outcome's calibration anchors.")
        first = fixes[0]
        return why + f" It becomes recoverable with {first}" + (
            f" (also: {', '.join(fixes[1:])})." if len(fixes) > 1 else ".")

    def summary(self) -> str:
        """A readable table of the counterfactuals and the verdict."""
        t = self.table.copy()
        lines = [f"Population ceiling ({self.n_population:,} simulated cases; scenario "
                 f"{self.params['scenario']}, {self.params['cal_type']} calibration, "
                 f"{len(self.conditions)} conditions: {', '.join(self.conditions)})"]
        lines.append(f"{'':32s}{'lowest recipe':>14s}{'highest other':>15s}{'window':>16s}")
        for name, r in t.iterrows():
            win = (f"({r['window_low']:.2f}, {r['window_high']:.2f}]" if r["recoverable"]
                   else "empty")
            lines.append(f"{name:32s}{r['lowest_recipe']:14.3f}{r['highest_other']:15.3f}"
                         f"{win:>16s}")
        lines += ["", self.cause()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _noise_free_outcome(raw: np.ndarray, true_membership: np.ndarray) -> np.ndarray:
    """Each case's outcome replaced by the mean raw outcome of cases with the same (crisp, or
    for fuzzy truth rounded to 0.1) true recipe membership."""
    key = np.round(np.asarray(true_membership, dtype=float), 1)
    out = np.empty_like(raw, dtype=float)
    for k in np.unique(key):
        sel = key == k
        out[sel] = raw[sel].mean()
    return out


def population_ceiling(params: Mapping[str, Any], n_population: int = 100_000, seed: int = 1,
                       min_cases: int | None = None,
                       scenario_text: str | None = None) -> CeilingResult:
    """The population ceiling of a cell (module docstring).

    Parameters
    ----------
    params : mapping
        The cell's replication parameters (:mod:`experiments.params`); ``n_workers`` is
        replaced by ``n_population``.
    n_population : int
        Cases in the simulated population.
    seed : int
        The one seed of the population.
    min_cases : int, optional
        Rows with fewer population cases are not counted (default ``max(30, n / 2000)``).
    scenario_text : str, optional
        The scenario file's content as a run stored it (:meth:`experiments.store.Store.scenario_text`):
        then the file is not read.

    Returns
    -------
    CeilingResult
    """
    p = normalise_params({**params, "n_workers": int(n_population)})
    gen, spec = cell_setup(p, scenario_text)
    cohort = gen.cohorts(seed, [0])[0]
    if "true_recipe" not in cohort:
        raise ValueError(f"generator {gen.name!r} gives no true_recipe column")
    min_cases = int(min_cases if min_cases is not None else max(30, n_population // 2000))
    conds = list(spec.conditions)
    truth = spec.truth
    true_membership = np.asarray(cohort["true_recipe"], dtype=float)

    def calibrate(c: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        return calibrated_columns(c, (*conds, spec.outcome), spec.anchors, spec.calibration,
                                  spec.cal_type, spec.percentiles)

    observed = calibrate(cohort)
    noise_free = calibrate({**cohort, spec.outcome: _noise_free_outcome(
        np.asarray(cohort[spec.outcome], dtype=float), true_membership)})
    true_x = np.column_stack([np.asarray(cohort[f"true_{c}"], dtype=float) for c in conds])
    obs_x = np.column_stack([observed[c] for c in conds]).astype(float)
    variants = {
        "as simulated": (obs_x, observed[spec.outcome]),
        "conditions measured perfectly": (true_x, observed[spec.outcome]),
        "outcome without noise": (obs_x, noise_free[spec.outcome]),
        "both": (true_x, noise_free[spec.outcome]),
    }
    ic = next((prm.get("incl_cut") for _, _, prm in spec.plan if "incl_cut" in prm), None)
    pri_cut = float(next((prm.get("pri_cut") for _, _, prm in spec.plan if "pri_cut" in prm), 0.0)
                    or 0.0)
    rows, table = {}, []
    for name, (x, y) in variants.items():
        r = row_consistencies(x, np.asarray(y, dtype=float), conds, truth, true_membership,
                              min_cases)
        rows[name] = r
        counted = r[r["counted"]]
        rec = counted[counted["recipe_row"]]
        # A row below the PRI cut-off is never positive, whatever its consistency: such other
        # rows cannot be confused with recipe rows, and such recipe rows cannot be found.
        other = counted[~counted["recipe_row"] & (counted["PRI"] >= pri_cut)]
        lo = float(rec["incl"].min()) if len(rec) else float("nan")
        hi = float(other["incl"].max()) if len(other) else 0.0
        ok = bool(len(rec)) and lo > hi and bool((rec["PRI"] >= pri_cut).all())
        table.append({"counterfactual": name, "lowest_recipe": lo, "highest_other": hi,
                      "lowest_recipe_pri": float(rec["PRI"].min()) if len(rec) else float("nan"),
                      "recipe_rows": int(len(rec)), "other_rows": int(len(other)),
                      "window_low": hi if ok else float("nan"),
                      "window_high": lo if ok else float("nan"), "recoverable": ok,
                      "at_cut": bool(ok and ic is not None and hi < ic <= lo)})
    return CeilingResult(dict(p), tuple(conds), int(n_population), None if ic is None else float(ic),
                         pd.DataFrame(table).set_index("counterfactual"), rows)
