"""The data-generator protocol: what the benchmark needs from any source of synthetic cohorts.

A data generator knows the causal truth and produces replications of a study's data. The
benchmark (:mod:`experiments`) uses only this protocol, so a new kind of data (another programme
model, a Boolean structure, a fuzzy-set structure) is one class and one registry entry:

* :class:`DataGenerator` — ``truth`` (the true recipe), ``observed_conditions``, ``outcome``,
  ``calibration_anchors`` (theory anchors for every observed column, outcome included, fixed by
  the scenario and never derived from the true effect size), ``n_cases`` and
  ``cohorts(seed, reps)`` (one column mapping per replication; replication ``r`` depends only on
  ``(seed, r)``).
* :func:`register_generator` / :func:`make_generator` — generators are looked up by the scheme
  of the scenario string: ``"boolean:A*B + ~C*D"`` uses the ``boolean`` generator
  (:class:`sim.boolean.BooleanGenerator`); anything else is a programme scenario (a built-in
  name such as ``"kbop"`` or a TOML path) simulated by the agent-based model
  (:class:`ProgrammeGenerator`).

Every generator is built from the same settings (:class:`GeneratorSettings`): cohort size,
measurement reliability, the recipe's effect (hazard ratio; 1 = the null), further overrides
and the simulation engine. A generator that cannot honour a setting says so in its error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np

from qca import Expression
from qca.registry import Registry

from .errors import ScenarioError

__all__ = ["DataGenerator", "GeneratorSettings", "ProgrammeGenerator", "register_generator",
           "scheme_of", "ENTRY_POINT_GROUP",
           "make_generator", "generator_schemes", "Cohort"]

Cohort = dict[str, np.ndarray]


@runtime_checkable
class DataGenerator(Protocol):
    """A source of synthetic cohorts with a known causal truth (see the module docstring)."""

    name: str

    @property
    def truth(self) -> Expression: ...

    @property
    def observed_conditions(self) -> tuple[str, ...]: ...

    @property
    def outcome(self) -> str: ...

    @property
    def calibration_anchors(self) -> Mapping[str, tuple[float, float, float]]: ...

    @property
    def n_cases(self) -> int: ...

    def cohorts(self, seed: int, reps: Sequence[int]) -> list[Cohort]: ...


@dataclass(frozen=True)
class GeneratorSettings:
    """The settings every generator is built from.

    Attributes
    ----------
    n_cases : int
        Cohort size (workers, or cases).
    reliability : float, optional
        When set, the reliability of every measured condition (the measurement-noise knob).
    effect : float, optional
        When set, the recipe's hazard ratio on the outcome (1 = no effect: the null).
    overrides : mapping
        Further generator-specific settings (dotted scenario keys, or Boolean options).
    engine : str
        Simulation engine, for generators that have several ("batched" or "mesa").
    """

    n_cases: int = 65
    reliability: float | None = None
    effect: float | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    engine: str = "batched"


Factory = Callable[[str, GeneratorSettings], DataGenerator]
PROGRAMME = "programme"
#: Plugins register generators from modules named by entry points of this group.
ENTRY_POINT_GROUP = "qcasim.generators"

#: scheme -> (factory, description); the built-in Boolean generator registers itself.
_REGISTRY: Registry[tuple[Factory, str]] = Registry("data generator", ENTRY_POINT_GROUP,
                                                    ("sim.boolean", "sim.random_crisp",
                                                     "sim.perturbation"))


def register_generator(scheme: str, factory: Factory, description: str = "") -> None:
    """Register a generator under ``scheme``: ``"<scheme>:<spec>"`` scenario strings use it.

    Parameters
    ----------
    scheme : str
        A lower-case identifier; ``"programme"`` is the fallback for plain names and paths.
    factory : callable
        ``factory(spec, settings) -> DataGenerator`` where ``spec`` is the text after the colon.
    description : str
        One line for listings.
    """
    _REGISTRY.add(scheme, (factory, description))


def generator_schemes() -> dict[str, str]:
    """Registered schemes and their descriptions."""
    _REGISTRY.discover()
    return {k: d for k, (_, d) in sorted(_REGISTRY.items())}


def scheme_of(scenario: str) -> str:
    """The registered generator scheme of a scenario string (``"boolean"`` for
    ``"boolean:A*B"``), or ``"programme"`` for a programme scenario name or path."""
    _REGISTRY.discover()
    scheme, sep, _ = str(scenario).partition(":")
    return scheme if sep and scheme in _REGISTRY and scheme != PROGRAMME else PROGRAMME


def make_generator(scenario: str, settings: GeneratorSettings | None = None) -> DataGenerator:
    """The generator for a scenario string.

    Parameters
    ----------
    scenario : str
        ``"<scheme>:<spec>"`` for a registered scheme (e.g. ``"boolean:A*B + ~C*D"``), else a
        built-in programme scenario name or a scenario TOML path.
    settings : GeneratorSettings

    Raises
    ------
    ScenarioError
        Unknown scenario, bad spec or a setting the generator cannot honour.
    """
    settings = settings or GeneratorSettings()
    scheme = scheme_of(scenario)
    if scheme != PROGRAMME:
        return _REGISTRY[scheme][0](str(scenario).partition(":")[2].strip(), settings)
    return _REGISTRY[PROGRAMME][0](str(scenario), settings)


# ----------------------------------------------------------------------------- programme model


#: Most workers the batched kernel simulates in one call (replications x cohort size): its
#: working memory grows with the call (a 100,000-worker cohort needs ~0.3 GB), and larger calls
#: run slower per worker once their arrays leave the CPU caches (measured per replication, calls
#: of 10,000 vs 50,000 workers: N = 1,000 1.84 vs 2.26 ms, N = 10,000 18.5 vs 20.7 ms; N = 65
#: unchanged; in the recovery pipeline, crisp 7 conditions N = 1,000, calls of 5,000 vs 10,000
#: workers: about 350 vs 325 replications per CPU-second, N = 65 and 250 unchanged within noise).
#: Replication ``r`` is the same whatever it is simulated with (:mod:`sim.draws`), so the split
#: changes no cohort.
MAX_BATCH_CASES = 5_000


class ProgrammeGenerator:
    """Cohorts of the agent-based programme model (:mod:`sim.model` / :mod:`sim.kernel`).

    Parameters
    ----------
    scenario : sim.scenario.Scenario
        The validated scenario, overrides applied.
    engine : {"batched", "mesa"}
        The numpy kernel or the Mesa model: identical cohorts for the same seed.
    """

    #: What one case is, for reports ("With 65 workers ..."): the programme model's unit of
    #: analysis. A generator without this attribute is read as speaking of "cases".
    case_noun = "workers"

    def __init__(self, scenario: Any, engine: str = "batched"):
        if engine not in ("batched", "mesa"):
            raise ScenarioError(f"engine must be 'batched' or 'mesa', got {engine!r}")
        self.scenario = scenario
        self.engine = engine
        self.name = scenario.name

    @property
    def truth(self) -> Expression:
        return self.scenario.recipe_expression

    @property
    def observed_conditions(self) -> tuple[str, ...]:
        return tuple(self.scenario.observed_conditions)

    @property
    def outcome(self) -> str:
        return self.scenario.outcome

    @property
    def n_cases(self) -> int:
        return int(self.scenario.programme.n_workers)

    @property
    def calibration_anchors(self) -> dict[str, tuple[float, float, float]]:
        """The scenario's anchors, the outcome's programme-defined target included (the same
        under the null and every effect size)."""
        return dict(self.scenario.calibration_anchors)

    def cohorts(self, seed: int, reps: Sequence[int]) -> list[Cohort]:
        """Replications ``reps`` of ``seed``; replication ``r`` is the same whatever the other
        replications simulated with it (the draw protocol of :mod:`sim.draws`)."""
        reps = list(reps)
        if not reps:
            return []
        if self.engine == "mesa":
            from .model import ProgrammeModel

            out = []
            for r in reps:
                frame = ProgrammeModel(self.scenario, seed=seed, rep=r).run().cohort()
                out.append({c: frame[c].to_numpy() for c in frame.columns})
            return out
        from .cohort import cohort_arrays
        from .kernel import run_batch

        out = []
        # Consecutive replications are simulated together by the batched kernel, at most
        # MAX_BATCH_CASES workers per call (bounded memory; larger calls are slower per case).
        per_call = max(1, MAX_BATCH_CASES // max(self.n_cases, 1))
        runs: list[list[int]] = []
        for r in reps:
            if runs and r == runs[-1][-1] + 1 and len(runs[-1]) < per_call:
                runs[-1].append(r)
            else:
                runs.append([r])
        for run in runs:
            batch = run_batch(self.scenario, seed, len(run), start=run[0])
            cols = cohort_arrays(self.scenario, batch.population, batch.outcomes)
            out += [{k: np.asarray(v[i]) for k, v in cols.items()} for i in range(len(run))]
        return out


def programme_overrides(scenario: Any, settings: GeneratorSettings) -> dict[str, Any]:
    """Dotted scenario overrides implementing ``settings`` on a programme scenario."""
    ov: dict[str, Any] = {"programme.n_workers": settings.n_cases}
    if settings.reliability is not None:
        for c in scenario.conditions:
            if c.measured and c.kind in ("likert", "recorded"):
                ov[f"conditions.{c.name}.reliability"] = float(settings.reliability)
    if settings.effect is not None:
        ov["hazard.recipe_hazard_ratio"] = float(settings.effect)
    ov.update(settings.overrides)
    return ov


@lru_cache(maxsize=64)
def _base_scenario(spec: str, stamp: float) -> Any:
    from .scenario import load_scenario

    return load_scenario(spec)


def _programme_factory(spec: str, settings: GeneratorSettings) -> ProgrammeGenerator:
    import os

    # The validated base scenario is cached per file version (its modification time).
    stamp = os.path.getmtime(spec) if os.path.isfile(spec) else 0.0
    base = _base_scenario(spec, stamp)
    return ProgrammeGenerator(base.with_overrides(programme_overrides(base, settings)),
                              settings.engine)


register_generator(PROGRAMME, _programme_factory,
                   "the agent-based programme model: a built-in scenario name or a TOML path")
