"""The compiled cover searches (qca/_cover_kernel.py) give the Python searches' answers exactly.

Every field of :class:`qca.cover.CoverResult` is compared, the number of search nodes (``work``)
included, so a ``max_nodes`` budget stops both at the same node.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qca import cover

pytest.importorskip("numba")

DATA = Path(__file__).parents[1] / "data" / "cover"


def _both(monkeypatch, chart, **kwargs):
    """minimum_covers in Python and compiled (every block of any size compiled)."""
    monkeypatch.setattr(cover, "KERNEL_MIN_ROWS", 1)
    assert cover._kernel() is not None, "numba is installed but the compiled searches did not load"
    monkeypatch.setattr(cover, "_KERNEL_ON", False)
    python = cover.minimum_covers(chart, **kwargs)
    monkeypatch.setattr(cover, "_KERNEL_ON", True)
    compiled = cover.minimum_covers(chart, **kwargs)
    return python, compiled


def _random_chart(seed: int, n_pi: int, n_rows: int, density: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    chart = rng.random((n_pi, n_rows)) < density
    missing = np.flatnonzero(~chart.any(axis=0))
    chart[rng.integers(0, n_pi, missing.size), missing] = True
    return chart, rng.integers(1, 6, n_pi)


# The fixture only sets module switches that every example sets again: nothing to reset.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    n_pi=st.integers(2, 90),
    n_rows=st.integers(1, 70),
    density=st.sampled_from([0.05, 0.1, 0.2, 0.35]),
    max_models=st.sampled_from([1, 3, 50, 1000]),
    max_nodes=st.sampled_from([None, 5, 40, 300, 5000]),
)
def test_compiled_searches_give_the_python_answer(monkeypatch, seed, n_pi, n_rows, density, max_models,
                                                  max_nodes):
    chart, costs = _random_chart(seed, n_pi, n_rows, density)
    python, compiled = _both(monkeypatch, chart, max_models=max_models, max_nodes=max_nodes, costs=costs)
    assert compiled == python


@pytest.mark.parametrize("name", ["fuzzy_n250_a", "fuzzy_n250_b", "fuzzy_n250_c"])
@pytest.mark.parametrize("max_nodes", [None, 2000])
def test_hard_charts_same_ties_and_nodes(monkeypatch, name, max_nodes):
    """Conservative charts of the fuzzy N = 250 cell (hundreds to thousands of ties, 4,000-46,000
    search nodes in Python)."""
    chart = np.load(DATA / "hard_charts.npz")[name]
    python, compiled = _both(monkeypatch, chart, max_models=50, max_nodes=max_nodes)
    assert compiled == python
    assert python.work > 1000
    assert (python.stopped_by == "max_nodes") == (max_nodes is not None)
    assert python.n_covers > 1 or max_nodes is not None


def test_compiled_search_honours_a_deadline(monkeypatch):
    chart = np.load(DATA / "hard_charts.npz")["fuzzy_n250_a"]
    monkeypatch.setattr(cover, "KERNEL_MIN_ROWS", 1)
    start = time.monotonic()
    res = cover.minimum_covers(chart, max_models=50, deadline=start + 0.002)
    assert time.monotonic() - start < 1.0
    assert res.stopped_by == "time_limit" and not res.counted_all and res.covers


def test_without_the_compiled_searches_the_python_ones_run(monkeypatch):
    chart, costs = _random_chart(3, 40, 30, 0.1)
    monkeypatch.setattr(cover, "_KERNEL", False)  # as when numba is missing or QCASIM_JIT=0
    res = cover.minimum_covers(chart, costs=costs)
    monkeypatch.setattr(cover, "_KERNEL", None)
    monkeypatch.setattr(cover, "KERNEL_MIN_ROWS", 1)
    assert cover.minimum_covers(chart, costs=costs) == res


def test_counts_beyond_64_bit_integers_fall_back_to_python(monkeypatch):
    """63 rows each covered by a_i or b_i, and a row covered by any a_i or by d: 2**63 - 1
    minimum covers, beyond the compiled searches' integers (the count is made in Python)."""
    n = 63
    chart = np.zeros((2 * n + 1, n + 1), dtype=bool)
    for i in range(n):
        chart[2 * i, i] = chart[2 * i + 1, i] = True  # a_i, b_i cover row i
        chart[2 * i, n] = True  # a_i covers the shared row
    chart[2 * n, n] = True  # d
    python, compiled = _both(monkeypatch, chart, max_models=5)
    assert compiled == python
    assert python.n_covers == 2**n - 1 and python.size == n and python.counted_all


