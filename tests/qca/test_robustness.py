"""Tests for qca.robustness (Oana & Schneider 2024 robustness protocol)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qca import QCAError
from qca.fit import sufficiency
from qca.robustness import RobustnessResult, robustness, robustness_fit

DATA = Path(__file__).resolve().parents[1] / "data" / "reference" / "datasets"


@pytest.fixture(scope="module")
def lf() -> pd.DataFrame:
    return pd.read_csv(DATA / "LF.csv").set_index("case")


def test_identical_tests_are_perfectly_robust():
    rng = np.random.default_rng(0)
    s = rng.random(20)
    y = rng.random(20)
    fit = robustness_fit(s, [s, s], y)
    for v in fit.values():
        assert v == pytest.approx(1.0)


def test_robustness_fit_definitions():
    s = np.array([0.8, 0.6, 0.2, 0.9])
    t1 = np.array([0.7, 0.2, 0.3, 0.9])
    t2 = np.array([0.9, 0.4, 0.1, 0.6])
    y = np.array([0.9, 0.5, 0.1, 0.8])
    fit = robustness_fit(s, [t1, t2], y)
    min_ts = np.minimum(t1, t2)
    max_ts = np.maximum(t1, t2)
    rc = np.minimum(s, min_ts)
    assert fit["RF_cov"] == pytest.approx(sufficiency(rc, y)["covS"] / sufficiency(s, y)["covS"])
    assert fit["RF_cons"] == pytest.approx(sufficiency(s, y)["inclS"] / sufficiency(rc, y)["inclS"])
    assert fit["RF_SC_minTS"] == pytest.approx(np.minimum(s, min_ts).sum() / np.maximum(s, min_ts).sum())
    assert fit["RF_SC_maxTS"] == pytest.approx(np.minimum(s, max_ts).sum() / np.maximum(s, max_ts).sum())
    with pytest.raises(QCAError):
        robustness_fit(s, [], y)
    with pytest.raises(QCAError):
        robustness_fit(s, [t1[:2]], y)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4))
def test_robustness_fit_bounds(seed, n_tests):
    rng = np.random.default_rng(seed)
    s = rng.random(15)
    tests = [rng.random(15) for _ in range(n_tests)]
    fit = robustness_fit(s, tests, rng.random(15))
    assert 0 <= fit["RF_cov"] <= 1 + 1e-12
    assert 0 <= fit["RF_SC_minTS"] <= 1 and 0 <= fit["RF_SC_maxTS"] <= 1


def test_lipset_cut_offs(lf):
    res = robustness(lf, "SURV", incl_cut=0.8, incl_cuts=[0.75, 0.85], n_cuts=[2])
    assert isinstance(res, RobustnessResult)
    assert list(res.runs.index) == ["initial", "incl_cut 0.75", "incl_cut 0.85", "n_cut 2"]
    assert res.runs.loc["initial", "model"] == "DEV*~IND + URB*STB"
    assert res.runs.loc["incl_cut 0.75", "SC_IS"] == pytest.approx(1.0)
    # URB*STB survives every run (it implies URB in the n_cut 2 model); DEV*~IND is lost at 0.85.
    assert res.robust_terms == ("URB*STB",)
    assert bool(res.terms.loc["DEV*~IND", "incl_cut 0.75"])
    assert not bool(res.terms.loc["DEV*~IND", "incl_cut 0.85"])
    m = res.memberships
    np.testing.assert_allclose(m["RC"], np.minimum(m["IS"], m["minTS"]))
    assert (m["minTS"] <= m["maxTS"]).all()
    assert 0 < res.fit["RF_cov"] < 1
    assert "RF_cons" in str(res)


def test_calibrations_and_grid(lf):
    shifted = lf.assign(DEV=(lf["DEV"] * 0.9).round(2))
    res = robustness(
        lf, "SURV", incl_cut=0.8,
        calibrations={"df": shifted, "fn": lambda raw: raw.assign(URB=raw["URB"])},
    )
    assert list(res.runs["data"]) == ["initial", "df", "fn"]
    assert res.runs.loc["fn", "SC_IS"] == pytest.approx(1.0)
    grid = robustness(lf, "SURV", incl_cut=0.8, incl_cuts=[0.75], n_cuts=[2], grid=True)
    assert grid.runs.shape[0] == 4  # initial + 2 x 2 - 1


def test_empty_test_run_gives_empty_core(lf):
    res = robustness(lf, "SURV", incl_cut=0.8, incl_cuts=[0.99])
    assert res.runs.loc["incl_cut 0.99", "note"] == "no positive row"
    assert res.fit["RF_cov"] == 0
    assert res.robust_terms == ()


def test_errors(lf):
    with pytest.raises(QCAError, match="alternatives"):
        robustness(lf, "SURV", incl_cut=0.8)
    with pytest.raises(QCAError, match="initial analysis"):
        robustness(lf, "SURV", incl_cut=0.99, incl_cuts=[0.8])
    with pytest.raises(QCAError, match="cases"):
        robustness(lf, "SURV", incl_cut=0.8, calibrations=[lf.iloc[:5]])
    with pytest.raises(QCAError, match="callable"):
        robustness(lf, "SURV", incl_cut=0.8, calibrations=[3])  # type: ignore[list-item]
    with pytest.raises(QCAError, match="unknown"):
        robustness(lf, "SURV", ["DEV", "XX"], incl_cut=0.8, incl_cuts=[0.7])
