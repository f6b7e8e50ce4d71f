"""qcasim plan (#20 item 5) and the planner's answer under qcasim run (#20 item 6)."""

import json

import pytest
from click.testing import CliRunner

import qcasim.cli as cli_module
from qcasim.cli import cli

BOOL = "boolean:A*B + C*~D"
SPACE = ('[space]\nn_grid = [20, 40, 80, 160, 320]\nincl_cut = [0.8]\nn_cut = [1]\n'
         'conditions = ["theory"]\n')
FAST = ["--target", "exact >= 0.8", "--n-pop", "20000", "--draws", "200", "--no-verify",
        "--no-robust", "--seed", "5"]


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _error(result, *fragments):
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("qcasim: error: "), result.stderr
    for f in fragments:
        assert f in lines[0], (f, lines[0])


@pytest.fixture
def space(tmp_path):
    f = tmp_path / "space.toml"
    f.write_text(SPACE)
    return f


def test_plan_prints_the_answer_and_writes_its_files(tmp_path, space):
    r = _run("plan", BOOL, "--space", space, *FAST, "-o", tmp_path / "P", "--json",
             tmp_path / "p.json")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"Study plan for {BOOL}: target exact recovery >= 80%")
    assert "Recruit N = " in r.stdout
    doc = json.loads((tmp_path / "p.json").read_text())
    assert doc["recommended"]["n"] >= 20 and len(doc["fingerprint"]) == 16
    names = sorted(p.name for p in (tmp_path / "P").iterdir())
    assert [n.split(".", 1)[1] for n in names if not n.startswith("qcasim.db")] == [
        "plan-pareto.png", "plan.html"]
    assert "qcasim.db" in names  # the plan's work, kept for a resume
    assert "<section class='qcasim-plan'>" in (tmp_path / "P" / names[1]).read_text()
    again = _run("plan", BOOL, "--space", space, *FAST, "-o", tmp_path / "P", "-j", "1")
    assert again.exit_code == 0, again.output
    assert "Resumed from the store" in again.stdout and "0 computed" in again.stdout


def test_plan_is_reproducible(tmp_path, space):
    a = _run("plan", BOOL, "--space", space, *FAST, "--json", tmp_path / "a.json")
    b = _run("plan", BOOL, "--space", space, *FAST, "--json", tmp_path / "b.json", "-j", "2")
    assert a.exit_code == b.exit_code == 0
    da, db = (json.loads((tmp_path / f).read_text()) for f in ("a.json", "b.json"))
    da.pop("run"), db.pop("run")  # timings and workers: not part of the answer
    assert da == db


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--target", "exact >= 1.5"], ["target"]),
        (["--target", "nonsense"], ["target"]),
        (["--set", "incl_cut=0.8"], ["lever of the design space"]),
    ],
)
def test_plan_bad_input_exits_2(tmp_path, space, args, fragments):
    _error(_run("plan", BOOL, "--space", space, "--no-verify", "--no-robust", *args),
           *fragments)


