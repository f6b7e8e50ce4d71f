"""Conservative and parsimonious solutions: prime implicants, chart, minimum covers.

The job between a truth table and a :class:`~qca.solution.Solution`: the sets of rows to cover
and to avoid (R's ``minimize()`` semantics, Dusa 2019, ch. 8), the prime implicants
(:mod:`qca.primes`), the chart and its minimum covers (:mod:`qca.cover`), and the words for how
complete the search is. :func:`qca.minimize` validates the arguments and dispatches here (or to
:mod:`qca.intermediate`, which calls :func:`solve` for its conservative and parsimonious parts).

References
----------
Dusa, A. (2019). *QCA with R: A Comprehensive Resource*, ch. 8. Springer.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

from .cover import DEFAULT_MAX_MODELS, CoverResult, minimum_covers
from .exceptions import IncompleteSearchWarning, QCAError
from .expressions import Expression
from .fit import sufficiency
from .primes import covers, find_prime_implicants
from .solution import Model, Solution, _cube_names, cube_memberships, cube_terms
from .truth_table import TOLERANCE, TruthTable, row_numbers

__all__ = ["solve", "solution_from_primes", "search_status", "warn_incomplete", "DEFAULT_TIME_LIMIT"]

#: Default time budget of :func:`qca.minimize`, in seconds.
DEFAULT_TIME_LIMIT = 10.0


def solve(
    tt: TruthTable,
    include_t: tuple[str, ...],
    *,
    max_models: int = DEFAULT_MAX_MODELS,
    method: str = "auto",
    pi_cons: float = 0.0,
    row_dom: bool = False,
    all_sol: bool = False,
    deadline: float | None = None,
    time_limit: float | None = None,
    max_nodes: int | None = None,
    warn: bool = True,
    lean: bool = False,
) -> Solution:
    """The conservative (``"?"`` not in ``include_t``) or parsimonious solution of ``tt``.

    Arguments as :func:`qca.minimize` (already validated); ``deadline`` is the absolute
    ``time.monotonic()`` end of the budget, ``time_limit`` the budget in words. With
    ``lean=True`` only the implicants, the models as their rows and the search's status are
    returned (a :class:`LeanSolution`, for callers that use nothing else).
    """
    on, off, dont_care, remainders = _sets(tt, include_t)
    if on.shape[0] == 0:
        raise QCAError(
            f"no truth-table row has OUT = 1 for outcome {tt.outcome!r}: nothing to explain "
            f"(incl_cut {tt.incl_cut[0]:g}, n_cut {tt.n_cut}, pri_cut {tt.pri_cut:g})"
        )
    start = time.monotonic()
    pis, primes_complete = find_prime_implicants(
        on, off, tt.levels, remainders, dont_care=dont_care, method=method,
        deadline=_share_of(deadline, start, 0.6),
        seconds_per_prime=_POST_SECONDS_PER_PI + _CHART_SECONDS_PER_CELL * on.shape[0],
    )
    # What is left of the budget goes to the cover search, less a reserve for the result
    # objects (naming every implicant, the models), which grows with the implicants found.
    if deadline is not None:
        reserve = _POST_SECONDS_PER_PI * len(pis) + 0.01 * (deadline - start)
        deadline = max(time.monotonic(), deadline - reserve)
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
    seconds = 0.5 if deadline is None else max(0.0, min(0.5, 0.05 * (deadline - time.monotonic())))
    if primes_complete:
        lower = None
    else:
        lower = _incompatible_rows(on, off, seconds) if remainders == "dont_care" else 1
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
        max_nodes=max_nodes,
        warn=warn,
        lean=lean,
    )
    if not lean:
        sol.__dict__["_chart"] = chart  # Solution._chart: the same implicants over the same rows
    return sol


#: Seconds reserved per prime implicant for building the result (names, models) when a
#: ``time_limit`` applies: measured ~8 us per implicant on a loaded 2-core machine, doubled.
_POST_SECONDS_PER_PI = 16e-6

#: Seconds per cell of the chart (implicants x positive rows) for building and reducing it
#: before the search (tabulating, the sparse structure, the greedy fallback): measured ~15 ns
#: on a loaded 2-core machine, doubled. With the above, prime-implicant generation under a
#: ``time_limit`` stops early enough for the chart of what it found to be solved in time.
_CHART_SECONDS_PER_CELL = 30e-9


def _share_of(deadline: float | None, start: float, share: float) -> float | None:
    """The deadline for a stage that may use ``share`` of the budget from ``start`` on."""
    return None if deadline is None else start + share * (deadline - start)


def _sets(tt: TruthTable, include: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    # (TruthTable.configs_with for each code, the table checked once.)
    tt.check_unedited()
    codes, configs = tt.out_codes, tt.configs
    on = configs[codes == "1"]
    contradictions = configs[codes == "C"]
    dont_care = np.vstack([contradictions if "C" in include else np.zeros((0, len(tt.levels)), int)])
    off = np.vstack([configs[codes == "0"], *([] if "C" in include else [contradictions])])
    if "?" in include:
        # Remainders are don't-cares, except those excluded (coded negative) by the user.
        return on, np.vstack([off, tt.excluded_configs]), dont_care, "dont_care"
    return on, off, dont_care, "negative"


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
    sub = np.all(chart[:, None, :] <= chart[None, :, :], axis=2)  # sub[p, q]: rows(p) within rows(q)
    equal = sub & sub.T
    earlier = np.tri(n, k=-1, dtype=bool)  # earlier[p, q]: q < p
    strictly = sub & ~equal
    return (strictly | (equal & earlier)).any(axis=1)


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
        by_nodes = res.stopped_by == "max_nodes"
        text = (
            f"search stopped at {'max_nodes' if by_nodes else tl}: {n_listed} model(s) of size {high} "
            f"found, minimum between {low} and {high}"
        )
        return text, (low, high), "max_nodes" if by_nodes else "time_limit"
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


class LeanSolution(NamedTuple):
    """What :func:`solve` gives with ``lean=True``: the implicants, each model as rows of
    them (in the order of the models), and the search's status (as :class:`Solution`)."""

    pi_cubes: np.ndarray
    model_covers: list[tuple[int, ...]]
    search_complete: bool
    search_finished: bool
    search_status: str


