"""Scenarios as data: TOML files validated into a frozen :class:`Scenario`.

A scenario names the worker conditions (how each is distributed and measured), their correlations,
the programme (workers, referrals, weeks), the participants' needs and hazards, and the causal
recipe. ``sim/scenarios/kbop.toml`` documents every key with its default and source; the table in
``docs/sim.md`` repeats them.

Validation is strict: an unknown key is an error naming the key and the file, a value out of range
names the parameter and the value. Overrides (``--set key=value``, ``simulate(**overrides)``) are
applied to the raw TOML mapping before validation, so they are checked the same way. A scenario
that is valid but unlikely to be analysable (a true condition with prevalence below 5 % or above
95 %, a recipe path expected in fewer than 3 workers) raises a :class:`~sim.errors.ScenarioWarning`
(:attr:`Scenario.diagnostics`).

The truth is crisp (``truth = "crisp"``: a worker is in or out of each condition and of the recipe)
or fuzzy (``truth = "fuzzy"``: graded memberships, the recipe's effect on the hazard scales with
recipe membership); see :mod:`sim.population`.

References
----------
Python Software Foundation, ``tomllib`` (TOML 1.0 parser, Python 3.11).
Ragin, C. C. (2008). *Redesigning Social Inquiry*. Chicago UP (calibration anchors).
"""

from __future__ import annotations

import copy
import math
import re
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
from scipy import optimize, stats

from qca import Expression, QCAError, parse

from .errors import ScenarioError, ScenarioWarning
from .grids import ContinuousGrid, Grid, RatioGrid, StepGrid
from .recipe import compile_recipe

__all__ = [
    "ConditionSpec",
    "Programme",
    "Participants",
    "Hazard",
    "OutcomeSpec",
    "Scenario",
    "load_scenario",
    "scenario_from_dict",
    "apply_overrides",
    "builtin_scenarios",
    "illustrative_ranges",
    "range_overrides",
]

KINDS = ("likert", "recorded", "caseload")
TRUTHS = ("crisp", "fuzzy")
_TOP = {"name", "description", "recipe", "correlations", "programme", "participants", "hazard",
        "conditions", "outcome", "truth", "membership_spread", "ranges"}
_COND_KEYS = {
    "likert": {"kind", "label", "source", "measured", "prevalence", "anchors", "items", "scale",
               "item_mean", "item_sd", "reliability"},
    "recorded": {"kind", "label", "source", "measured", "prevalence", "anchors", "median",
                 "log_sd", "resolution", "reliability", "unit"},
    "caseload": {"kind", "label", "source", "measured", "anchors", "capacity_sd", "high_ratio"},
}
ANCHOR_Z = 1.5  # default membership_spread: latent SDs from the threshold to the 0.05/0.95 anchors
LOG_ODDS_95 = math.log(0.95 / 0.05)  # log-odds of membership 0.95 (R's QCA idm = 0.95)
MIN_PREVALENCE = 0.05  # a true condition rarer (or commoner, 1 - this) gets a ScenarioWarning
MIN_PATH_WORKERS = 3.0  # a recipe path expected in fewer workers gets a ScenarioWarning
_DIAGNOSTIC_DRAWS = 20_000  # Monte Carlo draws of the expected path shares (fixed seed below)
_DIAGNOSTIC_SEED = 20_240_501


@dataclass(frozen=True)
class ConditionSpec:
    """One worker condition: its latent distribution, its truth threshold and its measurement.

    ``kind`` is ``"likert"`` (summed item scores of a survey scale), ``"recorded"`` (a continuous
    administrative record, e.g. meeting minutes) or ``"caseload"`` (the count of participants
    allocated, from the referral and allocation process). Only the fields of its kind are used.
    """

    name: str
    kind: str
    label: str = ""
    source: str = ""
    measured: bool = True
    prevalence: float = 0.5
    anchors: tuple[float, float, float] | None = None
    items: int = 0
    scale: tuple[int, int] = (1, 5)
    item_mean: float = 3.0
    item_sd: float = 1.0
    reliability: float = 1.0
    median: float = 1.0
    log_sd: float = 0.0
    resolution: float = 0.0
    unit: str = ""
    capacity_sd: float = 0.0
    high_ratio: float = 0.0

    @cached_property
    def threshold_z(self) -> float:
        """Latent z at or above which the true crisp condition is 1 (``1 - prevalence``
        quantile; likert and recorded conditions)."""
        return NormalDist().inv_cdf(1.0 - self.prevalence)

    def grid(self) -> Grid:
        """The recording grid of the observed column (see :mod:`sim.grids`); continuous for
        Likert sums and records measured at reliability 1 (:mod:`sim.measurement`: perfect
        measurement is unrounded)."""
        if self.kind in ("likert", "recorded") and self.reliability >= 1.0:
            return ContinuousGrid()
        if self.kind in ("likert", "caseload"):
            return StepGrid(1.0)
        return StepGrid(self.resolution) if self.resolution > 0 else ContinuousGrid()

    @property
    def item_noise_sd(self) -> float:
        """SD of item-level error giving Cronbach's alpha ``reliability`` for ``items`` parallel
        items (Spearman-Brown: item reliability ``rho = a / (k - (k - 1) a)``); 0 at ``a = 1``
        (measured without error: the sum score is the latent trait's, on the item scale)."""
        k, a = self.items, self.reliability
        rho = a / (k - (k - 1) * a)
        return math.sqrt(max(1.0 / rho - 1.0, 0.0))

    @property
    def record_noise_sd(self) -> float:
        """SD of log-scale recording error giving the stated reliability of the log record."""
        return self.log_sd * math.sqrt(1.0 / self.reliability - 1.0)


