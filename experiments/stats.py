"""Aggregating replications: recovery rates with Wilson score intervals.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*JASA* 22(158), 209-212.
Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for a binomial proportion.
*Statistical Science* 16(2), 101-133.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

__all__ = ["wilson", "long_scores", "aggregate", "varying_columns"]

#: Columns of a replication record that are not scores.
META = ("experiment", "cell", "cell_index", "rep", "seed", "version", "elapsed", "sim_seconds",
        "analysis_seconds", "n_cases", "tt_rows", "tt_positive", "remainders")


def wilson(successes: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes : float
        Number of successes (may be fractional for averaged scores).
    n : float
        Number of trials.
    level : float
        Confidence level.

    Returns
    -------
    (low, high) : tuple of float
        ``(nan, nan)`` when ``n == 0``.

    Examples
    --------
    >>> [round(v, 4) for v in wilson(8, 10)]
    [0.4902, 0.9433]
    """
    if n <= 0:
        return float("nan"), float("nan")
    if not 0 <= successes <= n:
        raise ValueError(f"wilson: successes must be in [0, n], got {successes} of {n}")
    z = float(norm.ppf(0.5 + level / 2))
    p = successes / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def varying_columns(frame: pd.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    """Parameter columns that take more than one value (the grid's axes)."""
    from .pipeline import DEFAULTS

    return [c for c in DEFAULTS if c in frame.columns and c not in exclude
            and frame[c].astype(str).nunique() > 1]


def long_scores(frame: pd.DataFrame, solutions: Sequence[str] | None = None) -> pd.DataFrame:
    """Reshape ``<solution>.<score>`` columns into one row per replication and solution."""
    sols = solutions or sorted({c.split(".", 1)[0] for c in frame.columns if "." in c
                                and c.split(".", 1)[0] in ("conservative", "parsimonious",
                                                           "intermediate")})
    keep = [c for c in frame.columns if "." not in c]
    parts = []
    for s in sols:
        cols = [c for c in frame.columns if c.startswith(f"{s}.")]
        if not cols:
            continue
        part = frame[keep + cols].rename(columns={c: c.split(".", 1)[1] for c in cols})
        part.insert(0, "solution", s)
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def aggregate(long: pd.DataFrame, by: Sequence[str], criterion: str = "any_correct",
              level: float = 0.95) -> pd.DataFrame:
    """Rate of ``criterion`` per group with its Wilson interval (binary scores) or a normal
    interval for the mean of a fractional score such as ``recall``.

    Replications whose solution failed to compute (status ``"error: ..."``) are left out.
    Returns columns ``by + [n, rate, low, high]``.
    """
    data = long
    if "status" in data.columns:
        data = data[~data["status"].astype(str).str.startswith("error")]
    rows = []
    for key, g in data.groupby(list(by), sort=True, dropna=False):
        vals = pd.to_numeric(g[criterion], errors="coerce").astype(float)
        vals = vals[np.isfinite(vals)]
        n = int(vals.size)
        rate = float(vals.mean()) if n else float("nan")
        if n and not np.isin(vals, (0.0, 1.0)).all():
            # A mean of fractions (e.g. recall): normal interval, clipped to [0, 1].
            half = float(norm.ppf(0.5 + level / 2) * vals.std(ddof=1) / np.sqrt(n)) if n > 1 else np.inf
            lo, hi = max(0.0, rate - half), min(1.0, rate + half)
        else:
            lo, hi = wilson(rate * n, n, level) if n else (float("nan"), float("nan"))
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key)), "n": n, "rate": rate, "low": lo, "high": hi})
    return pd.DataFrame(rows)
