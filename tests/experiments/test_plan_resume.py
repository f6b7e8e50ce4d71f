"""The planner through the store (issue 20): resumable after an interruption, never reusing
stale work, the same answer on one or two workers (and on Dask)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from experiments import plan as plan_module
from experiments.plan import plan
from experiments.store import Store, StoreBusyError

BOOL = "boolean:A*B + C*~D"
SPACE = {"n_grid": [20, 40, 80, 160, 320], "incl_cut": [0.7, 0.8], "n_cut": [1],
         "conditions": ["theory", "recipe"]}
# verified and stressed (fragile: the robust alternative is searched and verified too)
ARGS = {"space": SPACE, "target": "exact >= 0.8", "n_pop": 20_000, "n_draws": 200, "seed": 5,
        "verify": True, "verify_budget": 400_000, "robust": True, "n_joint": 3,
        "ranges": {"outcome_sd": (0.02, 0.12)}}


def _answer(result) -> str:
    """The plan's JSON without its ``run`` section (timings, what was reused): the answer."""
    doc = result.to_dict()
    doc.pop("run")
    return json.dumps(doc, sort_keys=True, allow_nan=False)


@pytest.fixture(scope="module")
def reference():
    """The uninterrupted plan without a store."""
    r = plan(BOOL, **ARGS)
    assert r.verification is not None and r.robustness is not None
    assert r.robustness["fragile"] and r.robustness["alternative"].get("verification")
    return r


class _Interrupt(KeyboardInterrupt):
    pass


@pytest.mark.parametrize(("kind", "after"), [("table", 2), ("rates", 5), ("verify", 7),
                                             ("rates", 30), ("verify", 45)])
def test_interrupted_plan_resumes_to_the_same_answer(tmp_path, monkeypatch, reference, kind,
                                                     after):
    """Interrupted after ``after`` stored pieces of ``kind`` (in the screen, the verification,
    the robustness step, the alternative's verification), the rerun reuses the stored work,
    computes the rest and gives the uninterrupted answer byte for byte."""
    db = tmp_path / "qcasim.db"
    put = plan_module._Work.put
    seen = {"n": 0}

    def interrupting_put(self, k, key, value):
        put(self, k, key, value)
        if k == kind:
            seen["n"] += 1
            if seen["n"] == after:
                raise _Interrupt

    monkeypatch.setattr(plan_module._Work, "put", interrupting_put)
    with pytest.raises(_Interrupt):
        plan(BOOL, **ARGS, store=db)
    monkeypatch.setattr(plan_module._Work, "put", put)
    with Store(db, readonly=True) as s:
        stored = s.plan_work_counts()
        assert stored.get(kind) == after, stored
        runs = s.runs(f"plan:{BOOL}")
        assert list(runs["status"]) == ["interrupted"]
    resumed = plan(BOOL, **ARGS, store=db)
    assert _answer(resumed) == _answer(reference)
    # every stored rate and simulation is read, not recomputed; a stored table is read only
    # when a rate still to compute needs it
    for k in ("rates", "verify"):
        assert resumed.run["reused"].get(k, 0) == stored.get(k, 0), (k, resumed.run, stored)
    assert resumed.run["reused"].get("table", 0) <= stored.get("table", 0)
    assert resumed.run["populations"] < reference.run["populations"]
    with Store(db, readonly=True) as s:
        assert list(s.runs(f"plan:{BOOL}")["status"]) == ["interrupted", "done"]
    again = plan(BOOL, **ARGS, store=db)  # everything stored: nothing computed, no population
    assert _answer(again) == _answer(reference)
    assert again.run["computed"] == {} and again.run["populations"] == 0
    assert "Resumed from the store" in again.summary()