@dataclass(frozen=True)
class Programme:
    n_workers: int
    n_orgs: int
    referrals_per_worker: float
    referral_weeks: int
    housing_window_weeks: int
    sustain_weeks: int

    @property
    def n_participants(self) -> int:
        return max(1, round(self.n_workers * self.referrals_per_worker))

    @property
    def weeks(self) -> int:
        """Programme length in weekly steps: referral period, housing window, sustainment."""
        return self.referral_weeks + self.housing_window_weeks + self.sustain_weeks


@dataclass(frozen=True)
class Participants:
    needs_max: int
    needs_p: float
    entry_weekly_prob: float
    entry_needs_ratio: float
    needs_log_hr: float
    frailty_sd: float

    @property
    def needs_mean(self) -> float:
        return 1.0 + (self.needs_max - 1) * self.needs_p


@dataclass(frozen=True)
class Hazard:
    baseline_sustain: float
    decay: float
    recipe_hazard_ratio: float


@dataclass(frozen=True)
class OutcomeSpec:
    """The programme's definition of the outcome set on the outcome proportion.

    ``anchors`` (exclusion, crossover, inclusion) on ``SUSTAIN_RATE`` come from programme facts
    (targets, comparable programmes), never from the simulated effect, so the outcome set is the
    same under the null and every effect size.
    """

    anchors: tuple[float, float, float]
    label: str = ""
    source: str = ""


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario. Build with :func:`load_scenario` or :func:`scenario_from_dict`.

    Attributes used by the benchmark: :attr:`recipe` (qca syntax over the true conditions),
    :attr:`observed_conditions` (cohort columns an analyst sees), :attr:`outcome` (cohort column of
    the outcome proportion), :attr:`calibration_anchors` (exclusion, crossover, inclusion per
    observed column and the outcome, raw scale, crossovers between recording grid points),
    :attr:`grids`, :attr:`truth` (``"crisp"`` or ``"fuzzy"``), :attr:`truth_columns`,
    :attr:`diagnostics`.
    """

    name: str
    description: str
    recipe: str
    conditions: tuple[ConditionSpec, ...]
    correlation: np.ndarray
    programme: Programme
    participants: Participants
    hazard: Hazard
    outcome_spec: OutcomeSpec
    raw: Mapping[str, Any] = field(repr=False)
    source: str = "<dict>"
    truth: str = "crisp"
    membership_spread: float = ANCHOR_Z

    outcome = "SUSTAIN_RATE"

    @property
    def fuzzy_truth(self) -> bool:
        """True when the truth is a fuzzy-set relation (``truth = "fuzzy"``)."""
        return self.truth == "fuzzy"

    @property
    def condition_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.conditions)

    @property
    def observed_conditions(self) -> tuple[str, ...]:
        """Names of the measured conditions: the analyst's cohort columns."""
        return tuple(c.name for c in self.conditions if c.measured)

    @property
    def omitted_conditions(self) -> tuple[str, ...]:
        """Latent conditions (possibly in the recipe) that the evaluation did not measure."""
        return tuple(c.name for c in self.conditions if not c.measured)

    @cached_property
    def recipe_expression(self) -> Expression:
        return parse(self.recipe, conditions=list(self.condition_names))

    @property
    def recipe_conditions(self) -> tuple[str, ...]:
        return self.recipe_expression.conditions

    @property
    def irrelevant_conditions(self) -> tuple[str, ...]:
        """Measured conditions that are not in the recipe."""
        used = set(self.recipe_conditions)
        return tuple(c for c in self.observed_conditions if c not in used)

    @property
    def n_paths(self) -> int:
        return len(self.recipe_expression.terms)

    @property
    def truth_columns(self) -> tuple[str, ...]:
        return (*(f"true_{c}" for c in self.condition_names), "true_recipe",
                *(f"true_path_{i + 1}" for i in range(self.n_paths)))

    @cached_property
    def grids(self) -> dict[str, Grid]:
        """Recording grid of every observed column and the outcome (:mod:`sim.grids`): integer
        steps for Likert sums and caseloads, the resolution for records, count ratios for the
        outcome. Calibration code can check a crossover with ``grid.is_tie_free(c)`` and place a
        sample-based one with ``grid.tie_free(c)``."""
        out: dict[str, Grid] = {c.name: c.grid() for c in self.conditions if c.measured}
        out[self.outcome] = RatioGrid()
        return out

    @cached_property
    def theory_anchors(self) -> dict[str, tuple[float, float, float]]:
        """(exclusion, crossover, inclusion) per observed column and the outcome, raw scale, as
        the theory states them: the TOML ``anchors``, or the raw values at the truth threshold
        and ``membership_spread`` latent SDs either side of it; ``[outcome] anchors``."""
        out = {c.name: c.anchors or _default_anchors(c, self.programme, self.membership_spread)
               for c in self.conditions if c.measured}
        out[self.outcome] = self.outcome_spec.anchors
        return out

    @cached_property
    def calibration_anchors(self) -> dict[str, tuple[float, float, float]]:
        """Anchors for calibration: :attr:`theory_anchors` with each crossover moved between
        recording grid points by the tie rule of :mod:`sim.grids` (a value equal to the theory
        crossover is *in*, as in ``qca.calibrate(x, "crisp", thresholds=[c])``), so that no case
        sits at the crossover. Crisp calibration at these crossovers classifies every possible
        value exactly as the theory crossover does; the outcome's anchors are the programme's
        (``[outcome]``) and do not depend on the effect size."""
        out = {c.name: (self._tie_free(c.anchors, c.grid()) if c.anchors is not None
                         else self._default_calibration_anchors(c))
               for c in self.conditions if c.measured}
        out[self.outcome] = self._tie_free(self.outcome_spec.anchors, RatioGrid())
        return out

    @staticmethod
    def _tie_free(anchors: tuple[float, float, float], grid: Grid) -> tuple[float, float, float]:
        e, c, i = anchors
        return (e, grid.tie_free(c), i)

    def _default_calibration_anchors(self, c: ConditionSpec) -> tuple[float, float, float]:
        """Default anchors with the crossover between grid points; exclusion and inclusion are
        widened to at least half a grid step from it when ``membership_spread`` is narrower."""
        grid = c.grid()
        e, cross, i = self._tie_free(_default_anchors(c, self.programme, self.membership_spread),
                                     grid)
        if isinstance(grid, StepGrid):
            e, i = min(e, cross - grid.step / 2), max(i, cross + grid.step / 2)
        return (e, cross, i)

    def caseload_cut(self, c: ConditionSpec) -> int:
        """Smallest caseload count in the true 'high caseload' set:
        ``count >= high_ratio * referrals_per_worker`` (the tie rule of :mod:`sim.grids`)."""
        t = c.high_ratio * self.programme.referrals_per_worker
        return int(round(StepGrid(1.0).tie_free(t) + 0.5))

    def caseload_truth_anchors(self, c: ConditionSpec) -> tuple[float, float, float]:
        """Anchors of the fuzzy truth of a caseload condition: the crossover between
        ``caseload_cut - 1`` and ``caseload_cut``, exclusion and inclusion ``membership_spread``
        SDs of the caseload away (the default :attr:`calibration_anchors` of the column)."""
        return self._default_calibration_anchors(c)

    def expected_sustain_rate(self, membership: float = 0.0) -> float:
        """Expected share of housed participants who sustain their tenancy, for a worker with
        recipe membership ``membership`` (0 or 1 under crisp truth).

        Exact under the model (no sampling): needs weighted by their chance of being housed
        within the window, frailty integrated by 64-point Gauss-Hermite quadrature,
        ``S0 ** (r * HR ** membership)``. It is the participant-weighted rate (total sustained /
        total housed over many such workers). It uses the true effect, so it is a diagnostic of
        the truth (how far apart recipe and non-recipe workers are), never an input to
        calibration.
        """
        part = self.participants
        pmf = stats.binom.pmf(np.arange(part.needs_max), part.needs_max - 1, part.needs_p)
        housed = -np.expm1(self.log_q_table * self.programme.housing_window_weeks)
        nodes, weights = np.polynomial.hermite_e.hermegauss(64)
        log_r = (self.needs_log_hr_table[:, None] + part.frailty_sd * nodes[None, :]
                 + membership * math.log(self.hazard.recipe_hazard_ratio))
        surv = np.exp(self.baseline_log_survival[-1] * np.exp(log_r)) @ (weights / weights.sum())
        return float((pmf * housed * surv).sum() / (pmf * housed).sum())

    @cached_property
    def _diagnostic_probabilities(self) -> np.ndarray:
        """(M, K) probability that each true crisp condition holds, over M latent draws."""
        rng = np.random.default_rng(_DIAGNOSTIC_SEED)
        z = rng.standard_normal((_DIAGNOSTIC_DRAWS, len(self.conditions))) @ self.cholesky.T
        probs = np.empty_like(z)
        for k, c in enumerate(self.conditions):
            if c.kind == "caseload":
                # Poisson approximation of the multinomial allocation given the capacity weight.
                lam = self.programme.referrals_per_worker * np.exp(
                    c.capacity_sd * z[:, k] - c.capacity_sd**2 / 2)
                probs[:, k] = stats.poisson.sf(self.caseload_cut(c) - 1, lam)
            else:
                probs[:, k] = z[:, k] >= c.threshold_z
        return probs

    @cached_property
    def expected_prevalence(self) -> dict[str, float]:
        """Expected share of workers in each true crisp condition (membership above 0.5 under
        fuzzy truth): the stated prevalence, and for a caseload condition a Poisson-lognormal
        approximation (Monte Carlo with a fixed seed, 20,000 draws)."""
        probs = self._diagnostic_probabilities
        return {c.name: (c.prevalence if c.kind != "caseload" else float(probs[:, k].mean()))
                for k, c in enumerate(self.conditions)}

    @cached_property
    def expected_path_workers(self) -> tuple[float, ...]:
        """Expected number of workers in each recipe path at ``programme.n_workers`` (same
        approximation as :attr:`expected_prevalence`)."""
        probs = self._diagnostic_probabilities
        out = []
        for term in self.compiled_recipe:
            share = np.ones(len(probs))
            for k, v in term:
                share = share * (probs[:, k] if v else 1.0 - probs[:, k])
            out.append(float(share.mean()) * self.programme.n_workers)
        return tuple(out)

    @cached_property
    def diagnostics(self) -> tuple[str, ...]:
        """Why this scenario may be unanalysable, one sentence each (empty when fine): a true
        condition with expected prevalence below 5 % or above 95 %, a recipe path expected in
        fewer than 3 workers. Each is also raised as a :class:`~sim.errors.ScenarioWarning`
        when the scenario is built."""
        out = []
        for name, p in self.expected_prevalence.items():
            if not MIN_PREVALENCE <= p <= 1 - MIN_PREVALENCE:
                out.append(f"true condition {name} has expected prevalence {p:.3f}, outside "
                           f"[{MIN_PREVALENCE}, {1 - MIN_PREVALENCE}]: QCA sees almost no "
                           f"variation in it")
        terms = self.recipe_expression.terms
        for i, n in enumerate(self.expected_path_workers):
            if n < MIN_PATH_WORKERS:
                path = qca_term(terms[i])
                out.append(f"recipe path {i + 1} ({path}) is expected in {n:.1f} of "
                           f"{self.programme.n_workers} workers (< {MIN_PATH_WORKERS:g}): "
                           f"too few cases to find it")
        return tuple(out)

    @cached_property
    def compiled_recipe(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Each recipe path as ``((condition index, required 0/1), ...)``."""
        return compile_recipe(self.recipe_expression, self.condition_names)

    @cached_property
    def needs_cdf(self) -> np.ndarray:
        """CDF of ``needs - 1 ~ Binomial(needs_max - 1, needs_p)`` at 0 .. needs_max - 2."""
        part = self.participants
        return stats.binom.cdf(np.arange(part.needs_max - 1), part.needs_max - 1, part.needs_p)

    @cached_property
    def needs_log_hr_table(self) -> np.ndarray:
        """Log hazard ratio from needs, indexed by ``needs - 1``."""
        part = self.participants
        return part.needs_log_hr * (np.arange(1, part.needs_max + 1) - part.needs_mean)

    @cached_property
    def log_q_table(self) -> np.ndarray:
        """``log(1 - p)`` of the weekly housing-entry probability, indexed by ``needs - 1``."""
        part = self.participants
        dev = np.arange(1, part.needs_max + 1) - part.needs_mean
        p = np.clip(part.entry_weekly_prob * part.entry_needs_ratio**dev, 1e-12, 1 - 1e-12)
        return np.log1p(-p)

    @cached_property
    def cholesky(self) -> np.ndarray:
        """Lower Cholesky factor of :attr:`correlation`."""
        return np.linalg.cholesky(self.correlation)

    @cached_property
    def baseline_log_survival(self) -> np.ndarray:
        """Cumulative log survival of the baseline tenancy, weeks 1..``sustain_weeks``.

        Weekly hazard ``h0(t) = h * decay**(t - 1)`` with ``h`` solved so that the baseline
        ``exp(L0[-1])`` equals ``hazard.baseline_sustain``.
        """
        return baseline_log_survival(self.hazard, self.programme.sustain_weeks)

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with dotted-key overrides applied to the raw mapping."""
        if not overrides:
            return self
        return scenario_from_dict(apply_overrides(self.raw, overrides), source=self.source)


def baseline_log_survival(hazard: Hazard, weeks: int) -> np.ndarray:
    """Cumulative baseline log survival ``L0[t-1] = sum_{s<=t} log(1 - h0(s))``, t = 1..weeks."""
    decay = hazard.decay ** np.arange(weeks, dtype=float)
    target = math.log(hazard.baseline_sustain)
    upper = 1.0 / decay.max()

    def gap(h: float) -> float:
        return float(np.sum(np.log1p(-h * decay))) - target

    h = optimize.brentq(gap, 1e-15, upper * (1 - 1e-12), xtol=1e-15)
    return np.cumsum(np.log1p(-h * decay))


def qca_term(term: Any) -> str:
    """A product term in qca syntax (``~SBW*INNOV``)."""
    return "*".join(("" if next(iter(v)) else "~") + cond for cond, v in term.literals)


def _default_anchors(c: ConditionSpec, prog: Programme,
                     spread: float) -> tuple[float, float, float]:
    """Raw-scale anchors at the truth threshold and ``spread`` latent SDs either side of it
    (caseload: ``spread`` SDs of the Poisson-lognormal caseload either side of the tie-free
    crossover, with the threshold ``high_ratio * referrals_per_worker`` as crossover)."""
    if c.kind == "caseload":
        m = prog.referrals_per_worker
        sd = math.sqrt(m + (m * c.capacity_sd) ** 2)
        t = c.high_ratio * m
        cross = StepGrid(1.0).tie_free(t)
        return (round(max(0.0, cross - spread * sd), 2), round(t, 6),
                round(cross + spread * sd, 2))
    zs = (c.threshold_z - spread, c.threshold_z, c.threshold_z + spread)
    if c.kind == "likert":
        lo, hi = c.scale
        scale = c.item_sd / math.sqrt(1.0 + c.item_noise_sd**2)
        vals = [c.items * min(hi, max(lo, c.item_mean + scale * z)) for z in zs]
    else:
        vals = [c.median * math.exp(c.log_sd * z) for z in zs]
    if c.reliability >= 1.0:  # unrounded scores: the crossover is exactly the threshold's value
        return (round(vals[0], 2), vals[1], round(vals[2], 2))
    return tuple(round(v, 2) for v in vals)  # type: ignore[return-value]


# --------------------------------------------------------------------------- loading


def builtin_scenarios() -> tuple[str, ...]:
    """Names of the scenarios shipped in ``sim/scenarios/``."""
    files = resources.files("sim") / "scenarios"
    return tuple(sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".toml")))


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load and validate a scenario from a built-in name (``"kbop"``) or a TOML file path.

    Parameters
    ----------
    path : str or Path
        ``"kbop"``, ``"gmbop"`` or a path to a ``.toml`` file.
    overrides : mapping, optional
        Dotted keys such as ``{"programme.n_workers": 30, "conditions.INNOV.reliability": 0.7}``.

    Raises
    ------
    ScenarioError
        Missing file, TOML syntax error, unknown key, bad value or bad recipe.
    """
    text, source = _read(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{source}: invalid TOML: nested too deeply") from None
    if overrides:
        raw = apply_overrides(raw, overrides)
    return scenario_from_dict(raw, source=source)


def _read(path: str | Path) -> tuple[str, str]:
    name = str(path)
    if name in builtin_scenarios():
        res = resources.files("sim") / "scenarios" / f"{name}.toml"
        return res.read_text(encoding="utf-8"), f"{name}.toml"
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(
            f"scenario {name!r} is neither a built-in ({', '.join(builtin_scenarios())}) nor a file"
        )
    try:
        return p.read_text(encoding="utf-8"), str(p)
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ScenarioError(f"{p}: cannot read ({exc.strerror or exc})") from None


_SECTIONS = ("programme", "participants", "hazard")


def apply_overrides(raw: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return a deep copy of ``raw`` with overrides set.

    A key is a dotted path (``"conditions.INNOV.reliability"``; ``__`` also separates, for Python
    keyword arguments) or a bare key found in exactly one of the top level, ``programme``,
    ``participants`` or ``hazard`` (``"n_workers"``, ``"recipe_hazard_ratio"``).
    """
    out = copy.deepcopy(dict(raw))
    for key, value in overrides.items():
        path = key.replace("__", ".").split(".")
        if len(path) == 1:
            path = _resolve_bare(out, path[0])
        node = out
        for part in path[:-1]:
            nxt = node.get(part)
            if nxt is None:
                nxt = node[part] = {}
            if not isinstance(nxt, dict):
                raise ScenarioError(f"override {key!r}: {part!r} is not a section")
            node = nxt
        node[path[-1]] = value
    return out


