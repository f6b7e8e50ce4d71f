"""The user errors of the benchmark layer (subclasses of :class:`qca.exceptions.QcasimError`)."""

from qca.exceptions import QcasimError

__all__ = ["DesignError", "InputError"]


class DesignError(QcasimError):
    """A bad experiment file or replication parameter: one line naming the file (or where), the
    key and what is allowed."""


class InputError(QcasimError):
    """A bad input given on the command line or to a reading function: a file that is missing,
    unreadable or malformed, an unknown column or experiment, an option that cannot be read."""
