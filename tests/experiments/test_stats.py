import math

import numpy as np
import pandas as pd
import pytest

from experiments.power import effect_from_curve, power_from_curve
from experiments.stats import aggregate, wilson


def test_wilson_known_values():
    lo, hi = wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    lo, hi = wilson(0, 20)
    assert lo == 0.0 and hi == pytest.approx(0.1611, abs=1e-4)
    lo, hi = wilson(20, 20)
    assert hi == 1.0 and lo == pytest.approx(0.8389, abs=1e-4)
    assert all(math.isnan(v) for v in wilson(0, 0))
    with pytest.raises(ValueError):
        wilson(11, 10)


def test_aggregate_skips_and_counts_errors():
    long = pd.DataFrame({"g": [1, 1, 1, 2], "any_correct": [True, False, True, True],
                         "status": ["ok", "ok", "error: x", "no_model"]})
    a = aggregate(long, ["g"], "any_correct")
    assert a.loc[0, "n"] == 2 and a.loc[0, "rate"] == 0.5 and a.loc[0, "n_errors"] == 1
    assert a.loc[1, "rate"] == 1.0 and a.loc[1, "n_errors"] == 0


def test_aggregate_interval_follows_metric_kind():
    # A count metric (n_models) is not clipped to [0, 1]; a binary one gets Wilson.
    long = pd.DataFrame({"g": [1] * 4, "n_models": [2, 4, 6, 8],
                         "any_correct": [True, True, False, False]})
    a = aggregate(long, ["g"], "n_models").iloc[0]
    assert a["rate"] == 5.0 and a["high"] > 5.0 > a["low"] > 0.0
    b = aggregate(long, ["g"], "any_correct").iloc[0]
    lo, hi = wilson(2, 4)
    assert (b["low"], b["high"]) == pytest.approx((lo, hi))


def test_aggregate_unknown_metric_is_an_error():
    with pytest.raises(ValueError, match="unknown metric 'ok'"):
        aggregate(pd.DataFrame({"g": [1], "ok": [1]}), ["g"], "ok")


def test_power_from_curve_monotone_fit():
    curve = pd.DataFrame({"n_workers": [15, 30, 65, 100, 200], "n": [100] * 5,
                          "rate": [0.2, 0.5, 0.85, 0.80, 0.95]})
    curve["low"] = curve["rate"] - 0.1
    curve["high"] = curve["rate"] + 0.1
    p = power_from_curve(curve, 0.8)
    # The non-monotone dip at 100 does not matter: the fitted curve crosses once.
    assert 30 < p.n_required < 100 and p.low <= p.required <= p.high
    assert np.all(np.diff(p.curve["fitted"]) >= 0)
    assert "reaches 80 %" in p.summary()
    q = power_from_curve(curve.assign(rate=[0.05, 0.25, 0.3, 0.31, 0.3]), 0.8)
    # A plateau below the target is "never" only when the population ceiling is empty too.
    assert q.n_required is None and q.plateau and q.ceiling < 0.5 and "never" not in q.summary()
    assert "not reached within the grid" in q.verdict()
    assert q.with_population(False).verdict().startswith("never")
    assert "not reached within the grid" in q.with_population(True).verdict()
    rising = power_from_curve(curve.assign(rate=[0.0, 0.01, 0.03, 0.1, 0.3]), 0.8)
    assert not rising.plateau and "not reached within the grid" in rising.verdict()


def test_power_is_deterministic_for_a_seed():
    curve = pd.DataFrame({"n_workers": [15, 30, 65, 130], "n": [40] * 4,
                          "rate": [0.1, 0.3, 0.6, 0.9], "low": 0.0, "high": 1.0})
    a, b = power_from_curve(curve, 0.8, seed=5), power_from_curve(curve, 0.8, seed=5)
    assert (a.required, a.low, a.high) == (b.required, b.low, b.high)


def test_minimum_detectable_effect():
    curve = pd.DataFrame({"recipe_hazard_ratio": [0.9, 0.7, 0.4, 0.2, 0.1], "n": [100] * 5,
                          "rate": [0.0, 0.05, 0.4, 0.85, 0.97], "low": 0.0, "high": 1.0})
    r = effect_from_curve(curve, 0.8)
    assert 0.2 < r.required < 0.4 and "<=" in r.verdict()
