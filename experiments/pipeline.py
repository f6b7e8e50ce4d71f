"""One replication of the recovery benchmark: generate a cohort, analyse it, score it.

generate (:mod:`sim.generators`, known recipe) -> calibrate (:mod:`experiments.calibration`)
-> every requested analysis method (:mod:`experiments.methods`) -> every registered metric
(:mod:`experiments.metrics`), through :func:`experiments.analysis.analyse_cohort`.

:func:`run_one` is pure (its result depends only on ``params`` and ``seed``) and picklable, so
the runner may call it in any process, in any order. :func:`run_batch` runs consecutive
replications of one cell and gives exactly the same records as calling :func:`run_one` on each:
it simulates them a chunk at a time, calibrates each chunk and builds its truth tables in one
pass (:func:`experiments.analysis.analyse_cohorts`), then minimises and scores each cohort.
The replication parameters are documented in :mod:`experiments.params`.

A run gives workers the *snapshot* of each scenario file (its text, read once when the run
starts and stored with the run plan, :mod:`experiments.store`): ``scenario_text`` makes the
generator compute from that text, never from the file, so a file edited during a run cannot
change what the run computes under the fingerprint it recorded.
"""

from __future__ import annotations

import gc
import json
import time
import tomllib
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sim.errors import ScenarioWarning
from sim.generators import DataGenerator, GeneratorSettings, make_generator

from .analysis import AnalysisSpec, analyse_cohort, analyse_cohorts
from .errors import DesignError
from .methods.qca_solutions import recipe_directions
from .params import DATA_PARAMS, normalise_params

#: Most cases (replications x cohort size) :func:`run_batch` holds simulated at once.
MAX_CHUNK_CASES = 50_000

__all__ = ["cell_setup", "cell_truth", "run_one", "run_batch", "recipe_directions",
           "normalise_params", "analyse_cohort", "AnalysisSpec"]


def generator_for(p: Mapping[str, Any], scenario_text: str | None = None) -> DataGenerator:
    """The data generator of normalised replication parameters ``p`` (cached by the data
    parameters: cells that differ only in analysis settings share it); with ``scenario_text``,
    the programme scenario is built from that text (a run's snapshot), not from the file."""
    return _generator(json.dumps({k: p[k] for k in DATA_PARAMS}, sort_keys=True, default=str),
                      scenario_text)


