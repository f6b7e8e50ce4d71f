"""Issue #19: the tautology and empty conjunctions are false causal claims in every metric;
the method-comparison and fit metrics of each replication."""

import math

import pytest

from experiments.metrics import score_models
from experiments.pipeline import run_one
from experiments.scoring import as_expression, is_correct, is_submodel, is_tautology, score_model

TRUTH = "~A*B + B*~C + D"


@pytest.mark.parametrize("model", ["1", "D + 1", ["D", "1"]])
def test_tautology_is_a_false_claim(model):
    assert is_tautology(model)
    assert not is_submodel(model, TRUTH) and not is_correct(model, TRUTH)
    s = score_model(model, TRUTH)
    assert not s["correct"] and not s["error_free"] and not s["exact"]
    assert s["completeness"] == 0.0 and s["tautology"]
    m = score_models([as_expression(model)], TRUTH)
    assert m["tautology"] and m["any_incorrect"]
    assert not (m["correct"] or m["any_correct"] or m["error_free"] or m["all_correct"])
    assert m["spurious_terms"] >= 1 and m["share_listed_correct"] == 0.0


def test_tautology_detects_no_path():
    assert score_models(["1"], TRUTH)["paths_detected"] == 0.0
    assert score_models(["D + 1"], TRUTH)["paths_detected"] == pytest.approx(1 / 3)


def test_comparison_metrics_of_a_listing():
    m = score_models(["D + ~A*B", "D + A", "B*~C"], TRUTH)
    assert m["correct"] and m["n_listed"] == 3 and m["n_models"] == 3
    assert m["share_listed_correct"] == pytest.approx(2 / 3) and m["any_incorrect"]
    assert not m["tautology"]
    empty = score_models([], TRUTH)
    assert math.isnan(empty["share_listed_correct"]) and not empty["any_incorrect"]
    assert empty["n_listed"] == 0 and math.isnan(empty["solution_consistency"])


def test_tautology_through_run_one_on_a_fuzzy_cell():
    # Fuzzy truth, fuzzy calibration: every configuration passes the cut-off, QCA returns "1".
    p = {"scenario": "kbop", "n_workers": 250, "recipe_hazard_ratio": 0.4, "cal_type": "fuzzy",
         "incl_cut": 0.8, "pri_cut": 0.5, "overrides": {"truth": "fuzzy"},
         "solutions": ["parsimonious"]}
    r = run_one(p, 20240501, 0)
    assert r["parsimonious.model"] == "1"
    assert r["parsimonious.tautology"]
    for key in ("correct", "any_correct", "error_free", "exact", "any_exact", "equivalent"):
        assert not r[f"parsimonious.{key}"], key
    assert r["parsimonious.paths_detected"] == 0.0 and r["parsimonious.spurious_terms"] == 1
    # The fit checks a researcher would run: the tautology covers every case.
    assert r["parsimonious.solution_coverage"] == pytest.approx(1.0)
    assert 0 < r["parsimonious.solution_consistency"] < 1
