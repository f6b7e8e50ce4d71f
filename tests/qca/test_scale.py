"""The engine at scale (issue 14): exact ties against brute force, degenerate tables, budgets.

The oracles here share no code with the engine: prime implicants by testing every cube of the
space, minimum covers by trying every set of implicants in order of size.
"""

from __future__ import annotations

import itertools
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import qca
from qca.cover import minimum_covers
from qca.exceptions import IncompleteSearchWarning, QCAWarning

from .strategies import crisp_data


def brute_force_covers(chart: np.ndarray) -> tuple[int, set[frozenset[int]]]:
    """Minimum size and every minimum cover of a chart (implicants x rows), by enumeration."""
    n_pi = chart.shape[0]
    for size in range(0, n_pi + 1):
        found = {
            frozenset(c)
            for c in itertools.combinations(range(n_pi), size)
            if chart[list(c)].any(axis=0).all()
        }
        if found:
            return size, found
    raise AssertionError("chart without a cover")


def brute_force_primes(on: np.ndarray, forbidden: set[tuple[int, ...]], k: int) -> list[tuple[int, ...]]:
    """Crisp prime implicants: cubes holding a positive configuration and no forbidden one."""
    configs = list(itertools.product((0, 1), repeat=k))

    def inside(cube):
        return [c for c in configs if all(v < 0 or v == x for v, x in zip(cube, c))]

    on_set = {tuple(int(v) for v in r) for r in on}
    implicants = set()
    for cube in itertools.product((-1, 0, 1), repeat=k):
        members = inside(cube)
        if any(m in on_set for m in members) and not any(m in forbidden for m in members):
            implicants.add(cube)
    primes = []
    for cube in implicants:
        parents = [cube[:j] + (-1,) + cube[j + 1 :] for j in range(k) if cube[j] >= 0]
        if not any(p in implicants for p in parents):
            primes.append(cube)
    return primes


@st.composite
def charts(draw):
    n_pi = draw(st.integers(1, 11))
    n_rows = draw(st.integers(1, 9))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    chart = rng.random((n_pi, n_rows)) < draw(st.sampled_from([0.15, 0.3, 0.5]))
    chart[rng.integers(0, n_pi, size=n_rows), np.arange(n_rows)] = True  # every row coverable
    return chart


@settings(max_examples=150, deadline=None)
@given(charts())
def test_every_minimum_cover_of_a_random_chart_matches_brute_force(chart):
    size, expected = brute_force_covers(chart)
    res = minimum_covers(chart, max_models=10_000)
    assert res.complete and res.counted_all and res.stopped_by is None
    assert res.size == size and res.size_bounds == (size, size)
    assert {frozenset(c) for c in res.covers} == expected
    assert res.n_covers == len(expected) == len(res.covers)


@settings(max_examples=60, deadline=None)
@given(charts(), st.integers(1, 4))
def test_capped_listing_counts_every_cover(chart, cap):
    size, expected = brute_force_covers(chart)
    res = minimum_covers(chart, max_models=cap)
    assert res.n_covers == len(expected) and res.counted_all
    assert len(res.covers) == min(cap, len(expected))
    assert {frozenset(c) for c in res.covers} <= expected
    assert res.complete == (len(expected) <= cap)


def test_independent_blocks_multiply_and_large_block_charts_agree():
    # Three independent copies of a 4-row ring (implicants 2i, 2i+1 cover rows i and i+1):
    # each ring has 2 phases x 2^2 = 8 minimum covers of size 2, so 8^3 in all.
    ring = np.zeros((8, 4), dtype=bool)
    for i in range(4):
        ring[[2 * i, 2 * i + 1], i] = ring[[2 * i, 2 * i + 1], (i + 1) % 4] = True
    chart = np.zeros((24, 12), dtype=bool)
    for b in range(3):
        chart[8 * b : 8 * b + 8, 4 * b : 4 * b + 4] = ring
    res = minimum_covers(chart, max_models=10)
    assert res.n_blocks == 3 and res.size == 6 and res.n_covers == 512 and res.counted_all
    assert len(res.covers) == 10 and not res.complete and res.stopped_by == "max_models"
    for c in res.covers:
        assert chart[list(c)].any(axis=0).all() and len(c) == 6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crisp_data(min_conditions=2, max_conditions=4, max_cases=14), st.booleans())
