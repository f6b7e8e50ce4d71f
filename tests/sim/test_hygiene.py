"""Scenario hygiene: programme-defined outcome anchors, scaled thresholds, tie-free crossovers,
and warnings for scenarios QCA can hardly analyse."""

import warnings

import numpy as np
import pytest

import qca
import sim
from sim import ScenarioError, ScenarioWarning, load_scenario

KBOP = load_scenario("kbop")


@pytest.mark.parametrize("scenario", ["kbop", "gmbop"])
def test_outcome_anchors_do_not_depend_on_the_effect_size_or_truth(scenario):
    base = load_scenario(scenario)
    anchors = base.calibration_anchors[base.outcome]
    assert base.theory_anchors[base.outcome] == base.outcome_spec.anchors
    assert anchors[0] < anchors[1] < anchors[2]
    for over in ({"recipe_hazard_ratio": 1.0}, {"recipe_hazard_ratio": 0.1},
                 {"recipe_hazard_ratio": 0.9}, {"truth": "fuzzy"},
                 {"truth": "fuzzy", "recipe_hazard_ratio": 1.0}, {"baseline_sustain": 0.5}):
        assert base.with_overrides(over).calibration_anchors == base.calibration_anchors, over
    assert base.outcome_spec.source and "[literature]" in base.outcome_spec.source


def test_outcome_table_is_required_and_checked():
    raw = dict(KBOP.raw)
    raw.pop("outcome")
    with pytest.raises(ScenarioError, match=r"missing \[outcome\] table"):
        sim.scenario.scenario_from_dict(raw, source="mine.toml")
    for bad, msg in (([0.5, 0.75], "outcome.anchors must be"), ([0.5, 0.8, 1.2], r"\[0, 1\]"),
                     ([0.8, 0.75, 0.9], "increasing")):
        with pytest.raises(ScenarioError, match=msg):
            KBOP.with_overrides({"outcome.anchors": bad})
    with pytest.raises(ScenarioError, match="unknown parameter 'outcome.column'"):
        KBOP.with_overrides({"outcome.column": "X"})


def test_old_caseload_threshold_key_is_explained():
    with pytest.raises(ScenarioError, match="high_above was replaced by high_ratio"):
        KBOP.with_overrides({"conditions.CASELOAD.high_above": 20})


def test_truth_switch_is_validated():
    with pytest.raises(ScenarioError, match="truth must be one of 'crisp', 'fuzzy', got 'maybe'"):
        KBOP.with_overrides({"truth": "maybe"})
    with pytest.raises(ScenarioError, match=r"membership_spread must be a number in \(0, 10\], got 0"):
        KBOP.with_overrides({"membership_spread": 0})


@pytest.mark.parametrize("rpw", [5, 20, 100, 400])
def test_caseload_threshold_scales_with_referrals(rpw):
    scen = KBOP.with_overrides({"referrals_per_worker": rpw, "n_workers": 80})
    many = sim.simulate_many(scen, n_reps=10, seed=2)
    share = many.true_CASELOAD.mean()
    assert 0.3 < share < 0.55
    assert abs(share - scen.expected_prevalence["CASELOAD"]) < 0.04
    cut = scen.caseload_cut(next(c for c in scen.conditions if c.name == "CASELOAD"))
    assert cut == int(np.ceil(1.05 * rpw - 1e-9))
    np.testing.assert_array_equal(many.true_CASELOAD, (many.CASELOAD >= cut).astype(int))


def test_default_caseload_threshold_is_the_old_one():
    """high_ratio = 1.05 of 20 referrals is 'more than 20' as before: same cohorts for a seed."""
    cohort = sim.simulate("kbop", seed=3)
    np.testing.assert_array_equal(cohort.true_CASELOAD, (cohort.CASELOAD > 20).astype(int))
    assert KBOP.calibration_anchors["CASELOAD"][1] == 20.5


@pytest.mark.parametrize("scenario", ["kbop", "gmbop"])
def test_crossovers_sit_between_recorded_values_and_keep_the_theory_classification(scenario):
    scen = load_scenario(scenario)
    many = sim.simulate_many(scen, n_reps=40, seed=11)
    for col, (_, cross, _) in scen.calibration_anchors.items():
        x = many[col].to_numpy(dtype=float)
        theory = scen.theory_anchors[col][1]
        assert not np.any(x == cross), col
        assert scen.grids[col].is_tie_free(cross), col
        crisp = qca.calibrate(x, "crisp", thresholds=[cross])
        on_grid = np.isclose(x, theory, rtol=0, atol=1e-9)
        np.testing.assert_array_equal(crisp, ((x >= theory) | on_grid).astype(int), err_msg=col)
        fuzzy = qca.calibrate(x, "fuzzy", thresholds=scen.calibration_anchors[col])
        assert not np.any(fuzzy == 0.5), col


def test_longmeet_crossover_no_longer_ties_one_worker_in_eight():
    many = sim.simulate_many("kbop", n_reps=40, seed=1)
    assert (many.LONGMEET == 45).mean() > 0.08                     # the theory crossover
    assert KBOP.calibration_anchors["LONGMEET"][1] == 42.5          # 45 minutes is 'long'
    assert KBOP.grids["LONGMEET"].step == 5
    assert KBOP.grids["SBW"].step == 1


def test_crisp_truth_uses_the_same_tie_rule():
    """Latent value equal to the threshold, caseload equal to the cut: in the set."""
    from sim.population import latent_membership

    spec = next(c for c in KBOP.conditions if c.name == "INNOV")
    z = np.array([spec.threshold_z - 1e-12, spec.threshold_z, spec.threshold_z + 1e-12])
    np.testing.assert_array_equal(latent_membership(z, spec, KBOP), [0.0, 1.0, 1.0])


def test_default_scenarios_raise_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        for name in sim.builtin_scenarios():
            assert load_scenario(name).diagnostics == ()


def _warnings_of(overrides):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scen = KBOP.with_overrides(overrides)
    msgs = [str(w.message) for w in caught if issubclass(w.category, ScenarioWarning)]
    assert len(msgs) == len(caught)
    assert msgs == [f"kbop.toml: {d}" for d in scen.diagnostics]
    return scen, msgs


def test_rare_condition_warns():
    _, msgs = _warnings_of({"conditions.INNOV.prevalence": 0.03})
    assert "kbop.toml: true condition INNOV has expected prevalence 0.030, outside [0.05, 0.95]: " \
           "QCA sees almost no variation in it" in msgs
    _, msgs = _warnings_of({"conditions.CASELOAD.high_ratio": 3.0})
    assert any("true condition CASELOAD has expected prevalence" in m for m in msgs)


def test_rare_path_warns_and_expected_counts_match_simulation():
    _, msgs = _warnings_of({"n_workers": 15})
    assert len(msgs) == 3
    assert msgs[2].startswith("kbop.toml: recipe path 3 (WORKLOAD*INNOV*LONGMEET) is expected "
                              "in 1.")
    assert msgs[2].endswith(" of 15 workers (< 3): too few cases to find it")
    scen, msgs = _warnings_of({"n_workers": 200})
    assert msgs == []
    many = sim.simulate_many(scen, n_reps=30, seed=4)
    for i, expected in enumerate(scen.expected_path_workers):
        observed = many[f"true_path_{i + 1}"].sum() / 30
        assert abs(observed - expected) < 0.1 * expected + 1, (i, observed, expected)
