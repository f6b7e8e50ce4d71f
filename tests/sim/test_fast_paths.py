"""The simulator's fast paths equal the direct formulations they replace, bit for bit.

Each reference below is the straightforward computation the kernel used before (sort the
uniforms and search; count Likert categories boundary by boundary; search the first week of every
participant); the fast path must give identical arrays, including on adversarial inputs (extreme
allocation weights, ties on the 2**-40 grid, uniforms on a share, one worker, empty cells).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import special

import sim
from sim.cohort import cohort_arrays
from sim.kernel import first_true, guess_table, participant_outcomes, run_batch
from sim.measurement import likert_scores
from sim.population import _Q, allocate, allocation_counts

# ----------------------------------------------------------------------------- allocation


@pytest.fixture(params=["numpy", "compiled"])
def allocation_path(request, monkeypatch):
    """Run an allocation test with the numpy path and with the compiled kernel (sim._jit)."""
    import sim.population as population

    if request.param == "numpy":
        monkeypatch.setattr(population, "JIT_MIN_PARTICIPANTS", math.inf)
    else:
        pytest.importorskip("numba")  # the compiled path is used once numba is loaded
        monkeypatch.setattr(population, "_COMPILED", None)
        if population._compiled() is None:
            pytest.skip("QCASIM_JIT=0")
        monkeypatch.setattr(population, "JIT_MIN_PARTICIPANTS", 0)
    return request.param


def _allocate_by_sorting(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    n_r, n_p = u.shape
    n_w = weights.shape[-1]
    cum = np.cumsum(weights, axis=-1)
    offset = np.arange(n_r, dtype=np.int64)[:, None] << 41
    keys = (np.floor(np.sort(u, axis=-1) * _Q).astype(np.int64) + offset).ravel()
    share = np.floor(cum / cum[:, -1:] * _Q).astype(np.int64)
    share[:, -1] = 1 << 40
    below = np.searchsorted(keys, (share + offset).ravel(), side="left").reshape(n_r, n_w)
    counts = np.diff(below - np.arange(n_r)[:, None] * n_p, prepend=0, axis=1)
    return np.repeat(np.tile(np.arange(n_w, dtype=np.int64), n_r), counts.ravel()).reshape(
        n_r, n_p)


@pytest.mark.parametrize("n_r,n_w,n_p,sd", [(1, 1, 5, 0.3), (3, 2, 40, 0.3), (4, 65, 1300, 0.3),
                                           (2, 1000, 20_000, 0.3), (2, 500, 3000, 4.0),
                                           (3, 300, 2000, 12.0), (2, 50, 0, 0.3)])
def test_allocation_equals_sorting(n_r: int, n_w: int, n_p: int, sd: float, allocation_path) -> None:
    rng = np.random.default_rng(n_w + n_p)
    u = rng.random((n_r, n_p))
    weights = np.exp(sd * rng.standard_normal((n_r, n_w)))
    expect = _allocate_by_sorting(u, weights)
    np.testing.assert_array_equal(allocate(u, weights), expect)
    np.testing.assert_array_equal(allocation_counts(u, weights),
                                  np.stack([np.bincount(e, minlength=n_w) for e in expect])
                                  if n_p else np.zeros((n_r, n_w), dtype=np.int64))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_w=st.integers(1, 40), n_p=st.integers(1, 200), seed=st.integers(0, 2**32 - 1),
       crowd=st.booleans())
def test_allocation_ties_and_crowded_cells(n_w: int, n_p: int, seed: int, crowd: bool,
                                           allocation_path) -> None:
    """Uniforms exactly on shares, and many shares in one cell (tiny weights), are allocated as
    by sorting."""
    rng = np.random.default_rng(seed)
    weights = rng.random((2, n_w)) + 1e-3
    if crowd:  # most workers squeezed into a sliver of the unit interval
        weights[:, : max(1, n_w - 2)] *= 1e-9
    cum = np.cumsum(weights, axis=-1)
    on_share = (np.floor(cum / cum[:, -1:] * _Q) / _Q)[:, :-1]
    u = rng.random((2, n_p))
    if n_w > 1:  # some uniforms exactly on a (floored) share, and just below one
        k = min(n_p, on_share.shape[1])
        u[:, :k] = on_share[:, :k]
        u[:, k - 1] = np.nextafter(on_share[:, k - 1], 0.0)
    np.testing.assert_array_equal(allocate(u, weights), _allocate_by_sorting(u, weights))


def test_qcasim_jit_0_keeps_the_allocation_in_numpy(monkeypatch):
    import sim.population as population

    monkeypatch.setattr(population, "_COMPILED", None)
    monkeypatch.setenv("QCASIM_JIT", "0")
    assert population._compiled() is None
    assert population._COMPILED is False  # decided: never compiled in this process
    monkeypatch.setattr(population, "JIT_MIN_PARTICIPANTS", 0)
    rng = np.random.default_rng(1)
    u, weights = rng.random((2, 300)), rng.random((2, 20)) + 0.1
    np.testing.assert_array_equal(allocation_counts(u, weights),
                                  [np.bincount(e, minlength=20) for e in _allocate_by_sorting(u, weights)])


def test_the_compiled_allocation_waits_for_numba_to_be_loaded():
    """In a fresh process the allocation stays in numpy (starting numba only for it would cost
    more than it saves) until something else loads numba."""
    pytest.importorskip("numba")
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, sim.population as p; a = p._compiled() is None; import numba; "
            "b = p._compiled() is not None; print(a, b, 'numba' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    env.pop("QCASIM_JIT", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]


# ----------------------------------------------------------------------------- Likert


def _likert_by_boundaries(z: np.ndarray, item_u: np.ndarray, spec) -> np.ndarray:
    s = spec.item_noise_sd
    lo, hi = spec.scale
    scale = spec.item_sd / math.sqrt(1.0 + s * s)
    bounds = (np.arange(lo, hi, dtype=float) + 0.5 - spec.item_mean) / scale
    cdf = special.ndtr((bounds - z[..., None]) / s)
    category = np.zeros(item_u.shape, dtype=np.int32)
    for c in range(len(bounds)):
        category += item_u > cdf[..., c:c + 1]
    return item_u.shape[-1] * lo + category.sum(axis=-1, dtype=np.int64)


@pytest.mark.parametrize("items,scale,rel", [(16, (1, 7), 0.85), (1, (1, 2), 0.5), (3, (0, 1), 0.7),
                                             (40, (1, 5), 0.9), (130, (1, 4), 0.95),
                                             (2, (1, 200), 0.8)])
def test_likert_equals_boundary_loop(items: int, scale: tuple[int, int], rel: float) -> None:
    base = sim.load_scenario("kbop")
    scen = base.with_overrides({"conditions.SBW.items": items, "conditions.SBW.scale": list(scale),
                                "conditions.SBW.item_mean": (scale[0] + scale[1]) / 2,
                                "conditions.SBW.reliability": rel})
    spec = next(c for c in scen.conditions if c.name == "SBW")
    rng = np.random.default_rng(items)
    z = rng.standard_normal((3, 50)) * 2
    u = rng.random((3, 50, items))
    u[0, 0, :] = 0.0  # the smallest uniform: above every positive probability only
    got = likert_scores(z, u, spec)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, _likert_by_boundaries(z, u, spec))


# ----------------------------------------------------------------------------- outcomes


def test_housed_and_failed_equal_the_week_search() -> None:
    scen = sim.load_scenario("kbop").with_overrides({"programme.n_workers": 200})
    pop = run_batch(scen, 4, 3).population
    log_s0, window = scen.baseline_log_survival, scen.programme.housing_window_weeks
    # extreme hazards and a boundary uniform as well as the simulated participants
    r = np.concatenate([pop.rel_hazard.ravel(), [1e-300, 1e300, 1.0]])
    lv = np.concatenate([pop.log_v.ravel(), [-1e-300, -700.0, 0.0]])
    lq = np.concatenate([pop.log_q.ravel(), pop.log_q.ravel()[:3]])
    lu = np.concatenate([pop.log_u.ravel(), [0.0, -1e-300, -50.0]])
    a = np.zeros(r.shape, dtype=np.int64)
    out = participant_outcomes(a, lq, lu, r, lv, log_s0, window)
    table, scale = guess_table(log_s0)
    k = first_true(lq, lu, np.arange(1, window + 1, dtype=float),
                   np.ones(r.shape, dtype=np.int64), np.inf)
    s = first_true(r, lv, log_s0, np.ones(r.shape, dtype=np.int64), -np.inf)
    np.testing.assert_array_equal(out.housed, k <= window)
    np.testing.assert_array_equal(out.failed, (k <= window) & (s <= len(log_s0)))
    np.testing.assert_array_equal(out.failure_week, np.where(out.failed, s, -1))
    np.testing.assert_array_equal(out.housing_week, np.where(out.housed, k, -1))


def test_cohort_counts_equal_bincount() -> None:
    scen = sim.load_scenario("gmbop").with_overrides({"programme.n_workers": 120})
    b = run_batch(scen, 9, 4, start=2)
    cols = cohort_arrays(scen, b.population, b.outcomes)
    n_r, n_w = b.population.org.shape
    flat = (np.arange(n_r)[:, None] * n_w + b.population.worker).ravel()
    for col, mask in (("n_participants", None), ("n_housed", b.outcomes.housed),
                      ("n_sustained", b.outcomes.sustained)):
        idx = flat if mask is None else flat[mask.ravel()]
        expect = np.bincount(idx, minlength=n_r * n_w).reshape(n_r, n_w)
        np.testing.assert_array_equal(cols[col], expect)
        assert cols[col].dtype == np.int64
