"""qca.expressions.evaluate_arrays (all terms in one array operation) equals Zadeh's rule term by
term: the minimum of 1 and the literals' memberships, the maximum of 0 and the terms'."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qca import Expression, ExpressionError, Term
from qca.expressions import evaluate_arrays


def _term_by_term(expr, columns):
    n = len(next(iter(columns.values())))
    out = np.zeros(n)
    for term in expr.terms:
        m = np.ones(n)
        for cond, vals in term.literals:
            x = np.asarray(columns[cond], dtype=float)
            m = np.minimum(m, x if vals == frozenset({1}) else 1.0 - x)
        out = np.maximum(out, m)
    return out


literal = st.tuples(st.sampled_from("ABCD"), st.sampled_from([frozenset({0}), frozenset({1})]))
expressions = st.lists(st.lists(literal, max_size=4, unique_by=lambda lit: lit[0]).map(
    lambda lits: Term(tuple(lits))), max_size=5).map(lambda ts: Expression(tuple(ts)))
values = st.sampled_from([0.0, 0.2, 0.5, 0.51, 1.0, -0.0, 1.3, -0.2])


@settings(max_examples=300, deadline=None)
@given(expressions, st.integers(0, 12), st.data())
def test_evaluate_arrays_equals_the_term_by_term_rule(expr, n, data):
    columns = {c: np.asarray(data.draw(st.lists(values, min_size=n, max_size=n))) for c in "ABCD"}
    if data.draw(st.booleans()):
        columns = {c: (v > 0.5).astype(np.int64) for c, v in columns.items()}  # crisp, as ints
    got = evaluate_arrays(expr, columns)
    want = _term_by_term(expr, columns)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_multi_value_literals_are_refused():
    with pytest.raises(ExpressionError, match="multi-value"):
        evaluate_arrays(Expression((Term((("A", frozenset({2})),)),)), {"A": np.zeros(3)})
