"""The covering LP's duals through SciPy's HiGHS binding (qca/_lp.py) equal ``linprog``'s exactly.

The cover searches' bounds, reduced-cost fixing and therefore their node counts (the
``max_nodes`` budget) depend on these duals, so they must be bit-identical, not just close.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qca import _lp, cover

DATA = Path(__file__).parents[1] / "data" / "cover"


def _column_wise(row_sets: list[list[int]], n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.repeat(np.arange(len(row_sets)), [len(r) for r in row_sets])
    cols = np.concatenate([np.asarray(r, dtype=np.int64) for r in row_sets])
    order = np.lexsort((rows, cols))
    return np.searchsorted(cols[order], np.arange(n_cols + 1)), rows[order]


def _both_ways(monkeypatch, row_sets: list[list[int]], n_cols: int):
    indptr, indices = _column_wise(row_sets, n_cols)
    monkeypatch.setattr(_lp, "_USE_BINDING", True)
    direct = _lp.cover_duals(indptr, indices, len(row_sets), n_cols)
    monkeypatch.setattr(_lp, "_USE_BINDING", False)
    through_linprog = _lp.cover_duals(indptr, indices, len(row_sets), n_cols)
    return direct, through_linprog


def _recorded_charts() -> list[tuple[list[list[int]], int]]:
    """40 charts whose duals the default study's fuzzy and crisp cells asked for."""
    data = np.load(DATA / "lp_charts.npz")
    rows = np.split(data["flat"], np.cumsum(data["row_lengths"])[:-1])
    out, at = [], 0
    for n_rows, n_cols in zip(data["n_rows"].tolist(), data["n_cols"].tolist()):
        out.append(([r.tolist() for r in rows[at : at + n_rows]], n_cols))
        at += n_rows
    return out


def test_the_binding_loads_with_the_locked_scipy():
    # Without it every dual goes through linprog: the same answers, 2.6x slower.
    assert _lp._CORE is not None


@pytest.mark.parametrize("index", range(40))
def test_recorded_charts_get_linprogs_duals(monkeypatch, index):
    row_sets, n_cols = _recorded_charts()[index]
    direct, through_linprog = _both_ways(monkeypatch, row_sets, n_cols)
    assert through_linprog is not None
    assert direct.tobytes() == through_linprog.tobytes()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_rows=st.integers(1, 60), n_cols=st.integers(1, 80),
       density=st.sampled_from([0.05, 0.15, 0.4]))
def test_random_charts_get_linprogs_duals(seed, n_rows, n_cols, density):
    rng = np.random.default_rng(seed)
    chart = rng.random((n_rows, n_cols)) < density
    chart[np.arange(n_rows), rng.integers(0, n_cols, n_rows)] = True
    row_sets = [np.flatnonzero(r).tolist() for r in chart]
    with pytest.MonkeyPatch.context() as mp:
        direct, through_linprog = _both_ways(mp, row_sets, n_cols)
    assert through_linprog is not None
    assert direct.tobytes() == through_linprog.tobytes()


def test_cover_weights_scaled_into_dual_feasibility(monkeypatch):
    # The weights the searches use: non-negative and no implicant's rows weigh more than 1.
    for row_sets, n_cols in _recorded_charts()[:10]:
        search = cover._CoverSearch(row_sets, n_cols)
        search.set_duals()
        y = np.asarray(search.weights)
        assert (y >= 0).all()
        load = np.zeros(n_cols)
        for r, opts in enumerate(row_sets):
            load[opts] += y[r]
        assert load.max() <= 1.0 + 1e-12


def test_time_limit_passes_through(monkeypatch):
    row_sets, n_cols = _recorded_charts()[0]
    indptr, indices = _column_wise(row_sets, n_cols)
    assert _lp.cover_duals(indptr, indices, len(row_sets), n_cols, time_limit=60.0) is not None


def test_threads_solve_with_their_own_instance():
    # A Dask worker may run analyses in threads: each thread keeps its own HiGHS instance.
    from concurrent.futures import ThreadPoolExecutor

    charts = [_column_wise(rs, n) + (len(rs), n) for rs, n in _recorded_charts()]
    serial = [_lp.cover_duals(*c) for c in charts]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda c: _lp.cover_duals(*c), charts * 3))
    assert all(a.tobytes() == b.tobytes() for a, b in zip(serial * 3, threaded))
