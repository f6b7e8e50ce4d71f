"""Batched truth tables equal the one-table function, bit for bit, table for table."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qca import QCAError
from qca.truth_table import truth_table_from_arrays, truth_tables_from_arrays

FIELDS = ("conditions", "outcome", "levels", "incl_cut", "n_cut", "pri_cut", "exclude", "fuzzy")
ARRAYS = ("row_ids", "configs", "out_codes", "n", "incl", "pri", "case_rows", "values",
          "outcome_membership")


def assert_same(a, b):
    for f in FIELDS:
        assert getattr(a, f) == getattr(b, f), f
    for f in ARRAYS:
        x, y = getattr(a, f), getattr(b, f)
        assert x.shape == y.shape, f
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True), f  # bit for bit, NaN where NaN
        else:
            assert (x == y).all(), f
    assert list(a.case_index) == list(b.case_index)


@st.composite
def data_sets(draw):
    n_sets = draw(st.integers(1, 6))
    n_cases = draw(st.integers(1, 40))
    k = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["crisp", "fuzzy", "mixed"]))
    x = rng.integers(0, 2, (n_sets, n_cases, k)).astype(float)
    if kind != "crisp":
        fz = np.round(rng.random((n_sets, n_cases, k)), draw(st.integers(1, 3)))
        if kind == "mixed":  # some sets or columns fuzzy, others crisp
            keep = rng.random((n_sets, 1, k)) < 0.5
            fz = np.where(keep, x, fz)
        x = fz
    y = rng.integers(0, 2, (n_sets, n_cases))
    if kind != "crisp":
        y = np.round(rng.random((n_sets, n_cases)), 2)
    cut = draw(st.sampled_from([1.0, 0.8, (0.8, 0.6)]))
    return x, y.astype(float), cut, draw(st.sampled_from([1, 2])), draw(st.sampled_from([0.0, 0.5]))


@settings(max_examples=150, deadline=None)
@given(data_sets())
def test_batch_equals_one_by_one(case):
    x, y, cut, n_cut, pri_cut = case
    conds = [f"C{j}" for j in range(x.shape[2])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = truth_tables_from_arrays(x, y, conds, "Y", cut, n_cut, pri_cut)
        single = [truth_table_from_arrays(a, b, conds, "Y", cut, n_cut, pri_cut) for a, b in zip(x, y)]
    assert len(batch) == len(single)
    for a, b in zip(batch, single):
        assert_same(a, b)


def test_multivalue_and_bad_input_take_the_one_table_path():
    x = np.array([[[0, 2], [1, 1], [2, 0]], [[0, 1], [1, 0], [1, 1]]], dtype=float)
    y = np.array([[1, 0, 1], [0, 1, 1]], dtype=float)
    batch = truth_tables_from_arrays(x, y, ["A", "B"], incl_cut=0.8)
    for a, r in zip(batch, range(2)):
        assert_same(a, truth_table_from_arrays(x[r], y[r], ["A", "B"], incl_cut=0.8))
    bad = x.copy()
    bad[1, 0, 0] = np.nan
    with pytest.raises(QCAError, match="missing"):
        truth_tables_from_arrays(bad, y, ["A", "B"])
    with pytest.raises(QCAError, match="incl_cut"):
        truth_tables_from_arrays(x.clip(0, 1), y, ["A", "B"], incl_cut=1.5)


@pytest.mark.parametrize("k, n_cases", [(1, 5), (3, 40), (6, 30)])
def test_both_fuzzy_strategies_give_the_same_sums(k, n_cases):
    from qca.truth_table import _fuzzy_fit_all_rows, _fuzzy_fit_listed_rows

    rng = np.random.default_rng(k)
    values = np.round(rng.random((4, k, n_cases)), 3)
    y = np.round(rng.random((4, n_cases)), 3)
    y_and_not = np.minimum(y, 1.0 - y)
    sets = np.array([0, 2, 3])
    row_set = np.repeat(sets, 3)
    row_index = rng.integers(0, 2**k, row_set.size)
    a = _fuzzy_fit_all_rows(values, y, y_and_not, sets, row_set, row_index)
    b = _fuzzy_fit_listed_rows(values, y, y_and_not, sets, row_set, row_index)
    for u, v in zip(a, b):
        assert np.array_equal(u, v)
    # and the sums are those of the definition (minimum over the row's literals)
    for r, (s, i) in enumerate(zip(row_set, row_index)):
        bits = [(int(i) >> (k - 1 - j)) & 1 for j in range(k)]
        m = np.min([values[s, j] if b_ else 1.0 - values[s, j] for j, b_ in enumerate(bits)], axis=0)
        assert np.isclose(a[0][r], m.sum()) and np.isclose(a[1][r], np.minimum(m, y[s]).sum())


@pytest.mark.parametrize("k, n_cases, n_sets", [(7, 1000, 11), (7, 129, 3), (5, 1001, 40), (4, 257, 9),
                                                 (8, 300, 5), (2, 3000, 7)])
def test_blocked_all_rows_fit_is_bit_identical(k, n_cases, n_sets):
    """The blocked all-rows sums (several blocks, a last partial group of data sets, case counts
    past numpy's pairwise-summation block of 128) equal the sums over each row's memberships
    computed straight from the definition."""
    from qca.truth_table import _fuzzy_fit_all_rows, _fuzzy_fit_listed_rows

    rng = np.random.default_rng(n_cases)
    values = rng.random((n_sets, k, n_cases))
    values[:, :, :5] = np.round(values[:, :, :5], 1)  # ties, exact 0 and 1
    y = rng.random((n_sets, n_cases))
    y_and_not = np.minimum(y, 1.0 - y)
    sets = np.arange(n_sets)[::2] if n_sets > 3 else np.arange(n_sets)
    row_set = np.repeat(sets, 1 << k)
    row_index = np.tile(np.arange(1 << k), sets.size)
    a = _fuzzy_fit_all_rows(values, y, y_and_not, sets, row_set, row_index)
    b = _fuzzy_fit_listed_rows(values, y, y_and_not, sets, row_set, row_index)
    for u, v in zip(a, b):
        assert np.array_equal(u, v)
    for r in rng.choice(row_set.size, 5):
        s, i = row_set[r], row_index[r]
        bits = [(int(i) >> (k - 1 - j)) & 1 for j in range(k)]
        m = np.min([values[s, j] if b_ else 1.0 - values[s, j] for j, b_ in enumerate(bits)], axis=0)
        assert a[0][r] == m.sum() and a[1][r] == np.minimum(m, y[s]).sum()
        assert a[2][r] == np.minimum(m, y_and_not[s]).sum()


@pytest.mark.parametrize("k, n_cases, kind", [(12, 30, "crisp"), (12, 30, "fuzzy"), (3, 2000, "crisp"),
                                               (7, 1000, "fuzzy"), (7, 1000, "mixed")])
def test_dense_and_sparse_row_counting_agree_with_one_by_one(k, n_cases, kind):
    """Rows counted densely (every row of every set, few conditions) or sorted (many
    conditions, few cases) give the one-table truth tables."""
    rng = np.random.default_rng(k * n_cases)
    x = rng.integers(0, 2, (4, n_cases, k)).astype(float)
    y = rng.integers(0, 2, (4, n_cases)).astype(float)
    if kind != "crisp":
        fz = np.round(rng.random(x.shape), 3)
        x = np.where(rng.random((4, 1, k)) < 0.5, x, fz) if kind == "mixed" else fz
        y = np.round(rng.random(y.shape), 3)
    conds = [f"C{j}" for j in range(k)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = truth_tables_from_arrays(x, y, conds, "Y", 0.8, 1, 0.5)
        for a, r in zip(batch, range(4)):
            assert_same(a, truth_table_from_arrays(x[r], y[r], conds, "Y", 0.8, 1, 0.5))
