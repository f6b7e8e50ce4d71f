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
        (["--anchors", "A=1,2,3"], "--anchors, --thresholds and --idm set calibration; they need"),
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


# --------------------------------------------------------------- explicit calibration (#24 item 3)

LF_THRESHOLDS = ("DEV=e:400,c:550,i:900; URB=e:25,c:50,i:65; LIT=50,75,90; IND=20,30,40; "
                 "STB=e:15,c:9.5,i:5; SURV=-9,0,10")


@pytest.fixture
def lr_csv(tmp_path):
    import qca

    f = tmp_path / "LR.csv"
    qca.datasets.load("LR").to_csv(f)  # the index column is "case"
    return f


def test_lipset_lf_from_raw_data_as_r(lr_csv, tmp_path):
    """R: LF <- round(calibrate(LR, thresholds, idm = 0.9525741), 2); minimize(truthTable(LF,
    "SURV", incl.cut = 0.8)) -- R's answers in the shared reference (datasets/answers/LF.json)."""
    table = tmp_path / "cal.csv"
    r = _run(lr_csv, "-y", "SURV", "--index", "case", "--calibrate", "fuzzy",
             "--thresholds", LF_THRESHOLDS, "--idm", "0.9525741", "--round", "2",
             "--dir-exp", "DEV,URB,LIT,IND,STB", "--save-calibration", table)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "M1: DEV*~URB*LIT*~IND*STB + DEV*URB*LIT*IND*STB -> SURV" in out  # conservative
    assert "M1: DEV*~IND + URB*STB -> SURV" in out  # parsimonious
    assert "M1: DEV*URB*LIT*STB + DEV*LIT*~IND*STB -> SURV" in out  # intermediate
    for fit in ("0.870  0.843  0.658", "0.850  0.819  0.714"):  # R: inclS PRI covS
        assert fit in out
    # the anchors are printed and saved
    assert "DEV     fuzzy  e=400, c=550, i=900, idm 0.952574  (given by --thresholds)" in out
    cal = pd.read_csv(table).set_index("column")
    assert cal.loc["STB", "thresholds"] == "e=15, c=9.5, i=5"
    assert cal.loc["LIT", "source"] == "given by --thresholds" and cal.loc["SURV", "idm"] == 0.9525741
    assert "percentile" not in r.stderr


def test_lipset_calibration_file_equals_the_option(lr_csv, tmp_path):
    f = tmp_path / "lf.toml"
    f.write_text('type = "fuzzy"\nidm = 0.9525741\n[thresholds]\nDEV = [400, 550, 900]\n'
                 'URB = {e = 25, c = 50, i = 65}\nLIT = "50,75,90"\nIND = [20, 30, 40]\n'
                 'STB = [15, 9.5, 5]\nSURV = [-9, 0, 10]\n')
    r = _run(lr_csv, "-y", "SURV", "--index", "case", "--calibration", f, "--round", "2",
             "--solution", "parsimonious")
    assert r.exit_code == 0, r.output
    assert "M1: DEV*~IND + URB*STB -> SURV" in r.stdout and "(given by calibration file)" in r.stdout


def test_crisp_calibration_never_splits_at_the_median_silently(lr_csv):
    line = _error(_run(lr_csv, "-y", "SURV", "--index", "case", "--calibrate", "crisp"))
    assert "no thresholds for column(s) 'DEV', 'URB'" in line and "--anchors percentile" in line
    r = _run(lr_csv, "-y", "SURV", "--index", "case", "--calibrate", "crisp",
             "--anchors", "percentile", "--thresholds", "SURV=c:0")
    assert r.exit_code == 0, r.output
    assert "median of the data" in r.stdout and "SURV    crisp  c=0" in r.stdout
    assert "anchors taken from the data (median split), not from theory" in r.stderr


