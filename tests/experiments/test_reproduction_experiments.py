"""The reproduction experiments (random_null.toml, retention_hug.toml) run through the benchmark."""

from __future__ import annotations

import tomllib
from pathlib import Path

from experiments.design import experiment_from_dict, load_experiment
from experiments.report import build_report_data, text_summary
from experiments.runner import run_experiment
from experiments.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _small(name: str, reps: int) -> dict:
    raw = tomllib.loads((ROOT / "experiments" / f"{name}.toml").read_text())
    raw["experiment"].update(replications=reps, batch_size=reps)
    return raw


def test_both_load_as_builtin_experiments():
    assert load_experiment("random_null").base["incl_cut"] == 1.0
    assert load_experiment("retention_hug").base["scenario"] == "perturbed:hug2013"


def test_random_null_runs_and_qca_returns_models_on_random_data(tmp_path):
    raw = _small("random_null", 6)
    raw["grid"]["n_workers"] = [17]
    with Store(tmp_path / "s.db") as store:
        run_experiment(experiment_from_dict(raw), store, backend="serial", progress=False)
        frame = store.frame("random_null")
        assert len(frame) == 12
        # the outcome is independent of the conditions: no model is ever the (empty) truth
        assert not frame["parsimonious.any_exact"].astype(bool).any()
        assert "random_null" in text_summary(build_report_data(store, "random_null"))


def test_retention_hug_rate_matches_the_closed_form(tmp_path):
    from experiments.reproductions import share_interval
    from experiments.retention_study import retention_ipa_outcome
    from sim.perturbation import HUG_2013

    raw = _small("retention_hug", 150)
    raw["grid"] = raw["grid"][:1]  # p = 0.1, cut-off 0.78
    with Store(tmp_path / "s.db") as store:
        run_experiment(experiment_from_dict(raw), store, backend="serial", progress=False)
        kept = store.frame("retention_hug")["conservative.any_exact"].astype(bool)
    lo, hi = share_interval(int(kept.sum()), len(kept), level=0.99)
    assert lo <= retention_ipa_outcome(HUG_2013, "W", 0.1, 0.78) <= hi
