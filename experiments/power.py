"""Power and sample-size planning: at which N (or effect size) does QCA recover the recipe often
enough, and when can it never?

A recovery criterion (a binary metric such as "the parsimonious solution is the true recipe")
is a binomial success per replication, estimated at each value of a grid (of N, or of effect
size at a fixed N). Rather than taking the first grid point that happens to reach the target
(fragile on noisy, non-monotone estimates), the rate is modelled as a monotone curve with a
ceiling, a three-parameter logistic in ``x`` (``log N``, or the log of the effect strength)::

    P(x) = c / (1 + exp(-(a + b (x - x0))))      b >= 0, 0 < c <= 1

fitted by binomial maximum likelihood. ``c`` is the highest rate any N reaches: when it is below
the target, the answer is *never*, and the population-ceiling diagnostic
(:mod:`experiments.ceiling`) says why. Otherwise the required N solves ``P(log N) = target``;
its 95 % interval comes from a seeded parametric bootstrap of the grid's counts (refits of
resampled binomial successes). Framing QCA as a matter of statistical power is itself debated
(QCA's advocates treat cases as configurations, not samples); here it answers a practical
question: how many cases make the recipe's recovery likely *if* the data behave like the
simulation.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*JASA* 22(158), 209-212 (grid intervals). Efron, B., & Tibshirani, R. (1993). *An Introduction
to the Bootstrap*. Chapman & Hall (parametric bootstrap).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize as _minimize

from .design import Experiment, experiment_from_dict
from .errors import InputError

__all__ = ["PowerResult", "PowerAnswer", "MonotoneFit", "fit_monotone", "power_from_curve",
           "effect_from_curve", "power_experiment", "answers_from_frame", "population_evidence",
           "mde_experiment", "effect_variable", "with_outcome_gap", "OUTCOME_GAP",
           "DEFAULT_NS", "MIN_SUCCESSES"]

DEFAULT_NS = (15, 30, 65, 130, 250, 500, 1000, 2000)

#: The effect variable of Boolean scenarios: outcome level inside minus outside the recipe.
OUTCOME_GAP = "outcome_gap"
BOOLEAN_LOW = 0.6

#: Fewer successes than this on the whole grid cannot locate a rate curve: the answer is "no
#: success observed", never a fitted plateau (one chance success must not read as "never").
MIN_SUCCESSES = 5


@dataclass(frozen=True)
class MonotoneFit:
    """A fitted monotone rate curve ``c / (1 + exp(-(a + b (x - x0))))`` (module docstring)."""

    a: float
    b: float
    c: float
    x0: float

    def rate(self, x: np.ndarray | float) -> np.ndarray:
        """The fitted rate at ``x``."""
        z = self.a + self.b * (np.asarray(x, dtype=float) - self.x0)
        return self.c / (1.0 + np.exp(-np.clip(z, -50, 50)))

    def inverse(self, target: float) -> float | None:
        """The ``x`` at which the curve reaches ``target`` (None when it never does)."""
        if self.c <= target or self.b <= 1e-9:
            return None
        return self.x0 + (math.log(target / (self.c - target)) - self.a) / self.b


def _nll_grad(theta: np.ndarray, x: np.ndarray, k: np.ndarray, n: np.ndarray
              ) -> tuple[float, np.ndarray]:
    """Negative binomial log-likelihood of the curve and its gradient in
    ``(a, log b, logit c)``."""
    a, log_b, logit_c = (min(max(float(v), -40.0), 40.0) for v in theta)
    b = math.exp(log_b)
    c = 1.0 / (1.0 + math.exp(-logit_c))
    s = 1.0 / (1.0 + np.exp(-np.clip(a + b * x, -50, 50)))
    p = np.clip(c * s, 1e-12, 1 - 1e-12)
    nll = float(-(k * np.log(p) + (n - k) * np.log1p(-p)).sum())
    dp = -(k / p - (n - k) / (1 - p))
    ds = c * s * (1 - s)
    grad = np.array([float((dp * ds).sum()), float((dp * ds * x).sum()) * b,
                     float((dp * s).sum()) * c * (1 - c)])
    return nll, grad


def _fit(x: np.ndarray, k: np.ndarray, n: np.ndarray, starts: list[np.ndarray]) -> np.ndarray:
    best = None
    for theta0 in starts:
        res = _minimize(_nll_grad, theta0, args=(x, k, n), jac=True, method="L-BFGS-B",
                        bounds=[(-40, 40), (-10, 5), (-20, 20)], options={"maxiter": 300})
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None  # starts is never empty
    return best.x


def fit_monotone(x: Sequence[float], successes: Sequence[float], trials: Sequence[float],
                 start: np.ndarray | None = None) -> MonotoneFit:
    """Binomial maximum-likelihood fit of the monotone logistic with a ceiling.

    Parameters
    ----------
    x : sequence of float
        The grid (e.g. ``log N``).
    successes, trials : sequences
        Successes and replications at each grid point.
    start : array, optional
        Starting parameters ``(a, log b, logit c)`` (e.g. a previous fit's, for bootstraps);
        default: three spread starts.
    """
    xs = np.asarray(x, dtype=float)
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    x0 = float(xs.mean())
    top = float(np.clip((k / np.maximum(n, 1)).max() + 0.02, 0.02, 0.98))
    lc = math.log(top / (1 - top))
    starts = [start] if start is not None else [
        np.array([0.0, 0.0, lc]), np.array([2.0, math.log(3.0), lc]),
        np.array([-2.0, math.log(0.3), lc])]
    a, log_b, logit_c = _fit(xs - x0, k, n, starts)
    return MonotoneFit(float(a), float(math.exp(log_b)), float(1 / (1 + math.exp(-logit_c))), x0)


def _params(fit: MonotoneFit) -> np.ndarray:
    c = min(max(fit.c, 1e-9), 1 - 1e-9)
    return np.array([fit.a, math.log(max(fit.b, 1e-9)), math.log(c / (1 - c))])


@dataclass(frozen=True)
class PowerResult:
    """The answer of a sample-size (or effect-size) search.

    Attributes
    ----------
    curve : DataFrame
        The grid: ``value`` (N or effect), ``n``, ``rate``, ``low``, ``high`` (Wilson) and
        ``fitted`` (the monotone fit).
    target : float
    variable : str
        ``"n_workers"`` or the effect parameter searched.
    fit : MonotoneFit
    required : float or None
        The value at which the fitted curve reaches the target (None: never).
    low, high : float or None
        95 % bootstrap interval of ``required``, ``low <= high``. None marks a bound at which
        the target is not reached: for N, ``high`` None (more than 2.5 % of the refits never
        reach it); for a hazard ratio, ``low`` None (no effect size does).
    ceiling : float
        The fitted highest rate (``c``) and ``ceiling_high``, its 97.5 % bootstrap bound.
    extrapolated : bool
        ``required`` lies beyond the grid.
    plateau : bool
        The fitted curve has levelled off within the grid (its rate at the second-largest grid
        value is at least 90 % of its ceiling). Without a plateau the ceiling is not identified by the
        grid, and "not reached" means "not within the grid", never "never".
    n_successes : int
        Successes on the whole grid (-1: unknown).
    population_recoverable : bool or None
        Whether the population ceiling is non-empty at this cut-off (None: not computed).
        "never" is said only when it is False (:attr:`status`).
    population_note : str
        The population ceiling's sentence, when computed (printed by
        :meth:`PowerAnswer.summary` as "why", not by :meth:`verdict`).
    n_hint : float or None
        A rough N to extend the grid to, from the population ceiling
        (:meth:`experiments.ceiling.CeilingResult.n_hint`).
    """

    curve: pd.DataFrame
    target: float
    variable: str
    fit: MonotoneFit
    required: float | None
    low: float | None
    high: float | None
    ceiling: float
    ceiling_high: float
    extrapolated: bool
    plateau: bool = True

    n_successes: int = -1
    population_recoverable: bool | None = None
    population_note: str = ""
    n_hint: float | None = None

    @property
    def reachable(self) -> bool:
        """The fitted curve reaches the target within the grid (or at its smallest value)."""
        return self.status in ("reached", "at_minimum")

    @property
    def n_required(self) -> int | None:
        """The required N rounded up (sample-size searches), None unless :attr:`reachable`;
        never below the grid's smallest N (``at_minimum``: the smallest N)."""
        if not self.reachable or self.required is None:
            return None
        return int(math.ceil(max(self.required, self._grid_min) - 1e-9))

    @property
    def _grid_min(self) -> float:
        return float(self.curve["value"].min())

    @property
    def _grid_max(self) -> float:
        return float(self.curve["value"].max())

    @property
    def status(self) -> str:
        """How the evidence answers (decided in this order):

        ``"no_success"``
            fewer than :data:`MIN_SUCCESSES` successes on the whole grid: nothing to fit,
            unless the population ceiling is empty (then ``"never"``);
        ``"at_minimum"``
            the target is reached at the grid's smallest N (weakest effect): the answer is
            "<= N_min", the grid cannot say how much less would do;
        ``"reached"``
            the fitted curve reaches the target inside the grid;
        ``"never"``
            the fit levels off below the target within the grid *and* the population ceiling
            is empty at this cut-off (no N recovers the recipe);
        ``"not_within_grid"``
            anything else: the target is not reached on the grid, and neither the grid nor
            the population says it never will be.
        """
        empty = self.population_recoverable is False
        if 0 <= self.n_successes < MIN_SUCCESSES:
            first = self.curve.iloc[0] if self._increasing else self.curve.iloc[-1]
            if float(first["rate"]) >= self.target and self.n_successes > 0:
                return "at_minimum"  # e.g. 4 of 4 at the only N: few successes, all of them
            return "never" if empty else "no_success"
        if self.required is not None:
            inside_low = self.required <= self._grid_min if self._increasing else \
                self.required >= self._grid_max
            if inside_low:
                return "at_minimum"
            if not self.extrapolated:
                return "reached"
        if empty and self.plateau:
            return "never"
        return "not_within_grid"

    @property
    def _hint_beyond_grid(self) -> bool:
        """The population ceiling's rough N lies beyond the grid (a hint inside the grid,
        which the grid already contradicts, is not printed)."""
        return self.n_hint is not None and self.n_hint > self._grid_max

    @property
    def _increasing(self) -> bool:
        """A larger value is more (N) or a stronger effect (an outcome gap); hazard ratios
        are the other way round."""
        return self.variable != "recipe_hazard_ratio"

    def _bound(self, v: float | None, kind: str) -> str:
        """A bootstrap bound as text, never outside the grid's range."""
        lo, hi = self._grid_min, self._grid_max
        if v is None:
            return "not reached within the grid" if kind == "high" else "below the grid"
        if v < lo - 1e-9:
            return f"< {_fmt_value(lo, self.variable)}"
        if v > hi + 1e-9:
            return f"> {_fmt_value(hi, self.variable)} (beyond the grid)"
        return _fmt_value(v, self.variable)

    def verdict(self, what: str = "recovery") -> str:
        """One sentence for a planner, decided by :attr:`status`."""
        t = f"{100 * self.target:.0f} %"
        var = self.variable
        status = self.status
        total = int(self.curve["n"].sum())
        if status == "no_success":
            hint = (f"extend the grid to about {var} = {_fmt_value(self.n_hint, var)} (a rough "
                    f"guide from the population ceiling)" if self._hint_beyond_grid and
                    var == "n_workers" else "extend the grid or add replications")
            return (f"no success observed ({max(self.n_successes, 0)} in {total} replications): "
                    f"cannot estimate where {what} reaches {t}; {hint}")
        if status == "never":
            seen = (f"{max(self.n_successes, 0)} successes in {total} replications"
                    if self.n_successes < MIN_SUCCESSES else
                    f"the fitted {what} rate levels off at {100 * self.ceiling:.0f} % (97.5 % "
                    f"bound {100 * self.ceiling_high:.0f} %)")
            return (f"never: the population ceiling is empty at this cut-off, so no N recovers "
                    f"the recipe, and the grid agrees ({seen}; target {t})")
        if status == "not_within_grid":
            last = self.curve.iloc[-1] if self._increasing else self.curve.iloc[0]
            edge = _fmt_value(float(last["value"]), var)
            rate = 100 * float(last["rate"])
            if self.required is not None:
                why = (f"the fitted curve would reach it near {var} = "
                       f"{_fmt_value(self.required, var)}, an extrapolation the grid cannot "
                       f"confirm")
            elif self.plateau:
                why = (f"the fitted rate levels off at {100 * self.ceiling:.0f} % within the grid"
                       + (", but the population ceiling is not empty: larger N may still "
                          "succeed" if self.population_recoverable else
                          "; whether larger N succeeds is not known from the grid"))
            else:
                why = (f"the rate is still rising there, so the grid cannot tell where, or "
                       f"whether, it reaches {t}")
            hint = (f"; extend the grid to about {var} = {_fmt_value(self.n_hint, var)} "
                    f"(a rough guide from the population ceiling)"
                    if self._hint_beyond_grid and self._increasing else "")
            up = "up to" if self._increasing else "down to"
            return (f"not reached within the grid ({var} {up} {edge}: {rate:.0f} %): {why}"
                    f"{hint}")
        first = self.curve.iloc[0] if self._increasing else self.curve.iloc[-1]
        if status == "at_minimum":
            v = _fmt_value(float(first["value"]), var)
            obs = (f"observed {100 * float(first['rate']):.0f} % [{100 * float(first['low']):.0f}, "
                   f"{100 * float(first['high']):.0f}] at {var} = {v}")
            if var == "n_workers":
                return (f"N <= {v} reaches {t} {what} (the grid's smallest N; {obs}); the grid "
                        f"cannot say how much smaller N would do")
            rel = ">=" if self._increasing else "<="
            return (f"effects with {var} {rel} {v} (the grid's weakest effect) reach {t} {what} "
                    f"({obs}); weaker effects were not searched")
        v = _fmt_value(self.required, var)
        if var == "n_workers":
            rng = f"{self._bound(self.low, 'low')} to {self._bound(self.high, 'high')}"
            return f"N = {v} reaches {t} {what}; 95 % interval {rng}"
        # For an effect, a None bound marks refits in which no effect size reaches the target.
        if self.low is None or self.high is None:
            rng = ("not bounded (in over 2.5 % of the refits no effect size reaches it)")
        else:
            a, b = sorted((self.low, self.high))
            rng = f"{self._bound(a, 'low')} to {self._bound(b, 'high')}"
        rel = ">=" if self._increasing else "<="
        return (f"effects with {var} {rel} {v} reach {t} {what}; 95 % interval of that "
                f"{var}: {rng}")

    def summary(self, criterion: str = "", solution: str = "") -> str:
        """A few lines for the terminal."""
        what = f"{criterion} ({solution})" if criterion else "recovery"
        lines = [f"Power: P[{what}] by {self.variable}, target {self.target:g}"]
        for _, r in self.curve.iterrows():
            lines.append(f"  {self.variable} = {_fmt_value(r['value'], self.variable):>6s}   rate "
                         f"{r['rate']:.3f}   95% CI [{r['low']:.3f}, {r['high']:.3f}]   fitted "
                         f"{r['fitted']:.3f}   ({int(r['n'])} reps)")
        lines.append("  " + self.verdict(what))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def with_population(self, recoverable: bool | None, note: str = "",
                        n_hint: float | None = None) -> PowerResult:
        """This result with the population ceiling's evidence (:mod:`experiments.ceiling`):
        whether the recipe is recoverable at infinite N at this cut-off, a note, and a rough
        N to extend the grid to."""
        return dataclasses.replace(self, population_recoverable=recoverable,
                                   population_note=note, n_hint=n_hint)


