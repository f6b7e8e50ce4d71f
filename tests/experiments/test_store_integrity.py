"""The store as the single source of truth (issue #22): run plans and snapshots, one writer,
read-only reading, true messages, corrupt rows, canonical cells, removed cells, completeness."""

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import warnings
from importlib import resources

import pandas as pd
import pytest

from experiments import pipeline
from experiments.analysis import output_record
from experiments.design import experiment_from_dict
from experiments.methods import MethodResult
from experiments.paths import OutputPathError
from experiments.runner import run_experiment
from experiments.store import Store, StoreBusyError, StoreConflictError, StoreError, explain

from .toy_store import TOY, _raw, _run  # noqa: F401


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def done(tmp_path):
    """A complete toy store, closed."""
    db = tmp_path / "s.db"
    with Store(db) as s:
        _run(s, _raw())
    return db


# ------------------------------------------------------------------ item 3, 7: plan, snapshot


def test_run_plan_records_cells_seeds_fingerprints_and_truth(done):
    with Store(done, readonly=True) as s:
        plan = s.run_plan("toy")
        assert plan is not None and len(plan["cells"]) == 2 and plan["replications"] == 4
        cells = {c["key"]: c for c in plan["cells"]}
        stored = s.frame("toy")
        assert set(stored["fingerprint"]) == {c["fingerprint"] for c in cells.values()}
        truth = s.truth("toy")
        assert {t["recipe"] for t in truth.values()} == {"A*B + C"}
        assert sorted(next(iter(truth.values()))["paths"]) == ["A*B", "C"]
        runs = s.runs("toy")
        assert list(runs["status"]) == ["done"] and runs["pid"].iloc[0] == os.getpid()
        assert s.check("toy") == []


def test_scenario_edited_mid_run_workers_use_the_snapshot(tmp_path):
    """Item 3: the file is edited after the first batch (and every cache is cleared, as in a
    fresh worker process); every replication is still computed from the snapshot, equal to a
    run of the original file, and the stored truth is the original recipe."""
    text = (resources.files("sim") / "scenarios" / "kbop.toml").read_text()
    scen = tmp_path / "my.toml"
    scen.write_text(text)
    raw = _raw(base__scenario=str(scen), grid__n_workers=[12])
    raw["experiment"].update(replications=4, batch_size=1)
    edited = text.replace('recipe = "~SBW*INNOV*~CASELOAD + ~INNOV*~WORKLOAD*LONGMEET + '
                          'WORKLOAD*INNOV*LONGMEET"', 'recipe = "SBW*INNOV"')
    assert edited != text

    def edit(n_done):
        if n_done == 1:
            scen.write_text(edited)
            pipeline._cell_setup.cache_clear()
            pipeline._generator.cache_clear()

    exp = experiment_from_dict(raw)
    with pytest.warns(Warning), Store(tmp_path / "a.db") as s:
        run_experiment(exp, s, backend="serial", progress=False, on_batch=edit)
        got = s.frame("toy").drop(columns=["elapsed", "sim_seconds", "analysis_seconds"])
        assert len(got) == 4 and got["fingerprint"].nunique() == 1
        assert {t["recipe"] for t in s.truth("toy").values()} == {
            "~SBW*INNOV*~CASELOAD + ~INNOV*~WORKLOAD*LONGMEET + WORKLOAD*INNOV*LONGMEET"}
        notes = s.check("toy")
        assert any("my.toml' was edited after the results were computed" in n for n in notes)
        recipe, null = s.recipe_summary("toy")
        assert recipe.startswith("~SBW*INNOV*~CASELOAD") and not null
        assert s.scenario_text("toy", got["cell"].iloc[0]) == text
        with pytest.raises(StoreConflictError, match="edited"):
            _run(s, raw)  # the edited file is a changed definition, not "already stored"
    scen.write_text(text)
    pipeline._cell_setup.cache_clear()
    pipeline._generator.cache_clear()
    with pytest.warns(Warning), Store(tmp_path / "b.db") as s:
        _run(s, raw)
        ref = s.frame("toy").drop(columns=["elapsed", "sim_seconds", "analysis_seconds"])
    pd.testing.assert_frame_equal(got, ref)