def test_a_machine_without_the_build_is_told(tmp_path):
    """An empty numba cache means the first use compiles (the CLI says so first); with
    QCASIM_JIT=0 nothing is compiled."""
    import os
    import subprocess
    import sys

    code = "from qca.cover import compiled_searches_need_building as f; print(f())"
    root = Path(__file__).parents[2]
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    env["QCASIM_JIT"] = "0"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    cover.load_compiled_searches()
    assert not cover.compiled_searches_need_building()



@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_pi=st.integers(1, 256), n_rows=st.integers(1, 256),
       density=st.sampled_from([0.02, 0.1, 0.3]))
def test_compiled_greedy_cover_is_the_python_one(seed, n_pi, n_rows, density):
    chart, _ = _random_chart(seed, n_pi, n_rows, density)
    search = cover._CoverSearch([np.flatnonzero(chart[:, r]).tolist() for r in range(n_rows)], n_pi)
    kernel = cover._kernel()
    assert kernel is not None
    assert search.greedy_cover(kernel) == search.greedy_cover()


def _block_chart(rng: np.random.Generator, blocks: list[tuple[int, int, float]], n_essential: int,
                 n_redundant: int = 0):
    """A chart of independent blocks (implicants x rows, each ``(n_pi, n_rows, density)``),
    rows of a single implicant and ``n_redundant`` rows each a copy of another with more
    implicants or none (duplicate and dominated rows), rows and implicants shuffled."""
    n_pi = sum(b[0] for b in blocks) + n_essential
    n_rows = sum(b[1] for b in blocks) + n_essential
    chart = np.zeros((n_pi, n_rows), dtype=bool)
    p = r = 0
    for b_pi, b_rows, density in blocks:
        part = rng.random((b_pi, b_rows)) < density
        missing = np.flatnonzero(~part.any(axis=0))
        part[rng.integers(0, b_pi, missing.size), missing] = True
        chart[p : p + b_pi, r : r + b_rows] = part
        p, r = p + b_pi, r + b_rows
    for e in range(n_essential):
        chart[p + e, r + e] = True
        chart[p + e, rng.integers(0, n_rows, 2)] = True  # (and a few other rows)
    copies = chart[:, rng.integers(0, n_rows, n_redundant)] | (rng.random((n_pi, n_redundant)) < 0.05)
    chart = np.hstack([chart, copies])
    return chart[rng.permutation(n_pi)][:, rng.permutation(chart.shape[1])]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    blocks=st.lists(
        st.tuples(st.integers(1, 14), st.integers(1, 12), st.sampled_from([0.15, 0.3, 0.5])),
        min_size=1,
        max_size=4,
    ),
    n_essential=st.integers(0, 4),
    n_redundant=st.sampled_from([0, 5, 80]),
    max_models=st.sampled_from([1, 2, 7, 50]),
    max_nodes=st.sampled_from([None, 3, 30, 300]),
    with_costs=st.booleans(),
)
def test_whole_chart_search_gives_the_block_by_block_answer(
    monkeypatch, seed, blocks, n_essential, n_redundant, max_models, max_nodes, with_costs
):
    """Charts of at most 64 implicants go to one compiled call (reduction, blocks,
    searches, combination): every field equals the block-by-block search's (compiled blocks of
    10 or more rows, Python below) and the pure Python search's, search nodes included; a
    budget that stops the search hands the chart back to them."""
    rng = np.random.default_rng(seed)
    chart = _block_chart(rng, blocks, n_essential, n_redundant)
    costs = rng.integers(1, 6, chart.shape[0]) if with_costs else None
    kwargs = {"max_models": max_models, "max_nodes": max_nodes, "costs": costs}
    assert cover._kernel() is not None
    monkeypatch.setattr(cover, "_CHART_KERNEL_ON", True)
    whole = cover.minimum_covers(chart, **kwargs)
    monkeypatch.setattr(cover, "_CHART_KERNEL_ON", False)
    cover._SETTLED.clear()  # (searched again, not replayed)
    by_block = cover.minimum_covers(chart, **kwargs)
    monkeypatch.setattr(cover, "_KERNEL_ON", False)
    cover._SETTLED.clear()
    python = cover.minimum_covers(chart, **kwargs)
    assert whole == by_block == python


