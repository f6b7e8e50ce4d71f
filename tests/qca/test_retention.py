"""qca.retention (Thiem, Spöhel & Dusa 2016) against brute-force enumeration of perturbations."""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pandas as pd
import pytest

import qca
from qca import datasets
from qca.robustness import _solution_key


def _key(d: pd.DataFrame, include=None, incl_cut=1.0, n_cut=1):
    try:
        tt = qca.truth_table(d, "SURV", incl_cut=incl_cut, n_cut=n_cut)
        return _solution_key(qca.minimize(tt, include=include))
    except qca.QCAError:
        return None


@pytest.fixture(scope="module")
def lc() -> pd.DataFrame:
    return datasets.load("LC")


@pytest.mark.parametrize(("n_pert", "include", "n_cut"), [(1, None, 1), (2, "?", 1), (1, None, 2)])
def test_deletion_dpa_equals_enumeration(lc, n_pert, include, n_cut):
    base = _key(lc, include, n_cut=n_cut)
    same = sum(
        _key(lc.drop(index=lc.index[list(drop)]), include, n_cut=n_cut) == base
        for drop in itertools.combinations(range(len(lc)), n_pert)
    )
    expected = same / comb(len(lc), n_pert)
    got = qca.retention(lc, "SURV", type="deletion", include=include, n_cut=n_cut, n_pert=n_pert)
    assert got == pytest.approx(expected, abs=1e-12)
    if (n_pert, include) == (2, "?"):
        assert 0 < got < 1  # the parsimonious solution does not survive every double deletion


def test_deletion_ipa_equals_enumeration():
    d = datasets.load("LC").iloc[:7]
    p = 0.2
    base = _key(d)
    expected = 0.0
    for mask in itertools.product([False, True], repeat=len(d)):
        k = sum(mask)
        if _key(d[~np.array(mask)]) == base:
            expected += p**k * (1 - p) ** (len(d) - k)
    got = qca.retention(d, "SURV", type="deletion", dependent=False, p_pert=p)
    assert got == pytest.approx(expected, abs=1e-12)


def _flipped(d: pd.DataFrame, cells, flips) -> pd.DataFrame:
    e = d.copy()
    for (i, c), f in zip(cells, flips):
        if f:
            e.iloc[i, e.columns.get_loc(c)] = 1 - e.iloc[i, e.columns.get_loc(c)]
    return e


def test_corruption_dpa_equals_enumeration_and_ipa_simulation_is_close():
    d = datasets.load("LC").iloc[[0, 1, 4, 9, 12]][["DEV", "STB", "SURV"]]
    base = _key(d)
    cells = [(i, c) for i in range(len(d)) for c in ["DEV", "STB"]]
    patterns = [f for f in itertools.product([0, 1], repeat=len(cells)) if sum(f) in (1, 2)]
    same = {flips: _key(_flipped(d, cells, flips)) == base for flips in patterns}
    one = [f for f in patterns if sum(f) == 1]
    assert qca.retention(d, "SURV", type="corruption", target="conditions", n_pert=1) == pytest.approx(
        sum(same[f] for f in one) / len(one)
    )
    two = [f for f in patterns if sum(f) == 2]
    assert qca.retention(d, "SURV", type="corruption", target="conditions", n_pert=2) == pytest.approx(
        sum(same[f] for f in two) / len(two)
    )
    kw = {"type": "corruption", "target": "conditions", "dependent": False, "p_pert": 0.15, "n_sim": 40,
          "seed": 3}
    assert qca.retention(d, "SURV", **kw) == qca.retention(d, "SURV", **kw)


