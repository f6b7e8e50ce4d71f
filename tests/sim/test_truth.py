"""Truth columns match the recipe; outcomes move in the recipe's direction."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qca
import sim
from sim.scenario import load_scenario


@given(seed=st.integers(0, 2**32 - 1), scenario=st.sampled_from(["kbop", "gmbop"]))
@settings(max_examples=20, deadline=None)
def test_truth_columns_match_the_recipe(seed, scenario):
    scen = load_scenario(scenario)
    cohort = sim.simulate(scen, seed=seed)
    truth = cohort[[f"true_{c}" for c in scen.condition_names]]
    truth.columns = list(scen.condition_names)
    expected = qca.evaluate(scen.recipe, truth)
    np.testing.assert_array_equal(cohort.true_recipe.to_numpy(), expected)
    for i, term in enumerate(scen.recipe_expression.terms):
        path = qca.evaluate(qca.Expression((term,)), truth)
        np.testing.assert_array_equal(cohort[f"true_path_{i + 1}"].to_numpy(), path)


def test_cohort_columns_and_metadata():
    scen = load_scenario("kbop")
    cohort = sim.simulate(scen, seed=1)
    assert scen.recipe == "~SBW*INNOV*~CASELOAD + ~INNOV*~WORKLOAD*LONGMEET + WORKLOAD*INNOV*LONGMEET"
    assert scen.observed_conditions == ("SBW", "REFLECT", "SELFEFF", "INNOV", "CASELOAD",
                                        "WORKLOAD", "LONGMEET")
    assert scen.outcome == "SUSTAIN_RATE"
    expected = ["worker_id", "org", *scen.observed_conditions, "n_participants", "n_housed",
                "n_sustained", "SUSTAIN_RATE", *scen.truth_columns]
    assert list(cohort.columns) == expected
    assert len(cohort) == 65
    assert set(scen.calibration_anchors) == {*scen.observed_conditions, scen.outcome}
    for excl, cross, incl in scen.calibration_anchors.values():
        assert excl < cross < incl
    assert (cohort.CASELOAD == cohort.n_participants).all()
    assert (cohort.n_sustained <= cohort.n_housed).all()
    assert (cohort.n_housed <= cohort.n_participants).all()
    assert cohort.n_participants.sum() == scen.programme.n_participants
    rate = np.where(cohort.n_housed > 0, cohort.n_sustained / cohort.n_housed.clip(lower=1), 0)
    np.testing.assert_allclose(cohort.SUSTAIN_RATE, rate)


def test_observed_scores_stay_on_their_scales():
    scen = load_scenario("kbop")
    many = sim.simulate_many(scen, n_reps=20, seed=3)
    for c in scen.conditions:
        if c.kind == "likert":
            col = many[c.name]
            assert col.min() >= c.items * c.scale[0] and col.max() <= c.items * c.scale[1]
        if c.kind == "recorded":
            assert (many[c.name] > 0).all()


@pytest.mark.parametrize("scenario", ["kbop", "gmbop"])
def test_outcome_rates_move_in_the_direction_of_the_recipe(scenario):
    many = sim.simulate_many(scenario, n_reps=40, seed=1)
    means = many.groupby("true_recipe").SUSTAIN_RATE.mean()
    assert means[1] > means[0] + 0.08


def test_no_effect_when_hazard_ratio_is_one():
    many = sim.simulate_many("kbop", n_reps=60, seed=2, recipe_hazard_ratio=1.0)
    means = many.groupby("true_recipe").SUSTAIN_RATE.mean()
    assert abs(means[1] - means[0]) < 0.03


def test_stronger_effect_gives_larger_gap():
    def gap(hr):
        m = sim.simulate_many("kbop", n_reps=40, seed=5, recipe_hazard_ratio=hr)
        means = m.groupby("true_recipe").SUSTAIN_RATE.mean()
        return means[1] - means[0]

    assert gap(0.2) > gap(0.7)


def test_reliability_moves_score_latent_agreement():
    def corr(rel):
        scen = load_scenario("kbop", {"conditions.INNOV.reliability": rel})
        many = sim.simulate_many(scen, n_reps=30, seed=8)
        return np.corrcoef(many.INNOV, many.true_INNOV)[0, 1]

    assert corr(0.95) > corr(0.4) + 0.1


def test_omitted_condition_has_truth_but_no_observed_column():
    cohort = sim.simulate("gmbop", seed=1, conditions__SPECIALIST__measured=False)
    assert "SPECIALIST" not in cohort.columns
    assert "true_SPECIALIST" in cohort.columns
    scen = load_scenario("gmbop", {"conditions.SPECIALIST.measured": False})
    assert scen.omitted_conditions == ("SPECIALIST",)
    assert "SPECIALIST" not in scen.calibration_anchors


@pytest.mark.filterwarnings("ignore::sim.ScenarioWarning")  # rare INNOV: rare paths
def test_prevalence_controls_truth_share():
    many = sim.simulate_many("kbop", n_reps=30, seed=1, conditions__INNOV__prevalence=0.1)
    assert 0.05 < many.true_INNOV.mean() < 0.15


def test_participant_table_is_consistent():
    cohort, parts = sim.simulate("kbop", seed=4, participants=True)
    by_worker = parts.groupby("worker_id").agg(n=("participant_id", "size"),
                                                housed=("housed", "sum"),
                                                sustained=("sustained", "sum"))
    merged = cohort.set_index("worker_id").join(by_worker)
    assert (merged.n.fillna(0) == merged.n_participants).all()
    assert (merged.housed.fillna(0) == merged.n_housed).all()
    assert (merged.sustained.fillna(0) == merged.n_sustained).all()
    assert ((parts.housed == 1) == (parts.housing_week >= 0)).all()
    assert (parts.sustained + parts.failed == parts.housed).all()
    assert (parts.n_meetings == parts.exit_week - parts.referral_week + 1).all()
    assert isinstance(parts, pd.DataFrame)


def test_expected_sustain_rate_matches_large_caseloads():
    scen = load_scenario("kbop", {"referrals_per_worker": 200, "n_workers": 300})
    many = sim.simulate_many(scen, n_reps=3, seed=1)
    sums = many.groupby("true_recipe")[["n_sustained", "n_housed"]].sum()
    rate = sums.n_sustained / sums.n_housed
    assert abs(rate[0] - scen.expected_sustain_rate(0.0)) < 0.01
    assert abs(rate[1] - scen.expected_sustain_rate(1.0)) < 0.01
    rates = [scen.expected_sustain_rate(m) for m in np.linspace(0, 1, 5)]
    assert np.all(np.diff(rates) > 0)
    null = scen.with_overrides({"recipe_hazard_ratio": 1.0})
    assert null.expected_sustain_rate(0.0) == pytest.approx(null.expected_sustain_rate(1.0))
