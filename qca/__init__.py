"""qca: crisp, multi-value and fuzzy-set Qualitative Comparative Analysis."""
from .exceptions import ExpressionError, QCAError
from .expressions import Expression, Term, evaluate, fuzzy_and, fuzzy_or, negate, parse

__all__ = ["QCAError", "ExpressionError", "Expression", "Term", "parse", "evaluate", "negate",
           "fuzzy_and", "fuzzy_or"]
__version__ = "0.1.0"