@lru_cache(maxsize=256)
def _generator(key: str, scenario_text: str | None = None) -> DataGenerator:
    p = json.loads(key)
    settings = GeneratorSettings(
        n_cases=p["n_workers"], reliability=p["reliability"], effect=p["recipe_hazard_ratio"],
        overrides=p["overrides"], engine=p["engine"])
    if scenario_text is None:
        return make_generator(p["scenario"], settings)
    from sim.errors import ScenarioError
    from sim.generators import ProgrammeGenerator, programme_overrides
    from sim.scenario import scenario_from_dict

    source = f"{p['scenario']} (snapshot)"
    try:
        raw = tomllib.loads(scenario_text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: invalid TOML: {exc}") from None
    base = scenario_from_dict(raw, source=str(p["scenario"]))
    return ProgrammeGenerator(base.with_overrides(programme_overrides(base, settings)),
                              settings.engine)


def _analysed_conditions(p: Mapping[str, Any], gen: DataGenerator) -> tuple[str, ...]:
    conds = tuple(gen.observed_conditions)
    if p["conditions"] is not None:
        unknown = [c for c in p["conditions"] if c not in conds]
        if unknown:
            raise DesignError(f"conditions {unknown} are not observed in scenario {gen.name!r}; "
                              f"observed: {', '.join(conds)}")
        conds = tuple(p["conditions"])
    if p["n_conditions"] is not None:
        if p["n_conditions"] > len(conds):
            raise DesignError(f"n_conditions = {p['n_conditions']} but scenario {gen.name!r} "
                              f"observes only {len(conds)} conditions")
        conds = conds[: p["n_conditions"]]
    from qca._validation import MAX_CONDITIONS

    if len(conds) > MAX_CONDITIONS:
        raise DesignError(f"scenario {gen.name!r} observes {len(conds)} conditions; at most "
                          f"{MAX_CONDITIONS} can be analysed (set n_conditions or conditions)")
    return conds


def _check_dir_exp(p: Mapping[str, Any], conds: Sequence[str]) -> None:
    dir_exp = p.get("dir_exp")
    if isinstance(dir_exp, list):
        names = [d.strip().lstrip("~").strip() for d in dir_exp]
        unknown = [d for d in names if d not in conds]
        if unknown:
            raise DesignError(f"dir_exp names {unknown[0]!r}, which is not an analysed condition; "
                              f"analysed: {', '.join(conds)}")


@lru_cache(maxsize=256)
def _cell_setup(key: str, scenario_text: str | None = None) -> tuple[DataGenerator, AnalysisSpec]:
    p = json.loads(key)
    gen = generator_for(p, scenario_text)
    conds = _analysed_conditions(p, gen)
    _check_dir_exp(p, conds)
    anchors = dict(gen.calibration_anchors)
    if p["calibration"] == "theory":
        missing = [c for c in (*conds, gen.outcome) if c not in anchors]
        if missing:
            raise DesignError(f"scenario {gen.name!r} gives no theory anchors for "
                              f"{', '.join(missing)}; use calibration = 'percentile'")
    return gen, AnalysisSpec.build(conds, gen.outcome, anchors, gen.truth, p)


def cell_setup(params: Mapping[str, Any], scenario_text: str | None = None
               ) -> tuple[DataGenerator, AnalysisSpec]:
    """The data generator and analysis spec of a cell (cached), from replication parameters.

    Parameters
    ----------
    params : mapping
        Replication parameters.
    scenario_text : str, optional
        The scenario file's content as snapshotted by the run (then the file is not read).

    Raises
    ------
    DesignError, ScenarioError
        Bad parameters, an unknown scenario, or conditions the scenario does not observe.
    """
    p = normalise_params(params)
    return _cell_setup(json.dumps(p, sort_keys=True, default=str), scenario_text)


def cell_truth(params: Mapping[str, Any], scenario_text: str | None = None) -> dict[str, Any]:
    """What a cell is scored against, as plain data for the run plan: ``recipe`` (text),
    ``paths`` (its disjuncts), ``outcome``, ``conditions`` (analysed) and ``null`` (the recipe
    has no effect: hazard ratio 1)."""
    gen, spec = cell_setup(params, scenario_text)
    hazard = getattr(getattr(gen, "scenario", None), "hazard", None)
    null = hazard is not None and float(hazard.recipe_hazard_ratio) == 1.0
    return {"recipe": str(spec.truth), "paths": [str(t) for t in spec.truth.terms],
            "outcome": spec.outcome, "conditions": list(spec.conditions), "null": bool(null)}


def run_batch(params: Mapping[str, Any], seed: int, reps: Sequence[int],
              scenario_text: str | None = None) -> list[dict[str, Any]]:
    """Run replications ``reps`` of one cell (see :func:`run_one`); one record per replication.

    Parameters
    ----------
    params : mapping
        Replication parameters (:mod:`experiments.params`).
    seed : int
        The cell's seed (:func:`experiments.seeds.cell_seed`).
    reps : sequence of int
        Replication indices.
    scenario_text : str, optional
        The run's snapshot of the scenario file (see the module docstring).

    Returns
    -------
    list of dict
        Each with ``rep``, ``seed``, ``elapsed`` (seconds, simulation + analysis share of the
        batch), ``sim_seconds``, ``analysis_seconds``, ``n_cases`` and the record of
        :func:`experiments.analysis.analyse_cohort`.
    """
    with warnings.catch_warnings():
        # A scenario's ScenarioWarnings are said when the experiment is loaded (in the main
        # process, once); replications in worker processes need not repeat them.
        warnings.simplefilter("ignore", ScenarioWarning)
        gen, spec = cell_setup(params, scenario_text)
    with _young_collections_every(GC_YOUNG_THRESHOLD):
        return _run_batch(gen, spec, seed, list(reps))


#: Allocations between two collections of the garbage collector's youngest generation while
#: :func:`run_batch` runs (CPython's default is 700). A replication allocates many short-lived
#: containers (implicant charts, cover searches, models): at 700 the collector ran ~3 times per
#: replication and took 10-15 % of the CPU time of the intermediate-solution cells. The old
#: threshold is restored afterwards; memory stays bounded (at most this many more young objects).
GC_YOUNG_THRESHOLD = 20_000


@contextmanager
def _young_collections_every(allocations: int) -> Iterator[None]:
    """Collect the youngest generation at most every ``allocations`` net allocations inside."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], allocations), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _run_batch(gen: DataGenerator, spec: AnalysisSpec, seed: int, reps: list[int]) -> list[dict[str, Any]]:
    out = []
    # Cohorts are simulated a chunk at a time (at most MAX_CHUNK_CASES cases held at once), so
    # a task of many replications of large cohorts runs in bounded memory.
    chunk = max(1, MAX_CHUNK_CASES // max(int(getattr(gen, "n_cases", 1) or 1), 1))
    for start in range(0, len(reps), chunk):
        part = reps[start:start + chunk]
        t0 = time.perf_counter()
        cohorts = gen.cohorts(seed, part)
        sim_each = (time.perf_counter() - t0) / max(len(cohorts), 1)
        # Calibration and truth tables of the chunk are built together; each cohort is then
        # minimised and scored on its own (the same records as one cohort at a time).
        analysed = analyse_cohorts(cohorts, spec)
        for r, cohort, (rec, ana) in zip(part, cohorts, analysed):
            out.append({"rep": int(r), "seed": int(seed), "elapsed": sim_each + ana,
                        "sim_seconds": sim_each, "analysis_seconds": ana,
                        "n_cases": int(len(next(iter(cohort.values())))), **rec})
    return out


def run_one(params: Mapping[str, Any], seed: int, rep: int = 0) -> dict[str, Any]:
    """One replication: generate, calibrate, analyse, score.

    Parameters
    ----------
    params : mapping
        Replication parameters; missing keys take their defaults.
    seed : int
        The cell's seed; replication ``rep`` of it is simulated, so the result depends only on
        ``(params, seed, rep)``.
    rep : int
        Replication index.
    """
    return run_batch(params, seed, [rep])[0]
