"""Compiled twin of the exact cover searches of :mod:`qca.cover` (numba), same answers.

:class:`qca.cover._ExactMin` (the exact minimum of a small block) and
:class:`qca.cover._TieSearch` (every minimum cover, counted by independent parts with
component caching) spend most of a simulation study's time in Python bit-set loops. This
module runs the same two algorithms, step for step, as machine code: the same branching rows
and order, the same bounds, the same memo and cache keys, the same canonical cover, the same
covers listed and the same count of search nodes (so a ``max_nodes`` budget stops both at the
same node and the answers are identical; tests compare the two on random and hard charts).

Row and implicant sets are fixed-width bit sets of :data:`WORDS` 64-bit words: blocks with at
most :data:`MAX_BITS` rows and implicants use this module, larger ones the Python search.
:mod:`qca.cover` imports it only when numba imports and the environment variable
``QCASIM_JIT`` is not ``0``. A budget's deadline is read from the clock of
:func:`time.monotonic` (``clock_gettime(CLOCK_MONOTONIC)``, POSIX), every few nodes as in
Python. Compiled code is cached next to this file (numba's ``cache=True``): the first use on a
machine compiles for about 35 seconds, later processes load it in well under a second.

Counts are 64-bit integers here (Python's are unbounded): a count beyond 2**62 stops the
search with an overflow code and the caller counts in Python instead.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.typed import Dict

__all__ = ["WORDS", "MAX_BITS", "greedy_cover", "run_ties", "run_minimum", "run_size", "run_chart",
           "crisp_primes", "new_memo", "as_words", "as_word_rows", "from_words"]

WORDS = 4
MAX_BITS = 64 * WORDS

#: Codes of ``ctr[2]`` (why the search stopped), as :attr:`qca.cover._Budget.stopped`.
STOP_NONE, STOP_NODES, STOP_TIME, STOP_OVERFLOW = 0, 1, 2, 3
_CLOCK_EVERY = 8  # as qca.cover._CLOCK_EVERY
_COUNT_LIMIT = 1 << 62
MEMO_MAX = 1 << 20  # as qca.cover.MEMO_MAX
CACHE_MAX = 1 << 18  # as qca.cover.CACHE_MAX
CLOCK_MONOTONIC = 1
ZERO = np.uint64(0)
ONE = np.uint64(1)


@intrinsic
def popcount(typingctx, x):
    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen

@intrinsic
def trailing_zeros(typingctx, x):
    def codegen(context, builder, signature, args):
        return builder.cttz(args[0], ir.Constant(ir.IntType(1), 0))

    return types.uint64(types.uint64), codegen

@njit(cache=True, inline="always")
def z4():
    return (ZERO, ZERO, ZERO, ZERO)

@njit(cache=True, inline="always")
def row(a, i):
    return (a[i, 0], a[i, 1], a[i, 2], a[i, 3])

@njit(cache=True, inline="always")
def and4(a, b):
    return (a[0] & b[0], a[1] & b[1], a[2] & b[2], a[3] & b[3])

@njit(cache=True, inline="always")
def or4(a, b):
    return (a[0] | b[0], a[1] | b[1], a[2] | b[2], a[3] | b[3])

@njit(cache=True, inline="always")
def andnot4(a, b):
    return (a[0] & ~b[0], a[1] & ~b[1], a[2] & ~b[2], a[3] & ~b[3])

@njit(cache=True, inline="always")
def not4(a):
    return (~a[0], ~a[1], ~a[2], ~a[3])

@njit(cache=True, inline="always")
def empty4(a):
    return (a[0] | a[1] | a[2] | a[3]) == ZERO

@njit(cache=True, inline="always")
def count4(a):
    return np.int64(popcount(a[0]) + popcount(a[1]) + popcount(a[2]) + popcount(a[3]))

@njit(cache=True, inline="always")
def bit4(i):
    w = i >> 6
    b = ONE << np.uint64(i & 63)
    return (b if w == 0 else ZERO, b if w == 1 else ZERO, b if w == 2 else ZERO, b if w == 3 else ZERO)

@njit(cache=True, inline="always")
def lowest4(a):
    """The lowest set bit (-1 for the empty set)."""
    for w in range(WORDS):
        if a[w] != ZERO:
            return w * 64 + np.int64(trailing_zeros(a[w]))
    return np.int64(-1)

@njit(cache=True)
def bits4(a):
    """Set bits, lowest first."""
    out = np.empty(count4(a), dtype=np.int64)
    k = 0
    for w in range(4):
        x = a[w]
        while x != ZERO:
            out[k] = w * 64 + np.int64(trailing_zeros(x))
            k += 1
            x &= x - ONE
    return out

@intrinsic
def monotonic(typingctx):
    """Seconds of ``clock_gettime(CLOCK_MONOTONIC)``, the clock of :func:`time.monotonic`."""
    def codegen(context, builder, signature, args):
        i32, i64 = ir.IntType(32), ir.IntType(64)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(i32, [i32, i64.as_pointer()]), "clock_gettime")
        buf = cgutils.alloca_once(builder, ir.ArrayType(i64, 2))
        first = builder.gep(buf, [ir.Constant(i32, 0), ir.Constant(i32, 0)])
        builder.call(fn, [ir.Constant(i32, CLOCK_MONOTONIC), first])
        sec = builder.load(first)
        nsec = builder.load(builder.gep(buf, [ir.Constant(i32, 0), ir.Constant(i32, 1)]))
        f64 = ir.DoubleType()
        return builder.fadd(builder.sitofp(sec, f64),
                            builder.fmul(builder.sitofp(nsec, f64), ir.Constant(f64, 1e-9)))

    return types.float64(), codegen

@njit(cache=True)
def tick(ctr, deadline):
    """:meth:`qca.cover._Budget.tick`: ctr = [nodes, cap, stopped, overflow]."""
    if ctr[2] == STOP_NONE:
        ctr[0] += 1
        if ctr[0] == ctr[1]:
            ctr[2] = STOP_NODES
        elif deadline < np.inf and ctr[0] % _CLOCK_EVERY == 0 and monotonic() >= deadline:
            ctr[2] = STOP_TIME
    return ctr[2] != STOP_NONE

@njit(cache=True, inline="always")
def first_pass(rm, weights, has_w, U, F):
    """One pass over the rows ``U`` (implicants ``F`` forbidden): the lower bound of
    :meth:`qca.cover._CoverSearch.lower_bound`, the branching row's allowed implicants (the
    row with fewest, the first of equals, the first with at most one settling it, as
    ``_TieSearch._branch`` and ``_ExactMin.size``) and the union of the rows' implicants."""
    allowed_all = not4(F)
    relevant = z4()
    used = z4()
    bound = 0
    total = 0.0
    pick_n = -1
    pick = z4()
    for w in range(WORDS):
        x = U[w]
        while x != ZERO:
            r = w * 64 + np.int64(trailing_zeros(x))
            x &= x - ONE
            m = row(rm, r)
            relevant = or4(relevant, m)
            a = and4(m, allowed_all)
            if empty4(and4(a, used)):
                used = or4(used, a)
                bound += 1
            if has_w:
                total += weights[r]
            if pick_n < 0 or (pick_n > 1 and count4(a) < pick_n):
                pick_n = count4(a)
                pick = a
    if has_w:
        bound = max(bound, np.int64(np.ceil(total - 1e-7)))
    return bound, pick, relevant

