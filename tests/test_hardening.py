"""Bad input across the CLI and the API: one clear message, exit status 2, no traceback, and a
results store that stays readable with its earlier records.

Complements tests/qca/test_bad_input.py, tests/experiments/test_cli.py, tests/sim/test_cli.py and
tests/sim/test_scenario.py (not repeated here).
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import qca
import qca.plot
from experiments.store import Store
from qcasim.cli import cli

GOOD_TOML = ('[experiment]\nname = "{name}"\nreplications = 2\nseed = 1\n'
             '[base]\nscenario = "boolean:A*B + C"\nsolutions = ["parsimonious"]\n{extra}'
             '[grid]\nn_workers = [20]\n')


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _bad_input(result, *fragments):
    """Exit 2, exactly one 'qcasim: error:' line on stderr naming the problem, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("qcasim: error: "), lines[0]
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for f in fragments:
        assert f in lines[0], (f, lines[0])


def _click_usage_error(result, *fragments):
    """click's own option validation: exit 2, one 'qcasim: error:' line, no traceback."""
    _bad_input(result, *fragments)


# --------------------------------------------------------------------------- qcasim analyze

CSV_CASES = {
    "malformed": ("A,B,Y\n0,1\n1,0,0,5\n", ["malformed CSV"]),
    "empty": ("", ["the file is empty"]),
    "header only": ("A,B,Y\n", ["no rows"]),
    "missing value": ("A,B,Y\n0,,1\n1,0,0\n1,1,1\n", ["'B' has 1 missing value"]),
    "non-numeric": ("A,B,Y\nx,1,1\ny,0,0\n", ["'A' is not numeric"]),
    "outside [0,1]": ("A,B,Y\n0,1,1\n1.5,0,0\n", ["outside [0, 1]"]),
    "negative": ("A,B,Y\n0,1,1\n-1,0,0\n", ["negative"]),
    "duplicate header": ("A,A,Y\n0,1,1\n1,0,0\n", ["duplicate column name(s) A"]),
    "zero positive rows": ("A,B,Y\n0,1,0\n1,0,0\n", ["no truth-table row has OUT = 1"]),
    "binary junk": (b"\xff\xfe\x00A\x00,\x00B".decode("latin-1"), ["not a text (UTF-8) CSV"]),
}


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_analyze_bad_csv(tmp_path, case):
    text, fragments = CSV_CASES[case]
    f = tmp_path / "d.csv"
    if case == "binary junk":
        f.write_bytes(b"\xff\xfe\x00A\x00,\x00B\x00\n\x001")
    else:
        f.write_text(text)
    _bad_input(_run("analyze", f, "-y", "Y"), *fragments)


@pytest.fixture
def ok_csv(tmp_path):
    f = tmp_path / "ok.csv"
    pd.DataFrame({"A": [0, 1, 1, 0], "B": [1, 0, 1, 0], "Y": [1, 0, 1, 0]}).to_csv(f, index=False)
    return f


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["-y", "Q"], ["no column(s) Q"]),
        (["-y", "Y*"], ["no column(s) Y*"]),
        (["-y", "Y", "-c", "A,Z"], ["no column(s) Z"]),
        (["-y", "Y", "-c", "A,A"], ["--conditions names A twice"]),
        (["-y", "Y", "--incl-cut", "1.5"], ["incl_cut must be in [0, 1]"]),
        (["-y", "Y", "--n-cut", "0"], ["n_cut must be"]),
        (["-y", "Y", "--pri-cut", "-1"], ["pri_cut must be in"]),
        (["-y", "Y", "--calibrate", "fuzzy", "--anchors", "A=1,2"], ["needs three numbers"]),
        (["-y", "Y", "--calibrate", "fuzzy", "--anchors", "A=x,y,z"], ["cannot read 'A=x,y,z'"]),
        (["-y", "Y", "--calibrate", "fuzzy", "--anchors", "A=2,1,3"], ["exclusion < crossover"]),
        (["-y", "Y", "--calibrate", "fuzzy", "--anchors", "Q=1,2,3"], ["no analysed column Q"]),
    ],
)
def test_analyze_bad_options(ok_csv, args, fragments):
    _bad_input(_run("analyze", ok_csv, *args), *fragments)


