"""Robustness of a QCA solution to calibration anchors, inclusion and frequency cut-offs.

Following Oana & Schneider's (2024) robustness test protocol, an *initial solution* (IS) is
compared with a *test set* (TS) of solutions obtained under other plausible analytic choices
(here: other ``incl_cut`` values, other ``n_cut`` values, other calibrations of the data).
With ``S(x)`` the membership of case x in a solution (the fuzzy union of its terms):

* ``minTS`` = intersection (minimum) of all TS solutions, ``maxTS`` = their union (maximum);
* the *robust core* ``RC = IS * minTS`` (the part of the initial solution that every test
  solution shares);
* ``RF_cov  = covS(RC) / covS(IS)`` - share of the initial solution's coverage kept by the core;
* ``RF_cons = inclS(IS) / inclS(RC)`` - the initial solution's consistency relative to the
  core's (values close to 1: the initial solution is as consistent as its robust part);
* ``RF_SC_minTS = sum(min(IS, minTS)) / sum(max(IS, minTS))`` and
  ``RF_SC_maxTS = sum(min(IS, maxTS)) / sum(max(IS, maxTS))`` - set coincidence of the initial
  solution with the smallest and the largest test solution.

All five are 1 for a perfectly robust solution. In addition, :class:`RobustnessResult` lists
which terms of the initial solution are kept by every test solution (``robust_terms``: the
term, or a shorter term it implies, is in each test model) and which terms each run has. When
a truth-table has several tied models, the first (``Solution.models[0]``) is used, as
SetMethods does. A test run whose truth table has no positive row contributes an empty
solution (membership 0 everywhere).

References
----------
Oana, I.-E., & Schneider, C. Q. (2024). A robustness test protocol for applied QCA: theory and
R software application. *Sociological Methods & Research* 53(1), 57-88.
Skaaning, S.-E. (2011). Assessing the robustness of crisp-set and fuzzy-set QCA results.
*Sociological Methods & Research* 40(2), 391-408.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._display import Report, Table
from .exceptions import QCAError, QCAWarning
from .fit import sufficiency
from .minimize import Solution, minimize
from .truth_table import TOLERANCE, truth_table

__all__ = [
    "robustness",
    "robustness_fit",
    "RobustnessResult",
    "solution_membership",
    "incl_range",
    "ncut_range",
    "calib_range",
    "retention",
]

Calibration = Callable[[pd.DataFrame], pd.DataFrame] | pd.DataFrame


@dataclass(frozen=True)
class RobustnessResult:
    """Result of :func:`robustness`.

    Attributes
    ----------
    fit : dict
        RF_cov, RF_cons, RF_SC_minTS, RF_SC_maxTS (Oana & Schneider 2024).
    runs : DataFrame
        One row per run (the initial one first): its settings, model, inclS, covS and its set
        coincidence with the initial solution (``SC_IS``).
    terms : DataFrame
        Boolean, terms (rows) x runs (columns): is the term in the run's model.
    robust_terms : tuple of str
        Terms of the initial model that, in every test run, imply a term of the run's model
        (the term itself or a shorter one, e.g. ``URB*STB`` implies ``URB``).
    memberships : DataFrame
        Per case: IS, minTS, maxTS and RC memberships.
    """

    fit: dict[str, float]
    runs: pd.DataFrame
    terms: pd.DataFrame = field(repr=False)
    robust_terms: tuple[str, ...]
    memberships: pd.DataFrame = field(repr=False)
    initial: Solution | None = field(default=None, repr=False)

    def summary(self) -> Report:
        """Robustness parameters, robust terms and every run, as one report."""
        fit = pd.DataFrame({"value": list(self.fit.values())}, index=list(self.fit))
        runs = self.runs.copy()
        return Report(
            "Robustness of the initial solution (Oana & Schneider 2024)",
            (("robust terms", ", ".join(self.robust_terms) or "(none)"),),
            (Table(fit), Table(runs)),
        )

    def to_frame(self) -> pd.DataFrame:
        """Tidy table of the runs (one row per run, the initial one first)."""
        return self.runs.reset_index()

    def __str__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def solution_membership(sol: Solution | None, n_cases: int, model: int = 0) -> np.ndarray:
    """Membership of each case in a model of a solution (fuzzy union of its terms).

    ``None`` (no solution) gives zeros.
    """
    if sol is None or not sol.models:
        return np.zeros(n_cases)
    return sol.models[model].membership().to_numpy()


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b > 0 else float("nan")


def robustness_fit(initial: np.ndarray, tests: Sequence[np.ndarray], y: np.ndarray) -> dict[str, float]:
    """Oana & Schneider's (2024) fit-oriented robustness parameters from memberships.

    Parameters
    ----------
    initial : array (n_cases,)
        Membership in the initial solution.
    tests : sequence of arrays (n_cases,)
        Memberships in each test solution.
    y : array (n_cases,)
        Outcome membership.

    Returns
    -------
    dict
        RF_cov, RF_cons, RF_SC_minTS, RF_SC_maxTS.

    References
    ----------
    Oana, I.-E., & Schneider, C. Q. (2024). A robustness test protocol for applied QCA.
    *Sociological Methods & Research* 53(1), 57-88.
    """
    initial = np.asarray(initial, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(tests) == 0:
        raise QCAError("robustness needs at least one test solution (incl_cuts, n_cuts or calibrations)")
    ts = np.vstack([np.asarray(t, dtype=float) for t in tests])
    if ts.shape[1] != initial.size or y.size != initial.size:
        raise QCAError("initial, test and outcome memberships must have the same number of cases")
    min_ts = ts.min(axis=0)
    max_ts = ts.max(axis=0)
    core = np.minimum(initial, min_ts)
    fit_is = sufficiency(initial, y)
    fit_rc = sufficiency(core, y)
    return {
        "RF_cov": _ratio(float(fit_rc["covS"]), float(fit_is["covS"])),
        "RF_cons": _ratio(float(fit_is["inclS"]), float(fit_rc["inclS"])),
        "RF_SC_minTS": _ratio(np.minimum(initial, min_ts).sum(), np.maximum(initial, min_ts).sum()),
        "RF_SC_maxTS": _ratio(np.minimum(initial, max_ts).sum(), np.maximum(initial, max_ts).sum()),
    }


def _solve(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None,
    incl_cut: float | Sequence[float],
    n_cut: int,
    pri_cut: float,
    include: str,
) -> tuple[Solution | None, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QCAWarning)
        tt = truth_table(data, outcome, conditions, incl_cut=incl_cut, n_cut=n_cut, pri_cut=pri_cut)
        if not (tt.rows["OUT"] == "1").any():
            return None, "no positive row"
        sol = minimize(tt, include=include)
    return sol, ""


def _term_key(term: str) -> frozenset[str]:
    return frozenset(t.strip() for t in term.split("*"))


def robustness(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | str | None = None,
    incl_cut: float = 0.8,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    include: str = "?",
    incl_cuts: Sequence[float] = (),
    n_cuts: Sequence[int] = (),
    calibrations: Sequence[Calibration] | Mapping[str, Calibration] = (),
    raw_data: pd.DataFrame | None = None,
    grid: bool = False,
) -> RobustnessResult:
    """Re-run the analysis under alternative choices and measure how robust the solution is.

    Parameters
    ----------
    data : DataFrame
        Calibrated data of the initial analysis (conditions and outcome).
    outcome, conditions, incl_cut, n_cut, pri_cut, include
        Settings of the initial analysis (see :func:`qca.truth_table` and :func:`qca.minimize`).
    incl_cuts : sequence of float
        Alternative inclusion cut-offs.
    n_cuts : sequence of int
        Alternative frequency cut-offs.
    calibrations : sequence or mapping of callables or DataFrames
        Alternative calibrations: a DataFrame of calibrated data (same cases), or a callable
        that returns one from ``raw_data`` (or from ``data`` when ``raw_data`` is None). A
        mapping gives the runs names.
    raw_data : DataFrame, optional
        Uncalibrated data passed to calibration callables.
    grid : bool
        False (default): vary one choice at a time, keeping the others at the initial values.
        True: every combination of (incl_cut or alternatives) x (n_cut or alternatives) x
        (initial data or alternative calibrations), except the initial one.

    Returns
    -------
    RobustnessResult

    Raises
    ------
    QCAError
        No alternative given, the initial analysis has no positive row, or a calibration
        returns data with other cases.

    References
    ----------
    Oana, I.-E., & Schneider, C. Q. (2024). A robustness test protocol for applied QCA: theory
    and R software application. *Sociological Methods & Research* 53(1), 57-88.
    """
    if not isinstance(data, pd.DataFrame):
        raise QCAError(f"data must be a pandas DataFrame; got {type(data).__name__}")
    if isinstance(calibrations, Mapping):
        cal_items = [(str(k), v) for k, v in calibrations.items()]
    else:
        cal_items = [(f"calibration {i + 1}", v) for i, v in enumerate(calibrations)]
    datasets: list[tuple[str, pd.DataFrame]] = []
    for name, cal in cal_items:
        if isinstance(cal, pd.DataFrame):
            d = cal
        elif callable(cal):
            d = cal(raw_data if raw_data is not None else data)
            if not isinstance(d, pd.DataFrame):
                raise QCAError(f"calibration {name!r} must return a DataFrame; got {type(d).__name__}")
        else:
            raise QCAError(
                f"calibration {name!r} must be a DataFrame or a callable; got {type(cal).__name__}"
            )
        if d.shape[0] != data.shape[0] or not d.index.equals(data.index):
            raise QCAError(f"calibration {name!r} must keep the cases (index) of data")
        datasets.append((name, d))
    if not (len(incl_cuts) or len(n_cuts) or datasets):
        raise QCAError("robustness needs alternatives: give incl_cuts, n_cuts or calibrations")

    initial, note = _solve(data, outcome, conditions, incl_cut, n_cut, pri_cut, include)
    if initial is None:
        raise QCAError(f"the initial analysis has no solution ({note}); lower incl_cut or n_cut")
    y = np.asarray(initial.truth_table.outcome_membership, dtype=float)
    n_cases = y.size

    settings: list[tuple[str, float, int, str, pd.DataFrame]] = []
    if grid:
        ics = list(dict.fromkeys([incl_cut, *incl_cuts]))
        ncs = list(dict.fromkeys([n_cut, *n_cuts]))
        ds = [("initial", data), *datasets]
        for ic, nc, (dn, d) in itertools.product(ics, ncs, ds):
            if ic == incl_cut and nc == n_cut and dn == "initial":
                continue
            settings.append((f"incl {ic:g}, n {nc}, {dn}", ic, nc, dn, d))
    else:
        settings += [(f"incl_cut {ic:g}", ic, n_cut, "initial", data) for ic in incl_cuts]
        settings += [(f"n_cut {nc}", incl_cut, nc, "initial", data) for nc in n_cuts]
        settings += [(dn, incl_cut, n_cut, dn, d) for dn, d in datasets]

    is_memb = solution_membership(initial, n_cases)
    run_rows = [{
        "run": "initial", "incl_cut": incl_cut, "n_cut": n_cut, "data": "initial",
        "model": str(initial.models[0]), "inclS": initial.models[0].fit["inclS"],
        "covS": initial.models[0].fit["covS"], "SC_IS": 1.0, "note": "",
    }]
    models_terms = {"initial": list(initial.models[0].terms)}
    test_memb = []
    for label, ic, nc, dn, d in settings:
        sol, note = _solve(d, outcome, conditions, ic, nc, pri_cut, include)
        memb = solution_membership(sol, n_cases)
        test_memb.append(memb)
        fit = sufficiency(memb, y)
        run_rows.append({
            "run": label, "incl_cut": ic, "n_cut": nc, "data": dn,
            "model": str(sol.models[0]) if sol is not None else "",
            "inclS": float(fit["inclS"]), "covS": float(fit["covS"]),
            "SC_IS": _ratio(np.minimum(is_memb, memb).sum(), np.maximum(is_memb, memb).sum()),
            "note": note,
        })
        models_terms[label] = list(sol.models[0].terms) if sol is not None else []

    rf = robustness_fit(is_memb, test_memb, y)
    all_terms: dict[frozenset[str], str] = {}
    for terms in models_terms.values():
        for t in terms:
            all_terms.setdefault(_term_key(t), t)
    presence = {
        run: [key in {_term_key(t) for t in terms} for key in all_terms]
        for run, terms in models_terms.items()
    }
    table = pd.DataFrame(presence, index=pd.Index(list(all_terms.values()), name="term"))
    # A term of the initial model is robust when, in every test run, it implies (is a subset
    # of) a term of the run's model: its literals include all literals of that term.
    robust = tuple(
        t for t in initial.models[0].terms
        if all(
            any(_term_key(u) <= _term_key(t) for u in terms)
            for run, terms in models_terms.items() if run != "initial"
        )
    )
    min_ts = np.vstack(test_memb).min(axis=0)
    max_ts = np.vstack(test_memb).max(axis=0)
    memberships = pd.DataFrame(
        {"IS": is_memb, "minTS": min_ts, "maxTS": max_ts, "RC": np.minimum(is_memb, min_ts)},
        index=data.index,
    )
    return RobustnessResult(
        fit=rf,
        runs=pd.DataFrame(run_rows).set_index("run"),
        terms=table,
        robust_terms=robust,
        memberships=memberships,
        initial=initial,
    )


# --------------------------------------------------------------------------------------------
# ranges of a choice over which the solution stays the same (SetMethods' rob.*range)
# --------------------------------------------------------------------------------------------

_RANGE_COLUMNS = ["parameter", "initial", "lower", "upper", "lower_stop", "upper_stop"]


def _solution_key(sol: Solution | None) -> frozenset | None:
    """The tied models as sets of terms (each a set of literals): order carries no meaning."""
    if sol is None:
        return None
    return frozenset(frozenset(_term_key(t) for t in m.terms) for m in sol.models)


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
    type: str = "fuzzy",
    incl_cut: float | Sequence[float] = 0.8,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    include: str = "?",
    step: float = 1.0,
    max_runs: int = 20,
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

    Returns
    -------
    DataFrame
        One row per anchor (``parameter`` "e", "c", "i", or "threshold 1", ...) with the
        columns of :func:`incl_range`; the stop "invalid value" means the next value would
        break the order of the anchors.

    Notes
    -----
    Where we differ from SetMethods: an anchor is never moved past its neighbours (SetMethods
    lets, e.g., the crossover fall below the exclusion anchor), and the initial solution is the
    one of ``data`` as given.
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


# --------------------------------------------------------------------------------------------
# retention: probability of keeping the solution under case deletion or data corruption
# --------------------------------------------------------------------------------------------

#: Largest number of perturbation patterns :func:`retention` enumerates exactly.
MAX_PATTERNS = 200_000


def _crisp_arrays(data: pd.DataFrame, outcome: str, conditions: Sequence[str] | str | None) -> tuple:
    from .truth_table import outcome_and_conditions

    data, conds, y = outcome_and_conditions(data, outcome, conditions)
    x = data[conds].to_numpy(dtype=float)
    if not (np.isin(x, (0.0, 1.0)).all() and np.isin(y, (0.0, 1.0)).all()):
        raise QCAError("retention needs bivalent crisp data: conditions and outcome coded 0 / 1")
    return x.astype(np.int64), y.astype(np.int64), conds


def _row_code(pos: int, neg: int, ic1: float, ic0: float, n_cut: int) -> str:
    n = pos + neg
    if n < n_cut or n == 0:
        return "?"
    incl = pos / n
    if incl + TOLERANCE >= ic1:
        return "1"
    return "C" if incl + TOLERANCE >= ic0 else "0"


def retention(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | str | None = None,
    incl_cut: float | Sequence[float] = 1.0,
    n_cut: int = 1,
    include: str | None = None,
    type: str = "deletion",
    dependent: bool = True,
    p_pert: float = 0.5,
    n_pert: int = 1,
    n_sim: int = 2000,
    seed: int | None = None,
) -> float:
    """Probability that the solution is retained when cases are deleted or values corrupted.

    After Thiem, Spöhel & Dusa (2016) and R's ``retention()``, for bivalent crisp data: the
    solution (the set of tied models for ``include``, terms compared as sets of literals) is
    recomputed under every perturbation and the probability of getting the same one is
    returned.

    Parameters
    ----------
    data, outcome, conditions, incl_cut, n_cut, include
        The analysis (see :func:`qca.truth_table` and :func:`qca.minimize`).
    type : {"deletion", "corruption"}
        Delete whole cases, or flip condition values (0 <-> 1).
    dependent : bool
        True: the dependent perturbations assumption (DPA), exactly ``n_pert`` cases deleted
        or ``n_pert`` condition values flipped, every choice equally likely. False: the
        independent assumption (IPA), each case deleted / each value flipped independently
        with probability ``p_pert``.
    n_sim, seed
        Corruption under IPA only: the probability is estimated from ``n_sim`` simulated data
        sets drawn with ``numpy.random.default_rng(seed)`` (standard error at most
        ``0.5 / sqrt(n_sim)``); ``seed`` is required there.

    Returns
    -------
    float

    Notes
    -----
    Deletion (DPA and IPA) is exact: the truth table only depends on how many positive and
    negative cases each configuration keeps, so the probability is summed over those counts
    row by row (the combinatorial approach of Thiem et al. 2016). Corruption under DPA is exact
    by enumerating the ``C(N k, n_pert)`` sets of flipped values (at most
    :data:`MAX_PATTERNS`). R's ``retention`` in QCA 3.25 fails with "'combint' is not an
    exported object", so these values are not compared with R; the tests check them against
    brute-force enumeration.

    References
    ----------
    Thiem, A., Spöhel, R., & Dusa, A. (2016). Enhancing sensitivity diagnostics for
    qualitative comparative analysis: a combinatorial approach. *Political Analysis* 24(1),
    104-120.
    """
    from math import comb

    from ._validation import check_cut
    from .truth_table import truth_table_from_arrays

    if type not in ("deletion", "corruption"):
        raise QCAError(f'type must be "deletion" or "corruption"; got {type!r}')
    if not 0.0 <= float(p_pert) <= 1.0:
        raise QCAError(f"p_pert must be a probability in [0, 1]; got {p_pert!r}")
    if isinstance(n_pert, bool) or not isinstance(n_pert, int) or n_pert < 0:
        raise QCAError(f"n_pert must be a whole number >= 0; got {n_pert!r}")
    x, y, conds = _crisp_arrays(data, outcome, conditions)
    ic1, ic0 = check_cut(incl_cut)
    n_cases, k = x.shape

    def key_of(xs: np.ndarray, ys: np.ndarray) -> frozenset | None:
        if xs.shape[0] == 0:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", QCAWarning)
            tt = truth_table_from_arrays(xs, ys, conds, incl_cut=(ic1, ic0), n_cut=n_cut)
            if not (tt.out_codes == "1").any():
                return None
            return _solution_key(minimize(tt, include=include))

    base = key_of(x, y)
    if base is None:
        raise QCAError("the analysis has no solution (no positive row); lower incl_cut or n_cut")

    if type == "deletion":
        return _deletion_retention(x, y, conds, base, ic1, ic0, n_cut, include, dependent, p_pert, n_pert)

    cells = n_cases * k
    if dependent:
        if n_pert == 0:
            return 1.0
        total = comb(cells, n_pert)
        if total > MAX_PATTERNS:
            raise QCAError(
                f"corruption with n_pert={n_pert} has {total} patterns (more than {MAX_PATTERNS}); "
                "use dependent=False"
            )
        same = 0
        for flip in itertools.combinations(range(cells), n_pert):
            xs = x.copy().ravel()
            xs[list(flip)] = 1 - xs[list(flip)]
            same += key_of(xs.reshape(n_cases, k), y) == base
        return same / total
    if seed is None:
        raise QCAError("corruption under IPA is simulated: give seed= (an integer) for reproducibility")
    rng = np.random.default_rng(seed)
    same = 0
    for _ in range(int(n_sim)):
        flips = rng.random((n_cases, k)) < p_pert
        same += key_of(np.where(flips, 1 - x, x), y) == base
    return same / int(n_sim)


def _deletion_retention(
    x: np.ndarray, y: np.ndarray, conds: list[str], base: frozenset, ic1: float, ic0: float,
    n_cut: int, include: str | None, dependent: bool, p_pert: float, n_pert: int,
) -> float:
    """Exact retention under case deletion, summed over the counts each row keeps."""
    from math import comb

    from .truth_table import row_numbers, truth_table_from_arrays

    levels = [2] * len(conds)
    rows = row_numbers(x, levels)
    observed = np.unique(rows)
    pos = np.array([int(((rows == r) & (y == 1)).sum()) for r in observed])
    neg = np.array([int(((rows == r) & (y == 0)).sum()) for r in observed])
    n_cases = int(pos.sum() + neg.sum())
    if dependent and n_pert > n_cases:
        raise QCAError(f"n_pert ({n_pert}) exceeds the number of cases ({n_cases})")

    # per row: {(deleted, code): weight}; DPA weights count the ways, IPA weights are probabilities
    states: dict[tuple[str, ...], np.ndarray | float] = {(): np.array([1.0]) if dependent else 1.0}
    for a, b in zip(pos, neg):
        options: dict[tuple[int, str], float] = {}
        for da in range(a + 1):
            for db in range(b + 1):
                d = da + db
                if dependent and d > n_pert:
                    continue
                ways = comb(int(a), da) * comb(int(b), db)
                w = float(ways) if dependent else ways * p_pert**d * (1 - p_pert) ** (a + b - d)
                code = _row_code(int(a - da), int(b - db), ic1, ic0, n_cut)
                options[(d, code)] = options.get((d, code), 0.0) + w
        new: dict[tuple[str, ...], np.ndarray | float] = {}
        for codes, weight in states.items():
            for (d, code), w in options.items():
                key = (*codes, code)
                if dependent:
                    arr = np.zeros(n_pert + 1)
                    prev = np.asarray(weight)
                    arr[d : d + prev.size] = prev[: n_pert + 1 - d] * w
                    new[key] = new.get(key, np.zeros(n_pert + 1)) + arr
                else:
                    new[key] = float(new.get(key, 0.0)) + float(weight) * w
        states = new
        if len(states) > MAX_PATTERNS:
            raise QCAError(f"more than {MAX_PATTERNS} truth-table patterns to evaluate")

    # one representative case per observed row: recode its OUT to each pattern's code
    reps = np.array([int(np.flatnonzero(rows == r)[0]) for r in observed])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QCAWarning)
        template = truth_table_from_arrays(x[reps], y[reps], conds, incl_cut=1.0)
    order = np.searchsorted(template.row_ids, observed)
    kept = 0.0
    total = 0.0
    for codes, weight in states.items():
        w = float(np.asarray(weight)[n_pert]) if dependent else float(weight)
        if w == 0.0:
            continue
        total += w
        out = template.out_codes.copy()
        out[order] = np.asarray(codes, dtype=object)
        if not (out == "1").any():
            continue
        tt = dataclasses.replace(template, out_codes=out)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", QCAWarning)
            if _solution_key(minimize(tt, include=include)) == base:
                kept += w
    if dependent:
        return kept / comb(n_cases, n_pert)
    return kept / total if total else float("nan")
