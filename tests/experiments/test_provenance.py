"""Fingerprints of cells, and the guard that keeps RESULTS_VERSION honest."""

import hashlib
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import provenance
from experiments.pipeline import normalise_params, run_batch
from experiments.provenance import cell_fingerprint, describe_changes, scenario_digest

#: (RESULTS_VERSION, digest of the reference records) measured when the version was last set.
#: When the records change for the same parameters and seeds, stored results of older versions
#: no longer match: bump RESULTS_VERSION in experiments/provenance.py and update both here.
GOLDEN = (5, "35815f85f151e252")

REFERENCE = [
    ({"scenario": "boolean:~A*B + B*~C + D", "n_workers": 30}, 11, [0, 1, 2]),
    ({"scenario": "boolean:A*B + C", "n_workers": 25, "reliability": 0.7, "cal_type": "crisp",
      "overrides": {"extra": 1}}, 12, [0, 1]),
    ({"scenario": "kbop", "n_workers": 20, "cal_type": "crisp"}, 13, [0, 1]),
    ({"scenario": "gmbop", "n_workers": 20, "calibration": "percentile"}, 14, [0]),
]
TIMING = ("elapsed", "sim_seconds", "analysis_seconds")


def _round(v):
    if isinstance(v, float):
        return None if not math.isfinite(v) else float(f"{v:.9g}")
    return v


def _digest():
    recs = []
    for params, seed, reps in REFERENCE:
        for rec in run_batch(params, seed, reps):
            recs.append({k: _round(v) for k, v in rec.items() if k not in TIMING})
    text = json.dumps(recs, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_results_version_is_bumped_when_results_change():
    digest = _digest()
    if digest != GOLDEN[1]:
        assert provenance.RESULTS_VERSION != GOLDEN[0], (
            f"the reference records changed (digest {digest}, was {GOLDEN[1]}) but "
            f"RESULTS_VERSION is still {GOLDEN[0]}: stores would mix old and new results. Bump "
            "RESULTS_VERSION in experiments/provenance.py and update GOLDEN in this file")
        raise AssertionError(f"RESULTS_VERSION bumped: set GOLDEN = "
                             f"({provenance.RESULTS_VERSION}, {digest!r}) in this file")
    assert provenance.RESULTS_VERSION == GOLDEN[0]


def test_scenario_digest(tmp_path):
    assert scenario_digest("boolean:A*B") == "inline"
    assert scenario_digest(tmp_path / "none.toml") == "missing"
    kbop = scenario_digest("kbop")
    assert len(kbop) == 16 and kbop != scenario_digest("gmbop")
    f = tmp_path / "s.toml"
    f.write_text("a = 1\n")
    d1 = scenario_digest(str(f))
    f.write_text("a = 2\n")
    assert scenario_digest(str(f)) != d1


_values = st.one_of(st.integers(-5, 5), st.floats(0, 1), st.booleans(),
                    st.text(max_size=3), st.lists(st.integers(0, 3), max_size=3))


@settings(max_examples=60, deadline=None)
@given(params=st.dictionaries(st.sampled_from(["a", "b", "incl_cut", "n_workers"]), _values,
                              min_size=1),
       seed=st.integers(0, 2**62), key=st.sampled_from(["a", "b", "incl_cut", "n_workers"]),
       value=_values)
def test_fingerprint_changes_with_any_value_and_ignores_order(params, seed, key, value):
    fp = cell_fingerprint(params, seed)
    assert cell_fingerprint(dict(reversed(list(params.items()))), seed) == fp
    assert cell_fingerprint(params, seed + 1) != fp
    changed = {**params, key: value}
    same = json.dumps(changed.get(key), sort_keys=True) == json.dumps(params.get(key),
                                                                        sort_keys=True)
    assert (cell_fingerprint(changed, seed) == fp) == (same and key in params)


def test_describe_changes_names_each_difference():
    base = normalise_params({"scenario": "kbop"})
    old = {"experiment": {"seed": 1}, "cells": [base],
           "provenance": {"results_version": 1, "scenarios": {"kbop": "aa"}}}
    new = {"experiment": {"seed": 1}, "cells": [{**base, "incl_cut": 0.9}],
           "provenance": {"results_version": 1, "scenarios": {"kbop": "bb"}}}
    assert describe_changes(old, old) == []
    assert describe_changes(old, new) == ["scenario file 'kbop' edited", "incl_cut 0.8 -> 0.9"]
