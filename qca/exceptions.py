"""Exceptions raised by qca for bad input or impossible requests."""

__all__ = ["QCAError", "ExpressionError", "QCAWarning", "IncompleteSearchWarning"]


class QCAError(ValueError):
    """Bad input to a QCA function, or an analysis that cannot be carried out.

    Every message names the argument or column at fault, what was found and what is needed.
    """


class ExpressionError(QCAError):
    """A Boolean expression string that cannot be parsed or does not fit the data."""


class QCAWarning(UserWarning):
    """Base class of every warning issued by qca."""


class IncompleteSearchWarning(QCAWarning):
    """A minimization returned before its search was complete.

    Raised by :func:`qca.minimize` when the list of tied models was capped (``max_models``) or
    the time budget ran out (``time_limit``); the message names the setting that would extend
    the search, and the :class:`qca.Solution` says what is proven (``search_status``,
    ``min_size_bounds``, ``search_complete``).
    """
