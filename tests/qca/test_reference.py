"""Agreement with R's QCA 3.25 on the shared reference cases (random data and R's example data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import qca

from .reference import all_cases, answer, model_set, truth_table

WITH_ANSWER = [(s, c) for s, c in all_cases() if answer(s, c["id"]) is not None]
IDS = [c["id"] for _, c in WITH_ANSWER]


@pytest.mark.parametrize(("subset", "case"), WITH_ANSWER, ids=IDS)
def test_truth_table_matches_r(subset, case):
    ans = answer(subset, case["id"])
    tt = truth_table(subset, case, complete=True)
    configs = tt.rows[list(tt.conditions)].astype(str).agg("".join, axis=1)
    rows = tt.rows.set_index(configs)
    for expected in ans["truth_table"]:
        row = rows.loc[expected["config"]]
        assert row["OUT"] == expected["OUT"], expected
        assert row["n"] == expected["n"], expected
        if expected["incl"] == "NA":
            assert np.isnan(row["incl"])
        else:
            assert row["incl"] == pytest.approx(expected["incl"], abs=1e-6)
            assert row["PRI"] == pytest.approx(expected["PRI"], abs=1e-6)
    listed = {e["config"] for e in ans["truth_table"]}
    unlisted = ~configs.isin(listed).to_numpy()
    assert (tt.rows["n"].to_numpy()[unlisted] == 0).all()


def _check_solution(subset, case, key, include):
    ans = answer(subset, case["id"])[key]
    tt = truth_table(subset, case)
    if isinstance(ans, dict) and "error" in ans:
        if "None of the values in OUT is explained" in ans["error"]:
            with pytest.raises(qca.QCAError, match="no truth-table row has OUT = 1"):
                qca.minimize(tt, include=include)
            return
        pytest.skip(f"R failed: {ans['error'][:60]}")
    sol = qca.minimize(tt, include=include)
    assert sol.complete
    expected = {model_set(m): fit for m, fit in zip(ans["models"], ans["fit"])}
    got = {model_set(m.terms): m for m in sol.models}
    assert set(got) == set(expected)
    for key_, fit in expected.items():
        for measure in ("inclS", "PRI", "covS"):
            assert got[key_].fit[measure] == pytest.approx(fit[measure], abs=1e-6)


@pytest.mark.parametrize(("subset", "case"), WITH_ANSWER, ids=IDS)
def test_conservative_models_match_r(subset, case):
    _check_solution(subset, case, "conservative", None)


@pytest.mark.parametrize(("subset", "case"), WITH_ANSWER, ids=IDS)
def test_parsimonious_models_match_r(subset, case):
    _check_solution(subset, case, "parsimonious", "?")


@pytest.mark.parametrize(("subset", "case"), WITH_ANSWER, ids=IDS)
def test_necessity_matches_r(subset, case):
    ans = answer(subset, case["id"])
    if "necessity" not in ans or "error" in ans["necessity"]:
        pytest.skip("no necessity answer")
    tt = truth_table(subset, case)
    got = qca.pof(tt.data, tt.outcome_membership, relation="necessity")
    for cond, fit in ans["necessity"].items():
        for measure, value in fit.items():
            if value == "NA":
                assert np.isnan(got.loc[cond, measure])
            else:
                assert got.loc[cond, measure] == pytest.approx(value, abs=1e-6), (cond, measure)


def test_lipset_fuzzy_example():
    subset, case = next((s, c) for s, c in WITH_ANSWER if c["id"] == "LF")
    sol = qca.minimize(truth_table(subset, case), include="?")
    assert [str(m) for m in sol.models] == ["DEV*~IND + URB*STB"]
    assert isinstance(sol.models[0].term_fit, pd.DataFrame)
    assert set(sol.models[0].term_fit.columns) == {"inclS", "PRI", "covS", "covU"}
    assert "M1: DEV*~IND + URB*STB -> SURV" in str(sol)


@pytest.mark.parametrize(("subset", "case"), WITH_ANSWER, ids=IDS)
def test_intermediate_models_match_r(subset, case):
    ans = answer(subset, case["id"]).get("intermediate")
    if not case["dir_exp"] or ans is None:
        pytest.skip("no directional expectations")
    tt = truth_table(subset, case)
    if isinstance(ans, dict) and "error" in ans:
        if "None of the values in OUT is explained" in ans["error"]:
            with pytest.raises(qca.QCAError, match="no truth-table row has OUT = 1"):
                qca.minimize(tt, include="?", dir_exp=case["dir_exp"])
            return
        pytest.skip(f"R failed: {ans['error'][:60]}")
    sol = qca.minimize(tt, include="?", dir_exp=case["dir_exp"])
    expected = {model_set(m.split(" + ")) for m in ans["models"]}
    assert {model_set(m.terms) for m in sol.models} == expected
