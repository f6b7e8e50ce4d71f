"""Bad input gets one clear QCAError naming the problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import qca
import qca.primes


@pytest.fixture
def data():
    return pd.DataFrame({"A": [0, 1, 1, 0], "B": [1, 1, 0, 0], "Y": [0, 1, 1, 0]})


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (lambda d: d.assign(A=[0, np.nan, 1, 0]), {}, "'A' has 1 missing value"),
        (lambda d: d.assign(A=["x", "y", "z", "w"]), {}, "'A' is not numeric"),
        (lambda d: d.assign(A=[0, 1.5, 1, 0]), {}, "outside \\[0, 1\\]"),
        (lambda d: d.assign(A=[0, -1, 1, 0]), {}, "negative values"),
        (lambda d: d.assign(Y=[0, 1.2, 0.5, 0]), {}, "outcome column 'Y'"),
        (lambda d: d, {"conditions": ["A", "Z"]}, "unknown column\\(s\\) 'Z'"),
        (lambda d: d, {"conditions": ["A", "A"]}, "more than once: A"),
        (lambda d: d, {"conditions": []}, "at least one condition"),
        (lambda d: d, {"incl_cut": 1.2}, "incl_cut must be in \\[0, 1\\]"),
        (lambda d: d, {"incl_cut": (0.7, 0.9)}, "ic0 <= ic1"),
        (lambda d: d, {"n_cut": 0}, "n_cut must be"),
        (lambda d: d, {"pri_cut": -0.1}, "pri_cut must be in"),
        (lambda d: d, {"exclude": [99]}, "exclude: row numbers"),
        (lambda d: d, {"conditions": ["A", "Y"]}, "also listed among the conditions"),
    ],
)
def test_truth_table_rejects(data, change, kwargs, message):
    kwargs = {"conditions": ["A", "B"], **kwargs}
    with pytest.raises(qca.QCAError, match=message):
        qca.truth_table(change(data), "Y", **kwargs)


def test_too_many_conditions():
    d = pd.DataFrame(np.zeros((3, 32), dtype=int), columns=[f"C{i}" for i in range(31)] + ["Y"])
    with pytest.raises(qca.QCAError, match="too many conditions: 31 given, at most 30"):
        qca.truth_table(d, "Y")


def test_unknown_outcome(data):
    with pytest.raises(qca.QCAError, match="outcome: unknown column\\(s\\) 'Q'"):
        qca.truth_table(data, "Q")


def test_malformed_outcome(data):
    with pytest.raises(qca.QCAError, match="cannot parse"):
        qca.truth_table(data, "Y*")


def test_duplicate_column_names():
    d = pd.DataFrame([[0, 1, 1], [1, 0, 0]], columns=["A", "A", "Y"])
    with pytest.raises(qca.QCAError, match="duplicate column names: A"):
        qca.truth_table(d, "Y")


def test_half_membership_warns():
    d = pd.DataFrame({"A": [0.5, 0.9, 0.1], "Y": [0.6, 0.8, 0.2]})
    with pytest.warns(UserWarning, match="exactly 0.5"):
        tt = qca.truth_table(d, "Y", incl_cut=0.8)
    assert tt.rows["n"].sum() == 2


def test_no_positive_rows(data):
    tt = qca.truth_table(data.assign(Y=0), "Y", ["A", "B"])
    with pytest.raises(qca.QCAError, match="no truth-table row has OUT = 1"):
        qca.minimize(tt)


def test_bad_include_and_max_models(data):
    tt = qca.truth_table(data, "Y", ["A", "B"])
    with pytest.raises(qca.QCAError, match="include may contain"):
        qca.minimize(tt, include="x")
    with pytest.raises(qca.QCAError, match="max_models"):
        qca.minimize(tt, max_models=0)
    with pytest.raises(qca.QCAError, match="needs a TruthTable"):
        qca.minimize(data)


def test_multivalue_outcome_needs_a_level():
    d = pd.DataFrame({"A": [0, 1, 1, 0], "Y": [0, 2, 1, 0]})
    with pytest.raises(qca.QCAError, match="name the level"):
        qca.truth_table(d, "Y")
    tt = qca.truth_table(d, "Y[2]")
    assert tt.rows["OUT"].tolist() == ["0", "0"]


@pytest.mark.parametrize("text", ["A**B", "(A+B", "A B", "", "A[x]", "A+", "~"])
def test_malformed_expressions(text):
    with pytest.raises(qca.ExpressionError, match="cannot parse expression"):
        qca.parse(text)


def test_expression_with_unknown_condition(data):
    with pytest.raises(qca.ExpressionError, match="unknown condition\\(s\\) 'Z'"):
        qca.evaluate("A*Z", data)


def test_array_entry_point_matches_dataframe_path():
    from qca.truth_table import truth_table_from_arrays

    rng = np.random.default_rng(3)
    x, y = rng.uniform(size=(40, 4)), rng.uniform(size=40)
    d = pd.DataFrame(np.c_[x, y], columns=["A", "B", "C", "D", "Y"])
    a = truth_table_from_arrays(x, y, ["A", "B", "C", "D"], incl_cut=0.7)
    b = qca.truth_table(d, "Y", incl_cut=0.7)
    pd.testing.assert_frame_equal(a.rows, b.rows)
    with pytest.raises(qca.QCAError, match="'B' has 1 missing value"):
        truth_table_from_arrays(np.where(x == x[3, 1], np.nan, x), y, ["A", "B", "C", "D"])
    with pytest.raises(qca.QCAError, match="shape"):
        truth_table_from_arrays(x, y, ["A", "B"])


def test_minimize_options_pi_cons_sol_cons_row_dom_all_sol():
    d = pd.read_csv(
        __import__("pathlib").Path(__file__).parents[1] / "data" / "reference" / "datasets" / "LM.csv",
        index_col="case",
    )
    tt = qca.truth_table(d, "SURV", ["DEV", "URB", "LIT", "IND", "STB"])
    base = qca.minimize(tt, include="?")
    assert base.n_models == 3
    everything = qca.minimize(tt, include="?", all_sol=True)
    assert {str(m) for m in base.models} <= {str(m) for m in everything.models}
    for m in everything.models:  # irredundant: dropping any term uncovers a positive row
        for i in range(len(m.terms)):
            rest = np.delete(m.cubes, i, axis=0)
            assert not qca.primes.covers(rest, tt.configs_with("1")).any(axis=0).all()
    dom = qca.minimize(tt, include="?", row_dom=True)
    assert dom.n_models >= 1 and len(dom.prime_implicants) <= len(base.prime_implicants)
    assert qca.minimize(tt, include="?", sol_cons=0.99).n_models == 3
    with pytest.raises(qca.QCAError, match="pi_cons must be in"):
        qca.minimize(tt, pi_cons=2)
    with pytest.raises(qca.QCAError, match="not available with an intermediate"):
        qca.minimize(tt, include="?", dir_exp=["DEV"], all_sol=True)


def test_cover_search_budget_reports_a_lower_bound():
    from qca.cover import minimum_covers

    chart = np.eye(12, dtype=bool).repeat(2, axis=0)  # 24 implicants, 2 per row: 2^12 minimum covers
    full = minimum_covers(chart, max_models=5)
    assert full.size == 12 and full.n_covers == 4096 and full.counted_all and not full.complete
    # Independent rows are counted block by block (2^12 without search); a budget on one
    # connected block gives a lower bound: implicants 2i and 2i+1 cover rows i and i+1 of a ring
    # of 12 rows, so a minimum cover takes 6 of them: 2 phases x 2^6 choices = 128 covers.
    ring = np.zeros((24, 12), dtype=bool)
    for i in range(12):
        ring[[2 * i, 2 * i + 1], i] = ring[[2 * i, 2 * i + 1], (i + 1) % 12] = True
    exact = minimum_covers(ring, max_models=5)
    capped = minimum_covers(ring, max_models=5, max_nodes=5)
    assert exact.counted_all and exact.n_blocks == 1 and exact.n_covers == 128 and exact.size == 6
    assert not capped.complete and not capped.counted_all and 1 <= capped.n_covers < exact.n_covers
    assert capped.stopped_by == "max_nodes" and capped.covers
