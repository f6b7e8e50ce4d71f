"""qca: crisp, multi-value and fuzzy-set Qualitative Comparative Analysis.

The semantics follow the R package QCA (Dusa 2019) so that results can be compared with it.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:  # the version of the installed distribution (set in qcasim/__init__.py)
    __version__ = _version("qcasim")
except PackageNotFoundError:  # a source tree on sys.path, not installed: no version to report
    __version__ = "0+unknown"

from . import cases, datasets
from ._validation import public_api as _public_api
from .calibrate import calibrate, find_thresholds
from .cna import CNAError, CNAResult, cna, frscore, identical_model, is_submodel
from .diagnostics import esa, find_rows, row_dominance, simplifying_assumptions
from .exceptions import (
    ExpressionError,
    IncompleteSearchWarning,
    QCAError,
    QcasimError,
    QCAWarning,
)
from .expressions import Expression, Term, evaluate, fuzzy_and, fuzzy_or, parse
from .factorize import factorize
from .fit import pof
from .inference import false_positive_tests, holm
from .minimize import Model, Solution, minimize
from .necessity import SupersetResult, superset
from .retention import retention
from .robustness import RobustnessResult, robustness
from .robustness_ranges import calib_range, incl_range, ncut_range
from .simplify import negate, simplify
from .theory import ModelFit, model_fit
from .truth_table import TruthTable, truth_table

# Every error of the public API is a QcasimError (qca._validation.public_api).
minimize = _public_api(minimize)

__all__ = [
    "QcasimError",
    "datasets",
    "cases",
    "incl_range",
    "ncut_range",
    "calib_range",
    "retention",
    "model_fit",
    "factorize",
    "ModelFit",
    "QCAError",
    "QCAWarning",
    "IncompleteSearchWarning",
    "calibrate",
    "find_thresholds",
    "ExpressionError",
    "Expression",
    "Term",
    "parse",
    "evaluate",
    "negate",
    "simplify",
    "fuzzy_and",
    "fuzzy_or",
    "pof",
    "TruthTable",
    "truth_table",
    "Model",
    "Solution",
    "minimize",
    "superset",
    "SupersetResult",
    "find_rows",
    "esa",
    "row_dominance",
    "simplifying_assumptions",
    "false_positive_tests",
    "holm",
    "robustness",
    "RobustnessResult",
    "cna",
    "CNAResult",
    "CNAError",
    "frscore",
    "is_submodel",
    "identical_model",
]
