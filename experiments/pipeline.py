"""One replication of the recovery benchmark: generate a cohort, analyse it, score it.

generate (:mod:`sim.generators`, known recipe) -> calibrate (:mod:`experiments.calibration`)
-> every requested analysis method (:mod:`experiments.methods`) -> every registered metric
(:mod:`experiments.metrics`), through :func:`experiments.analysis.analyse_cohort`.

:func:`run_one` is pure (its result depends only on ``params`` and ``seed``) and picklable, so
the runner may call it in any process, in any order. :func:`run_batch` runs consecutive
replications of one cell and gives exactly the same records as calling :func:`run_one` on each.
The replication parameters are documented in :mod:`experiments.params`.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sim.errors import ScenarioWarning
from sim.generators import DataGenerator, GeneratorSettings, make_generator

from .analysis import AnalysisSpec, analyse_cohort
from .errors import DesignError
from .methods.qca_solutions import recipe_directions
from .params import DATA_PARAMS, normalise_params

__all__ = ["cell_setup", "run_one", "run_batch", "recipe_directions", "normalise_params",
           "analyse_cohort", "AnalysisSpec"]


def generator_for(p: Mapping[str, Any]) -> DataGenerator:
    """The data generator of normalised replication parameters ``p`` (cached by the data
    parameters: cells that differ only in analysis settings share it)."""
    return _generator(json.dumps({k: p[k] for k in DATA_PARAMS}, sort_keys=True, default=str))


@lru_cache(maxsize=256)
def _generator(key: str) -> DataGenerator:
    p = json.loads(key)
    return make_generator(p["scenario"], GeneratorSettings(
        n_cases=p["n_workers"], reliability=p["reliability"], effect=p["recipe_hazard_ratio"],
        overrides=p["overrides"], engine=p["engine"]))


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
def _cell_setup(key: str) -> tuple[DataGenerator, AnalysisSpec]:
    p = json.loads(key)
    gen = generator_for(p)
    conds = _analysed_conditions(p, gen)
    _check_dir_exp(p, conds)
    anchors = dict(gen.calibration_anchors)
    if p["calibration"] == "theory":
        missing = [c for c in (*conds, gen.outcome) if c not in anchors]
        if missing:
            raise DesignError(f"scenario {gen.name!r} gives no theory anchors for "
                              f"{', '.join(missing)}; use calibration = 'percentile'")
    return gen, AnalysisSpec.build(conds, gen.outcome, anchors, gen.truth, p)


def cell_setup(params: Mapping[str, Any]) -> tuple[DataGenerator, AnalysisSpec]:
    """The data generator and analysis spec of a cell (cached), from replication parameters.

    Raises
    ------
    DesignError, ScenarioError
        Bad parameters, an unknown scenario, or conditions the scenario does not observe.
    """
    p = normalise_params(params)
    return _cell_setup(json.dumps(p, sort_keys=True, default=str))


def run_batch(params: Mapping[str, Any], seed: int, reps: Sequence[int]) -> list[dict[str, Any]]:
    """Run replications ``reps`` of one cell (see :func:`run_one`); one record per replication.

    Parameters
    ----------
    params : mapping
        Replication parameters (:mod:`experiments.params`).
    seed : int
        The cell's seed (:func:`experiments.seeds.cell_seed`).
    reps : sequence of int
        Replication indices.

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
        gen, spec = cell_setup(params)
    t0 = time.perf_counter()
    cohorts = gen.cohorts(seed, reps)
    sim_each = (time.perf_counter() - t0) / max(len(cohorts), 1)
    out = []
    for r, cohort in zip(reps, cohorts):
        t1 = time.perf_counter()
        rec = analyse_cohort(cohort, spec)
        ana = time.perf_counter() - t1
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
