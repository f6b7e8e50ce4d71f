"""Same seed, same bytes: what the existing determinism tests do not cover.

Already covered elsewhere (not repeated): engine equality on DataFrames (tests/sim/test_engines.py),
serial batch sizes / joblib / Dask on the Boolean toy scenario and kill -9 resume
(tests/experiments/test_runner.py), run_one vs run_batch (tests/experiments/test_pipeline.py).
Added here: byte-identical CLI output files, independence from Python's hash seed (a fresh
interpreter with another PYTHONHASHSEED), and serial vs joblib on the KBOP scenario with all three
solution types.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from experiments.design import experiment_from_dict
from experiments.runner import run_experiment
from experiments.store import Store
from qcasim.cli import cli

ROOT = Path(__file__).resolve().parents[1]
TIMING = ["elapsed", "sim_seconds", "analysis_seconds"]


def _run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


def test_simulate_csv_bytes_same_across_runs_and_engines(tmp_path):
    paths = {}
    for name, engine in (("a", "batched"), ("b", "batched"), ("m", "mesa")):
        paths[name] = tmp_path / f"{name}.csv"
        _run("simulate", "--scenario", "kbop", "--n-workers", "30", "--seed", "7",
             "--engine", engine, "-o", paths[name])
    data = {k: p.read_bytes() for k, p in paths.items()}
    assert data["a"] == data["b"] == data["m"]
    _run("simulate", "--scenario", "kbop", "--n-workers", "30", "--seed", "8", "-o",
         tmp_path / "other.csv")
    assert (tmp_path / "other.csv").read_bytes() != data["a"]


def _export_without_timing(out: Path, csv: Path) -> bytes:
    _run("export", out, csv)
    df = pd.read_csv(csv).drop(columns=[c for c in TIMING if c in pd.read_csv(csv).columns])
    return df.to_csv(index=False).encode()


def test_benchmark_export_bytes_same_across_runs(tmp_path):
    toml = tmp_path / "e.toml"
    toml.write_text('[experiment]\nname = "det"\nreplications = 4\nseed = 11\nbatch_size = 3\n'
                    '[base]\nscenario = "kbop"\n'
                    'solutions = ["conservative", "parsimonious", "intermediate"]\n'
                    'incl_cut = 0.7\n[grid]\nn_workers = [30, 65]\n')
    outs = []
    for name in ("one", "two"):
        _run("benchmark", toml, "-o", tmp_path / name, "-j", "1", "--no-progress", "--no-report")
        outs.append(_export_without_timing(tmp_path / name, tmp_path / f"{name}.csv"))
    assert outs[0] == outs[1]
    assert len(pd.read_csv(tmp_path / "one.csv")) == 8


_CHILD = """
import json, sys
from experiments.pipeline import run_one
rec = run_one({"scenario": "kbop", "n_workers": 40, "incl_cut": 0.7}, seed=5, rep=3)
for k in ("elapsed", "sim_seconds", "analysis_seconds"):
    rec.pop(k, None)
sys.stdout.write(json.dumps(rec, sort_keys=True, default=str))
"""


@pytest.mark.slow
def test_run_one_independent_of_hash_seed():
    outs = []
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        res = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True,
                             env=env, cwd=ROOT, timeout=120, check=True)
        outs.append(res.stdout)
    assert outs[0] == outs[1]
    rec = json.loads(outs[0])
    assert {"conservative.model", "parsimonious.model", "intermediate.model"} <= set(rec)


def _frame(db: Path) -> pd.DataFrame:
    with Store(db) as s:
        df = s.frame()
    return df.drop(columns=[c for c in TIMING if c in df.columns]).sort_values(
        ["cell", "rep"]).reset_index(drop=True)


@pytest.mark.slow
def test_kbop_serial_and_joblib_agree(tmp_path):
    raw = {"experiment": {"name": "kb", "replications": 6, "seed": 3, "batch_size": 2},
           "base": {"scenario": "kbop", "incl_cut": 0.7},
           "grid": {"n_workers": [30, 65], "reliability": [0.8, 0.95]}}
    with Store(tmp_path / "s.db") as s:
        run_experiment(experiment_from_dict(raw), s, backend="serial", progress=False)
    with Store(tmp_path / "j.db") as s:
        run_experiment(experiment_from_dict(raw), s, backend="joblib", n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(_frame(tmp_path / "s.db"), _frame(tmp_path / "j.db"))
