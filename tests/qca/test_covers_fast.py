"""qca.primes.covers (bit sets for crisp charts of any size, one broadcast for small multi-value
ones) equals the condition-by-condition rule, and a solution's chart is that of its implicants."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import qca
from qca.primes import covers

from .strategies import crisp_data


def _by_condition(cubes, configs):
    out = np.ones((cubes.shape[0], configs.shape[0]), dtype=bool)
    for j in range(cubes.shape[1]):
        col = cubes[:, j, None]
        out &= (col < 0) | (col == configs[None, :, j])
    return out


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 8), st.sampled_from([2, 3, 4]), st.booleans())
def test_covers_equals_the_condition_by_condition_rule(seed, k, top, int8):
    rng = np.random.default_rng(seed)
    cubes = rng.integers(-1, top, size=(int(rng.integers(0, 40)), k)).astype(np.int8 if int8 else np.int64)
    configs = rng.integers(0, top, size=(int(rng.integers(0, 40)), k))
    got = covers(cubes, configs)
    assert got.dtype == bool and got.shape == (cubes.shape[0], configs.shape[0])
    assert (got == _by_condition(cubes, configs)).all()


@settings(max_examples=30, deadline=None)
@given(crisp_data(max_conditions=5))
def test_a_solutions_chart_is_that_of_its_implicants(data):
    tt = qca.truth_table(data, "Y", incl_cut=0.7)
    if not (tt.out_codes == "1").any():
        return
    for include in ("", "?"):
        sol = qca.minimize(tt, include=include)
        assert (sol._chart == _by_condition(sol.pi_cubes, tt.configs_with("1"))).all()