@njit(cache=True)
def lower_bound(rm, weights, has_w, U, F):
    """:meth:`qca.cover._CoverSearch.lower_bound`."""
    return first_pass(rm, weights, has_w, U, F)[0]

# ---------------------------------------------------------------- exact minimum (_ExactMin)

@njit(cache=True, inline="always")
def remember(memo, U, value):
    """:meth:`qca.cover._ExactMin._remember`: the memo emptied first when full."""
    if len(memo) >= MEMO_MAX:
        memo.clear()
    memo[U] = value

@njit(cache=True)
def xsize(U, cap, rm, cm, weights, has_w, memo, ctr, deadline):
    """:meth:`qca.cover._ExactMin.size`; -1 when the budget stops (Python raises _Stop).

    ``memo`` values are ``2 * value + exact``.
    """
    if empty4(U):
        return 0
    hit = memo.get(U, -1)
    if hit >= 0 and ((hit & 1) == 1 or (hit >> 1) > cap):
        return hit >> 1
    if tick(ctr, deadline):
        return -1
    low, pick, _ = first_pass(rm, weights, has_w, U, z4())
    if hit >= 0:
        low = max(low, hit >> 1)
    if low > cap:
        remember(memo, U, 2 * low)
        return low
    best = cap + 1
    bound = -1
    for i in bits4(pick):
        rest = andnot4(U, row(cm, i))
        if empty4(rest):
            h = 1
        else:
            h = memo.get(rest, -1)
        if h >= 0 and ((h & 1) == 1 or (h >> 1) > best - 2):
            v = 1 + (h >> 1)
        else:
            sub = xsize(rest, best - 2, rm, cm, weights, has_w, memo, ctr, deadline)
            if sub < 0:
                return -1
            v = 1 + sub
        if v < best:
            best = v
        bound = v if bound < 0 else min(bound, v)
    if best <= cap:
        remember(memo, U, 2 * best + 1)
        return best
    value = max(low, bound if bound >= 0 else cap + 1)
    remember(memo, U, 2 * value)
    return value

