"""The fast paths of the cover search for small charts give what the general paths give."""

from __future__ import annotations

import numpy as np
import pytest

from qca import _bits, cover

from .strategies import random_chart


def _random_chart(rng: np.random.Generator, n_rows: int, n_pi: int) -> np.ndarray:
    return random_chart(rng, n_rows, n_pi, (0.03, 0.3))


@pytest.mark.parametrize("seed", range(3))
def test_small_blocks_match_the_sparse_graph(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    charts = [_random_chart(rng, int(rng.integers(1, 40)), int(rng.integers(1, 60))) for _ in range(200)]
    fast = [cover._blocks(c) for c in charts]
    monkeypatch.setattr(cover, "_SMALL_BLOCKS_ROWS", -1)
    assert fast == [cover._blocks(c) for c in charts]


def test_byte_decoder_matches_the_bit_loop() -> None:
    rng = np.random.default_rng(0)
    for width in range(65):
        for _ in range(50):
            mask = int(rng.integers(0, 2, size=width) @ (1 << np.arange(width, dtype=object))) if width else 0
            assert _bits._byte_bits(mask) == _bits._loop_bits(mask)


def test_ties_counted_part_by_part_on_a_split_chart() -> None:
    # Two independent halves, each with two tied covers of size 1 after the first choice.
    chart = np.array(
        [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1], [1, 0, 1, 0]], dtype=bool
    )
    res = cover.minimum_covers(chart)
    assert res.size == 2
    assert res.n_covers == 4
    assert res.covers == [(0, 2), (0, 3), (1, 2), (1, 3)]
    assert res.best == (0, 2)


def test_reduced_cost_fixing_sums_the_weights_as_the_sparse_product_does() -> None:
    # _CoverSearch.reduced_cost_fixed adds each implicant's row weights by bincount over the
    # chart's entries: the same floating-point sums, bit for bit, as the sparse product it
    # replaced (rows added in row order), so the implicants fixed, and the search nodes, are too.
    rng = np.random.default_rng(11)
    for trial in range(400):
        n_rows, n_pi = int(rng.integers(1, 90)), int(rng.integers(1, 150))
        sizes = rng.integers(1, min(n_pi, 10) + 1, size=n_rows)
        row_sets = [sorted(rng.choice(n_pi, size=int(k), replace=False).tolist()) for k in sizes]
        s = cover._CoverSearch(row_sets, n_pi)
        weights = rng.random(n_rows) * (0.1 if trial % 2 else 1.0)
        if trial % 3 == 0:
            weights = np.round(weights, 2) / 3  # sums with ties and rounding
        s.weights = weights.tolist()
        product = s.matrix().T @ weights
        lengths, candidates = s.entries()
        load = np.bincount(candidates, weights=np.repeat(weights, lengths), minlength=n_pi)
        assert np.array_equal(load, product)
        for size in range(1, 6):
            slack = size - sum(s.weights) + 1e-7
            expected = 0 if slack >= 1.0 else _bits.set_mask(np.flatnonzero(1.0 - product > slack).tolist())
            assert s.reduced_cost_fixed(size) == expected
