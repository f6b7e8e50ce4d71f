"""What the evaluation observes: survey scale scores and administrative records with error.

Survey scales follow classical test theory with parallel items: item ``j`` of worker ``i`` has
latent response ``y_ij = z_i + e_ij`` with ``e_ij ~ N(0, s^2)``; ``s`` is chosen so that the alpha
of ``k`` items equals the stated reliability (Spearman-Brown, item reliability
``rho = alpha / (k - (k - 1) alpha)``, ``s^2 = 1/rho - 1``). The response is placed on the Likert
scale, ``x = item_mean + item_sd * y / sd(y)``, rounded to the nearest category and clipped to the
scale; the item scores are summed to the raw score. Rounding and clipping lower the realised alpha
slightly. Computationally the item score is ``low + #{c : x > c}`` over the category boundaries
``c = low + 0.5, ..., high - 0.5``, and ``x > c`` is decided by comparing the item's uniform
draw ``u`` with ``Phi((t_c - z) / s)`` (``t_c`` the boundary on the ``y`` scale): the same ordered
probit, with a uniform per item instead of a normal (cheaper to draw).

Records (meeting minutes, working hours) are lognormal, ``median * exp(log_sd * z)``, recorded
with multiplicative error ``exp(log_sd * sqrt(1/rel - 1) * e)`` (reliability ``rel`` of the log
record) and rounded to the recording resolution.

**Reliability 1 is perfect measurement.** Rounding to categories (or to a recording resolution)
is itself measurement error: with error-free items every item of a worker falls in the same
category, the sum score takes only ``scale`` distinct values, and a theory crossover inside a
category misclassifies every worker between it and the category boundary (a quarter of the
workers for a crossover 0.4 categories from a boundary). At reliability 1 the observed score is
therefore the true score itself, unrounded: ``items * clip(item_mean + item_sd * z)`` for Likert
sums and ``median * exp(log_sd * z)`` for records, on a continuous grid
(:meth:`sim.scenario.ConditionSpec.grid`), so that calibration at the theory crossover classifies
every worker as its latent truth. The item uniforms are still drawn (the random streams of
other columns do not change). Below reliability 1 the item noise dithers the rounding, which
is part of the measurement error the reliability describes.

References
----------
Lord, F. M. & Novick, M. R. (1968). *Statistical Theories of Mental Test Scores*.
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika* 16.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .scenario import ConditionSpec

__all__ = ["likert_scores", "recorded_values"]


def likert_scores(z: np.ndarray, item_u: np.ndarray, spec: ConditionSpec) -> np.ndarray:
    """Summed Likert scores (int64, shape ``z.shape``) from latent ``z`` and item uniforms
    ``(..., items)``; at reliability 1 the unrounded true score (float64, module docstring)."""
    s = spec.item_noise_sd
    lo, hi = spec.scale
    if spec.reliability >= 1.0:
        return spec.items * np.clip(spec.item_mean + spec.item_sd * z, lo, hi)
    scale = spec.item_sd / math.sqrt(1.0 + s * s)
    bounds = (np.arange(lo, hi, dtype=float) + 0.5 - spec.item_mean) / scale  # y-scale, (C,)
    x = bounds.reshape(-1, *([1] * z.ndim)) - z  # category boundary first: (C, ...)
    x /= s
    cdf = special.ndtr(x, out=x)  # P(y <= bound | z)
    n_items, n_cat = item_u.shape[-1], len(bounds)
    # above[c] counts the items whose uniform exceeds boundary c's probability (a count per
    # boundary, summed over items; one comparison per item and boundary, as ever)
    above = np.zeros(cdf.shape, dtype=np.int8 if n_items < 128 else np.int64)
    hit = np.empty(cdf.shape, dtype=bool)
    for i in range(n_items):
        np.greater(np.ascontiguousarray(item_u[..., i]), cdf, out=hit)
        above += hit
    if 1 < n_cat and n_items * n_cat < 128:  # the total fits int8: add the boundary rows
        total = above[0].copy()
        for c in range(1, n_cat):
            total += above[c]
        return n_items * lo + total.astype(np.int64)
    return n_items * lo + above.sum(axis=0, dtype=np.int64)


def recorded_values(z: np.ndarray, noise: np.ndarray, spec: ConditionSpec) -> np.ndarray:
    """Recorded values (float64) from latent ``z`` and one standard-normal noise per worker
    (unrounded at reliability 1: module docstring)."""
    value = spec.median * np.exp(spec.log_sd * z + spec.record_noise_sd * noise)
    if spec.resolution > 0 and spec.reliability < 1.0:
        value = np.rint(value / spec.resolution) * spec.resolution
    return value
