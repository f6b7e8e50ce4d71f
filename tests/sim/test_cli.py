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
