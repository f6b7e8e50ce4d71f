import math

import pandas as pd
import pytest

from experiments.power import power_from_curve
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


def test_power_from_curve():
    curve = pd.DataFrame({"n_workers": [15, 30, 65, 100], "n": [100] * 4,
                          "rate": [0.2, 0.5, 0.85, 0.95]})
    curve["low"] = curve["rate"] - 0.1
    curve["high"] = curve["rate"] + 0.1
    p = power_from_curve(curve, 0.8)
    assert p.n_required == 65 and p.n_conservative == 100 and p.n_optimistic == 65
    assert 30 < p.n_interpolated < 65
    assert "N required: 65" in p.summary()
    q = power_from_curve(curve.assign(rate=0.1, low=0.0, high=0.2), 0.8)
    assert q.n_required is None and "not reached" in q.summary()
