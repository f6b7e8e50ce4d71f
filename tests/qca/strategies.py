"""Hypothesis strategies for random QCA data."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st


@st.composite
def crisp_data(draw, min_conditions=2, max_conditions=6, max_cases=40, multivalue=False):
    k = draw(st.integers(min_conditions, max_conditions))
    n = draw(st.integers(3, max_cases))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    levels = rng.integers(2, 4, size=k) if multivalue else np.full(k, 2)
    cols = {f"C{j}": rng.integers(0, levels[j], size=n) for j in range(k)}
    cols["Y"] = rng.integers(0, 2, size=n)
    return pd.DataFrame(cols)


@st.composite
def fuzzy_data(draw, min_conditions=2, max_conditions=5, max_cases=30):
    k = draw(st.integers(min_conditions, max_conditions))
    n = draw(st.integers(3, max_cases))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.choice(np.r_[np.linspace(0.05, 0.45, 5), np.linspace(0.55, 0.95, 5)], size=(n, k + 1))
    return pd.DataFrame(x, columns=[f"C{j}" for j in range(k)] + ["Y"])


def random_chart(rng: np.random.Generator, n_rows: int, n_pi: int,
                 density: tuple[float, float] = (0.05, 0.5)) -> np.ndarray:
    """A random prime-implicant chart (implicants x rows) of a density drawn from ``density``,
    every row covered by at least one implicant."""
    chart = rng.random((n_pi, n_rows)) < rng.uniform(*density)
    chart[rng.integers(0, n_pi, size=n_rows), np.arange(n_rows)] = True
    return chart
