import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.design import experiment_from_dict
from experiments.runner import run_experiment
from experiments.store import Store

ROOT = Path(__file__).resolve().parents[2]
TIMING = ["elapsed", "sim_seconds", "analysis_seconds"]


def _results(db):
    with Store(db) as s:
        df = s.frame()
    return df.drop(columns=[c for c in TIMING if c in df.columns]).sort_values(
        ["cell", "rep"]).reset_index(drop=True)


def test_serial_batch_sizes_agree_and_rerun_skips(tmp_path, toy_raw):
    exp = experiment_from_dict(toy_raw)
    with Store(tmp_path / "a.db") as s:
        summary = run_experiment(exp, s, backend="serial", progress=False)
        assert summary.n_run == 24 and s.count("toy") == 24
    toy_raw["experiment"]["batch_size"] = 5
    exp5 = experiment_from_dict(toy_raw)
    with Store(tmp_path / "b.db") as s:
        run_experiment(exp5, s, backend="serial", progress=False)
    pd.testing.assert_frame_equal(_results(tmp_path / "a.db"), _results(tmp_path / "b.db"))
    # a rerun finds everything stored and runs nothing
    with Store(tmp_path / "a.db") as s:
        again = run_experiment(exp, s, backend="serial", progress=False)
    assert again.n_run == 0 and again.n_skipped == 24


@pytest.mark.slow
def test_joblib_two_workers_agree(tmp_path, toy_raw):
    exp = experiment_from_dict(toy_raw)
    with Store(tmp_path / "a.db") as s:
        run_experiment(exp, s, backend="serial", progress=False)
    toy_raw["experiment"]["batch_size"] = 5
    with Store(tmp_path / "j.db") as s:
        run_experiment(experiment_from_dict(toy_raw), s, backend="joblib", n_jobs=2,
                       progress=False)
    pd.testing.assert_frame_equal(_results(tmp_path / "a.db"), _results(tmp_path / "j.db"))


@pytest.mark.slow
def test_dask_local_cluster_agrees(tmp_path, toy_raw):
    distributed = pytest.importorskip("distributed")
    exp = experiment_from_dict(toy_raw)
    with Store(tmp_path / "a.db") as s:
        run_experiment(exp, s, backend="serial", progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with Store(tmp_path / "d.db") as s:
            summary = run_experiment(exp, s, scheduler=cluster.scheduler_address,
                                     progress=False)
            assert summary.backend == "dask"
    pd.testing.assert_frame_equal(_results(tmp_path / "a.db"), _results(tmp_path / "d.db"))


SCRIPT = textwrap.dedent("""
    import sys
    from experiments.design import experiment_from_dict
    from experiments.runner import run_experiment
    from experiments.store import Store
    raw = {
        "experiment": {"name": "resume", "replications": 150, "seed": 3, "batch_size": 1},
        "base": {"scenario": "boolean:A*B + C", "solutions": ["conservative"]},
        "grid": {"n_workers": [30, 60]},
    }
    with Store(sys.argv[1]) as s:
        run_experiment(experiment_from_dict(raw), s, backend="serial", progress=False)
""")


def _count(db):
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_resume_after_kill_9(tmp_path):
    db = tmp_path / "r.db"
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, str(script), str(db)], env=env, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline and _count(db) < 20 and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(db)
    assert 20 <= partial < 300
    done = subprocess.run([sys.executable, str(script), str(db)], env=env, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0
    con = sqlite3.connect(db)
    n, distinct = con.execute(
        "SELECT COUNT(*), COUNT(DISTINCT cell || ':' || rep) FROM replications").fetchone()
    con.close()
    assert n == distinct == 300
    # the interrupted-and-resumed results equal an uninterrupted run
    fresh = tmp_path / "fresh.db"
    subprocess.run([sys.executable, str(script), str(fresh)], env=env, cwd=ROOT, timeout=300,
                   check=True)
    pd.testing.assert_frame_equal(_results(db), _results(fresh))


def test_export_csv(tmp_path, toy_raw):
    exp = experiment_from_dict(toy_raw)
    with Store(tmp_path / "a.db") as s:
        run_experiment(exp, s, backend="serial", progress=False)
        out = s.export(tmp_path / "out.csv")
        with pytest.raises(ValueError):
            s.export(tmp_path / "out.xlsx")
    df = pd.read_csv(out)
    assert len(df) == 24 and {"experiment", "cell", "rep", "seed", "version",
                              "parsimonious.correct", "n_workers"} <= set(df.columns)


def test_export_parquet_round_trip(tmp_path, toy_raw):
    exp = experiment_from_dict(toy_raw)
    with Store(tmp_path / "a.db") as s:
        run_experiment(exp, s, backend="serial", progress=False)
        csv = pd.read_csv(s.export(tmp_path / "out.csv"))
        parquet = pd.read_parquet(s.export(tmp_path / "out.parquet"))
    assert list(parquet.columns) == list(csv.columns) and len(parquet) == len(csv) == 24
    assert (parquet["rep"].to_numpy() == csv["rep"].to_numpy()).all()


def test_two_local_workers_give_the_serial_records_on_a_hard_table(tmp_path):
    """Noisy fuzzy data with irrelevant conditions and a small work budget: several searches
    are cut short (search_finished false), yet -j 2 (tasks of one replication, finishing in
    any order on either worker) stores exactly the serial records: budgets are counted in
    search nodes, never in seconds."""
    raw = {"experiment": {"name": "hard", "replications": 4, "seed": 11, "batch_size": 1},
           "base": {"scenario": "boolean:A*B + ~C*D + E", "cal_type": "fuzzy", "incl_cut": 0.7,
                    "reliability": 0.6, "overrides": {"extra": 5, "outcome_sd": 0.2},
                    "solutions": ["conservative", "parsimonious", "intermediate"],
                    "max_nodes": 300},
           "grid": {"n_workers": [120]}}
    frames = {}
    for jobs in (1, 2):
        with Store(tmp_path / f"j{jobs}.db") as s:
            summary = run_experiment(experiment_from_dict(raw), s, backend="joblib", n_jobs=jobs,
                                     progress=False)
            assert summary.n_run == 4
        frames[jobs] = _results(tmp_path / f"j{jobs}.db")
    unfinished = frames[1][[c for c in frames[1] if c.endswith("search_finished")]]
    assert (unfinished.astype(str) == "False").to_numpy().any()  # the budget did cut searches
    pd.testing.assert_frame_equal(frames[1], frames[2])
