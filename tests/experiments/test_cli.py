import pandas as pd
from click.testing import CliRunner

from qcasim.cli import cli


def _run(*args):
    return CliRunner().invoke(cli, list(args))


def _one_red_line(result):
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("qcasim: ")
    assert "Traceback" not in result.output


def test_version():
    r = _run("--version")
    assert r.exit_code == 0 and "qcasim" in r.output


def test_bad_toml_exits_2_with_one_line(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('[experiment]\nname = "x"\ncolour = "red"\n')
    r = _run("benchmark", str(f), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    _one_red_line(r)
    assert "colour" in r.stderr and "bad.toml" in r.stderr


def test_missing_file_and_store_exit_2(tmp_path):
    r = _run("benchmark", str(tmp_path / "nope.toml"))
    assert r.exit_code == 2
    _one_red_line(r)
    r = _run("report", str(tmp_path / "empty"))
    assert r.exit_code == 2
    _one_red_line(r)


def test_debug_shows_traceback(tmp_path):
    r = _run("--debug", "benchmark", str(tmp_path / "nope.toml"))
    assert r.exit_code != 0 and r.exception is not None


def test_benchmark_report_export(tmp_path):
    f = tmp_path / "toy.toml"
    f.write_text(
        '[experiment]\nname = "toy"\nreplications = 3\nseed = 1\nbatch_size = 3\n'
        '[base]\nscenario = "boolean:A*B + C"\nsolutions = ["conservative", "parsimonious"]\n'
        '[grid]\nn_workers = [20, 65]\n[report]\nsolution = "parsimonious"\n')
    out = tmp_path / "run"
    r = _run("benchmark", str(f), "-o", str(out), "-j", "1", "--no-progress")
    assert r.exit_code == 0, r.output
    assert "With 65 cases" in r.output  # a Boolean study speaks of cases, not workers
    html = (out / "toy.html").read_text()
    assert "how often does the parsimonious solution" in html and "data:image/png;base64," in html
    r = _run("report", str(out))
    assert r.exit_code == 0 and "Report:" in r.output
    r = _run("export", str(out), str(tmp_path / "x.csv"))
    assert r.exit_code == 0
    assert len(pd.read_csv(tmp_path / "x.csv")) == 6
    r = _run("power", "--scenario", "boolean:A*B + C", "--ns", "20,40", "--reps", "3",
             "--criterion", "error_free", "-o", str(out), "-j", "1", "--no-progress")
    assert r.exit_code == 0, r.output
    assert "N = " in r.output


def test_limited_diversity_benchmark(tmp_path):
    r = _run("benchmark", "limited_diversity", "-o", str(tmp_path))
    assert r.exit_code == 0
    assert "43.75" in r.output and "16.67" in r.output


def test_analyze_csv(tmp_path):
    f = tmp_path / "d.csv"
    pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 1, 0, 1], "Y": [0, 1, 1, 1]}).to_csv(f, index=False)
    r = _run("analyze", str(f), "-y", "Y")
    assert r.exit_code == 0, r.output
    assert "A + B" in r.output
    r = _run("analyze", str(f), "-y", "Z")
    assert r.exit_code == 2
    _one_red_line(r)


def test_analyze_intermediate_with_case_index():
    from pathlib import Path

    lf = Path(__file__).parents[1] / "data" / "reference" / "datasets" / "LF.csv"
    res = CliRunner().invoke(cli, ["analyze", str(lf), "-y", "SURV", "--index", "case",
                                   "--solution", "intermediate", "--dir-exp", "DEV,URB,LIT,IND,STB"])
    assert res.exit_code == 0, res.output
    assert "M1: DEV*URB*LIT*STB + DEV*LIT*~IND*STB -> SURV" in res.output
    res = CliRunner().invoke(cli, ["analyze", str(lf), "-y", "SURV", "--index", "case",
                                   "--solution", "intermediate"])
    assert res.exit_code == 2 and "needs --dir-exp" in res.output


def test_the_cli_says_before_building(monkeypatch, capsys):
    import qcasim.cli as cli
    from qca import cover

    loaded = []
    monkeypatch.setattr(cover, "compiled_searches_need_building", lambda: True)
    monkeypatch.setattr(cover, "load_compiled_searches", lambda: loaded.append(1) or True)
    cli._prepare_engine()
    assert "building the compiled cover searches" in capsys.readouterr().err and loaded
