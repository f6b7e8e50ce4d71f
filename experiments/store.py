"""The results store: an embedded, crash-safe SQLite database (the only module touching SQLite).

One row per replication, keyed by ``(experiment, cell, rep)`` and stamped with the
*fingerprint* of its cell (:mod:`experiments.provenance`: every parameter after defaults, the
seed, the scenario file's content and the results version of the analysis code). Re-running an
experiment skips the replications already stored, so an interrupted run (even ``kill -9``)
resumes without losing or duplicating any; rows are written in WAL mode, one transaction per batch
of replications, so a crash loses at most the batch being written, which the next run redoes.

Stored results are read through the experiment's *current definition* only: :meth:`Store.frame`
returns the replications whose cell fingerprint is one of the definition's cells and whose index
is below its replication count, and :meth:`Store.coverage` says exactly which those are. A
definition whose cells disagree with stored ones is refused by the runner
(:func:`experiments.runner.run_experiment`) unless the user asks to overwrite.

A replication that ended in an error is stored with its message (column ``error``): it is counted
and exported, never dropped, and retried by the next run (a fixed bug then replaces it).

Tables (store format :data:`FORMAT`, SQLite ``user_version``)
-------------------------------------------------------------
``experiments``: name, the experiment definition (JSON: declaration, every cell's parameters,
provenance), replications per cell, creation and update time.
``cells``: experiment, cell key, cell index, parameters (JSON), cell seed, fingerprint.
``replications``: experiment, cell, rep, params (JSON), seed, qcasim version, elapsed seconds,
result (JSON), time written, fingerprint, error (NULL when the replication succeeded).

Stores written before fingerprints existed (format 0) are refused with a message: their
replications cannot be matched to a definition.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .errors import InputError

__all__ = ["Store", "StoreError", "StoreConflictError", "LegacyStoreError", "Coverage", "FORMAT"]

#: Store format written by this version (SQLite ``PRAGMA user_version``).
FORMAT = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS experiments (
    name TEXT PRIMARY KEY, definition TEXT NOT NULL, replications INTEGER NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS cells (
    experiment TEXT NOT NULL, cell TEXT NOT NULL, idx INTEGER NOT NULL, params TEXT NOT NULL,
    seed INTEGER NOT NULL, fingerprint TEXT NOT NULL, PRIMARY KEY (experiment, cell)
);
CREATE TABLE IF NOT EXISTS replications (
    experiment TEXT NOT NULL, cell TEXT NOT NULL, rep INTEGER NOT NULL, params TEXT NOT NULL,
    seed INTEGER NOT NULL, version TEXT NOT NULL, elapsed REAL NOT NULL, result TEXT NOT NULL,
    written REAL NOT NULL, fingerprint TEXT NOT NULL, error TEXT,
    PRIMARY KEY (experiment, cell, rep)
);
"""

#: Replications of the current definition: the cell's fingerprint matches, rep is in range.
_CURRENT = ("FROM replications r JOIN cells c ON c.experiment = r.experiment AND c.cell = r.cell "
            "AND c.fingerprint = r.fingerprint JOIN experiments e ON e.name = r.experiment "
            "WHERE r.rep < e.replications")


class StoreError(InputError):
    """A results store that cannot be used as asked (one line naming the file and the way out)."""


class StoreConflictError(StoreError):
    """The store holds results of the same experiment name computed under another definition."""


class LegacyStoreError(StoreError):
    """A store written by a qcasim that did not fingerprint results (format 0)."""


