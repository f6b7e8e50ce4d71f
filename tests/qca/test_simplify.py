"""Exact simplification and negation of expressions."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qca

NAMES = ["A", "B", "C", "D"]


@st.composite
def expressions(draw):
    terms = []
    for _ in range(draw(st.integers(1, 4))):
        conds = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
        terms.append("*".join(c if draw(st.booleans()) else f"~{c}" for c in conds))
    return " + ".join(terms)


ALL = pd.DataFrame(list(itertools.product([0, 1], repeat=4)), columns=NAMES)


def truth(expr) -> np.ndarray:
    text = str(expr)
    if text == "0":
        return np.zeros(len(ALL))
    if text == "1":
        return np.ones(len(ALL))
    return qca.evaluate(text, ALL)


@given(expressions())
def test_simplify_is_equivalent_and_no_longer(text):
    simple = qca.simplify(text)
    np.testing.assert_array_equal(truth(simple), truth(text))
    assert len(simple.terms) <= len(qca.parse(text).absorbed().terms)


@given(expressions())
def test_negate_is_the_complement_and_involutive(text):
    neg = qca.negate(text)
    np.testing.assert_array_equal(truth(neg), 1 - truth(text))
    np.testing.assert_array_equal(truth(qca.negate(neg)), truth(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("A*B + A*~B", "A"), ("A*~A", "0"), ("A + ~A", "1"), ("A*B + ~A*C + B*C", "A*B + ~A*C")],
)
def test_known_simplifications(text, expected):
    result = qca.simplify(text)
    if expected in ("0", "1"):
        assert str(result) == expected
    else:
        assert result == qca.parse(expected)


def test_multivalue_needs_levels():
    with pytest.raises(qca.ExpressionError, match="give its number of levels"):
        qca.simplify("A[2]*B")
    assert str(qca.simplify("A[0] + A[1] + A[2]", levels={"A": 3})) == "1"
