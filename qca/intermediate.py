"""Intermediate solutions from directional expectations (Ragin & Sonnett 2005).

For every pair of a conservative model ``Ci`` and a parsimonious model ``Pj`` (R's ``CiPj``):

1. each conservative term ``c`` that is a subset of a parsimonious term ``p`` is simplified by
   dropping the literals of ``c`` that are absent from ``p`` and run against the directional
   expectations (e.g. ``~URB`` when the expectation is ``URB``): the remainders this lets in
   are *easy counterfactuals*; literals that agree with an expectation, or have none, are kept
   (dropping them would need difficult counterfactuals);
2. the positive rows are minimized again with the easy counterfactuals as the only
   don't-cares, and every minimal cover is an intermediate model.

Work shared between pairs is done once: the simplification of each conservative implicant
against each parsimonious implicant (array operations), the candidate cubes of every pair (matrix
products), and the re-minimization for each distinct set of easy counterfactuals (many pairs lead
to the same set; the prime implicants and charts of all sets come from one array pass, and only
the minimum covers are searched set by set, without building a solution object for each; the
conservative solution, when computed here, is kept to its implicants, models and status). The
pairs are visited within the time budget of :func:`qca.minimize`; when it runs out, the models
of the pairs visited so far are returned and the solution says how many pairs were left (R
visits every pair, without a budget).

A conjunctural expectation such as ``"LIT*~URB"`` (Dusa 2019, sect. 8.7) applies to a term only
when the term agrees with the rest of the conjunction: ``URB`` is dropped from a term holding
``LIT`` but not from one holding ``~LIT``.

References
----------
Ragin, C. C., & Sonnett, J. (2005). Between complexity and parsimony: limited diversity,
counterfactual cases, and comparative analysis. In S. Kropp & M. Minkenberg (Eds.),
*Vergleichen in der Politikwissenschaft* (pp. 180-197). VS Verlag.
Ragin, C. C. (2008). *Redesigning Social Inquiry*, ch. 9. University of Chicago Press.
Dusa, A. (2019). *QCA with R*, sect. 8.6-8.7. Springer.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

import numpy as np

from .cover import DEFAULT_MAX_MODELS, deadline_from, minimum_covers
from .exceptions import QCAError, QCAWarning
from .expressions import parse
from .primes import DENSE_LIMIT, configs_in, covers, dense_primes_many, find_prime_implicants, sort_cubes
from .search import (
    DEFAULT_TIME_LIMIT,
    LeanSolution,
    models_of_covers,
    ordered_covers,
    search_status,
    solve,
    warn_incomplete,
)
from .solution import Solution, _cube_names, remainder_mask
from .truth_table import TruthTable, row_numbers

__all__ = ["intermediate_solution", "parse_directions"]

Direction = dict[int, frozenset[int]]


def parse_directions(dir_exp: Sequence[str] | str, tt: TruthTable) -> list[Direction]:
    """Directional expectations as a list of ``{condition index: expected values}``.

    Each item is a literal (``"DEV"``, ``"~IND"``, ``"A[1,2]"``) or a conjunction of them
    (``"LIT*~URB"``); a comma-separated string is split into items.
    """
    items = [s.strip() for s in dir_exp.split(",")] if isinstance(dir_exp, str) else list(dir_exp)
    if all(isinstance(item, str) for item in items):
        # A simulation study asks for the same expectations of every replication's table.
        parsed = _parsed_directions(tuple(items), tuple(tt.conditions), tuple(tt.levels))
        return [dict(d) for d in parsed]
    return _parse_directions(items, tt.conditions, tt.levels)


@lru_cache(maxsize=256)
def _parsed_directions(
    items: tuple[str, ...], conditions: tuple[str, ...], levels: tuple[int, ...]
) -> tuple[tuple[tuple[int, frozenset[int]], ...], ...]:
    return tuple(tuple(d.items()) for d in _parse_directions(list(items), conditions, levels))


def _parse_directions(items: list, conditions: Sequence[str], tt_levels: Sequence[int]) -> list[Direction]:
    levels = dict(zip(conditions, tt_levels))
    pos = {c: j for j, c in enumerate(conditions)}
    out: list[Direction] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise QCAError(f"dir_exp items must be expressions such as 'DEV' or '~IND'; got {item!r}")
        expr = parse(item, levels=levels)
        unknown = [c for c in expr.conditions if c not in pos]
        if unknown:
            raise QCAError(
                f"dir_exp {item!r} names {', '.join(map(repr, unknown))}, which is not among the "
                f"conditions analysed ({', '.join(conditions)})"
            )
        if len(expr.terms) != 1:
            raise QCAError(f"dir_exp {item!r} must be a literal or a conjunction, not a disjunction")
        out.append({pos[c]: v for c, v in expr.terms[0].literals})
    merged: dict[int, frozenset[int]] = {}
    conjunctural = []
    for d in out:
        if len(d) == 1:
            ((j, v),) = d.items()
            merged[j] = merged.get(j, frozenset()) | v
        else:
            conjunctural.append(d)
    return [{j: v} for j, v in merged.items()] + conjunctural


def _dropped_literals(cubes: np.ndarray, directions: list[Direction]) -> np.ndarray:
    """Boolean (cubes x conditions): the literals of each cube that run against an applicable
    expectation (its value is not the expected one, and the cube agrees with the rest of the
    expectation's conjunction); they are dropped where a parsimonious implicant leaves the
    condition out."""
    fixed = cubes >= 0
    out = np.zeros(cubes.shape, dtype=bool)
    # Expectations of one value of one condition (the usual ones), all at once.
    simple = [
        (j, v) for d in directions if len(d) == 1 for j, vals in d.items() if len(vals) == 1 for v in vals
    ]
    if len({j for j, _ in simple}) < len(simple):
        simple = []  # (a condition twice: each in turn, below)
    if simple:
        cols, values = np.array(simple, dtype=np.int64).T
        out[:, cols] |= fixed[:, cols] & (cubes[:, cols] != values)
    for d in directions:
        if simple and len(d) == 1 and len(next(iter(d.values()))) == 1:
            continue
        agree = {i: np.logical_or.reduce([cubes[:, i] == v for v in vals]) for i, vals in d.items()}
        for j in d:
            against = fixed[:, j] & ~agree[j]  # (levels are >= 0: agreeing implies fixed)
            for i in d:
                if i != j:
                    against &= agree[i]
            out[:, j] |= against
    return out


def intermediate_solution(
    tt: TruthTable,
    dir_exp: Sequence[str] | str,
    include: tuple[str, ...] = ("?",),
    max_models: int = DEFAULT_MAX_MODELS,
    method: str = "auto",
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    max_nodes: int | None = None,
    conservative: Solution | None = None,
    parsimonious: Solution | None = None,
) -> Solution:
    """Intermediate solution of a truth table for the given directional expectations.

    Parameters
    ----------
    tt : TruthTable
    dir_exp : sequence of str
        Directional expectations, e.g. ``["DEV", "URB", "LIT", "IND", "STB"]`` or
        ``["~IND", "LIT*~URB"]``. Conditions without an expectation keep their literals.
    include : tuple of str
        Must contain ``"?"``; ``"C"`` also lets contradictions be covered.
    max_models, method, time_limit, max_nodes
        As :func:`qca.minimize`; the time budget covers the conservative and parsimonious
        solutions and every pair; ``max_nodes`` bounds each cover search.
    conservative, parsimonious : Solution, optional
        The conservative and parsimonious solutions of ``tt`` when already computed (with
        the same ``include``, ``max_models`` and ``method``), reused instead of recomputed.

    Returns
    -------
    Solution
        ``solution_type="intermediate"``; ``models`` are the distinct intermediate models over
        every conservative x parsimonious pair; ``easy_counterfactuals`` and
        ``simplifying_assumptions`` list R row numbers.

    Examples
    --------
    >>> import pandas as pd, qca
    >>> d = pd.DataFrame({"A": [1, 1, 0], "B": [1, 0, 0], "C": [1, 1, 0], "Y": [1, 1, 0]})
    >>> tt = qca.truth_table(d, "Y")
    >>> str(qca.minimize(tt, include="?", dir_exp=["A", "C"]).models[0])
    'A*C'
    """
    directions = parse_directions(dir_exp, tt)
    deadline = deadline_from(time_limit)
    rest = tuple(i for i in include if i != "?")
    common = {"max_models": max_models, "method": method, "max_nodes": max_nodes, "warn": False}
    with warnings.catch_warnings():
        # One warning for the whole solution, below; each part keeps a share of the budget.
        warnings.simplefilter("ignore", QCAWarning)
        if conservative is None:
            # (Only its implicants, models and status are used: no names or model objects.)
            share = _share(deadline, 3)
            conservative = solve(
                tt, rest, deadline=deadline_from(share), time_limit=share, lean=True, **common  # type: ignore[arg-type]
            )
        if parsimonious is None:
            share = _share(deadline, 2)
            parsimonious = solve(
                tt, include, deadline=deadline_from(share), time_limit=share, **common  # type: ignore[arg-type]
            )
    on = tt.configs_with("1")
    contradictions = tt.configs_with("C") if "C" in include else np.zeros((0, len(tt.levels)), np.int64)

    cp, pp = conservative.pi_cubes, parsimonious.pi_cubes
    subset = ((cp[:, None, :] == pp[None, :, :]) | (pp[None, :, :] < 0)).all(axis=2)
    # Every candidate cube once: the conservative implicants themselves and their
    # simplifications against each parsimonious implicant they lie in (ids into ``cubes``).
    ii, jj = np.nonzero(subset)
    candidates = cp[ii].astype(np.int64)
    candidates[_dropped_literals(cp, directions)[ii] & (pp[jj] < 0)] = -1
    every_cube = np.vstack([cp.astype(np.int64), candidates])
    first, cube_id = _first_seen(every_cube)
    cubes = every_cube[first]
    own = cube_id[: cp.shape[0]]
    simplified = np.full(subset.shape, -1, dtype=np.int64)
    simplified[ii, jj] = cube_id[cp.shape[0] :]

    c_member = _model_membership(conservative, cp)
    p_member = _model_membership(parsimonious, pp)
    pair_keys = _pair_candidates(c_member, p_member, subset, own, simplified, cubes.shape[0])
    n_c, n_p = c_member.shape[0], p_member.shape[0]
    n_pairs = n_c * n_p
    # Pairs with the same candidate cubes share one re-minimisation, as do candidate sets that
    # let in the same easy counterfactuals: both numbered by first appearance in pair order.
    key_first, key_of_pair = _first_seen(pair_keys)
    easy_first, easy_of_key, easy_sets = _easy_counterfactuals(tt, cubes, pair_keys[key_first])
    easy_of_pair = easy_of_key[key_of_pair]
    pair_first_of_easy = key_first[easy_first]  # the pair at which each set is first needed

    # Pairs in order until the deadline (the pairs up to the first one needing a set not yet
    # solved are visited).
    solved: list[_Reminimized] = []
    dont_cares = easy_sets
    if contradictions.size:
        dont_cares = [np.vstack([easy, contradictions]) for easy in easy_sets]
    charts = _charts(tt, on, dont_cares, method, deadline)
    easy_rows = _split_rows(easy_sets, tt.levels)
    for rows, (primes, primes_done, chart) in zip(easy_rows, charts):
        solved.append(
            _reminimize(rows, primes, primes_done, chart, deadline, time_limit, max_models, max_nodes)
        )
        if len(solved) < len(easy_sets) and deadline is not None and time.monotonic() >= deadline:
            break
    visited = n_pairs if len(solved) == len(easy_sets) else int(pair_first_of_easy[len(solved)])
    pair_sol = easy_of_pair[:visited].tolist()

    k = len(tt.levels)
    every_prime = np.vstack([s.primes for s in solved]) if solved else np.zeros((0, k), dtype=np.int8)
    pis = sort_cubes(every_prime)
    names = _cube_names(pis, tt.conditions, tt.multivalue)
    literals = (pis >= 0).sum(axis=1).tolist()
    # Each solution's models as indices into ``pis`` (its primes are in the same order).
    where_all = _positions(pis, every_prime)
    sol_models = []
    start = 0
    for s in solved:
        where = where_all[start : start + s.primes.shape[0]].__getitem__
        start += s.primes.shape[0]
        sol_models.append([tuple(map(where, cov)) for cov in s.covers])
    distinct_models = {m for ms in sol_models for m in ms}
    literal, name = literals.__getitem__, names.__getitem__
    ordered_keys = sorted(distinct_models, key=lambda m: (len(m), sum(map(literal, m)), tuple(map(name, m))))
    position = {m: i for i, m in enumerate(ordered_keys)}
    ordered, used = models_of_covers(ordered_keys, pis, names, tt)
    sources = [tuple(position[m] for m in ms) for ms in sol_models]
    labels = _pair_labels(n_c, n_p)[:visited]
    model_sources = tuple(zip(labels, (sources[s] for s in pair_sol)))

    easy_all = sorted({r for s in solved for r in s.easy_rows})
    notes = [f"directional expectations: {', '.join(_direction_strings(directions, tt))}"]
    if 1 < visited <= 12:
        text = {m: " + ".join(names[p] for p in m) or "0" for m in distinct_models}
        notes += [f"{label}: " + "; ".join(text[m] for m in sol_models[s])
                  for label, s in zip(labels, pair_sol)]
    elif visited > 12:
        notes.append(f"{visited} pairs of conservative and parsimonious models (CiPj) were combined")
    sizes = [len(m) for m in ordered_keys] or [0]
    pair_solutions = [solved[s] for s in dict.fromkeys(pair_sol)]  # distinct, first seen first
    status, setting = _status(
        conservative, parsimonious, pair_solutions, visited, n_pairs, len(ordered), time_limit
    )
    complete = (
        conservative.search_complete
        and parsimonious.search_complete
        and all(sol.search_complete for sol in pair_solutions)
        and visited == n_pairs
    )
    finished = (
        conservative.search_finished
        and parsimonious.search_finished
        and all(sol.search_finished for sol in pair_solutions)
        and visited == n_pairs
    )
    if not complete:
        notes.append(status)
        warn_incomplete(status, setting, stacklevel=5)
    return Solution(
        truth_table=tt,
        solution_type="intermediate",
        include=include,
        models=tuple(ordered),
        prime_implicants=names,
        pi_cubes=pis,
        essential=(),
        n_models=len(ordered),
        complete=complete,
        notes=tuple(notes),
        parsimonious=parsimonious,
        easy_counterfactuals=tuple(easy_all),
        model_sources=model_sources,
        search_complete=complete,
        min_size_bounds=(min(sizes), min(sizes)),
        search_status=status,
        tie_implicants=tuple(names[p] for p in used),
        first_model_exact=finished,
        search_finished=finished,
    )


class _Reminimized(NamedTuple):
    """One re-minimisation of the positive rows with a set of easy counterfactuals: what the
    intermediate solution needs of it (the same as :func:`~qca.search.solution_from_primes`
    would give, without building the models)."""

    easy_rows: list[int]  # R row numbers of the easy counterfactuals
    primes: np.ndarray  # sorted as :func:`~qca.primes.sort_cubes`
    covers: list[tuple[int, ...]]  # the models as prime indices, in the order of the models
    search_complete: bool
    search_finished: bool
    search_status: str


def _charts(
    tt: TruthTable, on: np.ndarray, dont_cares: list[np.ndarray], method: str, deadline: float | None
) -> Iterator[tuple[np.ndarray, bool, np.ndarray]]:
    """The prime implicants (remainders negative), whether they are all of them, and the chart
    over ``on`` for each set of don't-cares, computed as they are asked for.

    Where :func:`~qca.primes.find_prime_implicants` would use the dense algorithm, sets are
    taken in chunks by :func:`~qca.primes.dense_primes_many` (the same implicants).
    """
    k = len(tt.levels)
    space = float(np.prod(np.asarray(tt.levels, dtype=float) + 1))
    if method == "dense" or (method == "auto" and space <= DENSE_LIMIT):
        step = max(1, int(_CHUNK_CUBES // space))
        for lo in range(0, len(dont_cares), step):
            found = dense_primes_many(on, dont_cares[lo : lo + step], tt.levels)
            chart = covers(np.vstack(found), on)
            ends = np.cumsum([p.shape[0] for p in found]).tolist()
            for primes, start, end in zip(found, [0, *ends], ends):
                yield primes, True, chart[start:end]
        return
    no_off = np.zeros((0, k), np.int64)
    for dont_care in dont_cares:
        primes, done = find_prime_implicants(
            on, no_off, tt.levels, "negative", dont_care=dont_care, method=method, deadline=deadline
        )
        yield primes, done, covers(primes, on)


#: Cubes tabulated per chunk of don't-care sets by :func:`_charts` (one byte each).
_CHUNK_CUBES = 1 << 18


def _split_rows(sets: list[np.ndarray], levels: Sequence[int]) -> list[list[int]]:
    """R row numbers of the configurations of each set (one product for all sets)."""
    if not sets:
        return []
    numbers = row_numbers(np.vstack(sets), levels).tolist()
    ends = np.cumsum([x.shape[0] for x in sets]).tolist()
    return [numbers[end - x.shape[0] : end] for x, end in zip(sets, ends)]


def _reminimize(
    easy_rows: list[int],
    primes: np.ndarray,
    primes_done: bool,
    chart: np.ndarray,
    deadline: float | None,
    time_limit: float | None,
    max_models: int,
    max_nodes: int | None,
) -> _Reminimized:
    """The minimum covers of the chart of the positive rows with the easy counterfactuals (and
    contradictions) as the only don't-cares, as :func:`~qca.search.solution_from_primes` finds
    them for a conservative solution."""
    lower = None if primes_done else 1
    costs = (primes >= 0).sum(axis=1)
    res = minimum_covers(chart, max_models=max_models, max_nodes=max_nodes, deadline=deadline, costs=costs)
    ordered = ordered_covers(res.covers, primes)
    status, _, _ = search_status(res, len(ordered), time_limit, lower)
    return _Reminimized(
        easy_rows=easy_rows,
        primes=primes,
        covers=ordered,
        search_complete=res.complete and lower is None,
        search_finished=res.counted_all and res.size_proven and lower is None,
        search_status=status,
    )


def _first_seen(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a 2-d array numbered by first appearance: the index of each distinct
    row's first appearance, and the number of every row."""
    n = rows.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    width = rows.shape[1] * rows.dtype.itemsize
    if width == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    if n <= _FEW_ROWS:
        # Few rows: their bytes numbered in a dict (cheaper than sorting them).
        ids: dict[bytes, int] = {}
        firsts: list[int] = []
        numbers = []
        data = np.ascontiguousarray(rows).tobytes()
        for i in range(n):
            j = ids.setdefault(data[i * width : (i + 1) * width], len(ids))
            if j == len(firsts):
                firsts.append(i)
            numbers.append(j)
        return np.asarray(firsts, dtype=np.int64), np.asarray(numbers, dtype=np.int64)
    if rows.dtype.kind in "iu":
        low, high = int(rows.min()), int(rows.max())
        radix = high - low + 1
        if rows.shape[1] * np.log2(max(radix, 2)) <= 62:
            # Rows packed into one integer each: distinct codes by one sort.
            codes = (rows.astype(np.int64) - low) @ (radix ** np.arange(rows.shape[1], dtype=np.int64))
            _, first_at, inverse = np.unique(codes, return_index=True, return_inverse=True)
            by_first = np.argsort(first_at, kind="stable")
            rank = np.empty(first_at.size, dtype=np.int64)
            rank[by_first] = np.arange(first_at.size)
            return first_at[by_first].astype(np.int64), rank[inverse.ravel()]
    # Rows as words (bytes padded to whole 64-bit words), sorted stably: equal rows are
    # neighbours, the first of each run is the row's first appearance.
    raw = np.zeros((n, -(-width // 8) * 8), dtype=np.uint8)
    raw[:, :width] = np.ascontiguousarray(rows).view(np.uint8).reshape(n, width)
    words = raw.view(np.uint64)
    order = np.lexsort(words.T[::-1])
    ordered = words[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    group = np.cumsum(starts) - 1  # run number of each sorted row
    first = order[starts]
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    number = np.empty(n, dtype=np.int64)
    number[order] = rank[group]
    return np.sort(first), number


#: Arrays of at most this many rows are numbered by :func:`_first_seen` in a dict.
_FEW_ROWS = 64


def _easy_counterfactuals(
    tt: TruthTable, cubes: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The easy counterfactuals of distinct candidate sets (bit-packed rows over ``cubes``).

    Returns the index of the first candidate set giving each distinct set of remainders, the
    number of every candidate set's remainders set (both by first appearance) and each
    distinct set's remainders (configurations in row order).
    """
    chosen = np.unpackbits(keys, axis=1, count=cubes.shape[0]).astype(bool)
    levels = tt.levels
    size = int(np.prod(levels))
    if size <= 1 << 16:
        # Small spaces: every remainder listed once, the sets by one product with the chart.
        # (Configurations in row order: row number = position + 1, as remainder_mask reads it.)
        blocked = np.concatenate([tt.row_ids[tt.out_codes != "?"], np.fromiter(tt.exclude, np.int64)])
        blocked = blocked[(blocked >= 1) & (blocked <= size)]
        is_remainder = np.ones(size, dtype=bool)
        is_remainder[blocked - 1] = False
        remainders = _every_config(tuple(levels))[is_remainder]
        # Each candidate set's remainders: the OR of its cubes' rows of the (bit-packed) chart.
        hits = np.packbits(covers(cubes, remainders), axis=1)  # cubes x remainder bytes
        packed = np.zeros((chosen.shape[0], hits.shape[1]), dtype=np.uint8)
        key, cube = np.nonzero(chosen)
        if key.size and hits.shape[1]:
            starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
            packed[key[starts]] = np.bitwise_or.reduceat(hits[cube], starts, axis=0)
        first, of_key = _first_seen(packed)
        inside = np.unpackbits(packed[first], axis=1, count=remainders.shape[0]).astype(bool)
        return first, of_key, [remainders[row] for row in inside]
    ids: dict[bytes, int] = {}
    first_list: list[int] = []
    sets: list[np.ndarray] = []
    of_key = np.empty(chosen.shape[0], dtype=np.int64)
    for n, row in enumerate(chosen):
        inside = configs_in(cubes[row], levels)
        easy = inside[remainder_mask(tt, inside)]
        numbers = row_numbers(easy, levels).tobytes()
        if numbers not in ids:
            ids[numbers] = len(sets)
            first_list.append(n)
            sets.append(easy)
        of_key[n] = ids[numbers]
    return np.asarray(first_list, dtype=np.int64), of_key, sets


@lru_cache(maxsize=64)
def _every_config(levels: tuple[int, ...]) -> np.ndarray:
    """Every configuration, in row order (read-only)."""
    every = np.indices(levels).reshape(len(levels), -1).T
    every.flags.writeable = False
    return every


def _model_membership(solution: Solution | LeanSolution, implicants: np.ndarray) -> np.ndarray:
    """Boolean matrix (models x implicants): which implicants (rows of ``implicants``, the
    solution's own) make up each model of a solution."""
    covers_of: list[tuple[int, ...]] | None
    if isinstance(solution, LeanSolution):
        covers_of = solution.model_covers
        models: Sequence = covers_of
    else:
        models = solution.models
        covers_of = solution.__dict__.get("_model_covers")  # as solution_from_primes made them
    out = np.zeros((len(models), len(implicants)), dtype=bool)
    if covers_of is not None and implicants is solution.pi_cubes and len(covers_of) == len(models):
        if models:
            owner = np.repeat(np.arange(len(models)), [len(c) for c in covers_of])
            out[owner, list(chain.from_iterable(covers_of))] = True
    elif models:
        owner = np.repeat(np.arange(len(models)), [m.cubes.shape[0] for m in models])
        out[owner, _positions(implicants, np.vstack([m.cubes for m in models]))] = True
    return out


def _positions(cubes: np.ndarray, subset: np.ndarray) -> list[int]:
    """The row of ``cubes`` equal to each row of ``subset`` (every one present)."""
    k = cubes.shape[1]
    radix = int(max(cubes.max(initial=0), subset.max(initial=0))) + 2
    if k * np.log2(radix) <= 62:
        weights = radix ** np.arange(k, dtype=np.int64)
        codes = (cubes.astype(np.int64) + 1) @ weights
        order = np.argsort(codes)
        found = np.searchsorted(codes, (subset.astype(np.int64) + 1) @ weights, sorter=order)
        return order[found].tolist()
    index = {tuple(c): i for i, c in enumerate(cubes.tolist())}
    return [index[tuple(c)] for c in subset.tolist()]


@lru_cache(maxsize=1024)
def _pair_labels(n_c: int, n_p: int) -> tuple[str, ...]:
    """R's names of the conservative x parsimonious model pairs: C1P1, C1P2, ..."""
    return tuple(f"C{ci + 1}P{pj + 1}" for ci in range(n_c) for pj in range(n_p))


def _membership(models: list[list[int]], implicants: np.ndarray) -> np.ndarray:
    """Boolean matrix (models x implicants): which implicants make up each model."""
    out = np.zeros((len(models), len(implicants)), dtype=bool)
    for m, ids in enumerate(models):
        out[m, ids] = True
    return out


def _pair_candidates(
    c_member: np.ndarray,
    p_member: np.ndarray,
    subset: np.ndarray,
    own: np.ndarray,
    simplified: np.ndarray,
    n_cubes: int,
) -> np.ndarray:
    """The candidate cubes of every conservative x parsimonious model pair, at once.

    A pair ``(Ci, Pj)`` takes each implicant ``c`` of ``Ci`` simplified against every implicant
    ``p`` of ``Pj`` that contains it, and ``c`` itself when no implicant of ``Pj`` contains it
    (the rule of the pair loop of Ragin & Sonnett 2005, here for all pairs by matrix products).
    Returns the candidate sets as bit-packed rows (pairs in ``C1P1, C1P2, ...`` order) over
    candidate ids, so equal sets have equal bytes.
    """
    n_c, n_i = c_member.shape
    n_p = p_member.shape[0]
    # (Boolean products, without floating-point BLAS: its threads would spin on these small
    # matrices, doubling the CPU time of a serial run.)
    # inside[i, pj]: implicant i lies in some implicant of parsimonious model pj.
    inside = _bool_product(subset, p_member.T)
    # Candidate ids first (whole contiguous rows per id): chosen[id, c, p].
    chosen = np.zeros((n_cubes, n_c, n_p), dtype=bool)
    # Own ids (distinct: the implicants are distinct cubes): c in Ci, not inside Pj.
    chosen[own] = c_member.T[:, :, None] & ~inside[:, None, :]  # (i, c, p)
    # Simplified ids: c in Ci, p in Pj, c inside p; one row u per distinct (p, id) of the
    # nonzero (i, p) entries of ``subset``.
    ii, jj = np.nonzero(subset)
    if ii.size:
        kk = simplified[ii, jj]
        cols, col_of = np.unique(jj * n_cubes + kk, return_inverse=True)
        per_c = np.zeros((cols.size, n_c), dtype=bool)  # (u, c): Ci holds an implicant giving u
        _or_into(per_c, c_member.T[ii], col_of.ravel())
        per_p = p_member.T[cols // n_cubes]  # (u, p): Pj holds row u's implicant
        both = per_c[:, :, None] & per_p[:, None, :]  # (u, c, p)
        _or_into(chosen, both, cols % n_cubes)
    return np.packbits(chosen.reshape(n_cubes, n_c * n_p).T, axis=1)


def _bool_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Boolean matrix product: ``out[i, j]`` is whether ``a[i, k] and b[k, j]`` for some ``k``."""
    if a.shape[1] == 0:
        return np.zeros((a.shape[0], b.shape[1]), dtype=bool)
    packed_a = np.packbits(a, axis=1)  # (i, bytes)
    packed_b = np.packbits(b.T, axis=1)  # (j, bytes)
    return np.any(packed_a[:, None, :] & packed_b[None, :, :], axis=2)


def _or_into(out: np.ndarray, x: np.ndarray, labels: np.ndarray) -> None:
    """``out[labels[i]] |= x[i]`` for every ``i`` (labels may repeat)."""
    if labels.size == 0:
        return
    # Rows in rounds by their rank among the rows of the same label: within a round the
    # labels are distinct, so one indexed OR per round is exact.
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    first = np.r_[True, sorted_labels[1:] != sorted_labels[:-1]]
    position = np.arange(order.size)
    rank = position - np.maximum.accumulate(np.where(first, position, 0))
    for r in range(int(rank.max()) + 1):
        pick = order[rank == r]
        out[labels[pick]] |= x[pick]


def _share(deadline: float | None, parts: int) -> float | None:
    """One of ``parts`` equal shares of the time left before the deadline."""
    return None if deadline is None else max(0.0, deadline - time.monotonic()) / parts


def _status(
    conservative: Solution,
    parsimonious: Solution,
    pair_solutions,
    visited: int,
    n_pairs: int,
    n_models: int,
    time_limit: float | None,
) -> tuple[str, str | None]:
    """Words for the completeness of an intermediate solution, and the setting to raise."""
    parts = []
    setting = None
    for name, sol in (("conservative", conservative), ("parsimonious", parsimonious)):
        if not sol.search_complete:
            parts.append(f"{name}: {sol.search_status}")
            setting = setting or _setting(sol.search_status)
    if visited < n_pairs:
        tl = "no time limit" if time_limit is None else f"time_limit={time_limit:.3g} s"
        parts.append(f"search stopped at {tl} after {visited} of {n_pairs} CiPj pairs")
        setting = "time_limit"
    for sol in pair_solutions:
        if not sol.search_complete:
            parts.append(f"a CiPj pair: {sol.search_status}")
            setting = setting or _setting(sol.search_status)
            break
    if not parts:
        if n_models == 1:
            return f"1 intermediate model (from {n_pairs} CiPj pair{'s' if n_pairs > 1 else ''})", None
        return f"all {n_models} intermediate models from {n_pairs} CiPj pair(s)", None
    return f"{n_models} intermediate model(s) found; " + "; ".join(parts), setting


def _setting(status: str) -> str:
    return "time_limit" if "time_limit" in status else "max_models"


def _direction_strings(directions: list[Direction], tt: TruthTable) -> list[str]:
    out = []
    for d in directions:
        lits = []
        for j, vals in d.items():
            name = tt.conditions[j]
            if tt.multivalue or not vals <= {0, 1} or len(vals) > 1:
                lits.append(f"{name}[{','.join(map(str, sorted(vals)))}]")
            else:
                lits.append(name if 1 in vals else f"~{name}")
        out.append("*".join(lits))
    return out
