"""Compiled twin (numba) of the allocation step of the batched simulator, same answers.

:func:`allocation_counts` gives the caseloads of :func:`sim.population.allocation_counts`: each
participant's uniform is floored to the ``2**-40`` grid and compared, as an integer, with its
replication's cumulative worker shares (computed by numpy, as before), one participant at a
time. It compares and counts integers only, so its counts are the numpy version's (tests
compare the two, ties on shares and crowded grid cells included). :mod:`sim.population` uses
it once numba is loaded in the process (a recovery run's cover searches load it) unless the
environment variable ``QCASIM_JIT`` is ``0``; compiled code is cached next to this file
(numba's ``cache=True``: about a second to compile on first use).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["allocation_counts"]


@njit(cache=True, nogil=True)
def allocation_counts(u: np.ndarray, share: np.ndarray, bits: int) -> np.ndarray:  # pragma: no cover
    """Participants per worker (R, W): a participant with floored uniform
    ``key = floor(u * 2**40)`` goes to worker ``#{w : share[w] <= key}`` (``share`` of shape
    (R, W), non-decreasing per row, its last entry ``2**40``). ``first[c]`` is the first share
    in grid cell ``c`` (of ``2**bits`` cells) or later, so a key's worker is found from its cell
    by a short forward scan."""
    n_r, n_p = u.shape
    n_w = share.shape[1]
    shift = 40 - bits
    n_cells = (1 << bits) + 1
    counts = np.zeros((n_r, n_w), dtype=np.int64)
    first = np.empty(n_cells + 1, dtype=np.int64)
    for r in range(n_r):
        w = 0
        for c in range(n_cells + 1):
            while w < n_w and (share[r, w] >> shift) < c:
                w += 1
            first[c] = w
        for j in range(n_p):
            key = np.int64(np.floor(u[r, j] * 1099511627776.0))  # times 2**40: exact
            if not 0 <= key < 1099511627776:
                raise ValueError("allocation uniforms must lie in [0, 1)")
            w = first[key >> shift]
            while w < n_w and share[r, w] <= key:
                w += 1
            counts[r, w] += 1
    return counts
