"""Exceptions raised by qca for bad input or impossible requests."""

__all__ = ["QcasimError", "QCAError", "ExpressionError", "QCAWarning", "IncompleteSearchWarning",
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


class ArgumentError(QCAError):
    """An argument of a public function of the wrong type or value that the function's own
    checks did not name: the message gives the function and what went wrong (the original
    exception is chained as ``__cause__``). Raised by :func:`qca._validation.public_api`."""


class QCAWarning(UserWarning):
    """Base class of every warning issued by qca (the analysis ran, but read this)."""


class HalfMembershipWarning(QCAWarning):
    """Cases with a membership of exactly 0.5 belong to no truth-table row."""


class IncompleteSearchWarning(QCAWarning):
    """A minimization returned before its search was complete.

    Raised by :func:`qca.minimize` when the list of tied models was capped (``max_models``) or
    the time budget ran out (``time_limit``); the message names the setting that would extend
    the search, and the :class:`qca.Solution` says what is proven (``search_status``,
    ``min_size_bounds``, ``search_complete``).
    """
