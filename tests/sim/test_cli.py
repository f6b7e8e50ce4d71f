"""The ``qcasim simulate`` command."""

import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import simulate_command


def test_writes_cohort_and_participants(tmp_path):
    out, parts = tmp_path / "cohort.csv", tmp_path / "parts.csv"
    res = CliRunner().invoke(simulate_command, ["--scenario", "kbop", "--seed", "1", "-o", str(out),
                                                "--participants", str(parts)])
    assert res.exit_code == 0, res.output
    cohort = pd.read_csv(out)
    expected = sim.simulate("kbop", seed=1)
    pd.testing.assert_frame_equal(cohort, expected, check_dtype=False)
    assert len(pd.read_csv(parts)) == expected.n_participants.sum()


def test_set_and_engine(tmp_path):
    out = tmp_path / "c.csv"
    res = CliRunner().invoke(simulate_command, [
        "--scenario", "gmbop", "--n-workers", "10", "--engine", "mesa",
        "--set", "recipe_hazard_ratio=0.3", "--set", "conditions.ACT.reliability=0.7",
        "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "qcasim: warning: gmbop.toml: recipe path 2 (SELFEFF*~CASELOAD*SPECIALIST) is " \
           "expected in 1.1 of 10 workers" in res.stderr
    with pytest.warns(sim.ScenarioWarning):
        expected = sim.simulate("gmbop", n_workers=10, seed=1, recipe_hazard_ratio=0.3,
                                conditions__ACT__reliability=0.7)
    pd.testing.assert_frame_equal(pd.read_csv(out), expected, check_dtype=False)


def test_bad_input_is_one_line_exit_2(tmp_path):
    for args in (["--set", "conditions.INNOV.reliability=2"], ["--scenario", "nope"],
                 ["--set", "novalue"]):
        res = CliRunner().invoke(simulate_command, [*args, "-o", str(tmp_path / "x.csv")])
        assert res.exit_code == 2, res.output
        lines = res.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("qcasim: error:"), res.output


def _err(res):
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcasim: error:"), res.output
    return lines[0]


def test_set_n_workers_is_mapped(tmp_path):
    out = tmp_path / "c.csv"
    for args in (["--set", "n_workers=10"], ["--set", "programme.n_workers=10"],
                 ["--n-workers", "10", "--set", "programme.n_workers=10"]):
        res = CliRunner().invoke(simulate_command, [*args, "-o", str(out)])
        assert res.exit_code == 0, res.output
        pd.testing.assert_frame_equal(pd.read_csv(out), sim.simulate("kbop", n_workers=10),
                                      check_dtype=False)


def test_set_of_command_options_rejected(tmp_path):
    for key, option in (("seed", "--seed"), ("engine", "--engine"),
                        ("participants", "--participants"), ("scenario", "--scenario")):
        line = _err(CliRunner().invoke(simulate_command, ["--set", f"{key}=1", "-o",
                                                          str(tmp_path / "c.csv")]))
        assert f"--set {key}=" in line and f"use {option}" in line
    assert not (tmp_path / "c.csv").exists()


def test_conflicting_n_workers_rejected(tmp_path):
    line = _err(CliRunner().invoke(simulate_command, [
        "--n-workers", "30", "--set", "programme.n_workers=40", "-o", str(tmp_path / "c.csv")]))
    assert "--n-workers 30 contradicts --set programme.n_workers=40" in line
    line = _err(CliRunner().invoke(simulate_command, [
        "--set", "n_workers=30", "--set", "programme.n_workers=40", "-o", str(tmp_path / "c.csv")]))
    assert "n_workers twice" in line


def test_outputs_checked_before_anything_is_written(tmp_path):
    out = tmp_path / "x.csv"
    line = _err(CliRunner().invoke(simulate_command, [
        "-o", str(out), "--participants", str(tmp_path / "bad" / "p.csv")]))
    assert "no directory" in line and str(tmp_path / "bad") in line
    assert not out.exists()
    same = tmp_path / "same.csv"
    same.write_text("keep me\n")
    line = _err(CliRunner().invoke(simulate_command, [
        "-o", str(same), "--participants", str(tmp_path / "." / "same.csv")]))
    assert "--output and --participants name the same file" in line
    assert same.read_text() == "keep me\n"
    line = _err(CliRunner().invoke(simulate_command, ["-o", "-", "--participants", "-"]))
    assert "both write to standard output" in line
    line = _err(CliRunner().invoke(simulate_command, ["-o", str(tmp_path)]))
    assert "is a directory" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.csv"]


def test_participants_to_stdout_and_cohort_to_file(tmp_path):
    out = tmp_path / "c.csv"
    res = CliRunner().invoke(simulate_command, ["--n-workers", "5", "-o", str(out),
                                                "--participants", "-"])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(out)) == 5
    _, parts = sim.simulate("kbop", n_workers=5, participants=True)
    assert res.stdout == parts.to_csv(index=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]  # no temporary file left