def test_changed_arguments_never_reuse_stale_work(tmp_path, reference):
    db = tmp_path / "qcasim.db"
    plan(BOOL, **ARGS, store=db)
    other = {**ARGS, "seed": 6}
    fresh = plan(BOOL, **other)
    seen = []
    r = plan(BOOL, **other, store=db, progress=seen.append)
    assert _answer(r) == _answer(fresh) != _answer(reference)
    assert r.run["reused"] == {}      # a seed determines every piece
    note = f"held another plan named {BOOL!r}"
    assert any(note in n and "changed: seed" in n for n in r.run["notes"]), r.run["notes"]
    assert any(note in m for m in seen) and note in r.summary()
    # a changed target shares the rates (and here the verification): reused, and correct
    target = {**ARGS, "target": "exact >= 0.7"}
    r7 = plan(BOOL, **target, store=db)
    assert _answer(r7) == _answer(plan(BOOL, **target))
    assert r7.run["reused"].get("rates", 0) > 0
    assert any("changed: seed, target)" in n for n in r7.run["notes"]), r7.run["notes"]


def test_a_scenario_file_edit_is_new_work(tmp_path):
    """Work is keyed by the scenario file's content: an edited file recomputes everything."""
    from importlib import resources

    src = tmp_path / "toy.toml"
    src.write_text((resources.files("sim") / "scenarios" / "kbop.toml").read_text())
    kw = {"space": {"n_grid": [1000, 4000], "conditions": ["recipe"], "incl_cut": [0.6],
                    "n_cut": [1]}, "n_pop": 5_000, "n_draws": 60, "verify": False,
          "robust": False, "seed": 2}
    db = tmp_path / "qcasim.db"
    a = plan(str(src), **kw, store=db)
    assert a.run["reused"] == {} and a.run["computed"]
    assert plan(str(src), **kw, store=db).run["computed"] == {}
    src.write_text(src.read_text() + "\n# edited\n")
    b = plan(str(src), **kw, store=db)
    assert b.run["reused"] == {} and b.run["computed"] == a.run["computed"]
    assert any("changed: the scenario" in n for n in b.run["notes"]), b.run["notes"]


def test_one_and_two_workers_give_the_same_answer(tmp_path, reference):
    r2 = plan(BOOL, **ARGS, jobs=2, store=tmp_path / "qcasim.db")
    assert r2.run["jobs"] == min(2, os.cpu_count() or 1)
    assert _answer(r2) == _answer(reference)
    assert r2.run["populations"] == reference.run["populations"]
    # resuming a two-worker plan on one worker, after losing its verification
    with Store(tmp_path / "qcasim.db") as s:
        s._con.execute("DELETE FROM plan_work WHERE kind = 'verify'")
        s._con.commit()
    r1 = plan(BOOL, **ARGS, jobs=1, store=tmp_path / "qcasim.db")
    assert _answer(r1) == _answer(reference) and set(r1.run["computed"]) == {"verify"}


def test_a_plan_holds_the_store_writer_lock(tmp_path):
    db = tmp_path / "qcasim.db"
    with Store(db) as other, other.writer("toy"):
        with pytest.raises(StoreBusyError, match="another qcasim run is writing"):
            plan(BOOL, **{**ARGS, "verify": False, "robust": False}, store=db)


def test_bad_jobs_and_scheduler_are_one_clear_error():
    from experiments.errors import DesignError, InputError

    with pytest.raises(DesignError, match="jobs must be -1"):
        plan(BOOL, **ARGS, jobs=0)
    with pytest.raises(InputError, match="not a Dask scheduler address"):
        plan(BOOL, **ARGS, scheduler="localhost")


