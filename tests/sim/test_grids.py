"""Recording grids and the one tie rule: a value equal to a threshold is in (qca.calibrate)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qca
from sim.grids import ContinuousGrid, RatioGrid, StepGrid


@given(step=st.sampled_from([1.0, 0.5, 5.0, 0.1, 0.25, 3.0]), origin=st.sampled_from([0.0, 1.0]),
       k=st.integers(-50, 50), frac=st.sampled_from([0.0, 1e-13, 0.3, 0.5, 0.999]))
@settings(max_examples=200, deadline=None)
def test_step_grid_tie_free_crossover_classifies_like_the_engine(step, origin, k, frac):
    grid = StepGrid(step, origin)
    t = origin + (k + frac) * step
    c = grid.tie_free(t)
    x = origin + np.arange(k - 5, k + 6) * step
    assert not grid.on_grid(c)
    assert grid.is_tie_free(c)
    expected = qca.calibrate(np.round(x / step, 9), "crisp", thresholds=[round(t / step, 9)])
    got = qca.calibrate(x, "crisp", thresholds=[c])
    np.testing.assert_array_equal(got, expected)


def test_step_grid_examples():
    assert StepGrid(5.0).tie_free(45.0) == 42.5          # LONGMEET: 45 min is in
    assert StepGrid(1.0).tie_free(83.2) == 83.5          # a Likert sum: 84 and above are in
    assert StepGrid(1.0).tie_free(1.05 * 20) == 20.5     # 21.000000000000004 is the grid point 21
    assert StepGrid(0.5).tie_free(37.5) == 37.25
    np.testing.assert_array_equal(StepGrid(5.0).on_grid([40, 42.5, 45]), [True, False, True])
    with pytest.raises(ValueError, match="step"):
        StepGrid(0.0)


FRACTIONS = sorted({Fraction(k, n) for n in range(1, 61) for k in range(n + 1)})


@pytest.mark.parametrize("t", [0.75, 0.79, 0.7, 2 / 3, 17 / 24, 0.0, 1.0, 0.5, 0.123456789])
def test_ratio_grid_tie_free_crossover(t):
    grid = RatioGrid()
    c = grid.tie_free(t)
    x = np.array([float(f) for f in FRACTIONS])
    assert not np.any(x == c)
    np.testing.assert_array_equal(x >= c, x >= t)
    assert grid.is_tie_free(c)


def test_ratio_grid_recognises_count_ratios():
    grid = RatioGrid()
    np.testing.assert_array_equal(grid.on_grid([3 / 4, 17 / 24, 0.749999875, 1.5, 2**-0.5]),
                                  [True, True, False, False, False])


def test_continuous_grid_keeps_the_threshold():
    assert ContinuousGrid().tie_free(1.2345) == 1.2345
    assert not ContinuousGrid().on_grid(1.2345)
