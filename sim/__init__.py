"""sim: agent-based data generator with known causal recipes (KBOP / GMBOP scenarios).

>>> import sim
>>> cohort = sim.simulate("kbop", seed=1)            # one cohort, batched kernel
>>> many = sim.simulate_many("kbop", n_reps=100, seed=1)  # stacked, with a ``rep`` column

See ``docs/sim.md`` for the model, every parameter and its source.
"""

from .api import simulate, simulate_many
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
from .model import ProgrammeModel
from .scenario import Scenario, builtin_scenarios, load_scenario

__all__ = [
    "simulate", "simulate_many", "load_scenario", "Scenario", "ScenarioError", "ScenarioWarning",
    "ProgrammeModel",
    "builtin_scenarios", "random_structure", "ideal_data", "limit_diversity", "add_noise",
    "select_cases", "fuzzify", "boolean_dataset",
]