@pytest.mark.slow
def test_corruption_ipa_simulation_is_close_to_enumeration():
    d = datasets.load("LC").iloc[[0, 1, 4, 9, 12]][["DEV", "STB", "SURV"]]
    base = _key(d)
    cells = [(i, c) for i in range(len(d)) for c in ["DEV", "STB"]]
    p = 0.15
    exact = sum(
        p ** sum(f) * (1 - p) ** (len(cells) - sum(f))
        for f in itertools.product([0, 1], repeat=len(cells))
        if _key(_flipped(d, cells, f)) == base
    )
    est = qca.retention(
        d, "SURV", type="corruption", target="conditions", dependent=False, p_pert=p, n_sim=1000, seed=3
    )
    assert abs(est - exact) < 4 * 0.5 / np.sqrt(1000)


def test_retention_edge_cases_and_errors(lc):
    assert qca.retention(lc, "SURV", n_pert=0) == 1.0
    assert qca.retention(lc, "SURV", type="deletion", n_pert=0) == 1.0
    assert qca.retention(lc, "SURV", dependent=False, p_pert=0.0) == pytest.approx(1.0)
    assert qca.retention(lc, "SURV", type="deletion", dependent=False, p_pert=0.0) == pytest.approx(1.0)
    with pytest.raises(qca.QCAError, match="seed"):
        qca.retention(lc, "SURV", type="corruption", target="conditions", dependent=False)
    with pytest.raises(qca.QCAError, match="target must be"):
        qca.retention(lc, "SURV", target="cases")
    with pytest.raises(qca.QCAError, match="bivalent crisp"):
        qca.retention(datasets.load("LF"), "SURV")
    with pytest.raises(qca.QCAError, match="type must be"):
        qca.retention(lc, "SURV", type="noise")
    with pytest.raises(qca.QCAError, match="exceeds"):
        qca.retention(lc, "SURV", type="deletion", n_pert=40)


def _flip_outcome(d: pd.DataFrame, rows) -> pd.DataFrame:
    e = d.copy()
    idx = e.index[list(rows)]
    e.loc[idx, "SURV"] = 1 - e.loc[idx, "SURV"]
    return e


@pytest.mark.parametrize(("n_pert", "incl_cut"), [(1, 1.0), (2, 1.0), (2, 0.75)])
def test_outcome_corruption_dpa_equals_enumeration(lc, n_pert, incl_cut):
    base = _key(lc, incl_cut=incl_cut)
    sets = list(itertools.combinations(range(len(lc)), n_pert))
    same = sum(_key(_flip_outcome(lc, f), incl_cut=incl_cut) == base for f in sets)
    got = qca.retention(lc, "SURV", incl_cut=incl_cut, n_pert=n_pert)  # R's default: outcome corruption
    assert got == pytest.approx(same / len(sets), abs=1e-12)
    assert 0 < got < 1


def test_outcome_corruption_ipa_equals_enumeration():
    d = datasets.load("LC").iloc[:8]
    p = 0.1
    base = _key(d)
    expected = 0.0
    for mask in itertools.product([False, True], repeat=len(d)):
        if _key(_flip_outcome(d, np.flatnonzero(mask))) == base:
            expected += p ** sum(mask) * (1 - p) ** (len(d) - sum(mask))
    got = qca.retention(d, "SURV", dependent=False, p_pert=p)
    assert got == pytest.approx(expected, abs=1e-12)


#: Hug's (2013) data as printed by Thiem, Spöhel & Dusa (2016, Table 1) and Dusa (2019, p. 234):
#: P, U, C, S and the outcome W for 16 democracies.
HUG = pd.DataFrame(
    [[1, 1, 1, 1, 1]] * 5 + [[0, 0, 0, 0, 0]] * 4 + [[0, 0, 1, 0, 0]] * 3
    + [[0, 0, 0, 1, 0], [0, 1, 0, 0, 0], [0, 1, 1, 1, 1], [1, 1, 1, 0, 1]],
    columns=["P", "U", "C", "S", "W"],
)


def test_outcome_corruption_reproduces_r_output_printed_by_dusa():
    got = qca.retention(HUG, "W", dependent=False, p_pert=0.025)
    assert round(got, 7) == 0.7962228  # R's retention(), Dusa (2019), QCA with R, section 10.4
