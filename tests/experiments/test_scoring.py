import math

import numpy as np
import pytest

from experiments.metrics import score_models
from experiments.scoring import (
    as_expression,
    case_agreement,
    completeness,
    complexity,
    is_correct,
    is_equivalent,
    is_exact,
    is_submodel,
    submodels,
    term_precision_recall,
)

TRUTH = "~A*B + B*~C + D"


def test_submodels_count_matches_published_24():
    subs = submodels(TRUTH)
    assert len(subs) == 24
    assert as_expression("0") in subs
    assert as_expression(TRUTH) in subs
    assert len(set(subs)) == 24


@pytest.mark.parametrize(
    "model, expected",
    [
        ("0", True),
        ("~A + D", True),
        ("B", True),
        ("~A*B + B*~C + D", True),
        ("B*~C + ~A*B + D", True),
        ("~A + B + ~C", False),  # three terms need three distinct true paths containing them
        ("A", False),
        ("~A*B*D", False),
        ("~A*B + ~A", False),  # redundant
        ("~A*B + B*~C + D + A", False),
        ("C", False),
    ],
)
def test_is_submodel(model, expected):
    assert is_submodel(model, TRUTH) is expected


def test_correct_completeness_exact():
    assert not is_correct("0", TRUTH)
    assert is_correct("~A + D", TRUTH)
    assert completeness("~A + D", TRUTH) == pytest.approx(2 / 5)
    assert completeness("A", TRUTH) == 0.0
    assert complexity(TRUTH) == 5
    assert is_exact("D + B*~C + ~A*B", TRUTH)
    assert not is_exact("~A + D", TRUTH)


def test_equivalence_is_semantic():
    assert is_equivalent("A*B + A*~B", "A")
    assert is_equivalent("~A*B + B*~C + D", "B*~A + D + ~C*B")
    assert not is_equivalent("A", "B")


def test_precision_recall():
    p, r = term_precision_recall("~A*B + A", TRUTH)
    assert p == 0.5 and r == pytest.approx(1 / 3)
    p, r = term_precision_recall("0", TRUTH)
    assert math.isnan(p) and r == 0


def test_case_agreement():
    assert case_agreement(np.array([0.9, 0.2, 0.6]), np.array([1, 0, 0])) == pytest.approx(2 / 3)


def test_score_models_ambiguity():
    s = score_models(["~A + D", "A + D"], TRUTH)
    assert s["n_models"] == 2 and s["any_correct"] and not s["all_correct"]
    assert not s["error_free"]
    s = score_models([], TRUTH)
    assert s["error_free"] and not s["any_correct"]
