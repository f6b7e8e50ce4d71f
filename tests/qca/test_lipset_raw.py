"""Lipset's raw data (LR) calibrated with the anchors of tutorial 02 give R's fuzzy data (LF).

The tutorial starts from the raw indicators; this test is what lets its prose say that the
calibrated sets *are* the published ones (Rihoux & Ragin 2009; R's QCA ``LR`` and ``LF``).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import qca

DATA = Path(__file__).resolve().parents[1] / "data"
ANCHORS = {
    "DEV": (400, 550, 900),
    "URB": (25, 50, 65),
    "LIT": (50, 75, 90),
    "IND": (20, 30, 40),
    "STB": (15, 9.5, 5),   # decreasing: more cabinets, less stability
    "SURV": (-9, 0, 10),
}


@pytest.fixture(scope="module")
def raw_and_fuzzy() -> tuple[pd.DataFrame, pd.DataFrame]:
    lr = pd.read_csv(DATA / "lipset" / "LR.csv", index_col="case")
    lf = pd.read_csv(DATA / "reference" / "datasets" / "LF.csv", index_col="case")
    return lr, lf


@pytest.mark.parametrize("column", list(ANCHORS))
def test_direct_calibration_of_lr_gives_lf(raw_and_fuzzy, column):
    lr, lf = raw_and_fuzzy
    assert list(lr.index) == list(lf.index)
    got = qca.calibrate(lr[column].to_numpy(dtype=float), "fuzzy", thresholds=ANCHORS[column])
    # LF is published to two decimals: equal after rounding, up to one unit in the last place.
    assert np.max(np.abs(np.round(got, 2) - lf[column].to_numpy())) <= 0.01 + 1e-9


def test_wrong_anchors_are_detected(raw_and_fuzzy):
    """The check above can fail: a plausible but different crossover does not reproduce LF."""
    lr, lf = raw_and_fuzzy
    got = qca.calibrate(lr["URB"].to_numpy(dtype=float), "fuzzy", thresholds=(10, 25, 65))
    assert np.max(np.abs(np.round(got, 2) - lf["URB"].to_numpy())) > 0.1
