"""The hard minimization cases of Dusa (2018, "Consistency cubes"), with R's QCA 3.25 answers.

For 10 and 16 conditions the prime implicants and the tied models are exactly R's. For 20 and 25
conditions R's search stops before it has generated every prime implicant (282 of 1931 and 63
of 703): the models are the same at 20 conditions, and at 25 conditions we find R's 9 models
plus 3 more single-implicant models that R never reached; the checks below verify that those
are genuine minimal models.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import qca
from qca.primes import prime_implicants

from .properties import check_solution
from .reference import REFERENCE, model_set

CASES = {  # file stem: (R's prime implicants, R's models, ours)
    "ccubes_10cond_10rows": (25, 6, 25),
    "ccubes_16cond_10rows": (201, 50, 201),
    "ccubes_20cond_20rows": (282, 7, 1931),
    "ccubes_25cond_10rows": (63, 9, 703),
}


def _solve(stem):
    d = pd.read_csv(REFERENCE / "ccubes" / f"{stem}.csv")
    tt = qca.truth_table(d, d.columns[-1], list(d.columns[:-1]), incl_cut=1)
    return tt, qca.minimize(tt, include="?")


def _r_models(stem):
    lines = (REFERENCE / "ccubes" / f"{stem}.models.txt").read_text().splitlines()
    return {model_set(line.split(" + ")) for line in lines if line.strip()}


@pytest.mark.parametrize("stem", list(CASES))
def test_ccubes_models(stem):
    r_pis, r_models, our_pis = CASES[stem]
    tt, sol = _solve(stem)
    ours = {model_set(m.terms) for m in sol.models}
    expected = _r_models(stem)
    assert len(expected) == r_models
    assert len(sol.prime_implicants) == our_pis
    if r_pis == our_pis:
        assert ours == expected
    else:
        assert expected <= ours
        check_solution(tt, sol, ("?",))


def test_ccubes_25_extra_models_are_single_implicants_covering_every_positive_row():
    tt, sol = _solve("ccubes_25cond_10rows")
    extra = {model_set(m.terms) for m in sol.models} - _r_models("ccubes_25cond_10rows")
    assert {frozenset(next(iter(m))) for m in extra} == {
        frozenset({"~D", "K", "M"}),
        frozenset({"~D", "K", "U"}),
        frozenset({"~E", "U", "Y"}),
    }
    data = pd.read_csv(REFERENCE / "ccubes" / "ccubes_25cond_10rows.csv")
    for model in extra:
        term = " * ".join(next(iter(model)))
        member = qca.evaluate(term, data) == 1
        assert (member == (data["Z"] == 1)).all()


def test_dense_and_hitting_set_primes_agree_on_ccubes_10():
    d = pd.read_csv(REFERENCE / "ccubes" / "ccubes_10cond_10rows.csv")
    tt = qca.truth_table(d, "K", list(d.columns[:-1]), incl_cut=1)
    on, off = tt.configs_with("1"), tt.configs_with("0")
    a = prime_implicants(on, off, tt.levels, "dont_care", method="dense")
    b = prime_implicants(on, off, tt.levels, "dont_care", method="hitting")
    assert np.array_equal(a, b) and a.shape[0] == 25
