"""Published QCA / CNA simulation results reproduced (experiments.reproductions, docs/reproductions.md)."""

from __future__ import annotations

import dataclasses

import pytest

from experiments.reproductions import (
    Reproduction,
    reproduction_names,
    run_reproduction,
    share_interval,
)


def test_registry_lists_every_reproduction():
    assert {"cna_ideal_ambiguity", "cna_highdim", "frscore_ideal", "limited_diversity"} <= set(
        reproduction_names())
    with pytest.raises(ValueError, match="unknown reproduction"):
        run_reproduction("no_such_study")


def test_cna_vignette_ideal_data_ambiguity():
    r = run_reproduction("cna_ideal_ambiguity")
    assert r.reproduced, str(r)
    assert r.ours["number of models"] == 2


def test_frscore_readme_scores_on_ideal_data():
    r = run_reproduction("frscore_ideal")
    assert r.reproduced, str(r)
    assert r.ours["A+B+F*g<->R: score"] == 38 and r.ours["A+B<->R: tokens"] == 12


def test_highdim_reduced_maxstep_finds_half_of_the_structure():
    r = run_reproduction("cna_highdim", full=False)
    assert r.reproduced, str(r)


@pytest.mark.slow
def test_highdim_default_maxstep_finds_the_complete_structure():
    r = run_reproduction("cna_highdim", full=True)
    assert r.reproduced, str(r)
    assert r.ours["default maxstep: the complete structure is among the models"]


def test_limited_diversity_one_row():
    assert run_reproduction("limited_diversity", deletions=(1,)).reproduced


@pytest.mark.slow
def test_limited_diversity_full():
    r = run_reproduction("limited_diversity")
    assert r.reproduced, str(r)
    assert len(r.published) == 4


def test_a_drifted_figure_is_not_reproduced():
    r = run_reproduction("cna_ideal_ambiguity")
    drifted = dataclasses.replace(r, published={**r.published, "number of models": 3})
    assert not drifted.reproduced
    assert not drifted.to_frame().set_index("figure").loc["number of models", "agrees"]


def test_monte_carlo_interval_semantics():
    lo, hi = share_interval(43, 100)
    assert lo < 0.43 < hi and hi - lo < 0.21
    assert share_interval(0, 50)[0] == 0.0 and share_interval(50, 50)[1] == 1.0
    rep = Reproduction("x", "s", "src", published={"rate": 0.40}, ours={"rate": 0.43},
                       interval={"rate": share_interval(43, 100)}, exact=False)
    assert rep.reproduced and "Monte Carlo" in str(rep)
    far = dataclasses.replace(rep, published={"rate": 0.70})
    assert not far.reproduced
    with pytest.raises(ValueError):
        share_interval(5, 3)


def test_documented_sampling_processes_within_random_variation():
    r = run_reproduction("cna_sampling_processes", reps=2000)
    assert r.reproduced, str(r)
    assert not r.exact
    lo, hi = r.interval["configTable example: configurations instantiated once (of 100 cases)"]
    assert 35 <= lo < 51 < hi <= 66


def test_a_missing_figure_is_not_reproduced():
    rep = Reproduction("x", "s", "src", published={"score": 38}, ours={"score": None})
    assert not rep.reproduced


def test_highdim_process_redraws():
    from experiments.reproductions import HIGHDIM_TRUTH, highdim_data, highdim_replications

    d = highdim_data(3)
    assert d.shape[1] == 50 and 1100 < len(d) < 1400 and set(d.to_numpy().ravel()) <= {0, 1}
    assert highdim_data(3).equals(d) and not highdim_data(4).equals(d)
    t = highdim_replications(reps=2, seed=1)
    assert set(t["reps"]) == {2} and ((t["ci_low"] <= t["share"]) & (t["share"] <= t["ci_high"])).all()
    assert HIGHDIM_TRUTH.count("<->") == 2


def test_highdim_process_noise_share():
    import numpy as np

    from experiments.reproductions import highdim_data

    d = highdim_data(5).to_numpy().astype(bool)
    v = {k: d[:, k - 1] for k in range(1, 51)}
    v13 = (~v[2] & v[10]) | (v[18] & v[16] & ~v[15])
    v11 = (v[2] & ~v[14]) | (v[3] & ~v[12]) | (v[13] & v[19])
    incompatible = ~((v[13] == v13) & (v[11] == v11))
    assert abs(incompatible.mean() - 0.2) < 0.01
    assert np.isfinite(incompatible.sum())


def test_marx_dusa_tables_4_to_6_reproduced():
    r = run_reproduction("marx_dusa_benchmarks")
    assert r.reproduced, str(r)
    assert not r.exact and len(r.published) == 11
    assert r.published["Table 6 (probability 0.5): occurrence of contradictions"] == 0.99


@pytest.mark.slow
def test_marx_dusa_appendices_reproduced():
    r = run_reproduction("marx_dusa_benchmarks", full=True)
    assert r.reproduced, str(r)
    assert any(k.startswith("Appendix 2 (3588 cells") for k in r.published)


def test_marx_dusa_kelme_missing_column_disagrees():
    # documented disagreement (docs/reproductions.md): drift in either direction is caught
    r = run_reproduction("marx_dusa_kelme_missing")
    assert r.agrees == {"Table 6 (Kelme missing): complexity": False,
                        "Table 6 (Kelme missing): occurrence of contradictions": False,
                        "Table 6 (Kelme missing): consistency-R": True}
    assert abs(r.ours["Table 6 (Kelme missing): complexity"] - 0.6081) < 1e-3


def test_thiem_spohel_dusa_retention_reproduced():
    r = run_reproduction("thiem_spohel_dusa_retention", reps=300, seed=1)
    assert r.reproduced, str(r)
    pairs = "DPA, 2 corrupted outcomes, incl. cut-off 0.75: pairs (of 120) that change the solution"
    assert r.ours[pairs] == 64


@pytest.mark.slow
def test_thiem_spohel_dusa_retention_full():
    r = run_reproduction("thiem_spohel_dusa_retention", reps=4000)
    assert r.reproduced, str(r)


def test_thiem_spohel_dusa_p01_disagreement_explained():
    r = run_reproduction("thiem_spohel_dusa_p01")
    assert not r.reproduced
    assert r.ours["IPA, p = 0.1, 0.75 < cut-off <= 0.8: retention (exact)"] == 0.602
    assert list(r.agrees.values()) == [False, True]


@pytest.mark.slow
def test_thiem_spohel_dusa_p01_simulation_excludes_the_published_figure():
    r = run_reproduction("thiem_spohel_dusa_p01", reps=20_000)
    sim = [k for k in r.published if "simulated" in k][0]
    lo, hi = r.interval[sim]
    assert not lo <= 0.5836 <= hi and lo <= 0.602 <= hi


def test_baumgartner_thiem_14_rows_reproduced():
    r = run_reproduction("baumgartner_thiem_14_rows")
    assert r.reproduced, str(r)
    assert r.exact and r.ours["14 rows deleted: patterns with no solution (of 120)"] == 10
