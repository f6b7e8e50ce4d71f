"""Prime implicants of a partially defined Boolean (or multi-value) function.

A *cube* is an integer vector with one entry per condition: a level ``0 .. L-1`` or ``-1`` for a
condition that is left out (free). The function is given by its positive configurations (ON),
its negative ones (OFF) and don't-cares; logical remainders (configurations not observed) are
either don't-cares (parsimonious solution) or negative (conservative solution).

Three exact algorithms are used, chosen by the size of the problem:

* ``dense``: the whole cube space (``prod(L + 1)`` cubes) is tabulated and the number of
  forbidden configurations inside every cube is obtained with a summed-area ("zeta") transform
  along each condition; a cube is an implicant when it holds no forbidden configuration and
  prime when freeing any of its literals lets one in. This is the idea behind Dusa's
  consistency cubes, evaluated for all cubes at once (Dusa 2018). Crisp functions of at most
  :data:`CRISP_TABLE_LIMIT` conditions use the same test on bit sets: a table made once per
  number of conditions gives every cube's configurations as a bit set (and its parents), so
  a cube is an implicant when its set meets the positive configurations and misses the
  forbidden ones (the same implicants, already in :func:`sort_cubes` order).
* ``hitting``: with remainders as don't-cares, the implicants that cover a positive
  configuration ``p`` are the literal subsets of ``p`` that differ from every negative
  configuration; the prime ones are the minimal transversals of the hypergraph of difference
  sets ``{c : p_c != q_c}`` over negative ``q`` (Berge's algorithm on bit masks, vectorised:
  a candidate set is a minimal transversal when each of its elements alone hits some edge,
  tested for all candidates at once with population counts). It works from the observed
  configurations, as Dusa's CCubes does, and scales with their number, not with the number of
  conditions: 30 conditions x 60 cases give 127,321 prime implicants in about 2 s.
* ``merge``: with remainders negative, Quine-McCluskey merging of the observed allowed
  configurations (McCluskey 1956), generalised to multi-value conditions (a condition is freed
  when every level of it is present).

All three work from the observed configurations except ``dense``, which is used only while the
cube space is small (its arrays are Boolean: one byte per cube). :func:`find_prime_implicants`
takes a deadline: when it passes, the hitting-set and merge algorithms stop and return the
prime implicants found so far, completed by one prime implicant for every positive
configuration not yet covered (its own configuration with literals freed greedily while no
negative configuration gets in), and say that the list is partial. R's QCA has no such budget.

References
----------
McCluskey, E. J. (1956). Minimization of Boolean functions. *Bell System Technical Journal*
35(6), 1417-1444.
Dusa, A. (2018). Consistency cubes: a fast, efficient method for exact Boolean minimization.
*The R Journal* 10(2), 357-370.
Berge, C. (1989). *Hypergraphs*. North-Holland.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ._bits import bits

__all__ = [
    "prime_implicants",
    "find_prime_implicants",
    "covers",
    "configs_in",
    "sort_cubes",
    "dense_primes_many",
    "DENSE_LIMIT",
    "MAX_EXPANDED",
]

#: Largest cube space (product of levels + 1) tabulated by the dense algorithm (one byte per
#: cube in each of a few Boolean arrays: 3^14 cubes, about 5 MB each, for 14 crisp conditions;
#: it cannot stop at a deadline, so it is kept to spaces it tabulates within a few seconds).
DENSE_LIMIT = 5_000_000


#: Seconds per cube of the dense algorithm's space, for deciding whether it fits a deadline:
#: measured ~1e-7 on a loaded 2-core machine (3^14 cubes in 0.45 s), doubled.
_DENSE_SECONDS_PER_CUBE = 2e-7

#: Most configurations :func:`configs_in` lists before it refuses.
MAX_EXPANDED = 5_000_000


def configs_in(cubes: np.ndarray, levels: Sequence[int]) -> np.ndarray:
    """Every configuration inside any of the cubes (-1 = free), without duplicates."""
    cubes = np.atleast_2d(np.asarray(cubes, dtype=np.int64))
    levels_arr = np.asarray(levels, dtype=np.int64)
    sizes = [int(np.prod(levels_arr[c < 0])) for c in cubes]
    if sum(sizes) > MAX_EXPANDED:
        from .exceptions import QCAError

        raise QCAError(f"the terms cover more than {MAX_EXPANDED:,} configurations: too many to list")
    blocks = []
    for cube, size in zip(cubes, sizes):
        free = np.flatnonzero(cube < 0)
        block = np.tile(cube, (size, 1))
        if free.size:
            grid = np.indices(tuple(levels_arr[free].tolist())).reshape(free.size, -1).T
            block[:, free] = grid
        blocks.append(block)
    if not blocks:
        return np.zeros((0, len(levels)), dtype=np.int64)
    return np.unique(np.vstack(blocks), axis=0)


def covers(cubes: np.ndarray, configs: np.ndarray) -> np.ndarray:
    """Boolean matrix (cubes x configs): does each cube contain each configuration."""
    cubes = np.asarray(cubes)
    configs = np.asarray(configs)
    out = np.ones((cubes.shape[0], configs.shape[0]), dtype=bool)
    if out.size == 0:
        return out
    k = cubes.shape[1]
    if 0 < k <= 8 and cubes.max() <= 1 and configs.max() <= 1:
        # Crisp, few conditions: the same test on one byte per cube and configuration.
        fixed = np.packbits(cubes >= 0, axis=1, bitorder="little")[:, 0]
        values = np.packbits(cubes == 1, axis=1, bitorder="little")[:, 0]
        points = np.packbits(configs == 1, axis=1, bitorder="little")[:, 0]
        return ((points[None, :] ^ values[:, None]) & fixed[:, None]) == 0
    if 0 < k <= 62 and cubes.max() <= 1 and configs.max() <= 1:
        # Crisp: pack each cube into (fixed conditions, their values) and each configuration
        # into its values; a cube holds a configuration when they agree on the fixed bits.
        dtype = np.uint32 if k <= 32 else np.uint64
        weights = np.left_shift(np.uint64(1), np.arange(k, dtype=np.uint64))
        fixed = ((cubes >= 0) @ weights).astype(dtype)
        values = ((cubes == 1) @ weights).astype(dtype)
        points = ((configs == 1) @ weights).astype(dtype)
        for lo in range(0, cubes.shape[0], 2048):  # blocks that stay in cache
            part = points[None, :] ^ values[lo : lo + 2048, None]
            part &= fixed[lo : lo + 2048, None]
            np.equal(part, 0, out=out[lo : lo + 2048])
        return out
    if out.size * k <= 1 << 16:
        # Small multi-value charts: one comparison of every cube with every configuration.
        return ((cubes[:, None, :] < 0) | (cubes[:, None, :] == configs[None, :, :])).all(axis=2)
    for j in range(cubes.shape[1]):
        col = cubes[:, j, None]
        out &= (col < 0) | (col == configs[None, :, j])
    return out


def prime_implicants(
    on: np.ndarray,
    off: np.ndarray,
    levels: Sequence[int],
    remainders: str,
    dont_care: np.ndarray | None = None,
    method: str = "auto",
) -> np.ndarray:
    """All prime implicants that cover at least one positive configuration.

    Parameters
    ----------
    on, off : int arrays (n, k)
        Positive and negative configurations.
    levels : sequence of int
        Number of levels of each condition.
    remainders : {"dont_care", "negative"}
        How configurations that are in none of ``on``, ``off``, ``dont_care`` are treated.
    dont_care : int array (n, k), optional
        Configurations that may be covered or not (e.g. contradictions with ``include="C"``).
    method : {"auto", "dense", "hitting", "merge"}

    Returns
    -------
    int8 array (n_primes, k), -1 for free conditions, sorted by number of literals then
    lexicographically.
    """
    return find_prime_implicants(on, off, levels, remainders, dont_care, method)[0]


def find_prime_implicants(
    on: np.ndarray,
    off: np.ndarray,
    levels: Sequence[int],
    remainders: str,
    dont_care: np.ndarray | None = None,
    method: str = "auto",
    deadline: float | None = None,
    seconds_per_prime: float = 0.0,
) -> tuple[np.ndarray, bool]:
    """Prime implicants as :func:`prime_implicants`, within a deadline.

    Parameters
    ----------
    on, off, levels, remainders, dont_care, method
        As :func:`prime_implicants`.
    deadline : float, optional
        ``time.monotonic()`` value after which generation stops.
    seconds_per_prime : float
        Time the caller needs afterwards per prime implicant returned (the chart, the names):
        generation stops once ``now + seconds_per_prime * found`` reaches ``deadline``. With
        a deadline, the dense algorithm (which cannot stop) is used only when its estimated
        time fits the budget; otherwise the interruptible algorithm for the remainders.

    Returns
    -------
    primes : int8 array (n_primes, k)
        Sorted as :func:`prime_implicants`. When generation stopped early, the prime
        implicants found so far plus, for every positive configuration none of them covers,
        one prime implicant covering it (so the chart always has a cover).
    complete : bool
        False when the deadline stopped generation: ``primes`` is then a subset of the prime
        implicants.
    """
    k = len(levels)
    on = np.asarray(on, dtype=np.int64).reshape(-1, k)
    off = np.asarray(off, dtype=np.int64).reshape(-1, k)
    dont_care = (
        np.zeros((0, k), dtype=np.int64)
        if dont_care is None
        else np.asarray(dont_care, dtype=np.int64).reshape(-1, k)
    )
    if remainders not in ("dont_care", "negative"):
        raise ValueError(f"remainders must be 'dont_care' or 'negative'; got {remainders!r}")
    if on.shape[0] == 0:
        return np.zeros((0, k), dtype=np.int8), True
    space = float(np.prod(np.asarray(levels, dtype=float) + 1))
    if method == "auto":
        # (Remainders negative: merging cannot complete a partial answer quickly, dense stays.)
        dense_fits = (
            deadline is None
            or remainders == "negative"
            or time.monotonic() + _DENSE_SECONDS_PER_CUBE * space < deadline
        )
        if space <= DENSE_LIMIT and dense_fits:
            method = "dense"
        else:
            method = "hitting" if remainders == "dont_care" else "merge"
    complete = True
    if method == "dense":
        return _dense(on, off, dont_care, levels, remainders), True  # sorted, distinct
    elif method == "hitting":
        if remainders != "dont_care":
            raise ValueError("the hitting-set method needs remainders as don't-cares")
        # The exact algorithm gets most of the budget; if it cannot finish, the rest goes to
        # prime implicants grown greedily from every positive configuration in k orders.
        share = None if deadline is None else time.monotonic() + 0.7 * max(0.0, deadline - time.monotonic())
        primes, complete = _hitting(on, off, share, seconds_per_prime)
        if not complete:
            primes = np.vstack(
                [primes, _greedy_primes(on, off, deadline, seconds_per_prime, primes.shape[0])]
            )
    elif method == "merge":
        if remainders != "negative":
            raise ValueError("the merge method needs remainders as negative")
        primes, complete = _merge(on, dont_care, levels, deadline, seconds_per_prime)
    else:
        raise ValueError(f"unknown method {method!r}")
    if not complete:
        primes = _complete_cover(primes, on, off, dont_care, levels, remainders)
    return sort_cubes(primes), complete


def _complete_cover(
    primes: np.ndarray,
    on: np.ndarray,
    off: np.ndarray,
    dont_care: np.ndarray,
    levels: Sequence[int],
    remainders: str,
) -> np.ndarray:
    """Add one prime implicant for every positive configuration that ``primes`` leave uncovered."""
    k = on.shape[1]
    primes = np.asarray(primes, dtype=np.int8).reshape(-1, k)
    missing = on[~covers(primes, on).any(axis=0)] if primes.shape[0] else on
    if not missing.shape[0]:
        return primes
    allowed = None
    if remainders == "negative":
        allowed = {tuple(int(v) for v in r) for r in np.vstack([on, dont_care])}
    extra = [_expand(p, off, levels, allowed) for p in np.unique(missing, axis=0)]
    return np.vstack([primes, np.asarray(extra, dtype=np.int8)])


def _greedy_primes(
    on: np.ndarray, off: np.ndarray, deadline: float | None, seconds_per_prime: float = 0.0, before: int = 0
) -> np.ndarray:
    """Prime implicants grown from each positive configuration, freeing conditions in k orders.

    Order ``s`` tries to free conditions ``s, s+1, ..., k-1, 0, ..., s-1``; a condition is freed
    when no negative configuration then falls inside the cube. Each result is prime (a literal
    kept could not be dropped then, and freeing others later only enlarges the cube). Stops
    at the deadline (checked between configurations), less ``seconds_per_prime`` per prime
    implicant found (``before`` of them found earlier).
    """
    k = on.shape[1]
    found: set[tuple[int, ...]] = set()
    for p in np.unique(on, axis=0):
        if deadline is not None and time.monotonic() + seconds_per_prime * (before + len(found)) >= deadline:
            break
        diff = off != p
        for start in range(k):
            fixed = np.ones(k, dtype=bool)
            count = diff.sum(axis=1)
            for j in (*range(start, k), *range(start)):
                col = diff[:, j]
                if not (count[col] == 1).any():
                    fixed[j] = False
                    count = count - col
            cube = np.where(fixed, p, -1)
            found.add(tuple(int(v) for v in cube))
    return np.asarray(sorted(found), dtype=np.int8).reshape(-1, k)


def _expand(
    p: np.ndarray, off: np.ndarray, levels: Sequence[int], allowed: set[tuple[int, ...]] | None
) -> np.ndarray:
    """A prime implicant containing configuration ``p``: free its conditions greedily, in order."""
    cube = p.astype(np.int64).copy()
    if allowed is None:
        # Free condition j unless some negative configuration differs from p at j alone among
        # the conditions still fixed (it would then fall inside): counts, not cube tests.
        diff = off != p
        count = diff.sum(axis=1)
        for j in range(len(cube)):
            col = diff[:, j]
            if not (count[col] == 1).any():
                cube[j] = -1
                count = count - col
        return cube
    for j in range(len(cube)):
        trial = cube.copy()
        trial[j] = -1
        if allowed is None:
            ok = not covers(trial[None, :], off).any() if off.shape[0] else True
        else:
            size = float(np.prod([levels[i] for i in np.flatnonzero(trial < 0).tolist()]))
            ok = size <= len(allowed) and all(
                tuple(int(v) for v in c) in allowed for c in configs_in(trial, levels)
            )
        if ok:
            cube = trial
    return cube


def unique_cubes(cubes: np.ndarray) -> np.ndarray:
    """Distinct rows of an int8 cube array (-1 = free), in no particular order.

    Rows are packed into one integer each (radix ``max + 2``) when that fits in 63 bits, which
    is much faster than ``np.unique(axis=0)``.
    """
    cubes = np.asarray(cubes, dtype=np.int8)
    if cubes.shape[0] < 2:
        return cubes
    radix = int(cubes.max()) + 2
    k = cubes.shape[1]
    if k * np.log2(radix) > 62:
        return np.unique(cubes, axis=0)
    weights = radix ** np.arange(k, dtype=np.int64)
    codes = (cubes.astype(np.int64) + 1) @ weights
    _, first = np.unique(codes, return_index=True)
    return cubes[first]


def sort_cubes(cubes: np.ndarray) -> np.ndarray:
    """Sort cubes by number of literals, then by the position and level of their literals."""
    cubes = np.asarray(cubes, dtype=np.int8).reshape(-1, cubes.shape[-1])
    k = cubes.shape[1]
    if 0 < k <= CRISP_TABLE_LIMIT and cubes.shape[0] > 1 and cubes.max() <= 1 and cubes.min() >= -1:
        # Crisp: the distinct cubes' positions in the table of every cube (already sorted).
        _, _, table, position = _crisp_table(k)
        return table[np.unique(position[_crisp_codes(cubes)])]
    cubes = unique_cubes(cubes)
    if cubes.shape[0] == 0:
        return cubes
    return cubes[np.lexsort(_literal_keys(cubes))]


def _literal_keys(cubes: np.ndarray) -> list[np.ndarray]:
    # lexsort sorts by the last key first: number of literals, then earliest condition used,
    # then its level, and so on.
    fixed = cubes >= 0
    keys = []
    for j in range(cubes.shape[1] - 1, -1, -1):
        keys.append(np.where(fixed[:, j], cubes[:, j], 0))
        keys.append(~fixed[:, j])
    keys.append(fixed.sum(axis=1))
    return keys


def _any_zeta(arr: np.ndarray, levels: Sequence[int], first_axis: int = 0) -> np.ndarray:
    """Fill the 'free' slot of every axis with the OR over that axis's levels (the axes of
    ``levels`` start at ``first_axis``)."""
    for axis, n in enumerate(levels, start=first_axis):
        if n == 2:  # crisp axis: one elementwise OR into the free slot (a reduction costs more)
            pre = (slice(None),) * axis
            np.logical_or(arr[(*pre, slice(0, 1))], arr[(*pre, slice(1, 2))], out=arr[(*pre, slice(2, 3))])
            continue
        idx = [slice(None)] * arr.ndim
        idx[axis] = slice(0, n)
        total = arr[tuple(idx)].any(axis=axis, keepdims=True)
        idx[axis] = slice(n, n + 1)
        arr[tuple(idx)] = total
    return arr


def _dense(
    on: np.ndarray, off: np.ndarray, dont_care: np.ndarray, levels: Sequence[int], remainders: str
) -> np.ndarray:
    """The prime implicants by the dense algorithm, sorted as :func:`sort_cubes`."""
    k = len(levels)
    if 0 < k <= CRISP_TABLE_LIMIT and all(n == 2 for n in levels):
        if remainders == "dont_care":
            forbidden = _config_sets([off], k)
        else:
            forbidden = ~_config_sets([np.vstack([on, dont_care])], k)
        return _crisp_primes(_config_sets([on], k)[0], forbidden, k)[0]
    shape = tuple(n + 1 for n in levels)
    forbidden = np.zeros(shape, dtype=bool)
    if remainders == "dont_care":
        forbidden[tuple(off.T)] = True
    else:
        forbidden[tuple(slice(0, n) for n in levels)] = True
        allowed = np.vstack([on, dont_care])
        forbidden[tuple(allowed.T)] = False
    positive = np.zeros(shape, dtype=bool)
    positive[tuple(on.T)] = True
    _any_zeta(forbidden, levels)
    _any_zeta(positive, levels)
    implicant = positive
    implicant &= ~forbidden
    del forbidden
    cubes = _prime_cells(implicant, levels).astype(np.int8)
    cubes[cubes == np.asarray(levels, dtype=np.int8)] = -1
    return sort_cubes(cubes)


#: Crisp functions of at most this many conditions are tabulated as bit sets of
#: configurations (one table of every cube's configurations, made once per number of
#: conditions: 3^k cubes x 2^k bits, 210 kB for 8 conditions).
CRISP_TABLE_LIMIT = 8


def _config_sets(groups: Sequence[np.ndarray], k: int) -> np.ndarray:
    """Each group of crisp configurations as a bit set over the ``2^k`` configurations
    (configuration ``x`` is bit ``sum(x_j 2^j)``), in 64-bit words (groups x words)."""
    flags = np.zeros((len(groups), max(64, 1 << k)), dtype=bool)
    weights = _BIT_WEIGHTS[:k]
    if len(groups) == 1:
        flags[0, np.asarray(groups[0], dtype=np.int64).reshape(-1, k) @ weights] = True
    else:
        ids = [np.asarray(g, dtype=np.int64).reshape(-1, k) @ weights for g in groups]
        owner = np.repeat(np.arange(len(groups)), [i.size for i in ids])
        if owner.size:
            flags[owner, np.concatenate(ids)] = True
    return np.packbits(flags, axis=1, bitorder="little").view("<u8")


_BIT_WEIGHTS = 1 << np.arange(CRISP_TABLE_LIMIT, dtype=np.int64)


@lru_cache(maxsize=CRISP_TABLE_LIMIT)
def _crisp_table(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cubes of ``k`` crisp conditions in the order of :func:`sort_cubes`: each cube's
    configurations (bit sets as in :func:`_config_sets`, words x cubes), the position of each
    cube's parent freeing each condition (conditions x cubes; ``3^k``, a position past the
    end, where the condition is already free), the cubes (int8, -1 free), and the position of
    the cube of each base-3 code (:func:`_crisp_codes`)."""
    n = 3**k
    cells = np.indices((3,) * k).reshape(k, n).T.astype(np.int8)
    cells[cells == 2] = -1
    order = np.lexsort(_literal_keys(cells))
    cubes = cells[order]
    every = np.indices((2,) * k).reshape(k, -1).T[:, ::-1]  # row i: the configuration of bit i
    inside = np.zeros((n, max(64, 1 << k)), dtype=bool)
    inside[:, : 1 << k] = covers(cubes, every)
    sets = np.ascontiguousarray(np.packbits(inside, axis=1, bitorder="little").view("<u8").T)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    digits = np.where(cubes < 0, 2, cubes).astype(np.int64)
    step = 3 ** np.arange(k - 1, -1, -1, dtype=np.int64)
    freed = position[(digits @ step)[:, None] + (2 - digits) * step]
    parents = np.ascontiguousarray(np.where(cubes < 0, n, freed).T)
    for a in (sets, parents, cubes, position):
        a.flags.writeable = False
    return sets, parents, cubes, position


