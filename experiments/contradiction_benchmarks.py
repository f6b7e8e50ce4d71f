"""Contradictions and consistency of csQCA truth tables on random data (Marx & Dusa 2011).

Marx & Dusa (2011) simulated 1,500 random crisp data sets (every cell 0 or 1 with probability
0.5, the outcome included) for every design of 2-300 cases and 2-13 conditions, built each
truth table and published, per design, two benchmark tables (their Tables 4-5 and Appendices
2-3): the share of data sets whose truth table has at least one contradictory configuration
(OCCON), and the mean "consistency-R", the share of cases in non-contradictory configurations
(their CONSIST.2). Their Table 6 adds the "complexity" (configurations / cases) and repeats the
simulation for 4 conditions and 17 cases with each variable's share of 1s taken from their
real-life data (their Table 1).

This module reproduces them three ways:

* :func:`truth_table_measures`: the measures of many data sets at once (vectorised; checked
  against :func:`qca.truth_table` row codes by the tests), applied to data drawn by
  :func:`sim.random_crisp.random_crisp_arrays` (:func:`simulate_design`).
* :func:`exact_measures`: the expected values (and the variances) in closed form, so every one
  of the 3,588 published cells can be compared with the exact figure, and the published value
  with the range a 1,500-data-set simulation rounded to two decimals falls in with 95 %
  probability (:func:`compare_tables`).
* :func:`outside_count_null`: how many published cells a faithful 1,500-data-set simulation
  would place outside those ranges (the Monte-Carlo error of the whole table).

Exact forms (M = 2^k configurations, each case uniform over them, outcome 1 with probability
0.5): a truth table is contradiction-free with probability ``E[2^(D - n)]`` where ``D`` is the
number of distinct configurations among the ``n`` cases (the occupancy distribution is built
case by case); a case sits in a non-contradictory configuration with probability
``(1 - 1/(2M))^(n-1)`` (every other case is either elsewhere or agrees with it), which is the
expected consistency-R; the expected complexity is ``M (1 - (1 - 1/M)^n) / n``. For unequal
probabilities (Table 6) the same quantities are summed over the configurations.

References
----------
Marx, A., & Dusa, A. (2011). Crisp-set qualitative comparative analysis (csQCA), contradictions
and consistency benchmarks for model specification. *Methodological Innovations Online* 6(2),
103-148. doi:10.4256/mio.2010.0037. Definitions: section "Measuring Contradictions and
Consistency" (OCCON, CONSIST.1, CONSIST.2) and Appendix 1; figures: Tables 4, 5, 6 and
Appendices 2, 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["truth_table_measures", "simulate_design", "exact_measures", "published_tables",
           "compare_tables", "outside_count_null", "table6_probabilities", "PUBLISHED_REPS",
           "DesignMeasures"]

#: Random data sets per design in Marx & Dusa (2011) (section "Development of Benchmark tables").
PUBLISHED_REPS = 1500
_DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "marx_dusa_2011"


def truth_table_measures(data: np.ndarray) -> pd.DataFrame:
    """Truth-table measures of many crisp data sets at once.

    Parameters
    ----------
    data : ndarray, shape (sets, cases, conditions + 1)
        0/1 values; the last column is the outcome (:func:`sim.random_crisp.random_crisp_arrays`).

    Returns
    -------
    DataFrame, one row per data set
        ``configurations`` (observed configurations), ``contradictory`` (configurations with
        both outcome values: R's OUT "C"), ``contradiction`` (at least one), ``consistency_1``
        (share of configurations not contradictory, Marx & Dusa's CONSIST.1),
        ``consistency_r`` (share of cases in non-contradictory configurations, CONSIST.2) and
        ``complexity`` (configurations / cases).
    """
    data = np.asarray(data)
    if data.ndim != 3 or data.shape[2] < 2:
        raise ValueError(f"need an array (sets, cases, conditions + 1), got shape {data.shape}")
    sets, n, width = data.shape
    k = width - 1
    codes = (data[:, :, :k].astype(np.int64) << np.arange(k, dtype=np.int64)).sum(axis=2)
    keys = (np.arange(sets, dtype=np.int64)[:, None] << k) + codes
    groups, inverse = np.unique(keys.ravel(), return_inverse=True)
    size = np.bincount(inverse)
    ones = np.bincount(inverse, weights=data[:, :, k].ravel())
    contra = (ones > 0) & (ones < size)
    owner = groups >> k
    configs = np.bincount(owner, minlength=sets)
    n_contra = np.bincount(owner, weights=contra, minlength=sets)
    clean_cases = np.bincount(owner, weights=np.where(contra, 0, size), minlength=sets)
    return pd.DataFrame({
        "configurations": configs,
        "contradictory": n_contra.astype(np.int64),
        "contradiction": n_contra > 0,
        "consistency_1": (configs - n_contra) / configs,
        "consistency_r": clean_cases / n,
        "complexity": configs / n,
    })


@dataclass(frozen=True)
class DesignMeasures:
    """Means and standard deviations (per data set) of the measures of one design."""

    n_cases: int
    n_conditions: int
    reps: int
    mean: dict[str, float]
    sd: dict[str, float]


def simulate_design(n_cases: int, n_conditions: int, reps: int = PUBLISHED_REPS,
                    p: float | Sequence[float] = 0.5, p_outcome: float = 0.5,
                    seed: int = 2011, chunk: int = 2_000_000) -> DesignMeasures:
    """Simulate one design: ``reps`` random data sets, their truth-table measures averaged.

    The data come from :func:`sim.random_crisp.random_crisp_arrays` with
    ``SeedSequence(seed, spawn_key=(n_cases, n_conditions))``, drawn in chunks of about
    ``chunk`` cells.
    """
    from sim.random_crisp import random_crisp_arrays

    ss = np.random.SeedSequence(int(seed), spawn_key=(int(n_cases), int(n_conditions)))
    per = max(1, chunk // (n_cases * (n_conditions + 1)))
    frames = []
    for i, child in enumerate(ss.spawn((reps + per - 1) // per)):
        m = min(per, reps - i * per)
        frames.append(truth_table_measures(random_crisp_arrays(m, n_cases, n_conditions, p,
                                                               p_outcome, child)))
    f = pd.concat(frames, ignore_index=True).astype(float)
    cols = ["contradiction", "consistency_r", "complexity", "consistency_1"]
    return DesignMeasures(n_cases, n_conditions, reps, {c: float(f[c].mean()) for c in cols},
                          {c: float(f[c].std(ddof=1)) for c in cols})


def _occupancy(n: int, m: int) -> np.ndarray:
    """P(D = d), d = 0..n: distinct configurations among n cases uniform over m."""
    a = np.zeros(n + 1)
    a[0] = 1.0
    d = np.arange(n + 1)
    for _ in range(n):
        new = a * d / m
        new[1:] += a[:-1] * (m - d[:-1]) / m
        a = new
    return a


def _config_probabilities(p: np.ndarray) -> np.ndarray:
    k = len(p)
    bits = (np.arange(2 ** k)[:, None] >> np.arange(k)) & 1
    return np.prod(np.where(bits == 1, p, 1 - p), axis=1)


def exact_measures(n_cases: int, n_conditions: int, p: float | Sequence[float] = 0.5,
                   p_outcome: float = 0.5) -> dict[str, float]:
    """Expected contradiction share, consistency-R and complexity of one design (exact).

    Returns ``contradiction``, ``consistency_r``, ``complexity`` (expected values) and, for
    equal probabilities of 0.5, their per-data-set variances ``var_contradiction``,
    ``var_consistency_r`` and ``var_complexity`` (see the module docstring for the forms).
    """
    n, k = int(n_cases), int(n_conditions)
    if n < 1 or k < 1:
        raise ValueError(f"need n_cases >= 1 and n_conditions >= 1, got {n_cases}, {n_conditions}")
    probs = np.broadcast_to(np.asarray(p, dtype=float), (k,))
    pi = float(p_outcome)
    if np.all(probs == 0.5) and pi == 0.5:
        m = 2.0 ** k
        occ = _occupancy(n, int(m))
        free = float(np.sum(occ * 2.0 ** (np.arange(n + 1) - n)))
        contradiction = 1.0 - free
        p1 = (1 - 1 / (2 * m)) ** (n - 1)
        same = (1 / m) * 0.5 * (1 - 1 / (2 * m)) ** (n - 2) if n > 1 else 0.0
        diff = (1 - 1 / m) ** (n - 1)
        var_c = p1 / n + (n - 1) / n * (same + diff) - p1 ** 2
        e_d = m * (1 - (1 - 1 / m) ** n)
        both = 1 - 2 * (1 - 1 / m) ** n + (1 - 2 / m) ** n  # two given configurations occupied
        var_d = m * (m - 1) * both + e_d - e_d ** 2
        return {"contradiction": contradiction, "consistency_r": p1, "complexity": e_d / n,
                "var_contradiction": contradiction * (1 - contradiction),
                "var_consistency_r": max(var_c, 0.0), "var_complexity": max(var_d, 0.0) / n ** 2}
    q = _config_probabilities(probs)
    # P(no contradiction) = n! [x^n] prod_c (1 + sum_{j>=1} (q_c x)^j (pi^j + (1-pi)^j) / j!)
    from scipy.special import gammaln

    j = np.arange(n + 1)
    poly = np.zeros(n + 1)
    poly[0] = 1.0
    for qc in q:
        f = np.where(j == 0, 1.0, np.exp(j * np.log(qc) - gammaln(j + 1)) * (pi ** j + (1 - pi) ** j))
        poly = np.convolve(poly, f)[: n + 1]
    free = float(poly[n] * np.exp(gammaln(n + 1)))
    cons = float(np.sum(q * (pi * (1 - q * (1 - pi)) ** (n - 1) + (1 - pi) * (1 - q * pi) ** (n - 1))))
    complexity = float(np.sum(1 - (1 - q) ** n)) / n
    return {"contradiction": 1.0 - free, "consistency_r": cons, "complexity": complexity}


def published_tables(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Marx & Dusa's Appendix 2 (``contradiction``) and Appendix 3 (``consistency_r``).

    Rows: cases 2-300; columns: conditions 2-13 (as int). Transcribed from the article's PDF
    (pages 127-148); the cells of cases 2-50 and conditions 2-10 equal Tables 4 and 5.
    """
    base = Path(path) if path is not None else _DATA
    out = {}
    for key, file in (("contradiction", "contradictions.csv"), ("consistency_r", "consistency_r.csv")):
        t = pd.read_csv(base / file, index_col=0)
        t.columns = [int(c) for c in t.columns]
        out[key] = t
    return out


def _prediction_interval(measure: str, ex: dict[str, float], reps: int,
                         level: float = 0.95) -> tuple[float, float]:
    """Range of a ``reps``-data-set estimate, rounded to two decimals, with probability ``level``."""
    from scipy.stats import binom, norm

    a = (1 - level) / 2
    if measure == "contradiction":
        p = min(max(ex["contradiction"], 0.0), 1.0)
        lo, hi = binom.ppf(a, reps, p) / reps, binom.ppf(1 - a, reps, p) / reps
    else:
        s = np.sqrt(ex[f"var_{measure}"] / reps)
        lo, hi = ex[measure] - norm.ppf(1 - a) * s, ex[measure] + norm.ppf(1 - a) * s
    return round(float(lo), 2), round(float(hi), 2)


def compare_tables(cases: Sequence[int] | None = None, conditions: Sequence[int] | None = None,
                   reps: int = PUBLISHED_REPS, simulate: int = 0, seed: int = 2011) -> pd.DataFrame:
    """Every published cell next to the exact figure and its 95 % range.

    Parameters
    ----------
    cases, conditions : sequence of int, optional
        The designs (default: all published, 2-300 cases x 2-13 conditions).
    reps : int
        Data sets behind each published figure (1,500).
    simulate : int
        When > 0, also simulate every design with this many random data sets
        (:func:`simulate_design`) and report our Monte-Carlo estimates (``sim_*`` columns).

    Returns
    -------
    DataFrame
        One row per (measure, cases, conditions): ``published``, ``exact``, ``low``/``high``
        (the 95 % range of a ``reps``-data-set estimate rounded to two decimals) and
        ``inside``; with ``simulate``, ``sim`` and ``sim_se``.
    """
    tables = published_tables()
    cases = list(cases) if cases is not None else list(tables["contradiction"].index)
    conditions = list(conditions) if conditions is not None else list(tables["contradiction"].columns)
    rows = []
    for n in cases:
        for k in conditions:
            ex = exact_measures(n, k)
            sim = simulate_design(n, k, simulate, seed=seed) if simulate else None
            for measure in ("contradiction", "consistency_r"):
                lo, hi = _prediction_interval(measure, ex, reps)
                pub = float(tables[measure].loc[n, k])
                row = {"measure": measure, "cases": n, "conditions": k, "published": pub,
                       "exact": ex[measure], "var": ex[f"var_{measure}"], "low": lo, "high": hi,
                       "inside": bool(lo - 1e-9 <= pub <= hi + 1e-9)}
                if sim is not None:
                    row["sim"] = sim.mean[measure]
                    row["sim_se"] = sim.sd[measure] / np.sqrt(simulate)
                rows.append(row)
    return pd.DataFrame(rows)


def outside_count_null(table: pd.DataFrame, reps: int = PUBLISHED_REPS, draws: int = 2000,
                       seed: int = 7) -> np.ndarray:
    """Cells outside their range when the published table is itself a faithful simulation.

    Each draw re-simulates every cell of ``table`` (a :func:`compare_tables` frame) as a
    ``reps``-data-set estimate (binomial for the contradiction share, normal with the exact
    variance for consistency-R), rounds it to two decimals and counts the cells outside
    ``[low, high]``. Returns the ``draws`` counts (their 2.5-97.5 % range is the 95 % interval of
    the count of a faithful table).
    """
    rng = np.random.default_rng(seed)
    counts = np.zeros(draws, dtype=np.int64)
    for measure, part in table.groupby("measure"):
        lo, hi = part["low"].to_numpy(), part["high"].to_numpy()
        mu = part["exact"].to_numpy()
        if measure == "contradiction":
            est = rng.binomial(reps, np.clip(mu, 0, 1), size=(draws, len(mu))) / reps
        else:
            est = rng.normal(mu, np.sqrt(part["var"].to_numpy() / reps), size=(draws, len(mu)))
        est = np.round(est, 2)
        counts += ((est < lo - 1e-9) | (est > hi + 1e-9)).sum(axis=1)
    return counts


#: Marx & Dusa's Table 1 (17 sport footwear firms): number of 1s of each variable, and of known
#: values; UNION is missing for one firm (Kelme).
TABLE1_ONES = {"UNION": (10, 16), "NGO": (8, 17), "PUBLIC": (10, 17), "PRIOR": (8, 17), "FLA": (6, 17)}


def table6_probabilities(kelme: str) -> tuple[list[float], float]:
    """Probabilities of a 1 for the four conditions and the outcome in Marx & Dusa's Table 6.

    ``kelme`` is the treatment of the missing UNION value: ``"missing"`` (share of 1s among the
    16 known), ``"1"`` or ``"0"`` (the 17 firms with Kelme coded so).
    """
    if kelme not in ("missing", "1", "0"):
        raise ValueError(f"kelme must be 'missing', '1' or '0', got {kelme!r}")
    ones, known = TABLE1_ONES["UNION"]
    union = ones / known if kelme == "missing" else (ones + int(kelme)) / (known + 1)
    p = [union] + [TABLE1_ONES[c][0] / TABLE1_ONES[c][1] for c in ("NGO", "PUBLIC", "PRIOR")]
    return p, TABLE1_ONES["FLA"][0] / TABLE1_ONES["FLA"][1]
