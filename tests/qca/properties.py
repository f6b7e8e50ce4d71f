"""Independent checks of a minimization result: implicants, primality, coverage, minimality."""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from qca.primes import covers
from qca.truth_table import row_configs


def all_configs(levels) -> np.ndarray:
    return row_configs(np.arange(1, int(np.prod(levels)) + 1), levels)


def forbidden_configs(tt, include) -> np.ndarray:
    """Configurations a term must not cover, listed explicitly (small spaces only)."""
    allowed = tt.configs_with("1")
    if "C" in include:
        allowed = np.vstack([allowed, tt.configs_with("C")])
    if "?" in include:
        forbidden = [tt.configs_with("0"), tt.excluded_configs]
        if "C" not in include:
            forbidden.append(tt.configs_with("C"))
        return np.vstack(forbidden)
    space = all_configs(tt.levels)
    ok = _rows_in(space, allowed)
    return space[~ok]


def _rows_in(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if b.shape[0] == 0:
        return np.zeros(a.shape[0], dtype=bool)
    return (a[:, None, :] == b[None, :, :]).all(axis=2).any(axis=1)


def is_implicant(cube: np.ndarray, tt, include) -> bool:
    """A term is an implicant when it covers no forbidden configuration."""
    if "?" in include:
        bad = forbidden_configs(tt, include)
        return not covers(cube[None, :], bad).any()
    # Conservative: every configuration inside the cube must be an allowed (positive) row.
    allowed = tt.configs_with("1", *(["C"] if "C" in include else []))
    free = np.flatnonzero(cube < 0)
    size = int(np.prod([tt.levels[j] for j in free])) if free.size else 1
    return int(covers(cube[None, :], allowed).sum()) == size


def is_prime(cube: np.ndarray, tt, include) -> bool:
    for j in np.flatnonzero(cube >= 0):
        bigger = cube.copy()
        bigger[j] = -1
        if is_implicant(bigger, tt, include):
            return False
    return True


def minimum_cover_size(chart: np.ndarray) -> int:
    n = chart.shape[0]
    res = milp(
        np.ones(n),
        constraints=LinearConstraint(chart.T.astype(float), lb=1),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
    )
    return int(round(res.fun))


def check_solution(tt, sol, include) -> None:
    on = tt.configs_with("1")
    assert sol.models, "no model"
    for cube in sol.pi_cubes:
        assert is_implicant(cube, tt, include), cube
        assert is_prime(cube, tt, include), cube
        assert covers(cube[None, :], on).any()
    size = minimum_cover_size(covers(sol.pi_cubes, on))
    for m in sol.models:
        assert covers(m.cubes, on).any(axis=0).all(), f"{m} leaves a positive row uncovered"
        assert len(m.terms) == size, f"{m} has {len(m.terms)} terms, minimum is {size}"
