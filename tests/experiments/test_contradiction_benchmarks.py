"""Marx & Dusa (2011) benchmark tables: measures, exact forms, simulation and the published cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.contradiction_benchmarks import (
    compare_tables,
    exact_measures,
    outside_count_null,
    published_tables,
    simulate_design,
    table6_probabilities,
    truth_table_measures,
)
from sim.generators import GeneratorSettings, make_generator
from sim.random_crisp import RandomCrispGenerator, random_crisp_arrays


def test_measures_of_the_hypothetical_truth_table():
    # Marx & Dusa's Table 3 (30 cases): CONSIST.1 = 7/12, CONSIST.2 = 11/30
    rows = {(0, 0, 0, 1): (2, 0), (0, 0, 1, 0): (2, 0), (0, 0, 1, 1): (2, 0), (0, 1, 0, 1): (2, 0),
            (0, 1, 1, 0): (0, 1), (0, 1, 1, 1): (0, 1), (1, 0, 0, 1): (0, 1), (1, 0, 1, 0): (2, 3),
            (1, 0, 1, 1): (1, 1), (1, 1, 0, 1): (2, 2), (1, 1, 1, 0): (3, 3), (1, 1, 1, 1): (1, 1)}
    cases = [list(c) + [y] for c, (f0, f1) in rows.items() for y, f in ((0, f0), (1, f1)) for _ in range(f)]
    m = truth_table_measures(np.array([cases]))
    assert len(cases) == 30
    assert m.loc[0, "configurations"] == 12 and m.loc[0, "contradictory"] == 5
    assert m.loc[0, "consistency_1"] == pytest.approx(7 / 12)
    assert m.loc[0, "consistency_r"] == pytest.approx(11 / 30)
    assert m.loc[0, "contradiction"]


def test_measures_agree_with_the_engine_truth_table():
    from qca import truth_table

    arr = random_crisp_arrays(60, 12, 3, seed=5)
    m = truth_table_measures(arr)
    for i in range(len(arr)):
        d = pd.DataFrame(arr[i], columns=["A", "B", "C", "OUT"]).astype(int)
        # ic0 = 0.001 (below 1/n): rows with both outcomes are "C", rows with incl 0 are "0"
        out = truth_table(d, "OUT", incl_cut=(1.0, 1e-3)).rows["OUT"]
        assert (out == "C").sum() == m.loc[i, "contradictory"]
        assert len(out) == m.loc[i, "configurations"]


def test_exact_forms_by_hand_and_against_simulation():
    ex = exact_measures(2, 2)
    assert ex["contradiction"] == pytest.approx(1 / 8)  # same configuration (1/4), outcomes differ (1/2)
    assert ex["consistency_r"] == pytest.approx(7 / 8)
    assert ex["complexity"] == pytest.approx((1 + 3 * 2) / 4 / 2)
    for n, k in ((17, 4), (8, 3)):
        ex = exact_measures(n, k)
        sim = simulate_design(n, k, 20_000, seed=3)
        for m in ("contradiction", "consistency_r", "complexity"):
            se = np.sqrt(ex[f"var_{m}"] / 20_000)
            assert abs(sim.mean[m] - ex[m]) < 4 * se + 1e-12, (n, k, m)
            assert sim.sd[m] ** 2 == pytest.approx(ex[f"var_{m}"], rel=0.1)
    # the general (unequal-probability) form reduces to the 0.5 form
    gen = exact_measures(9, 3, [0.5, 0.5, 0.5 + 1e-12], 0.5)
    half = exact_measures(9, 3)
    for m in ("contradiction", "consistency_r", "complexity"):
        assert gen[m] == pytest.approx(half[m], abs=1e-9)


def test_unequal_probabilities_against_simulation():
    p, po = table6_probabilities("1")
    ex = exact_measures(17, 4, p, po)
    sim = simulate_design(17, 4, 20_000, p, po, seed=4)
    for m in ("contradiction", "consistency_r", "complexity"):
        assert abs(sim.mean[m] - ex[m]) < 4 * sim.sd[m] / np.sqrt(20_000), m
    assert table6_probabilities("missing")[0][0] == pytest.approx(10 / 16)
    with pytest.raises(ValueError):
        table6_probabilities("2")


def test_published_tables_transcribed_whole():
    t = published_tables()
    for tab in t.values():
        assert tab.shape == (299, 12) and list(tab.index) == list(range(2, 301))
        assert tab.to_numpy().min() >= 0 and tab.to_numpy().max() <= 1
    assert t["contradiction"].loc[17, 4] == 0.99 and t["consistency_r"].loc[17, 4] == 0.60


def test_tables_4_and_5_within_monte_carlo_error_of_our_simulation():
    # our simulation through the generator, 1,500 data sets per design as published
    tab = compare_tables(range(2, 51, 6), range(2, 11, 2), simulate=1500)
    se = np.sqrt(tab["var"] / 1500)
    z = ((tab["sim"] - tab["exact"]) / se.where(se > 0)).dropna()
    assert (z.abs() > 1.96).mean() < 0.15 and z.abs().max() < 4.5
    assert tab["inside"].mean() > 0.9


def test_a_drifted_table_is_caught():
    tab = compare_tables(range(2, 51), range(2, 11))
    null = outside_count_null(tab[tab.measure == "contradiction"], draws=500)
    shifted = tab[tab.measure == "contradiction"].assign(published=lambda f: f.published + 0.02)
    outside = ((shifted.published < shifted.low - 1e-9) | (shifted.published > shifted.high + 1e-9)).sum()
    assert outside > np.percentile(null, 97.5)


def test_random_generator_through_the_registry():
    g = make_generator("random:A,B,C", GeneratorSettings(n_cases=40, overrides={"p": 0.3}))
    assert isinstance(g, RandomCrispGenerator) and not g.truth.terms
    c = g.cohort(1, 0)
    assert {"A", "B", "C", "OUT", "true_recipe", "true_A"} <= set(c) and len(c["A"]) == 40
    assert all(set(np.unique(v)) <= {0, 1} for v in c.values()) and not c["true_recipe"].any()
    assert np.array_equal(g.cohort(1, 0)["A"], c["A"]) and not np.array_equal(g.cohort(1, 1)["A"], c["A"])
    assert make_generator("random:4").observed_conditions == ("A", "B", "C", "D")


@pytest.mark.parametrize("bad", [{"overrides": {"q": 1}}, {"overrides": {"p": 1.5}}, {"effect": 2.0},
                                 {"n_cases": 0}])
def test_random_generator_refuses_bad_settings(bad):
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError):
        make_generator("random:3", GeneratorSettings(**bad))


def test_random_generator_refuses_bad_spec():
    from sim.errors import ScenarioError

    for spec in ("random:A,A", "random:0", "random:1x"):
        with pytest.raises(ScenarioError):
            make_generator(spec)
    with pytest.raises(ScenarioError):
        random_crisp_arrays(2, 3, 2, p=[0.5, 0.5, 0.5])


@settings(max_examples=60, deadline=None)
@given(sets=st.integers(1, 5), n=st.integers(1, 30), k=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_measure_invariants(sets, n, k, seed):
    m = truth_table_measures(random_crisp_arrays(sets, n, k, seed=seed))
    assert (m["configurations"] <= min(n, 2 ** k)).all()
    assert (m["contradiction"] == (m["contradictory"] > 0)).all()
    clean = ~m["contradiction"]
    assert ((m["consistency_1"] == 1) == clean).all() and ((m["consistency_r"] == 1) == clean).all()
    # a contradictory configuration holds at least two cases, so cases outside them are fewer
    assert (m["consistency_r"] * n <= n - 2 * m["contradictory"] + 1e-9).all()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 120), k=st.integers(1, 9))
def test_exact_contradiction_grows_with_cases_and_falls_with_conditions(n, k):
    ex = exact_measures(n, k)
    assert 0 <= ex["contradiction"] <= 1 and 0 <= ex["consistency_r"] <= 1
    assert exact_measures(n + 1, k)["contradiction"] >= ex["contradiction"] - 1e-12
    assert exact_measures(n, k + 1)["contradiction"] <= ex["contradiction"] + 1e-12