def test_analyze_missing_file_and_directory(tmp_path):
    _bad_input(_run("analyze", tmp_path / "nope.csv", "-y", "Y"), "no such file")
    _click_usage_error(_run("analyze", tmp_path, "-y", "Y"), "is a directory")


def test_analyze_calibration_of_text_names_the_column(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("A,B,Y\nx,1,1\n2,0,0\n")
    _bad_input(_run("analyze", f, "-y", "Y", "--calibrate", "crisp"),
               "column 'A'", "non-numeric", "'x'")


def test_analyze_31_conditions(tmp_path):
    f = tmp_path / "wide.csv"
    rng = np.random.default_rng(1)
    pd.DataFrame(rng.integers(0, 2, (10, 32)),
                 columns=[f"C{i}" for i in range(31)] + ["Y"]).to_csv(f, index=False)
    _bad_input(_run("analyze", f, "-y", "Y"), "too many conditions: 31")


def test_analyze_half_membership_is_one_warning_line(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("A,B,Y\n0.5,1,1\n1,0,0\n0,1,1\n")
    r = _run("analyze", f, "-y", "Y")
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert lines == [ln for ln in lines if ln.startswith("qcasim: warning: ")] and len(lines) == 1
    assert "exactly 0.5" in lines[0] and "_from_spec" not in r.stderr


def test_analyze_constant_column_is_accepted(tmp_path):
    # A constant condition is legal QCA input (R accepts it too): it just never varies.
    f = tmp_path / "d.csv"
    f.write_text("A,B,Y\n1,1,1\n1,0,0\n1,1,1\n")
    r = _run("analyze", f, "-y", "Y")
    assert r.exit_code == 0, r.output
    assert "A*B" in r.output


# --------------------------------------------------------------------------- experiments, stores


@pytest.mark.parametrize(
    ("toml", "fragments"),
    [
        ('[experiment\nname = "x"\n', ["invalid TOML"]),
        ('[experiment]\nname = "x"\nreplications = "many"\n', ["experiment.replications"]),
        ('[experiment]\nname = "x"\nreplications = 0\n', ["experiment.replications", "got 0"]),
        ('[experiment]\nname = "x"\n[base]\nincl_cut = 3\n', ["incl_cut", "got 3"]),
        ('[experiment]\nname = "x"\n[grid]\nn_workers = []\n', ["grid.n_workers"]),
        ('[experiment]\nname = "x"\n[base]\nreliability = 1.5\n', ["reliability"]),
        ('[experiment]\nname = "x"\n[base]\ncalibration = "magic"\n', ["calibration"]),
    ],
)
def test_benchmark_bad_toml(tmp_path, toml, fragments):
    f = tmp_path / "e.toml"
    f.write_text(toml)
    _bad_input(_run("benchmark", f, "-o", tmp_path / "out"), *fragments)
    assert not (tmp_path / "out" / "qcasim.db").exists()


@pytest.fixture
def store_with_records(tmp_path):
    f = tmp_path / "good.toml"
    f.write_text(GOOD_TOML.format(name="good", extra=""))
    out = tmp_path / "run"
    r = _run("benchmark", f, "-o", out, "-j", "1", "--no-progress", "--no-report")
    assert r.exit_code == 0, r.output
    return out


def _stored(out):
    with Store(out / "qcasim.db") as s:
        return s.experiments(), s.count()


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        ('scenario = "no-such-scenario"\n', ["scenario 'no-such-scenario'"]),
        ('scenario = "boolean:A**B"\n', ["cannot parse expression 'A**B'"]),
        ("n_conditions = 9\n", ["n_conditions = 9"]),
    ],
)
def test_failing_experiment_leaves_store_intact(tmp_path, store_with_records, extra, fragments):
    before = _stored(store_with_records)
    f = tmp_path / "bad.toml"
    f.write_text(GOOD_TOML.format(name="bad", extra="").replace(
        'scenario = "boolean:A*B + C"\n', "") .replace("[base]\n", "[base]\n" + (
            extra if extra.startswith("scenario") else 'scenario = "boolean:A*B + C"\n' + extra)))
    _bad_input(_run("benchmark", f, "-o", store_with_records, "-j", "1", "--no-progress"),
               *fragments)
    assert _stored(store_with_records) == before == (["good"], 2)
    con = sqlite3.connect(store_with_records / "qcasim.db")
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    assert _run("report", store_with_records).exit_code == 0


