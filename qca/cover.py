"""All minimum covers of a prime-implicant chart (exact set cover with every tie).

The chart is reduced without losing any minimum cover (essential implicants, dominated rows),
the minimum number of implicants is found by integer programming (HiGHS through
``scipy.optimize.milp``), and every cover of that size is enumerated by a depth-first search
that branches on the hardest uncovered row and forbids the implicants of earlier branches, so
each cover is produced exactly once (Petrick 1956 gives the same set of covers, by expansion).

References
----------
Petrick, S. R. (1956). A direct determination of the irredundant forms of a Boolean function
from the set of prime implicants. AFCRC-TR-56-110.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from ._bits import bits, set_mask

__all__ = ["CoverResult", "minimum_covers", "DEFAULT_MAX_MODELS", "DEFAULT_MAX_NODES"]

DEFAULT_MAX_MODELS = 1000
DEFAULT_MAX_NODES = 2_000_000


@dataclass(frozen=True)
class CoverResult:
    """Minimum covers of a chart.

    Attributes
    ----------
    covers : list of tuple of int
        Implicant (chart row) indices of each minimum cover, at most ``max_models`` of them.
    size : int
        Number of implicants in a minimum cover.
    n_covers : int
        Number of minimum covers found (all of them when ``complete``).
    complete : bool
        False when not every cover is listed (``max_models`` or ``max_nodes`` reached).
    counted_all : bool
        False when the search budget ``max_nodes`` ran out: ``n_covers`` is then a lower bound.
    essential : tuple of int
        Implicants in every cover.
    """

    covers: list[tuple[int, ...]]
    size: int
    n_covers: int
    complete: bool
    essential: tuple[int, ...]
    counted_all: bool = True


def _popcount(x: int) -> int:
    return x.bit_count()


def _to_masks(chart: np.ndarray) -> tuple[list[int], list[int]]:
    n_pi, n_rows = chart.shape
    pi_masks = [
        int.from_bytes(np.packbits(chart[p], bitorder="little").tobytes(), "little") for p in range(n_pi)
    ]
    row_masks = [
        int.from_bytes(np.packbits(chart[:, r], bitorder="little").tobytes(), "little") for r in range(n_rows)
    ]
    return pi_masks, row_masks


def _minimum_size(chart: np.ndarray) -> int:
    n_pi = chart.shape[0]
    res = milp(
        c=np.ones(n_pi),
        constraints=LinearConstraint(chart.T.astype(float), lb=1, ub=np.inf),
        integrality=np.ones(n_pi),
        bounds=Bounds(0, 1),
    )
    if not res.success:  # pragma: no cover - the chart always has a cover
        raise RuntimeError(f"integer program failed: {res.message}")
    return int(round(res.fun))


def minimum_covers(
    chart: np.ndarray,
    max_models: int = DEFAULT_MAX_MODELS,
    max_nodes: int = DEFAULT_MAX_NODES,
    irredundant: bool = False,
) -> CoverResult:
    """Every minimum-cardinality cover of a Boolean chart (implicants x rows).

    With ``irredundant=True``, every irredundant cover instead (no implicant can be dropped),
    whatever its size, as R's ``all.sol``; ``size`` is then the smallest size found.

    Parameters
    ----------
    chart : bool array (n_implicants, n_rows)
        ``chart[p, r]``: implicant ``p`` covers row ``r``. Every row must be coverable.
    max_models : int
        Covers kept; the search goes on counting up to ``max_nodes`` search nodes.
    max_nodes : int
        Bound on the depth-first search, so that the call always returns.
    """
    chart = np.asarray(chart, dtype=bool)
    n_pi, n_rows = chart.shape
    if n_rows and not chart.any(axis=0).all():
        raise ValueError("a row of the chart is covered by no implicant")
    pi_masks, row_masks = _to_masks(chart)

    essential = sorted({_bits_first(m) for m in row_masks if _popcount(m) == 1})
    covered = 0
    for p in essential:
        covered |= pi_masks[p]
    remaining = [r for r in range(n_rows) if not covered >> r & 1]
    # Drop rows that are covered whenever another remaining row is (their PI set is a superset).
    rows = sorted(set(row_masks[r] for r in remaining), key=_popcount)
    kept_rows: list[int] = []
    for m in rows:
        if not any(k & m == k for k in kept_rows):
            kept_rows.append(m)
    if not kept_rows:
        return CoverResult([tuple(essential)], len(essential), 1, True, tuple(essential))

    candidates = sorted({p for m in kept_rows for p in bits(m)})
    position = {p: i for i, p in enumerate(candidates)}
    search = _CoverSearch([[position[p] for p in bits(m)] for m in kept_rows], len(candidates), max_nodes)
    k = search.minimum_size(
        lambda: _minimum_size(np.array([[m >> p & 1 for m in kept_rows] for p in candidates], dtype=bool))
    )
    if irredundant:
        found, count, stopped = search.enumerate(len(candidates), max_models, irredundant=True)
    else:
        found, count, stopped = search.enumerate(k, max_models)
    covers = sorted(
        (tuple(sorted(essential + [candidates[i] for i in c])) for c in found), key=lambda c: (len(c), c)
    )
    return CoverResult(
        covers=covers,
        size=k + len(essential),
        n_covers=count,
        complete=not stopped and count <= max_models,
        essential=tuple(essential),
        counted_all=not stopped,
    )


#: Charts with at most this many candidate implicants are solved by search alone, without an
#: integer program (whose set-up costs more than the search on small charts).
SMALL_CHART = 40


class _CoverSearch:
    """Depth-first search for covers of a reduced chart given as bit masks."""

    def __init__(self, row_sets: list[list[int]], n_candidates: int, max_nodes: int):
        self.row_sets = row_sets
        self.row_masks = [set_mask(opts) for opts in row_sets]
        self.n_candidates = n_candidates
        masks = [0] * n_candidates
        for r, opts in enumerate(row_sets):
            for i in opts:
                masks[i] |= 1 << r
        self.cand_masks = masks
        self.all_rows = (1 << len(row_sets)) - 1
        self.max_nodes = max_nodes

    def lower_bound(self, uncovered: int, forbidden: int) -> int:
        """Rows whose allowed implicants are pairwise disjoint need one implicant each."""
        used = 0
        bound = 0
        for r in bits(uncovered):
            allowed = self.row_masks[r] & ~forbidden
            if not allowed & used:
                used |= allowed
                bound += 1
        return bound

    def greedy_size(self) -> int:
        uncovered, size = self.all_rows, 0
        while uncovered:
            best = max(range(self.n_candidates), key=lambda i: (self.cand_masks[i] & uncovered).bit_count())
            uncovered &= ~self.cand_masks[best]
            size += 1
        return size

    def minimum_size(self, integer_program) -> int:
        low, high = self.lower_bound(self.all_rows, 0), self.greedy_size()
        if low == high:
            return low
        if self.n_candidates > SMALL_CHART:
            return integer_program()
        for k in range(low, high):
            found, _, stopped = self.enumerate(k, 1, first_only=True)
            if found or stopped:
                return k if found else integer_program()
        return high

    def is_irredundant(self, chosen: list[int]) -> bool:
        for i in chosen:
            rest = 0
            for j in chosen:
                if j != i:
                    rest |= self.cand_masks[j]
            if rest & self.all_rows == self.all_rows:
                return False
        return True

    def enumerate(self, k: int, max_models: int, first_only: bool = False, irredundant: bool = False):
        found: list[tuple[int, ...]] = []
        state = {"count": 0, "nodes": 0, "stopped": False}
        row_sets, cand_masks = self.row_sets, self.cand_masks

        def visit(uncovered: int, chosen: list[int], forbidden: int) -> None:
            if state["stopped"] or (first_only and found):
                return
            state["nodes"] += 1
            if state["nodes"] > self.max_nodes:
                state["stopped"] = True
                return
            if not uncovered:
                if irredundant and not self.is_irredundant(chosen):
                    return
                state["count"] += 1
                if len(found) < max_models:
                    found.append(tuple(sorted(chosen)))
                return
            left = k - len(chosen)
            if left <= 0 or self.lower_bound(uncovered, forbidden) > left:
                return
            best_opts = None
            for r in bits(uncovered):
                opts = [i for i in row_sets[r] if not forbidden >> i & 1]
                if best_opts is None or len(opts) < len(best_opts):
                    best_opts = opts
                    if len(opts) <= 1:
                        break
            block = forbidden
            for i in best_opts or ():
                chosen.append(i)
                visit(uncovered & ~cand_masks[i], chosen, block)
                chosen.pop()
                block |= 1 << i

        visit(self.all_rows, [], 0)
        return found, state["count"], state["stopped"]


def _bits_first(mask: int) -> int:
    return (mask & -mask).bit_length() - 1
