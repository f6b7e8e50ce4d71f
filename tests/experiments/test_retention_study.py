"""Retention under outcome corruption (Thiem, Spöhel & Dusa 2016) and the perturbed-data generator."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from experiments.retention_study import (
    retention_by_enumeration,
    retention_by_simulation,
    retention_ipa_outcome,
    solution_key,
)
from sim.errors import ScenarioError
from sim.generators import GeneratorSettings, make_generator
from sim.perturbation import HUG_2013, PerturbedDataGenerator, perturb


def test_reference_solution_is_the_published_one():
    key = solution_key(HUG_2013, "W")
    assert key == frozenset({frozenset({"P*U*C", "U*C*S"})})
    g = make_generator("perturbed:hug2013")
    assert {str(t) for t in g.truth.terms} == {"P*U*C", "U*C*S"}


def test_closed_form_equals_brute_force_over_every_corruption_pattern():
    # weight every one of the 2^16 outcome-corruption patterns; the status of each observed
    # configuration decides retention (no engine call: checks the closed form's algebra)
    conds = ["P", "U", "C", "S"]
    codes = HUG_2013[conds].to_numpy() @ (1 << np.arange(4))
    y = HUG_2013["W"].to_numpy()
    pats = np.array(list(itertools.product((0, 1), repeat=16)))
    y2 = y ^ pats
    p, eps = 0.2, 0.7
    keep = np.ones(len(pats), dtype=bool)
    for c in np.unique(codes):
        m = codes == c
        before = y[m].mean() >= eps - 1e-9
        keep &= (y2[:, m].mean(axis=1) >= eps - 1e-9) == before
    w = p ** pats.sum(1) * (1 - p) ** (16 - pats.sum(1))
    assert retention_ipa_outcome(HUG_2013, "W", p, eps) == pytest.approx(float(w[keep].sum()), abs=1e-12)


def test_enumeration_through_the_engine_matches_the_closed_form_mixture():
    # P(retained) under IPA is the mixture over the number of corruptions of the DPA retention
    from math import comb

    p, eps = 0.15, 0.75
    mix = 0.0
    for d in range(0, 3):
        changed, total = (0, 1) if d == 0 else retention_by_enumeration(HUG_2013, "W", d, eps)
        mix += comb(16, d) * p ** d * (1 - p) ** (16 - d) * (total - changed) / total
    assert mix <= retention_ipa_outcome(HUG_2013, "W", p, eps) + 1e-12  # d >= 3 only adds


def test_simulation_agrees_with_closed_form():
    from experiments.reproductions import share_interval

    est = retention_by_simulation("perturbed:hug2013", {"p_pert": 0.1}, 300, 5, 0.78)
    lo, hi = share_interval(est.retained, est.reps)
    assert lo <= retention_ipa_outcome(HUG_2013, "W", 0.1, 0.78) <= hi


def test_perturb_kinds():
    rng = np.random.default_rng(1)
    d = perturb(HUG_2013, "W", rng, "corruption", "outcome", n_pert=3)
    assert (d["W"] != HUG_2013["W"]).sum() == 3 and d.drop(columns="W").equals(HUG_2013.drop(columns="W"))
    d = perturb(HUG_2013, "W", rng, "corruption", "conditions", n_pert=5)
    assert (d.drop(columns="W") != HUG_2013.drop(columns="W")).to_numpy().sum() == 5
    d = perturb(HUG_2013, "W", rng, "deletion", n_pert=4)
    assert len(d) == 12
    assert len(perturb(HUG_2013, "W", rng, "deletion", p_pert=0.0)) == 16


@pytest.mark.parametrize("kw", [{"kind": "swap", "n_pert": 1}, {"target": "x", "n_pert": 1},
                                {"p_pert": 0.1, "n_pert": 1}, {"p_pert": 1.5}, {"n_pert": -1}])
def test_perturbation_refuses_bad_settings(kw):
    with pytest.raises(ScenarioError):
        PerturbedDataGenerator(HUG_2013, "W", **kw)


def test_perturbed_generator_through_the_registry():
    g = make_generator("perturbed:hug2013", GeneratorSettings(overrides={"p_pert": 0.2}))
    c = g.cohorts(3, [0, 1])
    assert {"P", "U", "C", "S", "W", "true_recipe", "true_P"} <= set(c[0]) and len(c[0]["W"]) == 16
    assert np.array_equal(c[0]["true_recipe"], HUG_2013["W"].to_numpy())  # the solution fits exactly
    assert np.array_equal(g.cohorts(3, [0])[0]["W"], c[0]["W"])
    for bad in ({"overrides": {"q": 1}}, {"n_cases": 30}, {"reliability": 0.5}):
        with pytest.raises(ScenarioError):
            make_generator("perturbed:hug2013", GeneratorSettings(**bad))
    with pytest.raises(ScenarioError):
        make_generator("perturbed:nosuch")