def test_not_a_store(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not SQLite\n")
    for args in (["report", junk], ["export", junk, tmp_path / "x.csv"]):
        _bad_input(_run(*args), "is not a qcasim results store")
    f = tmp_path / "good.toml"
    f.write_text(GOOD_TOML.format(name="good", extra=""))
    _bad_input(_run("benchmark", f, "-o", junk, "-j", "1", "--no-progress"),
               "is not a qcasim results store")
    assert junk.read_text() == "this is not SQLite\n"


def test_export_errors(tmp_path, store_with_records):
    _bad_input(_run("export", store_with_records, tmp_path / "x.csv", "-e", "nope"),
               "no experiment 'nope'")
    _bad_input(_run("export", store_with_records, tmp_path / "x.xlsx"), "unknown file type")
    _bad_input(_run("export", store_with_records, tmp_path / "no" / "dir" / "x.csv"),
               "non-existent directory")
    _bad_input(_run("export", tmp_path / "nothing", tmp_path / "x.csv"), "no results store")
    assert _stored(store_with_records) == (["good"], 2)


def test_unwritable_output_paths(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a directory is needed\n")
    f = tmp_path / "good.toml"
    f.write_text(GOOD_TOML.format(name="good", extra=""))
    _bad_input(_run("benchmark", f, "-o", blocker / "sub", "-j", "1", "--no-progress"),
               "cannot create the results store")
    _bad_input(_run("run", "-o", blocker / "sub", "--reps", "1", "-j", "1", "--no-progress"),
               "cannot create the results store")


def test_report_errors(tmp_path, store_with_records):
    _bad_input(_run("report", store_with_records, "-e", "nope"), "no experiment 'nope'")
    _bad_input(_run("report", tmp_path / "empty"), "no results store")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--ns", "a,b"], ["--ns", "must be comma-separated integers"]),
        (["--ns", ""], ["--ns", "needs at least one value"]),
        (["--ns", "1,20"], ["n_workers must be an integer >= 2"]),
        (["--criterion", "bogus"], ["--criterion", "'bogus' is not one of"]),
        (["--reliability", "2", "--ns", "20"], ["reliability must be a number in (0, 1]"]),
        (["--scenario", "nope", "--ns", "20"], ["scenario 'nope'"]),
    ],
)
def test_power_bad_options(tmp_path, args, fragments):
    r = _run("power", *args, "-o", tmp_path / "p", "-j", "1", "--no-progress")
    _bad_input(r, *fragments)


@pytest.mark.parametrize(
    "args",
    [["run", "--reps", "0"], ["power", "--target", "1.5"], ["power", "--reps", "0"],
     ["simulate", "--n-workers", "1"], ["simulate", "--seed", "-1"],
     ["simulate", "--engine", "warp"]],
)
def test_click_range_checks(args):
    _click_usage_error(_run(*args), "Invalid value")


# --------------------------------------------------------------------------- qcasim simulate


def _sim_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("qcasim: error: "), result.output
    for f in fragments:
        assert f in lines[0], (f, lines[0])