def ordered_covers(cover_list: Sequence[tuple[int, ...]], pis: np.ndarray) -> list[tuple[int, ...]]:
    """Covers in the order models are listed: fewest implicants, then fewest literals, then
    lowest implicant indices."""
    if len(cover_list) <= 1:
        return list(cover_list)
    literal = (pis >= 0).sum(axis=1).tolist().__getitem__
    return sorted(cover_list, key=lambda c: (len(c), sum(map(literal, c)), c))


def models_of_covers(
    model_covers: Sequence[tuple[int, ...]], pis: np.ndarray, names: Sequence[str], tt: TruthTable
) -> tuple[list[Model], list[int]]:
    """The :class:`~qca.solution.Model` of each cover (implicant indices into ``pis`` and
    ``names``), with its :attr:`~qca.solution.Model.expression` already set (the value it would
    compute itself, each implicant's term built once), and the implicants used, ascending."""
    flat_index = list(chain.from_iterable(model_covers))
    used = sorted(set(flat_index))
    term_of = dict(zip(used, cube_terms(pis[used], tt.conditions))).__getitem__
    name = names.__getitem__
    # Every model's cubes cut from one gathered array (one fancy index instead of one a model).
    flat = pis[flat_index]
    models = []
    end = 0
    for cov in model_covers:
        start, end = end, end + len(cov)
        model = Model(tuple(map(name, cov)), flat[start:end], tt)
        model.__dict__["expression"] = Expression(tuple(map(term_of, cov)))  # (a cached property)
        models.append(model)
    return models, used


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
    max_nodes: int | None = None,
    lean: bool = False,
    **extra: object,
) -> Solution:
    """Solve the prime-implicant chart of ``pis`` over the positive configurations ``on``.

    ``primes_lower_bound`` is given (a valid lower bound on the minimum size) when ``pis`` is
    only part of the prime implicants (generation stopped at the deadline). ``lean``: as
    :func:`solve`.
    """
    if chart is None:
        chart = covers(pis, on)
    res = minimum_covers(
        chart,
        max_models=max_models,
        max_nodes=max_nodes,
        irredundant=all_sol,
        deadline=deadline,
        costs=(pis >= 0).sum(axis=1),
    )
    ordered = ordered_covers(res.covers, pis)
    if lean:
        status, _, _ = search_status(res, len(ordered), time_limit, primes_lower_bound)
        return LeanSolution(  # type: ignore[return-value]
            pi_cubes=pis,
            model_covers=ordered,
            search_complete=res.complete and primes_lower_bound is None,
            search_finished=res.counted_all and res.size_proven and primes_lower_bound is None,
            search_status=status,
        )
    names = _cube_names(pis, tt.conditions, tt.multivalue)
    models, _ = models_of_covers(ordered, pis, names, tt)
    in_some = res.in_some if not all_sol else tuple(sorted({p for c in res.covers for p in c}))
    status, bounds, setting = search_status(res, len(models), time_limit, primes_lower_bound)
    search_complete = res.complete and primes_lower_bound is None
    notes = list(notes)
    if not search_complete:
        notes.append(status)
        if warn:
            warn_incomplete(status, setting, stacklevel=4)
    sol = Solution(
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
        tie_implicants=tuple(names[p] for p in in_some),
        first_model_exact=(res.best_exact or all_sol) and primes_lower_bound is None,
        search_finished=res.counted_all and res.size_proven and primes_lower_bound is None,
        **extra,  # type: ignore[arg-type]
    )
    sol.__dict__["_model_covers"] = ordered  # each model's implicants as rows of ``pis``
    return sol

