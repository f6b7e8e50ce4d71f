"""Public entry points: one cohort (:func:`simulate`) or many replications (:func:`simulate_many`).

Replication ``r`` of ``simulate_many(..., seed=s)`` is the cohort of ``simulate(..., seed=s)``
when ``r = 0`` and in general of ``ProgrammeModel(scenario, seed=s, rep=r)``: both engines follow
the random-draw protocol of :mod:`sim.draws`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .cohort import cohort_arrays, cohort_frame, participant_frame
from .errors import ScenarioError
from .kernel import run_batch
from .model import ProgrammeModel
from .scenario import Scenario, load_scenario

__all__ = ["simulate", "simulate_many", "resolve_scenario", "ENGINES"]

ENGINES = ("batched", "mesa")


def resolve_scenario(scenario: Scenario | str | Path = "kbop", n_workers: int | None = None,
                     overrides: Mapping[str, Any] | None = None) -> Scenario:
    """A validated scenario from a name, path or :class:`Scenario`, with overrides applied.

    ``overrides`` keys are dotted paths or unique bare keys (see
    :func:`sim.scenario.apply_overrides`); ``__`` may stand for ``.`` (keyword arguments).
    """
    scen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    over = dict(overrides or {})
    if n_workers is not None:
        over["programme.n_workers"] = n_workers
    return scen.with_overrides(over)


def simulate(scenario: Scenario | str | Path = "kbop", n_workers: int | None = None,
             seed: int | np.random.SeedSequence = 1, engine: str = "batched",
             participants: bool = False,
             **overrides: Any) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate one evaluation cohort.

    Parameters
    ----------
    scenario : Scenario, str or Path
        ``"kbop"`` (default), ``"gmbop"``, a TOML path or a :class:`Scenario`.
    n_workers : int, optional
        Number of workers (default: the scenario's, 65 for KBOP).
    seed : int or SeedSequence
        The single seed of every random draw.
    engine : {"batched", "mesa"}
        The numpy kernel (fast) or the Mesa model (step by step); identical results.
    participants : bool
        Also return the participant-level table.
    **overrides
        Scenario overrides, e.g. ``recipe_hazard_ratio=0.6`` or
        ``conditions__INNOV__reliability=0.7``.

    Returns
    -------
    pandas.DataFrame or (DataFrame, DataFrame)
        The cohort (one row per worker; see :mod:`sim.cohort`), and the participants if asked.
    """
    if engine not in ENGINES:
        raise ScenarioError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    scen = resolve_scenario(scenario, n_workers, overrides)
    if engine == "mesa":
        model = ProgrammeModel(scen, seed=seed).run()
        cohort, parts = model.cohort(), (model.participant_table() if participants else None)
    else:
        batch = run_batch(scen, seed, 1)
        cohort = cohort_frame(cohort_arrays(scen, batch.population, batch.outcomes), False)
        parts = participant_frame(batch.population, batch.outcomes) if participants else None
    return (cohort, parts) if participants else cohort


def simulate_many(scenario: Scenario | str | Path = "kbop", n_reps: int = 100,
                  seed: int | np.random.SeedSequence = 1, n_workers: int | None = None,
                  chunk: int = 500, **overrides: Any) -> pd.DataFrame:
    """Simulate ``n_reps`` replications with the batched kernel.

    Returns
    -------
    pandas.DataFrame
        All cohorts stacked, with a leading ``rep`` column (0 .. n_reps - 1); split with
        ``df.groupby("rep")``. Replication ``r`` equals ``ProgrammeModel(scenario, seed, rep=r)``.
    """
    if isinstance(n_reps, bool) or not isinstance(n_reps, int | np.integer) or n_reps < 1:
        raise ScenarioError(f"n_reps must be a positive integer, got {n_reps!r}")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ScenarioError(f"chunk must be a positive integer, got {chunk!r}")
    scen = resolve_scenario(scenario, n_workers, overrides)
    parts = []
    for start in range(0, int(n_reps), chunk):
        n = min(chunk, int(n_reps) - start)
        batch = run_batch(scen, seed, n, start=start)
        cols = cohort_arrays(scen, batch.population, batch.outcomes)
        parts.append((cols, start))
    if len(parts) == 1:
        return cohort_frame(parts[0][0], True, parts[0][1])
    return pd.concat([cohort_frame(c, True, s) for c, s in parts], ignore_index=True)
