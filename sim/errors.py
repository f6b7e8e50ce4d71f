"""The one exception type of :mod:`sim`."""

from qca.exceptions import QcasimError

__all__ = ["ScenarioError"]


class ScenarioError(QcasimError):
    """Bad scenario file, bad override or bad argument to the simulator.

    Every message is a single line naming the key (and file, when there is one), the value found
    and what is allowed.
    """