def test_deleted_scenario_file_is_reported_from_the_store(tmp_path):
    text = (resources.files("sim") / "scenarios" / "kbop.toml").read_text()
    scen = tmp_path / "gone.toml"
    scen.write_text(text)
    raw = _raw(base__scenario=str(scen), grid__n_workers=[12])
    raw["experiment"]["replications"] = 1
    with pytest.warns(Warning), Store(tmp_path / "g.db") as s:
        _run(s, raw)
    scen.unlink()
    with Store(tmp_path / "g.db", readonly=True) as s:
        assert any("no longer exists" in n for n in s.check("toy"))
        assert "SBW" in next(iter(s.truth("toy").values()))["recipe"]


# ------------------------------------------------------------------ item 4: one writer


_HOLDER = textwrap.dedent("""
    import sys, time
    from experiments.store import Store
    s = Store(sys.argv[1])
    with s.writer("other"):
        print("locked", flush=True)
        sys.stdin.readline()
""")


def test_second_concurrent_run_is_refused_and_kill_releases(tmp_path):
    db = tmp_path / "c.db"
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with Store(db) as s:
            with pytest.raises(StoreBusyError) as err:
                _run(s, _raw())
            msg = str(err.value)
            assert "another qcasim run is writing" in msg and f"process {holder.pid}" in msg
            assert "experiment 'other'" in msg and "\n" not in msg
            assert s.count() == 0 and s.experiments() == []  # nothing computed or written
            holder.send_signal(signal.SIGKILL)  # a crashed run never leaves the store locked
            holder.wait(timeout=30)
            assert _run(s, _raw()).n_run == 8
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_lock_is_released_after_a_run_and_reentrant_per_store(done):
    with Store(done) as a, Store(done) as b:
        with a.writer("x") as run_id:
            assert run_id and a.run_id == run_id
            with pytest.raises(StoreBusyError):
                with b.writer("y"):
                    pass
        with b.writer("y"):
            pass


# ------------------------------------------------------------------ item 6, 11: cells


def test_one_and_one_point_zero_are_one_cell(tmp_path):
    exp = experiment_from_dict(_raw(grid__reliability=[1, 1.0]))
    assert len(exp.cells()) == 2  # n_workers 20, 30; reliability 1 == 1.0
    with Store(tmp_path / "r.db") as s:
        _run(s, _raw(grid__reliability=[1]))
        again = _run(s, _raw(grid__reliability=[1.0]))
        assert again.n_run == 0 and again.n_skipped == 8


def test_removing_cells_keeps_the_rest(done):
    with Store(done) as s:
        before = s.frame("toy")
        fewer = _run(s, _raw(grid__n_workers=[20]))
        assert fewer.n_run == 0 and any("cells no longer in the definition" in n
                                        for n in fewer.notes)
        assert fewer.coverage.n_stored == 4 and fewer.coverage.n_outside == 4
        back = _run(s, _raw())
        assert back.n_run == 0
        pd.testing.assert_frame_equal(s.frame("toy"), before)


# ------------------------------------------------------------------ item 9, 10: reading


def test_readonly_never_writes_a_complete_store(done, tmp_path):
    digest, mtime = _sha(done), done.stat().st_mtime_ns
    with Store(done, readonly=True) as s:
        assert len(s.frame("toy")) == 8 and s.coverage("toy").n_stored == 8
        s.export(tmp_path / "x.csv")
        with pytest.raises(StoreError, match="read-only"):
            s.delete("toy")
    assert _sha(done) == digest and done.stat().st_mtime_ns == mtime


def test_readonly_refuses_empty_and_missing_files_without_creating_them(tmp_path):
    empty = tmp_path / "qcasim.db"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="empty file .0 bytes."):
        Store(empty, readonly=True)
    assert empty.stat().st_size == 0
    with pytest.raises(StoreError, match="no results store"):
        Store(tmp_path / "none" / "qcasim.db", readonly=True)
    assert not (tmp_path / "none").exists()


