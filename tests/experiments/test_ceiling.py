"""The population ceiling: its window predicts recovery at large N (convergence test)."""

import math

import numpy as np
import pytest

from experiments.ceiling import population_ceiling
from experiments.pipeline import run_batch

BOOL = {"scenario": "boolean:A*B + ~C*D", "cal_type": "crisp", "reliability": 0.9}


@pytest.fixture(scope="module")
def boolean_ceiling():
    return population_ceiling(BOOL, n_population=40_000, seed=3)


def test_window_and_counterfactuals(boolean_ceiling):
    t = boolean_ceiling.table
    assert boolean_ceiling.recoverable()
    lo, hi = t.loc["as simulated", "window_low"], t.loc["as simulated", "window_high"]
    assert 0.1 < lo < 0.3 and 0.75 < hi < 0.86
    # Removing the noise can only widen the window; with none left it is (0, 1].
    assert t.loc["conditions measured perfectly", "window_high"] > hi
    assert t.loc["both", "window_low"] == pytest.approx(0.0, abs=1e-9)
    assert t.loc["both", "window_high"] == pytest.approx(1.0, abs=1e-9)
    assert "Recoverable at large N" in boolean_ceiling.cause()


@pytest.mark.parametrize("incl_cut, inside", [(0.6, True), (0.9, False)])
def test_recovery_at_large_n_converges_to_the_window(boolean_ceiling, incl_cut, inside):
    t = boolean_ceiling.table.loc["as simulated"]
    assert (t["window_low"] < incl_cut <= t["window_high"]) == inside
    recs = run_batch({**BOOL, "n_workers": 1500, "incl_cut": incl_cut,
                      "solutions": ["parsimonious"]}, 7, range(16))
    rate = np.mean([r["parsimonious.any_exact"] for r in recs])
    assert rate >= 0.9 if inside else rate <= 0.1


def test_outside_cut_is_named_in_the_cause():
    r = population_ceiling({**BOOL, "incl_cut": 0.9}, n_population=20_000, seed=3)
    assert r.recoverable() and not r.table.loc["as simulated", "at_cut"]
    assert "outside it" in r.cause()


def test_fuzzy_kbop_ceiling_is_explained():
    r = population_ceiling({"scenario": "kbop", "cal_type": "fuzzy"}, n_population=20_000, seed=1)
    text = r.summary()
    assert "as simulated" in text and "both" in text
    row = r.table.loc["as simulated"]
    assert not math.isnan(row["lowest_recipe"]) and 0 <= row["highest_other"] <= 1
    assert ("Not recoverable" in r.cause()) == (not r.recoverable())
