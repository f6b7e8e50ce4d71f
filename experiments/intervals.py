"""Confidence intervals of aggregated replications: Wilson for rates, normal for means.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*JASA* 22(158), 209-212.
Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for a binomial proportion.
*Statistical Science* 16(2), 101-133.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

__all__ = ["wilson", "interval_by_kind"]


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


def interval_by_kind(kind: str, values: np.ndarray, level: float = 0.95
                     ) -> tuple[float, float, float]:
    """``(mean, low, high)`` of the finite ``values`` with the interval a metric kind calls for.

    ``"binary"``: the Wilson score interval of the rate; ``"fraction"``: the normal interval of
    the mean clipped to [0, 1]; ``"count"``: the normal interval of the mean floored at 0 (one
    value: an infinite upper bound).
    """
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    n = vals.size
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(vals.mean())
    if kind == "binary":
        lo, hi = wilson(float(vals.sum()), n, level)
        return mean, lo, hi
    half = float(norm.ppf(0.5 + level / 2) * vals.std(ddof=1) / math.sqrt(n)) if n > 1 \
        else math.inf
    lo, hi = mean - half, mean + half
    if kind == "fraction":
        return mean, max(0.0, lo), min(1.0, hi)
    return mean, max(0.0, lo), hi