@pytest.mark.parametrize(
    ("toml", "fragments"),
    [
        ("name = \n", ["invalid TOML"]),
        ('name = "x"\nrecipe = "A"\n', ["x.toml"]),
    ],
)
def test_simulate_bad_scenario_file(tmp_path, toml, fragments):
    f = tmp_path / "x.toml"
    f.write_text(toml)
    _sim_error(_run("simulate", "--scenario", f, "-o", tmp_path / "c.csv"), *fragments)


@pytest.mark.parametrize(
    ("setting", "fragments"),
    [
        ("recipe=A**B", ["cannot parse expression"]),
        ("recipe=ZZZ*SBW", ["unknown condition(s) 'ZZZ'"]),
        ("hazard.baseline_sustain=1.5", ["baseline_sustain"]),
        ("programme.n_workers=abc", ["n_workers"]),
        ("conditions.NOPE.reliability=0.5", ["NOPE"]),
    ],
)
def test_simulate_bad_settings(tmp_path, setting, fragments):
    _sim_error(_run("simulate", "--set", setting, "-o", tmp_path / "c.csv"), *fragments)


def test_simulate_unwritable_output(tmp_path):
    _sim_error(_run("simulate", "--n-workers", "5", "-o", tmp_path / "no" / "dir" / "c.csv"),
               "cannot write output")


# --------------------------------------------------------------------------- the Python API


@pytest.fixture
def data():
    return pd.DataFrame({"A": [0, 1, 1, 0, 1], "B": [1, 1, 0, 0, 1], "Y": [0, 1, 1, 0, 1]})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: qca.calibrate(np.array([1.0, np.nan, 3.0]), "fuzzy", thresholds=(1, 2, 3)),
         "missing"),
        (lambda d: qca.calibrate(["a", "b"], "fuzzy", thresholds=(1, 2, 3)), "numeric"),
        (lambda d: qca.calibrate([1, 2, 3], "fuzzy", thresholds="e=1,c=x,i=3"), "non-numeric"),
        (lambda d: qca.calibrate([1, 2, 3], "fizzy", thresholds=(1, 2, 3)), "type must be"),
        (lambda d: qca.calibrate([], "fuzzy", thresholds=(1, 2, 3)), "empty"),
        (lambda d: qca.superset(d, "Q"), "unknown column"),
        (lambda d: qca.superset(d, "Y", incl_cut=2), "incl_cut"),
        (lambda d: qca.superset(d.assign(A=[0, np.nan, 1, 0, 1]), "Y"), "missing value"),
        (lambda d: qca.superset(d.assign(A=[0, 1.5, 1, 0, 1]), "Y"), "outside \\[0, 1\\]"),
        (lambda d: qca.superset(d, "Y", depth=0), "depth"),
        (lambda d: qca.pof("A**B", "Y", data=d), "cannot parse expression"),
        (lambda d: qca.plot.xy_plot("A", "Y", data=d, relation="x"), "relation"),
        (lambda d: qca.plot.xy_plot([0, 2], [0, 1]), "memberships in \\[0, 1\\]"),
        (lambda d: qca.plot.xy_plot("Z", "Y", data=d), "unknown condition"),
        (lambda d: qca.robustness(d, "Y", incl_cuts=[2.0]), "incl_cut"),
        (lambda d: qca.false_positive_tests(d), "needs a TruthTable"),
        (lambda d: qca.false_positive_tests(qca.truth_table(d, "Y"), n_permutations=0),
         "n_permutations"),
        (lambda d: qca.find_rows(qca.truth_table(d, "Y"), type=9), "type must be"),
    ],
)
def test_api_bad_input_is_one_qca_error(data, call, message):
    with pytest.raises(qca.QCAError, match=message):
        call(data)


def test_store_refuses_directory_and_junk(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        Store(tmp_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00" * 10 + b"junk" * 100)
    with pytest.raises(ValueError, match="not a qcasim results store"):
        Store(junk)