@njit(cache=True)
def fewest_options(U, F, rm):
    """:func:`qca.cover._fewest_options`."""
    allowed_all = not4(F)
    best = -1
    best_count = 0
    w = 0
    while w < WORDS:
        x = U[w]
        while x != ZERO:
            r = w * 64 + np.int64(trailing_zeros(x))
            x &= x - ONE
            n = count4(and4(row(rm, r), allowed_all))
            if best < 0 or n < best_count:
                best, best_count = r, n
                if n <= 1:
                    w = WORDS  # the first row with at most one option settles it
                    break
        w += 1
    if best < 0:
        return np.empty(0, dtype=np.int64)
    return bits4(and4(row(rm, best), allowed_all))

@njit(cache=True)
def xminimum(all_rows, cap, rm, cm, weights, has_w, memo, ctr, deadline):
    """:meth:`qca.cover._ExactMin.minimum`: (size, cover, n) with size -1 on a stop and
    n = -1 when the minimum exceeds ``cap``."""
    cover = np.empty(max(cap, 0) + 1, dtype=np.int64)
    v = xsize(all_rows, cap, rm, cm, weights, has_w, memo, ctr, deadline)
    if v < 0:
        return -1, cover, 0
    if v > cap:
        return cap + 1, cover, -1
    rows = all_rows
    left = v
    n = 0
    while not empty4(rows):
        for i in fewest_options(rows, z4(), rm):
            rest = andnot4(rows, row(cm, i))
            s = xsize(rest, left - 1, rm, cm, weights, has_w, memo, ctr, deadline)
            if s < 0:
                return -1, cover, 0
            if s == left - 1:
                cover[n] = i
                n += 1
                rows, left = rest, left - 1
                break
    return v, np.sort(cover[:n]), n

@njit(cache=True)
def greedy_cover(cm, rows):
    """:meth:`qca.cover._CoverSearch.greedy_cover`: the first of the largest gains until every
    row is covered, then each chosen implicant (in the order chosen) dropped when the others
    still cover every row; sorted."""
    all_rows = (rows[0], rows[1], rows[2], rows[3])
    n = cm.shape[0]
    chosen = np.empty(n, dtype=np.int64)
    k = 0
    left = all_rows
    while not empty4(left):
        best = 0
        best_gain = 0
        for i in range(n):
            gain = count4(and4(row(cm, i), left))
            if gain > best_gain:
                best, best_gain = i, gain
        left = andnot4(left, row(cm, best))
        chosen[k] = best
        k += 1
    keep = chosen[:k].copy()
    m = k
    for t in range(k):
        i = chosen[t]
        got = z4()
        for s in range(m):
            if keep[s] != i:
                got = or4(got, row(cm, keep[s]))
        if empty4(andnot4(all_rows, got)):
            out = 0
            for s in range(m):
                if keep[s] != i:
                    keep[out] = keep[s]
                    out += 1
            m = out
    return np.sort(keep[:m])

# ---------------------------------------------------------------- ties (_TieSearch)

@njit(cache=True)
def parts_of(U, allowed_all, rm):
    """:func:`qca.cover._parts`: row masks of the independent parts of rows ``U`` (implicants
    ``allowed_all``), by lowest row; an empty list when the rows do not split."""
    out = [z4()]
    out.pop()
    left = U
    while not empty4(left):
        first = lowest4(left)
        part = bit4(first)
        reach = and4(row(rm, first), allowed_all)
        grown = True
        while grown:
            grown = False
            for w in range(WORDS):
                x = left[w] & ~part[w]
                while x != ZERO:
                    r = w * 64 + np.int64(trailing_zeros(x))
                    x &= x - ONE
                    a = and4(row(rm, r), allowed_all)
                    if not empty4(and4(a, reach)):
                        part = or4(part, bit4(r))
                        reach = or4(reach, a)
                        grown = True
        left = andnot4(left, part)
        if len(out) == 0 and empty4(left):
            return out
        out.append(part)
    return out

@njit(cache=True)
def better(cost_a, idx_a, cost_b, idx_b):
    """(cost_a, idx_a) < (cost_b, idx_b) as Python tuples (b = None when cost_b < 0)."""
    if cost_b < 0:
        return True
    if cost_a != cost_b:
        return cost_a < cost_b
    for k in range(min(idx_a.size, idx_b.size)):
        if idx_a[k] != idx_b[k]:
            return idx_a[k] < idx_b[k]
    return idx_a.size < idx_b.size