def _resolve_bare(raw: Mapping[str, Any], key: str) -> list[str]:
    if key in _TOP:
        return [key]
    hits = [s for s in _SECTIONS if isinstance(raw.get(s), dict) and key in raw[s]]
    if len(hits) != 1:
        where = "several sections" if hits else "the top level, programme, participants or hazard"
        raise ScenarioError(
            f"override key {key!r} is not in {where}; use a dotted key such as "
            f"'conditions.INNOV.reliability'"
        )
    return [hits[0], key]


# --------------------------------------------------------------------------- validation


#: Most items a Likert scale may have (each worker's items are drawn: memory grows with it).
_MAX_ITEMS = 1000
#: Prevalences closer to 0 or 1 than this have no finite normal threshold in double precision.
_MIN_PREVALENCE = 1e-9


def _prevalence(ck: _Checker, d: dict, where: str) -> float:
    p = ck.number(d, "prevalence", where, 0, 1, lo_open=True, hi_open=True)
    if not _MIN_PREVALENCE <= p <= 1 - _MIN_PREVALENCE:
        raise ck.fail(f"{where}.prevalence = {p!r} is out of range: must be in "
                      f"[{_MIN_PREVALENCE:g}, 1 - {_MIN_PREVALENCE:g}]")
    return p


class _Checker:
    def __init__(self, source: str):
        self.source = source

    def fail(self, msg: str) -> ScenarioError:
        return ScenarioError(f"{self.source}: {msg}")

    def keys(self, d: Any, allowed: set[str], where: str) -> dict[str, Any]:
        if not isinstance(d, dict):
            raise self.fail(f"{where} must be a table, got {type(d).__name__}")
        unknown = sorted(set(d) - allowed)
        if unknown:
            raise self.fail(
                f"unknown key {where + '.' if where else ''}{unknown[0]!r}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        return d

    def number(self, d: dict, key: str, where: str, lo: float | None = None,
               hi: float | None = None, *, integer: bool = False, lo_open: bool = False,
               hi_open: bool = False, default: Any = None) -> Any:
        name = f"{where}.{key}" if where else key
        if key not in d:
            if default is None:
                raise self.fail(f"missing required key {name!r}")
            return default
        v = d[key]
        ok_type = isinstance(v, int) if integer else isinstance(v, int | float)
        if isinstance(v, bool) or not ok_type or (not integer and not math.isfinite(v)):
            kind = "an integer" if integer else "a finite number"
            raise self.fail(f"{name} must be {kind}, got {v!r}")
        if lo is not None and (v < lo or (lo_open and v == lo)):
            raise self.fail(f"{name} = {v!r} is out of range: must be {'>' if lo_open else '>='} {lo}")
        if hi is not None and (v > hi or (hi_open and v == hi)):
            raise self.fail(f"{name} = {v!r} is out of range: must be {'<' if hi_open else '<='} {hi}")
        return int(v) if integer else float(v)

    def string(self, d: dict, key: str, where: str, default: str | None = None) -> str:
        name = f"{where}.{key}" if where else key
        if key not in d:
            if default is None:
                raise self.fail(f"missing required key {name!r}")
            return default
        if not isinstance(d[key], str):
            raise self.fail(f"{name} must be a string, got {d[key]!r}")
        return d[key]

    def boolean(self, d: dict, key: str, where: str, default: bool) -> bool:
        v = d.get(key, default)
        if not isinstance(v, bool):
            raise self.fail(f"{where}.{key} must be true or false, got {v!r}")
        return v


def scenario_from_dict(raw: Mapping[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a raw scenario mapping (as parsed from TOML) into a :class:`Scenario`."""
    ck = _Checker(source)
    raw = ck.keys(dict(raw), _TOP, "")
    name = ck.string(raw, "name", "")
    conds = _conditions(ck, raw.get("conditions"))
    names = tuple(c.name for c in conds)
    prog = _programme(ck, raw.get("programme"))
    part = _participants(ck, raw.get("participants"))
    haz = _hazard(ck, raw.get("hazard"))
    recipe = ck.string(raw, "recipe", "")
    _check_recipe(ck, recipe, names)
    corr = _correlation(ck, raw.get("correlations", []), names)
    truth = ck.string(raw, "truth", "", default="crisp")
    if truth not in TRUTHS:
        raise ck.fail(f"truth = {truth!r} is not one of {', '.join(TRUTHS)}")
    scen = Scenario(
        name=name, description=ck.string(raw, "description", "", default=""), recipe=recipe,
        conditions=conds, correlation=corr, programme=prog, participants=part, hazard=haz,
        outcome_spec=_outcome(ck, raw.get("outcome")), raw=copy.deepcopy(raw), source=source,
        truth=truth,
        membership_spread=ck.number(raw, "membership_spread", "", 0, 10, lo_open=True,
                                    default=ANCHOR_Z),
    )
    try:
        scen.baseline_log_survival  # noqa: B018 - solve once to validate the hazard settings
    except ValueError:
        raise ck.fail(
            f"hazard: no weekly hazard gives baseline_sustain = {haz.baseline_sustain} with "
            f"decay = {haz.decay} over {prog.sustain_weeks} weeks"
        ) from None
    for col, (e, c, i) in scen.calibration_anchors.items():
        if not e < c < i:
            where = "outcome" if col == scen.outcome else f"conditions.{col}"
            raise ck.fail(
                f"{where}: anchors {scen.theory_anchors[col]} give (exclusion, crossover, "
                f"inclusion) = ({e:g}, {c:g}, {i:g}) once the crossover is placed between "
                f"recording grid points; they must increase (set 'anchors' or 'prevalence')")
    _ranges(ck, raw)
    for msg in scen.diagnostics:
        warnings.warn(f"{source}: {msg}", ScenarioWarning, stacklevel=2)
    return scen


def _conditions(ck: _Checker, table: Any) -> tuple[ConditionSpec, ...]:
    if not isinstance(table, dict) or not table:
        raise ck.fail("missing or empty [conditions] table")
    out = []
    for name, d in table.items():
        where = f"conditions.{name}"
        if not name.isidentifier():
            raise ck.fail(f"condition name {name!r} must be an identifier (letters, digits, _)")
        if not isinstance(d, dict):
            raise ck.fail(f"{where} must be a table")
        kind = ck.string(d, "kind", where)
        if kind not in KINDS:
            raise ck.fail(f"{where}.kind = {kind!r} is not one of {', '.join(KINDS)}")
        if kind == "caseload" and "high_above" in d:
            raise ck.fail(
                f"{where}.high_above was replaced by high_ratio: high caseload = count >= "
                f"high_ratio * programme.referrals_per_worker (the old 'high_above = H' is "
                f"'high_ratio = (H + 1) / referrals_per_worker')")
        ck.keys(d, _COND_KEYS[kind], where)
        common = dict(
            name=name, kind=kind, label=ck.string(d, "label", where, default=""),
            source=ck.string(d, "source", where, default=""),
            measured=ck.boolean(d, "measured", where, True), anchors=_anchors(ck, d, where),
        )
        if kind == "likert":
            items = ck.number(d, "items", where, 1, _MAX_ITEMS, integer=True)
            scale = d.get("scale")
            if (not isinstance(scale, list) or len(scale) != 2
                    or not all(isinstance(s, int) and not isinstance(s, bool) for s in scale)
                    or scale[0] >= scale[1]):
                raise ck.fail(f"{where}.scale must be [low, high] integers with low < high, "
                              f"got {scale!r}")
            spec = ConditionSpec(
                **common, items=items, scale=(scale[0], scale[1]),
                item_mean=ck.number(d, "item_mean", where, scale[0], scale[1]),
                item_sd=ck.number(d, "item_sd", where, 0, lo_open=True),
                reliability=ck.number(d, "reliability", where, 0, 1, lo_open=True),
                prevalence=_prevalence(ck, d, where),
            )
        elif kind == "recorded":
            spec = ConditionSpec(
                **common, median=ck.number(d, "median", where, 0, lo_open=True),
                log_sd=ck.number(d, "log_sd", where, 0, lo_open=True),
                resolution=ck.number(d, "resolution", where, 0, default=0.0),
                reliability=ck.number(d, "reliability", where, 0, 1, lo_open=True),
                prevalence=_prevalence(ck, d, where),
                unit=ck.string(d, "unit", where, default=""),
            )
        else:
            spec = ConditionSpec(
                **common, capacity_sd=ck.number(d, "capacity_sd", where, 0),
                high_ratio=ck.number(d, "high_ratio", where, 0, 100, lo_open=True),
            )
        out.append(spec)
    if sum(c.kind == "caseload" for c in out) > 1:
        raise ck.fail("at most one condition may have kind = 'caseload'")
    return tuple(out)


def _anchors(ck: _Checker, d: dict, where: str) -> tuple[float, float, float] | None:
    a = d.get("anchors")
    if a is None:
        return None
    if (not isinstance(a, list) or len(a) != 3
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in a)
            or not a[0] < a[1] < a[2]):
        raise ck.fail(f"{where}.anchors must be [exclusion, crossover, inclusion], increasing; "
                      f"got {a!r}")
    return (float(a[0]), float(a[1]), float(a[2]))


def _outcome(ck: _Checker, d: Any) -> OutcomeSpec:
    if d is None:
        raise ck.fail("missing [outcome] table: give anchors = [exclusion, crossover, inclusion] "
                      "on the outcome proportion SUSTAIN_RATE, chosen from programme facts "
                      "(targets, comparable programmes; see kbop.toml)")
    d = ck.keys(d, {"anchors", "label", "source"}, "outcome")
    anchors = _anchors(ck, d, "outcome")
    if anchors is None:
        raise ck.fail("missing required key 'outcome.anchors'")
    if not (0 <= anchors[0] and anchors[2] <= 1):
        raise ck.fail(f"outcome.anchors must lie in [0, 1] (the outcome is a proportion); "
                      f"got {list(anchors)!r}")
    return OutcomeSpec(anchors=anchors, label=ck.string(d, "label", "outcome", default=""),
                       source=ck.string(d, "source", "outcome", default=""))


def _programme(ck: _Checker, d: Any) -> Programme:
    w = "programme"
    d = ck.keys(d if d is not None else {}, {
        "n_workers", "n_orgs", "referrals_per_worker", "referral_weeks", "housing_window_weeks",
        "sustain_weeks"}, w)
    return Programme(
        n_workers=ck.number(d, "n_workers", w, 2, 100_000, integer=True),
        n_orgs=ck.number(d, "n_orgs", w, 1, 10_000, integer=True),
        referrals_per_worker=ck.number(d, "referrals_per_worker", w, 0, 10_000, lo_open=True),
        referral_weeks=ck.number(d, "referral_weeks", w, 1, 5_000, integer=True),
        housing_window_weeks=ck.number(d, "housing_window_weeks", w, 1, 5_000, integer=True),
        sustain_weeks=ck.number(d, "sustain_weeks", w, 1, 5_000, integer=True),
    )


def _participants(ck: _Checker, d: Any) -> Participants:
    w = "participants"
    d = ck.keys(d if d is not None else {}, {
        "needs_max", "needs_p", "entry_weekly_prob", "entry_needs_ratio", "needs_log_hr",
        "frailty_sd"}, w)
    return Participants(
        needs_max=ck.number(d, "needs_max", w, 1, 100, integer=True),
        needs_p=ck.number(d, "needs_p", w, 0, 1),
        entry_weekly_prob=ck.number(d, "entry_weekly_prob", w, 0, 1, lo_open=True, hi_open=True),
        entry_needs_ratio=ck.number(d, "entry_needs_ratio", w, 0, lo_open=True),
        needs_log_hr=ck.number(d, "needs_log_hr", w, -5, 5),
        frailty_sd=ck.number(d, "frailty_sd", w, 0, 5),
    )


def _hazard(ck: _Checker, d: Any) -> Hazard:
    w = "hazard"
    d = ck.keys(d if d is not None else {}, {"baseline_sustain", "decay", "recipe_hazard_ratio"}, w)
    return Hazard(
        baseline_sustain=ck.number(d, "baseline_sustain", w, 0, 1, lo_open=True, hi_open=True),
        decay=ck.number(d, "decay", w, 0, 2, lo_open=True),
        recipe_hazard_ratio=ck.number(d, "recipe_hazard_ratio", w, 0, 100, lo_open=True),
    )


def _check_recipe(ck: _Checker, recipe: str, names: tuple[str, ...]) -> None:
    try:
        expr = parse(recipe, conditions=list(names))
    except QCAError as exc:
        raise ck.fail(f"recipe: {exc}") from None
    for term in expr.terms:
        for cond, vals in term.literals:
            if len(vals) != 1 or not vals <= {0, 1}:
                raise ck.fail(f"recipe {recipe!r}: {cond!r} must be a crisp literal (X or ~X)")


def _correlation(ck: _Checker, pairs: Any, names: tuple[str, ...]) -> np.ndarray:
    idx = {n: i for i, n in enumerate(names)}
    corr = np.eye(len(names))
    if not isinstance(pairs, list):
        raise ck.fail("correlations must be a list of [A, B, r] entries")
    for entry in pairs:
        if (not isinstance(entry, list) or len(entry) != 3 or not isinstance(entry[0], str)
                or not isinstance(entry[1], str) or isinstance(entry[2], bool)
                or not isinstance(entry[2], int | float)):
            raise ck.fail(f"correlations entry {entry!r} must be [\"A\", \"B\", r]")
        a, b, r = entry
        for n in (a, b):
            if n not in idx:
                raise ck.fail(f"correlations entry {entry!r} names unknown condition {n!r}")
        if a == b or not -1 < r < 1:
            raise ck.fail(f"correlations entry {entry!r}: need two different conditions and "
                          f"-1 < r < 1")
        if corr[idx[a], idx[b]] != 0:
            raise ck.fail(f"correlations: pair {a}, {b} is given twice")
        corr[idx[a], idx[b]] = corr[idx[b], idx[a]] = r
    try:
        np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise ck.fail("correlations do not form a positive-definite matrix") from None
    corr.setflags(write=False)
    return corr


# --------------------------------------------------------------------------- illustrative ranges
# A scenario's optional [ranges] table gives a plausible (low, high) for each [illustrative] value,
# so a study design can be checked for robustness to what is only illustrative (qcasim plan).
# Keys are dotted scenario keys holding a number ("hazard.baseline_sustain"), an element of a list
# ("outcome.anchors[1]": the outcome crossover) or "correlations.scale" (a factor on every
# correlation). A range need not contain the value (an override may move it outside).

_INDEXED = re.compile(r"^(?P<path>[A-Za-z_][\w.]*)\[(?P<i>\d+)\]$")


def _range_value(raw: Mapping[str, Any], key: str) -> float | None:
    """The scenario's current value at a range key (None when the key names no number)."""
    if key == "correlations.scale":
        return 1.0
    m = _INDEXED.match(key)
    path, index = (m["path"], int(m["i"])) if m else (key, None)
    node: Any = raw
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if index is not None:
        node = node[index] if isinstance(node, list) and index < len(node) else None
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return float(node)


def _ranges(ck: _Checker, raw: Mapping[str, Any]) -> None:
    table = raw.get("ranges", {})
    if not isinstance(table, dict):
        raise ck.fail("ranges must be a table of key = [low, high]")
    for key, value in table.items():
        if (not isinstance(value, list) or len(value) != 2 or any(
                isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
                for v in value) or not value[0] < value[1]):
            raise ck.fail(f"ranges.{key} must be [low, high] with low < high, got {value!r}")
        if _range_value(raw, key) is None:
            raise ck.fail(f"ranges: {key!r} names no number of the scenario (use a dotted key, "
                          f"'outcome.anchors[1]' or 'correlations.scale')")


def illustrative_ranges(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """The plausible ranges a scenario declares for its illustrative values (``[ranges]``),
    ``{key: (low, high)}``; empty when it declares none."""
    table = scenario.raw.get("ranges", {}) or {}
    return {str(k): (float(v[0]), float(v[1])) for k, v in table.items()}


def range_overrides(raw: Mapping[str, Any], key: str, value: float) -> dict[str, Any]:
    """Scenario overrides setting range key ``key`` to ``value`` (see :func:`illustrative_ranges`)."""
    if key == "correlations.scale":
        return {"correlations": [[a, b, float(r) * value] for a, b, r in raw.get("correlations", [])]}
    m = _INDEXED.match(key)
    if m is None:
        return {key: value}
    node: Any = raw
    for part in m["path"].split("."):
        node = node[part]
    new = list(node)
    new[int(m["i"])] = value
    return {m["path"]: new}