@dataclass(frozen=True)
class Coverage:
    """Which stored replications an experiment's current definition covers.

    Attributes
    ----------
    experiment : str
    n_cells, replications : int
        Cells of the definition and replications asked per cell.
    n_stored : int
        Stored replications of the definition (rep < replications, matching fingerprint).
    n_failed : int
        Of those, replications that ended in an error (see :attr:`first_error`).
    n_missing : int
        Replications of the definition not stored yet.
    n_outside : int
        Stored replications of this experiment name that the definition does not cover (beyond
        its replication count, or of cells no longer in it): never reported or exported.
    first_error : str
        Message of one failed replication, or else of one output that failed to compute (""
        when nothing failed).
    n_no_output : int
        Replications in which no output was computed: failed ones, and those whose every
        output (e.g. every QCA solution) ended in an error.
    """

    experiment: str
    n_cells: int
    replications: int
    n_stored: int
    n_failed: int
    n_missing: int
    n_outside: int
    first_error: str = ""
    n_no_output: int = 0

    @property
    def n_ok(self) -> int:
        """Stored replications that succeeded."""
        return self.n_stored - self.n_failed

    def describe(self) -> str:
        """One sentence: what is covered, what failed, what is stored but left out."""
        reps = "rep 0" if self.replications == 1 else f"reps 0-{self.replications - 1}"
        text = (f"{self.n_stored:,} replications of {self.experiment!r} ({self.n_cells} cells x "
                f"{reps} of the current definition")
        text += f"; {self.n_missing:,} not run yet)" if self.n_missing else ")"
        if self.n_failed:
            text += f"; {self.n_failed:,} ended in an error (first: {self.first_error})"
        if self.n_outside:
            text += (f"; {self.n_outside:,} further stored replications lie outside the current "
                     "definition and are not included")
        return text


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