def test_plan_bad_space_and_cost_files_exit_2_before_work(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[space]\nbogus = [1]\n")
    _error(_run("plan", BOOL, "--space", bad), "unknown lever 'bogus'")
    bad.write_text("[cost]\nper_case = -1\n")
    _error(_run("plan", BOOL, "--cost", bad), "per_case")
    bad.write_text("[space\n")
    _error(_run("plan", BOOL, "--space", bad), "invalid TOML")


def test_plan_never_writes_over_its_inputs(tmp_path, space):
    text = space.read_text()
    _error(_run("plan", BOOL, "--space", space, *FAST, "--json", space), "is the input file")
    assert space.read_text() == text


# ------------------------------------------------------------------ qcasim run answers the planner

SMALL_STUDY = ('[experiment]\nname = "kbop_default"\nreplications = 4\nseed = 3\n'
               f'[base]\nscenario = "{BOOL}"\ncal_type = "crisp"\nsolutions = ["parsimonious"]\n'
               '[grid]\nn_workers = [40]\nincl_cut = [0.8]\n'
               '[report]\nheadline_n = 40\n'
               'reference = {incl_cut = 0.8, cal_type = "crisp"}\n')


@pytest.fixture
def small_run(tmp_path, monkeypatch):
    """`qcasim run` on a small Boolean study, with a fast plan."""
    import experiments.design as design

    f = tmp_path / "small.toml"
    f.write_text(SMALL_STUDY)
    real = design.load_experiment
    monkeypatch.setattr(design, "load_experiment",
                        lambda name: real(f) if name == "kbop_default" else real(name))
    from experiments.plan import DesignSpace  # noqa: F401 (the planner is importable)

    monkeypatch.setattr(cli_module, "RUN_PLAN", {
        "target": "exact >= 0.8", "space": {"n_grid": [20, 40, 80, 160, 320], "incl_cut": [0.8],
                                             "n_cut": [1], "conditions": ["theory"]},
        "n_pop": 20_000, "n_draws": 200, "verify": False, "robust": False, "seed": 5})
    return tmp_path / "R"


def test_run_headline_answers_the_planner_and_reuses_the_plan(small_run):
    r = _run("run", "-o", small_run, "-j", "1", "--no-progress")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "The planner's answer" in out
    assert "At the reported design (N = 40, every observed condition, crisp" in out
    assert "100% (51%-100%, 4 simulated studies)" in out
    assert "Cheapest design reaching the target: N = " in out and "cost " in out
    assert "(computed;" in out
    plan_json = small_run / "kbop_default.plan.json"
    first = plan_json.read_text()
    assert json.loads(first)["fingerprint"]
    from experiments.store import Store

    with Store(small_run / "qcasim.db", readonly=True) as s:  # the plan's work, for a resume
        assert s.plan_work_counts().get("rates", 0) > 0
        assert list(s.runs("plan:kbop_default")["status"]) == ["done"]
    # the JSON lost (as if the plan had been interrupted): recomputed from the stored work
    plan_json.unlink()
    r = _run("run", "-o", small_run, "-j", "1", "--no-progress")
    assert r.exit_code == 0, r.output
    doc, old = json.loads(plan_json.read_text()), json.loads(first)
    assert doc["run"]["computed"] == {} and doc["run"]["reused"]["rates"] > 0
    doc.pop("run"), old.pop("run")
    assert doc == old
    first = plan_json.read_text()
    r = _run("run", "-o", small_run, "-j", "1", "--no-progress")
    assert r.exit_code == 0, r.output
    assert "(reused: same scenario, settings and results version;" in r.stdout
    assert plan_json.read_text() == first
    r = _run("run", "-o", small_run, "-j", "1", "--no-progress", "--no-plan")
    assert r.exit_code == 0 and "planner" not in r.stdout


def test_plan_cache_changes_with_its_arguments(tmp_path):
    from experiments.plan_files import plan_fingerprint

    a = plan_fingerprint(BOOL, {"seed": 1})
    assert a == plan_fingerprint(BOOL, {"seed": 1})
    assert a != plan_fingerprint(BOOL, {"seed": 2})
    assert a != plan_fingerprint("boolean:A*B", {"seed": 1})


@pytest.mark.parametrize("args", [["--help"], ["plan", "--help"], ["analyze", "--help"],
                                  ["run", "--help"]])
def test_help_imports_no_heavy_library(args):
    """`qcasim --help` stays fast (#24 item 7: < 0.5 s) because it imports neither numpy,
    pandas, matplotlib nor Mesa: the library is imported inside the commands."""
    import subprocess
    import sys

    code = ("import sys; from qcasim.cli import cli\n"
            f"try:\n    cli.main({args!r}, prog_name='qcasim', standalone_mode=False)\n"
            "except SystemExit:\n    pass\n"
            "heavy = sorted(m for m in ('numpy', 'pandas', 'matplotlib', 'mesa', 'scipy') "
            "if m in sys.modules)\nprint('HEAVY', heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "HEAVY []" in out, out[-500:]


def test_power_mde_on_a_boolean_scenario_searches_the_outcome_gap(tmp_path):
    """#19 wired on the command line: --mde on boolean: scenarios searches the outcome gap
    (default effects 0.02-0.25), with the power verdict's sentence."""
    r = _run("power", "--scenario", "boolean:A*B + C", "--mde", "40", "--reps", "4", "-j", "1",
             "--no-progress", "-o", tmp_path / "R")
    assert r.exit_code == 0, r.output
    assert "by outcome_gap" in r.stdout and "outcome_gap =   0.25" in r.stdout
    _error(_run("power", "--scenario", "boolean:A*B + C", "--mde", "40", "--effects", "0.7,0.9",
                "--reps", "2", "-o", tmp_path / "R2"), "outcome gaps searched must be in")
    _error(_run("power", "--scenario", "boolean:A*B + C", "--effects", "0.1", "--ns", "20",
                "-o", tmp_path / "R3"), "--effects is searched by --mde N")


def test_a_scenario_warning_is_said_once_whichever_part_of_run_said_it():
    from qcasim.cli import _warning_key

    study = "kbop.toml: recipe path 1 (A*B) is expected in 1.9 of 15 workers (< 3): too few cases"
    plan = "kbop: recipe path 1 (A*B) is expected in 2.0 of 15 workers (< 3): too few cases"
    other = "kbop: recipe path 2 (C) is expected in 2.0 of 15 workers (< 3): too few cases"
    assert _warning_key(study) == _warning_key(plan) != _warning_key(other)