def _crisp_codes(cubes: np.ndarray) -> np.ndarray:
    """Base-3 code of each crisp cube (first condition most significant, free = 2)."""
    k = cubes.shape[1]
    digits = np.where(cubes < 0, 2, cubes).astype(np.int64)
    return digits @ (3 ** np.arange(k - 1, -1, -1, dtype=np.int64))


def _crisp_primes(positive: np.ndarray, forbidden: np.ndarray, k: int) -> list[np.ndarray]:
    """The prime implicants (sorted as :func:`sort_cubes`) of crisp positive configurations
    (one bit set, :func:`_config_sets`) for each set of forbidden ones (sets x words): the
    dense algorithm on bit sets (a cube is an implicant when it holds a positive
    configuration and no forbidden one, prime when no parent is an implicant)."""
    sets, parents, cubes, _ = _crisp_table(k)
    n_sets, n = forbidden.shape[0], cubes.shape[0]
    if not n_sets:
        return []
    kernel = _compiled()
    if kernel is not None:
        owner, at = kernel.crisp_primes(np.ascontiguousarray(positive, dtype=np.uint64),
                                        np.ascontiguousarray(forbidden, dtype=np.uint64), sets, parents)
        if n_sets == 1:
            return [cubes[at]]
        counts = np.bincount(owner, minlength=n_sets)
        return np.split(cubes[at], np.cumsum(counts)[:-1])
    hit = (sets[0] & positive[0]) != 0
    for w in range(1, sets.shape[0]):
        hit |= (sets[w] & positive[w]) != 0
    idx = np.flatnonzero(hit)  # the cubes holding a positive configuration
    inside = sets[:, idx]
    owners, ats = [], []
    step = max(1, _MANY_CUBES // max(1, inside.size))
    for lo in range(0, n_sets, step):
        part = forbidden[lo : lo + step]
        bad = (inside[0][None, :] & part[:, 0, None]) != 0
        for w in range(1, inside.shape[0]):
            bad |= (inside[w][None, :] & part[:, w, None]) != 0
        owner, j = np.nonzero(~bad)
        owners.append(owner + lo)
        ats.append(idx[j])
    owner, at = (owners[0], ats[0]) if len(owners) == 1 else (np.concatenate(owners), np.concatenate(ats))
    implicant = np.zeros((n_sets, n + 1), dtype=bool)
    implicant[owner, at] = True
    freer = implicant.ravel()[parents[:, at] + owner * (n + 1)].any(axis=0)
    prime = ~freer
    counts = np.bincount(owner[prime], minlength=n_sets)
    return np.split(cubes[at[prime]], np.cumsum(counts)[:-1])


def _compiled():
    """The compiled twin (:mod:`qca._cover_kernel`, loaded by :mod:`qca.cover`), or None."""
    from .cover import _KERNEL_ON, _kernel

    return _kernel() if _KERNEL_ON and _PRIMES_COMPILED else None


#: False: :func:`_crisp_primes` by arrays only (tests compare the two).
_PRIMES_COMPILED = True


def _prime_cells(implicant: np.ndarray, levels: Sequence[int], first_axis: int = 0) -> np.ndarray:
    """Indices of the prime cells of a table of implicants (the axes of ``levels`` from
    ``first_axis``; the last slot of each is "free"): implicants with no implicant one
    condition freer."""
    prime = implicant.copy()
    for axis, n in enumerate(levels, start=first_axis):
        idx = [slice(None)] * implicant.ndim
        idx[axis] = slice(n, n + 1)
        parent = implicant[tuple(idx)]
        idx[axis] = slice(0, n)
        prime[tuple(idx)] &= ~parent
    return np.argwhere(prime)


#: Cubes tabulated at once by :func:`dense_primes_many` (a few Boolean arrays of this many
#: bytes): don't-care sets are taken in chunks of at most this many cubes in all.
_MANY_CUBES = 1 << 21


def dense_primes_many(
    on: np.ndarray, dont_cares: Sequence[np.ndarray], levels: Sequence[int]
) -> list[np.ndarray]:
    """Prime implicants of ``on`` with remainders negative, for many sets of don't-cares at once.

    Item ``i`` equals ``find_prime_implicants(on, off, levels, "negative", dont_cares[i],
    method="dense")[0]`` (any ``off``: with remainders negative only the allowed configurations
    matter): the dense algorithm with one more axis for the sets, so that the many small
    re-minimisations of an intermediate solution cost a few array operations in all.
    """
    k = len(levels)
    shape = tuple(n + 1 for n in levels)
    space = int(np.prod(shape))
    on = np.asarray(on, dtype=np.int64).reshape(-1, k)
    sets = [np.asarray(d, dtype=np.int64).reshape(-1, k) for d in dont_cares]
    if on.shape[0] == 0 or not sets:
        return [np.zeros((0, k), dtype=np.int8) for _ in sets]
    if 0 < k <= CRISP_TABLE_LIMIT and all(n == 2 for n in levels):
        positive = _config_sets([on], k)[0]
        return _crisp_primes(positive, ~(_config_sets(sets, k) | positive), k)
    step = max(1, _MANY_CUBES // space)
    if len(sets) > step:
        chunks = (dense_primes_many(on, sets[lo : lo + step], levels) for lo in range(0, len(sets), step))
        return [p for chunk in chunks for p in chunk]
    positive = np.zeros(shape, dtype=bool)
    positive[tuple(on.T)] = True
    _any_zeta(positive, levels)
    forbidden = np.zeros((len(sets), *shape), dtype=bool)
    forbidden[(slice(None), *(slice(0, n) for n in levels))] = True
    forbidden[(slice(None), *on.T)] = False
    owner = np.repeat(np.arange(len(sets)), [d.shape[0] for d in sets])
    if owner.size:
        forbidden[(owner, *np.vstack(sets).T)] = False
    _any_zeta(forbidden, levels, first_axis=1)
    implicant = np.logical_not(forbidden, out=forbidden)
    implicant &= positive
    found = _prime_cells(implicant, levels, first_axis=1)
    cubes = found[:, 1:].astype(np.int8)
    cubes[cubes == np.asarray(levels, dtype=np.int8)] = -1
    # Each set's cubes in the order of sort_cubes (the set first).
    order = np.lexsort([*_literal_keys(cubes), found[:, 0]])
    counts = np.bincount(found[:, 0], minlength=len(sets))
    return np.split(cubes[order], np.cumsum(counts)[:-1])


def _minimal_transversals(edges: list[int], deadline: float | None = None) -> list[int] | None:
    """Minimal hitting sets of a family of bit-mask edges (Berge's sequential algorithm).

    None when the deadline passes first.
    """
    edges = sorted(set(edges), key=lambda e: bin(e).count("1"))
    minimal_edges: list[int] = []
    for e in edges:
        if not any(f & e == f for f in minimal_edges):
            minimal_edges.append(e)
    transversals = [0]
    for e in minimal_edges:
        if deadline is not None and time.monotonic() >= deadline:
            return None
        hit = [t for t in transversals if t & e]
        extended = {t | (1 << b) for t in transversals if not t & e for b in bits(e)}
        candidates = list(hit)
        for n, t in enumerate(extended):
            if n % 512 == 511 and deadline is not None and time.monotonic() >= deadline:
                return None
            if not any(h & t == h for h in hit):
                candidates.append(t)
        candidates.sort(key=lambda t: bin(t).count("1"))
        kept: list[int] = []
        for n, t in enumerate(candidates):
            if n % 512 == 511 and deadline is not None and time.monotonic() >= deadline:
                return None
            if not any(s & t == s for s in kept):
                kept.append(t)
        transversals = kept
    return transversals


def _hitting(
    on: np.ndarray, off: np.ndarray, deadline: float | None = None, seconds_per_prime: float = 0.0
) -> tuple[np.ndarray, bool]:
    k = on.shape[1]
    if k <= 62:
        return _hitting_vectorised(on, off, deadline, seconds_per_prime)
    weights = 1 << np.arange(k, dtype=object)
    found: set[tuple[int, ...]] = set()
    complete = True
    for p in np.unique(on, axis=0):
        if off.shape[0]:
            diff = off != p
            edges = [int(m) for m in np.unique((diff * weights).sum(axis=1))]
        else:
            edges = []
        transversals = _minimal_transversals(edges, deadline)
        if transversals is None:
            complete = False
            break
        for t in transversals:
            cube = np.full(k, -1, dtype=np.int64)
            idx = bits(t)
            cube[idx] = p[idx]
            found.add(tuple(cube))
    return np.asarray(sorted(found), dtype=np.int8).reshape(-1, k), complete


#: Candidate transversals checked at once by :func:`_transversals_vectorised` (memory bound).
_CHUNK = 65_536


def _transversals_vectorised(edges: np.ndarray, deadline: float | None) -> np.ndarray | None:
    """Minimal hitting sets of bit-mask edges (uint64), Berge's algorithm on numpy arrays.

    A set ``t`` that hits every edge is a minimal transversal iff each of its elements has a
    private edge (an edge ``f`` with ``f & t`` that element alone), which is checked for all
    candidates at once with a population count. None when the deadline passes first.
    """
    edges = np.unique(edges)
    order = np.argsort(np.bitwise_count(edges), kind="stable")
    minimal: list[int] = []
    for e in edges[order].tolist():
        if not any(f & e == f for f in minimal):
            minimal.append(e)
    family = np.zeros(1, dtype=np.uint64)
    seen: list[int] = []
    for e in minimal:
        if deadline is not None and time.monotonic() >= deadline:
            return None
        seen.append(e)
        hits = (family & np.uint64(e)) != 0
        miss = family[~hits]
        if not miss.size:
            continue
        singles = np.asarray([1 << b for b in bits(e)], dtype=np.uint64)
        extended = np.unique((miss[:, None] | singles[None, :]).ravel())
        past = np.asarray(seen, dtype=np.uint64)
        keep = np.empty(extended.size, dtype=bool)
        for lo in range(0, extended.size, _CHUNK):
            block = extended[lo : lo + _CHUNK]
            inter = block[:, None] & past[None, :]
            private = np.bitwise_or.reduce(np.where(np.bitwise_count(inter) == 1, inter, 0), axis=1)
            keep[lo : lo + _CHUNK] = private == block
        family = np.concatenate([family[hits], extended[keep]])
    return family


def _hitting_vectorised(
    on: np.ndarray, off: np.ndarray, deadline: float | None, seconds_per_prime: float = 0.0
) -> tuple[np.ndarray, bool]:
    k = on.shape[1]
    shifts = np.arange(k, dtype=np.uint64)
    found = []
    n_found = 0
    complete = True
    for p in np.unique(on, axis=0):
        if off.shape[0]:
            edges = ((off != p).astype(np.uint64) << shifts).sum(axis=1, dtype=np.uint64)
        else:
            edges = np.zeros(0, dtype=np.uint64)
        stop = None if deadline is None else deadline - seconds_per_prime * n_found
        family = _transversals_vectorised(edges, stop)
        if family is None:
            complete = False
            break
        fixed = ((family[:, None] >> shifts[None, :]) & np.uint64(1)).astype(bool)
        found.append(np.where(fixed, p[None, :], -1).astype(np.int8))
        n_found += family.size
    if not found:
        return np.zeros((0, k), dtype=np.int8), complete
    return unique_cubes(np.vstack(found)), complete


def _merge(
    on: np.ndarray,
    dont_care: np.ndarray,
    levels: Sequence[int],
    deadline: float | None = None,
    seconds_per_prime: float = 0.0,
) -> tuple[np.ndarray, bool]:
    k = on.shape[1]
    current = {tuple(int(v) for v in row) for row in np.vstack([on, dont_care])}
    primes: set[tuple[int, ...]] = set()
    complete = True
    while current:
        reserve = seconds_per_prime * (len(primes) + len(current))
        if deadline is not None and time.monotonic() + reserve >= deadline:
            complete = False
            break
        merged: set[tuple[int, ...]] = set()
        absorbed: set[tuple[int, ...]] = set()
        for cube in current:
            for j in range(k):
                if cube[j] < 0:
                    continue
                siblings = [cube[:j] + (v,) + cube[j + 1 :] for v in range(levels[j])]
                if all(s in current for s in siblings):
                    merged.add(cube[:j] + (-1,) + cube[j + 1 :])
                    absorbed.add(cube)
        primes |= current - absorbed
        current = merged
    # Cubes left unmerged at a completed level are prime; an interrupted level adds nothing.
    cubes = np.asarray(sorted(primes), dtype=np.int8).reshape(-1, k)
    return cubes[covers(cubes, on).any(axis=1)], complete
