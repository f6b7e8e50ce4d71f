"""The population ceiling: can QCA recover the true recipe from data like these at *any* N?

QCA finds a configuration sufficient when its truth-table row's consistency reaches the cut-off.
With infinitely many cases each row's consistency converges to its *population* consistency.
So recovery at large N is possible only when every row of the true recipe has a population
consistency at or above the cut-off and every other row stays below it: the cut-off must lie
in the **window** ``(highest non-recipe row, lowest recipe row]``. An empty window means no
sample size and no cut-off recovers the recipe exactly; more data only makes the failure surer.

:func:`population_ceiling` simulates one large population of the cell
(:data:`DEFAULT_POPULATION` cases, from one seed), calibrates it exactly as the benchmark's
analysis does, and computes each observed configuration's population consistency (inclS)
and PRI with the engine's own truth table (:func:`qca.truth_table.truth_table_from_arrays`).
It then decomposes the ceiling by counterfactuals computed on the same population:

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

The window is an estimate from one finite population: :attr:`CeilingResult.interval` gives
bootstrap intervals of both edges (:class:`WindowInterval`) and the share of bootstrap
populations in which the window is non-empty and contains the cut-off. Populations larger than
one simulation (100,000 workers) pool independent replicate populations of the seed.
:func:`window_sweep` shows how the window moves with the effect size and the outcome's
crossover (both illustrative in the programme scenarios), and
:meth:`CeilingResult.binding` says what stops recovery at a finite N (misclassification per
condition, cases in their true configuration, expected cases per recipe configuration): the
ceiling only says what fails at infinite N.

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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from qca.expressions import evaluate_arrays
from qca.truth_table import truth_table_from_arrays

from .calibration import calibrated_columns
from .params import normalise_params
from .pipeline import cell_setup

__all__ = ["CeilingResult", "WindowInterval", "BindingAtN", "WindowSweep", "population_ceiling",
           "row_consistencies", "window_sweep", "COUNTERFACTUALS", "DEFAULT_POPULATION",
           "DEFAULT_BOOTSTRAP"]

COUNTERFACTUALS = ("as simulated", "conditions measured perfectly", "outcome without noise",
                   "both")

#: The one population size of every ceiling the product prints (CLI, power, audit, report).
DEFAULT_POPULATION = 100_000

_CHUNK = 100_000

#: Bootstrap replicates of the window's edges (crisp conditions: a Poisson bootstrap of the
#: cases, cheap; fuzzy conditions: resampled cases through the engine's truth table).
DEFAULT_BOOTSTRAP = 200


def _window(incl: np.ndarray, pri: np.ndarray, recipe: np.ndarray, counted: np.ndarray,
            pri_cut: float) -> tuple[float, float, bool]:
    """``(highest other, lowest recipe, separable)`` of one table of rows (module docstring)."""
    rec = counted & recipe
    other = counted & ~recipe & (pri >= pri_cut)
    lo = float(incl[rec].min()) if rec.any() else float("nan")
    hi = float(incl[other].max()) if other.any() else 0.0
    ok = bool(rec.any()) and lo > hi and bool((pri[rec] >= pri_cut).all())
    return hi, lo, ok


@dataclass(frozen=True)
class WindowInterval:
    """The window ``(highest other, lowest recipe]`` of the observed data as an interval
    estimate: bootstrap percentile intervals of both edges and how often the window is
    non-empty and contains the cut-off.

    Attributes
    ----------
    low, low_ci : float, (float, float)
        Highest non-recipe row consistency (the window's lower edge) and its 95 % interval.
    high, high_ci : float, (float, float)
        Lowest recipe row consistency (the upper edge) and its 95 % interval.
    p_recoverable : float
        Share of bootstrap replicates with a non-empty window.
    p_at_cut : float or None
        Share of replicates whose window contains the cut-off (None without a cut-off).
    n_boot : int
    """

    low: float
    low_ci: tuple[float, float]
    high: float
    high_ci: tuple[float, float]
    p_recoverable: float
    p_at_cut: float | None
    n_boot: int

    def __str__(self) -> str:
        at = "" if self.p_at_cut is None else (f"; the cut-off lies in it in "
                                               f"{self.p_at_cut:.0%} of them")
        return (f"window ({self.low:.2f} [95 % {self.low_ci[0]:.2f}-{self.low_ci[1]:.2f}], "
                f"{self.high:.2f} [95 % {self.high_ci[0]:.2f}-{self.high_ci[1]:.2f}]]; "
                f"non-empty in {self.p_recoverable:.0%} of {self.n_boot} bootstrap "
                f"populations{at}")


@dataclass(frozen=True)
class BindingAtN:
    """What stops recovery at a finite N (the ceiling says what fails at infinite N).

    Attributes
    ----------
    n : int
        The sample size asked about.
    misclassified : Series
        Per analysed condition, the share of cases whose calibrated (crisp: > 0.5) membership
        differs from their true membership.
    in_true_row : float
        Share of cases whose observed configuration is their true configuration.
    recipe_rows : DataFrame
        The true configurations satisfying the recipe: population share and expected cases at
        ``n`` (``expected``), and P(at least one case) (``p_seen``).
    p_all_recipe_rows_seen : float
        Probability that every recipe configuration has at least one (truly configured) case.
    rows_expected_below_1 : float
        Share of the population's true configurations expected to have fewer than one case.
    """

    n: int
    misclassified: pd.Series
    in_true_row: float
    recipe_rows: pd.DataFrame
    p_all_recipe_rows_seen: float
    rows_expected_below_1: float

    def summary(self) -> str:
        lines = [f"What binds at N = {self.n:,} (from the population):",
                 "  misclassified (calibrated vs true membership): " + ", ".join(
                     f"{c} {v:.1%}" for c, v in self.misclassified.items()),
                 f"  cases in their true configuration: {self.in_true_row:.0%}",
                 f"  true recipe configurations: {len(self.recipe_rows)}; expected cases each "
                 f"{self.recipe_rows['expected'].min():.2g} to "
                 f"{self.recipe_rows['expected'].max():.2g}; every one observed at least once with "
                 f"probability "
                 f"{self.p_all_recipe_rows_seen:.0%}",
                 f"  true configurations expected to hold < 1 case: "
                 f"{self.rows_expected_below_1:.0%}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


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
    interval: WindowInterval | None = None
    pri_cut: float = 0.0
    _obs: np.ndarray | None = field(default=None, repr=False, compare=False)
    _true: np.ndarray | None = field(default=None, repr=False, compare=False)
    _recipe: np.ndarray | None = field(default=None, repr=False, compare=False)

    def binding(self, n: int) -> BindingAtN:
        """What stops recovery at ``n`` cases (:class:`BindingAtN`), from the population."""
        if self._obs is None or self._true is None:
            raise ValueError("this ceiling keeps no population (computed without it)")
        obs, true = self._obs > 0.5, self._true > 0.5
        mis = pd.Series((obs != true).mean(axis=0), index=list(self.conditions))
        in_row = float((obs == true).all(axis=1).mean())
        k = len(self.conditions)
        weights = 1 << np.arange(k - 1, -1, -1)
        key = true.astype(np.int64) @ weights
        counts = np.bincount(key, minlength=1 << k)
        share = counts / max(len(key), 1)
        rec_key = np.unique(key[self._recipe > 0.5]) if self._recipe is not None else \
            np.array([], dtype=np.int64)
        rec = pd.DataFrame({"row": rec_key, "share": share[rec_key]})
        rec["expected"] = n * rec["share"]
        rec["p_seen"] = 1 - (1 - rec["share"]) ** n
        present = share[counts > 0]
        return BindingAtN(int(n), mis, in_row, rec, float(np.prod(rec["p_seen"])),
                          float(np.mean(n * present < 1)) if present.size else float("nan"))

    def n_hint(self, target: float = 0.8, cut: float | None = None) -> float | None:
        """A rough N at which every counted population row falls on its side of the cut-off
        with probability ``target`` (a normal approximation of each row's consistency with its
        expected cases; rows treated as independent, every recipe row needing a case). A guide
        to where a power grid should reach, not an answer: None when the window is empty or
        does not contain the cut-off.
        """
        from scipy.stats import norm

        cut = self.incl_cut if cut is None else cut
        r = self.rows["as simulated"]
        r = r[r["counted"]]
        if cut is None or r.empty or not self.recoverable():
            return None
        rec = r["recipe_row"].to_numpy(bool)
        incl = r["incl"].to_numpy(float)
        if not (incl[rec] >= cut).all() or (incl[~rec] >= cut).any():
            return None
        share = r["share"].to_numpy(float)
        gap = np.abs(incl - cut)
        var = np.clip(incl * (1 - incl), 1e-4, None)

        def prob(n: float) -> float:
            z = gap * np.sqrt(share * n / var)
            seen = np.where(rec, 1 - (1 - share) ** n, 1.0)
            return float(np.prod(norm.cdf(z) * seen))

        lo, hi = 1.0, 1e9
        if prob(hi) < target:
            return None
        for _ in range(80):
            mid = math.sqrt(lo * hi)
            lo, hi = (mid, hi) if prob(mid) < target else (lo, mid)
        return float(hi)

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
                         f"fails. A cut-off inside the window is necessary, not sufficient: the "
                         f"window moves with illustrative values (window_sweep), and at a finite "
                         f"N misclassification and sparse rows bind (binding(n))")
            unc = ""
            if self.interval is not None:
                iv = self.interval
                unc = (f" (95 % bootstrap intervals of the edges: {iv.low_ci[0]:.2f}-"
                       f"{iv.low_ci[1]:.2f} and {iv.high_ci[0]:.2f}-{iv.high_ci[1]:.2f}; the window "
                       f"is non-empty in {iv.p_recoverable:.0%} of {iv.n_boot} bootstrap "
                       f"populations)")
            return (f"Recoverable at large N: recipe rows reach consistency >= {lo:.2f} in the "
                    f"population and other rows stay <= {hi:.2f}, so cut-offs in ({w_lo:.2f}, "
                    f"{w_hi:.2f}] separate them{unc}{where}.")
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
        if self.interval is not None:
            lines += ["", f"As simulated, {self.interval}."]
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


def population_ceiling(params: Mapping[str, Any], n_population: int = DEFAULT_POPULATION,
                       seed: int = 1, min_cases: int | None = None,
                       n_boot: int = DEFAULT_BOOTSTRAP,
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
    n_boot : int
        Bootstrap replicates of the window's edges (0: no interval).
    scenario_text : str, optional
        The scenario file's content as a run stored it
        (:meth:`experiments.store.Store.scenario_text`): then the file is not read.

    Returns
    -------
    CeilingResult
    """
    n_chunks = max(1, math.ceil(int(n_population) / _CHUNK))
    p = normalise_params({**params, "n_workers": math.ceil(int(n_population) / n_chunks)})
    gen, spec = cell_setup(p, scenario_text)
    # Populations beyond one simulation's size are independent replicate populations of the
    # same seed, pooled (the simulator caps one programme at 100,000 workers).
    parts = [gen.cohorts(seed, [i])[0] for i in range(n_chunks)]
    cohort = parts[0] if n_chunks == 1 else {
        k: np.concatenate([np.asarray(c[k]) for c in parts]) for k in parts[0]}
    n_population = len(np.asarray(cohort[spec.outcome]))
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
        counted = r["counted"].to_numpy(bool)
        recipe = r["recipe_row"].to_numpy(bool)
        hi, lo, ok = _window(r["incl"].to_numpy(float), r["PRI"].to_numpy(float), recipe,
                             counted, pri_cut)
        rec = counted & recipe
        table.append({"counterfactual": name, "lowest_recipe": lo, "highest_other": hi,
                      "lowest_recipe_pri": float(r["PRI"][rec].min()) if rec.any()
                      else float("nan"),
                      "recipe_rows": int(rec.sum()),
                      "other_rows": int((counted & ~recipe
                                         & (r["PRI"].to_numpy(float) >= pri_cut)).sum()),
                      "window_low": hi if ok else float("nan"),
                      "window_high": lo if ok else float("nan"), "recoverable": ok,
                      "at_cut": bool(ok and ic is not None and hi < ic <= lo)})
    interval = None
    if n_boot:
        interval = _bootstrap_window(obs_x, np.asarray(observed[spec.outcome], dtype=float),
                                     rows["as simulated"], conds, min_cases, pri_cut,
                                     None if ic is None else float(ic), n_boot, seed)
    return CeilingResult(dict(p), tuple(conds), int(n_population), None if ic is None else float(ic),
                         pd.DataFrame(table).set_index("counterfactual"), rows, interval, pri_cut,
                         obs_x, true_x, true_membership)


def _bootstrap_window(x: np.ndarray, y: np.ndarray, point: pd.DataFrame, conds: list[str],
                      min_cases: int, pri_cut: float, cut: float | None, n_boot: int,
                      seed: int) -> WindowInterval:
    """Bootstrap intervals of the window's edges: cases reweighted by Poisson(1) weights (the
    Poisson bootstrap, Hanley & MacGibbon 2006), rows labelled recipe or not as in the
    population, each replicate's row consistencies and PRI recomputed from weighted sums."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(7919,))))
    k = len(conds)
    weights = 1 << np.arange(k - 1, -1, -1)
    point_key = point[conds].to_numpy(np.int64) @ weights
    recipe_of = dict(zip(point_key.tolist(), point["recipe_row"].tolist()))
    hi0, lo0, _ = _window(point["incl"].to_numpy(float), point["PRI"].to_numpy(float),
                          point["recipe_row"].to_numpy(bool), point["counted"].to_numpy(bool),
                          pri_cut)
    crisp = bool(np.isin(x, (0.0, 1.0)).all())
    his, los, oks, ats = [], [], [], []

    def replicate(incl: np.ndarray, pri: np.ndarray, recipe: np.ndarray,
                  counted: np.ndarray) -> None:
        """The window of one bootstrap population, recorded."""
        hi, lo, ok = _window(incl, np.nan_to_num(pri, nan=1.0), recipe, counted, pri_cut)
        his.append(hi)
        los.append(lo)
        oks.append(ok)
        ats.append(ok and cut is not None and hi < cut <= lo)
    if crisp:
        key = x.astype(np.int64) @ weights
        size = 1 << k
        recipe = np.array([bool(recipe_of.get(i, False)) for i in range(size)])
        both = np.minimum(y, 1 - y)
        for _ in range(n_boot):
            w = rng.poisson(1.0, len(y)).astype(float)
            n = np.bincount(key, w, size)
            sy = np.bincount(key, w * y, size)
            sb = np.bincount(key, w * both, size)
            with np.errstate(invalid="ignore", divide="ignore"):
                incl = sy / n
                pri = (sy - sb) / (n - sb)
            replicate(incl, pri, recipe, n >= min_cases)
    else:
        # Fuzzy conditions: each case is in every row to a degree; the row sums are linear in
        # the case weights, so all replicates are two matrix products.
        configs = point[conds].to_numpy(np.int64)
        recipe = point["recipe_row"].to_numpy(bool)
        mem = np.ones((len(configs), len(y)))
        for j in range(k):
            xj = x[:, j]
            mem = np.minimum(mem, np.where(configs[:, j:j + 1] == 1, xj, 1 - xj))
        key = x.round().astype(np.int64) @ weights
        row_keys = configs @ weights
        order = np.argsort(row_keys)
        at = np.clip(np.searchsorted(row_keys, key, sorter=order), 0, len(order) - 1)
        case_slot = np.where(row_keys[order[at]] == key, order[at], -1)
        both = np.minimum(y, 1 - y)
        a = np.minimum(mem, y).T
        b = mem.T
        c = np.minimum(mem, both).T
        for start in range(0, n_boot, 50):
            wts = rng.poisson(1.0, (min(50, n_boot - start), len(y))).astype(float)
            fa, fb, fc = wts @ a, wts @ b, wts @ c
            for i in range(len(wts)):
                n_row = np.bincount(case_slot[case_slot >= 0], wts[i][case_slot >= 0], len(configs))
                with np.errstate(invalid="ignore", divide="ignore"):
                    incl = fa[i] / fb[i]
                    pri = (fa[i] - fc[i]) / (fb[i] - fc[i])
                replicate(incl, pri, recipe, n_row >= min_cases)
    return WindowInterval(hi0, _edge_interval(hi0, np.asarray(his)), lo0,
                          _edge_interval(lo0, np.asarray(los)), float(np.mean(oks)),
                          None if cut is None else float(np.mean(ats)), int(n_boot))


def _edge_interval(point: float, v: np.ndarray) -> tuple[float, float]:
    """95 % interval of a window edge: the union of the bootstrap percentile and basic
    intervals. An edge is an extreme over rows (a max or a min of noisy row consistencies),
    biased away from the population value; its bootstrap distribution is shifted the same way
    again, so the percentile interval alone undercovers and the basic interval
    ``2 point - q`` reflects the shift (Davison & Hinkley 1997, ch. 5). The union covers both."""
    v = v[np.isfinite(v)]
    if not v.size or not math.isfinite(point):
        return float("nan"), float("nan")
    q_lo, q_hi = float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975))
    return min(q_lo, 2 * point - q_hi), max(q_hi, 2 * point - q_lo)


@dataclass(frozen=True)
class WindowSweep:
    """How the population window moves with the effect size and the outcome's crossover.

    Attributes
    ----------
    table : DataFrame
        One row per setting: ``factor`` ("effect" or "outcome crossover"), ``value``,
        ``window_low``, ``low_ci_low``, ``low_ci_high``, ``window_high``, ``high_ci_low``,
        ``high_ci_high``, ``p_recoverable`` and ``at_cut`` (share of bootstrap populations whose
        window contains the cell's cut-off).
    incl_cut : float or None
    """

    table: pd.DataFrame
    incl_cut: float | None

    def summary(self) -> str:
        lines = ["How the population window (highest other row, lowest recipe row] moves "
                 "(95 % bootstrap intervals of the edges):"]
        for _, r in self.table.iterrows():
            if not math.isfinite(r["window_low"]) or not math.isfinite(r["window_high"]):
                win = "no recipe row"
            elif r["window_low"] >= r["window_high"]:
                win = (f"empty: highest other row {r['window_low']:.2f} [{r['low_ci_low']:.2f}-"
                       f"{r['low_ci_high']:.2f}] >= lowest recipe row {r['window_high']:.2f} "
                       f"[{r['high_ci_low']:.2f}-{r['high_ci_high']:.2f}]")
            else:
                win = (f"({r['window_low']:.2f} [{r['low_ci_low']:.2f}-{r['low_ci_high']:.2f}], "
                       f"{r['window_high']:.2f} [{r['high_ci_low']:.2f}-"
                       f"{r['high_ci_high']:.2f}]]")
            at = "" if self.incl_cut is None or r["at_cut"] is None else \
                f"; contains {self.incl_cut:g} in {r['at_cut']:.0%}"
            lines.append(f"  {r['factor']} = {r['value']:<6g} {win}; non-empty in "
                         f"{r['p_recoverable']:.0%}{at}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def window_sweep(params: Mapping[str, Any], effects: Sequence[float] = (0.7, 0.4, 0.2, 0.1),
                 crossovers: Sequence[float] = (0.65, 0.7, 0.75, 0.8),
                 n_population: int = DEFAULT_POPULATION, seed: int = 1,
                 n_boot: int = DEFAULT_BOOTSTRAP) -> WindowSweep:
    """The window of :func:`population_ceiling` over effect sizes (``recipe_hazard_ratio``)
    and over the outcome's calibration crossover (its exclusion and inclusion anchors kept),
    one factor at a time around ``params``, on the same population seed.

    The window is a property of the simulated world, not of real data: an effect size and an
    outcome crossover that are only illustrative make the window illustrative too; this sweep
    shows how far it moves.
    """
    rows = []
    settings: list[tuple[str, float, dict[str, Any]]] = [
        ("effect", float(e), {"recipe_hazard_ratio": float(e)}) for e in effects]
    if crossovers:
        gen, spec = cell_setup(normalise_params({**params, "n_workers": 100}))
        e, _, i = spec.anchors[spec.outcome]
        for c in crossovers:
            if not e < c < i:
                raise ValueError(f"outcome crossover {c} must lie between the exclusion {e:g} "
                                 f"and inclusion {i:g} anchors")
            ov = {**dict(params.get("overrides") or {}), "outcome.anchors": [e, float(c), i]}
            settings.append(("outcome crossover", float(c), {"overrides": ov}))
    cut = None
    for factor, value, change in settings:
        res = population_ceiling({**params, **change}, n_population, seed, n_boot=n_boot)
        cut = res.incl_cut
        iv = res.interval
        t = res.table.loc["as simulated"]
        rows.append({"factor": factor, "value": value, "window_low": float(t["highest_other"]),
                     "low_ci_low": iv.low_ci[0] if iv else float("nan"),
                     "low_ci_high": iv.low_ci[1] if iv else float("nan"),
                     "window_high": float(t["lowest_recipe"]),
                     "high_ci_low": iv.high_ci[0] if iv else float("nan"),
                     "high_ci_high": iv.high_ci[1] if iv else float("nan"),
                     "p_recoverable": iv.p_recoverable if iv else float(t["recoverable"]),
                     "at_cut": iv.p_at_cut if iv else None})
    return WindowSweep(pd.DataFrame(rows), cut)