def test_minimize_lists_exactly_the_brute_force_minimal_models(data, parsimonious):
    conditions = [c for c in data.columns if c != "Y"]
    tt = qca.truth_table(data, "Y", conditions)
    on = tt.configs_with("1")
    assume(on.shape[0] > 0)
    k = len(conditions)
    forbidden = {tuple(int(v) for v in r) for code in ("0", "C") for r in tt.configs_with(code)}
    if not parsimonious:  # remainders are negative too
        observed = {tuple(int(v) for v in r) for code in ("1",) for r in tt.configs_with(code)}
        forbidden |= set(itertools.product((0, 1), repeat=k)) - observed
    primes = brute_force_primes(on, forbidden, k)
    chart = np.array(
        [[all(v < 0 or v == x for v, x in zip(p, row)) for row in on.tolist()] for p in primes], dtype=bool
    )
    assume(len(primes) <= 14)
    _, covers = brute_force_covers(chart)
    expected = {frozenset(primes[i] for i in c) for c in covers}
    sol = qca.minimize(tt, include="?" if parsimonious else None, max_models=10_000, time_limit=None)
    ours = {frozenset(tuple(int(v) for v in cube) for cube in m.cubes) for m in sol.models}
    assert ours == expected
    assert sol.search_complete and sol.n_models == len(expected)
    size = len(next(iter(expected)))
    assert sol.min_size_bounds == (size, size)


def _check_model_covers(tt: qca.TruthTable, sol: qca.Solution, parsimonious: bool) -> None:
    on = tt.configs_with("1")
    off = np.vstack([tt.configs_with("0"), tt.configs_with("C")])
    for m in sol.models:
        assert qca.primes.covers(m.cubes, on).any(axis=0).all()
        if off.shape[0]:
            assert not qca.primes.covers(m.cubes, off).any()


DEGENERATE = {
    "every row positive": pd.DataFrame({"A": [0, 1, 1, 0], "B": [0, 0, 1, 1], "Y": [1, 1, 1, 1]}),
    "no negative row": pd.DataFrame({"A": [0, 1, 1], "B": [0, 0, 1], "Y": [1, 1, 1]}),
    "a single case": pd.DataFrame({"A": [1], "B": [0], "Y": [1]}),
}


@pytest.mark.parametrize("name", list(DEGENERATE))
@pytest.mark.parametrize("include", [None, "?"])
def test_degenerate_tables_give_a_complete_answer(name, include):
    tt = qca.truth_table(DEGENERATE[name], "Y")
    with warnings.catch_warnings():
        warnings.simplefilter("error", QCAWarning)
        sol = qca.minimize(tt, include=include)
        inter = qca.minimize(tt, include="?", dir_exp=["A", "B"])
    for s in (sol, inter):
        assert s.models and s.search_complete and s.n_models == len(s.models)
        _check_model_covers(tt, s, include == "?")
    if include == "?":
        assert [str(m) for m in sol.models] == ["1"]  # nothing to exclude: the tautology


def test_fuzzy_table_with_every_observed_row_consistent_has_an_intermediate_solution():
    rng = np.random.default_rng(8)
    x = pd.DataFrame(rng.random((60, 4)), columns=list("ABCD"))
    x["Y"] = np.maximum(x.max(axis=1), 0.5)  # every case at least as much in Y: all rows consistent
    tt = qca.truth_table(x, "Y", incl_cut=0.9)
    assert set(tt.out_codes) == {"1"}
    sol = qca.minimize(tt, include="?", dir_exp=["A", "B", "C", "D"])
    assert sol.models and sol.search_complete
    assert str(sol.models[0]) == "1"


