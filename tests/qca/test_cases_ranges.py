"""Case-oriented follow-up (qca.cases) and robustness ranges, against SetMethods 4.0 in R."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import qca
from qca import cases, datasets

R = json.loads((Path(__file__).resolve().parents[1] / "data" / "r_answers" / "setmethods.json").read_text())
OUTCOME = {"LF": "SURV", "CVF": "PROTEST"}


def _solution(name: str) -> qca.Solution:
    data = datasets.load(name)
    return qca.minimize(qca.truth_table(data, OUTCOME[name], incl_cut=0.8), include="?")


def _by_case_term(rows, keys):
    return {tuple(r[k] for k in keys): r for r in rows}


@pytest.mark.parametrize("name", ["LF", "CVF"])
def test_typical_cases_match_setmethods(name):
    got = cases.smmr(_solution(name), "typical")
    expected = _by_case_term(R["smmr"][f"{name}_1"], ["Case", "Term"])
    mine = _by_case_term(got.to_dict("records"), ["Case", "Term"])
    assert set(mine) == set(expected)
    for key, row in expected.items():
        for col in ("TermMemb", "Outcome", "Best"):
            assert mine[key][col] == pytest.approx(row[col], abs=1e-9), (key, col)
        assert mine[key]["UniqCov"] == row["UniqCov"], key
        assert mine[key]["MostTyp"] == row["MostTyp"], key
    # within a term: uniquely covered cases first, then by Best
    for _, part in got.groupby("Term", sort=False):
        keys = list(zip(~part["UniqCov"], part["Best"]))
        assert keys == sorted(keys)


@pytest.mark.parametrize("name", ["LF", "CVF"])
def test_deviant_coverage_and_irrelevant_cases_match_setmethods(name):
    sol = _solution(name)
    dcov = cases.smmr(sol, "deviant_coverage")
    expected = R["smmr"][f"{name}_4"]
    assert dcov["Case"].tolist() == [r["Case"] for r in expected]
    for col in ("Sol", "TT_row", "Outcome", "Best"):
        np.testing.assert_allclose(dcov[col], [r[col] for r in expected], atol=1e-9)
    assert dcov["MostDCOV"].tolist() == [r["MostDCOV"] for r in expected]
    iir = cases.smmr(sol, "irrelevant")
    expected = _by_case_term(R["smmr"][f"{name}_5"], ["Case"])
    mine = _by_case_term(iir.to_dict("records"), ["Case"])
    assert set(mine) == set(expected)
    for key, row in expected.items():
        for col in ("Sol", "TT_row", "Outcome"):
            assert mine[key][col] == pytest.approx(row[col], abs=1e-9)
        conds = [c for c in row if c.startswith("TT_") and c != "TT_row"]
        assert [mine[key][c] for c in conds] == [row[c] for c in conds]
    assert R["smmr"][f"{name}_3"] == [] and cases.smmr(sol, "deviant_consistency").empty


def test_deviant_consistency_cases_by_definition():
    d = pd.DataFrame(
        {"A": [1, 1, 1, 1, 1, 0, 0], "B": [1, 1, 0, 0, 0, 1, 0], "Y": [0.9, 0.8, 0.3, 0.9, 0.95, 0.2, 0.1]},
        index=list("pqrsvtu"),
    )
    sol = qca.minimize(qca.truth_table(d, "Y", incl_cut=0.6), include="?")
    assert [str(m) for m in sol.models] == ["A"]
    dev = cases.smmr(sol, "deviant_consistency")
    assert dev["Case"].tolist() == ["r"]  # A = 1 but Y = 0.3
    assert dev.loc[0, "Best"] == pytest.approx(1 - (1 - 0.3) + 0)
    types = cases.case_types(sol)
    assert types["type"].to_dict() == {
        "p": "deviant consistency in degree", "q": "deviant consistency in degree",
        "r": "deviant consistency", "s": "deviant consistency in degree",
        "v": "deviant consistency in degree", "t": "individually irrelevant", "u": "individually irrelevant",
    }
    with pytest.raises(qca.QCAError, match="kind must be one of"):
        cases.smmr(sol, "atypical")
    with pytest.raises(qca.QCAError, match="model must be"):
        cases.smmr(sol, model=3)


def test_case_types_partition_the_cases():
    sol = _solution("CVF")
    types = cases.case_types(sol)
    typical = cases.smmr(sol, "typical")
    solution_typical = set(types.index[types["type"] == "typical"])
    assert solution_typical <= set(typical["Case"])
    dcov = set(cases.smmr(sol, "deviant_coverage")["Case"])
    assert set(types.index[types["type"] == "deviant coverage"]) == dcov
    np.testing.assert_allclose(types["Sol"], sol.models[0].membership())


@pytest.mark.parametrize("name", ["LF", "CVF"])
def test_incl_range_matches_setmethods(name):
    got = qca.incl_range(datasets.load(name), OUTCOME[name], step=0.01, max_runs=40)
    expected = R[f"inclrange_{name}"]
    assert got.loc[0, "lower"] == pytest.approx(expected["lower"])
    assert got.loc[0, "upper"] == pytest.approx(expected["upper"])
    assert got.loc[0, "upper_stop"] == "solution changes"


def test_ncut_range_matches_setmethods():
    got = qca.ncut_range(datasets.load("CVF"), "PROTEST")
    expected = R["ncutrange_CVF"]
    assert (got.loc[0, "lower"], got.loc[0, "upper"]) == (expected["lower"], expected["upper"])
    assert got.loc[0, "lower_stop"] == "bound"


def test_calib_range_matches_setmethods_on_dev():
    exp = R["calibrange_LF"]["DEV"]
    got = qca.calib_range(
        datasets.load("LR"), datasets.load("LF"), "DEV", exp["anchors"], "SURV", step=exp["step"], max_runs=40
    ).set_index("parameter")
    # SetMethods: exclusion 400..540, crossover 550..660, inclusion ..940
    assert (got.loc["e", "lower"], got.loc["e", "upper"]) == (exp["lower"][0], exp["upper"][0])
    assert (got.loc["c", "lower"], got.loc["c", "upper"]) == (exp["lower"][1], exp["upper"][1])
    assert got.loc["i", "upper"] == exp["upper"][2]
    # SetMethods reports 550 (= the crossover) as the inclusion's lower bound; an inclusion
    # anchor equal to the crossover is no valid calibration, so we stop one step above it.
    assert got.loc["i", "lower"] == 560 and got.loc["i", "lower_stop"] == "invalid value"
    assert got.loc["e", "upper_stop"] == "invalid value"


@pytest.mark.parametrize("cond", ["DEV", "LIT", "STB"])
def test_calib_range_setmethods_convention_reproduces_rob_calibrange(cond):
    # R's answers were made with max.runs = 40; NA (no change within max.runs) is NaN here.
    exp = R["calibrange_LF"][cond]
    got = qca.calib_range(
        datasets.load("LR"), datasets.load("LF"), cond, exp["anchors"], "SURV", step=exp["step"],
        max_runs=40, convention="setmethods",
    )
    as_r = [[None if np.isnan(v) else v for v in got[col]] for col in ("lower", "upper")]
    assert as_r == [exp["lower"], exp["upper"]]


def test_calib_range_conventions_differ_where_documented():
    exp = R["calibrange_LF"]["DEV"]
    args = (datasets.load("LR"), datasets.load("LF"), "DEV", exp["anchors"], "SURV")
    ours = qca.calib_range(*args, step=exp["step"], max_runs=40).set_index("parameter")
    sm = qca.calib_range(*args, step=exp["step"], max_runs=40, convention="setmethods")
    sm = sm.set_index("parameter")
    # SetMethods lets the inclusion anchor reach the crossover (R's logistic accepts it)
    assert (ours.loc["i", "lower"], sm.loc["i", "lower"]) == (560, 550)
    with pytest.raises(qca.QCAError, match="convention"):
        qca.calib_range(*args, convention="R")
    with pytest.raises(qca.QCAError, match="one crisp threshold"):
        qca.calib_range(*args[:3], [500, 700], "SURV", type="crisp", convention="setmethods")


def test_range_errors():
    lf = datasets.load("LF")
    with pytest.raises(qca.QCAError, match="step"):
        qca.incl_range(lf, "SURV", step=0)
    with pytest.raises(qca.QCAError, match="no solution"):
        qca.incl_range(lf, "SURV", incl_cut=0.99)
    with pytest.raises(qca.QCAError, match="3 fuzzy anchors"):
        qca.calib_range(datasets.load("LR"), lf, "DEV", [400, 900], "SURV")
    with pytest.raises(qca.QCAError, match="no column"):
        qca.calib_range(datasets.load("LR"), lf, "GDP", [400, 550, 900], "SURV")


def test_calib_range_setmethods_crisp_threshold():
    lr, lf = datasets.load("LR"), datasets.load("LF")
    crisp = lf.copy()
    crisp["DEV"] = qca.calibrate(lr["DEV"], "crisp", thresholds=[550])
    got = qca.calib_range(lr, crisp, "DEV", [550], "SURV", type="crisp", step=50, max_runs=40,
                          convention="setmethods")
    row = got.iloc[0]
    assert row["parameter"] == "threshold 1" and row["lower"] <= 550 <= row["upper"]
    assert row["lower_stop"] in {"solution changes", "no solution", "raw range"}


_FRESH = json.loads((Path(__file__).resolve().parents[1] / "data" / "r_answers"
                     / "setmethods_calibrange.json").read_text())["cases"]


@pytest.mark.parametrize("case", _FRESH, ids=lambda c: c["id"])
def test_calib_range_setmethods_convention_on_fresh_r_calls(case):
    """7 further rob.calibrange calls in R (other anchors, steps, incl.cut, a crisp threshold)."""
    anchors = case["anchors"] if isinstance(case["anchors"], list) else [case["anchors"]]
    got = qca.calib_range(
        datasets.load("LR"), datasets.load("LF"), case["condition"], anchors, "SURV", type=case["type"],
        step=case["step"], max_runs=case["max_runs"], incl_cut=case["incl_cut"], convention="setmethods",
    )
    as_r = [[None if np.isnan(v) else v for v in got[col]] for col in ("lower", "upper")]
    want = [case[k] if isinstance(case[k], list) else [case[k]] for k in ("lower", "upper")]
    assert as_r == want
