"""Tests for qca.inference (Braumoeller 2015 false-positive tests, Holm correction)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import qca
from qca import QCAError
from qca.inference import binomial_p, false_positive_tests, holm, permutation_p

DATA = Path(__file__).resolve().parents[1] / "data" / "reference" / "datasets"


def _holm_reference(p):
    """Textbook Holm: reject sequentially; adjusted p = max over earlier of (m - j) p_(j)."""
    p = np.asarray(p, dtype=float)
    m = p.size
    order = np.argsort(p)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def test_holm_known_values():
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    np.testing.assert_allclose(holm([0.5]), [0.5])
    np.testing.assert_allclose(holm([0.2, 0.6]), [0.4, 0.6])
    out = holm([0.01, np.nan, 0.02])
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[[0, 2]], [0.02, 0.02])
    with pytest.raises(QCAError):
        holm([1.5])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_holm_matches_reference_and_is_conservative(p):
    adj = holm(p)
    np.testing.assert_allclose(adj, _holm_reference(p))
    assert (adj >= np.asarray(p) - 1e-12).all()
    assert (adj <= 1).all()


def test_binomial_p():
    assert binomial_p(6, 6, 0.5) == pytest.approx(0.5**6)
    assert binomial_p(0, 5, 0.3) == pytest.approx(1.0)
    assert binomial_p(3, 5, 0.3) == pytest.approx(stats.binom.sf(2, 5, 0.3))
    with pytest.raises(QCAError):
        binomial_p(6, 5, 0.3)
    with pytest.raises(QCAError):
        binomial_p(1, 5, 1.3)


def test_crisp_truth_table_uses_binomial():
    d = pd.read_csv(DATA / "LC.csv").set_index("case")
    tt = qca.truth_table(d, "SURV")
    res = false_positive_tests(tt)
    assert (res["test"] == "binomial").all()
    base = (d["SURV"] == 1).mean()
    for row, r in res.iterrows():
        assert r["n"] == tt.rows.loc[row, "n"]
        assert r["p"] == pytest.approx(stats.binom.sf(r["k"] - 1, r["n"], base))
    np.testing.assert_allclose(res["p_holm"], holm(res["p"]))


def test_fuzzy_permutation_reproducible():
    d = pd.read_csv(DATA / "LF.csv").set_index("case")
    tt = qca.truth_table(d, "SURV", incl_cut=0.8)
    a = false_positive_tests(tt, n_permutations=300, seed=7)
    b = false_positive_tests(tt, n_permutations=300, rng=np.random.default_rng(7))
    pd.testing.assert_frame_equal(a, b)
    assert list(a.index) == [22, 32]
    assert (a["test"] == "permutation").all()
    assert ((a["p"] >= 0) & (a["p"] <= 1)).all()
    np.testing.assert_allclose(a["incl"], tt.rows.loc[[22, 32], "incl"])
    sol = qca.minimize(tt, include="?")
    terms = false_positive_tests(sol, n_permutations=200, seed=1)
    assert list(terms.index) == list(sol.models[0].terms)


def test_permutation_p_extremes():
    y = np.array([1.0, 1, 1, 1, 0, 0, 0, 0])
    x = np.vstack([y, 1 - y])
    p, obs = permutation_p(x, y, n_permutations=500, seed=0)
    np.testing.assert_allclose(obs, [1.0, 0.0])
    assert p[0] == pytest.approx(1 / 70, abs=0.02)  # 1 of C(8,4) arrangements is perfect
    assert p[1] == 1.0


def test_permutation_on_crisp_data_close_to_exact():
    # Hypergeometric exact value for a crisp configuration under permutation.
    y = np.array([1.0] * 6 + [0.0] * 6)
    x = np.array([1.0] * 4 + [0.0] * 8)
    p, _ = permutation_p(x, y, n_permutations=4000, seed=3)
    exact = stats.hypergeom.sf(3, 12, 6, 4)
    assert p[0] == pytest.approx(exact, abs=0.02)


def test_errors():
    d = pd.read_csv(DATA / "LF.csv").set_index("case")
    tt = qca.truth_table(d, "SURV", incl_cut=0.8)
    with pytest.raises(QCAError, match="n_permutations"):
        false_positive_tests(tt, n_permutations=0)
    with pytest.raises(QCAError, match="crisp"):
        false_positive_tests(tt, method="binomial")
    with pytest.raises(QCAError, match="method"):
        false_positive_tests(tt, method="exact")
    with pytest.raises(QCAError, match="TruthTable"):
        false_positive_tests(d)  # type: ignore[arg-type]
    with pytest.raises(QCAError, match="model"):
        false_positive_tests(qca.minimize(tt, include="?"), model=3)
    none = qca.truth_table(d, "SURV", incl_cut=1.0)
    with pytest.raises(QCAError, match="OUT = 1"):
        false_positive_tests(none)
