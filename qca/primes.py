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
  consistency cubes, evaluated for all cubes at once (Dusa 2018).
* ``hitting``: with remainders as don't-cares, the implicants that cover a positive
  configuration ``p`` are the literal subsets of ``p`` that differ from every negative
  configuration; the prime ones are the minimal transversals of the hypergraph of difference
  sets ``{c : p_c != q_c}`` over negative ``q`` (Berge's algorithm on bit masks). It scales with
  the number of observed configurations, not with the number of conditions.
* ``merge``: with remainders negative, Quine-McCluskey merging of the observed allowed
  configurations (McCluskey 1956), generalised to multi-value conditions (a condition is freed
  when every level of it is present).

References
----------
McCluskey, E. J. (1956). Minimization of Boolean functions. *Bell System Technical Journal*
35(6), 1417-1444.
Dusa, A. (2018). Consistency cubes: a fast, efficient method for exact Boolean minimization.
*The R Journal* 10(2), 357-370.
Berge, C. (1989). *Hypergraphs*. North-Holland.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._bits import bits

__all__ = ["prime_implicants", "covers", "configs_in", "sort_cubes", "DENSE_LIMIT", "MAX_EXPANDED"]

#: Largest cube space (product of levels + 1) tabulated by the dense algorithm.
DENSE_LIMIT = 2_000_000


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
            grid = np.indices(levels_arr[free]).reshape(free.size, -1).T
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
        return np.zeros((0, k), dtype=np.int8)
    space = float(np.prod(np.asarray(levels, dtype=float) + 1))
    if method == "auto":
        if space <= DENSE_LIMIT:
            method = "dense"
        else:
            method = "hitting" if remainders == "dont_care" else "merge"
    if method == "dense":
        primes = _dense(on, off, dont_care, levels, remainders)
    elif method == "hitting":
        if remainders != "dont_care":
            raise ValueError("the hitting-set method needs remainders as don't-cares")
        primes = _hitting(on, off)
    elif method == "merge":
        if remainders != "negative":
            raise ValueError("the merge method needs remainders as negative")
        primes = _merge(on, dont_care, levels)
    else:
        raise ValueError(f"unknown method {method!r}")
    return sort_cubes(primes)


def sort_cubes(cubes: np.ndarray) -> np.ndarray:
    """Sort cubes by number of literals, then by the position and level of their literals."""
    cubes = np.unique(np.asarray(cubes, dtype=np.int8).reshape(-1, cubes.shape[-1]), axis=0)
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


def _zeta(arr: np.ndarray, levels: Sequence[int]) -> np.ndarray:
    """Fill the 'free' slot of every axis with the sum over that axis's levels."""
    for axis, n in enumerate(levels):
        idx = [slice(None)] * arr.ndim
        idx[axis] = slice(0, n)
        total = arr[tuple(idx)].sum(axis=axis, keepdims=True)
        idx[axis] = slice(n, n + 1)
        arr[tuple(idx)] = total
    return arr


def _dense(
    on: np.ndarray, off: np.ndarray, dont_care: np.ndarray, levels: Sequence[int], remainders: str
) -> np.ndarray:
    shape = tuple(n + 1 for n in levels)
    forbidden = np.zeros(shape, dtype=np.int32)
    if remainders == "dont_care":
        forbidden[tuple(off.T)] = 1
    else:
        forbidden[tuple(slice(0, n) for n in levels)] = 1
        allowed = np.vstack([on, dont_care])
        forbidden[tuple(allowed.T)] = 0
    positive = np.zeros(shape, dtype=np.int32)
    positive[tuple(on.T)] = 1
    _zeta(forbidden, levels)
    _zeta(positive, levels)
    implicant = (forbidden == 0) & (positive > 0)
    prime = implicant.copy()
    for axis, n in enumerate(levels):
        idx = [slice(None)] * len(levels)
        idx[axis] = slice(n, n + 1)
        parent = implicant[tuple(idx)]
        idx[axis] = slice(0, n)
        prime[tuple(idx)] &= ~parent
    cubes = np.argwhere(prime).astype(np.int8)
    cubes[cubes == np.asarray(levels, dtype=np.int8)] = -1
    return cubes


def _minimal_transversals(edges: list[int]) -> list[int]:
    """Minimal hitting sets of a family of bit-mask edges (Berge's sequential algorithm)."""
    edges = sorted(set(edges), key=lambda e: bin(e).count("1"))
    minimal_edges: list[int] = []
    for e in edges:
        if not any(f & e == f for f in minimal_edges):
            minimal_edges.append(e)
    transversals = [0]
    for e in minimal_edges:
        hit = [t for t in transversals if t & e]
        extended = {t | (1 << b) for t in transversals if not t & e for b in bits(e)}
        candidates = hit + [t for t in extended if not any(h & t == h for h in hit)]
        candidates.sort(key=lambda t: bin(t).count("1"))
        kept: list[int] = []
        for t in candidates:
            if not any(s & t == s for s in kept):
                kept.append(t)
        transversals = kept
    return transversals


def _hitting(on: np.ndarray, off: np.ndarray) -> np.ndarray:
    k = on.shape[1]
    weights = 1 << np.arange(k, dtype=object)
    found: set[tuple[int, ...]] = set()
    for p in np.unique(on, axis=0):
        if off.shape[0]:
            diff = off != p
            edges = [int(m) for m in np.unique((diff * weights).sum(axis=1))]
        else:
            edges = []
        for t in _minimal_transversals(edges):
            cube = np.full(k, -1, dtype=np.int64)
            idx = bits(t)
            cube[idx] = p[idx]
            found.add(tuple(cube))
    return np.asarray(sorted(found), dtype=np.int8).reshape(-1, k)


def _merge(on: np.ndarray, dont_care: np.ndarray, levels: Sequence[int]) -> np.ndarray:
    k = on.shape[1]
    current = {tuple(int(v) for v in row) for row in np.vstack([on, dont_care])}
    primes: set[tuple[int, ...]] = set()
    while current:
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
    cubes = np.asarray(sorted(primes), dtype=np.int8).reshape(-1, k)
    return cubes[covers(cubes, on).any(axis=1)]