@njit(cache=True)
def solve(U, F, size, g):
    """:meth:`qca.cover._TieSearch.solve`: (count, listed, complete, best cost, best,
    used); best cost -1 for None."""
    (rm, cm, weights, has_w, costs, max_models, ctr, deadline, cache,
     xrm, xcm, xweights, has_xw, memo, has_x, empty2, empty1) = g
    if empty4(U):
        if size == 0:
            return 1, np.zeros((1, 0), dtype=np.int64), True, 0, empty1, z4()
        return 0, empty2, True, -1, empty1, z4()
    if size <= 0:
        return 0, empty2, True, -1, empty1, z4()
    if ctr[2] != STOP_NONE:
        return 0, empty2, False, -1, empty1, z4()
    if tick(ctr, deadline):
        return 0, empty2, False, -1, empty1, z4()
    bound, pick, relevant = first_pass(rm, weights, has_w, U, F)
    fr = and4(F, relevant)
    key = (U[0], U[1], U[2], U[3], fr[0], fr[1], fr[2], fr[3], np.uint64(size))
    if key in cache:
        return cache[key]
    too_few = False
    if bound <= size and has_x:
        v = xsize(U, size, xrm, xcm, xweights, has_xw, memo, ctr, deadline)
        if v >= 0:
            too_few = v > size
    if bound > size or too_few:
        res = (0, empty2, True, -1, empty1, z4())
    elif ctr[2] != STOP_NONE:
        return 0, empty2, False, -1, empty1, z4()
    else:
        parts = parts_of(U, not4(F), rm)
        if len(parts) == 0:
            # _TieSearch._branch (inline: numba cannot cache mutually recursive functions)
            count = 0
            complete = True
            listed = empty2
            n_listed = 0
            best_cost = -1
            best = empty1
            used = z4()
            block = F
            stop = False
            for w in range(WORDS):
                x = pick[w]
                while x != ZERO and not stop:
                    i = w * 64 + np.int64(trailing_zeros(x))
                    x &= x - ONE
                    sub = solve(andnot4(U, row(cm, i)), block, size - 1, g)
                    n, covers, ok, sub_cost, sub_idx, sub_used = sub
                    count += n
                    if count > _COUNT_LIMIT:
                        ctr[3] = 1
                        ctr[2] = STOP_OVERFLOW
                    if sub_cost >= 0:
                        cand_cost = sub_cost + costs[i]
                        cand = with_index(i, sub_idx)
                        if better(cand_cost, cand, best_cost, best):
                            best_cost, best = cand_cost, cand
                        used = or4(or4(used, sub_used), bit4(i))
                    room = max_models - n_listed
                    if room > 0 and covers.shape[0] > 0:
                        take = min(room, covers.shape[0])
                        listed = headed_into(listed, n_listed, i, covers, take, size, max_models)
                        n_listed += take
                    complete = complete and ok
                    if ctr[2] != STOP_NONE:
                        complete = False
                        stop = True
                        break
                    block = or4(block, bit4(i))
            res = (count, listed[:n_listed] if n_listed else empty2, complete, best_cost, best, used)
        else:
            # _TieSearch._product (inline, as above)
            order, lows = part_order(parts, F, rm, weights, has_w)
            res = (0, empty2, True, -1, empty1, z4())
            if lows.sum() <= size:
                used_size = 0
                results = []
                for p in range(len(parts)):
                    part = parts[order[p]]
                    budget = size - used_size - lows[p + 1:].sum()
                    found = False
                    stopped = False
                    k = lows[p]
                    while k <= budget:
                        sub = solve(part, F, k, g)
                        if sub[0] > 0:
                            found = True
                            results.append(sub)
                            break
                        if not sub[2]:
                            stopped = True
                            break
                        k += 1
                    if stopped:
                        res = (0, empty2, False, -1, empty1, z4())
                        break
                    if not found:
                        break
                    used_size += k
                if len(results) == len(parts):
                    res = combine(results, size, max_models, ctr, empty2, empty1)
    if res[2]:
        if len(cache) >= CACHE_MAX:
            cache.clear()
        cache[key] = res
    return res


@njit(cache=True)
def with_index(i, sorted_idx):
    """``sorted((i, *sorted_idx))``."""
    out = np.empty(sorted_idx.size + 1, dtype=np.int64)
    k = 0
    placed = False
    for j in sorted_idx:
        if not placed and i < j:
            out[k] = i
            k += 1
            placed = True
        out[k] = j
        k += 1
    if not placed:
        out[k] = i
    return out


@njit(cache=True)
def headed_into(listed, n_listed, head, covers, take, size, max_models):
    """``listed`` (``n_listed`` rows in use) with the covers ``(head, *c)`` for the first
    ``take`` covers ``c`` of a branch appended (grown by doubling, to at most ``max_models``
    rows)."""
    need = n_listed + take
    if need > listed.shape[0]:
        grown = np.empty((min(max(need, 2 * listed.shape[0]), max_models), size), dtype=np.int64)
        if n_listed:
            grown[:n_listed] = listed[:n_listed]
        listed = grown
    for c in range(take):
        listed[n_listed + c, 0] = head
        listed[n_listed + c, 1:] = covers[c]
    return listed

