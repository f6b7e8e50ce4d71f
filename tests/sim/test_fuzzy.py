"""Fuzzy truth: graded memberships, fuzzy recipe membership, effect scaling with membership."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qca
import sim
from sim import load_scenario

FUZZY = load_scenario("kbop", {"truth": "fuzzy"})


def _truth(cohort, scen):
    frame = cohort[[f"true_{c}" for c in scen.condition_names]]
    frame.columns = list(scen.condition_names)
    return frame


@given(seed=st.integers(0, 2**32 - 1), scenario=st.sampled_from(["kbop", "gmbop"]),
       spread=st.floats(0.3, 3.0))
@settings(max_examples=15, deadline=None)
def test_recipe_membership_is_the_fuzzy_recipe_of_the_condition_memberships(seed, scenario, spread):
    scen = load_scenario(scenario, {"truth": "fuzzy", "membership_spread": spread})
    cohort = sim.simulate(scen, seed=seed)
    truth = _truth(cohort, scen)
    assert ((truth >= 0) & (truth <= 1)).all().all()
    np.testing.assert_allclose(cohort.true_recipe, qca.evaluate(scen.recipe, truth), atol=1e-15)
    for i, term in enumerate(scen.recipe_expression.terms):
        np.testing.assert_allclose(cohort[f"true_path_{i + 1}"],
                                   qca.evaluate(qca.Expression((term,)), truth), atol=1e-15)


@pytest.mark.parametrize("scenario", ["kbop", "gmbop"])
def test_crisp_projection_of_fuzzy_truth_is_the_crisp_truth(scenario):
    """Same seed, same draws: membership above 0.5 exactly where the crisp truth is 1, and the
    observed columns are identical (common random numbers)."""
    crisp = sim.simulate_many(scenario, n_reps=10, seed=6)
    fuzzy = sim.simulate_many(scenario, n_reps=10, seed=6, truth="fuzzy")
    scen = load_scenario(scenario)
    for col in (*scen.condition_names, "recipe", *(f"path_{i + 1}" for i in range(scen.n_paths))):
        np.testing.assert_array_equal((fuzzy[f"true_{col}"] > 0.5).astype(int),
                                      crisp[f"true_{col}"], err_msg=col)
    for col in (*scen.observed_conditions, "n_participants"):
        pd.testing.assert_series_equal(fuzzy[col], crisp[col])
    assert fuzzy.true_recipe.dtype == np.float64 and crisp.true_recipe.dtype == np.int64
    assert ((fuzzy.true_recipe > 0) & (fuzzy.true_recipe < 1)).all()
    assert fuzzy.true_recipe.std() > 0.1


def test_caseload_calibrated_with_the_scenario_anchors_is_its_true_membership():
    cohort = sim.simulate(FUZZY, n_workers=300, seed=2)
    cal = qca.calibrate(cohort.CASELOAD.to_numpy(dtype=float), "fuzzy",
                        thresholds=FUZZY.calibration_anchors["CASELOAD"])
    np.testing.assert_allclose(cal, cohort.true_CASELOAD, rtol=0, atol=1e-12)


def test_latent_membership_is_a_logistic_with_the_spread():
    from sim.population import latent_membership

    spec = next(c for c in FUZZY.conditions if c.name == "SBW")
    t, s = spec.threshold_z, FUZZY.membership_spread
    np.testing.assert_allclose(latent_membership(np.array([t - s, t, t + s]), spec, FUZZY),
                               [0.05, 0.5, 0.95])


@pytest.mark.parametrize("hr", [0.4, 2.0])
def test_effect_on_the_hazard_scales_with_recipe_membership(hr):
    scen = FUZZY.with_overrides({"frailty_sd": 0.0, "needs_log_hr": 0.0,
                                 "recipe_hazard_ratio": hr})
    cohort, parts = sim.simulate(scen, seed=9, participants=True)
    m = cohort.true_recipe.to_numpy()[parts.worker_id.to_numpy()]
    np.testing.assert_allclose(np.log(parts.rel_hazard), m * np.log(hr), atol=1e-12)
    assert 0 < m.min() < 0.5 < m.max() < 1


def test_outcome_rises_with_recipe_membership():
    many = sim.simulate_many(FUZZY, n_reps=60, seed=3)
    bins = pd.cut(many.true_recipe, [0, 0.2, 0.5, 0.8, 1.0], include_lowest=True)
    means = many.groupby(bins, observed=True).SUSTAIN_RATE.mean().to_numpy()
    assert np.all(np.diff(means) > 0.01), means
    null = sim.simulate_many(FUZZY, n_reps=60, seed=3, recipe_hazard_ratio=1.0)
    assert abs(np.corrcoef(null.true_recipe, null.SUSTAIN_RATE)[0, 1]) < 0.05
