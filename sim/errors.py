"""The exception and warning types of :mod:`sim`."""

from qca.exceptions import QcasimError

__all__ = ["ScenarioError", "ScenarioWarning"]


class ScenarioError(QcasimError):
    """Bad scenario file, bad override or bad argument to the simulator.

    Every message is a single line naming the key (and file, when there is one), the value found
    and what is allowed.
    """


class ScenarioWarning(UserWarning):
    """A valid scenario that QCA can hardly analyse: a true condition with expected prevalence
    below 5 % or above 95 %, or a recipe path expected in fewer than 3 workers at the scenario's
    ``n_workers``. The same sentences are in :attr:`sim.Scenario.diagnostics`; silence them with
    ``warnings.filterwarnings("ignore", category=sim.ScenarioWarning)``.
    """