def _fmt_value(v: float | None, variable: str) -> str:
    if v is None:
        return "not reached"
    if variable == "n_workers":
        return f"{math.ceil(v - 1e-9):d}"
    return f"{v:.3g}"


def _search(curve: pd.DataFrame, target: float, column: str, to_x: Any, from_x: Any,
            increasing_in_value: bool, n_boot: int, seed: int) -> PowerResult:
    if not 0 < target < 1:
        raise InputError(f"target must be in (0, 1), got {target}")
    c = curve.sort_values(column).reset_index(drop=True)
    if c.empty:
        raise InputError("power: the rate curve is empty")
    c = c[c["n"] > 0].reset_index(drop=True)
    x = to_x(c[column].to_numpy(dtype=float))
    n = c["n"].to_numpy(dtype=float)
    k = np.round(c["rate"].to_numpy(dtype=float) * n)
    out = c.rename(columns={column: "value"})[["value", "n", "rate", "low", "high"]].copy()
    if k.sum() == 0:
        # Never a success anywhere: the ceiling is 0 on the grid; its 97.5 % bound is the
        # Wilson bound of the pooled zero count.
        from .intervals import wilson

        out["fitted"] = 0.0
        return PowerResult(out, target, column, MonotoneFit(0.0, 0.0, 0.0, float(x.mean())),
                           None, None, None, 0.0, wilson(0, float(n.sum()))[1], False, False,
                           n_successes=0)
    fit = fit_monotone(x, k, n)
    x_req = fit.inverse(target)
    # A plateau must be seen on the grid: the fit is at 90 % of its ceiling already at the
    # second-largest grid value (a rise at the last point alone is no evidence of a ceiling).
    xs = np.sort(x)
    plateau = bool(len(xs) >= 2 and fit.rate(xs[-2]) >= 0.9 * fit.c) if fit.c > 0 else True
    rng = np.random.default_rng(seed)
    # Resample from Jeffreys-smoothed rates: a rate observed at 0 or 1 (0 of 10, 10 of 10)
    # would otherwise never vary in the refits, giving an interval of zero width.
    p_hat = np.clip((np.clip(k, 0, n) + 0.5) / (n + 1), 0, 1)
    boots, tops = [np.inf], [1.0]
    start = _params(fit)
    # Without a plateau and without reaching the target the grid does not identify the
    # ceiling: the answer is "not within the grid" whatever the refits say, so none is run.
    run_boot = plateau or x_req is not None
    for _ in range(n_boot if run_boot else 0):
        kb = rng.binomial(n.astype(np.int64), p_hat)
        fb = fit_monotone(x, kb, n, start=start)
        tops.append(fb.c)
        xb = fb.inverse(target)
        boots.append(np.inf if xb is None else xb)
    if run_boot:
        boots, tops = boots[1:], tops[1:]
    boots_arr = np.sort(np.asarray(boots))
    lo_x = float(boots_arr[int(np.floor(0.025 * (len(boots_arr) - 1)))])
    hi_x = float(boots_arr[int(np.ceil(0.975 * (len(boots_arr) - 1)))])
    required = None if x_req is None else float(from_x(x_req))
    # Bounds beyond e^50 of the grid's scale are "not reached" (no finite answer to report).
    low = float(from_x(lo_x)) if np.isfinite(lo_x) and abs(lo_x) < 50 else None
    high = float(from_x(hi_x)) if np.isfinite(hi_x) and abs(hi_x) < 50 else None
    if not increasing_in_value:
        low, high = high, low
    grid = c[column].to_numpy(dtype=float)
    extrapolated = required is not None and not (grid.min() <= required <= grid.max())
    out["fitted"] = fit.rate(x)
    return PowerResult(out, target, column, fit, required, low, high, fit.c,
                       float(np.quantile(tops, 0.975)), extrapolated, plateau,
                       n_successes=int(k.sum()))


