"""Recording grids of cohort columns and the one tie rule for thresholds on them.

Observed cohort columns take values on a grid: summed Likert items and caseload counts are
integers, records are multiples of their resolution, the outcome ``n_sustained / n_housed`` is a
ratio of counts. A theory threshold that falls on a grid point ties every case recorded at that
value (a 45-minute crossover on a 5-minute grid ties about one worker in eight), and a case with
membership exactly 0.5 belongs to no truth-table row.

**Tie rule** (one rule, everywhere): a value equal to a threshold is *in* the set, as in
``qca.calibrate(x, "crisp", thresholds=[t])`` (``x >= t`` gives level 1; R's QCA ``calibrate``
does the same). :meth:`Grid.tie_free` turns a threshold ``t`` into the crossover that classifies
every grid value exactly as ``x >= t`` does while equalling none of them: the midpoint between
the smallest grid value ``>= t`` and the grid value below it. The simulator's own truth uses the
same rule (``z >= threshold``, ``caseload >= threshold``).

References
----------
Ragin, C. C. (2008). *Redesigning Social Inquiry*, ch. 5 (crossover: the point of maximum
ambiguity, which no case should occupy).
Dusa, A. (2019). *QCA with R*, ch. 4 (``calibrate``: crisp thresholds, ``x >= threshold``).
Hardy, G. H. & Wright, E. M. (1979). *An Introduction to the Theory of Numbers*, ch. 3
(Farey sequences: neighbouring fractions ``p/q < a/b`` satisfy ``aq - bp = 1``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

__all__ = ["Grid", "StepGrid", "RatioGrid", "ContinuousGrid"]

_REL_TOL = 1e-9  # a threshold within this many steps of a grid point is that grid point


class Grid:
    """A set of values a column can take. Subclasses: :class:`StepGrid`, :class:`RatioGrid`,
    :class:`ContinuousGrid`."""

    def tie_free(self, t: float) -> float:
        """The crossover equivalent to threshold ``t`` under the tie rule that no grid value
        equals: ``x >= tie_free(t)`` iff ``x >= t`` for every grid value ``x``."""
        raise NotImplementedError

    def on_grid(self, x: np.ndarray | float) -> np.ndarray:
        """Boolean mask: which values of ``x`` are grid values."""
        raise NotImplementedError

    def is_tie_free(self, c: float) -> bool:
        """True when no grid value equals the crossover ``c``."""
        return not bool(np.any(self.on_grid(c)))


@dataclass(frozen=True)
class StepGrid(Grid):
    """Values ``origin + k * step`` for integers ``k`` (Likert sums, counts, rounded records).

    Parameters
    ----------
    step : float
        Distance between neighbouring grid values (> 0).
    origin : float
        Any grid value (default 0).
    """

    step: float
    origin: float = 0.0

    def __post_init__(self) -> None:
        if not (self.step > 0 and math.isfinite(self.step)):
            raise ValueError(f"grid step must be a positive finite number, got {self.step!r}")

    def tie_free(self, t: float) -> float:
        k = (t - self.origin) / self.step
        above = math.ceil(round(k, 0)) if abs(k - round(k)) < _REL_TOL else math.ceil(k)
        return self.origin + (above - 0.5) * self.step

    def on_grid(self, x: np.ndarray | float) -> np.ndarray:
        k = (np.asarray(x, dtype=float) - self.origin) / self.step
        return np.abs(k - np.rint(k)) < _REL_TOL


@dataclass(frozen=True)
class RatioGrid(Grid):
    """Ratios ``k / n`` of counts with ``0 <= k <= n <= max_denominator`` (the outcome rate
    ``n_sustained / n_housed``).

    The tie-free crossover of a rational threshold ``a/b`` is ``a/b - 1 / (2 b D)``: its Farey
    neighbour below with denominator at most ``D`` is at least ``1 / (b D)`` away. Exact for
    workers with at most ``max_denominator`` (default 10**6) housed participants.
    """

    max_denominator: int = 10**6

    def _as_fraction(self, t: float) -> Fraction | None:
        f = Fraction(t).limit_denominator(self.max_denominator)
        return f if abs(float(f) - t) <= 4 * math.ulp(t) else None

    def tie_free(self, t: float) -> float:
        f = self._as_fraction(t)
        if f is None or not 0 <= f <= 1:
            return float(t)  # no count ratio equals t: t is tie-free already
        return float(f) - 1.0 / (2.0 * f.denominator * self.max_denominator)

    def on_grid(self, x: np.ndarray | float) -> np.ndarray:
        arr = np.asarray(x, dtype=float)
        out = np.fromiter((self._as_fraction(float(v)) is not None and 0 <= v <= 1
                           for v in arr.reshape(-1)), dtype=bool, count=arr.size)
        return out.reshape(arr.shape)


@dataclass(frozen=True)
class ContinuousGrid(Grid):
    """Unrounded real values (records with ``resolution = 0``): ties have probability zero."""

    def tie_free(self, t: float) -> float:
        return float(t)

    def on_grid(self, x: np.ndarray | float) -> np.ndarray:
        return np.zeros(np.shape(x), dtype=bool)
