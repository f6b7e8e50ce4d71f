"""Ranges of an analytic choice over which a QCA solution stays the same.

SetMethods' ``rob.inclrange``, ``rob.ncutrange`` and ``rob.calibrange`` (Oana & Schneider 2024):
walk the inclusion cut-off, the frequency cut-off or a calibration anchor down and up by a step
until the solution changes. The robust core and fit of a solution over a test set of such
choices are in :mod:`qca.robustness`.

References
----------
Oana, I.-E., & Schneider, C. Q. (2024). A robustness test protocol for applied QCA: theory and
R software application. *Sociological Methods & Research* 53(1), 57-88.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from .exceptions import QCAError
from .robustness import _solution_key, _solve, _term_key

__all__ = ["incl_range", "ncut_range", "calib_range"]

_RANGE_COLUMNS = ["parameter", "initial", "lower", "upper", "lower_stop", "upper_stop"]


def _scan(
    initial: float, step: float, max_runs: int, same: Callable[[float], bool | None],
    lo: float = -np.inf, hi: float = np.inf,
) -> tuple[float, float, str, str]:
    """Walk down and up from ``initial`` by ``step`` while ``same(value)`` holds.

    ``same`` returns True (same solution), False (changed) or None (the value is not a valid
    choice, e.g. anchors out of order). Returns (lower, upper, lower_stop, upper_stop), the
    stops being "solution changes", "invalid value", "bound" or "max_runs".
    """
    out: list[float | str] = []
    for direction in (-1, 1):
        last, stop = initial, "max_runs"
        for k in range(1, max_runs + 1):
            value = round(initial + direction * k * step, 10)
            if value < lo or value > hi:
                stop = "bound"
                break
            verdict = same(value)
            if verdict is None:
                stop = "invalid value"
                break
            if not verdict:
                stop = "solution changes"
                break
            last = value
        out += [last, stop]
    lower, lower_stop, upper, upper_stop = out
    return float(lower), float(upper), str(lower_stop), str(upper_stop)


def _check_step(step: object, max_runs: object) -> tuple[float, int]:
    if isinstance(step, bool) or not isinstance(step, int | float) or not step > 0:
        raise QCAError(f"step must be a positive number; got {step!r}")
    if isinstance(max_runs, bool) or not isinstance(max_runs, int) or max_runs < 1:
        raise QCAError(f"max_runs must be a whole number >= 1; got {max_runs!r}")
    return float(step), int(max_runs)


def _initial_key(data, outcome, conditions, incl_cut, n_cut, pri_cut, include) -> frozenset:
    sol, note = _solve(data, outcome, conditions, incl_cut, n_cut, pri_cut, include)
    if sol is None:
        raise QCAError(f"the initial analysis has no solution ({note}); lower incl_cut or n_cut")
    return _solution_key(sol)


def incl_range(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | str | None = None,
    incl_cut: float = 0.8,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    include: str = "?",
    step: float = 0.01,
    max_runs: int = 40,
) -> pd.DataFrame:
    """Range of the inclusion cut-off over which the solution stays the same.

    As SetMethods' ``rob.inclrange`` (Oana & Schneider 2024): ``incl_cut`` is lowered and
    raised by ``step`` (at most ``max_runs`` times each way, within [0, 1]) until the solution
    changes; ``lower`` and ``upper`` are the furthest values that give the same solution.
    "The same" means the same set of tied models (terms compared as sets of literals).

    Returns
    -------
    DataFrame
        One row: parameter, initial, lower, upper, and why each walk stopped
        (``lower_stop`` / ``upper_stop``: "solution changes", "bound" or "max_runs").

    Notes
    -----
    Where SetMethods reports NA because no change was met within ``max_runs``, we report the
    furthest value tried with the stop "max_runs".
    """
    step, max_runs = _check_step(step, max_runs)
    if isinstance(incl_cut, Sequence):
        raise QCAError("incl_range varies one inclusion cut-off; give incl_cut as a single number")
    key = _initial_key(data, outcome, conditions, incl_cut, n_cut, pri_cut, include)

    def same(ic: float) -> bool:
        sol, _ = _solve(data, outcome, conditions, ic, n_cut, pri_cut, include)
        return _solution_key(sol) == key

    lower, upper, ls, us = _scan(float(incl_cut), step, max_runs, same, 0.0, 1.0)
    return pd.DataFrame([["incl_cut", float(incl_cut), lower, upper, ls, us]], columns=_RANGE_COLUMNS)


def ncut_range(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | str | None = None,
    incl_cut: float | Sequence[float] = 0.8,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    include: str = "?",
    step: int = 1,
    max_runs: int = 20,
) -> pd.DataFrame:
    """Range of the frequency cut-off over which the solution stays the same.

    As SetMethods' ``rob.ncutrange``: ``n_cut`` is lowered (down to 1) and raised by ``step``
    until the solution changes (a truth table without positive rows counts as a change).
    Same columns as :func:`incl_range`.
    """
    if isinstance(step, bool) or not isinstance(step, int):
        raise QCAError(f"step must be a whole number for n_cut; got {step!r}")
    step_f, max_runs = _check_step(step, max_runs)
    key = _initial_key(data, outcome, conditions, incl_cut, n_cut, pri_cut, include)

    def same(nc: float) -> bool:
        sol, _ = _solve(data, outcome, conditions, incl_cut, int(nc), pri_cut, include)
        return _solution_key(sol) == key

    lower, upper, ls, us = _scan(float(n_cut), step_f, max_runs, same, 1.0, float(data.shape[0]))
    return pd.DataFrame([["n_cut", n_cut, int(lower), int(upper), ls, us]], columns=_RANGE_COLUMNS)


def calib_range(
    raw_data: pd.DataFrame,
    data: pd.DataFrame,
    condition: str,
    thresholds: Sequence[float],
    outcome: str,
    conditions: Sequence[str] | str | None = None,
    raw_condition: str | None = None,
    type: Literal["fuzzy", "crisp"] = "fuzzy",
    incl_cut: float | Sequence[float] = 0.8,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    include: str = "?",
    step: float = 1.0,
    max_runs: int = 20,
    convention: str = "qcasim",
    **calibrate_kw: Any,
) -> pd.DataFrame:
    """Range of each calibration anchor of one condition over which the solution stays the same.

    As SetMethods' ``rob.calibrange``: each anchor (the others fixed) is moved down and up by
    ``step`` (at most ``max_runs`` times); the condition is recalibrated from ``raw_data`` with
    :func:`qca.calibrate` (``type``, ``**calibrate_kw`` such as ``idm``) and the analysis is
    rerun on ``data`` with that column replaced.

    Parameters
    ----------
    raw_data : DataFrame
        Raw values, same cases as ``data``.
    data : DataFrame
        Calibrated data of the initial analysis.
    condition : str
        Column of ``data`` to recalibrate; ``raw_condition`` names its raw column (default
        the same name).
    thresholds : sequence of float
        The initial anchors: ``(e, c, i)`` for a fuzzy set, cut points for a crisp one.
    convention : {"qcasim", "setmethods"}
        "qcasim" (default): the rules below. "setmethods": reproduce SetMethods 4.0's
        ``rob.calibrange`` output exactly (see Notes).

    Returns
    -------
    DataFrame
        One row per anchor (``parameter`` "e", "c", "i", or "threshold 1", ...) with the
        columns of :func:`incl_range`; the stop "invalid value" means the next value would
        break the order of the anchors.

    Notes
    -----
    Where we differ from SetMethods by default: an anchor is never moved past its neighbours
    (SetMethods lets, e.g., the inclusion anchor reach the crossover, which R's logistic
    calibration accepts without a check), the initial solution is the one of ``data`` as given,
    "the same solution" means the same set of tied models, a walk that meets no change within
    ``max_runs`` reports the furthest value tried (SetMethods: NA), and the bounds are the
    furthest values that kept the solution.

    ``convention="setmethods"`` follows ``rob.calibrange`` (SetMethods 4.0, read from its
    source; checked against its answers on R's LF/LR data): the initial solution is recomputed
    from ``raw_data`` at ``thresholds``; "the same" compares the first model's terms only; the
    fuzzy set is recalibrated with R's logistic formula (``QCA::calibrate`` 3.25, default
    ``idm = 0.95``), which checks no anchor order; a walk stops when the solution changes, when
    R's ``minimize`` would fail (no positive row: stop "no solution"), when the crossover (or
    crisp threshold) passes the range of the raw values (stop "raw range"), or after
    ``max_runs`` steps, whose bound is NaN (SetMethods' NA) whatever the last run gave; the
    reported bound is one step back from where the walk stopped. A crisp calibration takes one
    threshold (SetMethods moves all thresholds together, which R 4.2 rejects for several).
    """
    from .calibrate import calibrate

    step, max_runs = _check_step(step, max_runs)
    raw_col = raw_condition or condition
    if raw_col not in raw_data.columns:
        raise QCAError(f"raw_data has no column {raw_col!r}")
    if condition not in data.columns:
        raise QCAError(f"data has no column {condition!r}")
    if not raw_data.index.equals(data.index):
        raise QCAError("raw_data and data must have the same cases (index)")
    if convention == "setmethods":
        return _calib_range_setmethods(
            raw_data, data, condition, thresholds, outcome, conditions, raw_condition, type,
            incl_cut, n_cut, pri_cut, include, step, max_runs, calibrate_kw,
        )
    if convention != "qcasim":
        raise QCAError(f'convention must be "qcasim" or "setmethods"; got {convention!r}')
    base = [float(t) for t in thresholds]
    if type == "fuzzy" and len(base) != 3:
        raise QCAError(f"calib_range varies 3 fuzzy anchors (e, c, i); got {len(base)}")
    names = ["e", "c", "i"] if type == "fuzzy" else [f"threshold {k + 1}" for k in range(len(base))]
    key = _initial_key(data, outcome, conditions, incl_cut, n_cut, pri_cut, include)

    def valid(anchors: list[float]) -> bool:
        if type == "fuzzy":
            e, c, i = anchors
            return e < c < i or i < c < e
        return all(b > a for a, b in zip(anchors, anchors[1:]))

    rows = []
    for pos, name in enumerate(names):

        def same(value: float, pos: int = pos) -> bool | None:
            anchors = list(base)
            anchors[pos] = value
            if not valid(anchors):
                return None
            trial = data.copy()
            trial[condition] = np.asarray(
                calibrate(raw_data[raw_col], type, thresholds=anchors, **calibrate_kw), dtype=float
            )
            sol, _ = _solve(trial, outcome, conditions, incl_cut, n_cut, pri_cut, include)
            return _solution_key(sol) == key

        lower, upper, ls, us = _scan(base[pos], step, max_runs, same)
        rows.append([name, base[pos], lower, upper, ls, us])
    return pd.DataFrame(rows, columns=_RANGE_COLUMNS)


def _r_logistic(x: np.ndarray, anchors: Sequence[float], idm: float) -> np.ndarray:
    """R's ``QCA::calibrate(type = "fuzzy")`` logistic branch, which checks no anchor order.

    Above the crossover the log-odds scale is set by the inclusion anchor, below it by the
    exclusion anchor; a decreasing set (first anchor above the third) is the complement. Degenerate
    anchors give what R's arithmetic gives (an inclusion anchor equal to the crossover puts every
    case above it at 1). Memberships below 1e-4 become 0 and above 0.9999 become 1, as in R.
    """
    e, c, i = (float(a) for a in anchors)
    decreasing = e > i
    if decreasing:
        e, i = i, e
    below = x < c
    scale = np.where(below, e, i) - c
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = np.where(below, 1.0, -1.0) * (x - c) * np.log(idm / (1 - idm)) / scale
        fs = 1.0 / (1.0 + np.exp(z))
    if decreasing:
        fs = 1.0 - fs
    fs = np.where(fs < 0.0001, 0.0, np.where(fs > 0.9999, 1.0, fs))
    return fs


def _calib_range_setmethods(
    raw_data, data, condition, thresholds, outcome, conditions, raw_condition, type,
    incl_cut, n_cut, pri_cut, include, step, max_runs, calibrate_kw,
) -> pd.DataFrame:
    """:func:`calib_range` under ``convention="setmethods"`` (see its Notes); the arguments
    are checked by :func:`calib_range`."""
    from .calibrate import calibrate

    raw_col = raw_condition or condition
    base = [float(t) for t in thresholds]
    raw = np.asarray(raw_data[raw_col], dtype=float)
    if type == "fuzzy":
        if len(base) != 3:
            raise QCAError(f"calib_range varies 3 fuzzy anchors (e, c, i); got {len(base)}")
        extra = set(calibrate_kw) - {"idm"}
        if extra:
            raise QCAError(f'convention="setmethods" reproduces R\'s default logistic calibration; '
                           f"it takes no {sorted(extra)}")
        idm = float(calibrate_kw.get("idm", 0.95))
        names, crossover = ["e", "c", "i"], 1

        def recalibrate(anchors: list[float]) -> np.ndarray:
            return _r_logistic(raw, anchors, idm)
    elif type == "crisp":
        if len(base) != 1:
            raise QCAError('convention="setmethods" takes one crisp threshold (SetMethods moves all '
                           "thresholds together, which R rejects for several)")
        names, crossover = ["threshold 1"], 0

        def recalibrate(anchors: list[float]) -> np.ndarray:
            return np.asarray(calibrate(raw, "crisp", thresholds=anchors, **calibrate_kw), dtype=float)
    else:
        raise QCAError(f'type must be "fuzzy" or "crisp"; got {type!r}')

    def first_model(anchors: list[float]) -> frozenset | None:
        trial = data.copy()
        try:
            # a crisp threshold beyond the raw values: R's calibrate stops rob.calibrange with an
            # error; we end the walk there instead (stop "no solution")
            trial[condition] = recalibrate(anchors)
            sol, _ = _solve(trial, outcome, conditions, incl_cut, n_cut, pri_cut, include)
        except QCAError:  # R's minimize fails; SetMethods catches it and stops the walk
            return None
        if sol is None:
            return None
        return frozenset(_term_key(t) for t in sol.models[0].terms)

    initial = first_model(base)
    if initial is None:
        raise QCAError("the initial analysis has no solution; lower incl_cut or n_cut")
    lo, hi = float(np.nanmin(raw)), float(np.nanmax(raw))
    rows = []
    for pos, name in enumerate(names):
        out: list[float | str] = []
        for direction in (-1, 1):
            bound, stop = np.nan, "max_runs"
            for k in range(1, max_runs + 1):
                value = round(base[pos] + direction * k * step, 10)
                anchors = list(base)
                anchors[pos] = value
                key = first_model(anchors)
                back = round(value - direction * step, 10)
                if key is None:
                    bound, stop = back, "no solution"
                    break
                if k >= max_runs:
                    break
                if pos == crossover and (value >= hi if direction > 0 else value <= lo):
                    bound, stop = back, "raw range"
                    break
                if key != initial:
                    bound, stop = back, "solution changes"
                    break
            out += [bound, stop]
        lower, lower_stop, upper, upper_stop = out
        rows.append([name, base[pos], lower, upper, lower_stop, upper_stop])
    return pd.DataFrame(rows, columns=_RANGE_COLUMNS)
