"""The command line around the results store: changed definitions, --overwrite, failures,
-j/--scheduler, export's arguments, help texts and one-line usage errors."""

import os
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from experiments import runner
from experiments.metrics import metric_names
from qcasim.cli import cli

ROOT = Path(__file__).resolve().parents[2]

TOML = ('[experiment]\nname = "toy"\nreplications = {reps}\nseed = {seed}\n'
        '[base]\nscenario = "boolean:A*B + C"\nsolutions = ["parsimonious"]\nincl_cut = {cut}\n'
        '[grid]\nn_workers = [20, 30]\n')


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _one_error_line(result, code=2):
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("qcasim: "), lines[0]
    assert "Traceback" not in result.output
    return lines[0]


def _toml(tmp_path, reps=3, seed=1, cut=0.8):
    f = tmp_path / "toy.toml"
    f.write_text(TOML.format(reps=reps, seed=seed, cut=cut))
    return f


def _bench(f, out, *extra):
    return _run("benchmark", f, "-o", out, "-j", "1", "--no-progress", "--no-report", *extra)


def _rows(out):
    con = sqlite3.connect(out / "qcasim.db")
    try:
        return con.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
    finally:
        con.close()


def test_changed_seed_refused_then_overwritten(tmp_path):
    out = tmp_path / "run"
    assert _bench(_toml(tmp_path), out).exit_code == 0
    line = _one_error_line(_bench(_toml(tmp_path, seed=2), out))
    assert "experiment seed 1 -> 2" in line and "--overwrite" in line and "-o DIR" in line
    assert _rows(out) == 6
    line = _one_error_line(_bench(_toml(tmp_path, cut=0.9), out))
    assert "incl_cut 0.8 -> 0.9" in line
    r = _bench(_toml(tmp_path, seed=2), out, "--overwrite")
    assert r.exit_code == 0, r.output
    assert "6 stored replications of 'toy' deleted" in r.stderr
    assert "6 replications run, 0 already stored" in r.stderr
    r = _run("report", out)
    assert r.exit_code == 0, r.output
    assert "Covers 6 replications of 'toy' (2 cells x reps 0-2 of the current definition)" \
        in r.output


def test_fewer_reps_are_reported_as_such(tmp_path):
    out = tmp_path / "run"
    assert _bench(_toml(tmp_path, reps=3), out).exit_code == 0
    r = _run("benchmark", _toml(tmp_path, reps=1), "-o", out, "-j", "1", "--no-progress")
    assert r.exit_code == 0, r.output
    assert "replications per cell changed 3 -> 1" in r.stderr
    assert "0 replications run, 2 already stored (2 in 2 cells)" in r.stderr
    assert ("Covers 2 replications of 'toy' (2 cells x rep 0 of the current definition); "
            "4 further stored replications lie outside") in r.output
    r = _run("export", out, tmp_path / "x.csv")
    assert r.exit_code == 0 and len(pd.read_csv(tmp_path / "x.csv")) == 2
    assert "2 replications of 'toy'" in r.output and "4 further stored" in r.output


def test_failures_counted_and_all_failed_exits_1(tmp_path, monkeypatch):
    real = runner.run_batch

    def failing(params, seed, reps, scenario_text=None):
        if params["n_workers"] == 30 or os.environ.get("ALL_FAIL"):
            raise ArithmeticError("boom")
        return real(params, seed, reps, scenario_text)

    monkeypatch.setattr(runner, "run_batch", failing)
    out = tmp_path / "run"
    r = _bench(_toml(tmp_path), out)
    assert r.exit_code == 0, r.output
    assert "3 of 6 failed (first: ArithmeticError: boom)" in r.stderr
    r = _run("export", out, tmp_path / "x.csv")
    df = pd.read_csv(tmp_path / "x.csv")
    assert len(df) == 6 and (df["error"].notna()).sum() == 3
    assert "3 ended in an error (first: ArithmeticError: boom)" in r.output
    monkeypatch.setenv("ALL_FAIL", "1")
    r = _bench(_toml(tmp_path), tmp_path / "run2")
    assert r.exit_code == 1
    summary, line = r.stderr.strip().splitlines()
    assert "6 of 6 failed" in summary and line.startswith("qcasim: failed (ExperimentFailed): ")
    assert "all 6 replications of 'toy' failed; first error: ArithmeticError: boom" in line


