"""sim: agent-based data generator with known causal recipes (KBOP / GMBOP scenarios).

>>> import sim
>>> cohort = sim.simulate("kbop", seed=1)            # one cohort, batched kernel
>>> many = sim.simulate_many("kbop", n_reps=100, seed=1)  # stacked, with a ``rep`` column

See ``docs/sim.md`` for the model, every parameter and its source.
"""

from typing import TYPE_CHECKING

from .boolean import (
    add_noise,
    boolean_dataset,
    fuzzify,
    ideal_data,
    limit_diversity,
    random_structure,
    select_cases,
)
from .errors import ScenarioError, ScenarioWarning
from .scenario import Scenario, builtin_scenarios, load_scenario

if TYPE_CHECKING:
    from .api import simulate, simulate_many
    from .model import ProgrammeModel

#: Names whose modules import Mesa, loaded on first use: the pipeline's workers and the command
#: line's start-up never need them (the batched kernel is numpy only).
_LAZY = {"simulate": "api", "simulate_many": "api", "ProgrammeModel": "model"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "simulate", "simulate_many", "load_scenario", "Scenario", "ScenarioError", "ScenarioWarning",
    "ProgrammeModel",
    "builtin_scenarios", "random_structure", "ideal_data", "limit_diversity", "add_noise",
    "select_cases", "fuzzify", "boolean_dataset",
]