def test_random_bytes_are_named_not_a_database(tmp_path):
    junk = tmp_path / "qcasim.db"
    data = os.urandom(8192)
    junk.write_bytes(data)
    for ro in (True, False):
        with pytest.raises(StoreError, match="not an SQLite database") as err:
            Store(junk, readonly=ro)
        assert "\n" not in str(err.value)
    assert junk.read_bytes() == data


def test_newer_and_foreign_databases_are_named(tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a qcasim results store"):
        Store(other, readonly=True)
    newer = tmp_path / "newer.db"
    Store(newer).close()
    con = sqlite3.connect(newer)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer qcasim"):
        Store(newer, readonly=True)


def test_corrupt_row_is_named_and_the_rest_stays_readable(done, tmp_path):
    con = sqlite3.connect(done)
    cell, rep = con.execute("SELECT cell, rep FROM replications ORDER BY cell, rep").fetchone()
    con.execute("UPDATE replications SET result = '{broken' WHERE cell = ? AND rep = ?",
                (cell, rep))
    con.commit()
    con.close()
    with Store(done, readonly=True) as s:
        frame = s.frame("toy")
        assert len(frame) == 7 and len(frame.attrs["corrupt"]) == 1
        assert f"cell {cell} rep {rep}" in frame.attrs["corrupt"][0]
        cov = s.coverage("toy")
        assert cov.n_stored == 7 and cov.n_missing == 1 and len(cov.corrupt) == 1
        assert "1 unreadable rows left out" in cov.describe()
        assert any("cannot be read" in n for n in s.check("toy"))
        assert len(pd.read_csv(s.export(tmp_path / "x.csv"))) == 7
    with Store(done) as s:  # the next run recomputes it
        assert _run(s, _raw()).n_run == 1
        assert s.corrupt_rows("toy") == [] and len(s.frame("toy")) == 8


def test_old_results_version_is_named_with_what_to_do(done):
    con = sqlite3.connect(done)
    con.execute("UPDATE experiments SET definition = json_set(definition, "
                "'$.provenance.results_version', 1)")
    con.commit()
    con.close()
    with Store(done, readonly=True) as s:
        (note,) = s.version_notes("toy")
        assert "results version 1" in note and "--overwrite" in note and "-o DIR" in note


@pytest.mark.parametrize(("sqlite_says", "words"), [
    ("database or disk is full", ["disk", "full", "intact", "resume"]),
    ("attempt to write a readonly database", ["read-only", "intact", "-o DIR"]),
    ("database disk image is malformed", ["damaged", ".recover"]),
    ("file is not a database", ["not an SQLite database"]),
    ("database is locked", ["busy"]),
])
def test_sqlite_errors_become_true_messages(tmp_path, sqlite_says, words):
    msg = str(explain(sqlite3.OperationalError(sqlite_says), tmp_path / "qcasim.db", "write to"))
    assert all(w in msg for w in words), msg
    assert "not a qcasim results store" not in msg or "not an SQLite" in msg


def test_cannot_open_on_a_full_disk_says_the_disk_is_full(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10, 10, 0))
    msg = str(explain(sqlite3.OperationalError("unable to open database file"),
                      tmp_path / "qcasim.db", "open"))
    assert "is full" in msg and "intact" in msg and "not a qcasim results store" not in msg


def test_disk_full_while_writing_is_reported_truthfully(done, monkeypatch):
    with Store(done) as s:
        real = s._con

        class Full:
            def __getattr__(self, name):
                return getattr(real, name)

            def __enter__(self):
                return real.__enter__()

            def __exit__(self, *a):
                return real.__exit__(*a)

            def executemany(self, *a):
                raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(s, "_con", Full())
        with pytest.raises(StoreError, match="disk holding .* is full; replications already"):
            s.add("toy", "c", {}, "fp", [{"rep": 9, "seed": 1}])
        monkeypatch.setattr(s, "_con", real)
        assert s.count("toy") == 8


