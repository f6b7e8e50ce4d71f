"""Fuzz of the public API (issue #22, item 14): whatever it is given, a public function returns
or raises a :class:`qca.QcasimError` subclass, never another exception.

Arguments are drawn from well-formed values and from hostile ones (wrong types, NaN, infinity,
negative or huge numbers, odd strings, deep nesting), and data frames mix crisp, multi-value,
fuzzy and invalid columns. Slow: run with ``make slow``.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qca
from qca import QcasimError

pytestmark = pytest.mark.slow

NAMES = ["A", "B", "C", "Y"]
_cell = st.one_of(st.sampled_from([0, 1]), st.integers(0, 3), st.floats(0, 1),
                  st.sampled_from([math.nan, math.inf, -1.0, 2.5]), st.just("x"), st.none())
_scalar = st.one_of(st.none(), st.booleans(), st.integers(-3, 5), st.integers(2**62, 2**64),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                    st.sampled_from(["A", "Y", "A*B", "~A + B", "A*~A", "A -> Y", "(" * 50,
                                     "A[1]", "~(A + B)*C", "", " ", "Y <- A", "fuzzy", "crisp",
                                     "?", "direct", "auto", "1", "0"]))
_arg = st.one_of(_scalar, st.lists(_scalar, max_size=4), st.dictionaries(st.text(max_size=3),
                                                                          _scalar, max_size=2))


@st.composite
def frames(draw, clean: bool = False):
    n = draw(st.integers(1, 12))
    k = draw(st.integers(1, 4))
    cols = {}
    for name in NAMES[:k - 1] + ["Y"]:
        if clean:
            kind = draw(st.sampled_from(["crisp", "fuzzy", "mv"]))
            gen = {"crisp": st.sampled_from([0, 1]), "fuzzy": st.floats(0, 1),
                   "mv": st.integers(0, 2)}[kind]
        else:
            gen = _cell
        cols[name] = draw(st.lists(gen, min_size=n, max_size=n))
    return pd.DataFrame(cols)


def _only_qcasim_errors(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(*args, **kwargs)
        except QcasimError:
            pass


_SETTINGS = settings(max_examples=300, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@_SETTINGS
@given(text=st.one_of(st.text(alphabet="AB~*+()[]0123,-> \t", max_size=40), _arg),
       conditions=st.one_of(st.none(), st.lists(st.sampled_from(NAMES), max_size=3), _arg))
def test_parse(text, conditions):
    _only_qcasim_errors(qca.parse, text, conditions=conditions)


@_SETTINGS
@given(data=frames(), setms=_arg, outcome=_arg, relation=_arg)
def test_pof(data, setms, outcome, relation):
    _only_qcasim_errors(qca.pof, setms, outcome, data=data, relation=relation)


@_SETTINGS
@given(x=st.one_of(st.lists(st.one_of(st.floats(allow_nan=True), st.integers(-5, 5)),
                            max_size=10), _arg),
       type_=_arg, thresholds=st.one_of(st.lists(st.floats(allow_nan=True), max_size=6), _arg),
       method=_arg)
def test_calibrate(x, type_, thresholds, method):
    _only_qcasim_errors(qca.calibrate, x, type_, thresholds, method=method)


@_SETTINGS
@given(data=st.one_of(frames(), frames(clean=True)), outcome=_arg, conditions=_arg,
       incl_cut=_arg, n_cut=_arg, pri_cut=_arg)
def test_truth_table(data, outcome, conditions, incl_cut, n_cut, pri_cut):
    _only_qcasim_errors(qca.truth_table, data, outcome, conditions=conditions, incl_cut=incl_cut,
                        n_cut=n_cut, pri_cut=pri_cut)


@_SETTINGS
@given(data=frames(clean=True), include=_arg, dir_exp=_arg, max_models=_arg, method=_arg,
       incl_cut=st.floats(0, 1))
def test_minimize(data, include, dir_exp, max_models, method, incl_cut):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tt = qca.truth_table(data, "Y", incl_cut=incl_cut)
    except QcasimError:
        return
    _only_qcasim_errors(qca.minimize, tt, include=include, dir_exp=dir_exp,
                        max_models=max_models, method=method, time_limit=1.0)


@_SETTINGS
@given(data=st.one_of(frames(), frames(clean=True)), outcome=_arg, con=_arg, cov=_arg,
       maxstep=_arg, type_=_arg)
def test_cna(data, outcome, con, cov, maxstep, type_):
    _only_qcasim_errors(qca.cna, data, outcome=outcome, con=con, cov=cov, maxstep=maxstep,
                        type=type_)


@_SETTINGS
@given(data=st.one_of(frames(), frames(clean=True)), outcome=_arg, conditions=_arg,
       relation=_arg, incl_cut=_arg, depth=_arg)
def test_superset(data, outcome, conditions, relation, incl_cut, depth):
    _only_qcasim_errors(qca.superset, data, outcome, conditions=conditions, relation=relation,
                        incl_cut=incl_cut, depth=depth)


def test_fuzz_frames_are_varied():
    """The strategy draws crisp, fuzzy, multi-value and invalid columns (a sanity check)."""
    ex = frames(clean=True).example()
    assert isinstance(ex, pd.DataFrame) and "Y" in ex.columns and np.isfinite(
        ex.to_numpy(dtype=float)).all()
