"""Boolean minimization of a truth table: conservative, parsimonious and intermediate solutions.

Semantics follow R's QCA ``minimize()`` (Dusa 2019): the positive rows (OUT = "1") must be
covered; negative rows ("0") and contradictions ("C") must not be, unless ``include`` lists
them; logical remainders ("?") are don't-cares with ``include="?"`` (parsimonious solution) and
negative otherwise (conservative, or complex, solution). A model is a disjunction of prime
implicants with the fewest implicants; every tied model is returned.

This module is the entry point: it validates the arguments and dispatches to
:mod:`qca.search` (conservative, parsimonious) or :mod:`qca.intermediate`; the result classes
are in :mod:`qca.solution` (re-exported here).

References
----------
Ragin, C. C. (1987). *The Comparative Method*. University of California Press.
Dusa, A. (2019). *QCA with R: A Comprehensive Resource*, ch. 8. Springer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from ._validation import check_fraction
from .cover import DEFAULT_MAX_MODELS, deadline_from
from .exceptions import QCAError
from .intermediate import intermediate_solution
from .search import DEFAULT_TIME_LIMIT, solve
from .solution import Model, Solution, cube_memberships, cube_string, cube_terms, remainder_mask
from .truth_table import TOLERANCE, TruthTable

__all__ = [
    "Model",
    "Solution",
    "minimize",
    "cube_terms",
    "cube_string",
    "cube_memberships",
    "remainder_mask",
    "DEFAULT_TIME_LIMIT",
]


def _parse_include(include: str | Sequence[str] | None) -> tuple[str, ...]:
    if include is None:
        return ()
    items = [s.strip() for s in include.split(",")] if isinstance(include, str) else list(include)
    items = [s for s in items if s]
    bad = [s for s in items if s not in ("?", "C")]
    if bad:
        raise QCAError(f"include may contain '?' (remainders) and 'C' (contradictions); got {bad}")
    return tuple(dict.fromkeys(items))


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
    max_nodes: int | None = None,
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
        R has no such budget: this is a deliberate difference. Prime-implicant generation gets
        60 % of the budget (less a reserve per implicant found for building and solving its
        chart) and the cover search the rest, less a reserve for listing the models; the dense
        prime-implicant algorithm, which cannot be interrupted, is used only when its
        estimated time fits. On the hard tables of ``benchmarks/bench_scale.py`` the call
        returns within 10 % of the limit (measured there, with the load). The answer depends
        on the machine's speed: use ``max_nodes`` with ``time_limit=None`` where results are
        stored.
    max_nodes : int or None
        A deterministic work budget: the most search nodes of each minimum-cover search (the
        chart's exact search and tie count; for an intermediate solution, each of its
        searches). With ``time_limit=None`` the answer depends only on the truth table and
        this number, never on the machine or its load (use it where results are stored).
        None: no bound.

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
    if max_nodes is not None and (
        isinstance(max_nodes, bool) or not isinstance(max_nodes, int | np.integer) or max_nodes < 1
    ):
        raise QCAError(f"max_nodes must be a whole number >= 1 or None (no bound); got {max_nodes!r}")
    deadline = deadline_from(time_limit)
    include_t = _parse_include(include)
    pi_cons = check_fraction(pi_cons, "pi_cons")
    sol_cons = check_fraction(sol_cons, "sol_cons")
    if dir_exp is not None and (pi_cons or row_dom or all_sol):
        raise QCAError("pi_cons, row_dom and all_sol are not available with an intermediate solution")
    if dir_exp is not None:
        if "?" not in include_t:
            raise QCAError("an intermediate solution (dir_exp) needs include='?'")
        sol = intermediate_solution(
            tt, dir_exp, include_t, max_models=max_models, method=method, time_limit=time_limit
        )
        return _filter_models(sol, sol_cons)
    return _filter_models(
        solve(
            tt,
            include_t,
            max_models=max_models,
            method=method,
            pi_cons=pi_cons,
            row_dom=row_dom,
            all_sol=all_sol,
            deadline=deadline,
            time_limit=time_limit,
            max_nodes=max_nodes,
        ),
        sol_cons,
    )



def _check_time_limit(time_limit: float | None) -> float | None:
    if time_limit is None:
        return None
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float | np.integer | np.floating):
        raise QCAError(f"time_limit must be a number of seconds or None; got {time_limit!r}")
    if not np.isfinite(time_limit) or time_limit < 0:
        raise QCAError(f"time_limit must be a number of seconds >= 0 or None (no limit); got {time_limit!r}")
    return float(time_limit)


def _filter_models(sol: Solution, sol_cons: float) -> Solution:
    if sol_cons <= 0:
        return sol
    kept = tuple(m for m in sol.models if m.fit["inclS"] + TOLERANCE >= sol_cons)
    note = f"{len(sol.models) - len(kept)} model(s) below sol_cons {sol_cons:g} dropped"
    return dataclasses.replace(sol, models=kept, n_models=len(kept), notes=(*sol.notes, note))


