"""The store items of issue #22 on the command line: output paths checked against the store and
the inputs, safe file names, printable echo, read-only reads with true messages, validation
before any work."""

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from qcasim.cli import cli

TOML = ('[experiment]\nname = {name}\nreplications = 2\nseed = 1\n'
        '[base]\nscenario = "boolean:A*B + C"\nsolutions = ["parsimonious"]\n'
        '[grid]\nn_workers = [20]\n{extra}')


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _error(result, *fragments, code=2):
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("qcasim: error: "), result.stderr
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


def _toml(tmp_path, name='"toy"', extra=""):
    f = tmp_path / "toy.toml"
    f.write_text(TOML.format(name=name, extra=extra))
    return f


def _bench(f, out, *extra):
    return _run("benchmark", f, "-o", out, "-j", "1", "--no-progress", *extra)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stored")
    out = tmp / "R"
    r = _bench(_toml(tmp), out, "--no-report")
    assert r.exit_code == 0, r.output
    return out


def _replications(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
    finally:
        con.close()


# item 1: never over the store or an input
@pytest.mark.parametrize("target", ["qcasim.db", "qcasim.db-wal", "qcasim.db.lock"])
def test_report_over_the_store_is_refused(stored, target):
    before = (stored / "qcasim.db").read_bytes()
    _error(_run("report", stored, "-o", stored / target), "is the results store",
           "would destroy the stored results")
    assert (stored / "qcasim.db").read_bytes() == before


def test_export_over_the_store_is_refused(stored):
    _error(_run("export", stored, stored / "qcasim.db"), "is the results store")
    assert _replications(stored / "qcasim.db") == 2


def test_report_over_the_experiment_file_is_refused(tmp_path):
    f = _toml(tmp_path)
    text = f.read_text()
    # the report's default name is <out>/<name>.html; an experiment named like its own file
    # in the same folder would overwrite it
    g = tmp_path / "toy.html"
    g.write_text(text)
    _error(_bench(g, tmp_path, "--report"), "is the input file")
    assert g.read_text() == text and not (tmp_path / "qcasim.db").exists()


# item 2: names become safe file names inside -o
def test_hostile_experiment_name_stays_inside_the_output_folder(tmp_path):
    out = tmp_path / "deep" / "R"
    r = _bench(_toml(tmp_path, name='"../../x"'), out)
    assert r.exit_code == 0, r.output
    htmls = sorted(p.name for p in out.glob("*.html"))
    assert len(htmls) == 1 and htmls[0].startswith("x-"), htmls
    assert not list(tmp_path.glob("x*.html")) and not list((tmp_path / "deep").glob("*.html"))


def test_limited_diversity_csv_name_and_cells_are_safe(tmp_path):
    f = tmp_path / "ld.toml"
    f.write_text('[experiment]\nname = "/tmp/=evil"\nkind = "limited_diversity"\n'
                 '[limited_diversity]\ntruth = "A*B + C"\nconditions = ["A", "B", "C"]\n'
                 'deletions = [1]\n')
    r = _run("benchmark", f, "-o", tmp_path / "R")
    assert r.exit_code == 0, r.output
    csvs = list((tmp_path / "R").glob("*.csv"))
    assert len(csvs) == 1 and csvs[0].name.startswith("tmp_evil-")
    assert not Path("/tmp/=evil.csv").exists()


# item 8: no control characters echoed
def test_ansi_in_names_is_not_echoed(tmp_path, stored):
    r = _bench(_toml(tmp_path, name='"red\\u001b[31mname\\u0007"'), tmp_path / "R")
    _error(r, "contains a control character")
    assert "\x1b" not in r.output and "\x07" not in r.output
    r = _run("report", stored, "-e", "nope\x1b[2J")
    assert "\x1b" not in r.stderr
    _error(r, "no experiment 'nope'")


# items 9, 10: read commands open the store read-only, say true things
def test_read_commands_do_not_write(stored, tmp_path):
    db = stored / "qcasim.db"
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    r = _run("export", stored, tmp_path / "x.csv")
    assert r.exit_code == 0, r.output
    assert "2 replications" in r.stdout or "of 2" in r.stdout or "2 of 2" in r.stdout, r.stdout
    r = _run("report", stored, "-o", tmp_path / "r.html")
    assert r.exit_code == 0, r.output
    assert "Covers " in r.stdout
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before


def test_empty_file_is_not_turned_into_a_store(tmp_path):
    db = tmp_path / "qcasim.db"
    db.write_bytes(b"")
    for args in (("export", tmp_path, tmp_path / "x.csv"), ("report", tmp_path)):
        r = _run(*args)
        assert r.exit_code == 2, r.output
        assert "Traceback" not in r.output
    assert db.read_bytes() == b""


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_folder_is_readable(stored, tmp_path):
    import shutil

    ro = tmp_path / "ro"
    shutil.copytree(stored, ro)
    for p in ro.iterdir():
        if p.name.endswith(("-wal", "-shm", ".lock")):
            p.unlink()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        r = _run("export", ro, tmp_path / "x.csv")
        assert r.exit_code == 0, r.output
        assert "not a qcasim results store" not in r.output
    finally:
        ro.chmod(stat.S_IRWXU)


# item 12: validation before any work
def test_power_target_nan_refused_before_running(tmp_path):
    _error(_run("power", "--scenario", "boolean:A*B + C", "--target", "nan", "--ns", "20",
                "--reps", "2", "-o", tmp_path / "R", "-j", "1"), "--target")
    assert not (tmp_path / "R").exists()


@pytest.mark.parametrize("cmd", ["benchmark", "power"])
def test_bad_scheduler_refused_before_running(tmp_path, cmd):
    args = ([cmd, _toml(tmp_path)] if cmd == "benchmark" else
            [cmd, "--scenario", "boolean:A*B + C", "--ns", "20", "--reps", "2"])
    _error(_run(*args, "-o", tmp_path / "R", "--scheduler", "not a url"),
           "is not a Dask scheduler address")
    assert not (tmp_path / "R").exists()


def test_bad_headline_n_refused_before_running(tmp_path):
    f = _toml(tmp_path, extra='[report]\nheadline_n = "x"\n')
    _error(_bench(f, tmp_path / "R"), "headline_n")
    assert not (tmp_path / "R").exists()