@pytest.mark.slow
def test_dask_gives_the_same_answer(reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        r = plan(BOOL, **ARGS, scheduler=cluster.scheduler_address)
    assert _answer(r) == _answer(reference) and r.run["scheduler"]


@pytest.mark.slow
def test_kill_9_then_the_same_command_resumes(tmp_path):
    """``qcasim plan -o DIR`` killed with SIGKILL once some work is stored; the same command
    run again resumes and writes the JSON an uninterrupted run writes."""
    space = tmp_path / "space.toml"
    space.write_text("[space]\nn_grid = [20, 40, 80, 160, 320, 640]\nincl_cut = [0.7, 0.8]\n"
                     "n_cut = [1]\nconditions = ['theory', 'recipe']\n")
    cmd = [sys.executable, "-m", "qcasim", "plan", BOOL, "--space", str(space), "--target",
           "exact >= 0.8", "--n-pop", "20000", "--draws", "200", "--seed", "5", "-j", "2",
           "--no-progress"]
    full = subprocess.run([*cmd, "--json", str(tmp_path / "full.json")], capture_output=True,
                          text=True, timeout=900)
    assert full.returncode == 0, full.stderr
    out = tmp_path / "P"
    proc = subprocess.Popen([*cmd, "-o", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    db = out / "qcasim.db"
    deadline = time.time() + 600
    try:
        while time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if db.exists():
                try:
                    with Store(db, readonly=True) as s:
                        counts = s.plan_work_counts()
                except Exception:
                    continue
                if counts.get("verify", 0) >= 3:
                    break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the plan and its forked workers
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the plan finished before it could be killed"
    with Store(db, readonly=True) as s:
        stored = s.plan_work_counts()
    again = subprocess.run([*cmd, "-o", str(out)], capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr
    assert "Resumed from the store" in again.stdout
    a = json.loads((tmp_path / "full.json").read_text())
    b = json.loads(next(out.glob("*.plan.json")).read_text())
    assert stored.get("verify", 0) >= 3
    for k in ("rates", "verify"):  # every stored rate and simulation is read, not recomputed
        assert b["run"]["reused"].get(k, 0) == stored.get(k, 0), (b["run"], stored)
    for d in (a, b):
        d.pop("run")
    assert a == b


def test_fuzzy_plan_resumes_without_storing_its_tables(tmp_path, monkeypatch):
    """A fuzzy table holds every case's memberships: its rates are stored, the table is not
    (recomputed when a rate still missing needs it); the resumed answer is the same."""
    kw = {"space": {**SPACE, "cal_type": ["fuzzy"], "conditions": ["theory"]},
          "target": "exact >= 0.8", "n_pop": 5_000, "n_draws": 60, "seed": 3, "verify": False,
          "robust": False}
    whole = plan(BOOL, **kw)
    db = tmp_path / "qcasim.db"
    put = plan_module._Work.put
    seen = {"n": 0}

    def interrupting_put(self, k, key, value):
        put(self, k, key, value)
        seen["n"] += 1
        if seen["n"] == 3:
            raise _Interrupt

    monkeypatch.setattr(plan_module._Work, "put", interrupting_put)
    with pytest.raises(_Interrupt):
        plan(BOOL, **kw, store=db)
    monkeypatch.setattr(plan_module._Work, "put", put)
    with Store(db, readonly=True) as s:
        assert s.plan_work_counts() == {"rates": 3}
    resumed = plan(BOOL, **kw, store=db)
    assert _answer(resumed) == _answer(whole)
    assert resumed.run["reused"] == {"rates": 3} and "table" not in resumed.run["computed"]


def test_a_store_without_plan_tables_reads_as_holding_no_plan_work(tmp_path):
    import sqlite3

    db = tmp_path / "old.db"
    with Store(db):
        pass
    con = sqlite3.connect(db)  # a store written before the planner kept its work
    con.execute("DROP TABLE plan_work")
    con.execute("DROP TABLE plans")
    con.commit()
    con.close()
    with Store(db, readonly=True) as s:
        assert s.plan_work("x" * 64) is None and s.plan_work_counts() == {}
    with Store(db) as s:  # a writer adds the tables
        s.add_plan_work("k", "fp", "rates", b"[]")
        assert s.plan_work("k") == b"[]" and s.plan_work_counts("fp") == {"rates": 1}
        assert s.register_plan("p", "a", {"seed": 1}) is None
        assert s.register_plan("p", "a", {"seed": 1}) is None
        assert s.register_plan("p", "b", {"seed": 2}) == {"fingerprint": "a",
                                                          "arguments": {"seed": 1}}