@njit(cache=True)
def part_order(parts, F, rm, weights, has_w):
    """Parts by size (stable, as list.sort) and the lower bound of each."""
    n_parts = len(parts)
    sizes = np.empty(n_parts, dtype=np.int64)
    for p in range(n_parts):
        sizes[p] = count4(parts[p])
    order = np.argsort(sizes, kind="mergesort")
    lows = np.empty(n_parts, dtype=np.int64)
    for p in range(n_parts):
        lows[p] = lower_bound(rm, weights, has_w, parts[order[p]], F)
    return order, lows


@njit(cache=True)
def combine(results, size, max_models, ctr, empty2, empty1):
    """The product of independent parts' results (count, covers listed in the order of
    ``itertools.product``, canonical cover, implicants used)."""
    n_parts = len(results)
    count = 1
    for res in results:
        if count > _COUNT_LIMIT // res[0]:
            ctr[3] = 1
            ctr[2] = STOP_OVERFLOW
            count = _COUNT_LIMIT
            break
        count *= res[0]
    total = 1
    for res in results:
        total = min(total * res[1].shape[0], max_models)
    listed = np.empty((total, size), dtype=np.int64) if total > 0 else empty2
    for c in range(total):
        rem = c
        col = size
        for p in range(n_parts - 1, -1, -1):
            lst = results[p][1]
            m = lst.shape[0]
            pick = rem % m
            rem //= m
            col -= lst.shape[1]
            listed[c, col:col + lst.shape[1]] = lst[pick]
    best_cost = 0
    all_best = True
    n_best = 0
    for res in results:
        if res[3] < 0:
            all_best = False
        else:
            best_cost += res[3]
            n_best += res[4].size
    best = empty1
    if all_best:
        best = np.empty(n_best, dtype=np.int64)
        k = 0
        for res in results:
            best[k:k + res[4].size] = res[4]
            k += res[4].size
        best = np.sort(best)
    else:
        best_cost = -1
    mask = z4()
    complete = True
    for res in results:
        mask = or4(mask, res[5])
        complete = complete and res[2]
    return count, listed, complete, best_cost, best, mask


key_type = types.UniTuple(types.uint64, 2 * WORDS + 1)
res_type = types.Tuple((types.int64, types.int64[:, :], types.boolean, types.int64, types.int64[:],
                        types.UniTuple(types.uint64, WORDS)))
memo_key = types.UniTuple(types.uint64, WORDS)

@njit(cache=True)
def run_ties(U, F, size, rm, cm, weights, has_w, costs, max_models, ctr, deadline,
             xrm, xcm, xweights, has_xw, memo, has_x):
    """:meth:`qca.cover._TieSearch.run`: (count, covers listed sorted row by row, best
    (empty for None), used)."""
    cache = Dict.empty(key_type, res_type)
    empty2 = np.zeros((0, 0), dtype=np.int64)
    empty1 = np.zeros(0, dtype=np.int64)
    g = (rm, cm, weights, has_w, costs, max_models, ctr, deadline, cache,
         xrm, xcm, xweights, has_xw, memo, has_x, empty2, empty1)
    count, listed, complete, best_cost, best, used = solve(
        (U[0], U[1], U[2], U[3]), (F[0], F[1], F[2], F[3]), size, g)
    listed = listed.copy()
    for c in range(listed.shape[0]):
        listed[c] = np.sort(listed[c])
    if best_cost < 0:
        best = empty1
    return count, listed, best_cost >= 0, best, np.array(used, dtype=np.uint64)

@njit(cache=True)
def run_minimum(cap, rm, cm, weights, has_w, memo, ctr, deadline):
    all_rows = z4()
    for r in range(rm.shape[0]):
        all_rows = or4(all_rows, bit4(r))
    return xminimum(all_rows, cap, rm, cm, weights, has_w, memo, ctr, deadline)

@njit(cache=True)
def run_size(U, cap, rm, cm, weights, has_w, memo, ctr, deadline):
    return xsize((U[0], U[1], U[2], U[3]), cap, rm, cm, weights, has_w, memo, ctr, deadline)


@njit(cache=True)
def new_memo():
    """An empty memo of exact minima (row set -> 2 * value + exact) for :func:`xsize`."""
    return Dict.empty(memo_key, types.int64)


# ---------------------------------------------------------------- whole charts (minimum_covers)

#: :func:`run_chart` results: the answer, or "ask the Python search" (a block of more than
#: ``max_rows`` rows, or a search stopped by the budget or a count overflow).
CHART_DONE, CHART_FALLBACK = 0, 1


