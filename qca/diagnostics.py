"""Diagnostics of logical remainders and prime implicants: R's QCA ``findRows()``, ESA, row dominance.

* :func:`find_rows` finds truth-table rows that are untenable or incoherent as simplifying
  assumptions: remainders that are subsets of an expression (type 1), contradictory simplifying
  assumptions (CSAs, type 2: remainders used by the parsimonious solutions of both the outcome
  and its negation) and simultaneous subset relations (SSRs, type 3: observed rows sufficient
  for both the outcome and its negation).
* :func:`esa` is the Enhanced Standard Analysis step of coding such remainders negative.
* :func:`row_dominance` lists the prime implicants that another prime implicant dominates.

References
----------
Dusa, A. (2019). *QCA with R*, sections 8.6-8.8 (``findRows``). Springer.
Schneider, C. Q., & Wagemann, C. (2013). Doing justice to logical remainders in QCA: moving
beyond the Standard Analysis. *Political Research Quarterly* 66(1), 211-220.
Yamasaki, S., & Rihoux, B. (2009). A commented review of applications. In Rihoux & Ragin
(eds.), *Configurational Comparative Methods*, pp. 123-145 (contradictory simplifying assumptions).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .exceptions import QCAError, QCAWarning
from .expressions import Expression, parse
from .minimize import Solution, minimize
from .primes import configs_in
from .truth_table import TruthTable, row_numbers, truth_table

__all__ = ["find_rows", "esa", "simplifying_assumptions", "row_dominance", "remainder_rows"]

#: Most configurations enumerated when listing the rows inside an expression or a cube.
MAX_ENUMERATED = 2**22

_TYPES = {0: "all", 1: "subset", 2: "csa", 3: "ssr"}


def _check_tt(tt: object, what: str = "find_rows") -> TruthTable:
    if not isinstance(tt, TruthTable):
        raise QCAError(f"{what} needs a TruthTable (from qca.truth_table); got {type(tt).__name__}")
    return tt


def _observed(tt: TruthTable) -> np.ndarray:
    """Row numbers that are not remainders (OUT is 1, 0 or C)."""
    return np.asarray(tt.rows.index[tt.rows["OUT"] != "?"], dtype=np.int64)


def _cube_rows(cubes: np.ndarray, levels: Sequence[int]) -> np.ndarray:
    """Sorted row numbers of every configuration inside any of the cubes (-1 = free)."""
    cubes = np.atleast_2d(np.asarray(cubes, dtype=np.int64))
    if cubes.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(row_numbers(configs_in(cubes, levels), levels))


def remainder_rows(tt: TruthTable) -> np.ndarray:
    """Row numbers of all logical remainders (configurations without n >= n_cut cases).

    Raises ``QCAError`` when the configuration space is too large to list.
    """
    tt = _check_tt(tt, "remainder_rows")
    n_space = int(np.prod(np.asarray(tt.levels, dtype=float)))
    if n_space > MAX_ENUMERATED:
        raise QCAError(f"{n_space:,} configurations: too many to list every remainder")
    return np.setdiff1d(np.arange(1, n_space + 1), _observed(tt))


def _expression_cubes(expr: Expression, tt: TruthTable) -> np.ndarray:
    cubes = np.full((len(expr.terms), len(tt.conditions)), -1, dtype=np.int64)
    pos = {c: j for j, c in enumerate(tt.conditions)}
    extra: list[np.ndarray] = []
    for i, term in enumerate(expr.terms):
        multi: list[tuple[int, list[int]]] = []
        for cond, vals in term.literals:
            j = pos[cond]
            vals_in = sorted(v for v in vals if v < tt.levels[j])
            if not vals_in:
                cubes[i, 0] = -2  # empty term
            elif len(vals_in) == 1:
                cubes[i, j] = vals_in[0]
            elif len(vals_in) < tt.levels[j]:
                multi.append((j, vals_in))
        if multi and cubes[i, 0] != -2:
            # Expand literals with several values (X[1,2]) into one cube per value combination.
            grids = np.meshgrid(*[np.asarray(v) for _, v in multi], indexing="ij")
            block = np.tile(cubes[i], (grids[0].size, 1))
            for (j, _), g in zip(multi, grids):
                block[:, j] = g.ravel()
            extra.append(block)
            cubes[i, 0] = -2
    keep = cubes[:, 0] != -2
    return np.vstack([cubes[keep], *extra]) if extra else cubes[keep]


def _data_with_outcome(tt: TruthTable) -> tuple[pd.DataFrame, str]:
    """The truth table's data with its outcome membership as a crisp/fuzzy column."""
    name = parse(tt.outcome).conditions[0]
    data = tt.data.copy()
    data[name] = tt.outcome_membership
    return data, name


