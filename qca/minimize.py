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
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ._validation import check_fraction
from .cover import DEFAULT_MAX_MODELS, DEFAULT_MAX_NODES, minimum_covers
from .exceptions import ModelsCappedWarning, QCAError
from .expressions import Expression, Term
from .fit import disjunction_fit, sufficiency
from .primes import configs_in, covers, prime_implicants
from .truth_table import TOLERANCE, TruthTable, row_memberships, row_numbers

__all__ = ["Model", "Solution", "minimize", "cube_terms", "cube_string"]

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
    return tuple(
        Term(tuple((c, frozenset({int(v)})) for c, v in zip(conditions, cube) if v >= 0)) for cube in cubes
    )


@dataclass(frozen=True)
class Model:
    """One minimal model: a disjunction of prime implicants, with its parameters of fit.

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


@dataclass(frozen=True)
class Solution:
    """Result of :func:`minimize`.

    Attributes
    ----------
    models : tuple of Model
        Every tied minimal model (R's M1, M2, ...), at most ``max_models``.
    prime_implicants : tuple of str
        The prime implicants that cover at least one positive row.
    pi_chart : DataFrame
        Prime implicants x positive row numbers, True where the implicant covers the row.
    essential : tuple of str
        Prime implicants that are in every model.
    n_models : int
        Number of tied models found; equal to ``len(models)`` unless the search was capped.
    complete : bool
        False when ``max_models`` or the search budget cut the list of models short.
    n_models_exact : bool
        False when the search budget ran out before every tied model was counted (then
        ``n_models`` is a lower bound).
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

    def summary(self) -> str:
        return str(self)

    def __str__(self) -> str:
        tt = self.truth_table
        lines = [
            f"{self.solution_type.capitalize()} solution: outcome {tt.outcome}, "
            f"conditions {', '.join(tt.conditions)}",
            f"  include {','.join(self.include) or '-'}   models {self.n_models}"
            f"{'' if self.complete else '+ (list capped)'}   prime implicants {len(self.prime_implicants)}",
            "",
        ]
        shown = self.models[:PRINTED_MODELS]
        for i, m in enumerate(shown, start=1):
            lines.append(f"M{i}: {m} -> {tt.outcome}")
        lines.append("")
        for i, m in enumerate(shown, start=1):
            table = m.term_fit.copy()
            table.index = [f"{j}  {t}" for j, t in enumerate(m.terms, start=1)]
            table.loc[f"   M{i}"] = [m.fit["inclS"], m.fit["PRI"], m.fit["covS"], np.nan]
            text = table.to_string(float_format=lambda v: f"{v:.3f}", na_rep="")
            width = max(len(r) for r in text.splitlines())
            body = text.splitlines()
            lines += [body[0], "-" * width, *body[1:-1], "-" * width, body[-1], ""]
        notes = list(self.notes)
        if len(self.models) > PRINTED_MODELS:
            notes.append(
                f"{len(self.models)} models; the first {PRINTED_MODELS} are printed (all in .models)"
            )
        if not self.complete:
            count = f"{self.n_models}" if self.n_models_exact else f"{self.n_models} or more"
            notes.append(f"{count} tied models; {len(self.models)} listed (raise max_models)")
        lines += [f"[{i + 1}] {t}" for i, t in enumerate(notes)]
        return "\n".join(lines).rstrip()


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
) -> Solution:
    """Minimize a truth table, as R's QCA ``minimize()``.

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

    Returns
    -------
    Solution

    Raises
    ------
    QCAError
        When no row has OUT = "1", or for bad arguments.

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
    include_t = _parse_include(include)
    pi_cons = check_fraction(pi_cons, "pi_cons")
    sol_cons = check_fraction(sol_cons, "sol_cons")
    if dir_exp is not None and (pi_cons or row_dom or all_sol):
        raise QCAError("pi_cons, row_dom and all_sol are not available with an intermediate solution")
    if dir_exp is not None:
        from .intermediate import intermediate_solution

        if "?" not in include_t:
            raise QCAError("an intermediate solution (dir_exp) needs include='?'")
        sol = intermediate_solution(tt, dir_exp, include_t, max_models=max_models, method=method)
        return _filter_models(sol, sol_cons)
    on, off, dont_care, remainders = _sets(tt, include_t)
    if on.shape[0] == 0:
        raise QCAError(
            f"no truth-table row has OUT = 1 for outcome {tt.outcome!r}: nothing to explain "
            f"(incl_cut {tt.incl_cut[0]:g}, n_cut {tt.n_cut}, pri_cut {tt.pri_cut:g})"
        )
    pis = prime_implicants(on, off, tt.levels, remainders, dont_care=dont_care, method=method)
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
    sol = solution_from_primes(
        tt, pis, on, kind, include_t, max_models=max_models, notes=notes, all_sol=all_sol, chart=chart
    )
    return _filter_models(sol, sol_cons)


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
    **extra: object,
) -> Solution:
    """Solve the prime-implicant chart of ``pis`` over the positive configurations ``on``."""
    if chart is None:
        chart = covers(pis, on)
    res = minimum_covers(chart, max_models=max_models, max_nodes=DEFAULT_MAX_NODES, irredundant=all_sol)
    conditions = tt.conditions
    mv = tt.multivalue
    names = tuple(cube_string(c, conditions, mv) for c in pis)
    models = [
        Model(tuple(names[p] for p in cov), pis[list(cov)], tt)
        for cov in sorted(res.covers, key=lambda c: (len(c), int((pis[list(c)] >= 0).sum()), c))
    ]
    if not res.complete:
        warnings.warn(
            f"{res.n_covers}{'' if res.counted_all else ' or more'} tied minimal models; "
            f"only {len(models)} are listed (raise max_models)",
            ModelsCappedWarning,
            stacklevel=3,
        )
    return Solution(
        truth_table=tt,
        solution_type=kind,
        include=include,
        models=tuple(models),
        prime_implicants=names,
        pi_cubes=pis,
        essential=tuple(names[p] for p in res.essential),
        n_models=res.n_covers,
        complete=res.complete,
        n_models_exact=res.counted_all,
        notes=tuple(notes),
        **extra,  # type: ignore[arg-type]
    )