@njit(cache=True)
def _positions_in(m, reach):
    """The bits of ``m`` (within ``reach``) renumbered as positions among ``reach``'s bits."""
    out = ZERO
    k = 0
    x = reach
    while x != ZERO:
        low = x & (~x + ONE)
        if m & low != ZERO:
            out |= ONE << np.uint64(k)
        k += 1
        x &= x - ONE
    return out


@njit(cache=True)
def _bits1(x):
    """Set bits of one word, lowest first."""
    out = np.empty(np.int64(popcount(x)), dtype=np.int64)
    k = 0
    while x != ZERO:
        out[k] = np.int64(trailing_zeros(x))
        k += 1
        x &= x - ONE
    return out


@njit(cache=True)
def _kept_rows(masks, ess):
    """:func:`qca.cover._kept_masks` of the rows no essential implicant covers: distinct row
    masks by (number of implicants, mask), each kept unless a kept one lies inside it."""
    n = masks.size
    distinct = np.empty(n, dtype=np.uint64)
    nd = 0
    for r in range(n):
        m = masks[r]
        if m & ess != ZERO:
            continue
        seen = False
        for j in range(nd):
            if distinct[j] == m:
                seen = True
                break
        if not seen:
            distinct[nd] = m
            nd += 1
    for i in range(1, nd):  # insertion sort by (popcount, value)
        m = distinct[i]
        pm = popcount(m)
        j = i - 1
        while j >= 0 and (popcount(distinct[j]) > pm or (popcount(distinct[j]) == pm and distinct[j] > m)):
            distinct[j + 1] = distinct[j]
            j -= 1
        distinct[j + 1] = m
    kept = np.empty(nd, dtype=np.uint64)
    nk = 0
    for i in range(nd):
        m = distinct[i]
        inside = False
        for j in range(nk):
            if kept[j] & m == kept[j]:
                inside = True
                break
        if not inside:
            kept[nk] = m
            nk += 1
    return kept[:nk]


@njit(cache=True)
def _groups(kept):
    """:func:`qca.cover._linked`: each kept row's group (rows linked by shared implicants,
    transitively), groups numbered by their first row; and each group's implicants."""
    nk = kept.size
    group = np.full(nk, -1, dtype=np.int64)
    reaches = np.empty(nk, dtype=np.uint64)
    n_groups = 0
    for p in range(nk):
        if group[p] >= 0:
            continue
        group[p] = n_groups
        reach = kept[p]
        grown = True
        while grown:
            grown = False
            for j in range(p + 1, nk):
                if group[j] < 0 and kept[j] & reach != ZERO:
                    group[j] = n_groups
                    reach |= kept[j]
                    grown = True
        reaches[n_groups] = reach
        n_groups += 1
    return group, reaches[:n_groups]