def power_from_curve(curve: pd.DataFrame, target: float, n_boot: int = 100, seed: int = 1
                     ) -> PowerResult:
    """Sample size from a rate curve over N (columns ``n_workers, n, rate, low, high``).

    Examples
    --------
    >>> curve = pd.DataFrame({"n_workers": [15, 30, 65, 130, 250], "n": [100] * 5,
    ...                       "rate": [0.05, 0.2, 0.55, 0.85, 0.95], "low": 0, "high": 1})
    >>> r = power_from_curve(curve, 0.8)
    >>> 65 < r.n_required < 130
    True
    """
    return _search(curve, target, "n_workers", np.log, np.exp, True, n_boot, seed)


def effect_from_curve(curve: pd.DataFrame, target: float, column: str = "recipe_hazard_ratio",
                      n_boot: int = 100, seed: int = 1) -> PowerResult:
    """Minimum detectable effect at a fixed N from a rate curve over an effect size.

    For a hazard ratio (``recipe_hazard_ratio``) the effect's strength is ``-log(HR)`` (HR = 1
    is the null, smaller HR a stronger effect) and ``required`` is the largest hazard ratio
    (weakest effect) at which the fitted rate reaches the target. For the outcome gap of
    Boolean scenarios (:data:`OUTCOME_GAP`: outcome level in minus out of the recipe) the
    strength is ``log(gap)`` and ``required`` the smallest gap that reaches it.
    """
    if column == OUTCOME_GAP:
        def gap_x(g: np.ndarray) -> np.ndarray:
            if np.any(g <= 0):
                raise InputError(f"{column} values must be > 0")
            return np.log(g)

        return _search(curve, target, column, gap_x, lambda x: np.exp(np.clip(x, -700, 700)),
                       True, n_boot, seed)

    def to_x(hr: np.ndarray) -> np.ndarray:
        if np.any(hr <= 0):
            raise InputError(f"{column} values must be > 0")
        return -np.log(hr)

    return _search(curve, target, column, to_x, lambda x: np.exp(-np.clip(x, -700, 700)), False,
                   n_boot, seed)


