"""Exceptions raised by qca for bad input or impossible requests."""

__all__ = ["QCAError", "ExpressionError"]


class QCAError(ValueError):
    """Bad input to a QCA function, or an analysis that cannot be carried out.

    Every message names the argument or column at fault, what was found and what is needed.
    """


class ExpressionError(QCAError):
    """A Boolean expression string that cannot be parsed or does not fit the data."""
