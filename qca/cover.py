"""All minimum covers of a prime-implicant chart (exact set cover with every tie), in bounded time.

1. The chart is reduced without losing any minimum cover: essential implicants (alone covering
   a row) are taken, and a row whose implicants include all those of another row is dropped.
2. The remaining rows split into *independent blocks* (connected components of the graph in
   which two rows are linked when an implicant covers both). Minimum covers of the whole
   chart are exactly the products of minimum covers of the blocks, so tied models are
   enumerated block by block and counted by multiplying the block counts: noisy tables with
   thousands of tied models are counted exactly without listing them.
3. The minimum size of each block is found, on blocks of at most 32 rows, by an exact bit-set
   branch and bound that remembers the minimum of every row set it meets (no linear
   programming: on the small charts of simulation studies this is faster than setting up an
   integer program). Implicants whose rows are a subset of another's cannot change a minimum
   size, so wider blocks are first reduced to their undominated *core* for the size (not for
   the ties): a core of at most 32 rows (and 1,000 implicants), or of at most 256 rows and 256
   implicants, goes to the same bit-set search, larger ones to integer programming (HiGHS
   through ``scipy.optimize.milp``, Land & Doig branch and bound) or, on blocks of at most 40
   implicants, by a depth-first search with the disjoint-rows lower bound. The first optimal
   cover found is always kept, so a cover exists in the answer whenever the chart has one.
4. Every cover of that size is enumerated by a depth-first search that branches on the
   hardest uncovered row and forbids the implicants of earlier branches, so each cover is
   produced exactly once (Petrick 1956 gives the same set of covers, by expansion). Nodes
   are pruned by the disjoint-rows bound, by the exact minimum of small blocks and by the
   dual of the linear relaxation (row weights, valid for every sub-chart); a node whose rows
   fall apart into independent parts is solved part by part with the counts multiplied, and
   parts are cached (component caching, Bacchus, Dalmao & Pitassi 2003). Each node also
   returns the canonical cover of its sub-chart (least total cost, then smallest implicant
   indices) and the implicants used by some cover, so the canonical first model of *all*
   ties and the implicants of some tie are exact without listing the ties. If the budget
   stops the count, the covers one swap away from the first cover (each a genuine tie) are
   listed as well.

Wide blocks (more implicants than the compiled searches take: random charts of 1,000 implicants
and 12 to 32 rows, issue #21) add the *coverage bound* to both searches: ``k`` implicants cover
at most the ``k`` largest numbers of the uncovered rows that single implicants cover, which
refutes almost every branch two levels above the leaves, where the disjoint-rows and dual
bounds are weak; ties of one or two implicants left are then found directly (the implicants in
every uncovered row). The exact search's memo and the tie search's cache are bounded (emptied
when full). The answers are those of the plain search; only the search nodes differ (about
ten thousand instead of a million on such charts).

Compiled searches. Steps 3 and 4 (the exact bit-set search and the tie search) also exist as
compiled code (:mod:`qca._cover_kernel`, numba) used on blocks of 10 to 256 rows and at most 256
implicants: the same algorithm step for step, so the same covers, counts, canonical cover and
search nodes. A chart of at most 64 implicants with no deadline (the charts of simulation
studies, where tens of thousands are solved) goes whole to one compiled call, steps 1 to 4 and
the combination of the blocks included, when each of its blocks has at most 32 rows (the blocks
searched by the exact search alone); a block of more rows, or a search stopped by ``max_nodes``,
hands the chart back to the block-by-block search, which gives the same answer (it stops at the
same node). Without numba, or with the environment variable ``QCASIM_JIT=0``, everything runs
in Python.

Budgets. ``max_nodes`` counts search nodes over the whole call (every block and stage): with no
deadline the answer depends only on the chart and that number, never on the machine or its
load. A deadline (``time_limit``) is also honoured, looked at every few nodes: when it passes,
the answer says what is proven (the minimum size, or a lower and upper bound on it from the
optimiser's dual bound and incumbent) and how many covers were counted. R's QCA has no
budget (its ``minimize`` can run for hours or stop with an error); this is a deliberate
difference.

References
----------
Petrick, S. R. (1956). A direct determination of the irredundant forms of a Boolean function
from the set of prime implicants. AFCRC-TR-56-110.
Land, A. H., & Doig, A. G. (1960). An automatic method of solving discrete programming
problems. *Econometrica* 28(3), 497-520.
Bacchus, F., Dalmao, S., & Pitassi, T. (2003). Algorithms and complexity results for #SAT
and Bayesian inference. *FOCS 2003*, 340-351.
Huangfu, Q., & Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
*Mathematical Programming Computation* 10(1), 119-142 (HiGHS).
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field
from itertools import chain, islice, product
from typing import NamedTuple

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import connected_components

from ._bits import _short_bits, bits, set_mask
from ._lp import cover_duals

#: The compiled searches (:mod:`qca._cover_kernel`): None until first needed, False when not
#: available (numba missing, or the environment variable ``QCASIM_JIT`` is ``0``).
_KERNEL = None


def _kernel():
    """The compiled twin of the exact searches, or None (then everything runs in Python)."""
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = False
        if os.environ.get("QCASIM_JIT", "1") != "0":
            try:
                from . import _cover_kernel

                _cover_kernel.warm_up()
                _KERNEL = _cover_kernel
            except ImportError:
                pass
    return _KERNEL or None


def compiled_searches_need_building() -> bool:
    """True when the compiled cover searches are to be used but this machine has not built
    them yet: their first use then compiles them (about 35 s, once; later processes load the
    build in about 0.4 s). Callers can say so before it happens."""
    if _KERNEL is not None or os.environ.get("QCASIM_JIT", "1") == "0":
        return False
    try:
        from . import _cover_kernel

        index = _cover_kernel.run_chart._cache._cache_file._index_path  # type: ignore[attr-defined]
        return not os.path.exists(index)
    except (ImportError, AttributeError):  # no numba, or its cache is laid out otherwise
        return False


def load_compiled_searches() -> bool:
    """Load the compiled cover searches now (else at first use); True when they are used.

    Worker pools call it before forking, so that the workers inherit them loaded.
    """
    return _kernel() is not None


#: Blocks with fewer rows than this stay in Python even when the compiled searches are
#: available (setting up the compiled call costs more than the whole search on them).
KERNEL_MIN_ROWS = 10
_KERNEL_ON = True

__all__ = ["CoverResult", "minimum_covers", "DEFAULT_MAX_MODELS", "DEFAULT_MAX_NODES", "deadline_from",
           "load_compiled_searches", "compiled_searches_need_building"]

DEFAULT_MAX_MODELS = 1000
#: No node budget by default: the search is bounded by the deadline (``time_limit``) instead.
DEFAULT_MAX_NODES: int | None = None

#: Search nodes between two looks at the clock (a node costs far more than a look).
_CLOCK_EVERY = 8

#: Seconds past the deadline allowed for listing the ties one swap apart from the first cover.
_GRACE = 0.02

#: Seconds reserved before the deadline per implicant of each cover listed (combining the
#: blocks' covers here and building the models from them in the caller): measured ~2e-7 on a
#: loaded 2-core machine (1,000 covers of 378 implicants), doubled; with a deadline the tie
#: enumeration stops this much earlier for ``max_models`` covers of the size found.
_LIST_SECONDS_PER_SLOT = 4e-7
#: ... and per cover listed (the product of the blocks' lists, sorting, the model objects):
#: measured ~25 us (1,000 covers of 25 implicants), doubled.
_LIST_SECONDS_PER_MODEL = 5e-5


def deadline_from(time_limit: float | None) -> float | None:
    """Absolute ``time.monotonic()`` deadline for a budget in seconds (None: no deadline).

    The compiled searches are loaded first (once per process, ~0.4 s): their loading is
    start-up, like an import, and must not eat into the search's budget.
    """
    if time_limit is not None:
        _kernel()
    return None if time_limit is None else time.monotonic() + float(time_limit)


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


@dataclass(frozen=True)
class CoverResult:
    """Minimum covers of a chart.

    Attributes
    ----------
    covers : list of tuple of int
        Implicant (chart row) indices of each cover listed, at most ``max_models`` of them;
        at least one whenever the chart has a cover.
    size : int
        Number of implicants in the covers listed: the minimum when ``size_proven``, else the
        best (smallest) cover found, an upper bound on the minimum.
    n_covers : int
        Number of minimum covers counted (all of them when ``counted_all``).
    complete : bool
        True when every minimum cover is listed.
    essential : tuple of int
        Implicants that alone cover some row (so are in every cover).
    counted_all : bool
        False when the deadline or node budget stopped the count: ``n_covers`` is then a lower
        bound (and, if ``size_proven`` is False, counts covers of the best size found).
    size_bounds : tuple of int
        Proven lower bound and best upper bound on the minimum size (equal when proven).
    stopped_by : {None, "max_models", "time_limit", "max_nodes"}
        What cut the answer short, if anything (the deadline takes precedence).
    n_blocks : int
        Independent blocks of the reduced chart (see the module notes).
    best : tuple of int
        The canonical cover: among all minimum covers (not only those listed), the one of
        least total cost (``costs``), then with the lexicographically smallest sorted
        implicant indices. Always in ``covers``. Exact when ``best_exact``; otherwise the
        best of the covers seen.
    best_exact : bool
        True when ``best`` is proven the canonical cover of all minimum covers.
    in_some : tuple of int
        Implicants that appear in at least one minimum cover (all of them when
        ``counted_all``; else those seen).
    work : int
        Search nodes used (the deterministic work unit of ``max_nodes``).
    """

    covers: list[tuple[int, ...]]
    size: int
    n_covers: int
    complete: bool
    essential: tuple[int, ...]
    counted_all: bool = True
    size_bounds: tuple[int, int] = field(default=(0, 0))
    stopped_by: str | None = None
    n_blocks: int = 0
    best: tuple[int, ...] = ()
    best_exact: bool = False
    in_some: tuple[int, ...] = ()
    work: int = 0

    @property
    def size_proven(self) -> bool:
        return self.size_bounds[0] == self.size_bounds[1]


#: Charts (rows x implicants) above this size skip the row-dominance reduction, which costs a
#: comparison of every pair of rows (it only speeds the search; every answer stays exact).
_DOMINANCE_LIMIT = 20_000_000


def _row_words(chart: np.ndarray) -> np.ndarray:
    """The implicants of each row of a chart of at most 64 implicants as one 64-bit word."""
    n_pi, n_rows = chart.shape
    packed = np.packbits(chart, axis=0, bitorder="little").T  # rows x bytes
    words = np.zeros((n_rows, 8), dtype=np.uint8)
    words[:, : packed.shape[1]] = packed
    return words.view("<u8").ravel()


def _row_masks(chart: np.ndarray) -> list[int]:
    """The implicants of each row of a chart (implicants x rows) as bit sets."""
    n_pi, n_rows = chart.shape
    if not n_rows:
        return []
    if n_pi <= 64:
        return _row_words(chart).tolist()
    packed = np.ascontiguousarray(np.packbits(chart, axis=0, bitorder="little").T)  # rows x bytes
    return [int.from_bytes(packed[r].tobytes(), "little") for r in range(n_rows)]


def _covered(n_rows: int, left: list[int]) -> np.ndarray:
    covered = np.ones(n_rows, dtype=bool)
    covered[left] = False
    return covered


#: From this many distinct rows on, :func:`_kept_masks` compares them with arrays.
_VECTOR_ROWS = 16


def _kept_masks(left: list[int], masks: list[int], n_pi: int) -> list[int]:
    """Rows left after removing duplicates and dominated rows, in the order of the reduced chart.

    ``left`` are the rows to reduce, ``masks`` every row's implicants (bit sets). A row whose
    implicants include all those of another row is covered whenever that row is, so it can be
    dropped without changing any cover. The first of equal rows is kept; the rows kept are
    ordered by number of implicants, then by bit set (as integers).
    """
    first: dict[int, int] = {}
    for r in left:
        first.setdefault(masks[r], r)
    if n_pi * len(first) > _DOMINANCE_LIMIT:
        return list(first.values())
    if len(first) >= _VECTOR_ROWS and n_pi <= 64:
        # The same rows by arrays: kept are the rows whose implicants include no other's
        # (a row dropped in the loop below is a superset of a row kept before it).
        words = np.array(list(first), dtype=np.uint64)
        inside = (words[:, None] & words[None, :]) == words[:, None]  # [r, s]: r's implicants within s's
        np.fill_diagonal(inside, False)
        keep = np.flatnonzero(~inside.any(axis=0))
        order = keep[np.lexsort((words[keep], np.bitwise_count(words[keep])))]
        rows = list(first.values())
        return [rows[i] for i in order.tolist()]
    kept_masks: list[int] = []
    kept: list[int] = []
    for m in sorted(first, key=lambda m: (m.bit_count(), m)):
        for k in kept_masks:
            if k & m == k:
                break
        else:
            kept_masks.append(m)
            kept.append(first[m])
    return kept


def _blocks(chart: np.ndarray) -> list[tuple[list[int], list[list[int]]]]:
    """Independent blocks of a chart: (implicants, each row's implicants as block positions).

    Blocks are the connected components of the bipartite graph of rows and implicants, listed
    by their first row; within a block rows with fewer implicants come first (which tightens
    the disjoint-rows bound).
    """
    n_pi, n_rows = chart.shape
    row_idx, pi_idx = np.nonzero(chart.T)  # by row, then implicant
    if n_rows <= _SMALL_BLOCKS_ROWS:
        return _small_blocks(n_rows, row_idx, pi_idx)
    graph = coo_array(
        (np.ones(pi_idx.size, dtype=np.int8), (row_idx, n_rows + pi_idx)), shape=(n_rows + n_pi,) * 2
    )
    _, labels = connected_components(graph, directed=False)
    row_label, pi_label = labels[:n_rows], labels[n_rows:]
    position = np.zeros(n_pi, dtype=np.int64)
    order = np.argsort(row_label[row_idx], kind="stable")  # entries grouped by block, rows in order
    entry_label = row_label[row_idx][order]
    out = []
    for label in dict.fromkeys(row_label.tolist()):
        cands = np.flatnonzero(pi_label == label)
        position[cands] = np.arange(cands.size)
        lo, hi = np.searchsorted(entry_label, [label, label + 1])
        rows_b = row_idx[order[lo:hi]]
        cand_b = position[pi_idx[order[lo:hi]]]
        splits = np.flatnonzero(np.diff(rows_b)) + 1
        row_sets = sorted((part.tolist() for part in np.split(cand_b, splits)), key=len)
        out.append((cands.tolist(), row_sets))
    return out


#: Charts of at most this many rows are split into blocks with Python bit sets (the sparse
#: graph's set-up costs more than the whole split on the small charts of simulation studies).
_SMALL_BLOCKS_ROWS = 64


def _small_blocks(
    n_rows: int, row_idx: np.ndarray, pi_idx: np.ndarray
) -> list[tuple[list[int], list[list[int]]]]:
    """:func:`_blocks` of a chart with few rows (the same blocks in the same order)."""
    opts: list[list[int]] = [[] for _ in range(n_rows)]
    for r, p in zip(row_idx.tolist(), pi_idx.tolist()):
        opts[r].append(p)
    return _mask_blocks([set_mask(o) for o in opts])


def _mask_blocks(masks: list[int]) -> list[tuple[list[int], list[list[int]]]]:
    """:func:`_blocks` of a chart given as each row's implicants (bit sets)."""
    out = []
    for members, reach in _linked(masks):
        members.sort()
        cands = bits(reach)
        if len(members) == 1:
            out.append((list(cands), [list(range(len(cands)))]))
            continue
        at = {c: i for i, c in enumerate(cands)}.__getitem__
        row_sets = sorted([list(map(at, bits(masks[r]))) for r in members], key=len)
        out.append((list(cands), row_sets))
    return out


def _linked(masks: list[int]) -> list[tuple[list[int], int]]:
    """Groups of positions whose bit sets are linked by shared bits (transitively), by their
    first position: (positions in the order reached, union of their bit sets)."""
    groups = []
    left = list(range(len(masks)))
    while left:
        members = [left[0]]
        reach = masks[left[0]]
        rest = left[1:]
        grown = True
        while grown and rest:
            grown = False
            others = []
            for j in rest:
                if masks[j] & reach:
                    members.append(j)
                    reach |= masks[j]
                    grown = True
                else:
                    others.append(j)
            rest = others
        groups.append((members, reach))
        left = rest
    return groups


class _Stop(Exception):
    """Raised inside a search when the shared budget runs out (caught by the stage)."""


class _Budget:
    """The work of one cover search, shared by every block and stage.

    ``nodes`` counts search nodes (the deterministic work unit); the search stops when
    ``max_nodes`` is reached or, looked at every few nodes, when the clock passes ``deadline``.
    With no deadline the answer depends only on the chart and ``max_nodes``, never on the
    machine or its load.
    """

    def __init__(self, max_nodes: int | None, deadline: float | None):
        self.cap = -1 if max_nodes is None else int(max_nodes)
        self.deadline = deadline
        self.nodes = 0
        self.stopped: str | None = None

    def tick(self) -> str | None:
        if self.stopped is None:
            self.nodes += 1
            if self.nodes == self.cap:
                self.stopped = "max_nodes"
            elif (
                self.deadline is not None
                and self.nodes % _CLOCK_EVERY == 0
                and time.monotonic() >= self.deadline
            ):
                self.stopped = "time_limit"
        return self.stopped

    def expired(self) -> bool:
        if self.stopped is None and _expired(self.deadline):
            self.stopped = "time_limit"
        return self.stopped is not None


def minimum_covers(
    chart: np.ndarray,
    max_models: int = DEFAULT_MAX_MODELS,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    irredundant: bool = False,
    deadline: float | None = None,
    costs: np.ndarray | None = None,
) -> CoverResult:
    """Every minimum-cardinality cover of a Boolean chart (implicants x rows).

    With ``irredundant=True``, every irredundant cover instead (no implicant can be dropped),
    whatever its size, as R's ``all.sol``; ``size`` is then the smallest size found.

    Parameters
    ----------
    chart : bool array (n_implicants, n_rows)
        ``chart[p, r]``: implicant ``p`` covers row ``r``. Every row must be coverable.
    max_models : int
        Covers listed; counting goes on (within the budget) beyond them.
    max_nodes : int, optional
        Search nodes for the whole call (every block and stage), a deterministic work budget:
        with ``deadline`` None the answer depends only on the chart and this number. None: no
        bound.
    irredundant : bool
        Every irredundant cover rather than the minimum ones.
    deadline : float, optional
        ``time.monotonic()`` value after which the search stops and reports what it has
        (see :func:`deadline_from`); None: no time limit.
    costs : int array (n_implicants,), optional
        Cost of each implicant (e.g. its number of literals) for the canonical cover
        :attr:`CoverResult.best`; default 1 each.

    Returns
    -------
    CoverResult
    """
    chart = np.asarray(chart, dtype=bool)
    n_pi, n_rows = chart.shape
    words = _row_words(chart) if n_pi <= 64 and n_rows else None
    # (Beyond _DOMINANCE_LIMIT cells the search below may skip the row reduction that the
    # compiled call always does; the two must reduce alike to give the same answer.)
    if (words is not None and deadline is None and not irredundant and max_models >= 1
            and chart.size <= _DOMINANCE_LIMIT):
        done = _compiled_chart(words, costs, max_models, max_nodes)
        if done is not None:
            return done
    # Each row's implicants as a bit set: the essential implicants, the rows they leave and
    # the reduction of those are set operations on them.
    masks = words.tolist() if words is not None else _row_masks(chart)
    if not all(masks):
        raise ValueError("a row of the chart is covered by no implicant")
    cost = [1] * n_pi if costs is None else [int(c) for c in np.asarray(costs).tolist()]
    essential = sorted({m.bit_length() - 1 for m in masks if not m & (m - 1)})
    ess_mask = set_mask(essential)
    left = [r for r, m in enumerate(masks) if not m & ess_mask]
    if _expired(deadline) and left:
        return _greedy_only(chart, essential, _covered(n_rows, left))
    kept = _kept_masks(left, masks, n_pi)
    n_ess = len(essential)
    if not kept:
        ess = tuple(essential)
        return CoverResult(
            [ess], n_ess, 1, True, ess, True, (n_ess, n_ess), None, 0, best=ess, best_exact=True, in_some=ess
        )

    if _expired(deadline):
        return _greedy_only(chart, essential, _covered(n_rows, left))
    budget = _Budget(max_nodes, deadline)
    if len(kept) <= _SMALL_BLOCKS_ROWS:
        specs = _mask_blocks([masks[r] for r in kept])
    else:
        specs = _blocks(chart[:, kept])
    blocks = [_settled_or_new(cands, sets, budget, cost, max_models, irredundant) for cands, sets in specs]
    blocks.sort(key=lambda b: len(b.candidates))
    # First every block's minimum (or best) size and one cover, then the enumeration of ties.
    for b in blocks:
        b.solve_size(irredundant)
    if deadline is not None:
        # Listing the covers (and the caller's models) costs time per implicant listed: the
        # enumeration of ties stops early enough to leave it.
        # (The swap neighbours listed after a stopped count have their grace inside it too.)
        slots = max_models * (n_ess + sum(b.high for b in blocks))
        reserve = _LIST_SECONDS_PER_MODEL * max_models + _LIST_SECONDS_PER_SLOT * slots + _GRACE
        budget.deadline = max(time.monotonic(), deadline - reserve)
    for b in blocks:
        b.enumerate_ties(max_models, irredundant)
    settled = [b.settle() if isinstance(b, _Remembered) else b for b in blocks]

    # One pass over the blocks: their covers (sorted tuples of their implicants, ascending in
    # the chart), canonical covers, implicants used, counts and bounds.
    lists = []
    best_parts = list(essential)
    used_parts = list(essential)
    n_covers, counted_all, listed_all, timed_out, out_of_nodes = 1, True, True, False, False
    low = high = n_ess
    for b in settled:
        at = b.candidates.__getitem__
        lists.append([tuple(map(at, c)) for c in b.found])
        best_parts.extend(map(at, b.best))
        used_parts.extend(map(at, bits(b.used)))
        n_covers *= b.count
        counted_all = counted_all and b.counted_all
        listed_all = listed_all and len(b.found) == b.count
        timed_out = timed_out or b.timed_out
        out_of_nodes = out_of_nodes or b.out_of_nodes
        low += b.low
        high += b.high
    if len(lists) == 1 and not essential:
        combined = lists[0][:max_models]
    else:
        combined = [tuple(sorted(chain(essential, *parts))) for parts in islice(product(*lists), max_models)]
    # The canonical cover: per block the cheapest tie, lowest implicant indices on equal cost.
    # Blocks use disjoint implicants, so the block-wise choice is the whole chart's choice
    # (two equal-size index sets compare by the smallest index in one but not the other).
    best = tuple(sorted(best_parts))
    if not irredundant and best not in combined:
        combined = [*combined[: max_models - 1], best]
    # (Minimum covers all have the same size.)
    covers = sorted(combined, key=lambda c: (len(c), c)) if irredundant else sorted(combined)
    complete = counted_all and listed_all and n_covers <= max_models
    if irredundant:
        low = high = min(len(c) for c in covers)
    if timed_out or budget.stopped == "time_limit":
        stopped_by = "time_limit"
    elif out_of_nodes or budget.stopped == "max_nodes":
        stopped_by = "max_nodes"
    elif not complete:
        stopped_by = "max_models"
    else:
        stopped_by = None
    in_some = sorted(used_parts)
    return CoverResult(
        covers=covers,
        size=high if not irredundant else low,
        n_covers=n_covers,
        complete=complete,
        essential=tuple(essential),
        counted_all=counted_all,
        size_bounds=(low, high),
        stopped_by=stopped_by,
        n_blocks=len(blocks),
        best=best,
        best_exact=counted_all and low == high and not irredundant,
        in_some=tuple(in_some),
        work=budget.nodes,
    )


#: Whether :func:`minimum_covers` hands charts of at most 64 implicants to the compiled
#: whole-chart search (tests switch it off to compare the two).
_CHART_KERNEL_ON = True


def _compiled_chart(
    words: np.ndarray, costs: np.ndarray | None, max_models: int, max_nodes: int | None
) -> CoverResult | None:
    """:func:`minimum_covers` of a chart of at most 64 implicants given as each row's
    implicants in one word (:func:`_row_words`; no deadline, not irredundant) in one compiled
    call (:func:`qca._cover_kernel.run_chart`): the same
    reduction, blocks, searches and node count as below, so the same answer. None when the
    compiled searches are unavailable, or the chart needs what only the Python search does
    (a block of more than :data:`EXACT_ROWS` rows, a row covered by no implicant, a search
    stopped by ``max_nodes``): the caller then searches it as usual."""
    k = _kernel() if _CHART_KERNEL_ON and _KERNEL_ON else None
    if k is None or not words.all():
        return None  # (a row covered by no implicant: the Python search raises the error)
    cost = np.ones(64, dtype=np.int64) if costs is None else np.asarray(costs, dtype=np.int64)
    ctr = np.array([0, -1 if max_nodes is None else int(max_nodes), 0, 0], dtype=np.int64)
    answer = k.run_chart(words, cost, max_models, EXACT_ROWS, ctr)
    code, covers, counts, n_listed, best, in_some, essential, n_blocks = answer
    if code != k.CHART_DONE:
        return None
    n_covers = math.prod(counts.tolist())
    complete = bool((n_listed == counts).all()) and n_covers <= max_models
    size = covers.shape[1]
    ess = tuple(essential.tolist())
    return CoverResult(
        covers=list(map(tuple, covers.tolist())),
        size=size,
        n_covers=n_covers,
        complete=complete,
        essential=ess,
        counted_all=True,
        size_bounds=(size, size),
        stopped_by=None if complete else "max_models",
        n_blocks=int(n_blocks),
        best=tuple(best.tolist()),
        best_exact=True,
        in_some=tuple(in_some.tolist()),
        work=int(ctr[0]),
    )


class _Settled(NamedTuple):
    """What a block's two stages left (positions within the block) and the search nodes each
    used, when neither was stopped: the same for every block with the same rows, implicant
    costs, ``max_models`` and ``irredundant``."""

    low: int
    high: int
    first: tuple[int, ...]
    found: list[tuple[int, ...]]
    best: tuple[int, ...]
    used: int
    n_covers: int
    size_nodes: int
    tie_nodes: int


#: Settled blocks by (rows as implicant positions, costs, max_models, irredundant): the small
#: blocks of simulation studies recur across charts (a row of two implicants, ...), and their
#: searches cost more than the look-up. Bounded: at most this many blocks (emptied when full),
#: each with at most :data:`_SETTLED_COVERS` covers listed.
_SETTLED: dict[tuple, _Settled] = {}
_SETTLED_MAX = 1 << 13
_SETTLED_COVERS = 64
#: Blocks remembered: fewer rows than the compiled searches take and at most
#: :data:`SMALL_CHART` implicants (searched by Python alone, never by linear programming).
_SETTLED_ROWS = KERNEL_MIN_ROWS


def _settled_or_new(
    cands: list[int],
    sets: list[list[int]],
    budget: _Budget,
    cost: list[int],
    max_models: int,
    irredundant: bool,
) -> _Block | _Remembered:
    """A block whose searches are replayed from :data:`_SETTLED` when they can be, else a new
    :class:`_Block` that is remembered once settled."""
    if len(sets) >= _SETTLED_ROWS or len(cands) > SMALL_CHART:
        return _Block(cands, sets, budget, cost)
    key = (tuple(map(tuple, sets)), tuple([cost[c] for c in cands]), max_models, irredundant)
    return _Remembered(cands, sets, budget, cost, key, _SETTLED.get(key))


class _Remembered:
    """A small block replayed from an earlier search of the same block (:data:`_SETTLED`).

    Each stage is replayed only when the search itself would have run to its end: the budget
    not stopped, the deadline not passed, and the node count staying below ``max_nodes``
    throughout (the budget stops *at* the cap). The replay adds the stage's recorded nodes, so
    the budget, and every later block, sees exactly what the search would have left. Otherwise
    the stage runs as a plain :class:`_Block` (the size stage run again, unbounded and unseen,
    when only the tie stage cannot be replayed: its memo is what the tie search starts from).
    A block whose searches ran here without a stop is remembered (when it lists at most
    :data:`_SETTLED_COVERS` covers).
    """

    def __init__(self, cands, sets, budget: _Budget, cost, key: tuple, settled: _Settled | None):
        self.candidates = cands
        self.sets = sets
        self.budget = budget
        self.cost = cost
        self.key = key
        self.settled = settled
        self.block: _Block | None = None
        self.replayed_size = False
        self.nodes: list[int] = []  # nodes of each stage run here, when unstopped

    def _fits(self, nodes: int) -> bool:
        budget = self.budget
        return (
            budget.stopped is None
            and (budget.cap < 0 or budget.nodes + nodes < budget.cap)
            and not (budget.deadline is not None and time.monotonic() >= budget.deadline)
        )

    def _run(self, stage, *args) -> None:
        budget = self.budget
        start, clean = budget.nodes, budget.stopped is None
        stage(*args)
        if clean and budget.stopped is None:
            self.nodes.append(budget.nodes - start)

    def solve_size(self, irredundant: bool) -> None:
        s = self.settled
        if s is not None and self._fits(s.size_nodes):
            self.budget.nodes += s.size_nodes
            self.low, self.high, self.first = s.low, s.high, s.first
            self.replayed_size = True
            return
        self.block = _Block(self.candidates, self.sets, self.budget, self.cost)
        self._run(self.block.solve_size, irredundant)
        self.low, self.high = self.block.low, self.block.high

    def enumerate_ties(self, max_models: int, irredundant: bool) -> None:
        s = self.settled
        if self.replayed_size:
            if s is not None and self._fits(s.tie_nodes):
                self.budget.nodes += s.tie_nodes
                return
            # The size stage again, as it ran when remembered (to its end), for its memo.
            self.block = _Block(self.candidates, self.sets, _Budget(None, None), self.cost)
            self.block.solve_size(irredundant)
            self.block.budget = self.budget
            if self.block.exact is not None:
                self.block.exact.budget = self.budget
            self.nodes = [s.size_nodes] if s is not None else []
        assert self.block is not None  # made by the size stage, or just above
        self._run(self.block.enumerate_ties, max_models, irredundant)
        b = self.block
        clean = len(self.nodes) == 2 and not (b.timed_out or b.out_of_nodes)
        if clean and s is None and len(b.found) <= _SETTLED_COVERS:
            if len(_SETTLED) >= _SETTLED_MAX:
                _SETTLED.clear()
            _SETTLED[self.key] = _Settled(
                b.low, b.high, b.first, b.found, b.best, b.used, b.count, self.nodes[0], self.nodes[1]
            )

    def settle(self) -> _Block:
        """The block's answer for the combination of blocks: the :class:`_Block` searched
        here, or one filled in from the replay."""
        if self.block is not None:
            return self.block
        s = self.settled
        assert s is not None  # both stages replayed
        b = _Block.__new__(_Block)
        b.candidates = self.candidates
        b.low, b.high, b.first, b.found, b.best, b.used, b.count = (
            s.low, s.high, s.first, s.found, s.best, s.used, s.n_covers
        )
        b.counted_all, b.timed_out, b.out_of_nodes = True, False, False
        return b


def _greedy_only(chart: np.ndarray, essential: list[int], covered: np.ndarray) -> CoverResult:
    """The answer when the deadline passed before the search could start: the essential
    implicants and Chvatal's greedy cover of the other rows (sparse, no block set-up), made
    irredundant, with the disjoint-rows bound unknown (lower bound: the essential ones + 1)."""
    pi_idx, row_idx = np.nonzero(chart[:, ~covered])
    a = csr_array((np.ones(pi_idx.size), (pi_idx, row_idx)), shape=(chart.shape[0], int((~covered).sum())))
    uncovered = np.ones(a.shape[1])
    chosen = list(essential)
    while uncovered.any():
        best = int(np.argmax(a @ uncovered))
        uncovered[a.indices[a.indptr[best] : a.indptr[best + 1]]] = 0.0
        chosen.append(best)
    for i in list(chosen):
        rest = [j for j in chosen if j != i]
        if chart[rest].any(axis=0).all():
            chosen = rest
    cover = tuple(sorted(chosen))
    low = len(essential) + 1 if len(cover) > len(essential) else len(essential)
    return CoverResult(
        [cover], len(cover), 1, False, tuple(essential), False, (low, len(cover)), "time_limit", 0,
        best=cover, best_exact=False, in_some=cover,
    )


#: Blocks with at most this many candidate implicants are solved by search alone, without an
#: integer program (whose set-up costs more than the search on small charts).
SMALL_CHART = 40

#: Blocks with at most this many rows are solved exactly by :class:`_ExactMin` (a bit-set
#: branch and bound with a memo of sub-charts), without linear or integer programming.
EXACT_ROWS = 32
#: ... and at most this many implicants (wider blocks branch too widely for it).
EXACT_CANDIDATES = 1000
#: A block's undominated core (see :meth:`_Block._solve_on_core`) of at most this many rows and
#: implicants is solved by the same exact search rather than by an integer program (measured on
#: the cores of the fuzzy N = 250 cells, 55-80 rows: the compiled search takes half HiGHS's time).
CORE_EXACT_ROWS = 256
CORE_EXACT_CANDIDATES = 256


#: Entries of the exact search's memo (row sets) and of the tie search's cache (parts) at
#: which each is emptied (and refilled), bounding their memory (about 150 and 500 bytes an
#: entry in Python, fewer compiled); the compiled searches use the same numbers (the same
#: search nodes). Far above what the charts of simulation studies fill.
MEMO_MAX = 1 << 20
CACHE_MAX = 1 << 18

#: Exact searches over more implicants than this (more than the compiled searches take, so
#: always run in Python) add the coverage bound (:func:`_coverage`).
WIDE_CANDIDATES = 256

#: Distinct implicants up to which dominance is settled by one all-pairs comparison.
_DOMINANCE_MATRIX = 512


def _undominated(cand_masks: list[int], n_rows: int, deadline: float | None) -> list[int]:
    """Implicants (positions) whose rows are in no other's, the first of equal ones kept.

    Vectorised on packed row masks: up to :data:`_DOMINANCE_MATRIX` distinct implicants by
    one comparison of all pairs; beyond, the implicant with most rows among those left is
    kept and every other whose rows it contains is dropped, until none is left. If the
    deadline passes first, the rest are kept (a partial reduction is still valid for the size).
    """
    n = len(cand_masks)
    width = max(1, (n_rows + 63) // 64)
    packed = np.frombuffer(
        b"".join(m.to_bytes(8 * width, "little") for m in cand_masks), dtype=np.uint64
    ).reshape(n, width)
    _, first = np.unique(packed.view(np.dtype((np.void, 8 * width))).ravel(), return_index=True)
    first = np.sort(first)
    rows = packed[first]
    if first.size <= _DOMINANCE_MATRIX:
        # An implicant is dropped exactly when its rows are inside another (distinct) one's:
        # the loop below drops it at the first kept superset, which contains its rows too.
        inside_of = ((rows[None, :, :] & ~rows[:, None, :]) == 0).all(axis=2)  # [i, j]: j in i
        np.fill_diagonal(inside_of, False)
        return first[~inside_of.any(axis=0)].tolist()
    counts = np.bitwise_count(rows).sum(axis=1, dtype=np.int64)
    order = np.lexsort((first, -counts))
    rows, idx = rows[order], first[order]
    kept: list[int] = []
    while idx.size:
        if deadline is not None and time.monotonic() >= deadline:
            kept.extend(idx.tolist())
            break
        top = rows[0]
        inside = ((rows & ~top) == 0).all(axis=1)
        kept.append(int(idx[0]))
        rows, idx = rows[~inside], idx[~inside]
    return sorted(kept)


class _Block:
    """One independent block of the reduced chart: its implicants and rows."""

    def __init__(self, candidates: list[int], row_sets: list[list[int]], budget: _Budget, cost: list[int]):
        self.candidates = candidates
        self.search = _CoverSearch(row_sets, len(candidates))
        self.budget = budget
        self.costs = [cost[c] for c in candidates]
        k = _kernel()
        fits = (k is not None and _KERNEL_ON and KERNEL_MIN_ROWS <= len(row_sets) <= k.MAX_BITS
                and len(candidates) <= k.MAX_BITS)
        self.kernel = k if fits else None
        small = len(row_sets) <= EXACT_ROWS and len(candidates) <= EXACT_CANDIDATES
        self.exact = self._exact_min(self.search) if small else None
        self.low = self.high = 0
        self.first: tuple[int, ...] = ()
        self.found: list[tuple[int, ...]] = []
        self.best: tuple[int, ...] = ()
        self.used = 0
        self.count = 0
        self.counted_all = True
        self.timed_out = False
        self.out_of_nodes = False

    def _exact_min(self, search: _CoverSearch) -> _ExactMin:
        """The exact minimum search of ``search`` (this block or its core), compiled when the
        block's searches are, or when a core is too large for the Python search to be quick."""
        k = self.kernel
        if k is None and search is not self.search and len(search.row_sets) > EXACT_ROWS:
            k = _kernel() if _KERNEL_ON else None
        if k is not None and len(search.row_sets) <= k.MAX_BITS and search.n_candidates <= k.MAX_BITS:
            return _CompiledExactMin(search, self.budget, k)
        return _ExactMin(search, self.budget, search.wide_words())

    def chart_covers(self) -> list[tuple[int, ...]]:
        """The covers found, as implicant indices of the whole chart."""
        found = self.found
        if len(found) > 8 and len({len(c) for c in found}) == 1:
            index = np.asarray(self.candidates)[np.asarray(found, dtype=np.intp)]
            return list(map(tuple, index.tolist()))
        return [tuple(self.candidates[i] for i in c) for c in found]

    def _stop(self, reason: str | None) -> None:
        if reason == "time_limit":
            self.timed_out = True
        elif reason == "max_nodes":
            self.out_of_nodes = True

    def solve_size(self, irredundant: bool) -> None:
        s = self.search
        self.low = s.lower_bound(s.all_rows, 0)
        greedy = s.greedy_cover(self.kernel)
        self.high, self.first = len(greedy), greedy
        if irredundant or self.low == self.high:
            return
        if self.budget.expired():
            self._stop(self.budget.stopped)
            return
        if self.exact is not None:
            try:
                self.low, cover = self.exact.minimum(self.high - 1)
            except _Stop:
                self._stop(self.budget.stopped)
                self.low = min(max(self.low, self.exact.lower(s.all_rows)), self.high)
                return
            if cover is not None:
                self.high, self.first = len(cover), cover
            self.low = self.high
            return
        deadline = self.budget.deadline
        if s.n_candidates > SMALL_CHART:
            if self.budget.expired():
                self._stop(self.budget.stopped)
                return
            s.set_duals(deadline)
            self.low = s.lower_bound(s.all_rows, 0)
            if self.low == self.high:
                return
            if self._solve_on_core(deadline):
                return
        if s.n_candidates <= SMALL_CHART:
            for k in range(self.low, self.high):
                found, _, stop = s.enumerate(k, 1, self.budget, first_only=True)
                if found:
                    self.low = self.high = k
                    self.first = found[0]
                    return
                if stop:
                    self._stop(stop)
                    return  # low stays the last size not refuted: k is still possible
                self.low = k + 1
            self.low = self.high
            return
        self._integer_program(deadline)

    def _solve_on_core(self, deadline: float | None) -> bool:
        """The minimum size on the block's undominated implicants (True when settled here).

        An implicant whose rows are a subset of another's can be swapped for it in any cover,
        so the minimum size of every set of rows is the same without it: the size search (but
        not the enumeration of ties) runs on the *core* of undominated implicants. On wide
        blocks with few rows the core is often small enough for the exact bit-set search;
        otherwise the integer program gets the smaller core (HiGHS's own presolve, which does
        the same reduction, cannot be interrupted by its time limit). The core's search also
        serves the tie search as an exact lower bound (a minimum over the whole block).
        """
        s = self.search
        core = _undominated(s.cand_masks, len(s.row_sets), deadline)
        if self.budget.expired():
            self._stop(self.budget.stopped)
            return True
        position = {c: i for i, c in enumerate(core)}
        core_sets = [[position[c] for c in opts if c in position] for opts in s.row_sets]
        search = _CoverSearch(core_sets, len(core))
        search.weights = s.weights  # the same linear relaxation (dominated columns are implied)
        small = len(s.row_sets) <= EXACT_ROWS and len(core) <= EXACT_CANDIDATES
        if small or (len(s.row_sets) <= CORE_EXACT_ROWS and len(core) <= CORE_EXACT_CANDIDATES):
            exact = self._exact_min(search)
            try:
                low, cover = exact.minimum(self.high - 1)
            except _Stop:
                self._stop(self.budget.stopped)
                self.low = min(max(self.low, exact.lower(s.all_rows)), self.high)
                return True
            if cover is not None:
                self.high, self.first = len(cover), tuple(sorted(core[i] for i in cover))
            self.low = self.high
            self.exact = exact
            return True
        if len(core) < s.n_candidates:
            self._integer_program(deadline, search, core)
            return True
        return False

    def _integer_program(
        self, deadline: float | None, search: _CoverSearch | None = None, core: list[int] | None = None
    ) -> None:
        s = self.search if search is None else search
        a = s.matrix()
        options: dict[str, float | bool] = {"disp": False}
        left = _remaining(deadline)
        if left is not None:
            if left <= 0:
                self._stop("time_limit")
                return
            options["time_limit"] = left
        if self.budget.stopped:
            self._stop(self.budget.stopped)
            return
        if self.budget.cap > 0:
            # HiGHS's own branch-and-bound nodes, bounded by what is left of the node budget
            # (deterministic, as the rest of the search).
            options["node_limit"] = max(1, self.budget.cap - self.budget.nodes)
        res = milp(
            c=np.ones(s.n_candidates),
            constraints=LinearConstraint(a, lb=1, ub=np.inf),
            integrality=np.ones(s.n_candidates),
            bounds=Bounds(0, 1),
            options=options,
        )
        if res.x is not None:
            cover = tuple(int(i) for i in np.flatnonzero(res.x > 0.5))
            if s.covers_all(cover) and len(cover) <= self.high:
                self.high = len(cover)
                self.first = cover if core is None else tuple(sorted(core[i] for i in cover))
        if res.status == 0:
            self.low = self.high
            return
        self._stop("max_nodes" if deadline is None or not _expired(deadline) else "time_limit")
        bound = getattr(res, "mip_dual_bound", None)
        if bound is not None and np.isfinite(bound):
            self.low = max(self.low, math.ceil(bound - 1e-6))
        self.low = min(self.low, self.high)

    def enumerate_ties(self, max_models: int, irredundant: bool) -> None:
        s = self.search
        first = tuple(sorted(self.first))
        self.best, self.used = first, set_mask(list(first))
        if not irredundant and self.low < self.high:
            # Minimum not proven: only the best cover found is offered, and counted as one.
            self.found, self.count, self.counted_all = [first], 1, False
            return
        if irredundant:
            found, count, stop = s.enumerate(s.n_candidates, max_models, self.budget, irredundant=True)
        else:
            ties = _TieSearch(s, max_models, self.budget, self.costs, self.exact)
            if self.kernel is not None:
                found, count, stop = ties.run_compiled(self.high, self.kernel)
            else:
                found, count, stop = ties.run(self.high)
            if ties.best is not None and not stop:
                self.best, self.used = ties.best, ties.used
            elif ties.best is not None:
                self.used |= ties.used
                self.best = min(first, ties.best, key=lambda c: (sum(self.costs[i] for i in c), c))
        if stop:
            self._stop(stop)
            self.counted_all = False
            if not irredundant:
                # The exact search ran out: list the minimum covers one swap apart from the
                # optimiser's (each is a genuine tie); the count is then a lower bound. Under a
                # deadline the listing has a short grace period; under a node budget only
                # ``max_models`` bounds it (deterministic).
                deadline = self.budget.deadline
                grace = None if deadline is None else max(deadline, time.monotonic()) + _GRACE
                listed = dict.fromkeys([first, *found])
                for cover in s.swap_closure(first, max_models, grace):
                    listed.setdefault(cover)
                found = list(listed)[:max_models]
                count = max(count, len(listed))
            elif not found:
                found, count = [first], max(count, 1)  # greedy, made irredundant
        self.found, self.count = found, count


class _ExactMin:
    """Exact minimum cover size of any set of rows of a small block, by branch and bound.

    ``size(U, cap)`` is the fewest implicants covering the rows ``U`` (bit mask) when that is
    at most ``cap``, else a lower bound above ``cap``. It branches on the row with fewest
    implicants (every cover takes one of them), prunes by the disjoint-rows bound, and keeps a
    memo of exact values and lower bounds per row set (sub-charts recur under many branches).
    Forbidding implicants can only raise a minimum, so ``size`` is also a valid lower bound in
    the tie search, where implicants of earlier branches are forbidden.
    """

    def __init__(self, search: _CoverSearch, budget: _Budget, words: np.ndarray | None = None):
        self.s = search
        self.budget = budget
        self.memo: dict[int, tuple[int, bool]] = {}
        # Wide blocks (more implicants than the compiled searches take, so always searched here):
        # each implicant's rows (:meth:`_CoverSearch.wide_words`), for the coverage bound
        # (:func:`_coverage`) on each node and each branch; it cuts random charts of 1,000
        # implicants and 32 rows from about a million nodes to about ten thousand (issue #21).
        self.words = words

    def _remember(self, uncovered: int, value: int, exact: bool) -> None:
        """Into the memo, emptied first when it holds :data:`MEMO_MAX` row sets (its memory
        stays bounded; the compiled memo is emptied at the same count)."""
        if len(self.memo) >= MEMO_MAX:
            self.memo.clear()
        self.memo[uncovered] = (value, exact)

    def lower(self, uncovered: int) -> int:
        hit = self.memo.get(uncovered)
        return max(self.s.lower_bound(uncovered, 0), hit[0] if hit else 0)

    def size(self, uncovered: int, cap: int) -> int:
        if not uncovered:
            return 0
        hit = self.memo.get(uncovered)
        if hit is not None and (hit[1] or hit[0] > cap):
            return hit[0]
        if self.budget.tick():
            raise _Stop
        # One pass over the rows: the lower bound (disjoint rows, dual weights, the memo's) and
        # the branching row's implicants (fewest, the first of equals, as _fewest_options).
        s = self.s
        low = 0
        used = 0
        best_n = -1
        pick = 0
        for r in s.rbits(uncovered):
            a = s.row_masks[r]
            if not a & used:
                used |= a
                low += 1
            if best_n < 0 or (best_n > 1 and a.bit_count() < best_n):
                best_n, pick = a.bit_count(), a
        if s.weights is not None:
            low = s.lower_bound(uncovered, 0)
        if hit is not None:
            low = max(low, hit[0])
        branches = bits(pick)
        lows = None
        if self.words is not None and low <= cap:
            # Wide blocks: the coverage bound of the node and of each branch.
            at = np.asarray(branches, dtype=np.intp)
            cover_low, branch_lows = _coverage(self.words, uncovered, cap, at)
            low, lows = max(low, cover_low), branch_lows.tolist()
        if low > cap:
            self._remember(uncovered, low, False)
            return low
        cand_masks = s.cand_masks
        memo = self.memo
        best = cap + 1
        bound = None
        for k, i in enumerate(branches):
            rest = uncovered & ~cand_masks[i]
            hit = memo.get(rest) if rest else (0, True)
            if hit is not None and (hit[1] or hit[0] > best - 2):
                v = 1 + hit[0]  # what the call would return at once
            elif lows is not None and lows[k] > best - 2:
                v = 1 + lows[k]  # the branch's own bound alone excludes a better cover
            else:
                v = 1 + self.size(rest, best - 2)
            if v < best:
                best = v
            bound = v if bound is None else min(bound, v)
        if best <= cap:
            self._remember(uncovered, best, True)
            return best
        value = max(low, bound if bound is not None else cap + 1)
        self._remember(uncovered, value, False)
        return value

    def minimum(self, cap: int) -> tuple[int, tuple[int, ...] | None]:
        """(minimum size, one minimum cover) when the minimum is at most ``cap``, else
        (``cap + 1``, None)."""
        rows = self.s.all_rows
        v = self.size(rows, cap)
        if v > cap:
            return cap + 1, None
        cover = []
        left = v
        while rows:
            for i in _fewest_options(rows, 0, self.s.row_masks):
                rest = rows & ~self.s.cand_masks[i]
                if self.size(rest, left - 1) == left - 1:
                    cover.append(i)
                    rows, left = rest, left - 1
                    break
        return v, tuple(sorted(cover))


_STOP_CODES = {None: 0, "max_nodes": 1, "time_limit": 2}
_STOP_NAMES = {0: None, 1: "max_nodes", 2: "time_limit"}


def _counter(budget: _Budget) -> np.ndarray:
    """The budget as the compiled searches keep it: [nodes, cap, stopped, overflow]."""
    return np.array([budget.nodes, budget.cap, _STOP_CODES[budget.stopped], 0], dtype=np.int64)


def _settle(budget: _Budget, ctr: np.ndarray) -> None:
    """Carry the compiled search's node count and stop back into the budget."""
    budget.nodes = int(ctr[0])
    if budget.stopped is None:
        budget.stopped = _STOP_NAMES.get(int(ctr[2]))


_NO_MEMO: list = []


def _no_memo(kernel):
    """An empty memo for calls that do not use one (made once)."""
    if not _NO_MEMO:
        _NO_MEMO.append(kernel.new_memo())
    return _NO_MEMO[0]


def _deadline_value(budget: _Budget) -> float:
    return math.inf if budget.deadline is None else float(budget.deadline)


class _CompiledExactMin(_ExactMin):
    """:class:`_ExactMin` run by the compiled twin (:mod:`qca._cover_kernel`): the same
    values, memo and node count; the memo is the compiled side's (row set words -> 2 *
    value + exact)."""

    def __init__(self, search: _CoverSearch, budget: _Budget, kernel):
        super().__init__(search, budget)
        self.k = kernel
        self.rm, self.cm = search.word_masks(kernel)
        self.compiled_memo = kernel.new_memo()
        self._weights: tuple[list[float] | None, np.ndarray] | None = None

    @property
    def has_w(self) -> bool:
        return self.s.weights is not None

    @property
    def w(self) -> np.ndarray:
        """The search's dual weights as an array (made again only when they change)."""
        if self._weights is None or self._weights[0] is not self.s.weights:
            self._weights = (self.s.weights, np.asarray(self.s.weights or [], dtype=float))
        return self._weights[1]

    def lower(self, uncovered: int) -> int:
        hit = self.compiled_memo.get(tuple(np.uint64(w) for w in self.k.as_words(uncovered)), -1)
        return max(self.s.lower_bound(uncovered, 0), hit >> 1 if hit >= 0 else 0)

    def size(self, uncovered: int, cap: int) -> int:
        ctr = _counter(self.budget)
        v = self.k.run_size(self.k.as_words(uncovered), cap, self.rm, self.cm, self.w, self.has_w,
                            self.compiled_memo, ctr, _deadline_value(self.budget))
        _settle(self.budget, ctr)
        if v < 0:
            raise _Stop
        return int(v)

    def minimum(self, cap: int) -> tuple[int, tuple[int, ...] | None]:
        ctr = _counter(self.budget)
        v, cover, n = self.k.run_minimum(cap, self.rm, self.cm, self.w, self.has_w, self.compiled_memo, ctr,
                                         _deadline_value(self.budget))
        _settle(self.budget, ctr)
        if v < 0:
            raise _Stop
        if n < 0:
            return cap + 1, None
        return int(v), tuple(int(i) for i in cover[:n])


class _CoverSearch:
    """Depth-first search for covers of a reduced chart given as bit masks."""

    def __init__(self, row_sets: list[list[int]], n_candidates: int):
        self.row_sets = row_sets
        self.row_masks = [set_mask(opts) for opts in row_sets]
        self.n_candidates = n_candidates
        masks = [0] * n_candidates
        for r, opts in enumerate(row_sets):
            for i in opts:
                masks[i] |= 1 << r
        self.cand_masks = masks
        self.all_rows = (1 << len(row_sets)) - 1
        #: Decoder of row sets (the remembered short one when every row set fits in 64 bits).
        self.rbits = _short_bits if len(row_sets) <= 64 else bits
        self.weights: list[float] | None = None
        self._word_masks: tuple[np.ndarray, np.ndarray] | None = None
        self._entries: tuple[np.ndarray, np.ndarray] | None = None

    def word_masks(self, kernel) -> tuple[np.ndarray, np.ndarray]:
        """Row and implicant bit sets as the compiled searches take them (made once)."""
        if self._word_masks is None:
            self._word_masks = (kernel.as_word_rows(self.row_masks), kernel.as_word_rows(self.cand_masks))
        return self._word_masks

    def wide_words(self) -> np.ndarray | None:
        """Each implicant's rows as one word when the searches of this chart add the coverage
        bound (:func:`_coverage`): more than :data:`WIDE_CANDIDATES` implicants, at most 64
        rows; else None."""
        if self.n_candidates > WIDE_CANDIDATES and len(self.row_sets) <= 64:
            return np.array(self.cand_masks, dtype=np.uint64)
        return None

    def covers_all(self, chosen: tuple[int, ...]) -> bool:
        got = 0
        for i in chosen:
            got |= self.cand_masks[i]
        return got == self.all_rows

    def set_duals(self, deadline: float | None = None) -> None:
        """Row weights from the dual of the linear relaxation, for :meth:`lower_bound`."""
        left = _remaining(deadline)
        if left is not None and left <= 0:
            return
        n_rows = len(self.row_sets)
        lengths, cols = self.entries()
        rows = np.repeat(np.arange(n_rows), lengths)
        order = np.lexsort((rows, cols))  # column-wise, rows ascending in each column
        rows, cols = rows[order], cols[order]
        indptr = np.searchsorted(cols, np.arange(self.n_candidates + 1))
        marginals = cover_duals(indptr, rows, n_rows, self.n_candidates, left)
        if marginals is not None:
            y = np.maximum(-marginals, 0.0)
            # Scale into strict dual feasibility (every implicant's rows weigh at most 1).
            load = np.bincount(cols, weights=y[rows], minlength=self.n_candidates)
            worst = float(load.max()) if n_rows else 0.0
            if worst > 1.0:
                y = y / worst
            self.weights = [float(v) for v in y]

    def reduced_cost_fixed(self, size: int) -> int:
        """Implicants in no cover of ``size`` implicants, by their reduced costs (bit mask).

        With dual weights ``y`` (total ``Y``) every cover ``S`` has ``|S| >= Y + sum of the
        reduced costs 1 - y(rows(c)) over c in S``, so an implicant whose reduced cost exceeds
        ``size - Y`` is in no cover of that size (reduced-cost fixing, as in LP-based branch
        and bound).
        """
        if self.weights is None:
            return 0
        slack = size - sum(self.weights) + 1e-7
        if slack >= 1.0:
            return 0  # reduced costs are at most 1
        # Each implicant's rows' weights, added row by row in row order (the sums of the sparse
        # product ``matrix().T @ weights``, bit for bit, without building the matrix).
        lengths, candidates = self.entries()
        load = np.bincount(candidates, weights=np.repeat(np.asarray(self.weights), lengths),
                           minlength=self.n_candidates)
        reduced = 1.0 - load
        return set_mask([int(i) for i in np.flatnonzero(reduced > slack)])

    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        """The chart's entries row by row: each row's number of implicants, and the implicants
        of every row in row order (made once)."""
        if self._entries is None:
            lengths = np.fromiter(map(len, self.row_sets), dtype=np.int64, count=len(self.row_sets))
            entries = chain.from_iterable(self.row_sets)
            candidates = np.fromiter(entries, dtype=np.int64, count=int(lengths.sum()))
            self._entries = (lengths, candidates)
        return self._entries

    def matrix(self) -> csr_array:
        """The chart as a sparse matrix, rows x candidates."""
        lengths, indices = self.entries()
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        return csr_array(
            (np.ones(indices.size), indices, indptr), shape=(len(self.row_sets), self.n_candidates)
        )

    def lower_bound(self, uncovered: int, forbidden: int) -> int:
        """Fewest implicants any cover of ``uncovered`` needs, by two valid bounds.

        Rows whose allowed implicants are pairwise disjoint need one implicant each; and any
        feasible solution of the dual of the linear relaxation (row weights such that no
        implicant's rows weigh more than 1) bounds every sub-chart by its rows' total weight
        (forbidding implicants only removes dual constraints).
        """
        used = 0
        bound = 0
        total = 0.0
        weights = self.weights
        for r in bits(uncovered):
            allowed = self.row_masks[r] & ~forbidden
            if not allowed & used:
                used |= allowed
                bound += 1
            if weights is not None:
                total += weights[r]
        if weights is not None:
            bound = max(bound, math.ceil(total - 1e-7))
        return bound

    def greedy_cover(self, kernel=None) -> tuple[int, ...]:
        """Chvatal's greedy cover (most uncovered rows first, lowest index on ties), irredundant
        (compiled when ``kernel``, the compiled searches' module, is given: the same cover)."""
        if kernel is not None:
            _, cm = self.word_masks(kernel)
            return tuple(kernel.greedy_cover(cm, kernel.as_words(self.all_rows)).tolist())
        chosen = []
        if self.n_candidates <= 2000:  # bit masks; a sparse product pays off on wide charts only
            left = self.all_rows
            live = list(enumerate(self.cand_masks))
            while left:
                # The first of the largest gains (implicants with none left are dropped).
                best, best_gain, best_mask = 0, 0, self.cand_masks[0]
                still = []
                for i, m in live:
                    gain = (m & left).bit_count()
                    if gain:
                        still.append((i, m))
                        if gain > best_gain:
                            best, best_gain, best_mask = i, gain, m
                live = still
                left &= ~best_mask
                chosen.append(best)
        else:
            a = self.matrix().T.tocsr()  # candidates x rows
            uncovered = np.ones(a.shape[1])
            while uncovered.any():
                best = int(np.argmax(a @ uncovered))
                uncovered[a.indices[a.indptr[best] : a.indptr[best + 1]]] = 0.0
                chosen.append(best)
        for i in list(chosen):
            rest = tuple(j for j in chosen if j != i)
            if self.covers_all(rest):
                chosen = list(rest)
        return tuple(sorted(chosen))

    def swap_closure(
        self, first: tuple[int, ...], max_models: int, deadline: float | None
    ) -> list[tuple[int, ...]]:
        """Covers reached from ``first`` by replacing one implicant at a time, same size.

        Breadth first, at most ``max_models`` covers (``first`` included) or until the deadline.
        """
        seen = {first}
        queue = [first]
        head = 0
        while head < len(queue) and len(seen) < max_models:
            if deadline is not None and time.monotonic() >= deadline:
                break
            cover = queue[head]
            head += 1
            once = twice = 0
            for i in cover:
                twice |= once & self.cand_masks[i]
                once |= self.cand_masks[i]
            once &= ~twice
            chosen = set(cover)
            for i in cover:
                need = self.cand_masks[i] & once
                if not need:
                    continue  # redundant implicant: cannot happen in a minimum cover
                r = _bits_first(need)
                for j in self.row_sets[r]:
                    if j in chosen or self.cand_masks[j] & need != need:
                        continue
                    new = tuple(sorted((chosen - {i}) | {j}))
                    if new not in seen:
                        seen.add(new)
                        queue.append(new)
                        if len(seen) >= max_models:
                            return queue
        return queue

    def is_irredundant(self, chosen: list[int]) -> bool:
        for i in chosen:
            rest = 0
            for j in chosen:
                if j != i:
                    rest |= self.cand_masks[j]
            if rest & self.all_rows == self.all_rows:
                return False
        return True

    def enumerate(
        self,
        k: int,
        max_models: int,
        budget: _Budget,
        first_only: bool = False,
        irredundant: bool = False,
    ) -> tuple[list[tuple[int, ...]], int, str | None]:
        """Covers of at most ``k`` implicants (exactly ``k`` when ``k`` is the minimum).

        Returns the covers listed (at most ``max_models``), the number counted and what stopped
        the search early (None, "time_limit" or "max_nodes").
        """
        found: list[tuple[int, ...]] = []
        count = 0
        cand_masks = self.cand_masks

        def visit(uncovered: int, chosen: list[int], forbidden: int) -> None:
            nonlocal count
            if budget.stopped is not None or (first_only and found):
                return
            if budget.tick():
                return
            if not uncovered:
                if irredundant and not self.is_irredundant(chosen):
                    return
                count += 1
                if len(found) < max_models:
                    found.append(tuple(sorted(chosen)))
                return
            left = k - len(chosen)
            if left <= 0 or self.lower_bound(uncovered, forbidden) > left:
                return
            best_opts = _fewest_options(uncovered, forbidden, self.row_masks)
            block = forbidden
            for i in best_opts or ():
                chosen.append(i)
                visit(uncovered & ~cand_masks[i], chosen, block)
                chosen.pop()
                block |= 1 << i

        visit(self.all_rows, [], 0)
        return found, count, budget.stopped


def _coverage(
    words: np.ndarray, uncovered: int, cap: int, branches: np.ndarray, forbidden: int = 0
) -> tuple[int, np.ndarray]:
    """The coverage bound of the rows ``uncovered`` and of the rows each branch leaves.

    ``k`` implicants cover at most the sum of the ``k`` largest numbers of rows of
    ``uncovered`` that single implicants cover, so a cover of ``uncovered`` needs at least the
    smallest ``k`` whose sum reaches ``|uncovered|``; the same sums bound every subset of
    ``uncovered``, in particular the rows left when one of ``branches`` (implicants, an index
    array) is taken.
    Only the bounds up to ``cap + 1`` are resolved (a larger one is reported as ``cap + 2``).
    On wide blocks with few rows (random charts of 1,000 implicants and 12 to 32 rows) the
    disjoint-rows and dual bounds are weak at the last two levels of a search, where this one
    cuts almost every branch. ``words``: each implicant's rows (:meth:`_CoverSearch.wide_words`);
    ``forbidden`` implicants (bit set) cover nothing.
    """
    cov = np.bitwise_count(words & np.uint64(uncovered))
    if forbidden:
        cov[_as_flags(forbidden, words.size)] = 0
    # The cap + 1 largest numbers, summed, from the histogram of the numbers (at most 64).
    counts = np.bincount(cov).tolist()
    top = cap + 1
    largest: list[int] = []
    total = 0
    for v in range(len(counts) - 1, 0, -1):
        for _ in range(min(counts[v], top - len(largest))):
            total += v
            largest.append(total)
    largest += [total] * (top - len(largest))
    need = uncovered.bit_count()
    left = need - cov[branches].astype(np.int64)
    child = np.searchsorted(largest, left) + 1
    child[left == 0] = 0
    return int(np.searchsorted(largest, need)) + 1, child


def _as_flags(mask: int, n: int) -> np.ndarray:
    """The bit set ``mask`` of ``n`` items as a boolean array."""
    packed = np.frombuffer(mask.to_bytes((n + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(packed, count=n, bitorder="little").view(bool)


Best = tuple[int, tuple[int, ...]] | None  # (total cost, sorted implicants) of the canonical cover
_Res = tuple[int, list[tuple[int, ...]], bool, Best, int]  # count, listed, complete, best, used


def _children_coverable(
    words: np.ndarray, uncovered: int, size: int, branches: np.ndarray, forbidden: int
) -> np.ndarray:
    """The ``branches`` whose rows left (``uncovered`` less the branch's) the ``size`` largest
    numbers of them covered by single allowed implicants can reach (the coverage bound of
    each branch on its own rows; the others have no cover of ``size`` implicants)."""
    allowed = words[~_as_flags(forbidden, words.size)] if forbidden else words
    if allowed.size <= size:
        return branches
    rests = np.uint64(uncovered) & ~words[branches]
    cov = np.bitwise_count(allowed[None, :] & rests[:, None])
    first = cov.shape[1] - size
    reach = np.partition(cov, first, axis=1)[:, first:].sum(axis=1, dtype=np.int64)
    return branches[reach >= np.bitwise_count(rests)]


_NONE: _Res = (0, [], True, None, 0)  # no cover
_Wide = tuple[int, list[int]]  # a wide block's branching row and the branches left to search


class _TieSearch:
    """Every cover of exactly the minimum size, counted by independent parts.

    ``solve(U, F, L)`` lists the covers of the rows ``U`` (bit mask) by implicants not in ``F``
    with exactly ``L`` implicants, under the invariant that no such cover has fewer: the root
    is called with the proven minimum, and the invariant passes to every child. A node whose
    rows split into independent parts (no allowed implicant shared) is solved part by part,
    each at its own minimum (iterative deepening from its lower bound), and the counts
    multiply; results of parts are cached (the same part recurs under different branches),
    as in component caching for model counting (Bacchus, Dalmao & Pitassi 2003).

    Alongside the count, every node returns the canonical cover of its sub-chart (least total
    cost, then smallest sorted implicants) and the implicants used by some cover, so the
    canonical cover of *all* ties and the implicants in some tie are exact without listing
    the ties.
    """

    def __init__(
        self,
        search: _CoverSearch,
        max_models: int,
        budget: _Budget,
        costs: list[int],
        exact: _ExactMin | None = None,
    ):
        self.s = search
        self.max_models = max_models
        self.budget = budget
        self.costs = costs
        self.words = search.wide_words()
        # On wide blocks the exact minimum (blind to the forbidden implicants) refutes few
        # nodes and costs about a hundred search nodes a call: the coverage bound only.
        self.exact = exact if self.words is None else None
        self.stopped: str | None = None
        self.cache: dict[tuple[int, int, int], _Res] = {}
        self.best: tuple[int, ...] | None = None
        self.used = 0

    def run(self, size: int) -> tuple[list[tuple[int, ...]], int, str | None]:
        limit = sys.getrecursionlimit()
        if 4 * size + 200 > limit:
            sys.setrecursionlimit(4 * size + 200)
        try:
            count, found, _, best, used = self.solve(self.s.all_rows, self.s.reduced_cost_fixed(size), size)
        finally:
            sys.setrecursionlimit(limit)
        self.best = best[1] if best is not None else None
        self.used = used
        return [tuple(sorted(c)) for c in found], count, self.stopped

    def run_compiled(self, size: int, kernel) -> tuple[list[tuple[int, ...]], int, str | None]:
        """:meth:`run` by the compiled twin (:mod:`qca._cover_kernel`): the same covers,
        count, canonical cover, implicants used and search nodes. A count beyond the compiled
        integers' range is counted again here, in Python."""
        s = self.s
        rm, cm = s.word_masks(kernel)
        has_w = s.weights is not None
        w = np.asarray(s.weights if has_w else [], dtype=float)
        exact = self.exact
        if isinstance(exact, _CompiledExactMin):
            xrm, xcm, xw, has_xw = exact.rm, exact.cm, exact.w, exact.has_w
            memo, has_x = exact.compiled_memo, True
        else:
            xrm, xcm, xw, has_xw, memo, has_x = rm, cm, w, False, _no_memo(kernel), False
        ctr = _counter(self.budget)
        start = self.budget.nodes
        count, listed, has_best, best, used = kernel.run_ties(
            kernel.as_words(s.all_rows), kernel.as_words(s.reduced_cost_fixed(size)), size, rm, cm, w, has_w,
            np.asarray(self.costs, dtype=np.int64), self.max_models, ctr, _deadline_value(self.budget),
            xrm, xcm, xw, has_xw, memo, has_x,
        )
        if ctr[3]:
            self.budget.nodes = start
            self.exact = None
            return self.run(size)
        _settle(self.budget, ctr)
        self.stopped = _STOP_NAMES.get(int(ctr[2])) if ctr[2] else None
        self.best = tuple(int(i) for i in best) if has_best else None
        self.used = kernel.from_words(used)
        return [tuple(c) for c in listed.tolist()], int(count), self.stopped

    def solve(self, uncovered: int, forbidden: int, size: int) -> _Res:
        """(count, covers listed, complete, canonical cover, implicants used) for rows
        ``uncovered`` with ``size`` implicants."""
        if not uncovered:
            return (1, [()], True, (0, ()), 0) if size == 0 else (0, [], True, None, 0)
        if size <= 0:
            return 0, [], True, None, 0
        if self.stopped:
            return 0, [], False, None, 0
        if self.budget.tick():
            self.stopped = self.budget.stopped
            return 0, [], False, None, 0
        # One pass over the rows gives the cache key, the disjoint-rows bound
        # (:meth:`_CoverSearch.lower_bound`) and each row's allowed implicants.
        s = self.s
        row_masks = s.row_masks
        rows = s.rbits(uncovered)
        allowed_all = ~forbidden
        relevant = used = bound = 0
        allowed = []
        for r in rows:
            m = row_masks[r]
            relevant |= m
            a = m & allowed_all
            allowed.append(a)
            if not a & used:
                used |= a
                bound += 1
        key = (uncovered, forbidden & relevant, size)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        if s.weights is not None:
            bound = s.lower_bound(uncovered, forbidden)
        wide = None
        if self.words is not None:
            if size == 1:
                single = self._single(forbidden, rows)
                self._keep(key, single)
                return single
            if bound <= size:
                # Only the branches the coverage bound leaves possible are searched.
                pick = _fewest(allowed)
                every = np.asarray(bits(pick), dtype=np.intp)
                cover_low, child_low = _coverage(self.words, uncovered, size, every, forbidden)
                bound = max(bound, cover_low)
                keep = every[child_low <= size - 1]
                if size >= 3 and keep.size > 1:
                    keep = _children_coverable(self.words, uncovered, size - 1, keep, forbidden)
                wide = (pick, keep.tolist())
        if bound > size or self._too_few_exact(uncovered, size):
            res: _Res = _NONE
        elif self.stopped:
            return 0, [], False, None, 0
        else:
            parts = _parts(rows, allowed)
            if parts is None:
                res = self._branch(uncovered, forbidden, size, allowed, wide)
            else:
                res = self._product(parts, forbidden, size)
        if res[2]:
            self._keep(key, res)
        return res

    def _keep(self, key: tuple[int, int, int], res: _Res) -> None:
        """Into the cache, emptied first when it holds :data:`CACHE_MAX` parts (its memory stays
        bounded; the compiled cache is emptied at the same count)."""
        if len(self.cache) >= CACHE_MAX:
            self.cache.clear()
        self.cache[key] = res

    def _single(self, forbidden: int, rows: list[int]) -> _Res:
        """:meth:`solve` with one implicant left, on wide blocks: the allowed implicants in
        every row of ``rows``, directly (the same result as the bounds and a branch per
        implicant, without them)."""
        row_masks = self.s.row_masks
        common = ~forbidden
        for r in rows:
            common &= row_masks[r]
            if not common:
                return _NONE
        found = bits(common)
        costs = self.costs
        best = min((costs[i], (i,)) for i in found)
        return len(found), [(i,) for i in found[: self.max_models]], True, best, common

    def _too_few_exact(self, uncovered: int, size: int) -> bool:
        """The exact minimum (of small blocks) exceeds ``size`` (after the disjoint-rows bound)."""
        if self.exact is not None:
            try:
                return self.exact.size(uncovered, size) > size
            except _Stop:
                self.stopped = self.budget.stopped
        return False

    def _branch(
        self, uncovered: int, forbidden: int, size: int, allowed: list[int], wide: _Wide | None
    ) -> _Res:
        """Covers by each allowed implicant of the branching row (:func:`_fewest`; ``allowed``:
        each row's) in turn, the earlier ones forbidden. On wide blocks ``wide`` is the branching
        row's implicants and those of them (ascending) that may lead to a cover: the others are
        skipped, and with two implicants left the second is found directly."""
        if wide is None:
            pick = _fewest(allowed)
            branches = bits(pick)
            pairs = False
        else:
            pick, branches = wide
            pairs = size == 2
        cand_masks = self.s.cand_masks
        costs = self.costs
        room_total = self.max_models
        count, complete = 0, True
        listed: list[tuple[int, ...]] = []
        best: Best = None
        used = 0
        block = forbidden
        for i in branches:
            if wide is not None:
                block = forbidden | (pick & ((1 << i) - 1))  # (skipped branches forbidden too)
            rest = uncovered & ~cand_masks[i]
            if pairs:
                n, covers, ok, sub, sub_used = self._single(block, self.s.rbits(rest)) if rest else _NONE
            else:
                n, covers, ok, sub, sub_used = self.solve(rest, block, size - 1)
            count += n
            if sub is not None:
                cand = (sub[0] + costs[i], tuple(sorted((i, *sub[1]))))
                if best is None or cand < best:
                    best = cand
                used |= sub_used | (1 << i)
            room = room_total - len(listed)
            if room > 0 and covers:
                listed.extend([(i, *c) for c in covers[:room]])
            complete = complete and ok
            if self.stopped:
                return count, listed, False, best, used
            block |= 1 << i
        return count, listed, complete, best, used

    def _product(self, parts: list[int], forbidden: int, size: int) -> _Res:
        parts.sort(key=lambda m: m.bit_count())
        lows = [self.s.lower_bound(m, forbidden) for m in parts]
        if sum(lows) > size:
            return 0, [], True, None, 0
        used = 0
        results = []
        for i, part in enumerate(parts):
            budget = size - used - sum(lows[i + 1 :])
            for k in range(lows[i], budget + 1):
                res = self.solve(part, forbidden, k)
                if res[0]:
                    break
                if not res[2]:
                    return 0, [], False, None, 0
            else:
                return 0, [], True, None, 0
            used += k
            results.append(res)
        count = math.prod(r[0] for r in results)
        listed = [
            tuple(chain.from_iterable(combo))
            for combo in islice(product(*(r[1] for r in results)), self.max_models)
        ]
        bests = [r[3] for r in results]
        best: Best = None
        found = [b for b in bests if b is not None]
        if len(found) == len(bests):
            best = (sum(b[0] for b in found), tuple(sorted(i for b in found for i in b[1])))
        mask = 0
        for r in results:
            mask |= r[4]
        return count, listed, all(r[2] for r in results), best, mask


def _parts(rows: list[int], allowed: list[int]) -> list[int] | None:
    """Independent parts of the rows (bit masks, by lowest row) when they split, else None.

    Rows are linked when they share an allowed implicant (``allowed[j]``: the allowed
    implicants of ``rows[j]``); as in component caching (see :class:`_TieSearch`).
    """
    if len(rows) <= 1:
        return None
    groups = _linked(allowed)
    if len(groups) == 1:
        return None  # one part: the rows do not split
    return [sum(1 << rows[j] for j in members) for members, _ in groups]


def _fewest(allowed: list[int]) -> int:
    """The allowed implicants of the branching row of a tie search node: the row with fewest,
    the first of equals (as :func:`_fewest_options`); ``allowed``: each row's, in row order."""
    best_n = -1
    pick = 0
    for a in allowed:
        n = a.bit_count()
        if best_n < 0 or n < best_n:
            best_n, pick = n, a
            if n <= 1:
                break
    return pick


def _fewest_options(uncovered: int, forbidden: int, row_masks: list[int]) -> list[int]:
    """Allowed implicants of the uncovered row that has fewest of them (the branching row)."""
    allowed_all = ~forbidden
    best = -1
    best_count = 0
    for r in bits(uncovered):
        n = (row_masks[r] & allowed_all).bit_count()
        if best < 0 or n < best_count:
            best, best_count = r, n
            if n <= 1:
                break
    return bits(row_masks[best] & allowed_all) if best >= 0 else []


def _bits_first(mask: int) -> int:
    return (mask & -mask).bit_length() - 1
