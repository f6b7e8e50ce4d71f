"""qca.datasets: the shipped data equal R's and the calibrated versions follow from the raw data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import qca
from qca import datasets

from .reference import REFERENCE

LF_ANCHORS = {"DEV": (400, 550, 900), "URB": (25, 50, 65), "LIT": (50, 75, 90), "IND": (20, 30, 40),
              "STB": (15, 9.5, 5), "SURV": (-9, 0, 10)}
CVF_ANCHORS = {"DEMOC": (2, 7, 9.5), "ETHFRACT": (0, 0.495, 0.8), "GEOCON": (0, 1.25, 3),
               "POLDIS": (0, 0.75, 3), "NATPRIDE": (0.5, 1.5, 2.5), "PROTEST": (0.5, 1.5, 3)}


@pytest.mark.parametrize("name", ["LC", "LF", "LM", "CVF", "NF", "d.homeless"])
def test_shipped_data_equal_r_reference(name):
    expected = pd.read_csv(REFERENCE / "datasets" / f"{name}.csv", index_col="case")
    pd.testing.assert_frame_equal(datasets.load(name), expected, check_dtype=False)


@pytest.mark.parametrize(("raw", "fuzzy", "anchors"), [("LR", "LF", LF_ANCHORS), ("CVR", "CVF", CVF_ANCHORS)])
def test_fuzzy_versions_follow_from_raw_with_documented_anchors(raw, fuzzy, anchors):
    r, f = datasets.load(raw), datasets.load(fuzzy)
    assert list(r.index) == list(f.index)
    for col, a in anchors.items():
        got = qca.calibrate(r[col], thresholds=a, idm=0.9525741).round(2)
        np.testing.assert_array_equal(got.to_numpy(), f[col].to_numpy(), err_msg=col)
        assert f"{col} e={a[0]:g} c={a[1]:g} i={a[2]:g}" in " ".join(datasets.describe(fuzzy).split())


def test_crisp_lipset_follows_from_raw():
    lr, lc, lm = datasets.load("LR"), datasets.load("LC"), datasets.load("LM")
    for col, cut in {"DEV": 550, "URB": 50, "LIT": 75, "IND": 30}.items():
        np.testing.assert_array_equal(qca.calibrate(lr[col], "crisp", [cut]), lc[col])
    np.testing.assert_array_equal((lr["STB"] < 10).astype(int), lc["STB"])
    np.testing.assert_array_equal((lr["SURV"] > 0).astype(int), lc["SURV"])
    np.testing.assert_array_equal(qca.calibrate(lr["DEV"], "crisp", [550, 850]), lm["DEV"])


def test_every_dataset_is_documented_and_loads():
    for name in datasets.names():
        frame = datasets.load(name)
        meta = datasets.info(name)
        assert list(frame.columns) == list(meta.columns), name
        assert meta.outcome in frame.columns and meta.source
        assert frame.index.is_unique and not frame.isna().any().any()
        text = datasets.describe(name)
        assert text.startswith(f"{name}: ") and "Source:" in text


def test_lipset_tour_from_the_loader():
    lf = datasets.load("LF")
    tt = qca.truth_table(lf, outcome="SURV", conditions=["DEV", "URB", "LIT", "IND", "STB"], incl_cut=0.8)
    sol = qca.minimize(tt, include="?")
    assert [set(m.terms) for m in sol.models] == [{"DEV*~IND", "URB*STB"}]


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(qca.QCAError, match="unknown data set 'LX'; available: LR, LC"):
        datasets.load("LX")


def test_load_returns_a_copy():
    first = datasets.load("LF")
    first.iloc[0, 0] = 99
    assert datasets.load("LF").iloc[0, 0] != 99
