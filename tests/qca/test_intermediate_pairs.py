"""The vectorised conservative x parsimonious pair rule of the intermediate solution equals the
pair-by-pair rule it replaced (Ragin & Sonnett 2005: each conservative implicant simplified
against every parsimonious implicant containing it, kept as it is when none contains it)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qca.intermediate import _bool_product, _membership, _or_into, _pair_candidates


def _pair_rule(c_ids, p_ids, subset, own, simplified):
    ids = set()
    for i in c_ids:
        inside = [j for j in p_ids if subset[i, j]]
        if not inside:
            ids.add(int(own[i]))
        ids.update(int(simplified[i, j]) for j in inside)
    return ids


@st.composite
def charts(draw):
    n_i = draw(st.integers(1, 7))
    n_j = draw(st.integers(1, 6))
    n_cubes = draw(st.integers(n_i, 20))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    subset = rng.random((n_i, n_j)) < draw(st.floats(0, 1))
    own = rng.choice(n_cubes, size=n_i, replace=False)
    simplified = np.where(subset, rng.integers(0, n_cubes, (n_i, n_j)), -1)
    c_models = [sorted(rng.choice(n_i, size=rng.integers(1, n_i + 1), replace=False).tolist())
                for _ in range(draw(st.integers(0, 5)))]
    p_models = [sorted(rng.choice(n_j, size=rng.integers(1, n_j + 1), replace=False).tolist())
                for _ in range(draw(st.integers(0, 5)))]
    return c_models, p_models, subset, own, simplified, n_cubes


@settings(max_examples=200, deadline=None)
@given(charts())
def test_vectorised_pairs_equal_the_pair_rule(chart):
    c_models, p_models, subset, own, simplified, n_cubes = chart
    keys = _pair_candidates(_membership(c_models, subset[:, 0]), _membership(p_models, subset[0]),
                            subset, own, simplified, n_cubes)
    assert keys.shape[0] == len(c_models) * len(p_models)
    pairs = [(c, p) for c in c_models for p in p_models]
    for row, (c, p) in zip(keys, pairs):
        got = set(np.flatnonzero(np.unpackbits(row)).tolist())
        assert got == _pair_rule(c, p, subset, own, simplified)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 9), st.integers(0, 20), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_boolean_helpers_equal_their_definitions(rows, cols, groups, seed):
    rng = np.random.default_rng(seed)
    x = rng.random((rows, cols)) < 0.3
    labels = rng.integers(0, groups, cols)  # repeated labels included
    expected = np.zeros((groups, rows), dtype=bool)
    for c in range(cols):
        expected[labels[c]] |= x[:, c]
    got = np.zeros((groups, rows), dtype=bool)
    _or_into(got, x.T, labels)
    assert np.array_equal(got, expected)
    b = rng.random((cols, groups)) < 0.4
    product = (x.astype(np.int64) @ b.astype(np.int64)) > 0
    assert np.array_equal(_bool_product(x, b), product)
