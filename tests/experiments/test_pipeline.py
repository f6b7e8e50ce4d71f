import numpy as np
import pytest

from experiments.pipeline import normalise_params, recipe_directions, run_batch, run_one

from .conftest import TOY

TIMING = {"elapsed", "sim_seconds", "analysis_seconds"}


def _strip(rec):
    return {k: v for k, v in rec.items() if k not in TIMING}


def _same(a, b):
    a, b = _strip(a), _strip(b)
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], float) and np.isnan(a[k]):
            assert isinstance(b[k], float) and np.isnan(b[k]), k
        else:
            assert a[k] == b[k], k


def test_run_one_equals_batch_member():
    p = {"scenario": TOY, "n_workers": 40, "reliability": 0.9,
         "solutions": ["conservative", "parsimonious"]}
    batch = run_batch(p, 11, [3, 4, 5])
    _same(batch[1], run_one(p, 11, 4))
    assert batch[0] != batch[1]


def test_perfect_data_recovers_truth():
    p = {"scenario": TOY, "n_workers": 400, "overrides": {"outcome_sd": 0.0},
         "cal_type": "crisp", "incl_cut": 1.0, "solutions": ["conservative", "parsimonious"]}
    rec = run_one(p, 3, 0)
    assert rec["tt_rows"] == 16
    assert rec["parsimonious.exact"] and rec["parsimonious.correct"]
    assert rec["parsimonious.case_agreement"] == 1.0
    assert rec["conservative.equivalent"]


def test_recipe_directions():
    assert recipe_directions("~A*B + B*~C + A*D", ["A", "B", "C", "D", "E"]) == ("B", "~C", "D")


def test_normalise_params_errors():
    with pytest.raises(ValueError, match="unknown replication parameter 'foo'"):
        normalise_params({"foo": 1})
    with pytest.raises(ValueError, match="incl_cut"):
        normalise_params({"incl_cut": 2})
    with pytest.raises(ValueError, match="solutions"):
        normalise_params({"solutions": ["complex"]})


def test_kbop_replication_runs():
    pytest.importorskip("sim")
    rec = run_one({"n_workers": 30, "solutions": ["conservative", "parsimonious"]}, 5, 0)
    assert rec["n_cases"] == 30
    assert rec["parsimonious.status"] in ("ok", "no_model")
    again = run_one({"n_workers": 30, "solutions": ["conservative", "parsimonious"]}, 5, 0)
    _same(rec, again)


def test_chunked_simulation_gives_the_same_records(monkeypatch):
    """Large cohorts are simulated a chunk of replications at a time (bounded memory): the
    records do not depend on the chunk size."""
    import experiments.pipeline as pipeline
    import sim.generators as generators

    p = {"scenario": "kbop", "n_workers": 40, "cal_type": "crisp", "solutions": ["parsimonious"]}
    whole = run_batch(p, 5, [0, 1, 2, 3, 4])
    monkeypatch.setattr(pipeline, "MAX_CHUNK_CASES", 80)      # 2 replications held at a time
    monkeypatch.setattr(generators, "MAX_BATCH_CASES", 40)    # 1 replication per kernel call
    chunked = run_batch(p, 5, [0, 1, 2, 3, 4])
    assert len(chunked) == 5
    for a, b in zip(whole, chunked):
        _same(a, b)


def test_run_batch_restores_the_garbage_collector_threshold():
    import gc

    from experiments.pipeline import run_batch

    before = gc.get_threshold()
    run_batch({"scenario": "kbop", "n_workers": 65, "solutions": ["parsimonious"]}, 1, [0])
    assert gc.get_threshold() == before
