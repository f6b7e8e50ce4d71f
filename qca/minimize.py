"""Boolean minimization of a truth table: conservative, parsimonious and intermediate solutions.

Semantics follow R's QCA ``minimize()`` (Dusa 2019): the positive rows (OUT = "1") must be
covered; negative rows ("0") and contradictions ("C") must not be, unless ``include`` lists
them; logical remainders ("?") are don't-cares with ``include="?"`` (parsimonious solution) and
negative otherwise (conservative, or complex, solution). A model is a disjunction of prime
implicants with the fewest implicants; every tied model is returned.

References
----------
Ragin, C. C. (1987). *The Comparative Method*. University of California Press.
Dusa, A. (2019). *QCA with R: A Comprehensive Resource*, ch. 8. Springer.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from ._display import Report
from ._validation import check_fraction
from .cover import DEFAULT_MAX_MODELS, DEFAULT_MAX_NODES, CoverResult, deadline_from, minimum_covers
from .exceptions import IncompleteSearchWarning, QCAError
from .expressions import Expression, Term
from .fit import disjunction_fit, sufficiency
from .primes import configs_in, covers, find_prime_implicants
from .truth_table import TOLERANCE, TruthTable, row_memberships, row_numbers

__all__ = ["Model", "Solution", "minimize", "cube_terms", "cube_string", "DEFAULT_TIME_LIMIT"]

#: Default time budget of :func:`minimize`, in seconds.
DEFAULT_TIME_LIMIT = 10.0

#: Models printed by ``str(solution)``; every model stays available in ``solution.models``.
PRINTED_MODELS = 20


def cube_string(cube: np.ndarray, conditions: Sequence[str], multivalue: bool) -> str:
    """Write a cube (-1 = free) in QCA notation, conditions in truth-table order."""
    lits = []
    for name, v in zip(conditions, cube):
        if v < 0:
            continue
        if multivalue:
            lits.append(f"{name}[{int(v)}]")
        else:
            lits.append(name if v == 1 else f"~{name}")
    return "*".join(lits) if lits else "1"


def cube_terms(cubes: np.ndarray, conditions: Sequence[str]) -> tuple[Term, ...]:
    conds = tuple(conditions)
    return tuple(_cube_term(tuple(cube), conds) for cube in np.asarray(cubes).tolist())


@lru_cache(maxsize=65536)
def _cube_term(cube: tuple[int, ...], conditions: tuple[str, ...]) -> Term:
    return Term(tuple((c, frozenset({v})) for c, v in zip(conditions, cube) if v >= 0))


@dataclass(frozen=True)
class Model:
    """One minimal model: a disjunction of prime implicants, with its parameters of fit.

    ``str(model)`` is the model's expression (``"DEV*~IND + URB*STB"``), as R writes it;
    :meth:`summary` gives the fit table (also shown by ``_repr_html_`` in Jupyter).

    Attributes
    ----------
    terms : tuple of str
        The implicants, e.g. ``("DEV*~IND", "URB*STB")``.
    cubes : int array (n_terms, n_conditions)
        The same implicants as cubes (-1 = condition absent).
    fit : dict
        inclS, PRI and covS of the model (computed on first use).
    term_fit : DataFrame
        inclS, PRI, covS and covU of each term (computed on first use).
    """

    terms: tuple[str, ...]
    cubes: np.ndarray = field(repr=False)
    truth_table: TruthTable = field(repr=False)

    def __str__(self) -> str:
        return " + ".join(self.terms) if self.terms else "0"

    @property
    def conditions(self) -> tuple[str, ...]:
        return self.truth_table.conditions

    @property
    def expression(self) -> Expression:
        return Expression(cube_terms(self.cubes, self.conditions))

    @property
    def complexity(self) -> int:
        """Number of literals."""
        return int((self.cubes >= 0).sum())

    def term_memberships(self, data: pd.DataFrame | None = None) -> pd.DataFrame:
        """Fuzzy membership of every case in every term: cases x terms.

        Parameters
        ----------
        data : DataFrame, optional
            Cases with (at least) the model's condition columns, crisp, multi-value or fuzzy
            as in the truth table; defaults to the truth table's own cases.

        Returns
        -------
        DataFrame
            One column per term (minimum over its literals, Zadeh's fuzzy AND), indexed by
            the cases.
        """
        from ._solution_report import condition_values

        values, index = condition_values(self.truth_table, data)
        memb = row_memberships(np.asarray(self.cubes, dtype=np.int64), values, self.truth_table.levels)
        return pd.DataFrame(memb.T, index=index, columns=list(self.terms))

    def membership(self, data: pd.DataFrame | None = None) -> pd.Series:
        """Fuzzy membership of each case in the model (maximum over its terms).

        The model's set as a whole: for crisp data 1 where some term holds; for fuzzy data
        ``max_t min_l x_l`` (Ragin 2008, ch. 3), vectorised over cases and terms.

        Parameters
        ----------
        data : DataFrame, optional
            Cases with the model's condition columns; defaults to the truth table's cases.

        Returns
        -------
        Series
            Named after the model, indexed by the cases.

        Examples
        --------
        >>> import pandas as pd
        >>> from qca import truth_table
        >>> d = pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 1, 0, 1], "Y": [0, 1, 1, 1]})
        >>> m = minimize(truth_table(d, "Y")).models[0]
        >>> m.membership().tolist()
        [0.0, 1.0, 1.0, 1.0]
        >>> m.membership(pd.DataFrame({"A": [0.2], "B": [0.7]})).tolist()
        [0.7]
        """
        terms = self.term_memberships(data)
        values = terms.to_numpy().max(axis=1) if terms.shape[1] else np.zeros(terms.shape[0])
        return pd.Series(values, index=terms.index, name=str(self))

    @cached_property
    def _fit(self) -> tuple[dict[str, float], pd.DataFrame]:
        memb = cube_memberships(self.cubes, self.truth_table)
        overall, per = disjunction_fit(memb, self.truth_table.outcome_membership)
        per.index = list(self.terms)
        return overall, per

    @property
    def fit(self) -> dict[str, float]:
        return self._fit[0]

    @property
    def term_fit(self) -> pd.DataFrame:
        return self._fit[1]

    def summary(self, show_cases: bool = True) -> Report:
        """Fit table of the model and its terms as R prints it (with R's ``show.cases``)."""
        from ._solution_report import model_report

        return model_report(self, show_cases=show_cases)

    def to_frame(self) -> pd.DataFrame:
        """Tidy fit table: one row per term and a last row for the model (term ``None``)."""
        from ._solution_report import model_frame

        return model_frame(self)

    def _repr_html_(self) -> str:
        return self.summary().as_html()


@dataclass(frozen=True)
class Solution:
    """Result of :func:`minimize`.

    ``str(solution)`` and :meth:`summary` print it as R does (tied models in one table with
    the implicants common to all models on top and a covU column per model; identical
    intermediate models grouped by the conservative x parsimonious pairs they come from);
    ``_repr_html_`` shows the same in Jupyter; :meth:`to_frame` gives a tidy table.

    Attributes
    ----------
    models : tuple of Model
        Every tied minimal model (R's M1, M2, ...), at most ``max_models``.
    prime_implicants : tuple of str
        The prime implicants that cover at least one positive row.
    pi_chart : DataFrame
        Prime implicants x positive row numbers, True where the implicant covers the row.
    essential : tuple of str
        The prime implicants present in every tied model, as R's ``essential`` (in PI order).
        When the list of models is capped (``complete`` False) only the implicants that alone
        cover some positive row are listed: those are in every model, counted or not.
    n_models : int
        Number of tied models found; equal to ``len(models)`` unless the search was capped.
    complete : bool
        False when ``max_models`` or the search budget cut the list of models short.
    n_models_exact : bool
        False when the search budget ran out before every tied model was counted (then
        ``n_models`` is a lower bound).
    model_sources : tuple of (str, tuple of int)
        Intermediate solutions only: each conservative x parsimonious pair (``"C1P2"``) and
        the indices (into ``models``) of the intermediate models it gives.
    search_complete : bool
        True when the search finished: every prime implicant generated, the minimum number of
        implicants proven and every tied model listed.
    min_size_bounds : tuple of int
        Lower and upper bound on the number of implicants of a minimal model (equal when
        proven); the models listed have the upper bound.
    search_status : str
        What the search established, in words, e.g. ``"all 7 tied models"``,
        ``"12 of at least 40 tied models (max_models)"``.
    """

    truth_table: TruthTable = field(repr=False)
    solution_type: str
    include: tuple[str, ...]
    models: tuple[Model, ...]
    prime_implicants: tuple[str, ...]
    pi_cubes: np.ndarray = field(repr=False)
    essential: tuple[str, ...]
    n_models: int
    complete: bool
    notes: tuple[str, ...] = ()
    parsimonious: Solution | None = field(default=None, repr=False)
    n_models_exact: bool = True
    easy_counterfactuals: tuple[int, ...] = ()
    model_sources: tuple[tuple[str, tuple[int, ...]], ...] = ()
    search_complete: bool = True
    min_size_bounds: tuple[int, int] = (0, 0)
    search_status: str = ""

    def __post_init__(self) -> None:
        # R's essential prime implicants: those in every tied model. The cover search reports
        # the chart-essential ones (alone covering a row), a subset of these; with every model
        # listed, the intersection is exact.
        if self.complete and self.models:
            common = set(self.models[0].terms).intersection(*(m.terms for m in self.models[1:]))
            order = {t: i for i, t in enumerate(self.prime_implicants)}
            ranked = sorted(common, key=lambda t: (order.get(t, len(order)), t))
            object.__setattr__(self, "essential", tuple(ranked))

    @cached_property
    def simplifying_assumptions(self) -> tuple[int, ...]:
        """Row numbers of the remainders the models cover (none without ``include="?"``).

        For an intermediate solution, those of the parsimonious solution it starts from.
        """
        if self.parsimonious is not None:
            return self.parsimonious.simplifying_assumptions
        if "?" not in self.include or not self.models:
            return ()
        return tuple(remainders_covered(self.truth_table, np.vstack([m.cubes for m in self.models])))

    @cached_property
    def pi_chart(self) -> pd.DataFrame:
        """Prime implicants x positive row numbers, True where the implicant covers the row."""
        on = self.truth_table.configs_with("1")
        return pd.DataFrame(
            covers(self.pi_cubes, on),
            index=list(self.prime_implicants),
            columns=[int(r) for r in row_numbers(on, self.truth_table.levels)],
        )

    @cached_property
    def pi_fit(self) -> pd.DataFrame:
        """inclS, PRI, covS and covU of every prime implicant (covU within all PIs)."""
        if not self.prime_implicants:
            return pd.DataFrame(columns=["inclS", "PRI", "covS", "covU"])
        memb = cube_memberships(self.pi_cubes, self.truth_table)
        _, per = disjunction_fit(memb, self.truth_table.outcome_membership)
        per.index = list(self.prime_implicants)
        return per

    def summary(self, show_cases: bool = False, max_models: int = PRINTED_MODELS) -> Report:
        """The solution as R prints it with ``details = TRUE``.

        Parameters
        ----------
        show_cases : bool
            Add a cases column: the cases of the positive rows each term covers, rows
            separated by "; " (R's ``show.cases``); never cut.
        max_models : int
            Most models printed (all stay in :attr:`models`).
        """
        from ._solution_report import solution_report

        return solution_report(self, show_cases=show_cases, max_models=max_models)

    def pi_chart_summary(self) -> Report:
        """The prime-implicant chart printed with ``x`` / ``-`` marks, as R's ``PIchart``."""
        from ._solution_report import pi_chart_report

        return pi_chart_report(self)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table of every model and term with its fit.

        One row per (model, term) with columns ``model`` ("M1", ...), ``term``, ``essential``,
        inclS, PRI, covS, covU (within the model) and ``cases``, plus one row per model with
        ``term`` None holding the model's inclS, PRI and covS.
        """
        from ._solution_report import solution_frame

        return solution_frame(self)

    def __str__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def remainder_mask(tt: TruthTable, configs: np.ndarray) -> np.ndarray:
    """True for configurations that are logical remainders (not observed, not excluded)."""
    numbers = row_numbers(configs, tt.levels)
    blocked = np.union1d(tt.row_ids[tt.out_codes != "?"], np.asarray(sorted(tt.exclude), dtype=np.int64))
    return ~np.isin(numbers, blocked)


def remainders_covered(tt: TruthTable, cubes: np.ndarray) -> list[int]:
    """Sorted row numbers of the remainders inside any of the cubes."""
    inside = configs_in(cubes, tt.levels)
    return sorted(int(r) for r in row_numbers(inside[remainder_mask(tt, inside)], tt.levels))


def cube_memberships(cubes: np.ndarray, tt: TruthTable) -> np.ndarray:
    """Membership of every case of the truth table's data in each cube: (n_cubes, n_cases)."""
    values = tt.condition_memberships()
    return row_memberships(np.asarray(cubes, dtype=np.int64), values, tt.levels)


def _parse_include(include: str | Sequence[str] | None) -> tuple[str, ...]:
    if include is None:
        return ()
    items = [s.strip() for s in include.split(",")] if isinstance(include, str) else list(include)
    items = [s for s in items if s]
    bad = [s for s in items if s not in ("?", "C")]
    if bad:
        raise QCAError(f"include may contain '?' (remainders) and 'C' (contradictions); got {bad}")
    return tuple(dict.fromkeys(items))


def _sets(tt: TruthTable, include: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    on = tt.configs_with("1")
    dont_care = np.vstack([tt.configs_with("C") if "C" in include else np.zeros((0, len(tt.levels)), int)])
    off = np.vstack([tt.configs_with("0"), *([] if "C" in include else [tt.configs_with("C")])])
    if "?" in include:
        # Remainders are don't-cares, except those excluded (coded negative) by the user.
        return on, np.vstack([off, tt.excluded_configs]), dont_care, "dont_care"
    return on, off, dont_care, "negative"


def minimize(
    tt: TruthTable,
    include: str | Sequence[str] | None = None,
    dir_exp: Sequence[str] | str | None = None,
    max_models: int = DEFAULT_MAX_MODELS,
    method: str = "auto",
    pi_cons: float = 0.0,
    sol_cons: float = 0.0,
    row_dom: bool = False,
    all_sol: bool = False,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> Solution:
    """Minimize a truth table, as R's QCA ``minimize()``, within a time budget.

    Parameters
    ----------
    tt : TruthTable
        From :func:`qca.truth_table`.
    include : {None, "?", "C", "?,C"} or sequence
        Rows other than the positive ones that may be covered: ``"?"`` logical remainders
        (parsimonious solution), ``"C"`` contradictions.
    dir_exp : sequence of str, optional
        Directional expectations for the intermediate solution (needs ``include="?"``),
        e.g. ``["DEV", "~IND", "LIT*~URB"]``.
    max_models : int
        Most tied models listed; the number found is reported in ``Solution.n_models``.
    method : {"auto", "dense", "hitting", "merge"}
        Prime-implicant algorithm (see :mod:`qca.primes`); all give the same answer.
    pi_cons : float
        Prime implicants whose inclusion (consistency) is below this are left out of the chart
        (R's ``pi.cons``).
    sol_cons : float
        Models whose inclusion is below this are dropped (R's ``sol.cons``).
    row_dom : bool
        Leave out prime implicants dominated by another (covering a subset of its positive
        rows; of two with the same rows the first is kept), as R's ``row.dom``.
    all_sol : bool
        Every irredundant model, whatever its number of implicants (R's ``all.sol``), instead
        of the minimal ones only.
    time_limit : float or None
        Seconds the whole call may take (prime implicants, minimum size, tied models);
        None: no limit. When the budget runs out the call returns what it has: at least one
        model (the best cover found, minimal when ``min_size_bounds`` is tight), the models
        enumerated so far, and an :class:`~qca.exceptions.IncompleteSearchWarning`.
        R has no such budget: this is a deliberate difference.

    Returns
    -------
    Solution
        ``search_complete``, ``min_size_bounds`` and ``search_status`` say how complete the
        answer is.

    Raises
    ------
    QCAError
        When no row has OUT = "1", or for bad arguments.

    Warns
    -----
    IncompleteSearchWarning
        When not every tied model is listed, naming the setting (``max_models`` or
        ``time_limit``) that would extend the search.

    Examples
    --------
    >>> import pandas as pd
    >>> from qca import truth_table
    >>> d = pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 1, 0, 1], "Y": [0, 1, 1, 1]})
    >>> str(minimize(truth_table(d, "Y")).models[0])
    'A + B'
    """
    if not isinstance(tt, TruthTable):
        raise QCAError(f"minimize needs a TruthTable (from qca.truth_table); got {type(tt).__name__}")
    if not isinstance(max_models, int | np.integer) or max_models < 1:
        raise QCAError(f"max_models must be a whole number >= 1; got {max_models!r}")
    time_limit = _check_time_limit(time_limit)
    deadline = deadline_from(time_limit)
    include_t = _parse_include(include)
    pi_cons = check_fraction(pi_cons, "pi_cons")
    sol_cons = check_fraction(sol_cons, "sol_cons")
    if dir_exp is not None and (pi_cons or row_dom or all_sol):
        raise QCAError("pi_cons, row_dom and all_sol are not available with an intermediate solution")
    if dir_exp is not None:
        from .intermediate import intermediate_solution

        if "?" not in include_t:
            raise QCAError("an intermediate solution (dir_exp) needs include='?'")
        sol = intermediate_solution(
            tt, dir_exp, include_t, max_models=max_models, method=method, time_limit=time_limit
        )
        return _filter_models(sol, sol_cons)
    on, off, dont_care, remainders = _sets(tt, include_t)
    if on.shape[0] == 0:
        raise QCAError(
            f"no truth-table row has OUT = 1 for outcome {tt.outcome!r}: nothing to explain "
            f"(incl_cut {tt.incl_cut[0]:g}, n_cut {tt.n_cut}, pri_cut {tt.pri_cut:g})"
        )
    pis, primes_complete = find_prime_implicants(
        on, off, tt.levels, remainders, dont_care=dont_care, method=method, deadline=deadline
    )
    notes = []
    if pi_cons > 0:
        incl = sufficiency(cube_memberships(pis, tt), tt.outcome_membership)["inclS"]
        keep = np.nan_to_num(incl, nan=0.0) + TOLERANCE >= pi_cons
        notes.append(f"{int((~keep).sum())} prime implicant(s) below pi_cons {pi_cons:g} left out")
        pis = pis[keep]
    if row_dom:
        dominated = _dominated(covers(pis, on))
        notes.append(f"{int(dominated.sum())} dominated prime implicant(s) left out (row_dom)")
        pis = pis[~dominated]
    chart = covers(pis, on)
    uncovered = ~chart.any(axis=0)
    if uncovered.any():
        rows = row_numbers(on[uncovered], tt.levels).tolist()
        raise QCAError(
            f"positive row(s) {rows} are covered by no prime implicant with inclS >= pi_cons {pi_cons:g}"
        )
    kind = "parsimonious" if "?" in include_t else "conservative"
    lower = None if primes_complete else (_incompatible_rows(on, off) if remainders == "dont_care" else 1)
    sol = solution_from_primes(
        tt,
        pis,
        on,
        kind,
        include_t,
        max_models=max_models,
        notes=notes,
        all_sol=all_sol,
        chart=chart,
        deadline=deadline,
        time_limit=time_limit,
        primes_lower_bound=lower,
    )
    return _filter_models(sol, sol_cons)


def _check_time_limit(time_limit: float | None) -> float | None:
    if time_limit is None:
        return None
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float | np.integer | np.floating):
        raise QCAError(f"time_limit must be a number of seconds or None; got {time_limit!r}")
    if not np.isfinite(time_limit) or time_limit < 0:
        raise QCAError(f"time_limit must be a number of seconds >= 0 or None (no limit); got {time_limit!r}")
    return float(time_limit)


def _incompatible_rows(on: np.ndarray, off: np.ndarray, seconds: float = 0.5) -> int:
    """Lower bound on the implicants of any cover: positive rows no single implicant can join.

    Two positive configurations share an implicant only if the smallest cube holding both
    (fixed where they agree) holds no negative configuration; a set of pairwise incompatible
    positive configurations needs one implicant each. The set is grown greedily for at most
    ``seconds`` (any such set gives a valid bound, a larger one a better bound).
    """
    on = np.unique(on, axis=0)
    stop = time.monotonic() + seconds
    chosen = on[:1]
    for p in on[1:]:
        if time.monotonic() >= stop:
            break
        agree = chosen == p  # (chosen, k)
        inside = (~agree[:, None, :] | (off[None, :, :] == p[None, None, :])).all(axis=2)
        if inside.any(axis=1).all():
            chosen = np.vstack([chosen, p])
    return max(1, chosen.shape[0])


def _dominated(chart: np.ndarray) -> np.ndarray:
    """Implicants whose covered rows are a subset of another's (the first of equals is kept)."""
    n = chart.shape[0]
    sub = (chart[:, None, :] <= chart[None, :, :]).all(axis=2)  # sub[p, q]: rows(p) within rows(q)
    equal = sub & sub.T
    earlier = np.tri(n, k=-1, dtype=bool)  # earlier[p, q]: q < p
    strictly = sub & ~equal
    return (strictly | (equal & earlier)).any(axis=1)


def _filter_models(sol: Solution, sol_cons: float) -> Solution:
    if sol_cons <= 0:
        return sol
    kept = tuple(m for m in sol.models if m.fit["inclS"] + TOLERANCE >= sol_cons)
    note = f"{len(sol.models) - len(kept)} model(s) below sol_cons {sol_cons:g} dropped"
    return dataclasses.replace(sol, models=kept, n_models=len(kept), notes=(*sol.notes, note))


def search_status(
    res: CoverResult, n_listed: int, time_limit: float | None, primes_lower_bound: int | None = None
) -> tuple[str, tuple[int, int], str | None]:
    """Words for how complete a cover search is, the size bounds, and the setting to raise.

    Parameters
    ----------
    res : CoverResult
    n_listed : int
        Models listed.
    time_limit : float or None
        The budget, for the message.
    primes_lower_bound : int, optional
        Given when prime-implicant generation was cut short: a lower bound on the minimum size
        valid for every implicant (the chart's own bound is then not valid).

    Returns
    -------
    status : str
    bounds : (int, int)
    setting : {None, "max_models", "time_limit", "max_nodes"}
        What would extend the search (None when it is complete).
    """
    tl = "no time limit" if time_limit is None else f"time_limit={time_limit:.3g} s"
    low, high = res.size_bounds
    n = res.n_covers
    if primes_lower_bound is not None:
        low = min(primes_lower_bound, high)
        text = (
            f"prime implicant generation stopped at {tl}: {n_listed} model(s) of size {high} "
            f"from the prime implicants found, minimum between {low} and {high}"
        )
        return text, (low, high), "time_limit"
    if low < high:
        text = (
            f"search stopped at {tl}: {n_listed} model(s) of size {high} found, "
            f"minimum between {low} and {high}"
        )
        return text, (low, high), "time_limit"
    if res.complete:
        text = f"all {n} tied models" if n > 1 else "1 minimal model (no ties)"
        return text, (low, high), None
    if res.counted_all:
        return f"{n_listed} of {n} tied models (max_models)", (low, high), "max_models"
    reason = "max_nodes" if res.stopped_by == "max_nodes" else tl
    if n_listed < n:
        text = f"{n_listed} of at least {n} tied models (max_models; counting stopped at {reason})"
        return text, (low, high), "max_models" if res.stopped_by != "time_limit" else "time_limit"
    return (
        f"search stopped at {reason}: {n_listed} tied model(s) of size {high} found, there may be more",
        (low, high),
        res.stopped_by,
    )


def warn_incomplete(status: str, setting: str | None, stacklevel: int = 3) -> None:
    """Issue the :class:`IncompleteSearchWarning` naming the setting that extends the search."""
    advice = {
        "max_models": "raise max_models to list more",
        "time_limit": "raise time_limit (None: no limit) to search further",
        "max_nodes": "raise max_nodes to search further",
    }.get(setting or "", "")
    warnings.warn(f"{status}; {advice}" if advice else status, IncompleteSearchWarning, stacklevel=stacklevel)


def _cube_names(cubes: np.ndarray, conditions: Sequence[str], multivalue: bool) -> tuple[str, ...]:
    """:func:`cube_string` of many cubes at once (the same strings, from a literal table)."""
    cubes = np.asarray(cubes, dtype=np.int64)
    if not cubes.size:
        return ()
    top = int(cubes.max()) + 1
    table = np.empty((len(conditions), top + 1), dtype=object)
    for j, c in enumerate(conditions):
        table[j, 0] = ""
        for v in range(top):
            table[j, v + 1] = f"{c}[{v}]" if multivalue or v > 1 else (c if v == 1 else f"~{c}")
    literals = table[np.arange(len(conditions))[None, :], cubes + 1].tolist()
    return tuple("*".join(filter(None, row)) or "1" for row in literals)


def solution_from_primes(
    tt: TruthTable,
    pis: np.ndarray,
    on: np.ndarray,
    kind: str,
    include: tuple[str, ...],
    max_models: int = DEFAULT_MAX_MODELS,
    notes: Sequence[str] = (),
    all_sol: bool = False,
    chart: np.ndarray | None = None,
    deadline: float | None = None,
    time_limit: float | None = None,
    primes_lower_bound: int | None = None,
    warn: bool = True,
    **extra: object,
) -> Solution:
    """Solve the prime-implicant chart of ``pis`` over the positive configurations ``on``.

    ``primes_lower_bound`` is given (a valid lower bound on the minimum size) when ``pis`` is
    only part of the prime implicants (generation stopped at the deadline).
    """
    if chart is None:
        chart = covers(pis, on)
    res = minimum_covers(
        chart, max_models=max_models, max_nodes=DEFAULT_MAX_NODES, irredundant=all_sol, deadline=deadline
    )
    names = _cube_names(pis, tt.conditions, tt.multivalue)
    models = [
        Model(tuple(names[p] for p in cov), pis[list(cov)], tt)
        for cov in sorted(res.covers, key=lambda c: (len(c), int((pis[list(c)] >= 0).sum()), c))
    ]
    status, bounds, setting = search_status(res, len(models), time_limit, primes_lower_bound)
    search_complete = res.complete and primes_lower_bound is None
    notes = list(notes)
    if not search_complete:
        notes.append(status)
        if warn:
            warn_incomplete(status, setting, stacklevel=4)
    return Solution(
        truth_table=tt,
        solution_type=kind,
        include=include,
        models=tuple(models),
        prime_implicants=names,
        pi_cubes=pis,
        essential=tuple(names[p] for p in res.essential),
        n_models=res.n_covers,
        complete=search_complete,
        n_models_exact=res.counted_all and primes_lower_bound is None,
        notes=tuple(notes),
        search_complete=search_complete,
        min_size_bounds=bounds,
        search_status=status,
        **extra,  # type: ignore[arg-type]
    )