class Store:
    """A results database file.

    Parameters
    ----------
    path : str or Path
        The SQLite file (created with its parent directory when missing).
    replace_legacy : bool
        Delete a store written by an older qcasim (format 0) and start a new one, instead of
        refusing it (the ``--overwrite`` option of the command line).

    Raises
    ------
    StoreError
        A directory, a file that is not a results store, or an old store
        (:class:`LegacyStoreError`).
    """

    def __init__(self, path: str | Path, replace_legacy: bool = False):
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"results store {self.path} is a directory, not a file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the results store {self.path}: "
                             f"{exc.strerror or exc}") from None
        self._con = self._connect()
        try:
            legacy = self._legacy_version()
            if legacy is not None:
                if not replace_legacy:
                    raise LegacyStoreError(
                        f"{self.path} was written by qcasim {legacy}, which did not record what "
                        "determined each result, so its replications cannot be matched to an "
                        "experiment definition; write to a new folder (-o), read it with qcasim "
                        f"{legacy}, or replace it with --overwrite")
                self._con.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
                self._con = self._connect()
            self._con.executescript(_SCHEMA)
            self._con.execute(f"PRAGMA user_version = {FORMAT}")
            self._con.commit()
        except sqlite3.DatabaseError as exc:
            self._con.close()
            raise StoreError(f"{self.path} is not a qcasim results store (SQLite: {exc})") from None
        except StoreError:
            self._con.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.path, timeout=60.0)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the results store {self.path}: {exc}") from None
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            con.close()
            raise StoreError(f"{self.path} is not a qcasim results store (SQLite: {exc})") from None
        return con

    def _legacy_version(self) -> str | None:
        """The qcasim version of a format-0 store (tables without fingerprints), else None."""
        fmt = self._con.execute("PRAGMA user_version").fetchone()[0]
        if fmt >= FORMAT:
            if fmt > FORMAT:
                raise StoreError(f"{self.path} was written by a newer qcasim (store format {fmt}; "
                                 f"this one reads format {FORMAT}); upgrade qcasim")
            return None
        tables = {r[0] for r in self._con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables & {"experiments", "cells", "replications"}:
            return None  # a new, empty file
        if "replications" not in tables:
            return "(unknown version)"
        row = self._con.execute("SELECT version FROM replications LIMIT 1").fetchone()
        return row[0] if row else "(unknown version)"

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def register(self, experiment: str, definition: Mapping[str, Any], replications: int,
                 cells: Sequence[tuple[str, int, Mapping[str, Any], int, str]]) -> None:
        """Record (or update) an experiment's current definition and its cells
        ``(cell key, index, params, seed, fingerprint)``; cells of an earlier definition that
        are not in this one are forgotten (their replications stay, outside the definition)."""
        now = time.time()
        with self._con:
            self._con.execute(
                "INSERT INTO experiments VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE "
                "SET definition = excluded.definition, replications = excluded.replications, "
                "updated = excluded.updated",
                (experiment, json.dumps(definition, sort_keys=True, default=str),
                 int(replications), now, now))
            self._con.execute("DELETE FROM cells WHERE experiment = ?", (experiment,))
            self._con.executemany(
                "INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?)",
                [(experiment, key, idx, json.dumps(p, sort_keys=True, default=str), seed, fp)
                 for key, idx, p, seed, fp in cells])

    def delete(self, experiment: str) -> int:
        """Remove an experiment, its cells and its replications; returns replications removed."""
        with self._con:
            n = self._con.execute("DELETE FROM replications WHERE experiment = ?",
                                  (experiment,)).rowcount
            self._con.execute("DELETE FROM cells WHERE experiment = ?", (experiment,))
            self._con.execute("DELETE FROM experiments WHERE name = ?", (experiment,))
        return n

    def add(self, experiment: str, cell: str, params: Mapping[str, Any], fingerprint: str,
            records: Iterable[Mapping[str, Any]]) -> int:
        """Write replication records (each with ``rep``, ``seed``, ``elapsed`` and, for a
        replication that failed, ``error``) in one transaction. A replication already stored
        is left as it is, unless it had failed: then the new record replaces it. Returns rows
        written."""
        ptext = json.dumps(params, sort_keys=True, default=str)
        now = time.time()
        rows = []
        for rec in records:
            result = {k: _clean(v) for k, v in rec.items() if k not in ("rep", "seed", "error")}
            err = rec.get("error")
            rows.append((experiment, cell, int(rec["rep"]), ptext, int(rec["seed"]),
                         __version__, float(rec.get("elapsed", 0.0)),
                         json.dumps(result, default=str), now, fingerprint,
                         None if err in (None, "") else str(err)))
        with self._con:
            before = self._con.total_changes
            self._con.executemany(
                "INSERT INTO replications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (experiment, cell, rep) DO UPDATE SET params = excluded.params, "
                "seed = excluded.seed, version = excluded.version, elapsed = excluded.elapsed, "
                "result = excluded.result, written = excluded.written, "
                "fingerprint = excluded.fingerprint, error = excluded.error "
                "WHERE replications.error IS NOT NULL", rows)
            return self._con.total_changes - before

    # ------------------------------------------------------------------ reading

    def experiments(self) -> list[str]:
        """Names of the stored experiments."""
        return [r[0] for r in self._con.execute("SELECT name FROM experiments ORDER BY created")]

    def definition(self, experiment: str) -> dict[str, Any]:
        """The stored (current) definition of an experiment."""
        row = self._con.execute("SELECT definition FROM experiments WHERE name = ?",
                                (experiment,)).fetchone()
        if row is None:
            raise InputError(f"no experiment {experiment!r} in {self.path}")
        return json.loads(row[0])

    def stored_cells(self, experiment: str) -> dict[str, tuple[str, int]]:
        """For each cell key holding stored replications of ``experiment``: the fingerprint
        they were computed under and how many there are."""
        cur = self._con.execute(
            "SELECT cell, fingerprint, COUNT(*) FROM replications WHERE experiment = ? "
            "GROUP BY cell, fingerprint", (experiment,))
        out: dict[str, tuple[str, int]] = {}
        for cell, fp, n in cur:
            if cell in out:  # cannot happen through the runner; keep the odd one visible
                fp = f"{out[cell][0]}|{fp}"
                n += out[cell][1]
            out[cell] = (fp, n)
        return out

    def done(self, experiment: str, cell: str, fingerprint: str | None = None) -> set[int]:
        """Replication indices stored without error for a cell (with that fingerprint)."""
        sql = ("SELECT rep FROM replications WHERE experiment = ? AND cell = ? "
               "AND error IS NULL")
        args: tuple = (experiment, cell)
        if fingerprint is not None:
            sql += " AND fingerprint = ?"
            args += (fingerprint,)
        return {r[0] for r in self._con.execute(sql, args)}

    def count(self, experiment: str | None = None) -> int:
        """Number of stored replications of the current definitions (of one experiment, or
        all), failed ones included."""
        sql, args = f"SELECT COUNT(*) {_CURRENT}", ()
        if experiment is not None:
            sql, args = sql + " AND r.experiment = ?", (experiment,)
        return self._con.execute(sql, args).fetchone()[0]

    def coverage(self, experiment: str) -> Coverage:
        """Which replications the current definition of ``experiment`` covers (:class:`Coverage`)."""
        row = self._con.execute("SELECT replications FROM experiments WHERE name = ?",
                                (experiment,)).fetchone()
        if row is None:
            raise InputError(f"no experiment {experiment!r} in {self.path}")
        reps = int(row[0])
        n_cells = self._con.execute("SELECT COUNT(*) FROM cells WHERE experiment = ?",
                                    (experiment,)).fetchone()[0]
        stored, failed = self._con.execute(
            f"SELECT COUNT(*), COUNT(r.error) {_CURRENT} AND r.experiment = ?",
            (experiment,)).fetchone()
        total = self._con.execute("SELECT COUNT(*) FROM replications WHERE experiment = ?",
                                  (experiment,)).fetchone()[0]
        first = self._con.execute(
            f"SELECT r.error {_CURRENT} AND r.experiment = ? AND r.error IS NOT NULL "
            "ORDER BY c.idx, r.rep LIMIT 1", (experiment,)).fetchone()
        if first is None:  # an output that failed inside a replication that ran
            first = self._con.execute(
                "SELECT (SELECT j.value FROM json_each(r.result) j WHERE j.key LIKE '%.status' "
                f"AND j.value LIKE 'error%' LIMIT 1) AS e {_CURRENT} AND r.experiment = ? "
                "AND e IS NOT NULL ORDER BY c.idx, r.rep LIMIT 1", (experiment,)).fetchone()
        no_output = self._con.execute(
            f"SELECT COUNT(*) {_CURRENT} AND r.experiment = ? AND NOT EXISTS (SELECT 1 FROM "
            "json_each(r.result) j WHERE j.key LIKE '%.status' AND j.value NOT LIKE 'error%')",
            (experiment,)).fetchone()[0]
        return Coverage(experiment, n_cells, reps, stored, failed or 0,
                        n_cells * reps - stored, total - stored, first[0] if first else "",
                        no_output)

    def written_range(self, experiment: str) -> tuple[float, float]:
        """Times (seconds since the epoch) of the first and last stored replication of the
        current definition (NaN when none)."""
        lo, hi = self._con.execute(f"SELECT MIN(r.written), MAX(r.written) {_CURRENT} "
                                   "AND r.experiment = ?", (experiment,)).fetchone()
        return (float("nan"), float("nan")) if lo is None else (float(lo), float(hi))

    def frame(self, experiment: str | None = None) -> pd.DataFrame:
        """The replications of the current definition(s) as a flat table: experiment, cell,
        cell_index, rep, seed, version, elapsed, fingerprint, error (empty when it succeeded),
        the cell parameters and the result columns. Replications outside the current
        definition (see :meth:`coverage`) are not included."""
        sql = ("SELECT r.experiment, r.cell, c.idx, r.rep, r.params, r.seed, r.version, "
               f"r.elapsed, r.fingerprint, r.error, r.result {_CURRENT}")
        args: tuple = ()
        if experiment is not None:
            sql += " AND r.experiment = ?"
            args = (experiment,)
        sql += " ORDER BY r.experiment, c.idx, r.rep"
        rows = []
        for (exp, cell, idx, rep, params, seed, version, elapsed, fp, error,
             result) in self._con.execute(sql, args):
            p = json.loads(params)
            flat = {k: (json.dumps(v) if isinstance(v, dict | list) else v) for k, v in p.items()}
            res = json.loads(result)
            res.pop("elapsed", None)
            rows.append({"experiment": exp, "cell": cell, "cell_index": idx, "rep": rep,
                         "seed": seed, "version": version, "elapsed": elapsed,
                         "fingerprint": fp, "error": error or "", **flat, **res})
        return pd.DataFrame.from_records(rows)

    def export(self, path: str | Path, experiment: str | None = None) -> Path:
        """Write :meth:`frame` to ``.csv`` or ``.parquet`` (Parquet needs pyarrow)."""
        path = Path(path)
        if path.suffix not in (".csv", ".parquet"):
            raise StoreError(f"export: unknown file type {path.suffix!r}; use .csv or .parquet")
        df = self.frame(experiment)
        if path.suffix == ".parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise StoreError("Parquet export needs pyarrow, which is not installed: "
                                 'pip install "qcasim[parquet]", or export to .csv instead') from None
            df.to_parquet(path, index=False)
        else:
            df.to_csv(path, index=False)
        return path
