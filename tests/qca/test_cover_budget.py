"""The size search on undominated implicants, and the pieces that keep a time budget a promise."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

import qca.cover as cover_mod
import qca.primes as primes_mod
from qca.cover import EXACT_CANDIDATES, EXACT_ROWS, _undominated, minimum_covers
from qca.primes import covers, find_prime_implicants
from qca.solution import _cube_names, cube_string


def _milp_min(chart: np.ndarray) -> int:
    res = milp(
        c=np.ones(chart.shape[0]),
        constraints=LinearConstraint(chart.T.astype(float), lb=1, ub=np.inf),
        integrality=np.ones(chart.shape[0]),
        bounds=Bounds(0, 1),
    )
    return round(res.fun)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**12 - 1), min_size=1, max_size=40), st.sampled_from([12, 70]))
def test_undominated_keeps_exactly_the_maximal_masks_first_of_equals(masks, n_rows):
    if n_rows > 12:  # spread the same sets over rows beyond the first 64 bits
        masks = [(m & 0x3F) | ((m >> 6) << 64) for m in masks]
    kept = _undominated(masks, n_rows, None)
    expected = [
        i
        for i, m in enumerate(masks)
        if not any(
            (m & o == m) and (m != o or j < i) for j, o in enumerate(masks) if j != i
        )
    ]
    assert kept == expected


def _wide_chart(seed: int, n_pi: int, n_rows: int, density: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    chart = rng.random((n_pi, n_rows)) < density
    for r in np.flatnonzero(~chart.any(axis=0)):
        chart[rng.integers(n_pi), r] = True
    return chart


# Derandomised (the examples CI runs): before the coverage bound some random charts of this shape
# took the exact search minutes (millions of nodes on 32 rows x 1,200 implicants; issue #21).
@settings(max_examples=5, deadline=None, derandomize=True, database=None)
@given(st.integers(0, 2**32 - 1), st.integers(12, EXACT_ROWS))
def test_wide_blocks_with_few_rows_are_solved_exactly_on_their_core(seed, n_rows):
    # More implicants than the exact search takes on the whole block; few rows, so the
    # undominated core is small: its exact size must be the integer program's.
    chart = _wide_chart(seed, EXACT_CANDIDATES + 200, n_rows, 0.15)
    res = minimum_covers(chart, max_models=5)
    assert res.size_proven and res.size == _milp_min(chart)
    for cover in res.covers:
        assert len(cover) == res.size and chart[list(cover)].any(axis=0).all()
    again = minimum_covers(chart, max_models=5, max_nodes=2_000)
    assert again == minimum_covers(chart, max_models=5, max_nodes=2_000)  # deterministic


# (seed, rows) -> minimum size and number of minimum covers, as counted by the search before the
# coverage bound (1.39 million, 1.14 million and 476,000 search nodes; now 5,833, 2,210 and
# 14,058).
_WIDE = {(0, 32): (4, 2), (1, 32): (4, 10), (0, 20): (4, 15_097)}


@pytest.mark.parametrize(("seed", "n_rows"), list(_WIDE))
def test_wide_charts_are_solved_exactly_in_few_nodes(seed, n_rows):
    chart = _wide_chart(seed, 1200, n_rows, 0.15)
    res = minimum_covers(chart, max_models=5)
    assert (res.size, res.n_covers) == _WIDE[seed, n_rows] and res.counted_all and res.size_proven
    assert res.size == _milp_min(chart)
    assert res.work < 25_000
    for cover in [*res.covers, res.best]:
        assert len(cover) == res.size and chart[list(cover)].any(axis=0).all()


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(4, 14), st.integers(257, 360), st.sampled_from([1, 40]))
def test_the_coverage_bound_and_bounded_caches_change_no_answer(seed, n_rows, n_pi, max_models):
    # Wide blocks (more implicants than the compiled searches take) search with the coverage
    # bound; without it, and with memo and cache emptied every few entries, the answer is the same.
    rng = np.random.default_rng(seed)
    chart = _wide_chart(seed, n_pi, n_rows, float(rng.uniform(0.1, 0.4)))
    costs = rng.integers(1, 4, n_pi)

    def answer(res):
        return (res.covers, res.size, res.n_covers, res.complete, res.best, res.best_exact, res.in_some,
                res.size_bounds, res.stopped_by)

    with_bound = minimum_covers(chart, max_models=max_models, costs=costs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cover_mod, "WIDE_CANDIDATES", 10**9)
        assert answer(minimum_covers(chart, max_models=max_models, costs=costs)) == answer(with_bound)
        mp.setattr(cover_mod, "MEMO_MAX", 16)
        mp.setattr(cover_mod, "CACHE_MAX", 8)
        assert answer(minimum_covers(chart, max_models=max_models, costs=costs)) == answer(with_bound)


def test_the_compiled_searches_bound_their_memory_and_take_no_wide_block_as_python():
    kernel = pytest.importorskip("qca._cover_kernel")
    assert (kernel.MEMO_MAX, kernel.CACHE_MAX) == (cover_mod.MEMO_MAX, cover_mod.CACHE_MAX)
    # Searches with the coverage bound run in Python whether or not the compiled ones are used.
    assert kernel.MAX_BITS == cover_mod.WIDE_CANDIDATES


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blocks_solved_by_integer_programming_on_their_core_keep_the_minimum(seed):
    # Many rows (above the exact search's limit) and duplicated, dominated implicants.
    base = _wide_chart(seed, 60, EXACT_ROWS + 8, 0.1)
    rng = np.random.default_rng(seed)
    weaker = base[rng.integers(0, 60, 120)] & (rng.random((120, base.shape[1])) < 0.7)
    chart = np.vstack([weaker, base])
    res = minimum_covers(chart, max_models=3)
    assert res.size_proven and res.size == _milp_min(chart)
    for cover in res.covers:
        assert len(cover) == res.size and chart[list(cover)].any(axis=0).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(2, 4), st.integers(0, 2**32 - 1))
def test_cube_names_are_cube_string_for_every_cube(k, top, seed):
    rng = np.random.default_rng(seed)
    multivalue = top > 2
    cubes = rng.integers(-1, top, size=(25, k))
    conditions = [f"X{j}" for j in range(k)]
    assert _cube_names(cubes, conditions, multivalue) == tuple(
        cube_string(c, conditions, multivalue) for c in cubes
    )


def _crisp_sets(seed: int, k: int):
    rng = np.random.default_rng(seed)
    configs = np.unique(rng.integers(0, 2, size=(3 * k * k, k)), axis=0)
    positive = rng.random(configs.shape[0]) < 0.5
    return configs[positive], configs[~positive]


@pytest.mark.parametrize("seed", [3, 4])
def test_prime_reserve_changes_nothing_without_a_deadline_and_stops_with_one(seed):
    on, off = _crisp_sets(seed, 9)
    levels = [2] * 9
    plain, done = find_prime_implicants(on, off, levels, "dont_care")
    reserved, done2 = find_prime_implicants(on, off, levels, "dont_care", seconds_per_prime=1.0)
    assert done and done2 and np.array_equal(plain, reserved)
    # A reserve larger than the budget: generation stops at once, every positive row covered.
    partial, complete = find_prime_implicants(
        on, off, levels, "dont_care", method="hitting", deadline=time.monotonic() + 5, seconds_per_prime=10.0
    )
    assert not complete and covers(partial, on).any(axis=0).all()
    assert not covers(partial, off).any()


def test_dense_is_replaced_by_the_interruptible_method_when_it_would_overrun(monkeypatch):
    on, off = _crisp_sets(5, 8)
    levels = [2] * 8
    dense, _ = find_prime_implicants(on, off, levels, "dont_care", method="dense")
    monkeypatch.setattr(primes_mod, "_DENSE_SECONDS_PER_CUBE", 1e3)
    calls = []
    monkeypatch.setattr(primes_mod, "_dense", lambda *a, **k: calls.append(1))
    auto, complete = find_prime_implicants(on, off, levels, "dont_care", deadline=time.monotonic() + 60)
    assert complete and not calls and np.array_equal(auto, dense)
