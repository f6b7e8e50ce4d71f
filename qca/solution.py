"""Results of a minimization: :class:`Model` (one minimal model) and :class:`Solution`.

The classes hold what the search found and print it as R's QCA ``minimize()`` does (Dusa 2019,
ch. 8); the printing itself is in :mod:`qca._solution_report`. A :class:`Solution` also answers
questions about *all* its tied models from the prime-implicant chart, without listing them
(:meth:`Solution.any_model`, :meth:`Solution.all_models`, :attr:`Solution.tie_implicants`).

References
----------
Dusa, A. (2019). *QCA with R: A Comprehensive Resource*, ch. 8. Springer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from ._display import Report
from ._solution_report import (
    condition_values,
    model_frame,
    model_report,
    pi_chart_report,
    solution_frame,
    solution_report,
)
from .cover import minimum_covers
from .expressions import Expression, Term
from .fit import disjunction_fit
from .primes import configs_in, covers
from .truth_table import TruthTable, row_memberships, row_numbers

__all__ = ["Model", "Solution", "cube_terms", "cube_string", "cube_memberships", "PRINTED_MODELS"]

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

    @cached_property
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
        >>> from qca import minimize, truth_table
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
        return model_report(self, show_cases=show_cases)

    def to_frame(self) -> pd.DataFrame:
        """Tidy fit table: one row per term and a last row for the model (term ``None``)."""
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
    tie_implicants : tuple of str
        The prime implicants that appear in at least one tied model (all tied models, listed
        or not; exact when ``n_models_exact``), in PI order.
    first_model_exact : bool
        True when ``models[0]`` is proven the canonical first model of *all* tied models
        (see below); False when the search budget stopped before every tie was seen.
    search_finished : bool
        True when the search ran to its end within its budget (``time_limit``,
        ``max_nodes``): every prime implicant generated, the minimum proven, every tied model
        counted and the first model proven canonical. Unlike ``search_complete`` it does not
        ask that every tied model be *listed* (``max_models`` caps the list, not the search).

    Notes
    -----
    Model order. Tied models are ordered by number of implicants, then number of literals,
    then by the positions of their implicants in the prime-implicant order (fewest literals
    first, then conditions in truth-table order, the presence of a condition before its
    absence: R's order of ``PIchart`` rows), compared as sorted tuples. This is R's model
    order (M1, M2, ...) where R's is defined by the same keys; R does not state a rule for
    ties beyond it. ``models[0]`` is the first model in this order among *all* tied models,
    found from the chart without listing them, so it does not depend on ``max_models`` or
    on the search order. For an intermediate solution the order is by implicants, literals
    and then the models' text, over the models of every conservative x parsimonious pair.
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
    tie_implicants: tuple[str, ...] = ()
    first_model_exact: bool = True
    search_finished: bool = True

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
            self._chart,
            index=list(self.prime_implicants),
            columns=[int(r) for r in row_numbers(on, self.truth_table.levels)],
        )

    @cached_property
    def _chart(self) -> np.ndarray:
        """:attr:`pi_chart` as a boolean array (the hot path of :meth:`any_model`)."""
        return covers(self.pi_cubes, self.truth_table.configs_with("1"))

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
        return solution_report(self, show_cases=show_cases, max_models=max_models)

    def pi_chart_summary(self) -> Report:
        """The prime-implicant chart printed with ``x`` / ``-`` marks, as R's ``PIchart``."""
        return pi_chart_report(self)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table of every model and term with its fit.

        One row per (model, term) with columns ``model`` ("M1", ...), ``term``, ``essential``,
        inclS, PRI, covS, covU (within the model) and ``cases``, plus one row per model with
        ``term`` None holding the model's inclS, PRI and covS.
        """
        return solution_frame(self)

    def __str__(self) -> str:
        return self.summary().as_text()

    def __repr__(self) -> str:
        """The models as R prints a solution at the prompt (``M1: A + B -> Y``)."""
        outcome = self.truth_table.outcome
        lines = [f"M{i}: {m} -> {outcome}" for i, m in enumerate(self.models[:PRINTED_MODELS], start=1)]
        if not lines:
            lines = ["No model."]
        if self.n_models > min(len(self.models), PRINTED_MODELS):
            more = "" if self.n_models_exact else "at least "
            shown = min(len(self.models), PRINTED_MODELS)
            lines.append(f"({shown} of {more}{self.n_models} tied models shown)")
        return "\n".join(lines)

    # ------------------------------------------------------------------ questions about all ties

    def any_model(
        self,
        term_ok: Callable[[Term], bool] | None = None,
        model_ok: Callable[[Expression], bool] | None = None,
        max_models: int = 100_000,
    ) -> bool:
        """Whether some tied model (listed or not) has every term ``term_ok`` and is ``model_ok``.

        Answered from the prime-implicant chart: the chart is restricted to the implicants
        passing ``term_ok`` and its minimum covers of the solution's minimum size are the
        tied models passing it; ``model_ok`` is then tried on them (at most ``max_models``
        of them, a deterministic cap). Without ``model_ok`` the answer is exact whenever the
        minimum is proven. An intermediate solution is answered from its listed models.

        Parameters
        ----------
        term_ok : callable Term -> bool, optional
            A condition on each term (default: any term).
        model_ok : callable Expression -> bool, optional
            A condition on the whole model (default: any model).
        max_models : int
            Most models ``model_ok`` is tried on.

        Examples
        --------
        >>> import pandas as pd, qca
        >>> d = pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 1, 0, 1], "Y": [0, 1, 1, 1]})
        >>> sol = qca.minimize(qca.truth_table(d, "Y"))
        >>> sol.any_model(lambda t: len(t.literals) == 1)
        True
        """
        if self.solution_type == "intermediate" or (self.complete and self.n_models == len(self.models)):
            return any(
                (term_ok is None or all(term_ok(t) for t in m.expression.terms))
                and (model_ok is None or model_ok(m.expression))
                for m in self.models
            )
        names = self.prime_implicants
        tie = set(self.tie_implicants)
        allowed = np.array(
            [n in tie and (term_ok is None or term_ok(t)) for n, t in zip(names, self._pi_terms)], dtype=bool
        )
        chart = self._chart[allowed]
        if not chart.any(axis=0).all():
            return False
        res = minimum_covers(chart, max_models=max_models)
        if res.size_bounds[0] > self.min_size_bounds[1]:
            return False
        if model_ok is None:
            return True
        terms = [t for t, ok in zip(self._pi_terms, allowed.tolist()) if ok]
        return any(model_ok(Expression(tuple(map(terms.__getitem__, c)))) for c in res.covers)

    def all_models(
        self,
        term_ok: Callable[[Term], bool] | None = None,
        model_ok: Callable[[Expression], bool] | None = None,
        max_models: int = 100_000,
    ) -> bool:
        """Whether every tied model (listed or not) has every term ``term_ok`` and is ``model_ok``.

        The term condition is exact from :attr:`tie_implicants` (every implicant of some tied
        model); ``model_ok`` is tried on the tied models (at most ``max_models``, a
        deterministic cap), as :meth:`any_model`.
        """
        if not self.models:
            return False
        if self.solution_type == "intermediate":
            return all(
                (term_ok is None or all(term_ok(t) for t in m.expression.terms))
                and (model_ok is None or model_ok(m.expression))
                for m in self.models
            )
        if term_ok is not None:
            terms = dict(zip(self.prime_implicants, self._pi_terms))
            if not all(term_ok(terms[n]) for n in self.tie_implicants):
                return False
        if model_ok is None:
            return True
        return not self.any_model(model_ok=lambda m: not model_ok(m), max_models=max_models)

    @cached_property
    def _pi_terms(self) -> tuple[Term, ...]:
        return cube_terms(self.pi_cubes, self.truth_table.conditions)

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


def _cube_names(cubes: np.ndarray, conditions: Sequence[str], multivalue: bool) -> tuple[str, ...]:
    """:func:`cube_string` of many cubes at once (the same strings, from a literal table)."""
    cubes = np.asarray(cubes, dtype=np.int64)
    if not cubes.size:
        return ()
    table = _literal_table(tuple(conditions), int(cubes.max()) + 1, multivalue)
    # Only the fixed literals are looked up (row by row, conditions in order), then cut into
    # one run per cube: wide tables have >100,000 implicants of a few literals each.
    rows, cols = np.nonzero(cubes >= 0)
    literals = table[cols, cubes[rows, cols] + 1].tolist()
    ends = np.cumsum(np.bincount(rows, minlength=cubes.shape[0])).tolist()
    start = 0
    names = []
    for end in ends:
        names.append("*".join(literals[start:end]) if end > start else "1")
        start = end
    return tuple(names)


@lru_cache(maxsize=1024)
def _literal_table(conditions: tuple[str, ...], top: int, multivalue: bool) -> np.ndarray:
    """The text of every literal: row ``j`` condition ``j``, column ``v + 1`` its level ``v``."""
    table = np.empty((len(conditions), top + 1), dtype=object)
    for j, c in enumerate(conditions):
        table[j, 0] = ""
        for v in range(top):
            table[j, v + 1] = f"{c}[{v}]" if multivalue or v > 1 else (c if v == 1 else f"~{c}")
    table.flags.writeable = False
    return table