@njit(cache=True)
def run_chart(masks, costs, max_models, max_rows, ctr):
    """:func:`qca.cover.minimum_covers` of a chart of at most 64 implicants (``masks``: each
    row's implicants, one word), without a deadline and not irredundant:
    the essential implicants, the reduced rows, the blocks (by number of implicants, stable),
    each block's minimum and ties by the searches above (as :class:`qca.cover._Block` runs
    them: disjoint-rows bound, greedy cover, exact minimum, tie search with its memo), and
    the covers combined in the order of ``itertools.product``, the canonical cover added,
    sorted. The node count in ``ctr`` is the Python search's (the same searches run). Blocks
    of more than ``max_rows`` rows (:data:`qca.cover.EXACT_ROWS`: those the Python search
    sizes otherwise) leave the chart to it before any search.

    Returns (code, covers, counts, n_listed, best, in_some, essential, n_blocks); code
    :data:`CHART_FALLBACK` leaves the chart to the Python search.
    """
    empty1 = np.zeros(0, dtype=np.int64)
    empty2 = np.zeros((0, 0), dtype=np.int64)
    n = masks.size
    ess = ZERO
    for r in range(n):
        m = masks[r]
        if m & (m - ONE) == ZERO:
            ess |= m
    ess_idx = _bits1(ess)
    kept = _kept_rows(masks, ess)
    group, reaches = _groups(kept)
    n_blocks = reaches.size
    widths = np.empty(n_blocks, dtype=np.int64)
    for g in range(n_blocks):
        widths[g] = np.int64(popcount(reaches[g]))
    order = np.argsort(widths, kind="mergesort")
    heights = np.zeros(n_blocks, dtype=np.int64)
    for p in range(kept.size):
        heights[group[p]] += 1
    counts = np.empty(n_blocks, dtype=np.int64)
    n_listed = np.empty(n_blocks, dtype=np.int64)
    if n_blocks and heights.max() > max_rows:
        return CHART_FALLBACK, empty2, counts, n_listed, empty1, empty1, ess_idx, n_blocks
    lists = []
    best_all = np.empty(0, dtype=np.int64)
    used_all = ess
    total_size = ess_idx.size
    w = np.zeros(0)
    no_f = np.zeros(WORDS, dtype=np.uint64)
    # Flags as computed booleans, not literals: a literal False would make numba compile the
    # searches called below once more, for that literal type (about 20 s more to build).
    no = w.size > 0
    yes = w.size == 0
    for b in range(n_blocks):
        g = order[b]
        reach = reaches[g]
        cands = _bits1(reach)
        nc = cands.size
        nr = heights[g]
        # The block's rows (kept order), then by number of implicants, stable.
        rows = np.empty(nr, dtype=np.uint64)
        k = 0
        for p in range(kept.size):
            if group[p] == g:
                rows[k] = _positions_in(kept[p], reach)
                k += 1
        for i in range(1, nr):
            m = rows[i]
            pm = popcount(m)
            j = i - 1
            while j >= 0 and popcount(rows[j]) > pm:
                rows[j + 1] = rows[j]
                j -= 1
            rows[j + 1] = m
        rm = np.zeros((nr, WORDS), dtype=np.uint64)
        cm = np.zeros((nc, WORDS), dtype=np.uint64)
        for r in range(nr):
            rm[r, 0] = rows[r]
            x = rows[r]
            while x != ZERO:
                cm[np.int64(trailing_zeros(x)), 0] |= ONE << np.uint64(r)
                x &= x - ONE
        all_rows = (ONE << np.uint64(nr)) - ONE
        U = (all_rows, ZERO, ZERO, ZERO)
        u_arr = np.zeros(WORDS, dtype=np.uint64)
        u_arr[0] = all_rows
        low = lower_bound(rm, w, no, U, z4())
        first = greedy_cover(cm, u_arr)
        high = first.size
        memo = new_memo()
        if low < high:
            v, cover, nn = xminimum(U, high - 1, rm, cm, w, no, memo, ctr, np.inf)
            if v < 0:
                return CHART_FALLBACK, empty2, counts, n_listed, empty1, empty1, ess_idx, n_blocks
            if nn >= 0:
                high = nn
                first = cover
        bcosts = np.empty(nc, dtype=np.int64)
        for i in range(nc):
            bcosts[i] = costs[cands[i]]
        count, listed, has_best, best, used = run_ties(
            u_arr, no_f, high, rm, cm, w, no, bcosts, max_models, ctr, np.inf,
            rm, cm, w, no, memo, yes)
        if ctr[2] != STOP_NONE or ctr[3] != 0:
            return CHART_FALLBACK, empty2, counts, n_listed, empty1, empty1, ess_idx, n_blocks
        if not has_best:
            best = first
            used_pos = ZERO
            for i in first:
                used_pos |= ONE << np.uint64(i)
        else:
            used_pos = used[0]
        if listed.shape[0] == 0:
            listed = first.reshape(1, first.size)
            count = max(count, 1)
        mapped = np.empty(listed.shape, dtype=np.int64)
        for c in range(listed.shape[0]):
            for i in range(listed.shape[1]):
                mapped[c, i] = cands[listed[c, i]]
        lists.append(mapped)
        counts[b] = count
        n_listed[b] = listed.shape[0]
        best_all = np.concatenate((best_all, cands[best]))
        while used_pos != ZERO:
            used_all |= ONE << np.uint64(cands[np.int64(trailing_zeros(used_pos))])
            used_pos &= used_pos - ONE
        total_size += high
    # The covers: every combination of the blocks' covers (the last block fastest), with the
    # essential implicants, each sorted; at most max_models.
    if n_blocks == 1 and ess_idx.size == 0:
        combined = lists[0][:max_models].copy()
    else:
        total = 1
        for b in range(n_blocks):
            total = min(total * lists[b].shape[0], max_models)
        combined = np.empty((total, total_size), dtype=np.int64)
        for c in range(total):
            combined[c, :ess_idx.size] = ess_idx
            rem = c
            col = total_size
            for b in range(n_blocks - 1, -1, -1):
                lst = lists[b]
                m = lst.shape[0]
                pick = rem % m
                rem //= m
                col -= lst.shape[1]
                combined[c, col:col + lst.shape[1]] = lst[pick]
            combined[c] = np.sort(combined[c])
    best = np.sort(np.concatenate((ess_idx, best_all)))
    listed_best = False
    for c in range(combined.shape[0]):
        same = True
        for i in range(total_size):
            if combined[c, i] != best[i]:
                same = False
                break
        if same:
            listed_best = True
            break
    if not listed_best:
        keep = min(combined.shape[0], max_models - 1)
        grown = np.empty((keep + 1, total_size), dtype=np.int64)
        grown[:keep] = combined[:keep]
        grown[keep] = best
        combined = grown
    # Sorted as tuples (all of one length): insertion sort, rows compared left to right.
    nc_rows = combined.shape[0]
    for i in range(1, nc_rows):
        row_i = combined[i].copy()
        j = i - 1
        while j >= 0:
            greater = False
            for t in range(total_size):
                if combined[j, t] != row_i[t]:
                    greater = combined[j, t] > row_i[t]
                    break
            if not greater:
                break
            combined[j + 1] = combined[j]
            j -= 1
        combined[j + 1] = row_i
    return CHART_DONE, combined, counts, n_listed, best, _bits1(used_all), ess_idx, n_blocks


