"""Store integrity: results keyed by a fingerprint of everything that determines them."""

import dataclasses
import sqlite3

import pandas as pd
import pytest

from experiments import provenance, runner
from experiments.methods import _REGISTRY, get_method
from experiments.store import LegacyStoreError, Store, StoreConflictError, StoreError

from .toy_store import TOY, _raw, _run  # noqa: F401


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.db") as s:
        _run(s, _raw())
        yield s


def _snapshot(store):
    return store._con.execute("SELECT COUNT(*), SUM(written) FROM replications").fetchone()


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"experiment__seed": 2}, "experiment seed 1 -> 2"),
        ({"base__incl_cut": 0.9}, "incl_cut 0.8 -> 0.9"),
        ({"grid__n_workers": [20, 31]}, "n_workers {20, 30} -> {20, 31}"),
        ({"base__scenario": "boolean:A*B + ~C"}, "scenario \"boolean:A*B + C\" -> "),
    ],
)
def test_changed_definition_is_refused_naming_the_change(store, changes, named):
    before = _snapshot(store)
    with pytest.raises(StoreConflictError) as err:
        _run(store, _raw(**changes))
    msg = str(err.value)
    n = 4 if "grid__n_workers" in changes else 8  # the unchanged cell n_workers = 20 is kept
    assert named in msg and f"{n} replications of experiment 'toy'" in msg
    assert "--overwrite" in msg and "new folder" in msg and "another experiment name" in msg
    assert "\n" not in msg
    assert _snapshot(store) == before
    assert store.definition("toy")["experiment"]["seed"] == 1


def test_changed_default_and_results_version_are_refused(store, monkeypatch):
    qca_method = get_method("qca")
    params = tuple(dataclasses.replace(p, default=60) if p.name == "max_models" else p
                   for p in qca_method.params)
    monkeypatch.setitem(_REGISTRY, "qca", dataclasses.replace(qca_method, params=params))
    with pytest.raises(StoreConflictError, match="max_models 50 -> 60"):
        _run(store, _raw())
    monkeypatch.setitem(_REGISTRY, "qca", qca_method)
    monkeypatch.setattr(provenance, "RESULTS_VERSION", provenance.RESULTS_VERSION + 1)
    with pytest.raises(StoreConflictError, match="results version"):
        _run(store, _raw())


def test_edited_scenario_file_is_refused(tmp_path):
    scen = tmp_path / "my.toml"
    from importlib import resources

    text = (resources.files("sim") / "scenarios" / "kbop.toml").read_text()
    scen.write_text(text)
    raw = _raw(base__scenario=str(scen), grid__n_workers=[10])
    raw["experiment"]["replications"] = 1
    with Store(tmp_path / "k.db") as s:
        _run(s, raw)
        scen.write_text(text + "\n# edited\n")
        with pytest.raises(StoreConflictError, match="scenario file .*my.toml' edited"):
            _run(s, raw)
        scen.write_text(text)  # back to the stored content: accepted, nothing rerun
        assert _run(s, raw).n_run == 0


def test_overwrite_replaces(store):
    summary = _run(store, _raw(experiment__seed=2), overwrite=True)
    assert summary.n_run == 8 and any("deleted" in n for n in summary.notes)
    df = store.frame("toy")
    assert len(df) == 8 and store.definition("toy")["experiment"]["seed"] == 2
    assert store._con.execute("SELECT COUNT(*) FROM replications").fetchone()[0] == 8


def test_keeping_both_under_another_name(store):
    raw = _raw(experiment__seed=2)
    raw["experiment"]["name"] = "toy_seed2"
    _run(store, raw)
    assert store.count("toy") == store.count("toy_seed2") == 8
    assert set(store.frame()["experiment"]) == {"toy", "toy_seed2"}


def test_fewer_replications_reports_only_those(store):
    summary = _run(store, _raw(experiment__replications=2))
    assert summary.n_run == 0 and summary.n_skipped == 4
    assert any("changed 4 -> 2" in n for n in summary.notes)
    cov = store.coverage("toy")
    assert (cov.n_stored, cov.n_outside, cov.n_missing) == (4, 4, 0)
    assert "not included" in cov.describe()
    assert sorted(store.frame("toy")["rep"].unique()) == [0, 1]
    assert store.count("toy") == 4
    # back to 4: the stored ones are reused, nothing recomputed
    again = _run(store, _raw())
    assert again.n_run == 0 and store.count("toy") == 8


def test_more_replications_and_added_cells_reuse_stored(store):
    before = store.frame("toy").drop(columns=["elapsed", "sim_seconds", "analysis_seconds"])
    summary = _run(store, _raw(experiment__replications=6, grid__n_workers=[20, 30, 40]))
    assert summary.n_run == 18 - 8 and summary.n_skipped == 8
    after = store.frame("toy").drop(columns=["elapsed", "sim_seconds", "analysis_seconds"])
    old = after[after["n_workers"].isin([20, 30]) & (after["rep"] < 4)].reset_index(drop=True)
    pd.testing.assert_frame_equal(old, before.reset_index(drop=True))


def test_failed_replications_are_counted_exported_and_retried(tmp_path, monkeypatch):
    real = runner.run_batch

    def flaky(params, seed, reps, scenario_text=None):
        if 1 in reps:
            raise RuntimeError("simulated crash\nsecond line")
        return real(params, seed, reps, scenario_text)

    monkeypatch.setattr(runner, "run_batch", flaky)
    with Store(tmp_path / "f.db") as s:
        summary = _run(s, _raw())
        cov = summary.coverage
        assert (cov.n_stored, cov.n_failed, cov.n_ok) == (8, 2, 6)
        assert cov.first_error == "RuntimeError: simulated crash"
        assert "2 ended in an error (first: RuntimeError: simulated crash)" in cov.describe()
        df = pd.read_csv(s.export(tmp_path / "x.csv"))
        assert len(df) == 8
        failed = df[df["error"].notna()]
        assert list(failed["rep"]) == [1, 1]
        assert failed["parsimonious.status"].str.startswith("error: RuntimeError").all()
        monkeypatch.setattr(runner, "run_batch", real)
        again = _run(s, _raw())
        assert again.n_run == 2 and again.n_skipped == 6
        assert again.coverage.n_failed == 0 and s.count("toy") == 8


def _legacy(path, version="0.0.9"):
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE experiments (name TEXT PRIMARY KEY, definition TEXT, created REAL);
        CREATE TABLE cells (experiment TEXT, cell TEXT, idx INTEGER, params TEXT, seed INTEGER);
        CREATE TABLE replications (experiment TEXT, cell TEXT, rep INTEGER, params TEXT,
            seed INTEGER, version TEXT, elapsed REAL, result TEXT, written REAL);
    """)
    con.execute("INSERT INTO replications VALUES ('x', 'c', 0, '{}', 1, ?, 0, '{}', 0)",
                (version,))
    con.commit()
    con.close()


def test_legacy_store_is_refused_or_replaced(tmp_path):
    db = tmp_path / "old.db"
    _legacy(db)
    with pytest.raises(LegacyStoreError, match="written by qcasim 0.0.9.*--overwrite"):
        Store(db)
    with Store(db, replace_legacy=True) as s:
        assert s.experiments() == [] and s.count() == 0
        _run(s, _raw())
    with Store(db) as s:
        assert s.count("toy") == 8


def test_newer_store_format_is_refused(tmp_path):
    db = tmp_path / "new.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(StoreError, match="newer qcasim"):
        Store(db)
