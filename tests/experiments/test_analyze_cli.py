"""qcasim analyze: engine limits, progress, conflicting options, messages naming the culprit."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qcasim.cli import cli


def _run(*args):
    return CliRunner().invoke(cli, ["analyze", *[str(a) for a in args]])


def _error(r, code=2):
    assert r.exit_code == code, r.output
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("qcasim: error: "), r.stderr
    return lines[0]


@pytest.fixture
def ok(tmp_path):
    f = tmp_path / "ok.csv"
    pd.DataFrame({"A": [0, 1, 1, 0], "B": [1, 0, 1, 0], "Y": [1, 0, 1, 0]}).to_csv(f, index=False)
    return f


@pytest.fixture
def tied(tmp_path):
    # ~A -> Y and ~B -> Y tie for the parsimonious solution
    f = tmp_path / "tied.csv"
    f.write_text("A,B,Y\n0,0,1\n1,1,0\n")
    return f


def test_max_models_caps_the_listed_models(tied):
    r = _run(tied, "-y", "Y", "--solution", "parsimonious")
    assert r.exit_code == 0 and "M2: (~B) -> Y" in r.output
    r = _run(tied, "-y", "Y", "--solution", "parsimonious", "--max-models", "1")
    assert r.exit_code == 0, r.output
    assert "M1: ~A -> Y" in r.output and "M2" not in r.output
    assert "raise --max-models" in r.stderr
    assert "Invalid value for '--max-models'" in _error(_run(tied, "-y", "Y", "--max-models", "0"))


def test_progress(ok):
    r = _run(ok, "-y", "Y", "--progress")
    assert r.exit_code == 0, r.output
    for line in ("qcasim: truth table of 4 cases x 2 conditions ...",
                 "qcasim: minimizing: conservative solution ...",
                 "qcasim: parsimonious solution: 1 model(s) in "):
        assert line in r.stderr
    assert "qcasim:" not in _run(ok, "-y", "Y", "--no-progress").stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--anchors", "A=1,2,3"], "--anchors sets calibration anchors; it needs --calibrate"),
        (["--solution", "conservative", "--dir-exp", "A"],
         "--dir-exp applies to the intermediate solution only"),
        (["--solution", "parsimonious", "--dir-exp", "A"], "not to --solution parsimonious"),
    ],
)
def test_conflicting_options(ok, args, fragment):
    line = _error(_run(ok, "-y", "Y", *args))
    assert fragment in line and "(see 'qcasim analyze --help')" in line


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-c", "A,Y"], "--conditions lists the outcome 'Y'"),
        (["--calibrate", "fuzzy", "--anchors", "A=3,1,2"], "calibrating --anchors A=3,1,2: "),
        (["--calibrate", "fuzzy", "--anchors", "B=1,x,2"], "(column 'B')"),
        (["--calibrate", "fuzzy", "--anchors", "B=1,2"], "(column 'B') needs three numbers"),
        (["--calibrate", "fuzzy", "--anchors", "=1,2,3"], "cannot read '=1,2,3'"),
    ],
)
def test_messages_name_the_culprit(ok, args, fragment):
    assert fragment in _error(_run(ok, "-y", "Y", *args))


def test_percentile_anchor_failure_names_the_column(tmp_path):
    f = tmp_path / "const.csv"
    f.write_text("A,B,Y\n1,5,1\n2,5,0\n3,5,1\n")
    line = _error(_run(f, "-y", "Y", "--calibrate", "fuzzy"))
    assert "column 'B' (percentile anchors 5, 5, 5)" in line


def test_text_digits_are_numbers_and_text_is_named(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text('A,B,Y\n"0",1,1\n"1",0,0\n"1",1,1\n')
    r = _run(f, "-y", "Y")
    assert r.exit_code == 0, r.output
    f.write_text("A,B,Y\n0,1,1\nyes,0,0\n1,1,1\n")
    line = _error(_run(f, "-y", "Y"))
    assert "'A'" in line and "'yes'" in line and "None" not in line


def test_one_case_warns(tmp_path):
    f = tmp_path / "one.csv"
    f.write_text("A,B,Y\n1,0,1\n")
    r = _run(f, "-y", "Y")
    assert r.exit_code == 0, r.output
    assert "has 1 case: a truth table of one row says nothing" in r.stderr
    assert "the parsimonious solution is '1' (always true)" in r.stderr


def test_no_tautology_warning_on_real_data(tmp_path):
    f = tmp_path / "d.csv"
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 2, 40), rng.integers(0, 2, 40)
    pd.DataFrame({"A": a, "B": b, "Y": a & b}).to_csv(f, index=False)
    r = _run(f, "-y", "Y")
    assert r.exit_code == 0 and "A*B -> Y" in r.output and "warning" not in r.stderr
