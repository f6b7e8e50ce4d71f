"""The dual of the linear relaxation of a set-cover chart, solved by HiGHS.

:func:`cover_duals` solves ``min 1'x  s.t.  A x >= 1, x >= 0`` and returns the row duals
(the marginals of the covering constraints, signs as ``scipy.optimize.linprog`` gives them for
``A_ub = -A``). It calls the HiGHS solver that SciPy ships the way ``linprog(method="highs")``
does (same model, same options: dual simplex, presolve on, no output), without
``linprog``'s input parsing, sparse stacking and option checking, which cost ~4x the solve
itself on the small charts of simulation studies (Huangfu & Hall 2018 for HiGHS). The
answer is the same solve, so the duals are bit-identical (checked against ``linprog`` on
random and recorded charts in ``tests/qca/test_lp.py``). Each thread keeps one HiGHS instance,
cleared of the previous model before every solve. SciPy's binding is private API:
when it is missing or differs (another SciPy version), ``linprog`` itself is used.

References
----------
Huangfu, Q., & Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
*Mathematical Programming Computation*, 10(1), 119-142.
"""

from __future__ import annotations

import threading

import numpy as np
from scipy.optimize import linprog

__all__ = ["cover_duals"]


def _binding():
    try:
        import scipy.optimize._highspy._core as core  # type: ignore[import-not-found]

        core.HighsLp, core._Highs, core.HighsOptions, core.MatrixFormat.kColwise  # noqa: B018
        core.simplex_constants.SimplexStrategy.kSimplexStrategyDual  # noqa: B018
        core.HighsModelStatus.kOptimal, core.HighsStatus.kError  # noqa: B018
        core.HighsDebugLevel.kHighsDebugLevelNone, core.kHighsInf  # noqa: B018
    except (ImportError, AttributeError):
        return None
    return core


_CORE = _binding()


def cover_duals(
    indptr: np.ndarray, indices: np.ndarray, n_rows: int, n_cols: int, time_limit: float | None = None
) -> np.ndarray | None:
    """Row duals of the covering LP of a 0/1 chart given column-wise, or None when unsolved.

    Parameters
    ----------
    indptr, indices : int arrays
        The chart (rows x columns) in compressed sparse column form: column ``j`` covers rows
        ``indices[indptr[j]:indptr[j + 1]]``.
    n_rows, n_cols : int
    time_limit : float, optional
        Seconds HiGHS may take.

    Returns
    -------
    float array (n_rows,) or None
        ``linprog(ones, A_ub=-A, b_ub=-ones).ineqlin.marginals`` (non-positive), or None when
        HiGHS did not reach an optimum.
    """
    if _CORE is None or not _USE_BINDING:
        return _duals_by_linprog(indptr, indices, n_rows, n_cols, time_limit)
    core = _CORE
    lp = core.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.format_ = core.MatrixFormat.kColwise
    lp.col_cost_ = np.ones(n_cols)
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.full(n_cols, core.kHighsInf)
    lp.row_lower_ = np.full(n_rows, -core.kHighsInf)
    lp.row_upper_ = -np.ones(n_rows)
    lp.a_matrix_.start_ = np.asarray(indptr, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(indices, dtype=np.int32)
    lp.a_matrix_.value_ = -np.ones(len(indices))
    highs = _solver()
    if highs is None:
        return None
    highs.clearModel()  # no model, basis or solution of an earlier chart: a fresh solve
    highs.setOptionValue("time_limit", np.inf if time_limit is None else float(time_limit))
    if highs.passModel(lp) == core.HighsStatus.kError:
        return None
    if highs.run() == core.HighsStatus.kError or highs.getModelStatus() != core.HighsModelStatus.kOptimal:
        return None
    return np.array(highs.getSolution().row_dual, dtype=float)


_LOCAL = threading.local()


def _solver():
    """This thread's HiGHS instance with linprog's options (made once per thread: a Dask
    worker may run analyses in several threads)."""
    highs = getattr(_LOCAL, "highs", None)
    if highs is None:
        core = _CORE
        highs = core._Highs()
        options = core.HighsOptions()
        # The options linprog(method="highs") sets (the others it leaves at HiGHS's defaults).
        options.presolve = "on"
        options.highs_debug_level = core.HighsDebugLevel.kHighsDebugLevelNone
        options.log_to_console = False
        options.output_flag = False
        options.simplex_strategy = core.simplex_constants.SimplexStrategy.kSimplexStrategyDual
        if highs.passOptions(options) == core.HighsStatus.kError:
            return None
        _LOCAL.highs = highs
    return highs


#: False: always go through ``linprog`` (tests compare the two paths).
_USE_BINDING = True


def _duals_by_linprog(
    indptr: np.ndarray, indices: np.ndarray, n_rows: int, n_cols: int, time_limit: float | None
) -> np.ndarray | None:
    from scipy.sparse import csc_array

    a = csc_array((np.ones(len(indices)), indices, indptr), shape=(n_rows, n_cols))
    options = {} if time_limit is None else {"time_limit": time_limit}
    res = linprog(np.ones(n_cols), A_ub=-a, b_ub=-np.ones(n_rows), bounds=(0, None), options=options)
    if res.status != 0 or res.ineqlin is None:
        return None
    return np.asarray(res.ineqlin.marginals, dtype=float)