def test_fuzzy_percentile_fallback_is_said(lr_csv):
    r = _run(lr_csv, "-y", "SURV", "--index", "case", "--calibrate", "fuzzy",
             "--thresholds", "SURV=-9,0,10")
    assert r.exit_code == 0, r.output
    assert "percentile 10/50/90 of the data" in r.stdout
    assert "10/50/90 percentiles" in r.stderr and "'SURV'" not in r.stderr.split("warning")[1]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--thresholds", "DEV=1,2,3"], "they need --calibrate fuzzy or crisp"),
        (["--calibrate", "fuzzy", "--thresholds", "NOPE=1,2,3"], "no analysed column 'NOPE'"),
        (["--calibrate", "fuzzy", "--thresholds", "DEV=e:1,2,3"], "by name (e:,c:,i:) or none"),
        (["--calibrate", "fuzzy", "--thresholds", "DEV=e:1,c:x"], "--thresholds DEV: cannot read"),
        (["--calibrate", "fuzzy", "--thresholds", "DEV=1,2,3;DEV=1,2,3"], "'DEV' given twice"),
        (["--calibrate", "fuzzy", "--thresholds", "DEV=3,2,1,0"], "--thresholds DEV=3,2,1,0"),
        (["--calibrate", "fuzzy", "--idm", "1.5", "--thresholds", "DEV=1,2,3"], "--idm must be"),
        (["--calibrate", "fuzzy", "--anchors", "DEV=1,2,3", "--thresholds", "DEV=1,2,3"],
         "thresholds from both --anchors and --thresholds"),
    ],
)
def test_calibration_errors_name_the_culprit(lr_csv, args, fragment):
    assert fragment in _error(_run(lr_csv, "-y", "SURV", "--index", "case", *args))


def test_calibration_table_never_overwrites_the_input(lr_csv):
    line = _error(_run(lr_csv, "-y", "SURV", "--index", "case", "--calibrate", "fuzzy",
                       "--thresholds", LF_THRESHOLDS, "--save-calibration", lr_csv))
    assert "is the input file" in line
    assert "DEV" in lr_csv.read_text()


def test_quoted_column_names_with_spaces(tmp_path):
    f = tmp_path / "s.csv"
    rng = np.random.default_rng(5)
    a, b, c = (rng.integers(0, 2, 40) for _ in range(3))
    pd.DataFrame({"per capita GNP": a, "urban, share": b, "C": c, "the outcome": a & b}).to_csv(
        f, index=False)
    r = _run(f, "-y", "the outcome", "-c", '"per capita GNP","urban, share",C',
             "--dir-exp", '"per capita GNP","urban, share"', "--solution", "all")
    assert r.exit_code == 0, r.output
    assert "per_capita_GNP*urban_share -> the_outcome" in r.stdout
    assert "'per capita GNP' as per_capita_GNP" in r.stdout
    line = _error(_run(f, "-y", "the outcome", "-c", '"per capita GNP,C'))
    assert "double quote" in line or "no column" in line


def test_too_large_fuzzy_table_is_refused_at_once(tmp_path, monkeypatch):
    import experiments.analyze as an

    monkeypatch.setattr(an, "MAX_WORK", 10_000)
    f = tmp_path / "big.csv"
    rng = np.random.default_rng(1)
    pd.DataFrame(rng.random((300, 9)).round(3),
                 columns=[*(f"C{i}" for i in range(8)), "Y"]).to_csv(f, index=False)
    line = _error(_run(f, "-y", "Y", "--progress"))
    assert "300 cases in" in line and "too large to analyse here" in line


def test_too_many_configurations_are_refused_at_once(tmp_path, monkeypatch):
    import experiments.analyze as an

    monkeypatch.setattr(an, "MAX_ROWS", 50)
    f = tmp_path / "wide.csv"
    rng = np.random.default_rng(2)
    pd.DataFrame(rng.integers(0, 2, (400, 11)),
                 columns=[*(f"C{i}" for i in range(10)), "Y"]).to_csv(f, index=False)
    line = _error(_run(f, "-y", "Y", "--time-limit", "20"))
    assert "400 cases fall in" in line and "(at most 50)" in line