def _rebuild(tt: TruthTable, negated: bool = False, exclude: Iterable[int] | None = None) -> TruthTable:
    """The same truth table (or the one of the negated outcome), possibly with more exclusions."""
    data, name = _data_with_outcome(tt)
    complete = bool((tt.rows["n"] == 0).any())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QCAWarning)
        new = truth_table(
            data,
            f"~{name}" if negated else name,
            list(tt.conditions),
            incl_cut=tt.incl_cut,
            n_cut=tt.n_cut,
            pri_cut=tt.pri_cut,
            exclude=sorted(set(tt.exclude) | set(exclude or ())),
            complete=complete,
        )
    if negated:
        label = tt.outcome[1:].strip() if tt.outcome.startswith("~") else f"~{tt.outcome}"
    else:
        label = tt.outcome
    return dataclasses.replace(new, outcome=label)


def simplifying_assumptions(sol: Solution, model: int | None = None) -> np.ndarray:
    """Remainder rows covered by the terms of a solution's models (its simplifying assumptions).

    Parameters
    ----------
    sol : Solution
        Usually a parsimonious solution (``include="?"``).
    model : int, optional
        0-based index of one model; by default the union over every model listed.

    Returns
    -------
    ndarray of int
        Sorted R row numbers.

    References
    ----------
    Ragin, C. C., & Sonnett, J. (2005). Between complexity and parsimony: limited diversity,
    counterfactual cases, and comparative analysis. In *Vergleichen in der Politikwissenschaft*.
    """
    if not isinstance(sol, Solution):
        raise QCAError(
            f"simplifying_assumptions needs a Solution (from qca.minimize); got {type(sol).__name__}"
        )
    if model is not None and not (isinstance(model, int) and 0 <= model < len(sol.models)):
        raise QCAError(f"model must be an index 0..{len(sol.models) - 1}; got {model!r}")
    models = sol.models if model is None else (sol.models[model],)
    if not models:
        return np.zeros(0, dtype=np.int64)
    tt = sol.truth_table
    cubes = np.vstack([m.cubes for m in models])
    inside = _cube_rows(cubes, tt.levels)
    return np.setdiff1d(inside, _observed(tt))


def _ssr(tt: TruthTable, neg: TruthTable) -> np.ndarray:
    pos_rows = set(tt.rows.index[tt.rows["OUT"] == "1"])
    neg_rows = set(neg.rows.index[neg.rows["OUT"] == "1"])
    return np.asarray(sorted(pos_rows & neg_rows), dtype=np.int64)


