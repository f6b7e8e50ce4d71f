"""The study planner: the cheapest design that would recover the recipe, if it is true.

``plan(scenario, target=..., space=..., cost=...)`` answers the planner's question "what is the
cheapest study that recovers these paths 80 % of the time, if they are true, without claiming a
recipe under the null?", in four steps:

1. **Screen** every design of the :class:`DesignSpace` (data levers: measurement reliability,
   participants followed up per case; analysis levers: conditions analysed, consistency cut-off,
   ``n_cut``, PRI cut-off, calibration type, solution type) at every N of its grid with the
   truth-table surrogate of :mod:`experiments.surrogate`: one large simulated population per data
   design and effect (the scenario's effect and the matched null, on common random numbers), no
   simulation per N. A design's N is the smallest grid N meeting the :class:`Target`, refined by
   bisection for the cheapest designs; its cost is the :mod:`experiments.cost` model's.
2. **Recommend** the cheapest design meeting the target (ties: fewer cases, then higher
   recovery), after confirming the cheapest on fresh draws (four times as many: the best of many
   noisy estimates is biased upwards), and list the runner-ups and the Pareto front of cost
   against exact recovery.
3. **Verify** the recommendation by full simulation through the benchmark's pipeline
   (:func:`experiments.pipeline.run_batch`), adding replications until every targeted rate has a
   95 % Wilson interval no wider than ``verify_width`` (or the case budget is spent, which is
   said), and measure the surrogate's error against it.
4. **Stress** the recommendation over the scenario's plausible ranges of its illustrative values
   (``[ranges]`` of the scenario TOML, or :data:`DEFAULT_RANGES`): each value at the ends of its
   range (tornado) and ``n_joint`` joint Latin-hypercube draws (worst case, 10 % quantile, share
   meeting the target). A design that misses the target (by more than two Monte-Carlo standard
   errors of the screen) at the end of any range, or in more than ``1 - robust_share`` of the
   joint draws, is **fragile**.

With a results store (``store=``, ``qcasim plan -o DIR``) every finished piece of work (screening
tables, rates, verification tasks) is stored as it completes under a digest of what determines
it (:class:`_Work`): an interrupted plan run again resumes and gives the same answer, and changed
arguments never reuse stale work. The verification tasks and the pairs of populations run where
``qcasim benchmark`` runs its tasks (:func:`experiments.runner.scatter`: ``jobs`` local workers
or a Dask ``scheduler``); the answer depends on neither.

Everything flows from one seed. A recovery rate is a probability over replications of the study
(sampling, measurement and outcome noise), conditional on the scenario's illustrative values;
the robustness step shows how much those values move it.

References
----------
Faul, F., Erdfelder, E., Lang, A.-G., & Buchner, A. (2007). G*Power 3. *Behavior Research
Methods* 39(2), 175-191 (the a-priori sample-size question). Arnold, B. F., Hogan, D. R., Colford,
J. M., & Hubbard, A. E. (2011). Simulation methods to estimate design power. *BMC Medical Research
Methodology* 11, 94. Baumgartner, M., & Thiem, A. (2020). Often trusted but never (properly)
tested. *Sociological Methods & Research* 49(2), 279-311 (exact recovery and false claims).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html
import itertools
import json
import math
import re
import sys
import time
import types
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ScenarioWarning
from sim.scenario import illustrative_ranges, load_scenario, range_overrides

from .cost import CostModel, cost_model, design_cost, extra_items
from .errors import DesignError
from .params import normalise_params
from .pipeline import cell_setup, run_batch
from .stats import wilson
from .surrogate import (
    OUTCOMES,
    SEARCH_KEYS,
    PopulationTable,
    Scorer,
    draw_tables,
    is_tautology,
    population,
    population_table,
    recovery_probabilities,
)

__all__ = ["plan", "PlanResult", "DesignSpace", "Target", "DEFAULT_RANGES", "pareto_figure",
           "tornado_figure"]

#: Ranges used for a programme scenario without a ``[ranges]`` table, relative to its values.
DEFAULT_RANGES = {
    "hazard.recipe_hazard_ratio": "x0.75 .. x1.33 (at most 0.95)",
    "hazard.baseline_sustain": "-0.08 .. +0.08",
    "outcome.anchors[1]": "-0.05 .. +0.05 (inside the other anchors)",
    "correlations.scale": "0.5 .. 1.5",
    "boolean: high": "-0.1 .. +0.05 around the recipe's outcome level (effect)",
    "boolean: outcome_sd": "x0.5 .. x2",
}

_METRIC_LABEL = {"exact": "exact recovery", "paths": "all paths detected",
                 "false_claim": "false claims", "null_claim": "false claims under the null"}


# ----------------------------------------------------------------------------- target


@dataclass(frozen=True)
class Target:
    """What the design must achieve: constraints on the planner's outcomes.

    Each constraint is ``(metric, op, value)`` with ``metric`` one of ``exact`` (the recipe
    recovered exactly, if it is true), ``paths`` (every true path detected, not the tautology),
    ``false_claim`` (a false causal claim, if the recipe is true: a model with a term that is part
    of no path, or the tautology ``1``) and ``null_claim`` (any causal claim under the matched
    null, the recipe having no effect: every claim is then false); ``op`` is ``>=`` or ``<=``.

    :meth:`parse` reads ``"exact >= 0.8 and null_claim <= 0.05"``.
    """

    constraints: tuple[tuple[str, str, float], ...] = (("exact", ">=", 0.8), ("null_claim", "<=", 0.05))

    @classmethod
    def parse(cls, spec: str | Target | Sequence[tuple[str, str, float]]) -> Target:
        """A target from a string (``"exact >= 0.8 and null_claim <= 0.05"``), a Target or a
        sequence of ``(metric, op, value)``; one :class:`DesignError` per bad part."""
        if isinstance(spec, Target):
            return spec
        if isinstance(spec, str):
            parts = [p.strip() for p in re.split(r"\band\b|,", spec) if p.strip()]
            cons = []
            for part in parts:
                m = re.fullmatch(r"([a-z_]+)\s*(>=|<=)\s*([0-9.]+)\s*(%?)", part)
                if not m:
                    raise DesignError(f"target: cannot read {part!r}; write e.g. 'exact >= 0.8 and "
                                      f"null_claim <= 0.05'")
                v = float(m[3]) / (100 if m[4] else 1)
                cons.append((m[1], m[2], v))
            spec = cons
        out = []
        for c in spec:
            if not (isinstance(c, tuple | list) and len(c) == 3):
                raise DesignError(f"target: each constraint must be (metric, op, value), got {c!r}")
            metric, op, value = c
            if metric not in _METRIC_LABEL:
                raise DesignError(f"target: unknown metric {metric!r}; allowed: "
                                  f"{', '.join(_METRIC_LABEL)}")
            if op not in (">=", "<="):
                raise DesignError(f"target: operator must be >= or <=, got {op!r}")
            if (isinstance(value, bool) or not isinstance(value, int | float)
                    or not 0 <= value <= 1):
                raise DesignError(f"target: {metric} {op} needs a rate in [0, 1], got {value!r}")
            out.append((str(metric), str(op), float(value)))
        if not out:
            raise DesignError("target: give at least one constraint")
        if not any(m in ("exact", "paths") for m, op, _ in out if op == ">="):
            raise DesignError("target: needs a recovery constraint ('exact >= ...' or "
                              "'paths >= ...'); false-claim limits alone are met by N = 0")
        return cls(tuple(out))

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(m for m, _, _ in self.constraints)

    @property
    def recovery_metric(self) -> str:
        return next(m for m, op, _ in self.constraints if op == ">=" and m in ("exact", "paths"))

    def met(self, rates: Mapping[str, float], n_draws: int | None = None) -> bool:
        """Are all constraints met by these rates (NaN never meets one)? With ``n_draws``, a
        constraint missed by less than two Monte-Carlo standard errors of a rate estimated from
        that many draws still counts as met (not a detectable miss)."""
        for m, op, v in self.constraints:
            r = rates.get(m, float("nan"))
            tol = 0.0 if not n_draws else 2 * math.sqrt(max(v * (1 - v), 0.01) / n_draws)
            if not np.isfinite(r) or (op == ">=" and r < v - tol) or (op == "<=" and r > v + tol):
                return False
        return True

    def __str__(self) -> str:
        return " and ".join(f"{_METRIC_LABEL[m]} {op} {v:.0%}" for m, op, v in self.constraints)


# ----------------------------------------------------------------------------- design space

_CONDITION_SETS = ("theory", "recipe")
_NULLABLE = ("reliability", "participants", "outcome_anchors")


@dataclass(frozen=True)
class DesignSpace:
    """The levers a planner controls, each a tuple of the levels to search.

    Attributes
    ----------
    n_grid : tuple of int
        Sample sizes screened (cases: workers in a programme scenario).
    conditions : tuple
        Condition sets analysed: ``"theory"`` (every observed condition), ``"recipe"`` (the
        hypothesised recipe's conditions) or a tuple of names.
    incl_cut, n_cut, pri_cut : tuples
        Truth-table cut-offs.
    cal_type : tuple of {"crisp", "fuzzy"}
        Calibration type (at the scenario's theory anchors).
    reliability : tuple of float or None
        Measurement reliability of every measured condition (None: the scenario's own); a higher
        one costs instrument items (:func:`experiments.cost.extra_items`).
    participants : tuple of int or None
        Participants followed up per case (a programme scenario's ``referrals_per_worker``; None:
        the scenario's own).
    solution : tuple of str
        QCA solution types.
    outcome_anchors : tuple of (exclusion, crossover, inclusion) or None
        Theory anchors of the outcome set (a programme scenario's ``outcome.anchors``; None: the
        scenario's own): how "achieves the outcome" is defined, fixed before the data are seen.

    In :meth:`build` (and so in a TOML ``[space]`` table, which has no null) the level
    ``"scenario"`` of ``reliability``, ``participants`` or ``outcome_anchors`` means None.
    """

    n_grid: tuple[int, ...] = (15, 30, 65, 130, 250, 500, 1000, 2000, 4000, 8000, 16000)
    conditions: tuple[Any, ...] = _CONDITION_SETS
    incl_cut: tuple[float, ...] = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
    n_cut: tuple[int, ...] = (1, 2)
    pri_cut: tuple[float, ...] = (0.0,)
    cal_type: tuple[str, ...] = ("crisp",)
    reliability: tuple[float | None, ...] = (None,)
    participants: tuple[int | None, ...] = (None,)
    solution: tuple[str, ...] = ("parsimonious",)
    outcome_anchors: tuple[tuple[float, float, float] | None, ...] = (None,)

    @classmethod
    def build(cls, spec: DesignSpace | Mapping[str, Any] | None) -> DesignSpace:
        """A checked design space from a mapping of lever -> levels (missing levers: defaults)."""
        if spec is None:
            return cls()
        if isinstance(spec, DesignSpace):
            spec = asdict(spec)
        if not isinstance(spec, Mapping):
            raise DesignError(f"design space: must be a table of lever = [levels], got {spec!r}")
        fields = set(cls.__dataclass_fields__)
        unknown = sorted(set(spec) - fields)
        if unknown:
            raise DesignError(f"design space: unknown lever {unknown[0]!r}; allowed: "
                              f"{', '.join(sorted(fields))}")
        out: dict[str, tuple[Any, ...]] = {}
        for key, levels in spec.items():
            if isinstance(levels, str) or not isinstance(levels, Sequence) or not levels:
                levels = (levels,)
            # TOML has no null: "scenario" stands for None (the scenario's own value)
            levels = tuple(None if v == "scenario" and key in _NULLABLE else
                           tuple(v) if isinstance(v, list) else v for v in levels)
            for v in levels:
                _check_level(key, v)
            out[key] = tuple(sorted(set(levels))) if key == "n_grid" else levels
        return cls(**out)

    @property
    def size(self) -> int:
        return (len(self.conditions) * len(self.incl_cut) * len(self.n_cut) * len(self.pri_cut)
                * len(self.cal_type) * len(self.reliability) * len(self.participants)
                * len(self.solution) * len(self.outcome_anchors))


def _check_level(key: str, v: Any) -> None:
    def bad(what: str) -> DesignError:
        return DesignError(f"design space: {key} level {v!r} must be {what}")

    num = isinstance(v, int | float) and not isinstance(v, bool)
    if key == "n_grid" and not (isinstance(v, int) and not isinstance(v, bool) and v >= 2):
        raise bad("an integer >= 2")
    if key in ("incl_cut", "pri_cut") and not (num and 0 <= v <= 1):
        raise bad("a number in [0, 1]")
    if key == "n_cut" and not (isinstance(v, int) and not isinstance(v, bool) and v >= 1):
        raise bad("an integer >= 1")
    if key == "cal_type" and v not in ("crisp", "fuzzy"):
        raise bad("'crisp' or 'fuzzy'")
    if key == "solution" and v not in ("conservative", "parsimonious", "intermediate"):
        raise bad("'conservative', 'parsimonious' or 'intermediate'")
    if key == "reliability" and v is not None and not (num and 0 < v <= 1):
        raise bad("None or a number in (0, 1]")
    if key == "participants" and v is not None and not (
            isinstance(v, int) and not isinstance(v, bool) and v >= 1):
        raise bad("None or an integer >= 1")
    if key == "outcome_anchors" and v is not None and not (
            isinstance(v, tuple) and len(v) == 3 and all(
                isinstance(x, int | float) and not isinstance(x, bool) for x in v)
            and 0 <= v[0] < v[1] < v[2] <= 1):
        raise bad("None or three increasing numbers in [0, 1] (exclusion, crossover, inclusion)")
    if key == "conditions" and not (v in _CONDITION_SETS or (
            isinstance(v, tuple) and v and all(isinstance(c, str) for c in v))):
        raise bad("'theory', 'recipe' or a list of condition names")


# ----------------------------------------------------------------------------- the scenario


@dataclass(frozen=True)
class _Scenario:
    """What the planner needs of a scenario: parameters for the alternative and the null, the
    condition sets, instrument items, follow-up and the ranges of its illustrative values."""

    name: str
    boolean: bool
    base: dict[str, Any]
    observed: tuple[str, ...]
    recipe_conditions: tuple[str, ...]
    items: dict[str, tuple[int, float]]      # measured condition -> (items, reliability)
    participants: int
    raw: dict[str, Any]
    ranges: dict[str, tuple[float, float]]
    truth: Any

    def conditions(self, level: Any) -> tuple[str, ...]:
        if level == "theory":
            return self.observed
        if level == "recipe":
            return tuple(c for c in self.observed if c in self.recipe_conditions)
        unknown = [c for c in level if c not in self.observed]
        if unknown:
            raise DesignError(f"design space: conditions {unknown} are not observed in scenario "
                              f"{self.name!r}; observed: {', '.join(self.observed)}")
        return tuple(level)

    def data_params(self, reliability: float | None, participants: int | None,
                    anchors: Sequence[float] | None = None, *, null: bool = False,
                    extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Replication data parameters (the alternative, or the matched null)."""
        p = {**self.base, "overrides": dict(self.base.get("overrides", {}))}
        if anchors is not None:
            p["overrides"]["outcome.anchors"] = [float(a) for a in anchors]
        if reliability is not None:
            p["reliability"] = float(reliability)
        if participants is not None and not self.boolean:
            p["overrides"]["programme.referrals_per_worker"] = int(participants)
        for k, v in (extra or {}).items():
            if k == "recipe_hazard_ratio":
                p["recipe_hazard_ratio"] = v
            else:
                p["overrides"][k] = v
        if null:
            if self.boolean:
                p["overrides"]["high"] = p["overrides"].get("low", 0.6)
            else:
                p["recipe_hazard_ratio"] = 1.0
        return p

    def items_added(self, conds: Sequence[str], reliability: float | None) -> float:
        return float(sum(extra_items(k, r, reliability) for c, (k, r) in self.items.items()
                         if c in conds))


def _scenario(scenario: str, base: Mapping[str, Any]) -> _Scenario:
    p = normalise_params({**base, "scenario": scenario, "solutions": ["parsimonious"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        gen, _ = cell_setup(p)
    data = {k: p[k] for k in ("scenario", "reliability", "recipe_hazard_ratio", "overrides", "engine")}
    truth_conds = tuple(gen.truth.conditions)
    if scenario.startswith("boolean:"):
        ov = dict(p["overrides"])
        high, sd = float(ov.get("high", 0.85)), float(ov.get("outcome_sd", 0.05))
        rel = float(p["reliability"] if p["reliability"] is not None else ov.get("reliability", 1.0))
        ranges = {"high": (max(float(ov.get("low", 0.6)) + 0.05, high - 0.1), min(1.0, high + 0.05)),
                  "outcome_sd": (sd / 2, sd * 2)}
        # A Boolean scenario declares no instrument: a nominal 10-item one at its reliability.
        items = {c: (10, rel) for c in gen.observed_conditions} if rel < 1 else {}
        return _Scenario(scenario, True, data, tuple(gen.observed_conditions), truth_conds, items,
                         0, {}, ranges, gen.truth)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        scen = load_scenario(scenario, p["overrides"])
    items = {}
    for c in scen.conditions:
        if c.kind == "likert" and c.name in gen.observed_conditions:
            rel = float(p["reliability"]) if p["reliability"] is not None else float(c.reliability)
            items[c.name] = (int(c.items), rel)
    ranges = illustrative_ranges(scen) or _default_ranges(scen.raw)
    return _Scenario(scenario, False, data, tuple(gen.observed_conditions), truth_conds, items,
                     int(scen.programme.referrals_per_worker), dict(scen.raw), ranges, gen.truth)


def _check_ranges(scen: _Scenario, ranges: Mapping[str, Sequence[float]]
                  ) -> dict[str, tuple[float, float]]:
    from sim.scenario import _range_value

    if not isinstance(ranges, Mapping):
        raise DesignError(f"plan: ranges must be a mapping of key -> (low, high), got {ranges!r}")
    out = {}
    for k, v in ranges.items():
        ok = (isinstance(v, Sequence) and not isinstance(v, str) and len(v) == 2 and all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in v) and v[0] < v[1])
        if not ok:
            raise DesignError(f"plan: ranges[{k!r}] must be (low, high) with low < high, got {v!r}")
        known = k in ("high", "low", "outcome_sd") if scen.boolean else (
            k == "hazard.recipe_hazard_ratio" or _range_value(scen.raw, k) is not None)
        if not known:
            raise DesignError(f"plan: ranges key {k!r} names no illustrative number of scenario "
                              f"{scen.name!r}")
        out[str(k)] = (float(v[0]), float(v[1]))
    return out


def _default_ranges(raw: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    hr = float(raw["hazard"]["recipe_hazard_ratio"])
    bs = float(raw["hazard"]["baseline_sustain"])
    e, c, i = (float(v) for v in raw["outcome"]["anchors"])
    return {"hazard.recipe_hazard_ratio": (hr * 0.75, min(0.95, hr * 1.33)),
            "hazard.baseline_sustain": (max(0.05, bs - 0.08), min(0.98, bs + 0.08)),
            "outcome.anchors[1]": (max(e + 0.01, c - 0.05), min(i - 0.01, c + 0.05)),
            "correlations.scale": (0.5, 1.5)}


# ----------------------------------------------------------------------------- the result


@dataclass
class PlanResult:
    """The answer of :func:`plan` (module docstring).

    Attributes
    ----------
    scenario : str
    target : Target
    cost : CostModel
    recommended : dict or None
        The cheapest design meeting the target: its levers, ``n``, ``cost`` and the surrogate's
        rates (``exact``, ``paths``, ``false_claim``, ``null_claim``); None when none does.
    verification : dict or None
        Full simulation of the recommendation: replications, each rate with its 95 % Wilson
        interval, and the surrogate's error (simulated minus surrogate) per rate.
    robustness : dict or None
        ``tornado`` (DataFrame: each illustrative value at the ends of its range), ``joint``
        (rates over joint draws), ``worst``, ``q10``, ``share_met``, ``fragile``, ``fragile_to``.
    screen : DataFrame
        Every (design, N) screened, with cost and rates.
    designs : DataFrame
        One row per design: the smallest N meeting the target (NaN if none), its cost and rates.
    settings : dict
        Seed, population sizes, draws: what the answer was computed from.
    run : dict
        How this answer was computed, which does not change it: seconds per step, populations
        simulated and minimisations in this run, workers (``jobs``, ``scheduler``), the store
        and the pieces of work ``reused`` from it or ``computed`` (by kind), and ``notes``
        (e.g. the store held another plan of the same name). Two runs of the same plan differ
        only here.
    """

    scenario: str
    target: Target
    cost: CostModel
    recommended: dict[str, Any] | None
    verification: dict[str, Any] | None
    robustness: dict[str, Any] | None
    screen: pd.DataFrame
    designs: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)

    # -- tables
    def pareto(self) -> pd.DataFrame:
        """The (design, N) points of the screen not beaten on both cost and recovery."""
        m = self.target.recovery_metric
        s = self.screen.sort_values(["cost", m], ascending=[True, False])
        best, keep = -1.0, []
        for i, r in s.iterrows():
            if r[m] > best + 1e-12:
                keep.append(i)
                best = r[m]
        return s.loc[keep].reset_index(drop=True)

    def runners_up(self, k: int = 5) -> pd.DataFrame:
        """The next cheapest designs meeting the target (the recommendation first)."""
        m = self.target.recovery_metric
        d = self.designs.dropna(subset=["n"]).sort_values(["cost", "n", m], ascending=[True, True, False],
                                                          kind="stable")
        return d.head(k + 1).reset_index(drop=True)

    # -- words
    def sentence(self) -> str:
        """One actionable sentence."""
        unit = self.cost.unit
        if self.recommended is None:
            best = self.screen.sort_values(self.target.recovery_metric, ascending=False).iloc[0]
            return (f"No design in the searched space meets the target ({self.target}) at N <= "
                    f"{int(self.screen['n'].max()):,}: the best screened, {_describe(best)} at N = "
                    f"{int(best['n']):,}, gives {_METRIC_LABEL[self.target.recovery_metric]} "
                    f"{best[self.target.recovery_metric]:.0%}. Extend the N grid, add levers "
                    f"(conditions, cut-offs, reliability, follow-up) or relax the target.")
        r = self.recommended
        parts = [f"Recruit N = {int(r['n']):,}, analyse {_describe(r)}; cost {r['cost']:,.0f} {unit}"]
        v = self.verification
        m = self.target.recovery_metric
        if v is not None:
            lo, hi = v["rates"][m]["low"], v["rates"][m]["high"]
            parts.append(f"{_METRIC_LABEL[m]} {v['rates'][m]['rate']:.0%} ({lo:.0%}-{hi:.0%}, "
                         f"{v['reps']} simulated studies; screen {r[m]:.0%}) if the recipe is true")
            if "null_claim" in v["rates"]:
                nc = v["rates"]["null_claim"]
                parts.append(f"false claims {nc['rate']:.0%} ({nc['low']:.0%}-{nc['high']:.0%}) "
                             f"under the null")
            if not v["met"]:
                parts.append("the simulation does NOT confirm the target at this N (the screen "
                             "was optimistic): take a larger N or the next design")
        else:
            parts.append(f"{_METRIC_LABEL[m]} {r[m]:.0%} by the screen (not verified) if the recipe "
                         f"is true, false claims {r['null_claim']:.0%} under the null")
        rb = self.robustness
        if rb is not None:
            if rb["fragile"]:
                to = ", ".join(rb["fragile_to"]) or "joint variation of the illustrative values"
                share = (f"target met in {rb['share_met']:.0%} of plausible scenarios; "
                         if np.isfinite(rb["share_met"]) else "")
                parts.append(f"FRAGILE to {to} ({share}worst {_METRIC_LABEL[m]} {rb['worst']:.0%})")
                alt = rb.get("alternative")
                if alt is not None and alt.get("n") is not None:
                    av = alt.get("verification")
                    checked = (f"simulated {av['rates'][m]['rate']:.0%} ({av['rates'][m]['low']:.0%}-"
                               f"{av['rates'][m]['high']:.0%}) at the scenario's values, "
                               if av else "")
                    parts.append(f"the cheapest design meeting the target at every end of the "
                                 f"ranges: N = {int(alt['n']):,}, {_describe(alt)}, cost "
                                 f"{alt['cost']:,.0f} ({checked}screen worst {_METRIC_LABEL[m]} "
                                 f"{alt['worst']:.0%})")
                elif alt is not None:
                    parts.append(f"no design in the space meets the target at every end of the "
                                 f"ranges within N <= {alt['n_max']:,}; the values that break "
                                 f"it most ({', '.join(alt['binding'])}) must be known better "
                                 f"(pilot data) before the design can be fixed")
            else:
                share = (f"target met in {rb['share_met']:.0%} of plausible scenarios; "
                         if np.isfinite(rb["share_met"]) else "")
                parts.append(f"robust over the plausible ranges ({share}worst {_METRIC_LABEL[m]} "
                             f"{rb['worst']:.0%}, most sensitive to {rb['most_sensitive']})")
        return "; ".join(parts) + "."

    def summary(self) -> str:
        """The sentence, the verification, the robustness and the runner-ups."""
        lines = [f"Study plan for {self.scenario}: target {self.target}", f"Costs: {self.cost}", "",
                 self.sentence(), ""]
        if self.verification is not None:
            v = self.verification
            short = "" if v["width_ok"] else ("; the case budget ran out before the interval "
                                              "width target: read the intervals")
            lines.append(f"Verification by full simulation ({v['reps']} replications per arm"
                         f"{short}):")
            for m, r in v["rates"].items():
                lines.append(f"  {_METRIC_LABEL[m]:34s} simulated {r['rate']:6.1%} "
                             f"[{r['low']:.1%}, {r['high']:.1%}]   screen {r['surrogate']:6.1%}   "
                             f"error {r['error']:+.1%}")
            lines.append("")
        if self.robustness is not None:
            rb = self.robustness
            m = self.target.recovery_metric
            lines.append(f"Robustness over the illustrative ranges ({len(rb['joint'])} joint draws): "
                         f"{_METRIC_LABEL[m]} worst {rb['worst']:.0%}, 10 % quantile "
                         f"{rb['q10']:.0%}, target met in {rb['share_met']:.0%}"
                         + (f"; fragile to {', '.join(rb['fragile_to'])}" if rb["fragile_to"] else ""))
            t = rb["tornado"]
            for _, r in t.iterrows():
                lines.append(f"  {r['parameter']:34s} {r['low']:>7.3g} -> {r['rec_low']:5.0%}   "
                             f"{r['high']:>7.3g} -> {r['rec_high']:5.0%}   null claims "
                             f"{r['null_low']:4.0%}/{r['null_high']:4.0%}")
            lines.append("")
        ru = self.runners_up()
        if len(ru):
            lines.append("Cheapest designs meeting the target (screen):")
            for _, r in ru.iterrows():
                lines.append(f"  N = {int(r['n']):>6,}  {_describe(r):60s} cost {r['cost']:>12,.0f}  "
                             f"{self.target.recovery_metric} {r[self.target.recovery_metric]:.0%}  "
                             f"null claims {r['null_claim']:.0%}")
        s = self.settings
        seconds = (self.run.get("seconds") or s.get("seconds") or {}).get("total", 0)
        lines.append(f"\nScreen: {len(self.designs)} designs x {len(set(self.screen['n']))} sample "
                     f"sizes from populations of {s.get('n_pop', 0):,} cases, {s.get('n_draws')} "
                     f"truth tables each; seed {s.get('seed')}; {seconds:.0f} s.")
        reused = sum((self.run.get("reused") or {}).values())
        if reused:
            done = sum((self.run.get("computed") or {}).values())
            lines.append(f"Resumed from the store {self.run.get('store')}: {reused:,} pieces of "
                         f"work reused, {done:,} computed.")
        for note in self.run.get("notes") or ():
            lines.append(f"Note: {note}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        def frame(df: pd.DataFrame) -> list[dict[str, Any]]:
            return json.loads(df.to_json(orient="records"))

        rb = None
        if self.robustness is not None:
            rb = {k: (frame(v) if isinstance(v, pd.DataFrame) else v)
                  for k, v in self.robustness.items()}
        return {"scenario": self.scenario, "target": [list(c) for c in self.target.constraints],
                "target_text": str(self.target), "cost": self.cost.to_dict(),
                "sentence": self.sentence(), "recommended": _plain(self.recommended),
                "verification": _plain(self.verification), "robustness": _plain(rb),
                "runners_up": frame(self.runners_up()), "pareto": frame(self.pareto()),
                "designs": frame(self.designs), "settings": _plain(self.settings),
                "run": _plain(self.run)}

    def to_json(self, indent: int | None = 2) -> str:
        """Everything as strict JSON (for scripts; NaN and infinity are null)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> PlanResult:
        """A result from :meth:`to_dict` (e.g. a plan file written by ``qcasim plan``).

        The dictionary holds no full screen (only its Pareto front, which becomes
        :attr:`screen`: :meth:`pareto` and :meth:`runners_up` give the same rows, the Pareto
        figure shows only the front). Nulls (NaN in the original) become NaN again.

        Raises
        ------
        DesignError
            When ``doc`` lacks a part of a plan.
        """
        def frame(rows: Any) -> pd.DataFrame:
            return pd.DataFrame(rows or []).fillna(np.nan)

        def nan(v: Any) -> Any:
            return float("nan") if v is None else v

        try:
            rb = doc.get("robustness")
            if rb is not None:
                rb = {**rb, "tornado": frame(rb.get("tornado")), "joint": frame(rb.get("joint")),
                      **{k: nan(rb.get(k)) for k in ("worst", "q10", "share_met")}}
            rec = doc.get("recommended")
            rec = None if rec is None else {k: nan(v) if k in ("reliability", "participants")
                                            else v for k, v in rec.items()}
            return cls(str(doc["scenario"]), Target.parse([tuple(c) for c in doc["target"]]),
                       cost_model(doc["cost"]), rec, doc.get("verification"), rb,
                       frame(doc.get("pareto")), frame(doc.get("designs")),
                       dict(doc.get("settings") or {}), dict(doc.get("run") or {}))
        except (KeyError, TypeError, AttributeError) as e:
            raise DesignError(f"not a study plan (missing or malformed {e})") from None

    @classmethod
    def from_json(cls, text: str) -> PlanResult:
        """A result from :meth:`to_json` (:meth:`from_dict`)."""
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise DesignError(f"not a study plan: {e}") from None
        if not isinstance(doc, dict):
            raise DesignError("not a study plan: expected a JSON object")
        return cls.from_dict(doc)

    def to_html(self) -> str:
        """An HTML fragment: the sentence, verification, robustness and runner-ups."""
        e = html.escape
        out = [f"<section class='qcasim-plan'><h2>Study plan: {e(self.scenario)}</h2>",
               f"<p><b>Target:</b> {e(str(self.target))}. <b>Costs:</b> {e(str(self.cost))}.</p>",
               f"<p class='plan-answer'>{e(self.sentence())}</p>"]
        if self.verification is not None:
            rows = "".join(f"<tr><td>{e(_METRIC_LABEL[m])}</td><td>{r['rate']:.1%}</td>"
                           f"<td>{r['low']:.1%}-{r['high']:.1%}</td><td>{r['surrogate']:.1%}</td>"
                           f"<td>{r['error']:+.1%}</td></tr>"
                           for m, r in self.verification["rates"].items())
            out.append(f"<h3>Verification ({self.verification['reps']} simulated studies per arm)"
                       f"</h3><table><tr><th>rate</th><th>simulated</th><th>95 % interval</th>"
                       f"<th>screen</th><th>screen error</th></tr>{rows}</table>")
        if self.robustness is not None:
            t = self.robustness["tornado"]
            rows = "".join(f"<tr><td>{e(r['parameter'])}</td><td>{r['low']:.3g}: {r['rec_low']:.0%}"
                           f"</td><td>{r['high']:.3g}: {r['rec_high']:.0%}</td></tr>"
                           for _, r in t.iterrows())
            out.append(f"<h3>Robustness to illustrative values</h3><table><tr><th>value</th>"
                       f"<th>low end</th><th>high end</th></tr>{rows}</table>")
        ru = self.runners_up()
        if len(ru):
            rows = "".join(f"<tr><td>{int(r['n']):,}</td><td>{e(_describe(r))}</td>"
                           f"<td>{r['cost']:,.0f}</td><td>{r[self.target.recovery_metric]:.0%}</td>"
                           f"<td>{r['null_claim']:.0%}</td></tr>" for _, r in ru.iterrows())
            out.append(f"<h3>Cheapest designs meeting the target</h3><table><tr><th>N</th>"
                       f"<th>design</th><th>cost ({e(self.cost.unit)})</th>"
                       f"<th>{e(_METRIC_LABEL[self.target.recovery_metric])}</th>"
                       f"<th>null claims</th></tr>{rows}</table>")
        out.append("</section>")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()

    def pareto_figure(self, ax: Any = None) -> Any:
        return pareto_figure(self, ax)

    def tornado_figure(self, ax: Any = None) -> Any:
        return tornado_figure(self, ax)


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None  # strict JSON: NaN (not computed) and infinite costs are null
    if isinstance(obj, pd.DataFrame):
        return json.loads(obj.to_json(orient="records"))
    return obj


def _describe(r: Mapping[str, Any]) -> str:
    conds = r["conditions"]
    bits = [f"{len(conds.split(','))} conditions ({conds})" if r["condition_set"] not in
            _CONDITION_SETS else f"the {'recipe' if r['condition_set'] == 'recipe' else 'full theory'}"
            f"'s {len(conds.split(','))} conditions ({conds})",
            f"{r['cal_type']} at cut-off {r['incl_cut']:g}"]
    if r["n_cut"] != 1:
        bits.append(f"n_cut {int(r['n_cut'])}")
    if r["pri_cut"]:
        bits.append(f"PRI cut-off {r['pri_cut']:g}")
    if isinstance(r.get("reliability"), float) and np.isfinite(r["reliability"]):
        bits.append(f"reliability {r['reliability']:g}")
    part = r.get("participants")
    if isinstance(part, float | int) and np.isfinite(part) and part:
        bits.append(f"{int(r['participants'])} participants per case")
    if r.get("outcome_anchors"):
        bits.append(f"outcome anchors ({r['outcome_anchors']})")
    bits.append(f"{r['solution']} solution")
    return ", ".join(bits)


# ----------------------------------------------------------------------------- figures


def pareto_figure(result: PlanResult, ax: Any = None) -> Any:
    """Cost against recovery of every screened (design, N), the Pareto front and the choice."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    m = result.target.recovery_metric
    s = result.screen
    ax.scatter(s["cost"], s[m], s=8, color="0.75", label="screened designs")
    p = result.pareto()
    ax.step(p["cost"], p[m], where="post", color="C0", label="Pareto front")
    goal = next(v for mm, op, v in result.target.constraints if mm == m and op == ">=")
    ax.axhline(goal, color="C3", ls="--", lw=1, label=f"target {goal:.0%}")
    if result.recommended is not None:
        r = result.recommended
        ax.scatter([r["cost"]], [r[m]], color="C3", zorder=5, s=50, label="recommended (screen)")
        if result.verification is not None:
            v = result.verification["rates"][m]
            ax.errorbar([r["cost"]], [v["rate"]], yerr=[[v["rate"] - v["low"]], [v["high"] - v["rate"]]],
                        fmt="s", color="k", capsize=3, label="recommended (simulated, 95 %)")
    ax.set_xscale("log")
    ax.set_xlabel(f"cost ({result.cost.unit})")
    ax.set_ylabel(_METRIC_LABEL[m])
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"{result.scenario}: cost against {_METRIC_LABEL[m]}")
    return ax.figure


def tornado_figure(result: PlanResult, ax: Any = None) -> Any:
    """How far each illustrative value, at the ends of its range, moves the recommendation's
    recovery: two bars per value from the scenario's rate (black line) to the rate at the low
    and at the high end of its range; the largest move on top; the dashed line is the target."""
    import matplotlib.pyplot as plt

    if result.robustness is None:
        raise DesignError("this plan has no robustness analysis (no design met the target, or "
                          "robust=False)")
    t = result.robustness["tornado"].sort_values("swing")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * len(t) + 1.6), layout="constrained")
    m = result.target.recovery_metric
    assert result.recommended is not None  # only a recommended design has a robustness analysis
    base = result.recommended[m]
    y = np.arange(len(t))
    ax.barh(y + 0.18, t["rec_low"] - base, left=base, height=0.36, color="C0", label="low end")
    ax.barh(y - 0.18, t["rec_high"] - base, left=base, height=0.36, color="C1", label="high end")
    for i, (_, r) in enumerate(t.iterrows()):
        for val, rate, dy in ((r["low"], r["rec_low"], 0.18), (r["high"], r["rec_high"], -0.18)):
            ax.text(rate, i + dy, f" {val:.3g} ", va="center", fontsize=7,
                    ha="right" if rate < base else "left")
    ax.axvline(base, color="k", lw=1)
    goal = next(v for mm, op, v in result.target.constraints if mm == m and op == ">=")
    ax.axvline(goal, color="C3", ls="--", lw=1, label=f"target {goal:.0%}")
    ax.set_yticks(y, t["parameter"], fontsize=8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel(f"{_METRIC_LABEL[m]} of the recommended design")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("Sensitivity to the illustrative values (each at the ends of its range)")
    return ax.figure


# ----------------------------------------------------------------------------- the planner


class _Work:
    """The plan's finished pieces of work in a results store (:mod:`experiments.store`), each
    under a key digesting everything that determines it (the piece's inputs, the scenario's
    content and the results version of the analysis code): a rerun finds exactly the work it
    would recompute identically, and never reuses work computed from other inputs.

    Without a store it stores nothing. ``reused`` and ``computed`` count pieces by kind.
    """

    def __init__(self, store: Any, plan_fp: str, scenario_digest: str):
        self.store, self.plan_fp, self.digest = store, plan_fp, scenario_digest
        self.reused: dict[str, int] = {}
        self.computed: dict[str, int] = {}
        self._seen: set[str] = set()   # keys counted (a piece read again is not counted again)

    def key(self, kind: str, inputs: Any) -> str:
        from .provenance import RESULTS_VERSION

        text = json.dumps({"kind": kind, "inputs": inputs, "scenario": self.digest,
                           "results_version": RESULTS_VERSION, "format": _WORK_FORMAT},
                          sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, kind: str, key: str) -> bytes | None:
        if self.store is None:
            return None
        value = self.store.plan_work(key)
        if value is not None and key not in self._seen:
            self._seen.add(key)
            self.reused[kind] = self.reused.get(kind, 0) + 1
        return value

    def put(self, kind: str, key: str, value: bytes) -> None:
        if key not in self._seen:
            self._seen.add(key)
            self.computed[kind] = self.computed.get(kind, 0) + 1
        if self.store is not None:
            self.store.add_plan_work(key, self.plan_fp, kind, value)


#: Version of the stored plan work's encoding (part of every work key).
_WORK_FORMAT = 1


def _encode_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, allow_nan=True).encode()


def _decode_json(value: bytes) -> Any:
    return json.loads(value.decode())


def _encode_table(t: PopulationTable) -> bytes:
    import io

    meta = {"conditions": list(t.conditions), "cal_type": t.cal_type,
            "recipe_analysed": bool(t.recipe_analysed)}
    buf = io.BytesIO()
    np.savez_compressed(buf, configs=t.configs, codes=t.codes, recipe_row=t.recipe_row, n=t.n,
                        k=t.k, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    return buf.getvalue()


def _decode_table(value: bytes) -> PopulationTable:
    import io

    with np.load(io.BytesIO(value), allow_pickle=False) as z:
        meta = json.loads(z["meta"].tobytes().decode())
        return PopulationTable(tuple(meta["conditions"]), meta["cal_type"], z["configs"],
                               z["codes"], z["recipe_row"], bool(meta["recipe_analysed"]), z["n"],
                               z["k"])


@dataclass(frozen=True)
class _TableRef:
    """A population table not yet needed: its data parameters, analysis and population size
    (:meth:`_Screen.table`); materialised only when a rate that needs it is not stored."""

    data: str            # the data parameters, canonical JSON
    conditions: tuple[str, ...]
    cal_type: str
    n_pop: int

    @property
    def key(self) -> str:
        return json.dumps([json.loads(self.data), list(self.conditions), self.cal_type, self.n_pop],
                          sort_keys=True, default=str)

    @property
    def population(self) -> str:
        return json.dumps([json.loads(self.data), self.n_pop], sort_keys=True, default=str)


class _Screen:
    """Populations, tables and scorers of one plan, cached by their data and analysis keys; the
    finished rates and (crisp) tables also in the plan's store (:class:`_Work`), and the rates
    that need new populations run where ``qcasim benchmark`` runs its tasks
    (:func:`experiments.runner.scatter`: ``jobs`` local workers or a Dask ``scheduler``)."""

    def __init__(self, scen: _Scenario, n_pop: int, n_draws: int, seed: int, method_params: Mapping,
                 work: _Work | None = None, jobs: int = 1, scheduler: str | None = None):
        self.scen, self.n_pop, self.n_draws, self.seed = scen, n_pop, n_draws, seed
        self.method_params = dict(method_params)
        self.tables: dict[str, PopulationTable] = {}
        self.scorers: dict[str, Scorer] = {}
        self.populations = 0
        self.minimised = 0            # in workers (the scorers here count their own)
        self.analyses: set[tuple[tuple[str, ...], str]] = set()
        self.work = work or _Work(None, "", "")
        self.jobs, self.scheduler = jobs, scheduler
        self.inherited: tuple[int, ...] = ()
        self.say: Callable[[str], None] = lambda msg: None

    def _rng(self, *key: Any) -> np.random.Generator:
        text = json.dumps(key, sort_keys=True, default=str)
        words = [int(b) for b in text.encode()]
        return np.random.default_rng(np.random.SeedSequence([self.seed, *words]))

    def table(self, data: Mapping[str, Any], conds: Sequence[str], cal_type: str,
              n_pop: int | None = None) -> _TableRef:
        """The population table of an analysis (materialised when a rate needs it)."""
        return _TableRef(json.dumps(dict(data), sort_keys=True, default=str), tuple(conds),
                         cal_type, int(n_pop or self.n_pop))

    def _table_key(self, ref: _TableRef) -> str:
        return self.work.key("table", [ref.key, self.seed])

    def materialise(self, ref: _TableRef) -> PopulationTable:
        """The table of ``ref``: in memory, else stored (crisp), else from a new population,
        which gives the tables of every analysis of the plan (``self.analyses``), so it need
        not be kept."""
        if ref.key in self.tables:
            return self.tables[ref.key]
        if ref.cal_type == "crisp":
            stored = self.work.get("table", self._table_key(ref))
            if stored is not None:
                self.tables[ref.key] = _decode_table(stored)
                return self.tables[ref.key]
        data = json.loads(ref.data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            pop = population({**data, "solutions": ["parsimonious"]}, ref.n_pop, self.seed)
            self.populations += 1
            for c, cal in sorted({*self.analyses, (ref.conditions, ref.cal_type)}):
                r = dataclasses.replace(ref, conditions=tuple(c), cal_type=cal)
                if r.key in self.tables:
                    continue
                params = {**data, "conditions": list(c), "cal_type": cal,
                          "solutions": ["parsimonious"]}
                self.tables[r.key] = population_table(pop, params)
                self._store_table(r, self.tables[r.key])
        return self.tables[ref.key]

    def _store_table(self, ref: _TableRef, table: PopulationTable) -> None:
        # a fuzzy table holds every case's memberships (tens of MB): its rates are stored, the
        # table itself is recomputed when a new rate needs it
        if ref.cal_type == "crisp":
            self.work.put("table", self._table_key(ref), _encode_table(table))

    def scorer(self, table: PopulationTable, solution: str) -> Scorer:
        key = json.dumps([list(table.conditions), solution])
        if key not in self.scorers:
            self.scorers[key] = Scorer(table.conditions, self.scen.truth, solution,
                                       self.method_params)
        return self.scorers[key]

    def _rates_key(self, req: tuple[Any, ...]) -> str:
        alt, nul, solution, n, cuts, need, rng_key, b = req
        return self.work.key("rates", [alt.key, nul.key, solution, int(n),
                                       [list(c) for c in cuts], list(need), rng_key, b,
                                       self.seed, self.method_params])

    def rates(self, table: _TableRef, null_table: _TableRef, solution: str,
              n: int, cuts: Sequence[tuple[float, int, float]], need: Sequence[str],
              rng_key: Any, n_draws: int | None = None) -> list[dict[str, float]]:
        """Rates of each (incl_cut, n_cut, pri_cut) at N = n (common draws across cuts)."""
        return self.rates_many([(table, null_table, solution, n, cuts, need, rng_key, n_draws)])[0]

    def rates_many(self, requests: Sequence[tuple[Any, ...]]) -> list[list[dict[str, float]]]:
        """:meth:`rates` of many requests ``(table, null_table, solution, n, cuts, need, rng_key,
        n_draws)``: the stored ones read, the others computed (requests needing populations not
        in memory run on the plan's workers, one task per pair of populations) and stored as
        each completes."""
        reqs = [(*r[:7], int(r[7] or self.n_draws)) for r in requests]
        out: list[list[dict[str, float]] | None] = [None] * len(reqs)
        keys = [self._rates_key(r) for r in reqs]
        todo: dict[tuple[str, str], list[int]] = {}
        for i, (r, key) in enumerate(zip(reqs, keys)):
            stored = self.work.get("rates", key)
            if stored is not None:
                out[i] = _decode_json(stored)
            else:
                todo.setdefault((r[0].population, r[1].population), []).append(i)
        remote = [idx for idx in todo.values()
                  if not all(reqs[i][0].key in self.tables and reqs[i][1].key in self.tables
                             for i in idx)]
        local = [idx for idx in todo.values() if idx not in remote]
        if len(remote) < 2 or (self.jobs == 1 and self.scheduler is None):
            local, remote = local + remote, []
        for g, idx in enumerate(local):
            for i in idx:
                out[i] = self._finish(keys[i], self._compute(reqs[i]))
            if len(local) > 1:
                self.say(f"{g + 1}/{len(local)} population pairs done")
        if remote:
            from .runner import Call, scatter

            state = (self.scen, self.n_pop, self.n_draws, self.seed, self.method_params,
                     sorted(self.analyses))
            calls = [Call(_rates_task, (state, [reqs[i] for i in idx])) for idx in remote]
            where = {id(c): idx for c, idx in zip(calls, remote)}
            done = 0
            with _closing(scatter(calls, self.jobs, self.scheduler, self.inherited)) as completed:
                for call, (results, tables, pops, minimised) in completed:
                    self._take(call, where, results, tables, pops, minimised, keys, out)
                    done += 1
                    self.say(f"{done}/{len(calls)} population pairs done")
        return [o for o in out if o is not None]

    def _take(self, call: Any, where: Mapping[int, list[int]], results: list[Any],
              tables: Mapping[str, tuple[_TableRef, PopulationTable]], pops: int, minimised: int,
              keys: list[str], out: list[Any]) -> None:
        """Keep what a worker's task returned: its tables and its rates (both stored)."""
        self.populations += pops
        self.minimised += minimised
        for tkey, (ref, tab) in tables.items():
            if tkey not in self.tables:
                self.tables[tkey] = tab
                self._store_table(ref, tab)
        for i, res in zip(where[id(call)], results):
            out[i] = self._finish(keys[i], res)

    def _finish(self, key: str, res: list[dict[str, float]]) -> list[dict[str, float]]:
        value = _encode_json(res)
        self.work.put("rates", key, value)
        return _decode_json(value)  # the same floats whether computed or read from the store

    def _compute(self, req: tuple[Any, ...]) -> list[dict[str, float]]:
        ref, null_ref, solution, n, cuts, need, rng_key, b = req
        table, null_table = self.materialise(ref), self.materialise(null_ref)
        alt = draw_tables(table, n, b, self._rng("alt", rng_key, n, b))
        nul = draw_tables(null_table, n, b, self._rng("null", rng_key, n, b))
        sc = self.scorer(table, solution)
        out = []
        for ic, nc, pc in cuts:
            r = recovery_probabilities(table, sc, *alt, ic, nc, pc, need=need)
            rn = recovery_probabilities(null_table, self.scorer(null_table, solution), *nul, ic,
                                        nc, pc, need=("exact",))
            r["null_claim"] = rn["claim"]
            out.append(r)
        return out


@contextlib.contextmanager
def _closing(stream: Iterator[Any]) -> Iterator[Iterator[Any]]:
    """A worker stream (:func:`experiments.runner.scatter`) closed when the block ends, so that
    an interrupted plan stops its local workers at once."""
    try:
        yield stream
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()


def _rates_task(state: tuple[Any, ...], reqs: list[tuple[Any, ...]]
                ) -> tuple[list[Any], dict[str, tuple[_TableRef, PopulationTable]], int, int]:
    """A worker's task (:meth:`_Screen.rates_many`): the rates of requests sharing a pair of
    populations, with the tables it made, the populations simulated and the minimisations."""
    scen, n_pop, n_draws, seed, method_params, analyses = state
    scr = _Screen(scen, n_pop, n_draws, seed, method_params)
    scr.analyses = {(tuple(c), cal) for c, cal in analyses}
    results = [_decode_json(_encode_json(scr._compute(r))) for r in reqs]
    tables = {}
    for r in reqs:
        for ref in (r[0], r[1]):
            for c, cal in {*scr.analyses, (ref.conditions, ref.cal_type)}:
                t = dataclasses.replace(ref, conditions=tuple(c), cal_type=cal)
                if t.key in scr.tables:
                    tables[t.key] = (t, scr.tables[t.key])
    return results, tables, scr.populations, sum(s.minimised for s in scr.scorers.values())


def _canonical(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def plan_fingerprint(scenario: str, arguments: Mapping[str, Any]) -> str:
    """A digest of everything a plan's answer depends on: the scenario's content
    (:func:`experiments.provenance.scenario_digest`), the plan's arguments (a space or cost
    given as a file counts by its content) and the results version of the analysis code."""
    from .provenance import RESULTS_VERSION, scenario_digest

    args: dict[str, Any] = {}
    for key, value in arguments.items():
        if key in ("space", "cost") and isinstance(value, str | Path) and Path(value).is_file():
            value = {"file_sha256": hashlib.sha256(Path(value).read_bytes()).hexdigest()}
        args[key] = _canonical(value)
    text = json.dumps({"scenario": str(scenario), "digest": scenario_digest(scenario),
                       "arguments": args, "results_version": RESULTS_VERSION},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@contextlib.contextmanager
def _stored_work(store: Any, name: str, scenario: str, arguments: Mapping[str, Any],
                 say: Callable[[str], None]) -> Iterator[tuple[_Work, dict[str, Any]]]:
    """The plan's :class:`_Work` in ``store`` (a Store, a path or None) for the block: the
    store's writer lock held, the plan registered under ``name`` (saying so when the store
    held another plan of that name), and its run recorded (``plan:<name>`` in the store's runs,
    with the scenario's snapshot), ended as done, interrupted or failed."""
    from .provenance import scenario_digest, scenario_snapshot
    from .store import Store

    fp = plan_fingerprint(scenario, arguments)
    digest = scenario_digest(scenario)
    run: dict[str, Any] = {"store": None, "notes": [], "inherited": ()}
    if store is None:
        yield _Work(None, fp, digest), run
        return
    own = not isinstance(store, Store)
    st = Store(store) if own else store
    try:
        with st.writer(f"plan:{name}"):
            run["store"] = str(st.path)
            lock = getattr(st, "_lock_fd", None)
            run["inherited"] = () if lock is None else (lock,)
            previous = st.register_plan(name, fp, _plain(dict(arguments)))
            if previous is not None:
                old = previous.get("arguments") or {}
                changed = sorted(k for k in {*old, *arguments}
                                 if json.dumps(old.get(k), sort_keys=True, default=str)
                                 != json.dumps(_plain(arguments.get(k)), sort_keys=True,
                                               default=str))
                what = ", ".join(changed) or "the scenario or the results version"
                note = (f"the store {st.path} held another plan named {name!r} (fingerprint "
                        f"{previous['fingerprint']}; changed: {what}); only its work that these "
                        f"arguments determine identically is reused")
                run["notes"].append(note)
                say(note)
            snap = scenario_snapshot(scenario)
            run_id = st.begin_run(f"plan:{name}", {"plan": name, "fingerprint": fp,
                                                   "scenario": scenario, "scenario_digest": digest,
                                                   "arguments": _plain(dict(arguments))},
                                  {} if snap is None else {snap[0]: (scenario, snap[1])})
            status = "failed"
            try:
                yield _Work(st, fp, digest), run
                status = "done"
            except KeyboardInterrupt:
                status = "interrupted"
                raise
            finally:
                with contextlib.suppress(Exception):
                    st.end_run(run_id, status)
    finally:
        if own:
            st.close()


def plan(scenario: str = "kbop", target: str | Target | Sequence = "exact >= 0.8 and null_claim <= 0.05",
         space: DesignSpace | Mapping[str, Any] | None = None,
         cost: CostModel | Mapping[str, Any] | str | None = None, *,
         base: Mapping[str, Any] | None = None, n_pop: int = 100_000, n_draws: int = 400,
         seed: int = 1, refine: int = 4, verify: bool = True, verify_width: float = 0.1,
         verify_budget: int = 2_000_000, robust: bool = True, n_pop_robust: int | None = None,
         n_joint: int = 8, robust_share: float = 0.8,
         ranges: Mapping[str, Sequence[float]] | None = None,
         progress: Callable[[str], None] | None = None, store: Any = None,
         name: str | None = None, jobs: int = 1, scheduler: str | None = None) -> PlanResult:
    """The cheapest study design meeting ``target`` (module docstring).

    Parameters
    ----------
    scenario : str
        A built-in scenario name, a scenario TOML path or ``"boolean:<recipe>"``.
    target : str, Target or sequence
        :class:`Target` (default: exact recovery >= 80 % and false claims under the null <= 5 %).
    space : DesignSpace or mapping, optional
        The levers and their levels (:class:`DesignSpace`).
    cost : CostModel, mapping or TOML path, optional
        The declared costs (:func:`experiments.cost.cost_model`).
    base : mapping, optional
        Further replication parameters fixed for every design (e.g. ``recipe_hazard_ratio``,
        ``overrides``, ``time_limit``).
    n_pop : int
        Cases in each screening population (the surrogate is trustworthy for N well below it).
    n_draws : int
        Truth tables drawn per design and N (Monte-Carlo SE <= 0.025).
    seed : int
        The one seed of every draw (populations, truth tables, verification).
    refine : int
        The cheapest ``refine`` designs get their N refined by bisection between grid points.
    verify : bool
        Verify the recommendation by full simulation.
    verify_width : float
        Widest acceptable 95 % interval of a verified rate.
    verify_budget : int
        Most cases simulated for the verification (both arms).
    robust : bool
        Stress the recommendation over the illustrative ranges.
    n_pop_robust : int, optional
        Cases per population of the robustness step (default ``n_pop``; a smaller population
        adds its own uncertainty, lowering the rates it gives).
    n_joint : int
        Joint draws of the illustrative values.
    robust_share : float
        Share of joint draws that must meet the target for the design not to be fragile.
    ranges : mapping, optional
        ``{key: (low, high)}`` replacing the scenario's plausible ranges (keys as in a scenario's
        ``[ranges]``; for a Boolean scenario ``high``, ``low`` or ``outcome_sd``).
    progress : callable, optional
        Called with a short message at each step.
    store : Store or path, optional
        A results store (:class:`experiments.store.Store` or its file) that keeps the plan's
        finished work (population tables, rates, verification simulations) as it completes: a
        plan interrupted (Ctrl-C, ``kill -9``) and run again with the same store resumes, and
        gives the answer it would have given uninterrupted (:class:`_Work`: work is keyed by
        what determines it, so changed arguments never reuse stale work). The plan holds the
        store's writer lock and records its run (experiment ``plan:<name>``).
    name : str, optional
        The plan's name in the store (default: the scenario's name).
    jobs : int
        Local worker processes for the verification simulations and the populations of the
        screen and the robustness step (-1: every core), as ``qcasim benchmark -j``; the answer
        does not depend on it.
    scheduler : str, optional
        A Dask ``distributed`` scheduler address to run them on instead.

    Returns
    -------
    PlanResult

    Raises
    ------
    DesignError
        Bad target, space, cost or parameters (one message naming the problem).
    StoreBusyError
        Another run writes to ``store``.
    """
    t0 = time.perf_counter()
    say = progress or (lambda msg: None)
    tgt = Target.parse(target)
    sp = DesignSpace.build(space)
    cm = cost_model(cost)
    for arg, v, lo in (("n_pop", n_pop, 1000), ("n_draws", n_draws, 50), ("n_joint", n_joint, 0),
                        ("refine", refine, 0), ("verify_budget", verify_budget, 0)):
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise DesignError(f"plan: {arg} must be an integer >= {lo}, got {v!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DesignError(f"plan: seed must be a non-negative integer, got {seed!r}")
    if not 0 < verify_width < 1:
        raise DesignError(f"plan: verify_width must be in (0, 1), got {verify_width!r}")
    base = dict(base or {})
    for k in ("scenario", "n_workers", "conditions", "n_conditions", "cal_type", "solutions",
              "incl_cut", "n_cut", "pri_cut"):
        if k in base:
            raise DesignError(f"plan: base must not set {k!r}: it is a lever of the design space "
                              f"(or fixed by the planner)")
    if base.get("calibration", "theory") != "theory":
        raise DesignError("plan: the screen needs theory calibration (fixed anchors)")
    scen = _scenario(scenario, base)
    if ranges is not None:
        scen = dataclasses.replace(scen, ranges=_check_ranges(scen, ranges))
    if scen.boolean and any(p is not None for p in sp.participants):
        raise DesignError("design space: participants apply to programme scenarios only")
    if scen.boolean and any(a is not None for a in sp.outcome_anchors):
        raise DesignError("design space: outcome_anchors apply to programme scenarios only (a "
                          "Boolean scenario's outcome anchors follow its low and high levels)")
    from .runner import check_jobs, check_scheduler

    jobs = check_jobs(jobs, error=DesignError)
    if scheduler is not None:
        check_scheduler(scheduler)
    arguments = {"target": [list(c) for c in tgt.constraints], "space": asdict(sp),
                 "cost": cm.to_dict(), "base": base, "n_pop": n_pop, "n_draws": n_draws,
                 "seed": seed, "refine": refine, "verify": verify, "verify_width": verify_width,
                 "verify_budget": verify_budget, "robust": robust, "n_pop_robust": n_pop_robust,
                 "n_joint": n_joint, "robust_share": robust_share,
                 "ranges": {k: list(v) for k, v in scen.ranges.items()}}
    label = name or (scenario.rsplit("/", 1)[-1].removesuffix(".toml") if not scen.boolean
                     else scenario)
    with _stored_work(store, label, scenario, arguments, say) as (work, run):
        method_params = {k: base[k] for k in SEARCH_KEYS if k in base}
        scr = _Screen(scen, n_pop, n_draws, seed, method_params, work, jobs, scheduler)
        scr.inherited, scr.say = run["inherited"], say
        scr.analyses = {(scen.conditions(c), cal) for c in sp.conditions for cal in sp.cal_type}
        need = tuple(sorted({"exact", *[m for m in tgt.metrics if m in ("paths", "false_claim")]}))
        cuts = list(itertools.product(sp.incl_cut, sp.n_cut, sp.pri_cut))

        # 1. screen: every (design, N) at once, so that data designs run in parallel
        say(f"screening {sp.size} designs x {len(sp.n_grid)} sample sizes")
        heads: list[tuple[dict[str, Any], dict[str, Any], int, float]] = []
        reqs: list[tuple[Any, ...]] = []
        seen: set[tuple[Any, ...]] = set()
        for rel, part, anch, cset, cal, sol in itertools.product(
                sp.reliability, sp.participants, sp.outcome_anchors, sp.conditions, sp.cal_type,
                sp.solution):
            conds = scen.conditions(cset)
            if (rel, part, anch, conds, cal, sol) in seen:  # e.g. the recipe uses every condition
                continue
            seen.add((rel, part, anch, conds, cal, sol))
            alt_tab = scr.table(scen.data_params(rel, part, anch), conds, cal)
            null_tab = scr.table(scen.data_params(rel, part, anch, null=True), conds, cal)
            items = scen.items_added(conds, rel)
            n_part = part if part is not None else scen.participants
            head: dict[str, Any] = {"condition_set": cset if isinstance(cset, str) else "list",
                                    "conditions": ",".join(conds), "cal_type": cal}
            tail: dict[str, Any] = {"reliability": rel if rel is not None else np.nan,
                                    "participants": float(n_part) if n_part else np.nan,
                                    "solution": sol, "outcome_anchors": _anchors_text(anch)}
            for n in sp.n_grid:
                heads.append((head, tail, int(n), design_cost(cm, n, len(conds), items,
                                                              n_part or 0)))
                reqs.append((alt_tab, null_tab, sol, n, cuts, need, (rel, part, anch, conds, cal, sol),
                             None))
        rows: list[dict[str, Any]] = []
        for (head, tail, n, cost_n), res in zip(heads, scr.rates_many(reqs)):
            for (ic, nc, pc), r in zip(cuts, res):
                rows.append({**head, "incl_cut": ic, "n_cut": nc, "pri_cut": pc, **tail, "n": n,
                             "cost": cost_n, **r})
        screen = pd.DataFrame(rows)
        lever_cols = ["condition_set", "conditions", "cal_type", "incl_cut", "n_cut", "pri_cut",
                      "reliability", "participants", "solution", "outcome_anchors"]
        screen["met"] = [tgt.met(r) for r in screen.to_dict("records")]
        designs = []
        for _, g in screen.groupby(lever_cols, dropna=False, sort=False):
            g = g.sort_values("n")
            hit = g[g["met"]]
            first = hit.iloc[0] if len(hit) else g.iloc[-1]
            d = first.to_dict()
            if not len(hit):
                d["n"], d["cost"] = np.nan, np.nan
            designs.append(d)
        designs_df = pd.DataFrame(designs)

        # refine the N of the cheapest designs by bisection between grid points
        grid = sorted(sp.n_grid)
        cand = designs_df.dropna(subset=["n"]).sort_values(["cost", "n"]).head(refine)
        for idx, d in cand.iterrows():
            hi = int(d["n"])
            lower = [n for n in grid if n < hi]
            if not lower:
                continue
            lo = lower[-1]
            conds = d["conditions"].split(",")
            rel, part, anch = _levers(scen, d)
            alt_tab = scr.table(scen.data_params(rel, part, anch), conds, d["cal_type"])
            null_tab = scr.table(scen.data_params(rel, part, anch, null=True), conds, d["cal_type"])
            best = d.to_dict()
            while hi - lo > max(1, int(0.05 * hi)):
                mid = (lo + hi) // 2
                r = scr.rates(alt_tab, null_tab, d["solution"], mid,
                              [(d["incl_cut"], int(d["n_cut"]), d["pri_cut"])], need,
                              (rel, part, anch, tuple(conds), d["cal_type"], d["solution"]))[0]
                if tgt.met(r):
                    hi = mid
                    n_part = d["participants"] if np.isfinite(d["participants"]) else 0
                    best = {**best, **r, "n": mid,
                            "cost": design_cost(cm, mid, len(conds), scen.items_added(conds, rel), n_part)}
                else:
                    lo = mid
            designs_df.loc[idx, list(best)] = pd.Series(best)
        # Confirm the cheapest designs on fresh, four times as many draws: choosing the best of many
        # noisy screen estimates overstates the winner (the winner's curse); a design not confirmed
        # at its N moves up by 10 % steps until it is (or leaves the grid).
        designs_df["confirmed"] = False
        order = ["cost", "n", tgt.recovery_metric]
        for _ in range(2 * max(refine, 1)):
            ok = designs_df.dropna(subset=["n"]).sort_values(order, ascending=[True, True, False],
                                                             kind="stable")
            if ok.empty or bool(ok.iloc[0]["confirmed"]):
                break
            idx = ok.index[0]
            d = designs_df.loc[idx].to_dict()
            conds = d["conditions"].split(",")
            rel, part, anch = _levers(scen, d)
            alt_tab = scr.table(scen.data_params(rel, part, anch), conds, d["cal_type"])
            null_tab = scr.table(scen.data_params(rel, part, anch, null=True), conds, d["cal_type"])
            n = int(d["n"])
            while n <= grid[-1]:
                r = scr.rates(alt_tab, null_tab, d["solution"], n,
                              [(d["incl_cut"], int(d["n_cut"]), d["pri_cut"])], need,
                              ("confirm", rel, part, anch, tuple(conds), d["cal_type"], d["solution"]),
                              n_draws=4 * n_draws)[0]
                if tgt.met(r):
                    break
                n = int(math.ceil(n * 1.1 / 5) * 5)
            if n > grid[-1]:
                designs_df.loc[idx, ["n", "cost"]] = np.nan
                continue
            n_part = d["participants"] if np.isfinite(d["participants"]) else 0
            new: dict[str, Any] = {**r, "n": n, "confirmed": True,
                   "cost": design_cost(cm, n, len(conds), scen.items_added(conds, rel), n_part)}
            for col, v in new.items():
                designs_df.loc[idx, col] = v
        # cheapest first; at equal cost fewer cases, then higher recovery
        designs_df = designs_df.sort_values(order, ascending=[True, True, False], na_position="last",
                                            kind="stable").reset_index(drop=True)
        t_screen = time.perf_counter() - t0
        say(f"screen done in {t_screen:.0f} s ({scr.populations} populations)")

        ok = designs_df.dropna(subset=["n"])
        recommended = None if ok.empty else ok.iloc[0].to_dict()
        verification = robustness = None
        t_verify = t_robust = 0.0
        if recommended is not None:
            rec_params = _params(scen, recommended, base)
            # full rates of the recommendation (every outcome, not only the screened ones)
            recommended.update(_full_rates(scr, scen, recommended))
            recommended["params"] = rec_params
            if verify:
                t1 = time.perf_counter()
                say(f"verifying N = {int(recommended['n']):,} by full simulation")
                verification = _verify(scen, rec_params, recommended, tgt, seed, verify_width,
                                       verify_budget, scr)
                t_verify = time.perf_counter() - t1
            if robust:
                t1 = time.perf_counter()
                say("stressing the recommendation over the illustrative ranges")
                robustness = _robustness(scr, scen, recommended, tgt, n_pop_robust or n_pop,
                                         n_joint, robust_share)
                if robustness["fragile"]:
                    say("searching the cheapest design meeting the target at every range end")
                    alt = _robust_alternative(scr, scen, designs_df, sp, tgt, n_pop_robust or n_pop, cm)
                    if alt.get("n") is not None:
                        alt.update(_full_rates(scr, scen, alt))
                        alt["params"] = _params(scen, alt, base)
                        if verify:
                            say(f"verifying the robust alternative (N = {int(alt['n']):,})")
                            alt["verification"] = _verify(scen, alt["params"], alt, tgt, seed,
                                                          verify_width, verify_budget, scr)
                    robustness["alternative"] = alt
                t_robust = time.perf_counter() - t1
        settings = {"seed": seed, "n_pop": n_pop, "n_draws": n_draws, "n_pop_robust":
                    n_pop_robust or n_pop, "n_joint": n_joint, "verify_width": verify_width,
                    "verify_budget": verify_budget, "space": asdict(sp), "base": base,
                    "ranges": {k: list(v) for k, v in scen.ranges.items()}}
        run.update({"seconds": {"screen": t_screen, "verify": t_verify, "robust": t_robust,
                                "total": time.perf_counter() - t0},
                    "populations": scr.populations,
                    "minimisations": scr.minimised + sum(s.minimised for s in scr.scorers.values()),
                    "jobs": jobs, "scheduler": scheduler, "reused": dict(work.reused),
                    "computed": dict(work.computed)})
        run.pop("inherited", None)
        return PlanResult(scenario, tgt, cm, recommended, verification, robustness, screen,
                          designs_df, settings, run)


def _full_rates(scr: _Screen, scen: _Scenario, d: Mapping[str, Any]) -> dict[str, float]:
    """Every outcome of a design at its N, on the screen's draws of that design."""
    conds = d["conditions"].split(",")
    rel, part, anch = _levers(scen, d)
    alt_tab = scr.table(scen.data_params(rel, part, anch), conds, d["cal_type"])
    null_tab = scr.table(scen.data_params(rel, part, anch, null=True), conds, d["cal_type"])
    return scr.rates(alt_tab, null_tab, d["solution"], int(d["n"]),
                     [(d["incl_cut"], int(d["n_cut"]), d["pri_cut"])], OUTCOMES,
                     ("confirm", rel, part, anch, tuple(conds), d["cal_type"], d["solution"]),
                     n_draws=4 * scr.n_draws)[0]


def _anchors_text(anchors: Sequence[float] | None) -> str:
    return "" if anchors is None else ",".join(f"{a:g}" for a in anchors)


def _levers(scen: _Scenario, d: Mapping[str, Any]
            ) -> tuple[float | None, int | None, tuple[float, float, float] | None]:
    """A design's data levers: reliability, participants, outcome anchors (None: the scenario's)."""
    rel = float(d["reliability"]) if np.isfinite(d["reliability"]) else None
    part = None
    if not scen.boolean and np.isfinite(d["participants"]) and int(d["participants"]) != scen.participants:
        part = int(d["participants"])
    text = d.get("outcome_anchors") or ""
    anch = None
    if text:
        e, c, i = (float(a) for a in text.split(","))
        anch = (e, c, i)
    return rel, part, anch


def _params(scen: _Scenario, d: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """Replication parameters of a design at its N (for the pipeline)."""
    p = {**scen.data_params(*_levers(scen, d)), "n_workers": int(d["n"]),
         "conditions": d["conditions"].split(","), "cal_type": d["cal_type"],
         "calibration": "theory", "solutions": [d["solution"]], "incl_cut": float(d["incl_cut"]),
         "n_cut": int(d["n_cut"]), "pri_cut": float(d["pri_cut"])}
    for k in SEARCH_KEYS:
        if k in base:
            p[k] = base[k]
    return normalise_params(p)


def record_outcomes(rec: Mapping[str, Any], solution: str) -> dict[str, bool]:
    """The planner's outcomes of one pipeline record (the tautology is a false claim)."""
    text = str(rec.get(f"{solution}.model", "") or "")
    claim = rec.get(f"{solution}.status") == "ok" and not bool(rec.get(f"{solution}.no_model"))
    taut = claim and is_tautology((), text)
    return {"exact": bool(claim and not taut and rec.get(f"{solution}.any_exact") == 1),
            "paths": bool(claim and not taut and rec.get(f"{solution}.paths_detected") == 1),
            "claim": bool(claim),
            "false_claim": bool(claim and (taut or not rec.get(f"{solution}.all_correct") == 1))}


#: Replications per verification task and per round of the stopping rule (both arms).
_VERIFY_CHUNK, _VERIFY_ROUND, _VERIFY_MAX = 10, 50, 1000


def _verify_task(params: Mapping[str, Any], seed: int, reps: tuple[int, ...], solution: str
                 ) -> list[dict[str, bool]]:
    """A worker's task: the planner's outcomes of replications ``reps`` of a design."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [record_outcomes(r, solution) for r in run_batch(dict(params), seed, list(reps))]


def _verify(scen: _Scenario, params: Mapping[str, Any], rec: Mapping[str, Any], tgt: Target,
            seed: int, width: float, budget: int, scr: _Screen | None = None) -> dict[str, Any]:
    """Full simulation of a design (the alternative and the matched null, common seeds), in
    rounds of ``_VERIFY_ROUND`` replications per arm until the targeted rates' intervals are
    narrow enough; each round's tasks of ``_VERIFY_CHUNK`` replications run on the plan's
    workers (:func:`experiments.runner.scatter`) and are stored as they complete, so the answer
    does not depend on the workers or on an interruption."""
    sol = rec["solution"]
    null_params = normalise_params({**params, **scen.data_params(*_levers(scen, rec), null=True),
                                    "n_workers": int(rec["n"])})
    n = int(rec["n"])
    batch = _VERIFY_ROUND
    counts = {m: 0 for m in ("exact", "paths", "false_claim", "null_claim")}
    reps = 0
    vseed = int(np.random.SeedSequence([seed, 0x7e51f]).generate_state(1)[0])
    width_ok = False
    work = scr.work if scr is not None else _Work(None, "", "")
    say = scr.say if scr is not None else (lambda msg: None)
    arms = {"alt": dict(params), "null": dict(null_params)}
    while reps < _VERIFY_MAX and 2 * n * (reps + batch) <= max(budget, 2 * n * batch):
        chunks = [(arm, tuple(range(a, min(a + _VERIFY_CHUNK, reps + batch))))
                  for arm in arms for a in range(reps, reps + batch, _VERIFY_CHUNK)]
        outcomes: dict[tuple[str, tuple[int, ...]], list[dict[str, bool]]] = {}
        keys = {c: work.key("verify", [arms[c[0]], vseed, list(c[1]), sol]) for c in chunks}
        todo = []
        for c in chunks:
            stored = work.get("verify", keys[c])
            if stored is not None:
                outcomes[c] = _decode_json(stored)
            else:
                todo.append(c)
        if todo:
            from .runner import Call, scatter

            calls = [Call(_verify_task, (arms[arm], vseed, r, sol)) for arm, r in todo]
            which = {id(call): c for call, c in zip(calls, todo)}
            jobs, sched, inh = (scr.jobs, scr.scheduler, scr.inherited) if scr else (1, None, ())
            with _closing(scatter(calls, jobs, sched, inh)) as completed:
                for call, result in completed:
                    c = which[id(call)]
                    outcomes[c] = result
                    work.put("verify", keys[c], _encode_json(result))
                    say(f"verifying N = {n:,}: {reps + batch} of at most {_VERIFY_MAX} studies "
                        f"per arm, {len(outcomes)}/{len(chunks)} tasks of this round")
        for c in chunks:  # in replication order, whichever finished first
            for o in outcomes[c]:
                if c[0] == "alt":
                    counts["exact"] += o["exact"]
                    counts["paths"] += o["paths"]
                    counts["false_claim"] += o["false_claim"]
                else:
                    counts["null_claim"] += o["claim"]
        reps += batch
        widths = [wilson(counts[m], reps)[1] - wilson(counts[m], reps)[0]
                  for m in {*tgt.metrics, tgt.recovery_metric}]
        if max(widths) <= width:
            width_ok = True
            break
    rates = {}
    for m in ("exact", "paths", "false_claim", "null_claim"):
        lo, hi = wilson(counts[m], reps)
        rate = counts[m] / reps
        sur = float(rec[m])
        rates[m] = {"rate": rate, "low": lo, "high": hi, "surrogate": sur, "error": sur - rate,
                    "within": bool(lo - 0.025 <= sur <= hi + 0.025)}
    return {"reps": reps, "n": n, "seed": vseed, "width_ok": width_ok, "rates": rates,
            "met": tgt.met({m: r["rate"] for m, r in rates.items()}),
            "cases_simulated": 2 * n * reps}


def _robustness(scr: _Screen, scen: _Scenario, rec: Mapping[str, Any], tgt: Target, n_pop: int,
                n_joint: int, share: float) -> dict[str, Any]:
    """One-at-a-time ends of each illustrative range, and joint Latin-hypercube draws."""
    conds = rec["conditions"].split(",")
    rel, part, anch = _levers(scen, rec)
    n = int(rec["n"])
    cut = [(rec["incl_cut"], int(rec["n_cut"]), rec["pri_cut"])]
    m = tgt.recovery_metric
    need = tuple(sorted({"exact", *[x for x in tgt.metrics if x in ("paths", "false_claim")]}))

    def request(values: Mapping[str, float], key: Any) -> tuple[Any, ...]:
        extra = _range_extra(scen, values, anch)
        alt = scr.table(scen.data_params(rel, part, anch, extra=extra), conds, rec["cal_type"], n_pop)
        nul = scr.table(scen.data_params(rel, part, anch, null=True, extra=extra), conds,
                        rec["cal_type"], n_pop)
        return (alt, nul, rec["solution"], n, cut, need, ("robust", key), None)

    rng = np.random.default_rng(np.random.SeedSequence([scr.seed, 0x0b057]))
    keys = list(scen.ranges)
    points: list[dict[str, float]] = []
    if n_joint and keys:
        shape = (len(keys), n_joint)
        u = (np.argsort(rng.random(shape), axis=1) + rng.random(shape)) / n_joint
        points = [{k: scen.ranges[k][0] + u[i, j] * (scen.ranges[k][1] - scen.ranges[k][0])
                   for i, k in enumerate(keys)} for j in range(n_joint)]
    # every population pair of the step at once: they run in parallel on the plan's workers
    reqs = [request({k: v}, (k, end)) for k, (lo, hi) in scen.ranges.items()
            for v, end in ((lo, "lo"), (hi, "hi"))]
    reqs += [request(vals, ("joint", j)) for j, vals in enumerate(points)]
    results = [r[0] for r in scr.rates_many(reqs)]
    tornado = []
    for i, (k, (lo, hi)) in enumerate(scen.ranges.items()):
        r_lo, r_hi = results[2 * i], results[2 * i + 1]
        tornado.append({"parameter": k, "low": lo, "high": hi, "rec_low": r_lo[m], "rec_high": r_hi[m],
                        "null_low": r_lo["null_claim"], "null_high": r_hi["null_claim"],
                        "met_low": tgt.met(r_lo, scr.n_draws), "met_high": tgt.met(r_hi, scr.n_draws),
                        "swing": max(abs(r_hi[m] - rec[m]), abs(r_lo[m] - rec[m]))})
    tornado_df = pd.DataFrame(tornado)
    joint = []
    for vals, r in zip(points, results[2 * len(scen.ranges):]):
        joint.append({**vals, m: r[m], "null_claim": r["null_claim"],
                      "met": tgt.met(r, scr.n_draws)})
    joint_df = pd.DataFrame(joint)
    all_rates = list(tornado_df["rec_low"]) + list(tornado_df["rec_high"]) + (
        list(joint_df[m]) if len(joint_df) else [])
    all_rates.append(float(rec[m]))
    share_met = float(joint_df["met"].mean()) if len(joint_df) else float("nan")
    fragile_to = [r["parameter"] for r in tornado if not (r["met_low"] and r["met_high"])]
    most = tornado_df.sort_values("swing", ascending=False)["parameter"].iloc[0] if len(tornado_df) else ""
    return {"tornado": tornado_df, "joint": joint_df, "worst": float(np.min(all_rates)),
            "q10": float(np.quantile(joint_df[m], 0.1)) if len(joint_df) else float("nan"),
            "share_met": share_met, "fragile_to": fragile_to, "most_sensitive": most,
            "fragile": bool(fragile_to) or (np.isfinite(share_met) and share_met < share)}


def _robust_alternative(scr: _Screen, scen: _Scenario, designs: pd.DataFrame, sp: DesignSpace,
                        tgt: Target, n_pop: int, cm: CostModel) -> dict[str, Any]:
    """The cheapest (design, grid N) meeting the target at the scenario and at both ends of every
    illustrative range (one at a time, within the screen's Monte-Carlo error)."""
    need = tuple(sorted({"exact", *[x for x in tgt.metrics if x in ("paths", "false_claim")]}))
    ok = designs.dropna(subset=["n"])
    ends = [(k, v) for k, (lo, hi) in scen.ranges.items() for v in (lo, hi)]
    grid = sorted(sp.n_grid)
    cands = []
    for _, d in ok.iterrows():
        cands += [(d, n) for n in grid if n >= d["n"]]
    alive = {(i, n) for i, (_, n) in enumerate(cands)}
    misses: dict[str, int] = {}
    for k, v in ends:
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i, (d, n) in enumerate(cands):
            if (i, n) in alive:
                groups.setdefault((d["conditions"], d["cal_type"], d["solution"], d["reliability"],
                                   d["participants"], d["outcome_anchors"], n), []).append(i)
        reqs = []
        for (conds, cal, sol, _, _, _, n), idx in groups.items():
            d0 = cands[idx[0]][0]
            rel, part, anch = _levers(scen, d0)
            extra = _range_extra(scen, {k: v}, anch)
            cl = conds.split(",")
            alt = scr.table(scen.data_params(rel, part, anch, extra=extra), cl, cal, n_pop)
            nul = scr.table(scen.data_params(rel, part, anch, null=True, extra=extra), cl, cal,
                            n_pop)
            cuts = [(cands[i][0]["incl_cut"], int(cands[i][0]["n_cut"]), cands[i][0]["pri_cut"])
                    for i in idx]
            reqs.append((alt, nul, sol, n, cuts, need, ("robust", k, v), None))
        for ((*_, n), idx), res in zip(groups.items(), scr.rates_many(reqs)):
            for i, r in zip(idx, res):
                if not tgt.met(r, scr.n_draws):
                    alive.discard((i, n))
                    misses[k] = misses.get(k, 0) + 1
        if not alive:
            break
    if not alive:
        binding = sorted(misses, key=lambda x: -misses[x])[:3]
        return {"n": None, "n_max": int(grid[-1]), "binding": binding}
    best = min(alive, key=lambda t: (design_cost(cm, t[1], len(cands[t[0]][0]["conditions"].split(",")),
                                                 scen.items_added(cands[t[0]][0]["conditions"].split(","),
                                                                  _levers(scen, cands[t[0]][0])[0]),
                                                 np.nan_to_num(cands[t[0]][0]["participants"])), t[1]))
    d = cands[best[0]][0].to_dict()
    conds = d["conditions"].split(",")
    d["n"] = int(best[1])
    d["cost"] = design_cost(cm, d["n"], len(conds), scen.items_added(conds, _levers(scen, d)[0]),
                            float(np.nan_to_num(d["participants"])))
    m = tgt.recovery_metric
    rel, part, anch = _levers(scen, d)
    reqs = []
    for k, v in ends:
        extra = _range_extra(scen, {k: v}, anch)
        alt = scr.table(scen.data_params(rel, part, anch, extra=extra), conds, d["cal_type"], n_pop)
        nul = scr.table(scen.data_params(rel, part, anch, null=True, extra=extra), conds,
                        d["cal_type"], n_pop)
        reqs.append((alt, nul, d["solution"], d["n"],
                     [(d["incl_cut"], int(d["n_cut"]), d["pri_cut"])], need, ("robust", k, v), None))
    d["worst"] = float(min(r[0][m] for r in scr.rates_many(reqs)))
    return d


def _range_extra(scen: _Scenario, values: Mapping[str, float],
                 anchors: Sequence[float] | None = None) -> dict[str, Any]:
    """Data-parameter changes setting illustrative values (effect as a replication parameter;
    a range of the outcome anchors applies to the design's own anchors when it sets them)."""
    raw = scen.raw
    if anchors is not None and not scen.boolean:
        raw = {**raw, "outcome": {**raw["outcome"], "anchors": [float(a) for a in anchors]}}
    out: dict[str, Any] = {}
    for k, v in values.items():
        if scen.boolean:
            out[k] = float(v)
        elif k == "hazard.recipe_hazard_ratio":
            out["recipe_hazard_ratio"] = float(v)
        else:
            out.update(range_overrides(raw, k, float(v)))
    return out


class _CallableModule(types.ModuleType):
    """``experiments.plan(...)`` calls :func:`plan` (the module stays importable as usual)."""

    def __call__(self, *args: Any, **kwargs: Any) -> PlanResult:
        return plan(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