def effect_variable(scenario: str) -> str:
    """The effect-size parameter searched by a minimum-detectable-effect search: the recipe's
    hazard ratio for programme scenarios, the outcome gap (:data:`OUTCOME_GAP`) for Boolean
    ones (which have no hazard)."""
    return OUTCOME_GAP if str(scenario).startswith("boolean") else "recipe_hazard_ratio"


def mde_experiment(scenario: str, n: int, effects: Sequence[float], replications: int = 100,
                   seed: int = 1, base: dict[str, Any] | None = None,
                   grid: dict[str, list[Any]] | None = None) -> tuple[Experiment, str]:
    """A recovery experiment over effect sizes at a fixed N, and the variable searched.

    Programme scenarios: ``effects`` are recipe hazard ratios in (0, 1]. Boolean scenarios:
    ``effects`` are outcome gaps in (0, 1 - low] (the outcome's level inside the recipe minus
    outside, ``overrides.high - overrides.low``; ``low`` from ``base`` or 0.6), set through
    the generator's ``high`` option. Returns ``(experiment, variable)`` for
    :func:`answers_from_frame`.

    Raises
    ------
    InputError
        When ``base`` or ``grid`` already fixes the effect, or an effect is out of range.
    """
    base = dict(base or {})
    grid = dict(grid or {})
    variable = effect_variable(scenario)
    effects = [float(e) for e in effects]
    if not effects:
        raise InputError("--mde needs at least one effect size")
    if variable == "recipe_hazard_ratio":
        if "recipe_hazard_ratio" in base or "recipe_hazard_ratio" in grid:
            raise InputError("--mde searches the hazard ratio: do not also fix it")
        if any(not 0 < e <= 1 for e in effects):
            raise InputError(f"hazard ratios searched must be in (0, 1], got {effects}")
        grid["recipe_hazard_ratio"] = effects
    else:
        ov = dict(base.pop("overrides", None) or {})
        if "high" in ov or "overrides" in grid:
            raise InputError("--mde searches the outcome gap (overrides.high): do not also set it")
        low = float(ov.get("low", BOOLEAN_LOW))
        if any(not 0 < e <= 1 - low for e in effects):
            raise InputError(f"outcome gaps searched must be in (0, {1 - low:g}] (low = {low:g}); "
                             f"got {effects} (a hazard-ratio list? Boolean scenarios search the "
                             f"outcome gap, e.g. 0.02,0.05,0.1,0.25)")
        grid["overrides"] = [{**ov, "low": low, "high": round(low + e, 10)} for e in effects]
    exp = power_experiment(scenario, [int(n)], replications, seed, base, grid=grid)
    return exp, variable


