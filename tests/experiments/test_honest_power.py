"""Issue #19: power and MDE verdicts decided from evidence."""

import re

import pandas as pd

from experiments.power import answers_from_frame, effect_from_curve, power_from_curve

NS = [15, 30, 65, 130, 250]


def _curve(rates, reps=40):
    return pd.DataFrame({"n_workers": NS, "n": [reps] * len(NS), "rate": rates,
                         "low": 0.0, "high": 1.0})


def _frame(successes_at: dict[int, int], reps: int = 10) -> pd.DataFrame:
    rows = []
    for n in NS:
        for r in range(reps):
            rows.append({"n_workers": n, "rep": r, "parsimonious.status": "ok",
                         "parsimonious.any_exact": r < successes_at.get(n, 0)})
    return pd.DataFrame(rows)


def test_zero_successes_with_a_non_empty_ceiling_is_never_never():
    base = {"scenario": "kbop", "cal_type": "crisp", "incl_cut": 0.6, "solutions": ["parsimonious"]}
    for successes in ({}, {30: 1}):         # none, and one chance success
        (ans,) = answers_from_frame(_frame(successes), "n_workers", [], "any_exact",
                                    "parsimonious", 0.8, base, n_population=20_000, n_boot=10)
        text = ans.summary("any_exact", "parsimonious")
        assert "never" not in text.lower(), text
        assert ans.result.status == "no_success" and not ans.result.reachable
        assert "no success observed" in text and "extend the grid" in text
        assert "Recoverable at large N" in text


def test_no_success_without_population_evidence_or_with_an_empty_one():
    r = power_from_curve(_curve([0.0] * 5), 0.8)
    assert r.status == "no_success" and "never" not in r.verdict()
    assert r.with_population(False).verdict().startswith("never")
    assert r.with_population(None).status == "no_success"


def test_target_met_at_the_smallest_n_is_at_most_n_min():
    r = power_from_curve(_curve([0.9, 0.95, 1.0, 1.0, 1.0]), 0.8)
    v = r.verdict()
    assert r.status == "at_minimum" and v.startswith("N <= 15 reaches 80 %"), v
    assert r.n_required == 15
    assert "not reached to not reached" not in v
    numbers = [int(x) for x in re.findall(r"N = (\d+)", v)] + [int(x) for x in
                                                               re.findall(r"N <= (\d+)", v)]
    assert numbers and min(numbers) >= 15


def test_bounds_are_never_below_the_grid():
    r = power_from_curve(_curve([0.55, 0.85, 0.95, 1.0, 1.0], reps=20), 0.8)
    v = r.verdict()
    for x in re.findall(r"(?<![<>] )\b(\d+)\b to", v):
        assert int(x) >= 15, v
    assert r.status in ("reached", "at_minimum")


def test_effect_met_at_the_weakest_effect_and_not_within_the_grid():
    hr = [0.9, 0.7, 0.4, 0.2, 0.1]
    curve = pd.DataFrame({"recipe_hazard_ratio": hr, "n": [50] * 5,
                          "rate": [0.9, 0.95, 1.0, 1.0, 1.0], "low": 0.0, "high": 1.0})
    r = effect_from_curve(curve, 0.8)
    assert r.status == "at_minimum" and "the grid's weakest effect" in r.verdict()
    weak = curve.assign(rate=[0.0, 0.0, 0.05, 0.1, 0.2])
    r = effect_from_curve(weak, 0.8)
    assert r.status == "not_within_grid" and "never" not in r.verdict()


def test_mde_works_on_boolean_scenarios(tmp_path):
    from experiments.power import OUTCOME_GAP, mde_experiment
    from experiments.runner import run_experiment
    from experiments.store import Store

    base = {"cal_type": "crisp", "incl_cut": 0.8, "solutions": ["parsimonious"],
            "reliability": 1.0, "overrides": {"outcome_sd": 0.05}}
    exp, variable = mde_experiment("boolean:A*B + ~C*D", 80, [0.02, 0.1, 0.25], replications=6,
                                   seed=2, base=base)
    assert variable == OUTCOME_GAP
    with Store(tmp_path / "q.db") as store:
        run_experiment(exp, store, backend="serial", progress=False)
        frame = store.frame(exp.name)
    (ans,) = answers_from_frame(frame, variable, [], "any_exact", "parsimonious", 0.8,
                                {"scenario": "boolean:A*B + ~C*D", **base}, n_population=5_000,
                                n_boot=10)
    curve = ans.result.curve
    assert list(curve["value"]) == [0.02, 0.1, 0.25]
    assert curve["rate"].iloc[-1] >= curve["rate"].iloc[0]
    assert "outcome_gap" in ans.result.verdict()


def test_few_successes_that_all_meet_the_target_at_the_smallest_n():
    # 4 of 4 at a single N: too few to fit, yet every one a success: "<= N_min", not
    # "no success observed (4 in 4 replications)".
    one = pd.DataFrame({"n_workers": [65], "n": [4], "rate": [1.0], "low": [0.4], "high": [1.0]})
    r = power_from_curve(one, 0.8)
    assert r.status == "at_minimum" and "no success" not in r.verdict(), r.verdict()


def test_a_ceiling_hint_inside_the_grid_is_not_printed():
    r = power_from_curve(_curve([0.0] * 5), 0.8).with_population(True, "", 100.0)
    assert "about n_workers = 100" not in r.verdict() and "extend the grid" in r.verdict()
    r = power_from_curve(_curve([0.0] * 5), 0.8).with_population(True, "", 5000.0)
    assert "about n_workers = 5,000" in r.verdict() or "about n_workers = 5000" in r.verdict()
