"""Issue #19: the population window as an interval estimate, what binds at a finite N, and how
the window moves with illustrative settings."""

import math

import pytest

from experiments.ceiling import DEFAULT_POPULATION, population_ceiling, window_sweep

KBOP = {"scenario": "kbop", "cal_type": "crisp", "incl_cut": 0.6}


def _covers(ci, value):
    return ci[0] <= value <= ci[1]


def test_window_interval_covers_a_larger_population():
    ref = population_ceiling(KBOP, n_population=100_000, seed=9, n_boot=0).table.loc["as simulated"]
    iv = population_ceiling(KBOP, n_population=20_000, seed=1, n_boot=100).interval
    assert iv is not None and iv.n_boot == 100
    assert _covers(iv.low_ci, ref["highest_other"]) and _covers(iv.high_ci, ref["lowest_recipe"])
    assert iv.low_ci[0] <= iv.low <= iv.low_ci[1] and iv.high_ci[0] <= iv.high <= iv.high_ci[1]
    assert 0 <= iv.p_at_cut <= iv.p_recoverable <= 1
    assert "bootstrap populations" in str(iv)


@pytest.mark.slow
def test_window_intervals_cover_a_million_worker_estimate():
    ref = population_ceiling(KBOP, n_population=1_000_000, seed=11, n_boot=0)
    assert ref.n_population == 1_000_000
    r = ref.table.loc["as simulated"]
    for seed in (1, 2, 3):
        iv = population_ceiling(KBOP, n_population=DEFAULT_POPULATION, seed=seed).interval
        assert _covers(iv.low_ci, r["highest_other"]), (seed, iv)
        assert _covers(iv.high_ci, r["lowest_recipe"]), (seed, iv)


def test_binding_at_n_and_grid_hint():
    c = population_ceiling(KBOP, n_population=20_000, seed=1, n_boot=0)
    b = c.binding(65)
    assert set(b.misclassified.index) == set(c.conditions)
    assert (b.misclassified > 0.05).sum() >= 4          # reliability 0.85: 10-16 % per condition
    assert 0.2 < b.in_true_row < 0.7
    assert b.recipe_rows["expected"].sum() == pytest.approx(65 * b.recipe_rows["share"].sum())
    assert "What binds at N = 65" in b.summary()
    hint = c.n_hint(0.8)
    assert hint is None or hint > 1000                  # thousands of workers, not 65
    assert c.n_hint(0.8, cut=0.95) is None              # a cut-off outside the window


def test_window_sweep_moves_with_effect_and_crossover():
    w = window_sweep(KBOP, effects=(0.4, 0.1), crossovers=(0.65,), n_population=10_000, n_boot=20)
    t = w.table
    assert list(t["factor"]) == ["effect", "effect", "outcome crossover"]
    assert all(math.isfinite(v) for v in t["window_high"])
    assert "outcome crossover = 0.65" in w.summary()
    with pytest.raises(ValueError, match="between the exclusion"):
        window_sweep(KBOP, effects=(), crossovers=(0.95,), n_population=5_000, n_boot=0)


def test_reliability_one_misclassifies_no_worker():
    for rel, at_most in ((1.0, 0.0), (0.9, 0.2)):
        c = population_ceiling({**KBOP, "reliability": rel}, n_population=20_000, seed=2, n_boot=0)
        b = c.binding(65)
        assert b.misclassified.max() <= at_most, (rel, b.misclassified)
    assert b.misclassified.max() > 0.05      # reliability 0.9 does misclassify
    perfect = population_ceiling({**KBOP, "reliability": 1.0}, n_population=20_000, seed=2,
                                 n_boot=0)
    assert perfect.binding(65).in_true_row == 1.0


def test_fuzzy_window_interval_brackets_its_point_estimate():
    fuzzy = {"scenario": "kbop", "cal_type": "fuzzy", "incl_cut": 0.8, "pri_cut": 0.5,
             "overrides": {"truth": "fuzzy"}}
    iv = population_ceiling(fuzzy, n_population=5_000, seed=1, n_boot=20).interval
    assert iv is not None and iv.n_boot == 20
    assert 0 <= iv.p_recoverable <= 1
    for point, ci in ((iv.low, iv.low_ci), (iv.high, iv.high_ci)):
        if math.isfinite(point):
            assert ci[0] <= point <= ci[1]
