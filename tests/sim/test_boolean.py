"""Plain Boolean data-generating mode."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qca
import sim
from sim import ScenarioError


@given(seed=st.integers(0, 10**6), k=st.integers(3, 6))
@settings(max_examples=30, deadline=None)
def test_random_structure_is_irredundant_and_nonconstant(seed, k):
    s = sim.random_structure(k, seed=seed)
    data = sim.ideal_data(s, k)
    names = [c for c in data.columns if c != "OUT"]
    assert 0 < data.OUT.sum() < len(data)
    expr = qca.parse(s)
    full = data.OUT.to_numpy()
    for t in expr.terms:  # every term is needed
        rest = qca.Expression(tuple(u for u in expr.terms if u is not t))
        if rest.terms:
            assert not np.array_equal(qca.evaluate(rest, data[names]), full)
        for cond, _ in t.literals:  # every literal is needed
            shorter = qca.Term(tuple(lv for lv in t.literals if lv[0] != cond))
            if shorter.literals:
                alt = qca.Expression(tuple(shorter if u is t else u for u in expr.terms))
                assert not np.array_equal(qca.evaluate(alt, data[names]), full)


def test_ideal_data_and_select_cases():
    data = sim.ideal_data("A*~B + C", ["A", "B", "C", "D"])
    assert len(data) == 16
    noisy = sim.add_noise(data, "A*~B + C", n_cases=5, seed=1)
    assert len(noisy) == 21
    assert len(sim.select_cases(noisy, "A*~B + C")) == 16


def test_limit_diversity_and_fuzzify():
    data = sim.ideal_data("A*B", ["A", "B", "C"])
    assert len(sim.limit_diversity(data, n_drop=3, seed=2)) == 5
    assert len(sim.limit_diversity(data, fraction=0.5, seed=2)) == 4
    fz = sim.fuzzify(data, seed=3)
    assert ((fz.to_numpy() > 0.5) == (data.to_numpy() == 1)).all()
    with pytest.raises(ScenarioError, match="spread"):
        sim.fuzzify(data, spread=0.6)


def test_boolean_dataset_deterministic():
    a, sa = sim.boolean_dataset(5, diversity=0.6, n_noise=3, fuzzy=True, seed=11)
    b, sb = sim.boolean_dataset(5, diversity=0.6, n_noise=3, fuzzy=True, seed=11)
    assert sa == sb
    assert a.equals(b)
    assert len(a) == round(32 * 0.6) + 3


def test_bad_input():
    with pytest.raises(ScenarioError, match="conditions"):
        sim.random_structure(1)
    with pytest.raises(ScenarioError, match="exactly one"):
        sim.limit_diversity(sim.ideal_data("A", ["A", "B"]))
