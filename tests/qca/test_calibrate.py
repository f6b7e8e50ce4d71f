"""Tests for qca.calibrate: reference values from R's QCA 3.25 calibrate() / findTh()."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qca.calibrate import calibrate, find_thresholds
from qca.exceptions import QCAError

X = np.arange(155, 200, 5, dtype=float)  # 155, 160, ..., 195
GDP = [460, 500, 900, 2000, 2100, 2400, 15000, 16000, 20000]
INCOME = [40110, 34400, 25200, 24920, 20060, 17090, 15320, 13680, 11720, 11290, 10940, 9800,
          7470, 4670, 4100, 4070, 3740, 3690, 3590, 2980, 1000, 650, 450, 110]

R_LOGISTIC = [0.0028, 0.0119, 0.05, 0.1866, 0.5, 0.8134, 0.95, 0.9881, 0.9972]
R_LINEAR = [0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1]
R_BELL = [0, 0.25, 0.5, 0.75, 1, 0.75, 0.5, 0.25, 0]
R_CRISP = [0, 0, 0, 1, 1, 2, 2, 2, 2]


# ---------------------------------------------------------------- reference values (R 3.25)


def test_logistic_matches_r():
    np.testing.assert_allclose(calibrate(X, thresholds=[165, 175, 185]), R_LOGISTIC, atol=5e-5)


def test_linear_matches_r():
    out = calibrate(X, thresholds=[165, 175, 185], logistic=False)
    np.testing.assert_allclose(out, R_LINEAR, atol=1e-12)


def test_bell_matches_r_and_ignores_logistic():
    anchors = [155, 165, 175, 175, 185, 195]
    np.testing.assert_allclose(calibrate(X, thresholds=anchors), R_BELL, atol=1e-12)
    np.testing.assert_allclose(calibrate(X, thresholds=anchors, logistic=False), R_BELL)


def test_crisp_matches_r():
    out = calibrate(X, "crisp", thresholds=[170, 180])
    assert out.dtype == np.int64
    assert out.tolist() == R_CRISP


def test_find_thresholds_matches_r():
    assert find_thresholds(GDP).tolist() == [8700.0]
    assert find_thresholds(GDP, n=2).tolist() == [8700.0, 18000.0]
    assert find_thresholds(GDP, n=2, linkage_method="ward.D2", metric="canberra").tolist() == [
        1450.0, 8700.0]


# ---------------------------------------------------------------- anchors and shapes


@pytest.mark.parametrize(
    "spec",
    [[165, 175, 185], (165, 175, 185), np.array([165, 175, 185]), "165, 175, 185",
     "e=165, c=175, i=185", "c = 175, i = 185, e = 165", {"i": 185, "e": 165, "c": 175}],
)
def test_threshold_formats_are_equivalent(spec):
    np.testing.assert_allclose(calibrate(X, thresholds=spec), R_LOGISTIC, atol=5e-5)


@pytest.mark.parametrize("idm", [0.9, 0.95, 0.99])
def test_anchor_memberships(idm):
    out = calibrate(np.array([165.0, 175.0, 185.0]), thresholds=[165, 175, 185], idm=idm)
    np.testing.assert_allclose(out, [1 - idm, 0.5, idm])


@pytest.mark.parametrize("logistic", [True, False])
def test_decreasing_is_complement_of_increasing(logistic):
    up = calibrate(X, thresholds=[165, 175, 185], logistic=logistic)
    down = calibrate(X, thresholds=[185, 175, 165], logistic=logistic)
    np.testing.assert_allclose(down, 1 - up, atol=1e-12)
    named = calibrate(X, thresholds="i=165, c=175, e=185", logistic=logistic)
    np.testing.assert_allclose(named, down)


def test_decreasing_power_swaps_below_and_above():
    up = calibrate(X, thresholds=[160, 175, 190], logistic=False, below=2, above=0.5)
    down = calibrate(X, thresholds=[190, 175, 160], logistic=False, below=0.5, above=2)
    np.testing.assert_allclose(down, 1 - up, atol=1e-12)


def test_below_above_exponents():
    x = np.array([170.0, 180.0])
    out = calibrate(x, thresholds=[165, 175, 185], logistic=False, below=2, above=3)
    np.testing.assert_allclose(out, [0.5 * 0.5**2, 1 - 0.5 * 0.5**3])


def test_inverse_bell_is_complement_of_bell():
    bell = calibrate(X, thresholds="e1=155, c1=165, i1=175, i2=175, c2=185, e2=195")
    inverse = calibrate(X, thresholds="i1=155, c1=165, e1=175, e2=175, c2=185, i2=195")
    np.testing.assert_allclose(inverse, 1 - bell, atol=1e-12)
    positional = calibrate(X, thresholds=[175, 165, 155, 195, 185, 175])  # e1 c1 i1 i2 c2 e2
    np.testing.assert_allclose(positional, inverse)
    shaped = calibrate(X, thresholds=[155, 165, 175, 175, 185, 195], below=3, above=2)
    inv_shaped = calibrate(X, thresholds=[175, 165, 155, 195, 185, 175], below=2, above=3)
    np.testing.assert_allclose(inv_shaped, 1 - shaped, atol=1e-12)


def test_trapezoid_bell_is_flat_between_inclusion_anchors():
    x = np.array([150, 160, 172, 175, 179, 183, 200], dtype=float)
    out = calibrate(x, thresholds=[155, 165, 172, 179, 187, 195])
    np.testing.assert_allclose(out, [0, 0.25, 1, 1, 1, 0.75, 0])


def test_series_keeps_index_and_name():
    s = pd.Series(X, index=[f"case{k}" for k in range(9)], name="height")
    fuzzy = calibrate(s, thresholds=[165, 175, 185])
    crisp = calibrate(s, "crisp", thresholds=[170, 180])
    for out in (fuzzy, crisp):
        assert isinstance(out, pd.Series)
        assert out.index.equals(s.index) and out.name == "height"
    assert crisp.dtype == np.int64 and crisp.tolist() == R_CRISP


def test_plain_input_returns_ndarray():
    out = calibrate(X.tolist(), thresholds=[165, 175, 185])
    assert isinstance(out, np.ndarray) and out.dtype == np.float64


# ---------------------------------------------------------------- property tests


anchor_triples = st.lists(
    st.floats(-1e4, 1e4, allow_nan=False), min_size=3, max_size=3, unique=True
).map(sorted).filter(lambda a: a[1] - a[0] > 1e-3 and a[2] - a[1] > 1e-3)
raw_values = st.lists(st.floats(-2e4, 2e4, allow_nan=False), min_size=1, max_size=40)
exponents = st.floats(0.1, 10)


@settings(max_examples=200, deadline=None)
@given(anchors=anchor_triples, values=raw_values, logistic=st.booleans(),
       below=exponents, above=exponents)
def test_increasing_calibration_is_monotone_and_bounded(anchors, values, logistic, below, above):
    x = np.sort(np.asarray(values))
    out = calibrate(x, thresholds=anchors, logistic=logistic, below=below, above=above)
    assert np.all((out >= 0) & (out <= 1))
    assert np.all(np.diff(out) >= -1e-12)
    down = calibrate(x, thresholds=anchors[::-1], logistic=logistic, below=above, above=below)
    np.testing.assert_allclose(down, 1 - out, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(values=raw_values, cuts=st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=5,
                                         unique=True).map(sorted))
def test_crisp_levels_count_thresholds_at_or_below(values, cuts):
    x = np.asarray(values)
    out = calibrate(x, "crisp", thresholds=cuts)
    expected = [sum(v >= c for c in cuts) for v in values]
    assert out.tolist() == expected


# ---------------------------------------------------------------- crisp and find_thresholds


def test_crisp_single_threshold_includes_threshold():
    assert calibrate([1, 2, 3], "crisp", thresholds=2).tolist() == [0, 1, 1]
    assert calibrate([1, 2, 3], "crisp", thresholds="2").tolist() == [0, 1, 1]


@pytest.mark.parametrize("cuts", [[180, 170], [170, 170]])
def test_crisp_unsorted_or_repeated_thresholds_error(cuts):
    with pytest.raises(QCAError, match="strictly increasing"):
        calibrate(X, "crisp", thresholds=cuts)


def test_find_thresholds_feeds_crisp_calibration():
    th = find_thresholds(GDP, n=2)
    assert calibrate(GDP, "crisp", thresholds=th).tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 2]


def test_find_thresholds_errors():
    with pytest.raises(QCAError, match="distinct value"):
        find_thresholds([1, 1, 2], n=2)
    with pytest.raises(QCAError, match="positive integer"):
        find_thresholds(GDP, n=0)
    with pytest.raises(QCAError, match="linkage_method"):
        find_thresholds(GDP, linkage_method="ward.D")
    with pytest.raises(QCAError, match="metric"):
        find_thresholds(GDP, metric="binary")
    with pytest.raises(QCAError, match="missing"):
        find_thresholds([1.0, np.nan, 3.0])


# ---------------------------------------------------------------- indirect method


def test_indirect_recovers_an_exact_logistic():
    x = np.linspace(0, 100, 30)
    target = 1 / (1 + np.exp(-(x - 40) / 8))
    out = calibrate(x, method="indirect", targets=target)
    np.testing.assert_allclose(out, target, atol=6e-7)  # R rounds the fit to 6 decimals


def test_indirect_with_thresholds_is_increasing_fuzzy():
    out = calibrate(pd.Series(INCOME, name="inc"), method="indirect",
                    thresholds="1000, 4000, 5000, 10000, 20000")
    assert isinstance(out, pd.Series) and out.name == "inc"
    order = np.argsort(INCOME)
    assert np.all(np.diff(out.to_numpy()[order]) >= 0)  # R clamps the richest to exactly 1
    assert out.between(0, 1).all()
    assert out.iloc[0] > 0.95 and out.iloc[-1] < 0.15  # richest vs poorest country


def test_indirect_errors():
    with pytest.raises(QCAError, match="exactly one of thresholds"):
        calibrate(INCOME, method="indirect")
    with pytest.raises(QCAError, match="exactly one of thresholds"):
        calibrate(INCOME, method="indirect", thresholds=[5000], targets=np.zeros(24))
    with pytest.raises(QCAError, match=r"\[0, 1\]"):
        calibrate([1, 2, 3], method="indirect", targets=[0, 0.5, 2])
    with pytest.raises(QCAError, match="one per case"):
        calibrate([1, 2, 3], method="indirect", targets=[0, 1])
    with pytest.warns(UserWarning, match="did not converge"):  # R: glm.fit did not converge
        crisp = calibrate(INCOME, method="indirect", thresholds=[5000])
    assert set(np.unique(crisp)) == {0.0, 1.0}
    with pytest.raises(QCAError, match="vary"):
        calibrate([1, 2, 3], method="indirect", targets=[0.5, 0.5, 0.5])
    with pytest.raises(QCAError, match="fuzzy"):
        calibrate(INCOME, "crisp", method="indirect", thresholds=[5000])


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "anchors",
    [[185, 175, 190], [165, 165, 185], [165, 175, 175], [175, 165, 185]],
)
def test_anchors_out_of_order_error(anchors):
    with pytest.raises(QCAError, match="exclusion < crossover < inclusion") as err:
        calibrate(X, thresholds=anchors)
    assert str(tuple(anchors)).replace(" ", "") in str(err.value).replace(" ", "")


def test_anchor_error_message_text():
    with pytest.raises(QCAError) as err:
        calibrate(X, thresholds=(185, 175, 190))
    assert str(err.value) == (
        "anchors must satisfy exclusion < crossover < inclusion (or the reverse for a "
        "decreasing set); got (185, 175, 190)"
    )


def test_bell_anchors_out_of_order_error():
    with pytest.raises(QCAError, match="e1 < c1 < i1 <= i2 < c2 < e2"):
        calibrate(X, thresholds=[155, 165, 180, 175, 185, 195])


@pytest.mark.parametrize("anchors", [[175], [165, 175], [1, 2, 3, 4], None, "e=1, c=2"])
def test_wrong_number_of_anchors(anchors):
    with pytest.raises(QCAError, match="anchors"):
        calibrate(X, thresholds=anchors)


@pytest.mark.parametrize("cuts", [None, []])
def test_crisp_needs_thresholds(cuts):
    with pytest.raises(QCAError, match="threshold"):
        calibrate(X, "crisp", thresholds=cuts)


@pytest.mark.parametrize(
    "x, match",
    [([1.0, np.nan, 3.0], "missing"), (pd.Series([1.0, None]), "missing"),
     (["a", 1], "numeric"), (pd.Series(["low", "high"]), "numeric"),
     ([1.0, np.inf], "infinite"), ([], "empty"), (np.ones((2, 2)), "1-D"),
     (pd.DataFrame({"a": [1, 2]}), "1-D")],
)
def test_bad_x(x, match):
    with pytest.raises(QCAError, match=match):
        calibrate(x, thresholds=[1, 2, 3])


@pytest.mark.parametrize("idm", [0.5, 1.0, 0.3, 1.2, "high"])
def test_bad_idm(idm):
    with pytest.raises(QCAError, match="idm"):
        calibrate(X, thresholds=[165, 175, 185], idm=idm)


@pytest.mark.parametrize("name", ["below", "above"])
@pytest.mark.parametrize("value", [0, -1, np.inf])
def test_bad_exponents(name, value):
    with pytest.raises(QCAError, match=name):
        calibrate(X, thresholds=[165, 175, 185], logistic=False, **{name: value})


def test_bad_type_and_method():
    with pytest.raises(QCAError, match="type"):
        calibrate(X, "multi", thresholds=[170])
    with pytest.raises(QCAError, match="method"):
        calibrate(X, thresholds=[165, 175, 185], method="ecdf")
    with pytest.raises(QCAError, match="named fuzzy anchors"):
        calibrate(X, thresholds={"e": 1, "c": 2, "x": 3})
    with pytest.raises(QCAError, match="targets"):
        calibrate(X, thresholds=[165, 175, 185], targets=np.zeros(9))
