"""Power and sample-size planning: the smallest N at which QCA recovers the recipe often enough.

A recovery criterion (e.g. "the parsimonious solution contains a correct model") is a binomial
success per replication; its rate is estimated at each N of a grid with a Wilson interval. The
planned N is the smallest grid N whose estimated rate reaches the target; its uncertainty is
given by the smallest N whose interval's lower bound reaches the target (conservative) and whose
upper bound does (optimistic), and by the N where the rate curve, interpolated linearly in
log N, crosses the target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .design import Experiment, experiment_from_dict
from .errors import InputError

__all__ = ["PowerResult", "power_from_curve", "power_experiment", "DEFAULT_NS"]

DEFAULT_NS = (15, 20, 30, 40, 50, 65, 80, 100, 130, 160, 200, 250)


@dataclass(frozen=True)
class PowerResult:
    """The answer of a sample-size search.

    Attributes
    ----------
    curve : DataFrame
        ``n_workers, n, rate, low, high`` per grid N.
    target : float
    n_required : int or None
        Smallest grid N with rate >= target (None: not reached on the grid).
    n_conservative, n_optimistic : int or None
        Smallest N whose Wilson lower (upper) bound reaches the target.
    n_interpolated : float or None
        Where the curve, linear in log N between grid points, first crosses the target.
    """

    curve: pd.DataFrame
    target: float
    n_required: int | None
    n_conservative: int | None
    n_optimistic: int | None
    n_interpolated: float | None

    def summary(self, criterion: str = "", solution: str = "") -> str:
        """A few lines for the terminal."""
        what = f"{criterion} ({solution})" if criterion else "recovery"
        lines = [f"Power: smallest N with P[{what}] >= {self.target:g}"]
        for _, r in self.curve.iterrows():
            mark = " <-" if self.n_required is not None and r["n_workers"] == self.n_required else ""
            lines.append(f"  N = {int(r['n_workers']):4d}   rate {r['rate']:.3f}   "
                         f"95% CI [{r['low']:.3f}, {r['high']:.3f}]   ({int(r['n'])} reps){mark}")
        if self.n_required is None:
            lines.append(f"  target not reached up to N = {int(self.curve['n_workers'].max())}")
        else:
            lines.append(f"  N required: {self.n_required} (interpolated "
                         f"{_fmt(self.n_interpolated)}; 95% range {_fmt(self.n_optimistic)} .. "
                         f"{_fmt(self.n_conservative)})")
        return "\n".join(lines)


def _fmt(v: float | None) -> str:
    return "not reached" if v is None else f"{v:.0f}"


def power_from_curve(curve: pd.DataFrame, target: float) -> PowerResult:
    """Sample-size answer from a rate curve (columns ``n_workers, n, rate, low, high``)."""
    if not 0 < target < 1:
        raise InputError(f"target must be in (0, 1), got {target}")
    c = curve.sort_values("n_workers").reset_index(drop=True)

    def first(col: str) -> int | None:
        hit = c[c[col] >= target]
        return int(hit["n_workers"].iloc[0]) if len(hit) else None

    interp = None
    for i in range(len(c)):
        if c.loc[i, "rate"] >= target:
            if i == 0:
                interp = float(c.loc[0, "n_workers"])
            else:
                n0, n1 = c.loc[i - 1, "n_workers"], c.loc[i, "n_workers"]
                r0, r1 = c.loc[i - 1, "rate"], c.loc[i, "rate"]
                f = (target - r0) / (r1 - r0) if r1 != r0 else 1.0
                interp = float(math.exp(math.log(n0) + f * (math.log(n1) - math.log(n0))))
            break
    return PowerResult(c, target, first("rate"), first("low"), first("high"), interp)


def power_experiment(scenario: str = "kbop", ns: Sequence[int] = DEFAULT_NS,
                     replications: int = 100, seed: int = 1,
                     base: dict[str, Any] | None = None, name: str | None = None) -> Experiment:
    """A recovery experiment over N for power planning."""
    raw = {
        "experiment": {"name": name or f"power_{scenario.replace(':', '_')}",
                       "replications": replications, "seed": seed,
                       "batch_size": max(1, min(25, replications))},
        "base": {"scenario": scenario, **(base or {})},
        "grid": {"n_workers": sorted({int(n) for n in ns})},
    }
    return experiment_from_dict(raw, "<power>")
