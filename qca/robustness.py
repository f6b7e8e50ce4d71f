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

import itertools
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias, overload

import numpy as np
import pandas as pd

from ._display import Report, Table
from .exceptions import QCAError, QCAWarning
from .fit import sufficiency
from .minimize import Solution, minimize
from .truth_table import truth_table

__all__ = [
    "robustness",
    "robustness_fit",
    "RobustnessResult",
    "solution_membership",
]

Calibration: TypeAlias = Callable[[pd.DataFrame], pd.DataFrame] | pd.DataFrame


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


@overload
def _solution_key(sol: Solution) -> frozenset: ...
@overload
def _solution_key(sol: None) -> None: ...
def _solution_key(sol: Solution | None) -> frozenset | None:
    """The tied models as sets of terms (each a set of literals): order carries no meaning."""
    if sol is None:
        return None
    return frozenset(frozenset(_term_key(t) for t in m.terms) for m in sol.models)


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
