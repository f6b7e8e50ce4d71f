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
           "effect_from_curve", "power_experiment", "answers_from_frame", "DEFAULT_NS"]

DEFAULT_NS = (15, 30, 65, 130, 250, 500, 1000, 2000)


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

    @property
    def reachable(self) -> bool:
        """The fitted curve reaches the target."""
        return self.required is not None

    @property
    def n_required(self) -> int | None:
        """The required N rounded up (sample-size searches)."""
        return None if self.required is None else int(math.ceil(self.required - 1e-9))

    def verdict(self, what: str = "recovery") -> str:
        """One sentence for a planner."""
        t = f"{100 * self.target:.0f} %"
        if self.required is None or (self.extrapolated and not self.plateau):
            last = self.curve.iloc[-1] if self.variable == "n_workers" else self.curve.iloc[0]
            if not self.plateau:
                return (f"not reached within the grid ({self.variable} up to "
                        f"{_fmt_value(float(last['value']), self.variable)}): the {what} rate is "
                        f"still rising there ({100 * float(last['rate']):.0f} %), so the grid "
                        f"cannot tell where, or whether, it reaches {t}")
            sure = "" if self.ceiling_high >= self.target else " (even its 97.5 % bound)"
            return (f"never: the fitted {what} rate levels off at {100 * self.ceiling:.0f} %{sure}, "
                    f"below the target {t}")
        v = _fmt_value(self.required, self.variable)
        extra = " (extrapolated beyond the grid)" if self.extrapolated else ""
        if self.variable == "n_workers":
            rng = (f"{_fmt_value(self.low, self.variable)} to "
                   f"{'not reached' if self.high is None else _fmt_value(self.high, self.variable)}")
            return f"N = {v} reaches {t} {what}{extra}; 95 % interval {rng}"
        rng = (f"{_fmt_value(self.high, self.variable)} .. "
               f"{'unreachable' if self.low is None else _fmt_value(self.low, self.variable)}")
        return (f"effects with {self.variable} <= {v} reach {t} {what}{extra}; 95 % interval "
                f"of that {self.variable}: {rng}")

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
                           None, None, None, 0.0, wilson(0, float(n.sum()))[1], False, True)
    fit = fit_monotone(x, k, n)
    x_req = fit.inverse(target)
    # A plateau must be seen on the grid: the fit is at 90 % of its ceiling already at the
    # second-largest grid value (a rise at the last point alone is no evidence of a ceiling).
    xs = np.sort(x)
    plateau = bool(len(xs) >= 2 and fit.rate(xs[-2]) >= 0.9 * fit.c) if fit.c > 0 else True
    rng = np.random.default_rng(seed)
    p_hat = np.clip(k / np.maximum(n, 1), 0, 1)
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
                       float(np.quantile(tops, 0.975)), extrapolated, plateau)


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
    """Minimum detectable effect at a fixed N from a rate curve over a hazard ratio.

    The effect's strength is ``-log(HR)`` (HR = 1 is the null, smaller HR a stronger effect);
    ``required`` is the largest hazard ratio (weakest effect) at which the fitted rate reaches
    the target.
    """
    def to_x(hr: np.ndarray) -> np.ndarray:
        if np.any(hr <= 0):
            raise InputError(f"{column} values must be > 0")
        return -np.log(hr)

    return _search(curve, target, column, to_x, lambda x: np.exp(-x), False, n_boot, seed)


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
                       explain: bool = True, n_population: int = 50_000) -> list[PowerAnswer]:
    """Power answers per setting of ``over`` from stored replications.

    Parameters
    ----------
    frame : DataFrame
        Stored replications (one row each) of a power experiment.
    variable : {"n_workers", "recipe_hazard_ratio"}
        What is searched (sample size, or the minimum detectable effect at a fixed N).
    over : sequence of str
        Parameters whose values define separate settings.
    explain : bool
        For settings that never reach the target, add the population ceiling's cause.
    """
    from .ceiling import population_ceiling
    from .stats import aggregate, long_scores

    long = long_scores(frame, [solution])
    groups = [((), long)] if not over else list(long.groupby(list(over), sort=True))
    out = []
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        setting = dict(zip(over, key))
        curve = aggregate(g, [variable], criterion)
        if variable == "n_workers":
            res = power_from_curve(curve, target)
        else:
            res = effect_from_curve(curve, target, variable)
        cause = None
        if explain and not res.reachable:
            params = {**base, **{k: _plain(v) for k, v in setting.items()}}
            if variable != "n_workers":
                params["recipe_hazard_ratio"] = float(curve[variable].min())
            cause = population_ceiling(params, n_population=n_population).cause()
        out.append(PowerAnswer(setting, res, cause))
    return out


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v