def _wide(n: int = 60, k: int = 30, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    d = pd.DataFrame(rng.integers(0, 2, size=(n, k)), columns=[f"C{j}" for j in range(k)])
    d["Y"] = rng.integers(0, 2, n)
    return d


def test_a_tiny_time_limit_returns_quickly_with_a_flagged_partial_answer():
    tt = qca.truth_table(_wide(), "Y")
    start = time.perf_counter()
    with pytest.warns(IncompleteSearchWarning, match="time_limit"):
        sol = qca.minimize(tt, include="?", time_limit=0.2)
    assert time.perf_counter() - start < 5  # 0.2 s budget plus the final cover; generous on a busy machine
    assert not sol.search_complete and not sol.complete and sol.models
    low, high = sol.min_size_bounds
    assert 1 <= low <= high == len(sol.models[0].terms)
    assert "time_limit=0.2 s" in sol.search_status
    _check_model_covers(tt, sol, True)


def test_max_models_cap_names_max_models_and_counts_exactly():
    # 8 independent positive rows, each coverable two ways: 2^8 tied models.
    rows = []
    for i in range(8):
        bits = [(i >> b) & 1 for b in range(3)]
        rows.append([*bits, 1, 0, 1])
        rows.append([*bits, 0, 1, 0])
    cols = ["A", "B", "C", "D", "E", "Y"]
    d = pd.DataFrame(rows, columns=cols)
    tt = qca.truth_table(d, "Y")
    full = qca.minimize(tt, include="?", max_models=100_000)
    with pytest.warns(IncompleteSearchWarning, match="max_models"):
        capped = qca.minimize(tt, include="?", max_models=1)
    assert full.search_complete and full.n_models >= 2
    assert capped.n_models == full.n_models and capped.n_models_exact and len(capped.models) == 1
    assert capped.search_status == f"1 of {full.n_models} tied models (max_models)"
    assert not capped.search_complete


def test_time_limit_is_validated():
    tt = qca.truth_table(DEGENERATE["a single case"], "Y")
    for bad in (-1, float("nan"), "10", True):
        with pytest.raises(qca.QCAError, match="time_limit"):
            qca.minimize(tt, time_limit=bad)
    assert qca.minimize(tt, time_limit=None).search_complete


def test_warning_classes_are_exported():
    assert issubclass(qca.IncompleteSearchWarning, qca.QCAWarning)
    assert issubclass(qca.QCAWarning, UserWarning)


def test_unproven_minimum_reports_bounds_and_keeps_the_best_cover():
    # A block too large for the search alone, stopped before the optimiser starts: the
    # greedy cover is returned with a lower bound below it.
    rng = np.random.default_rng(3)
    chart = rng.random((300, 120)) < 0.04
    chart[rng.integers(0, 300, size=120), np.arange(120)] = True
    res = minimum_covers(chart, deadline=time.monotonic())
    low, high = res.size_bounds
    assert res.covers and low <= high == res.size == len(res.covers[0])
    assert chart[list(res.covers[0])].any(axis=0).all()
    assert res.stopped_by == "time_limit" and not res.complete


def test_irredundant_listing_out_of_time_still_returns_an_irredundant_cover():
    rng = np.random.default_rng(5)
    chart = rng.random((60, 30)) < 0.1
    chart[rng.integers(0, 60, size=30), np.arange(30)] = True
    res = minimum_covers(chart, irredundant=True, deadline=time.monotonic())
    assert res.covers and not res.complete
    for cover in res.covers:
        rows = chart[list(cover)]
        assert rows.any(axis=0).all()
        for i in range(len(cover)):  # no implicant can be dropped
            assert not np.delete(rows, i, axis=0).any(axis=0).all()


def test_swap_neighbours_are_listed_when_the_exact_count_runs_out():
    # One ring block of 128 minimum covers, cut after 5 search nodes: the covers one swap away
    # from the first are listed (each a genuine minimum cover) and counted as a lower bound.
    ring = np.zeros((24, 12), dtype=bool)
    for i in range(12):
        ring[[2 * i, 2 * i + 1], i] = ring[[2 * i, 2 * i + 1], (i + 1) % 12] = True
    res = minimum_covers(ring, max_models=50, max_nodes=5)
    assert not res.counted_all and 1 < res.n_covers < 128 and len(res.covers) == min(50, res.n_covers)
    assert len(set(res.covers)) == len(res.covers)
    for cover in res.covers:
        assert len(cover) == 6 and ring[list(cover)].any(axis=0).all()
