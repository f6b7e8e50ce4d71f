"""The undominated core of a block (qca.cover._undominated) against its definition."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qca import cover


def _by_definition(masks: list[int]) -> list[int]:
    """Positions whose rows are in no other distinct implicant's, the first of equals kept."""
    out = []
    for i, m in enumerate(masks):
        if m in masks[:i]:
            continue  # a later copy of an equal implicant
        if not any(o != m and o & m == m for o in masks):
            out.append(i)
    return out


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 700), n_rows=st.integers(1, 200),
       density=st.sampled_from([0.02, 0.1, 0.3, 0.6]))
def test_undominated_is_the_definition(seed, n, n_rows, density):
    # n above 512 takes the loop, below the all-pairs comparison; few rows make duplicates.
    rng = np.random.default_rng(seed)
    masks = [sum(1 << int(r) for r in np.flatnonzero(rng.random(n_rows) < density)) or 1 for _ in range(n)]
    assert cover._undominated(masks, n_rows, None) == _by_definition(masks)


def test_both_ways_agree_on_one_chart(monkeypatch):
    rng = np.random.default_rng(3)
    big = [sum(1 << int(r) for r in np.flatnonzero(rng.random(90) < 0.3)) or 1 for _ in range(150)]
    # Half of them with rows removed (dominated), some of those equal to their original.
    masks = big + [m & sum(1 << int(r) for r in np.flatnonzero(rng.random(90) < 0.8)) or m for m in big]
    matrix = cover._undominated(masks, 90, None)
    monkeypatch.setattr(cover, "_DOMINANCE_MATRIX", 0)
    assert cover._undominated(masks, 90, None) == matrix
    assert len(matrix) < 300  # some implicants were dominated: the comparison did something