# ------------------------------------------------------------------ item 5: completeness


def test_unfinished_searches_are_recorded_and_counted(tmp_path):
    from qca import parse

    rec = output_record(MethodResult(models=(parse("A"),), n_models=1, status="ok",
                                     model_text="A", search_finished=False),
                        parse("A"), None, None)
    assert rec["search_finished"] is False and rec["status"] == "ok"
    done_rec = output_record(MethodResult(models=(parse("A"),), n_models=1, status="ok",
                                          model_text="A"), parse("A"), None, None)
    assert "search_finished" not in done_rec  # methods without a budgeted search: no column
    with Store(tmp_path / "i.db") as s:
        _run(s, _raw())
        key = s.frame("toy")["cell"].iloc[0]
        s._con.execute("UPDATE replications SET result = json_set(result, "
                       "'$.\"parsimonious.search_finished\"', json('false')) "
                       "WHERE cell = ? AND rep < 3", (key,))
        s._con.commit()
        cov = s.coverage("toy")
        assert cov.n_incomplete == 3 and "3 with a search that did not finish" in cov.describe()


# ------------------------------------------------------------------ items 8, 1: export


def test_csv_export_neutralises_formulas_and_refuses_the_store(done, tmp_path):
    con = sqlite3.connect(done)
    con.execute("""UPDATE replications SET result = json_set(result, '$."parsimonious.model"',
                   '=HYPERLINK("http://x")') WHERE rep = 0""")
    con.commit()
    con.close()
    with Store(done, readonly=True) as s:
        out = pd.read_csv(s.export(tmp_path / "x.csv"))
        models = out.loc[out["rep"] == 0, "parsimonious.model"]
        assert models.str.startswith("'=").all()
        for target in (done, tmp_path / "s.db-wal", tmp_path / "s.db.lock"):
            with pytest.raises(OutputPathError, match="is the results store"):
                s.export(target)


@pytest.mark.slow
def test_scenario_edited_during_a_parallel_run_is_not_used(tmp_path):
    """Item 3 as reported: ``-j 2``, the scenario file edited after the first batch; every
    stored replication equals the serial run of the original file."""
    text = (resources.files("sim") / "scenarios" / "kbop.toml").read_text()
    scen = tmp_path / "my.toml"
    scen.write_text(text)
    raw = _raw(base__scenario=str(scen), grid__n_workers=[12, 14])
    raw["experiment"].update(replications=6, batch_size=1)
    edited = text.replace("recipe_hazard_ratio = 0.4", "recipe_hazard_ratio = 0.9")
    assert edited != text
    with warnings.catch_warnings(), Store(tmp_path / "ref.db") as s:
        warnings.simplefilter("ignore")  # the scenario's small-cohort advisories
        _run(s, raw)
        ref = s.frame("toy").drop(columns=["elapsed", "sim_seconds", "analysis_seconds"])

    def edit(n_done):
        if n_done == 1:
            scen.write_text(edited)

    with warnings.catch_warnings(), Store(tmp_path / "par.db") as s:
        warnings.simplefilter("ignore")
        run_experiment(experiment_from_dict(raw), s, backend="joblib", n_jobs=2, progress=False,
                       on_batch=edit)
        got = s.frame("toy").drop(columns=["elapsed", "sim_seconds", "analysis_seconds"])
    pd.testing.assert_frame_equal(got, ref)


def test_store_written_before_run_plans_stays_readable(done):
    con = sqlite3.connect(done)
    con.executescript("DROP TABLE runs; DROP TABLE snapshots;")
    con.close()
    with Store(done, readonly=True) as s:
        assert len(s.frame("toy")) == 8 and s.run_plan("toy") is None
        assert s.truth("toy") == {} and s.recipe_summary("toy") is None
        assert s.check("toy") == [] and s.runs().empty
    with Store(done) as s:  # a writer adds the tables; the next run records its plan
        assert _run(s, _raw()).n_run == 0 and s.run_plan("toy") is not None
