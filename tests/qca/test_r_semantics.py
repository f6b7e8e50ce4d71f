"""The semantics an R user expects, each checked against R's QCA 3.25 answers.

R's answers are in ``tests/data/r_answers/r_user.json`` (generated with R 4.2.2 and QCA 3.25 on
the reference data sets; see its ``_source``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qca

from .reference import REFERENCE

R = json.loads((Path(__file__).resolve().parents[1] / "data" / "r_answers" / "r_user.json").read_text())
FILES = {"LF": "LF.csv", "CVF": "CVF.csv", "NF": "NF.csv", "LC": "LC.csv", "d.homeless": "d.homeless.csv"}


def dataset(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "datasets" / FILES[name], index_col="case")


# --- truth table OUT with two cut-offs ---------------------------------------------------------


@pytest.mark.parametrize("case", R["out_rule"], ids=lambda c: f"{c['data']}-{c['incl_cut']}-{c['pri_cut']}")
def test_out_codes_with_two_cutoffs_match_r(case):
    tt = qca.truth_table(
        dataset(case["data"]), case["outcome"], incl_cut=case["incl_cut"], pri_cut=case["pri_cut"],
        complete=True,
    )
    got = tt.rows["OUT"].to_dict()
    expected = dict(zip(case["rows"], case["OUT"]))
    assert got == expected


def test_contradiction_whatever_the_pri():
    # LF, incl.cut (0.9, 0.7), pri.cut 0.8: rows 22 and 24 have PRI 0.72 and 0.63 < 0.8, yet R codes
    # them "C" because 0.7 <= incl < 0.9; row 32 has incl 0.904 and PRI 0.886 >= 0.8: "1".
    tt = qca.truth_table(dataset("LF"), "SURV", incl_cut=[0.9, 0.7], pri_cut=0.8)
    assert tt.rows.loc[[22, 24, 32], "OUT"].tolist() == ["C", "C", "1"]
    low = qca.truth_table(dataset("LF"), "SURV", incl_cut=[0.9, 0.7], pri_cut=0.9)
    assert low.rows.loc[32, "OUT"] == "0"  # incl >= ic1 but PRI below pri_cut


# --- essential prime implicants -----------------------------------------------------------------


@pytest.mark.parametrize("case", R["essential"], ids=lambda c: f"{c['data']}-{c['include'] or 'cons'}")
def test_essential_is_in_every_model_as_r(case):
    tt = qca.truth_table(dataset(case["data"]), case["outcome"], incl_cut=case["incl_cut"])
    sol = qca.minimize(tt, include=case["include"] or None)
    assert sol.n_models == case["n_models"]
    assert set(sol.essential) == set(case["essential"])
    for model in sol.models:
        assert set(sol.essential) <= set(model.terms)


def test_essential_on_d_homeless_is_pf_not_rep():
    tt = qca.truth_table(dataset("d.homeless"), "REL")
    sol = qca.minimize(tt, include="?")
    assert sol.essential == ("PF*~REP",)


# --- recoding OUT -------------------------------------------------------------------------------


def test_recode_is_honoured_by_minimize():
    tt = qca.truth_table(dataset("LF"), "SURV", incl_cut=0.8)
    assert set(qca.minimize(tt).models[0].terms) == {"DEV*URB*LIT*IND*STB", "DEV*~URB*LIT*~IND*STB"}
    recoded = tt.recode(22, "0")
    assert recoded.rows.loc[22, "OUT"] == "0"
    assert tt.rows.loc[22, "OUT"] == "1"  # the original is unchanged
    assert [str(m) for m in qca.minimize(recoded).models] == ["DEV*URB*LIT*IND*STB"]
    assert "recoded by hand" in str(recoded)


def test_recode_of_remainder_excludes_it():
    tt = qca.truth_table(dataset("LF"), "SURV", incl_cut=0.8)
    sol = qca.minimize(tt, include="?")
    assumed = sol.simplifying_assumptions
    recoded = tt.recode(assumed, 0)
    assert set(assumed) <= recoded.exclude
    assert qca.minimize(recoded, include="?").simplifying_assumptions == ()


def test_recode_rejects_bad_input():
    tt = qca.truth_table(dataset("LF"), "SURV", incl_cut=0.8)
    with pytest.raises(qca.QCAError, match="value must be"):
        tt.recode(22, "yes")
    with pytest.raises(qca.QCAError, match="between 1 and 32"):
        tt.recode(40, "0")
    with pytest.raises(qca.QCAError, match="unobserved remainders"):
        tt.recode(3, "1")


def test_editing_rows_in_place_is_refused_not_ignored():
    tt = qca.truth_table(dataset("LF"), "SURV", incl_cut=0.8)
    tt.rows.loc[22, "OUT"] = "0"
    with pytest.raises(qca.QCAError, match=r"tt.rows was edited \(rows \[22\]\).*recode"):
        qca.minimize(tt)


# --- calibrate ----------------------------------------------------------------------------------

CAL = R["calibrate"]


@pytest.mark.parametrize(
    ("key", "kwargs"),
    [
        ("logistic", {"thresholds": "e=165, c=175, i=185"}),
        ("logistic_dec", {"thresholds": "i=165, c=175, e=185"}),
        ("logistic_idm", {"thresholds": "e=165, c=175, i=185", "idm": 0.9525741}),
    ],
)
def test_direct_calibration_clamps_exactly_as_r(key, kwargs):
    got = qca.calibrate(np.array(CAL["x"]), **kwargs)
    np.testing.assert_allclose(got, CAL[key], atol=1e-9)
    expected = np.asarray(CAL[key])
    assert ((got == 0) == (expected == 0)).all() and ((got == 1) == (expected == 1)).all()


def test_indirect_calibration_matches_r_on_ragins_income():
    cuts = "1000, 4000, 5000, 10000, 20000"
    got = qca.calibrate(np.array(CAL["income"]), method="indirect", thresholds=cuts)
    np.testing.assert_allclose(got, CAL["indirect"], atol=2e-6)
    assert got[-1] == 0.0 and got[0] == 1.0


def test_indirect_calibration_two_thresholds_matches_r():
    got = qca.calibrate(np.array(CAL["income"]), method="indirect", thresholds=[2500, 10000])
    np.testing.assert_allclose(got, CAL["indirect_2"], atol=2e-6)


@pytest.mark.parametrize(
    ("key", "anchors"), [("ecdf", "e=155, c=175, i=195"), ("ecdf_dec", "i=155, c=175, e=195")]
)
def test_ecdf_calibration_matches_r(key, anchors):
    got = qca.calibrate(np.array(CAL["heights"]), thresholds=anchors, logistic=False, ecdf=True)
    np.testing.assert_allclose(got, CAL[key], atol=1e-9)


def test_tfr_calibration_matches_r():
    got = qca.calibrate(np.array(CAL["likert"]), method="TFR")
    np.testing.assert_allclose(got, CAL["tfr"], atol=1e-9)


# --- pof ----------------------------------------------------------------------------------------

POF = R["pof"]


def _check_pof(frame: pd.DataFrame, expected: dict) -> None:
    assert list(frame.index) == expected["rows"]
    for col in expected["cols"]:
        want = np.array([np.nan if v is None else v for v in expected["values"][col]], dtype=float)
        np.testing.assert_allclose(frame[col].to_numpy(dtype=float), want, atol=1e-9)


def test_pof_separate_conditions_has_no_union_row():
    lf = dataset("LF")
    _check_pof(qca.pof(lf[["DEV", "URB", "LIT"]], lf["SURV"], relation="sufficiency"), POF["separate_suf"])
    _check_pof(qca.pof(lf[["DEV", "URB", "LIT"]], lf["SURV"]), POF["separate_nec"])


def test_pof_arrow_notation():
    lf = dataset("LF")
    _check_pof(qca.pof("DEV*~IND + URB*STB -> SURV", data=lf), POF["arrow_suf"])
    _check_pof(qca.pof("~LIT <- ~SURV", data=lf), POF["arrow_nec"])
    _check_pof(qca.pof("LIT*STB <- SURV", data=lf), POF["arrow_nec2"])


def test_pof_accepts_model_solution_and_expression():
    lf = dataset("LF")
    sol = qca.minimize(qca.truth_table(lf, "SURV", incl_cut=0.8), include="?")
    by_string = qca.pof("DEV*~IND + URB*STB", "SURV", lf, relation="sufficiency")
    for setms in (sol, sol.models[0], sol.models[0].expression):
        got = qca.pof(setms, "SURV", lf, relation="sufficiency")
        pd.testing.assert_frame_equal(got, by_string)
    # a model or solution carries its outcome and data
    pd.testing.assert_frame_equal(qca.pof(sol.models[0]), by_string)


def test_pof_arrow_conflicts_are_errors():
    lf = dataset("LF")
    with pytest.raises(qca.QCAError, match="outcome"):
        qca.pof("DEV -> SURV", "URB", lf)
    with pytest.raises(qca.QCAError, match="relation"):
        qca.pof("DEV -> SURV", data=lf, relation="necessity")


# --- display ------------------------------------------------------------------------------------


def test_tied_models_printed_as_r():
    tt = qca.truth_table(dataset("CVF"), "PROTEST", incl_cut=0.8)
    text = str(qca.minimize(tt, include="?"))
    # R: M1: ~NATPRIDE + DEMOC*GEOCON*POLDIS + (~DEMOC*ETHFRACT*POLDIS + DEMOC*ETHFRACT*GEOCON)
    assert "M1: ~NATPRIDE + DEMOC*GEOCON*POLDIS + (~DEMOC*ETHFRACT*POLDIS + DEMOC*ETHFRACT*GEOCON)" in text
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("1  ~NATPRIDE"))
    # R's pooled covU 0.121 and per-model covU 0.132 0.122 0.136 0.126
    expected = ["0.899", "0.807", "0.597", "0.121", "0.132", "0.122", "0.136", "0.126"]
    assert lines[first].split()[-8:] == expected
    assert lines[first + 1].startswith("2  DEMOC*GEOCON*POLDIS")
    assert set(lines[first + 2]) == {"-"}  # rule under the common implicants
    row6 = next(line for line in lines if line.startswith("6  ETHFRACT*GEOCON*POLDIS"))
    assert row6.split()[2:] == ["0.869", "0.786", "0.365", "0.005", "0.045", "0.045"]


def test_intermediate_models_grouped_by_pairs():
    tt = qca.truth_table(dataset("CVF"), "PROTEST", incl_cut=0.8)
    sol = qca.minimize(tt, include="?", dir_exp=["DEMOC", "ETHFRACT", "GEOCON", "POLDIS", "NATPRIDE"])
    text = str(sol)
    assert "From C1P1, C1P2, C1P3, C1P4:" in text
    assert text.count("M1:") == 1
    assert [p for p, _ in sol.model_sources] == ["C1P1", "C1P2", "C1P3", "C1P4"]


def test_cases_column_not_cut():
    tt = qca.truth_table(dataset("d.homeless"), "REL")
    text = str(qca.minimize(tt, include="?").summary(show_cases=True))
    assert "HUH,HU; DNUH; BUH; PUEJ" in text  # R's show.cases for PF*~REP
    names = [f"case{i:02d}" for i in range(32)]
    long = pd.DataFrame({"A": [1] * 30 + [0] * 2, "Y": [1] * 30 + [0] * 2}, index=names)
    assert ",".join(f"case{i:02d}" for i in range(30)) in str(qca.truth_table(long, "Y"))


def test_truth_table_sort_by_as_r():
    tt = qca.truth_table(dataset("LF"), "SURV", incl_cut=0.8, sort_by=["incl", "n"])
    # R: sort.by = c("incl", "n") lists rows 32 22 24 6 5 31 23 2 1
    assert tt.sorted_rows().index.tolist() == [32, 22, 24, 6, 5, 31, 23, 2, 1]
    assert tt.rows.index.tolist() == sorted(tt.rows.index)
    body = str(tt).splitlines()
    first = next(i for i, line in enumerate(body) if line.startswith("row"))
    assert [int(line.split()[0]) for line in body[first + 2 : first + 11]] == [32, 22, 24, 6, 5, 31, 23, 2, 1]
    with pytest.raises(qca.QCAError, match="sort_by"):
        qca.truth_table(dataset("LF"), "SURV", sort_by="nope")


def test_pi_chart_marks():
    tt = qca.truth_table(dataset("CVF"), "PROTEST", incl_cut=0.8)
    text = str(qca.minimize(tt, include="?").pi_chart_summary())
    # R's PIchart row for ~NATPRIDE over rows 5 15 16 24 27 29 30 31 32
    row = next(line for line in text.splitlines() if line.startswith("~NATPRIDE"))
    assert row.split()[1:] == ["x", "x", "-", "-", "x", "x", "-", "x", "-"]


def test_html_and_frames():
    tt = qca.truth_table(dataset("d.homeless"), "REL")
    sol = qca.minimize(tt, include="?")
    for obj in (tt, sol, sol.models[0]):
        html = obj._repr_html_()
        assert html.startswith('<div class="qca-report">') and "<table" in html
    frame = sol.to_frame()
    assert set(frame["model"]) == {f"M{i}" for i in range(1, 6)}
    assert frame.loc[frame["term"] == "PF*~REP", "essential"].all()
    totals = frame[frame["term"].isna()]
    np.testing.assert_allclose(totals["covS"], [m.fit["covS"] for m in sol.models])
    assert sol.summary().as_text() == str(sol)


# --- Model.membership ---------------------------------------------------------------------------


def test_membership_equals_evaluate_on_data():
    lf = dataset("LF")
    sol = qca.minimize(qca.truth_table(lf, "SURV", incl_cut=0.8), include="?")
    model = sol.models[0]
    np.testing.assert_allclose(model.membership().to_numpy(), qca.evaluate(str(model), lf))
    assert model.membership().index.equals(lf.index)
    other = lf.iloc[:5] * 0.5
    np.testing.assert_allclose(model.membership(other).to_numpy(), qca.evaluate(str(model), other))
    with pytest.raises(qca.QCAError, match="STB"):
        model.membership(lf.drop(columns="STB"))


MEMBERSHIPS = st.sampled_from([0.0, 0.1, 0.3, 0.45, 0.55, 0.7, 0.9, 1.0])


@given(st.lists(st.tuples(*[MEMBERSHIPS] * 4), min_size=4, max_size=25))
def test_membership_is_max_of_term_memberships(rows):
    d = pd.DataFrame(rows, columns=["A", "B", "C", "Y"])
    try:
        tt = qca.truth_table(d, "Y", incl_cut=0.6)
        sol = qca.minimize(tt, include="?")
    except qca.QCAError:
        return
    for m in sol.models:
        terms = m.term_memberships()
        np.testing.assert_allclose(m.membership().to_numpy(), terms.to_numpy().max(axis=1))
        if m.complexity:  # the tautology "1" has no expression to evaluate
            np.testing.assert_allclose(m.membership().to_numpy(), qca.evaluate(str(m), d))


def test_superset_and_robustness_reports():
    lf = dataset("LF")
    sup = qca.superset(lf, "SURV", incl_cut=0.9, cov_cut=0.6)
    text = str(sup)
    assert "4  DEV+URB+IND  0.903  0.704  0.716" in text
    assert sup.summary().as_html() == sup._repr_html_() and "<table" in sup._repr_html_()
    assert sup.to_frame()["expression"].tolist() == ["LIT", "STB", "LIT*STB", "DEV+URB+IND"]
    rob = qca.robustness(lf, "SURV", incl_cuts=[0.75, 0.85])
    assert "robust terms URB*STB" in str(rob) and "<table" in rob._repr_html_()
    assert rob.to_frame()["run"].tolist() == ["initial", "incl_cut 0.75", "incl_cut 0.85"]
    # robustness recomputes memberships with Model.membership
    sol = qca.minimize(qca.truth_table(lf, "SURV", incl_cut=0.8), include="?")
    np.testing.assert_allclose(rob.memberships["IS"], sol.models[0].membership())


# --- theory evaluation (modelFit) ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "outcome"), [("LF", "SURV"), ("CVF", "PROTEST")])
def test_model_fit_matches_r(name, outcome):
    from qca.theory import model_fit

    expected = R["model_fit"][name]
    sol = qca.minimize(qca.truth_table(dataset(name), outcome, incl_cut=0.8), include="?")
    results = model_fit(sol, expected["theory"])
    assert list(results) == [f"M{i}" for i in range(1, len(sol.models) + 1)]
    table = results["M1"].table
    want = expected["tables"][0]
    assert [str(r).strip() for r in want["rows"]][-6:] == list(table.index)[-6:]
    for col in ("inclS", "PRI", "covS"):
        np.testing.assert_allclose(table[col].to_numpy(), want["values"][col], atol=1e-9)


def test_model_fit_expressions_and_errors():
    from qca.theory import model_fit

    lf = dataset("LF")
    model = qca.minimize(qca.truth_table(lf, "SURV", incl_cut=0.8), include="?").models[0]
    fit = model_fit(model, "DEV*STB")
    # R: model*~theory ~DEV*URB*STB + DEV*~IND*~STB; ~model*~theory ~DEV*~URB + ~DEV*~STB + IND*~STB
    assert fit.expressions["model*~theory"] == "~DEV*URB*STB + DEV*~IND*~STB"
    assert fit.expressions["~model*~theory"] == "~DEV*~URB + ~DEV*~STB + IND*~STB"
    assert "6  model*~theory" in str(fit) and "<table" in fit._repr_html_()
    with pytest.raises(qca.QCAError):
        model_fit(model, "GDP")
    with pytest.raises(qca.QCAError, match="Model or Solution"):
        model_fit("A", "B")
