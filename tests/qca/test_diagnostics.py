"""Tests for qca.diagnostics (R's findRows, ESA, row dominance)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import qca
from qca import QCAError
from qca.diagnostics import (
    esa,
    find_rows,
    remainder_rows,
    row_dominance,
    simplifying_assumptions,
)
from qca.truth_table import row_configs

DATA = Path(__file__).resolve().parents[1] / "data" / "reference" / "datasets"


@pytest.fixture(scope="module")
def lf() -> pd.DataFrame:
    return pd.read_csv(DATA / "LF.csv").set_index("case")


@pytest.fixture(scope="module")
def tt(lf) -> qca.TruthTable:
    return qca.truth_table(lf, "SURV", incl_cut=0.8)


def test_csa_lipset_known_answer(tt):
    # R QCA 3.25: findRows(obj = truthTable(LF, SURV, incl.cut = 0.8), type = 2)
    assert find_rows(tt, type=2) == [10, 12, 14, 16, 17, 21, 25, 29]
    assert find_rows(tt, type="csa") == [10, 12, 14, 16, 17, 21, 25, 29]


def test_csa_symmetric_for_negated_outcome(lf):
    neg = qca.truth_table(lf, "~SURV", incl_cut=0.8)
    assert find_rows(neg, type=2) == [10, 12, 14, 16, 17, 21, 25, 29]


def test_subset_rows(tt):
    rows = find_rows(tt, "~DEV*STB")
    cfg = row_configs(np.asarray(rows), tt.levels)
    assert (cfg[:, 0] == 0).all() and (cfg[:, 4] == 1).all()
    assert set(rows).isdisjoint(set(tt.rows.index[tt.rows["OUT"] != "?"]))
    with_obs = find_rows(tt, "~DEV*STB", observed=True)
    assert set(rows) < set(with_obs)
    assert len(with_obs) == 8  # 2^3 configurations inside a 2-literal term of 5 conditions


def test_ssr_and_union(tt):
    assert find_rows(tt, type=3) == []
    union = find_rows(tt, "~DEV*STB", type=0)
    assert set(union) == set(find_rows(tt, "~DEV*STB")) | set(find_rows(tt, type=2))


def test_ssr_detected():
    # Row A=1,B=1 is perfectly consistent with Y and ~Y at a low cut-off.
    d = pd.DataFrame({"A": [1, 1, 0, 0], "B": [1, 1, 0, 1], "Y": [1, 0, 0, 1]})
    t = qca.truth_table(d, "Y", incl_cut=0.5)
    assert find_rows(t, type=3) == [4]


def test_simplifying_assumptions_are_remainders(tt):
    sol = qca.minimize(tt, include="?")
    sa = simplifying_assumptions(sol)
    assert set(sa) <= set(remainder_rows(tt))
    assert len(sa) > 0
    with pytest.raises(QCAError):
        simplifying_assumptions(sol, model=5)


def test_esa_excludes_remainders(tt):
    new = esa(tt, csa=True)
    assert new.exclude == frozenset({10, 12, 14, 16, 17, 21, 25, 29})
    assert new.outcome == tt.outcome
    pd.testing.assert_frame_equal(new.rows, tt.rows)
    sol = qca.minimize(new, include="?")
    assert set(simplifying_assumptions(sol)).isdisjoint(new.exclude)
    by_expr = esa(tt, "~DEV*STB")
    assert by_expr.exclude == frozenset(find_rows(tt, "~DEV*STB"))
    with pytest.raises(QCAError, match="observed"):
        esa(tt, [int(tt.rows.index[0])])
    with pytest.raises(QCAError, match="between"):
        esa(tt, [0])


def test_esa_negated_outcome_label(lf):
    t = qca.truth_table(lf, "~SURV", incl_cut=0.8)
    new = esa(t, [10])
    assert new.outcome == "~SURV"
    np.testing.assert_allclose(new.outcome_membership, t.outcome_membership)
    pd.testing.assert_frame_equal(new.rows, t.rows)


def test_errors(tt):
    with pytest.raises(QCAError, match="expression"):
        find_rows(tt)
    with pytest.raises(QCAError, match="type"):
        find_rows(tt, type=7)
    with pytest.raises(QCAError, match="unknown"):
        find_rows(tt, "NOPE*DEV")
    with pytest.raises(QCAError, match="TruthTable"):
        find_rows("tt")  # type: ignore[arg-type]


def test_multivalue_subset_rows():
    d = pd.read_csv(DATA / "LM.csv").set_index("case")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = qca.truth_table(d, "SURV", incl_cut=1)
    rows = find_rows(t, "DEV[2]*URB[1]", observed=True)
    cfg = row_configs(np.asarray(rows), t.levels)
    j_dev, j_urb = t.conditions.index("DEV"), t.conditions.index("URB")
    assert (cfg[:, j_dev] == 2).all() and (cfg[:, j_urb] == 1).all()


def test_row_dominance():
    # Parsimonious solution of a small crisp table with a dominated prime implicant.
    d = pd.DataFrame(
        {"A": [1, 1, 0, 0, 1], "B": [1, 0, 1, 0, 1], "C": [0, 0, 0, 1, 1], "Y": [1, 1, 1, 0, 1]}
    )
    sol = qca.minimize(qca.truth_table(d, "Y"), include="?")
    dom = row_dominance(sol)
    chart = sol.pi_chart
    for p in dom:
        row = chart.loc[p].to_numpy()
        others = chart.drop(index=p).to_numpy()
        assert ((others | ~row) .all(axis=1)).any()
    assert set(dom) <= set(sol.prime_implicants)
    with pytest.raises(QCAError):
        row_dominance("x")  # type: ignore[arg-type]


def test_row_dominance_synthetic_chart(tt):
    import dataclasses

    sol = qca.minimize(tt, include="?")
    chart = pd.DataFrame(
        [[True, True, False], [True, False, False], [True, True, False], [False, False, True]],
        index=["P1", "P2", "P3", "P4"],
        columns=[1, 2, 3],
    )
    fake = dataclasses.replace(sol, prime_implicants=("P1", "P2", "P3", "P4"))
    fake.__dict__["pi_chart"] = chart  # pi_chart is computed lazily; pin a synthetic one
    assert row_dominance(fake) == ["P2", "P3"]
