"""Property-based tests of the engine's invariants over random data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import qca
from qca.primes import covers, prime_implicants

from .properties import check_solution
from .strategies import crisp_data, fuzzy_data


def _tt(data, incl_cut=0.75):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qca.truth_table(data, "Y", incl_cut=incl_cut)


def _solve(tt, include):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qca.minimize(tt, include=include, max_models=50)


@given(crisp_data(), st.sampled_from([(), ("?",)]))
def test_crisp_solutions_are_minimal_prime_covers(data, include):
    tt = _tt(data)
    assume((tt.rows["OUT"] == "1").any())
    check_solution(tt, _solve(tt, include), include)


@given(crisp_data(multivalue=True), st.sampled_from([(), ("?",)]))
def test_multivalue_solutions_are_minimal_prime_covers(data, include):
    tt = _tt(data)
    assume((tt.rows["OUT"] == "1").any())
    check_solution(tt, _solve(tt, include), include)


@given(fuzzy_data(), st.sampled_from([(), ("?",), ("?", "C")]))
def test_fuzzy_solutions_are_minimal_prime_covers(data, include):
    tt = _tt(data)
    assume((tt.rows["OUT"] == "1").any())
    sol = _solve(tt, include)
    check_solution(tt, sol, include)
    for m in sol.models:
        for v in m.fit.values():
            assert 0 <= v <= 1 or np.isnan(v)


@given(crisp_data(multivalue=True))
def test_parsimonious_models_imply_conservative_coverage(data):
    tt = _tt(data)
    assume((tt.rows["OUT"] == "1").any())
    cons, pars = _solve(tt, None), _solve(tt, "?")
    for c in cons.models:
        covered = covers(c.cubes, tt.configs_with("1")).any(axis=0)
        for p in pars.models:
            assert covers(p.cubes, tt.configs_with("1")).any(axis=0)[covered].all()
            assert len(p.terms) <= len(c.terms) or p.complexity <= c.complexity


@given(crisp_data(), st.randoms(use_true_random=False))
def test_invariant_to_case_and_condition_order(data, rnd):
    tt = _tt(data)
    assume((tt.rows["OUT"] == "1").any())
    cases = list(range(len(data)))
    rnd.shuffle(cases)
    conds = [c for c in data.columns if c != "Y"]
    rnd.shuffle(conds)
    shuffled = data.iloc[cases][conds + ["Y"]]
    for include in (None, "?"):
        sol_a, sol_b = _solve(tt, include), _solve(_tt(shuffled), include)
        assert sol_a.n_models == sol_b.n_models
        if sol_a.complete:
            assert {_model_key(m) for m in sol_a.models} == {_model_key(m) for m in sol_b.models}


def _model_key(model):
    return frozenset(frozenset(t.split("*")) for t in model.terms)


@given(crisp_data())
def test_negating_the_outcome_twice_is_identity(data):
    data = data.assign(NY=1 - data["Y"])
    a = qca.truth_table(data.drop(columns="NY"), "Y", incl_cut=0.75)
    b = qca.truth_table(data.drop(columns="Y"), "~NY", incl_cut=0.75)
    assert (a.rows["OUT"] == b.rows["OUT"]).all()
    np.testing.assert_allclose(a.rows["incl"], b.rows["incl"])


@pytest.mark.parametrize("seed", range(20))
def test_prime_implicant_algorithms_agree(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7))
    levels = [int(v) for v in rng.choice([2, 2, 3], size=k)]
    space = np.array(np.meshgrid(*[range(v) for v in levels], indexing="ij")).reshape(k, -1).T
    label = rng.choice(3, size=len(space), p=[0.3, 0.3, 0.4])
    on, off = space[label == 0], space[label == 1]
    for remainders, other in (("dont_care", "hitting"), ("negative", "merge")):
        dense = prime_implicants(on, off, levels, remainders, method="dense")
        assert np.array_equal(dense, prime_implicants(on, off, levels, remainders, method=other))


@given(crisp_data(max_conditions=5), st.data())
def test_intermediate_lies_between_conservative_and_parsimonious(data, draw):
    tt = _tt(data)
    assume((tt.rows["OUT"] == "1").any())
    conditions = list(tt.conditions)
    dir_exp = [draw.draw(st.sampled_from([c, f"~{c}"])) for c in conditions if draw.draw(st.booleans())]
    assume(dir_exp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inter = qca.minimize(tt, include="?", dir_exp=dir_exp, max_models=50)
    space = _all_configs(tt.levels)
    cons_cover = [covers(m.cubes, space).any(axis=0) for m in _solve(tt, None).models]
    pars_cover = [covers(m.cubes, space).any(axis=0) for m in _solve(tt, "?").models]
    on = covers(np.asarray(tt.configs_with("1")), space).any(axis=0)
    for m in inter.models:
        inside = covers(m.cubes, space).any(axis=0)
        assert (inside >= on).all()
        assert any((inside >= c).all() for c in cons_cover)
        assert any((inside <= p).all() for p in pars_cover)


def _all_configs(levels):
    from .properties import all_configs

    return all_configs(levels)
