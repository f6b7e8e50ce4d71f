"""Cases where R gave no answer (time-outs) or a known-wrong one (n_cut > 1 with ic0 < ic1):
the models are checked by their properties instead (implicants, primes, coverage, minimality)."""

from __future__ import annotations

import warnings

import pytest

import qca

from .properties import check_solution
from .reference import all_cases, answer, truth_table

NO_ANSWER = [(s, c) for s, c in all_cases() if answer(s, c["id"]) is None]


@pytest.mark.parametrize(("subset", "case"), NO_ANSWER, ids=[c["id"] for _, c in NO_ANSWER])
@pytest.mark.parametrize("include", [(), ("?",)], ids=["conservative", "parsimonious"])
def test_models_have_the_defining_properties(subset, case, include):
    tt = truth_table(subset, case)
    if (tt.rows["OUT"] == "1").sum() == 0:
        with pytest.raises(qca.QCAError):
            qca.minimize(tt, include=include)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some have thousands of tied models: listing is capped
        sol = qca.minimize(tt, include=include, max_models=200)
    assert sol.complete or (len(sol.models) == 200 and sol.n_models > 200)
    check_solution(tt, sol, include)


def test_n_cut_rule_on_a_case_r_mislabels():
    """R 3.25 labels rows below n_cut "C" when ic0 < ic1; the documented rule makes them "?"."""
    subset, case = next((s, c) for s, c in NO_ANSWER if answer(s, c["id"], bug=True) is not None)
    tt = truth_table(subset, case)
    below = tt.rows[tt.rows["n"] < case["n_cut"]]
    assert (below["OUT"] == "?").all()
    kept = tt.rows[tt.rows["n"] >= case["n_cut"]]
    assert not (kept["OUT"] == "?").any()
