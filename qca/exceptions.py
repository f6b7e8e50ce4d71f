"""Exceptions raised by qca for bad input or impossible requests."""

__all__ = ["QcasimError", "QCAError", "ExpressionError", "QCAWarning", "ModelsCappedWarning",
           "HalfMembershipWarning"]


class QcasimError(ValueError):
    """Base class of every user error of qcasim: bad input data, arguments, scenario or
    experiment files.

    The engine (:mod:`qca`), the simulator (:mod:`sim`) and the benchmark (:mod:`experiments`)
    each raise a subclass (:class:`QCAError`, ``sim.errors.ScenarioError``,
    ``experiments.design.DesignError``); the command line reports exactly these as user errors
    (exit status 2) and anything else as a failure (exit status 1). It derives from
    ``ValueError`` so that callers catching ``ValueError`` keep working.
    """


class QCAError(QcasimError):
    """Bad input to a QCA function, or an analysis that cannot be carried out.

    Every message names the argument or column at fault, what was found and what is needed.
    """


class ExpressionError(QCAError):
    """A Boolean expression string that cannot be parsed or does not fit the data."""


class QCAWarning(UserWarning):
    """Base class of the engine's advisories (the analysis ran, but read this)."""


class ModelsCappedWarning(QCAWarning):
    """More tied minimal models exist than were listed (``max_models``)."""


class HalfMembershipWarning(QCAWarning):
    """Cases with a membership of exactly 0.5 belong to no truth-table row."""
