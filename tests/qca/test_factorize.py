"""qca.factorize: every factorization is equivalent to the expression (crisp and fuzzy)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qca
from qca.factorize import factorize

NAMES = ["A", "B", "C", "D"]


def test_examples():
    assert factorize("A*B + A*C + D") == ["A*(B + C) + D"]
    assert factorize("A*B*C + A*B*D + A*E") == ["A*(B*C + B*D + E)", "A*B*(C + D) + A*E"]
    assert "A*(B + C) + D*(E + F)" in factorize("A*B + A*C + D*E + D*F")
    assert factorize("A*B + C*D") == []
    kbop = factorize("~SBW*INNOV*~CASELOAD + ~INNOV*~WORKLOAD*LONGMEET + WORKLOAD*INNOV*LONGMEET")
    assert "INNOV*(~SBW*~CASELOAD + WORKLOAD*LONGMEET) + ~INNOV*~WORKLOAD*LONGMEET" in kbop
    with pytest.raises(qca.QCAError):
        factorize("A**B")


literal = st.tuples(st.sampled_from(NAMES), st.booleans())
term = st.lists(literal, min_size=1, max_size=3, unique_by=lambda x: x[0])
expression = st.lists(term, min_size=2, max_size=5)


@settings(max_examples=60)
@given(expression, st.integers(0, 2**32 - 1))
def test_factorizations_are_equivalent(terms, seed):
    text = " + ".join("*".join(n if pos else f"~{n}" for n, pos in t) for t in terms)
    crisp = pd.DataFrame(list(itertools.product([0, 1], repeat=4)), columns=NAMES)
    fuzzy = pd.DataFrame(np.random.default_rng(seed).random((30, 4)), columns=NAMES)
    for data in (crisp, fuzzy):
        expected = qca.evaluate(text, data)
        for f in factorize(text):
            np.testing.assert_allclose(qca.evaluate(f, data), expected, err_msg=f"{text} -> {f}")
