"""Tests for qca.necessity.superset (R's superSubset)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qca import QCAError, pof
from qca.necessity import MAX_CANDIDATES, SupersetResult, n_candidates, superset

DATA = Path(__file__).resolve().parents[1] / "data" / "reference" / "datasets"


@pytest.fixture(scope="module")
def lf() -> pd.DataFrame:
    return pd.read_csv(DATA / "LF.csv").set_index("case")


def test_lipset_fuzzy_known_answer(lf):
    # R QCA 3.25: superSubset(LF, "SURV", incl.cut = 0.9, cov.cut = 0.6)
    res = superset(lf, "SURV", ["DEV", "URB", "LIT", "IND", "STB"], incl_cut=0.9, cov_cut=0.6)
    assert isinstance(res, SupersetResult)
    assert res.expressions == ["LIT", "STB", "LIT*STB", "DEV+URB+IND"]
    expected = {
        "LIT": (0.991, 0.509, 0.643),
        "STB": (0.920, 0.680, 0.707),
        "LIT*STB": (0.915, 0.800, 0.793),
        "DEV+URB+IND": (0.903, 0.704, 0.716),
    }
    for expr, vals in expected.items():
        got = res.table.loc[expr, ["inclN", "RoN", "covN"]].to_numpy(dtype=float)
        np.testing.assert_allclose(got, vals, atol=5e-4)
    assert list(res.table.columns) == ["inclN", "RoN", "covN"]
    assert res.memberships.shape == (lf.shape[0], 4)
    text = str(res)
    assert "DEV+URB+IND" in text and "0.903" in text


def test_fit_agrees_with_pof(lf):
    res = superset(lf, "SURV", incl_cut=0.85, cov_cut=0.5, depth=3)
    assert len(res) > 0
    for expr in res.expressions:
        ref = pof(expr, "SURV", lf, relation="necessity").iloc[0]
        np.testing.assert_allclose(res.table.loc[expr].to_numpy(dtype=float), ref.to_numpy(dtype=float))


def test_disjunction_minimality(lf):
    res = superset(lf, "SURV", incl_cut=0.9, cov_cut=0.0, depth=3)
    passing = set(res.expressions)
    for expr in res.expressions:
        if "+" in expr:
            parts = expr.split("+")
            for p in parts:
                # No single literal of a listed disjunction is itself necessary.
                assert pof(p, "SURV", lf).iloc[0]["inclN"] < 0.9
    assert "LIT" in passing and not any(e.startswith("LIT+") or "+LIT" in e for e in passing)


def test_ron_cut_filters(lf):
    res = superset(lf, "SURV", incl_cut=0.9, cov_cut=0.6, ron_cut=0.7)
    assert res.expressions == ["LIT*STB", "DEV+URB+IND"]


def test_sufficiency_minimal_conjunctions(lf):
    res = superset(lf, "SURV", relation="suf", incl_cut=0.8, cov_cut=0.1)
    assert list(res.table.columns) == ["inclS", "PRI", "covS"]
    assert (res.table["inclS"] >= 0.8 - 1e-9).all()
    terms = [frozenset(e.split("*")) for e in res.expressions]
    for a in terms:
        assert not any(b < a for b in terms), "a listed conjunction contains another listed one"
    assert "DEV*STB" in res.expressions


def test_crisp_perfect_necessity():
    d = pd.DataFrame({"A": [1, 1, 1, 0, 1], "B": [0, 1, 0, 1, 1], "Y": [1, 1, 1, 0, 0]})
    res = superset(d, "Y", ["A", "B"])
    assert res.expressions == ["A"]
    assert res.table.loc["A", "inclN"] == 1.0


def test_negated_outcome_and_multivalue():
    d = pd.DataFrame({"A": [0, 1, 2, 2, 1, 0], "B": [1, 1, 0, 1, 0, 0], "Y": [0, 1, 1, 1, 1, 0]})
    res = superset(d, "Y", ["A", "B"])
    assert "A[1]+A[2]" not in res.expressions  # one literal per condition
    assert all("[" in e for e in res.expressions)
    assert "A[1]+B[0]" not in res.expressions or res.table.loc["A[1]+B[0]", "inclN"] == 1.0
    neg = superset(d, "~Y", ["A", "B"])
    assert "A[0]" in neg.expressions


def test_errors(lf):
    with pytest.raises(QCAError, match="depth"):
        superset(lf, "SURV", depth=0)
    with pytest.raises(QCAError, match="unknown"):
        superset(lf, "SURV", ["DEV", "NOPE"])
    with pytest.raises(QCAError, match="relation"):
        superset(lf, "SURV", relation="both")
    with pytest.raises(QCAError, match="incl_cut"):
        superset(lf, "SURV", incl_cut=1.5)
    with pytest.raises(QCAError):
        superset(lf.to_numpy(), "SURV")  # type: ignore[arg-type]


def test_too_many_candidates_is_refused():
    rng = np.random.default_rng(1)
    d = pd.DataFrame(rng.integers(0, 2, size=(20, 26)), columns=[f"C{i}" for i in range(26)])
    d["Y"] = rng.integers(0, 2, size=20)
    assert n_candidates([2] * 26, 26) > MAX_CANDIDATES
    with pytest.raises(QCAError, match="smaller depth"):
        superset(d, "Y")
    res = superset(d, "Y", depth=2, incl_cut=0.95)
    assert isinstance(res, SupersetResult)


def test_n_candidates():
    assert n_candidates([2, 2, 2], 3) == 3**3 - 1
    assert n_candidates([3, 2], 2) == 3 + 2 + 6
    with pytest.raises(QCAError):
        n_candidates([2], 0)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=0.6, max_value=1.0),
)
def test_listed_expressions_pass_the_cuts(seed, cut):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame(rng.random((12, 4)).round(2), columns=list("ABCD"))
    d["Y"] = rng.random(12).round(2)
    res = superset(d, "Y", incl_cut=cut, cov_cut=0.3, depth=3)
    if len(res):
        assert (res.table["inclN"] >= cut - 1e-6).all()
        assert (res.table["covN"] >= 0.3 - 1e-6).all()
        mem = res.memberships
        y = d["Y"].to_numpy()
        for e in res.expressions:
            x = mem[e].to_numpy()
            assert np.isclose(np.minimum(x, y).sum() / y.sum(), res.table.loc[e, "inclN"])