# ---------------------------------------------------------------- crisp prime implicants

@njit(cache=True)
def crisp_primes(positive, forbidden, sets, parents):
    """:func:`qca.primes._crisp_primes` on its tables: the (set, cube position) of every prime
    implicant, by set, then by position (the order of ``np.nonzero``). A cube is an implicant
    of a set when it holds a positive configuration and none of the set's forbidden ones,
    prime when no parent (the cube with one more condition free) is one."""
    n_words, n = sets.shape
    n_sets = forbidden.shape[0]
    k = parents.shape[0]
    idx = np.empty(n, dtype=np.int64)
    m = 0
    for c in range(n):
        for w in range(n_words):
            if sets[w, c] & positive[w] != ZERO:
                idx[m] = c
                m += 1
                break
    implicant = np.zeros(n + 1, dtype=np.bool_)  # (position n: "no parent", never one)
    owner = np.empty(n_sets * m, dtype=np.int64)
    at = np.empty(n_sets * m, dtype=np.int64)
    count = 0
    for s in range(n_sets):
        for t in range(m):
            c = idx[t]
            ok = True
            for w in range(n_words):
                if sets[w, c] & forbidden[s, w] != ZERO:
                    ok = False
                    break
            implicant[c] = ok
        for t in range(m):
            c = idx[t]
            if implicant[c]:
                prime = True
                for j in range(k):
                    if implicant[parents[j, c]]:
                        prime = False
                        break
                if prime:
                    owner[count] = s
                    at[count] = c
                    count += 1
    return owner[:count], at[:count]


def warm_up() -> None:
    """Load (or compile) every entry point once, on a tiny chart."""
    # Rows {0, 1}, {1, 2}, {0, 2} of implicants; implicant 0 covers rows 0 and 2, and so on.
    rm, cm = as_word_rows([0b011, 0b110, 0b101]), as_word_rows([0b101, 0b011, 0b110])
    w = np.zeros(0)
    z = as_words(0)
    full = as_words(7)
    memo = new_memo()
    run_minimum(1, rm, cm, w, False, memo, np.array([0, -1, 0, 0], dtype=np.int64), np.inf)
    run_size(full, 2, rm, cm, w, False, memo, np.array([0, -1, 0, 0], dtype=np.int64), np.inf)
    greedy_cover(cm, full)
    run_ties(full, z, 2, rm, cm, w, False, np.ones(3, dtype=np.int64), 10,
             np.array([0, -1, 0, 0], dtype=np.int64), np.inf, rm, cm, w, False, memo, True)
    run_chart(np.array([0b011, 0b110, 0b101, 0b1000], dtype=np.uint64), np.ones(4, dtype=np.int64), 10, 32,
              np.array([0, -1, 0, 0], dtype=np.int64))
    sets, parents = np.array([[1, 2, 3]], dtype=np.uint64), np.array([[2, 2, 3]], dtype=np.int64)
    sets.flags.writeable = parents.flags.writeable = False  # (as qca.primes._crisp_table's)
    crisp_primes(np.array([1], dtype=np.uint64), np.array([[2]], dtype=np.uint64), sets, parents)


_BYTES = 8 * WORDS


def as_word_rows(masks: list[int]) -> np.ndarray:
    """Python int bit sets as rows of ``WORDS`` 64-bit words (lowest first)."""
    raw = b"".join([m.to_bytes(_BYTES, "little") for m in masks])
    return np.frombuffer(raw, dtype="<u8").astype(np.uint64).reshape(len(masks), WORDS)


def as_words(mask: int) -> np.ndarray:
    """A Python int bit set as ``WORDS`` 64-bit words, lowest first."""
    return np.frombuffer(mask.to_bytes(_BYTES, "little"), dtype="<u8").astype(np.uint64)


def from_words(ws) -> int:
    """Inverse of :func:`as_words`."""
    return int.from_bytes(np.asarray(ws, dtype="<u8").tobytes(), "little")
