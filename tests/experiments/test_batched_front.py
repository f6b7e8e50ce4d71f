"""The batched front end (calibration and truth tables of many cohorts at once) gives the records
of one cohort at a time, and the same calibrated memberships."""

import numpy as np
import pytest

from experiments.analysis import analyse_cohort, analyse_cohorts, calibrated_batch
from experiments.calibration import calibrated_columns
from experiments.pipeline import cell_setup

from .conftest import TOY
from .test_pipeline import _same

CELLS = [
    {"scenario": "kbop", "n_workers": 65, "cal_type": "crisp", "incl_cut": 0.8,
     "solutions": ["conservative", "parsimonious", "intermediate"]},
    {"scenario": "kbop", "n_workers": 65, "cal_type": "fuzzy", "incl_cut": 0.8, "pri_cut": 0.5,
     "overrides": {"truth": "fuzzy"}, "solutions": ["parsimonious", "intermediate"]},
    {"scenario": TOY, "n_workers": 40, "calibration": "percentile", "cal_type": "fuzzy",
     "solutions": ["conservative"]},
    {"scenario": "boolean:A*B + ~C*D", "n_workers": 30, "cal_type": "crisp",
     "solutions": ["parsimonious"]},
]


@pytest.mark.parametrize("params", CELLS)
def test_batched_records_equal_one_cohort_at_a_time(params):
    gen, spec = cell_setup(params)
    cohorts = gen.cohorts(5, range(6))
    batched = analyse_cohorts(cohorts, spec)
    assert len(batched) == len(cohorts)
    for cohort, (rec, seconds) in zip(cohorts, batched):
        _same(rec, analyse_cohort(cohort, spec))
        assert seconds >= 0


@pytest.mark.parametrize("cal_type", ["crisp", "fuzzy"])
@pytest.mark.parametrize("calibration", ["theory", "percentile"])
def test_calibrated_batch_equals_calibrated_columns(cal_type, calibration):
    rng = np.random.default_rng(3)
    cols = ["A", "B"]
    anchors = {"A": (1.5, 3.0, 4.5), "B": (2.0, 3.5, 5.0)}
    cohorts = [{c: rng.integers(1, 6, 25).astype(float) for c in cols} for _ in range(5)]
    cohorts[2]["A"][:3] = 3.0  # a case at the crossover moves that cohort's anchor
    got = calibrated_batch(cohorts, cols, anchors, calibration, cal_type, (10.0, 50.0, 90.0))
    for r, cohort in enumerate(cohorts):
        want = calibrated_columns(cohort, cols, anchors, calibration, cal_type, (10.0, 50.0, 90.0))
        for c in cols:
            assert got[c][r].dtype == want[c].dtype
            assert np.array_equal(got[c][r], want[c])


def test_cohorts_of_different_sizes_are_analysed_one_by_one():
    params = CELLS[3]
    gen, spec = cell_setup(params)
    cohorts = gen.cohorts(5, range(2))
    short = {k: np.asarray(v)[:20] for k, v in cohorts[1].items()}
    batched = analyse_cohorts([cohorts[0], short], spec)
    _same(batched[1][0], analyse_cohort(short, spec))


@pytest.mark.parametrize("theory", [(1.5, 3.0, 4.5), (-2.0, 0.0, 2.0), (4.5, 3.0, 1.5), (np.nan,) * 3])
@pytest.mark.parametrize("calibration", ["theory", "percentile"])
def test_anchors_of_rows_equal_anchors_of_each_row(theory, calibration):
    from experiments.calibration import anchors_for, anchors_for_rows

    rng = np.random.default_rng(4)
    x = rng.integers(-3, 6, (7, 30)).astype(float)
    x[2, :4] = theory[1]  # a tie at the crossover in one row
    got = anchors_for_rows(x, calibration, theory, (10.0, 50.0, 90.0))
    want = [anchors_for(row, calibration, theory, (10.0, 50.0, 90.0)) for row in x]
    assert got == want or (np.isnan(theory[1]) and np.array_equal(got, want, equal_nan=True))
