"""Partial-signal metrics on hand-built models (issue #9: equal, submodel, supermodel, wrong sign,
consensus term)."""

import math

import numpy as np
import pytest

from experiments.metrics import SolutionOutcome, score_solution
from experiments.scoring import as_expression

KBOP = "~SBW*INNOV*~CASELOAD + ~INNOV*~WORKLOAD*LONGMEET + WORKLOAD*INNOV*LONGMEET"
ANALYSED = ["SBW", "REFLECT", "SELFEFF", "INNOV", "CASELOAD", "WORKLOAD", "LONGMEET"]


def _score(model, truth=KBOP, analysed=ANALYSED):
    data = {c: np.zeros(3) for c in analysed}
    models = [as_expression(model)] if model else []
    return score_solution(SolutionOutcome(models, as_expression(truth), case_data=data))


def test_equal_model():
    s = _score(KBOP)
    assert s["exact"] and s["correct"] and s["paths_detected"] == 1
    assert s["spurious_terms"] == 0 and s["term_fdr"] == 0
    assert s["condition_sensitivity"] == 1 and s["condition_specificity"] == 1
    assert not s["no_model"]


def test_submodel_counts_as_detection_not_exact_recall():
    s = _score("INNOV*~CASELOAD + ~INNOV*LONGMEET + WORKLOAD*LONGMEET")
    assert s["correct"] and s["completeness"] == pytest.approx(6 / 9)
    assert s["recall"] == 0 and s["paths_detected"] == 1
    assert s["spurious_terms"] == 0 and s["term_fdr"] == 0
    assert s["condition_sensitivity"] == pytest.approx(5 / 7)


def test_supermodel_term_is_spurious_and_uses_an_irrelevant_condition():
    s = _score("~SBW*INNOV*~CASELOAD*REFLECT + ~INNOV*~WORKLOAD*LONGMEET")
    assert not s["correct"]
    assert s["spurious_terms"] == 1 and s["term_fdr"] == 0.5
    assert s["paths_detected"] == pytest.approx(1 / 3)
    assert s["condition_specificity"] == 0.5


def test_wrong_sign_is_not_a_detection():
    s = _score("SBW*INNOV*~CASELOAD")
    assert s["paths_detected"] == 0 and s["spurious_terms"] == 1 and s["term_fdr"] == 1
    assert s["condition_sensitivity"] == pytest.approx(2 / 7)


def test_consensus_term_is_equivalent_but_spurious():
    s = _score("A*B + ~A*C + B*C", truth="A*B + ~A*C", analysed=["A", "B", "C", "D"])
    assert s["equivalent"] and not s["correct"]
    assert s["spurious_terms"] == 1 and s["term_fdr"] == pytest.approx(1 / 3)
    assert s["paths_detected"] == 1 and s["condition_specificity"] == 1


def test_no_model():
    s = _score(None)
    assert s["no_model"] and s["error_free"] and not s["any_correct"]
    assert s["paths_detected"] == 0 and s["spurious_terms"] == 0 and math.isnan(s["term_fdr"])
    assert s["condition_sensitivity"] == 0 and s["condition_specificity"] == 1
