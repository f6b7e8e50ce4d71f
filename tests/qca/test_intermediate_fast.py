"""The intermediate solution's fast paths give the engine's plain answers: the batched dense
prime implicants equal :func:`qca.primes.find_prime_implicants` set by set, and the solution does
not depend on how the re-minimisations are batched (Ragin & Sonnett 2005's pair rule itself is
tested in test_intermediate_pairs.py, the answers against R in test_reference.py)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import qca
import qca.intermediate as intermediate
import qca.primes as primes
from qca.primes import dense_primes_many, find_prime_implicants

from .strategies import crisp_data


@st.composite
def functions(draw):
    """Positive configurations and several sets of don't-cares over a small space."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    k = draw(st.integers(1, 5))
    levels = rng.integers(2, 4, size=k).tolist() if draw(st.booleans()) else [2] * k
    every = np.indices(levels).reshape(k, -1).T
    order = rng.permutation(len(every))
    n_on = draw(st.integers(0, len(every)))
    on, rest = every[order[:n_on]], every[order[n_on:]]
    sets = [rest[rng.random(len(rest)) < rng.random()] for _ in range(draw(st.integers(0, 6)))]
    return on, sets, levels


@settings(max_examples=200, deadline=None)
@given(functions(), st.booleans())
def test_dense_primes_many_equal_find_prime_implicants(function, small_chunks):
    on, sets, levels = function
    k = len(levels)
    old = primes._MANY_CUBES
    primes._MANY_CUBES = 1 if small_chunks else old  # one set per chunk
    try:
        got = dense_primes_many(on, sets, levels)
    finally:
        primes._MANY_CUBES = old
    assert len(got) == len(sets)
    for dont_care, found in zip(sets, got):
        want, complete = find_prime_implicants(on, np.zeros((0, k), int), levels, "negative",
                                               dont_care=dont_care, method="dense")
        assert complete
        assert found.dtype == want.dtype and found.shape == want.shape
        assert (found == want).all()


def _fields(sol):
    return (tuple(str(m) for m in sol.models), [m.cubes.tolist() for m in sol.models],
            sol.prime_implicants, sol.pi_cubes.tolist(), sol.notes, sol.easy_counterfactuals,
            sol.model_sources, sol.search_status, sol.tie_implicants, sol.search_finished,
            tuple(m.expression for m in sol.models))


@settings(max_examples=40, deadline=None)
@given(crisp_data(min_conditions=3, max_conditions=6, max_cases=30))
def test_intermediate_solution_does_not_depend_on_batching(data):
    tt = qca.truth_table(data, "Y", incl_cut=0.7)
    if not (tt.out_codes == "1").any():
        return
    dir_exp = [c for c in tt.conditions[:3]] + [f"{tt.conditions[0]}*~{tt.conditions[1]}"]
    whole = qca.minimize(tt, include="?", dir_exp=dir_exp, time_limit=None)
    old = intermediate._CHUNK_CUBES
    intermediate._CHUNK_CUBES = 1  # one don't-care set at a time
    try:
        one_by_one = qca.minimize(tt, include="?", dir_exp=dir_exp, time_limit=None)
    finally:
        intermediate._CHUNK_CUBES = old
    old_limit = intermediate.DENSE_LIMIT
    intermediate.DENSE_LIMIT = 0  # each set through find_prime_implicants
    try:
        plain = qca.minimize(tt, include="?", dir_exp=dir_exp, time_limit=None)
    finally:
        intermediate.DENSE_LIMIT = old_limit
    assert _fields(whole) == _fields(one_by_one) == _fields(plain)


def _pair_rule(c, p, directions):
    """Ragin & Sonnett's simplification of conservative implicant ``c`` against parsimonious
    implicant ``p``, literal by literal (the engine's earlier code)."""
    t = c.copy()
    for j in np.flatnonzero((c >= 0) & (p < 0)).tolist():
        for d in directions:
            if j not in d or int(c[j]) in d[j]:
                continue
            if all(c[i] >= 0 and int(c[i]) in vals for i, vals in d.items() if i != j):
                t[j] = -1
                break
    return t


@st.composite
def cubes_and_directions(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    k = draw(st.integers(1, 5))
    cubes = rng.integers(-1, 3, size=(draw(st.integers(1, 8)), k))
    directions = []
    for _ in range(draw(st.integers(0, 4))):
        conds = rng.choice(k, size=rng.integers(1, k + 1), replace=False)
        directions.append({int(j): frozenset(rng.choice(3, size=rng.integers(1, 3), replace=False).tolist())
                           for j in conds})
    return cubes, directions, rng.integers(-1, 3, size=k)


@settings(max_examples=300, deadline=None)
@given(cubes_and_directions())
def test_dropped_literals_equal_the_pair_rule(case):
    cubes, directions, p = case
    dropped = intermediate._dropped_literals(cubes, directions)
    for c, drop in zip(cubes, dropped):
        assert np.where(drop & (p < 0), -1, c).tolist() == _pair_rule(c, p, directions).tolist()


def test_dropped_literals_follow_conjunctural_expectations():
    # ~A*~B and A*B under the expectation A*~B (Dusa 2019, sect. 8.7): a literal against it is
    # dropped only when the cube agrees with the rest of the conjunction.
    cubes = np.array([[0, 0], [1, 1]])
    assert intermediate._dropped_literals(cubes, [{0: frozenset({1}), 1: frozenset({0})}]).tolist() == [
        [True, False], [False, True]]
    assert intermediate._dropped_literals(cubes, [{0: frozenset({1})}]).tolist() == [
        [True, False], [False, False]]