def _csa(tt: TruthTable, neg: TruthTable) -> np.ndarray:
    sas = []
    for table in (tt, neg):
        if not (table.rows["OUT"] == "1").any():
            return np.zeros(0, dtype=np.int64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", QCAWarning)
            sol = minimize(table, include="?")
        sas.append(simplifying_assumptions(sol))
    return np.intersect1d(sas[0], sas[1])


def find_rows(
    tt: TruthTable,
    expression: str | Expression | None = None,
    type: int | str = 1,  # noqa: A002 - R's argument name
    observed: bool = False,
) -> list[int]:
    """Find untenable or incoherent truth-table rows, as R's QCA ``findRows()``.

    Parameters
    ----------
    tt : TruthTable
    expression : str or Expression, optional
        Needed for type 1, e.g. ``"~DEV*STB"``: the rows that are subsets of it.
    type : {1, 2, 3, 0} or {"subset", "csa", "ssr", "all"}
        1: remainders that are subsets of ``expression``;
        2: contradictory simplifying assumptions - remainders used as simplifying assumptions
        by the parsimonious solutions of both the outcome and its negation (same cut-offs);
        3: simultaneous subset relations - observed rows with OUT = 1 for both the outcome and
        its negation;
        0: the union of all three (type 1 only when an expression is given).
    observed : bool
        For type 1, also list the observed rows (positive, negative, contradictory) inside
        the expression.

    Returns
    -------
    list of int
        Sorted R row numbers.

    Raises
    ------
    QCAError
        Bad type, missing expression for type 1, or an unknown condition in the expression.

    References
    ----------
    Dusa, A. (2019). *QCA with R*, sections 8.6-8.8. Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> from qca import truth_table
    >>> d = pd.DataFrame({"A": [0, 1, 1], "B": [1, 0, 1], "Y": [0, 1, 1]})
    >>> find_rows(truth_table(d, "Y"), "~A*~B")
    [1]
    """
    tt = _check_tt(tt)
    if isinstance(type, str):
        inverse = {v: k for k, v in _TYPES.items()}
        if type.lower() not in inverse:
            raise QCAError(f"type must be 0, 1, 2, 3 or one of {sorted(inverse)}; got {type!r}")
        kind = inverse[type.lower()]
    elif isinstance(type, int | np.integer) and int(type) in _TYPES:
        kind = int(type)
    else:
        raise QCAError(f"type must be 0 (all), 1 (subset), 2 (CSA) or 3 (SSR); got {type!r}")
    if kind == 1 and expression is None:
        raise QCAError("find_rows type 1 needs an expression, e.g. find_rows(tt, '~A*B')")
    found: set[int] = set()
    if expression is not None and kind in (0, 1):
        levels = dict(zip(tt.conditions, tt.levels))
        expr = parse(expression, conditions=list(tt.conditions), levels=levels)
        inside = _cube_rows(_expression_cubes(expr, tt), tt.levels)
        if not observed:
            inside = np.setdiff1d(inside, _observed(tt))
        found.update(int(r) for r in inside)
    if kind in (0, 2, 3):
        neg = _rebuild(tt, negated=True)
        if kind in (0, 2):
            found.update(int(r) for r in _csa(tt, neg))
        if kind in (0, 3):
            found.update(int(r) for r in _ssr(tt, neg))
    return sorted(found)


def esa(
    tt: TruthTable,
    exclude: Iterable[int] | str | Expression | None = None,
    csa: bool = False,
) -> TruthTable:
    """Enhanced Standard Analysis: a new truth table with untenable remainders coded negative.

    Parameters
    ----------
    tt : TruthTable
    exclude : iterable of int, or an expression
        Remainder row numbers to exclude, or an expression whose remainders are excluded
        (``find_rows(tt, expression)``).
    csa : bool
        Also exclude the contradictory simplifying assumptions (``find_rows(tt, type=2)``).

    Returns
    -------
    TruthTable
        Same data and cut-offs; the excluded rows get OUT "0" and are kept out of every
        solution (``minimize`` treats them as negative).

    Raises
    ------
    QCAError
        When a row number is not a remainder of ``tt``.

    References
    ----------
    Schneider, C. Q., & Wagemann, C. (2013). Doing justice to logical remainders in QCA.
    *Political Research Quarterly* 66(1), 211-220.
    """
    tt = _check_tt(tt, "esa")
    if exclude is None:
        rows: set[int] = set()
    elif isinstance(exclude, str | Expression):
        rows = set(find_rows(tt, exclude, type=1))
    else:
        try:
            rows = {int(r) for r in exclude}
        except (TypeError, ValueError):
            raise QCAError(f"exclude must be row numbers or an expression; got {exclude!r}") from None
    if csa:
        rows |= set(find_rows(tt, type=2))
    n_space = int(np.prod(np.asarray(tt.levels, dtype=float)))
    bad = sorted(r for r in rows if not 1 <= r <= n_space)
    if bad:
        raise QCAError(f"esa: row numbers must be between 1 and {n_space}; got {bad}")
    not_remainders = sorted(set(_observed(tt).tolist()) & rows)
    if not_remainders:
        raise QCAError(
            f"esa: rows {not_remainders} are observed (not remainders); only remainders can be excluded"
        )
    return _rebuild(tt, exclude=rows)


def row_dominance(sol: Solution) -> list[str]:
    """Prime implicants dominated by another one in the prime-implicant chart.

    A prime implicant is dominated when the positive rows it covers are a subset of the rows
    covered by another prime implicant. Among prime implicants that cover exactly the same rows
    the first listed one (fewest literals, see :func:`qca.minimize`) is kept and the others are
    dominated. Removing the dominated implicants before solving the chart is what R's
    ``minimize(..., row.dom = TRUE)`` does.

    Parameters
    ----------
    sol : Solution

    Returns
    -------
    list of str
        The dominated prime implicants, in chart order.

    References
    ----------
    McCluskey, E. J. (1956). Minimization of Boolean functions. *Bell System Technical Journal*
    35(6), 1417-1444 (row dominance in the prime-implicant chart).
    Dusa, A. (2019). *QCA with R*, section 8.3. Springer.
    """
    if not isinstance(sol, Solution):
        raise QCAError(f"row_dominance needs a Solution (from qca.minimize); got {type(sol).__name__}")
    chart = sol.pi_chart.to_numpy(dtype=bool)
    if chart.shape[0] == 0:
        return []
    c = chart.astype(np.int32)
    inter = c @ c.T  # rows covered by both
    size = c.sum(axis=1)
    subset = inter == size[:, None]  # [i, j]: rows of i are inside rows of j
    np.fill_diagonal(subset, False)
    equal = subset & subset.T
    strictly = subset & ~equal
    n = chart.shape[0]
    earlier = np.tri(n, k=-1, dtype=bool)  # [i, j] True where j < i
    dominated = strictly.any(axis=1) | (equal & earlier).any(axis=1)
    return [sol.prime_implicants[i] for i in np.flatnonzero(dominated)]