def with_outcome_gap(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored replications with an :data:`OUTCOME_GAP` column read off their ``overrides``
    (Boolean generator ``high - low``; defaults 0.85 and 0.6)."""
    import json

    def gap(ov: Any) -> float:
        d = json.loads(ov) if isinstance(ov, str) else dict(ov or {})
        return round(float(d.get("high", 0.85)) - float(d.get("low", BOOLEAN_LOW)), 10)

    col = frame["overrides"] if "overrides" in frame else pd.Series([{}] * len(frame),
                                                                      index=frame.index)
    return frame.assign(**{OUTCOME_GAP: col.map(gap)})


def power_experiment(scenario: str = "kbop", ns: Sequence[int] = DEFAULT_NS,
                     replications: int = 100, seed: int = 1,
                     base: dict[str, Any] | None = None, name: str | None = None,
                     grid: dict[str, list[Any]] | None = None) -> Experiment:
    """A recovery experiment over N (and ``grid``) for power planning.

    Its default name carries a hash of the whole definition, so power searches with other
    settings never share stored results.
    """
    import hashlib
    import json

    full_grid = {"n_workers": sorted({int(n) for n in ns}), **(grid or {})}
    defn = {"scenario": scenario, "base": base or {}, "grid": full_grid, "seed": seed,
            "replications": replications}
    digest = hashlib.sha256(json.dumps(defn, sort_keys=True, default=str).encode()).hexdigest()[:8]
    raw = {
        "experiment": {"name": name or f"power_{digest}",
                       "description": f"power search: {json.dumps(defn, default=str)}",
                       "replications": replications, "seed": seed,
                       "batch_size": max(1, min(25, replications))},
        "base": {"scenario": scenario, **(base or {})},
        "grid": full_grid,
    }
    return experiment_from_dict(raw, "<power>")


@dataclass(frozen=True)
class PowerAnswer:
    """One setting's answer: the setting, the search result and, when the target is never
    reached, the cause read off the population ceiling (:mod:`experiments.ceiling`)."""

    setting: dict[str, Any]
    result: PowerResult
    cause: str | None

    def summary(self, criterion: str, solution: str) -> str:
        head = ", ".join(f"{k} = {v}" for k, v in self.setting.items())
        text = self.result.summary(criterion, solution)
        if head:
            text = f"[{head}]\n{text}"
        if self.cause:
            text += f"\n  why: {self.cause}"
        return text


def answers_from_frame(frame: pd.DataFrame, variable: str, over: Sequence[str], criterion: str,
                       solution: str, target: float, base: dict[str, Any],
                       explain: bool = True, n_population: int | None = None,
                       n_boot: int = 100, seed: int = 1) -> list[PowerAnswer]:
    """Power answers per setting of ``over`` from stored replications.

    Parameters
    ----------
    frame : DataFrame
        Stored replications (one row each) of a power experiment.
    variable : {"n_workers", "recipe_hazard_ratio", "outcome_gap"}
        What is searched (sample size, or the minimum detectable effect at a fixed N:
        :func:`mde_experiment` says which).
    over : sequence of str
        Parameters whose values define separate settings.
    explain : bool
        For settings that do not reach the target within the grid, compute the population
        ceiling: it decides between "never" and "not reached within the grid" / "no success
        observed" (:attr:`PowerResult.status`), gives a rough N to extend the grid to, and the
        cause. Without it "never" is never said.
    n_population : int, optional
        Cases of the population ceiling (default :data:`experiments.ceiling.DEFAULT_POPULATION`).
    n_boot, seed : int
        Bootstrap refits of the power curve and its seed.
    """
    from .ceiling import DEFAULT_POPULATION, population_ceiling
    from .stats import aggregate, long_scores

    if variable == OUTCOME_GAP and OUTCOME_GAP not in frame:
        frame = with_outcome_gap(frame)
    long = long_scores(frame, [solution])
    groups = [((), long)] if not over else list(long.groupby(list(over), sort=True))
    out = []
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        setting = dict(zip(over, key))
        curve = aggregate(g, [variable], criterion)
        if variable == "n_workers":
            res = power_from_curve(curve, target, n_boot=n_boot, seed=seed)
        else:
            res = effect_from_curve(curve, target, variable, n_boot=n_boot, seed=seed)
        cause = None
        if explain and not res.reachable:
            params = {**base, **{k: _plain(v) for k, v in setting.items()}}
            if variable == OUTCOME_GAP:
                ov = dict(params.get("overrides") or {})
                low = float(ov.get("low", BOOLEAN_LOW))
                params["overrides"] = {**ov, "low": low,
                                       "high": low + float(curve[variable].max())}
            elif variable != "n_workers":
                params[variable] = float(curve[variable].min())
            ceil = population_ceiling(params, n_population=n_population or DEFAULT_POPULATION,
                                      seed=seed)
            cause = ceil.cause()
            res = res.with_population(population_evidence(ceil), cause,
                                      ceil.n_hint(target) if variable == "n_workers" else None)
        out.append(PowerAnswer(setting, res, cause))
    return out


def population_evidence(ceiling: Any) -> bool | None:
    """Is the recipe recoverable at infinite N at the cell's cut-off, by the population
    ceiling (:class:`experiments.ceiling.CeilingResult`)? True when the window contains the
    cut-off; False when it does not and fewer than 5 % of bootstrap populations put it inside;
    None (undecided) otherwise. Without a cut-off: whether the window is non-empty."""
    t = ceiling.table.loc["as simulated"]
    inside = bool(t["at_cut"]) if ceiling.incl_cut is not None else bool(t["recoverable"])
    if inside:
        return True
    iv = ceiling.interval
    if iv is None:
        return False
    share = iv.p_at_cut if ceiling.incl_cut is not None else iv.p_recoverable
    return False if share is None or share < 0.05 else None


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v