def test_whole_chart_search_answers_small_charts_and_hands_back_the_rest(monkeypatch):
    """The compiled whole-chart call answers a chart of small blocks; a block of more than 32
    rows, a budget that stops the search, a deadline or more than 64 implicants leave the chart
    to the block-by-block search (the same answers)."""
    answered = []
    real = cover._compiled_chart

    def spy(*args):
        res = real(*args)
        answered.append(res is not None)
        return res

    monkeypatch.setattr(cover, "_compiled_chart", spy)
    rng = np.random.default_rng(5)
    small = _block_chart(rng, [(8, 6, 0.4), (10, 9, 0.3), (5, 4, 0.5)], 3)
    res = cover.minimum_covers(small, max_models=50)
    assert answered == [True] and res.n_blocks == 3 and res.counted_all
    cycle = np.zeros((40, 40), dtype=bool)  # row i: implicants i and i + 1 (no row dominated)
    cycle[np.arange(40), np.arange(40)] = cycle[(np.arange(40) + 1) % 40, np.arange(40)] = True
    assert cover.minimum_covers(cycle, max_models=50).n_covers == 2
    stopped = cover.minimum_covers(small, max_models=50, max_nodes=2)
    assert answered[1:] == [False, False]
    assert stopped.stopped_by == "max_nodes"
    cover.minimum_covers(small, max_models=50, deadline=time.monotonic() + 10)
    cover.minimum_covers(_block_chart(rng, [(70, 10, 0.2)], 0), max_models=50)
    assert len(answered) == 3  # (neither was offered to it)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 8), n_sets=st.integers(1, 12),
       on_share=st.sampled_from([0.02, 0.15, 0.5]), dc_share=st.sampled_from([0.0, 0.2, 0.6]))
def test_compiled_crisp_primes_are_the_array_ones(monkeypatch, seed, k, n_sets, on_share, dc_share):
    """The prime implicants of crisp tables (one set of don't-cares or many, as the
    re-minimisations of an intermediate solution) by the compiled loop equal those of the
    array version: the same cubes, in the same order, per set."""
    from qca import primes

    rng = np.random.default_rng(seed)
    configs = np.indices((2,) * k).reshape(k, -1).T
    on = configs[rng.random(len(configs)) < on_share]
    if not len(on):
        on = configs[:1]
    dont_cares = [configs[rng.random(len(configs)) < dc_share] for _ in range(n_sets)]
    positive = primes._config_sets([on], k)[0]
    forbidden = ~(primes._config_sets(dont_cares, k) | positive)
    monkeypatch.setattr(primes, "_PRIMES_COMPILED", True)  # (the fixture spans the examples)
    assert primes._compiled() is not None
    compiled = primes._crisp_primes(positive, forbidden, k)
    monkeypatch.setattr(primes, "_PRIMES_COMPILED", False)
    arrays = primes._crisp_primes(positive, forbidden, k)
    assert len(compiled) == len(arrays) == n_sets
    for a, b in zip(compiled, arrays):
        assert a.dtype == b.dtype and a.shape == b.shape and (a == b).all()