@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_bad_jobs_rejected_before_the_store(tmp_path, jobs):
    out = tmp_path / "run"
    line = _one_error_line(_run("benchmark", _toml(tmp_path), "-o", out, "-j", jobs))
    assert "-j" in line and "positive" in line and "(see 'qcasim benchmark --help')" in line
    assert not out.exists()


def test_many_jobs_capped(tmp_path):
    f = tmp_path / "one.toml"
    f.write_text(TOML.format(reps=1, seed=1, cut=0.8).replace("[20, 30]", "[20]"))
    r = _run("benchmark", f, "-o", tmp_path / "run", "-j", "1000", "--no-progress",
             "--no-report")
    assert r.exit_code == 0, r.output
    assert f"-j 1000 capped at {os.cpu_count()}" in r.stderr


def test_jobs_with_scheduler_rejected(tmp_path):
    out = tmp_path / "run"
    for cmd in (["benchmark", _toml(tmp_path)], ["run"], ["power", "--ns", "20"]):
        line = _one_error_line(_run(*cmd, "-o", out, "-j", "4", "--scheduler", "tcp://x:1"))
        assert "--scheduler" in line and "-j" in line
    assert not out.exists()


def test_export_with_output_only_uses_default_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = _toml(tmp_path)
    r = _run("benchmark", f, "-j", "1", "--no-progress", "--no-report")
    assert r.exit_code == 0 and (tmp_path / "qcasim-results" / "qcasim.db").is_file()
    r = _run("export", "out.csv")
    assert r.exit_code == 0, r.output
    assert len(pd.read_csv(tmp_path / "out.csv")) == 6
    line = _one_error_line(_run("export"))
    assert "[RUN] OUTPUT" in line
    line = _one_error_line(_run("export", "a", "b", "c"))


def test_legacy_store_refused_then_replaced(tmp_path):
    out = tmp_path / "old"
    out.mkdir()
    con = sqlite3.connect(out / "qcasim.db")
    con.executescript("CREATE TABLE replications (experiment TEXT, cell TEXT, rep INTEGER, "
                      "params TEXT, seed INTEGER, version TEXT, elapsed REAL, result TEXT, "
                      "written REAL); INSERT INTO replications VALUES "
                      "('x', 'c', 0, '{}', 1, '0.0.1', 0, '{}', 0);")
    con.close()
    for args in (["report", out], ["export", out, tmp_path / "x.csv"]):
        assert "written by qcasim 0.0.1" in _one_error_line(_run(*args))
    line = _one_error_line(_bench(_toml(tmp_path), out))
    assert "--overwrite" in line
    assert _bench(_toml(tmp_path), out, "--overwrite").exit_code == 0
    assert _rows(out) == 6


def test_help_texts():
    power = _run("power", "--help").output
    for c in metric_names("binary"):  # the criterion is a binary metric
        assert c in power, c
    bench = _run("benchmark", "--help").output
    assert "Directory for the results store" in bench and "--overwrite" in bench
    export = _run("export", "--help").output
    assert "[RUN] OUTPUT" in export and "Experiment name" in export


@pytest.mark.parametrize(
    "args", [["run", "--bogus"], ["nosuch"], ["--bogus"], ["benchmark"], ["power", "--ns"]])
def test_usage_errors_are_one_line(args):
    r = _run(*args)
    line = _one_error_line(r)
    assert line.startswith("qcasim: error: ") and "--help')" in line


def test_results_folder_is_git_ignored():
    assert "qcasim-results/" in (ROOT / ".gitignore").read_text().splitlines()


def test_every_output_failing_exits_1(tmp_path, monkeypatch):
    import qca
    from qca import QCAError

    def broken(*args, **kwargs):
        raise QCAError("minimization exploded")

    monkeypatch.setattr(qca, "minimize", broken)
    f = tmp_path / "c.toml"
    f.write_text(TOML.format(reps=2, seed=1, cut=0.5).replace("[20, 30]", "[40]"))
    r = _bench(f, tmp_path / "run")
    assert r.exit_code == 1, r.output
    summary, line = r.stderr.strip().splitlines()
    assert "no output computed in 2 of 2 (first: error: QCAError: minimization exploded)" \
        in summary
    assert line.startswith("qcasim: failed (ExperimentFailed): no output could be computed in "
                           "any of the 2 replications of 'toy'")
