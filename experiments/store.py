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

``runs`` (added in qcasim's store-integrity work; older stores simply lack it): one row per
run, written once when the run starts: the run id, the process and host, the qcasim and results
versions and the immutable *run plan* (JSON: every cell's key, index, parameters, seed,
fingerprint, the digest of the scenario content it was computed from, and its truth: recipe,
paths, outcome, analysed conditions, whether it is a null cell). ``finished`` and ``status`` are
set when it ends.
``snapshots``: the content of every scenario file a run used, by digest (the workers compute
from this text, never from the file, so editing a file during a run cannot mislabel results).

``plans`` and ``plan_work`` (added with the resumable planner, :func:`experiments.plan.plan`;
older stores gain them when next opened for writing): each plan name's latest fingerprint and
arguments, and the planner's finished pieces of work (screening population tables, rates,
verification simulations), each under a *work key*: a digest of everything that determines it
(inputs, seed, scenario content, results version), so that a rerun reuses exactly the work it
would recompute identically, and never work computed from other inputs. A plan's runs are
recorded in ``runs`` under the experiment name ``plan:<name>``.

Stores written before fingerprints existed (format 0) are refused with a message: their
replications cannot be matched to a definition.

Reading and writing
-------------------
``Store(path, readonly=True)`` opens an existing store through SQLite's URI ``mode=ro``: it
never creates, migrates or modifies a file (a missing or 0-byte file is an error, not an empty
store), and works in a read-only folder. Writers take a per-store lock (:meth:`Store.writer`,
an OS file lock on ``<store>.lock``, released by the OS even on ``kill -9``): a second run on the
same store is refused with a message naming the run that holds it. A row whose JSON cannot be
read is named and left out (:meth:`Store.corrupt_rows`); the rest stays readable.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .errors import InputError

__all__ = ["Store", "StoreError", "StoreConflictError", "LegacyStoreError", "StoreBusyError",
           "CorruptRow", "Coverage", "FORMAT", "explain"]

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
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, experiment TEXT NOT NULL, started REAL NOT NULL, finished REAL,
    pid INTEGER NOT NULL, host TEXT NOT NULL, version TEXT NOT NULL,
    results_version INTEGER NOT NULL, plan TEXT NOT NULL, status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    digest TEXT PRIMARY KEY, scenario TEXT NOT NULL, text TEXT NOT NULL, stored REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS plans (
    name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, arguments TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS plan_work (
    key TEXT PRIMARY KEY, plan TEXT NOT NULL, kind TEXT NOT NULL, value BLOB NOT NULL,
    version TEXT NOT NULL, stored REAL NOT NULL
);
"""

#: Replications of the current definition: the cell's fingerprint matches, rep is in range.
_CURRENT = ("FROM replications r JOIN cells c ON c.experiment = r.experiment AND c.cell = r.cell "
            "AND c.fingerprint = r.fingerprint JOIN experiments e ON e.name = r.experiment "
            "WHERE r.rep < e.replications")
#: Of those, rows whose result and parameters are readable JSON.
_VALID = f"{_CURRENT} AND json_valid(r.result) AND json_valid(r.params)"


class StoreError(InputError):
    """A results store that cannot be used as asked (one line naming the file and the way out)."""


class StoreConflictError(StoreError):
    """The store holds results of the same experiment name computed under another definition."""


class LegacyStoreError(StoreError):
    """A store written by a qcasim that did not fingerprint results (format 0)."""


class StoreBusyError(StoreError):
    """Another run is writing to the same store (one writer per store at a time)."""


@dataclass(frozen=True)
class CorruptRow:
    """A stored replication whose parameters or result cannot be read (left out, named)."""

    experiment: str
    cell: str
    rep: int
    problem: str

    def __str__(self) -> str:
        return f"{self.experiment!r} cell {self.cell} rep {self.rep}: {self.problem}"


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
    n_incomplete : int
        Replications in which at least one output's search did not finish (a method filled
        ``<output>.search_finished`` with false): their models may be a first model found
        within the budget rather than every minimal one. Counted, never silently ``ok``.
    corrupt : tuple of CorruptRow
        Stored rows of the definition whose JSON cannot be read: left out of everything else
        and counted as missing (the next run recomputes them), named here.
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
    n_incomplete: int = 0
    corrupt: tuple[CorruptRow, ...] = field(default_factory=tuple)

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
        if self.n_incomplete:
            text += (f"; {self.n_incomplete:,} with a search that did not finish within its "
                     "budget (models may be incomplete)")
        if self.corrupt:
            text += (f"; {len(self.corrupt):,} unreadable rows left out (first: "
                     f"{self.corrupt[0]})")
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


def _folder_writable(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(folder, os.W_OK | os.X_OK)


def _disk_full(path: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(path.parent if str(path.parent) else ".").free < (1 << 20)
    except OSError:
        return False


def explain(exc: BaseException, path: Path, action: str = "use") -> StoreError:
    """A true, one-line :class:`StoreError` for an SQLite or OS error on the store ``path``.

    Parameters
    ----------
    exc : sqlite3.Error or OSError
        What SQLite (or the OS) said.
    path : Path
        The store file.
    action : str
        What was being done ("open", "write to", "read"), for the message.
    """
    msg = str(exc).strip()
    low = msg.lower()
    if "unable to open" in low and _disk_full(path):
        low = "disk is full"  # SQLite cannot create its -wal/-shm files on a full disk
    if isinstance(exc, OSError) and exc.errno == 28 or "disk is full" in low or "no space" in low:
        return StoreError(
            f"the disk holding the results store {path} is full; replications already written "
            "are intact (each batch is one transaction); free some space and run the same command "
            "again to resume")
    if "readonly" in low or "read-only" in low or (
            "unable to open" in low and (not _folder_writable(path)
                                         or (path.exists() and not os.access(path, os.W_OK)))):
        return StoreError(
            f"the results store {path} is in a read-only place (the file or its folder cannot be "
            "written), so this command cannot write its results there; the stored results are "
            "intact and reading them works (export, report); write to another folder (-o DIR)")
    if "locked" in low or "busy" in low:
        return StoreBusyError(f"the results store {path} is busy (another process holds a write "
                              "transaction); wait for it to finish and try again")
    if "not a database" in low or "file is encrypted" in low:
        return StoreError(f"{path} is not a qcasim results store (not an SQLite database); "
                          "give the folder of a results store, or a new folder to start one")
    if "malformed" in low or "corrupt" in low:
        return StoreError(
            f"the results store {path} is damaged (SQLite: {msg}); keep a copy, then try "
            f"`sqlite3 {path} .recover` into a new file, or rerun into a new folder (-o DIR)")
    if "unable to open" in low:
        return StoreError(f"cannot {action} the results store {path} (SQLite: {msg})")
    return StoreError(f"cannot {action} the results store {path} (SQLite: {msg})")


class Store:
    """A results database file.

    Parameters
    ----------
    path : str or Path
        The SQLite file (created with its parent directory when missing, unless ``readonly``).
    replace_legacy : bool
        Delete a store written by an older qcasim (format 0) and start a new one, instead of
        refusing it (the ``--overwrite`` option of the command line).
    readonly : bool
        Open an existing store for reading only (SQLite URI ``mode=ro``): nothing is created,
        migrated or written, a 0-byte or missing file is an error, a read-only folder works.
        Read commands (export, report, summaries) use this.

    Raises
    ------
    StoreError
        A directory, a file that is not a results store, an old store
        (:class:`LegacyStoreError`), or (``readonly``) a missing or empty file; the message
        says what is true about the file and what to do.
    """

    def __init__(self, path: str | Path, replace_legacy: bool = False, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._lock_fd: int | None = None
        self.run_id: str | None = None
        if self.path.is_dir():
            raise StoreError(f"results store {self.path} is a directory, not a file")
        if readonly:
            self._con = self._open_readonly()
            try:
                self._check_format_readonly()
            except BaseException:
                self._con.close()
                raise
            return
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
        except StoreError:
            self._con.close()
            raise
        except (sqlite3.Error, OSError) as exc:
            self._con.close()
            raise explain(exc, self.path, "open") from None

    def _open_readonly(self) -> sqlite3.Connection:
        if not self.path.exists():
            raise StoreError(f"no results store at {self.path}; run an experiment first "
                             "(e.g. qcasim run -o DIR) or give the folder that holds one")
        if self.path.stat().st_size == 0:
            raise StoreError(f"{self.path} is an empty file (0 bytes), not a results store; "
                             "nothing to read (it was left as it is)")
        uri = "file:" + self.path.resolve().as_posix().replace("?", "%3f").replace("#", "%23")
        try:
            con = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=60.0)
            con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return con
        except sqlite3.Error as exc:
            if "unable to open" not in str(exc).lower():
                raise explain(exc, self.path, "read") from None
        # A WAL-mode store in a folder where SQLite cannot create its shared-memory file: read
        # it as immutable, which is exact only when no write-ahead log holds further rows.
        wal = Path(str(self.path) + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                f"the results store {self.path} is in a read-only folder and has unmerged "
                f"writes in {wal.name}; copy the folder somewhere writable to read it")
        try:
            con = sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, timeout=60.0)
            con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return con
        except sqlite3.Error as exc:
            raise explain(exc, self.path, "read") from None

    def _check_format_readonly(self) -> None:
        try:
            fmt = self._con.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in self._con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.Error as exc:
            raise explain(exc, self.path, "read") from None
        if fmt > FORMAT:
            raise StoreError(f"{self.path} was written by a newer qcasim (store format {fmt}; "
                             f"this one reads format {FORMAT}); upgrade qcasim")
        if not tables & {"experiments", "cells", "replications"}:
            raise StoreError(f"{self.path} is an SQLite database but not a qcasim results store "
                             "(it has none of its tables); nothing to read")
        if fmt < FORMAT:
            version = self._legacy_version()
            raise LegacyStoreError(
                f"{self.path} was written by qcasim {version}, which did not record what "
                "determined each result, so its replications cannot be matched to an experiment "
                f"definition; read it with qcasim {version}, or rerun the experiment into a new "
                "folder (-o DIR)")

    def _has_table(self, name: str) -> bool:
        row = self._con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (name,)).fetchone()
        return row is not None

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.path, timeout=60.0)
        except sqlite3.Error as exc:
            raise explain(exc, self.path, "open") from None
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            con.close()
            raise explain(exc, self.path, "open") from None
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
        """Close the connection (and release the writer lock, if held)."""
        self._release()
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ one writer

    @property
    def lock_path(self) -> Path:
        """The lock file of the store's single writer (beside the store)."""
        return Path(str(self.path) + ".lock")

    def _writable(self) -> None:
        if self.readonly:
            raise StoreError(f"the results store {self.path} was opened read-only")

    @contextlib.contextmanager
    def writer(self, experiment: str = "") -> Iterator[str]:
        """Hold the store's writer lock for the block; yields a new run id.

        One run writes to a store at a time: the lock is an OS advisory lock (``flock``) on
        ``<store>.lock``, released when the block ends or the process dies (even ``kill -9``),
        so a crashed run never leaves the store locked. The lock file says who holds it.

        Raises
        ------
        StoreBusyError
            Another process holds the lock: the message names its run, process, host and start.
        """
        self._writable()
        if self._lock_fd is not None:  # re-entrant within one Store
            yield self.run_id or ""
            return
        run_id = uuid.uuid4().hex[:16]
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise explain(exc, self.path, "lock") from None
        try:
            import fcntl
        except ImportError:  # no flock (Windows): the SQLite busy timeout still serialises writes
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
                os.close(fd)
                raise StoreBusyError(
                    f"another qcasim run is writing to the results store {self.path} "
                    f"({holder or 'holder unknown'}); wait for it to finish, or write to another "
                    "folder (-o DIR); one run writes to a store at a time so that runs never mix "
                    "their results") from None
        info = (f"run {run_id}, experiment {experiment!r}, process {os.getpid()} on "
                f"{socket.gethostname()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        os.ftruncate(fd, 0)
        os.pwrite(fd, info.encode("utf-8"), 0)
        self._lock_fd, self.run_id = fd, run_id
        try:
            yield run_id
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._lock_fd, 0)
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None
            self.run_id = None

    def _write(self, fn: Any, *args: Any) -> Any:
        """Run a write transaction, turning SQLite/OS errors into one true message."""
        self._writable()
        try:
            with self._con:
                return fn(*args)
        except sqlite3.IntegrityError:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise explain(exc, self.path, "write to") from None

    # ------------------------------------------------------------------ run plans

    def begin_run(self, experiment: str, plan: Mapping[str, Any],
                  snapshots: Mapping[str, tuple[str, str]]) -> str:
        """Record a run's immutable plan and the scenario snapshots it computes from.

        Parameters
        ----------
        experiment : str
        plan : mapping
            JSON-able: ``cells`` (each with ``key``, ``index``, ``params``, ``seed``,
            ``fingerprint``, ``scenario_digest``, ``truth``), ``replications``, ``seed``.
        snapshots : mapping
            ``digest -> (scenario reference, file text)``; a digest already stored is kept as
            it is (same digest, same text).

        Returns
        -------
        str
            The run id (the writer lock's, when held).
        """
        run_id = self.run_id or uuid.uuid4().hex[:16]
        from .provenance import RESULTS_VERSION

        def tx() -> None:
            now = time.time()
            self._con.executemany(
                "INSERT INTO snapshots VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING",
                [(d, name, text, now) for d, (name, text) in snapshots.items()])
            self._con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, 'running')",
                (run_id, experiment, now, os.getpid(), socket.gethostname(), __version__,
                 RESULTS_VERSION, json.dumps(plan, sort_keys=True, default=str)))

        self._write(tx)
        return run_id

    def end_run(self, run_id: str, status: str = "done") -> None:
        """Mark a run finished (``"done"``, ``"interrupted"`` or ``"failed"``)."""
        self._write(lambda: self._con.execute(
            "UPDATE runs SET finished = ?, status = ? WHERE run_id = ?",
            (time.time(), status, run_id)))

    def runs(self, experiment: str | None = None) -> pd.DataFrame:
        """The runs recorded (without their plans): run_id, experiment, started, finished, pid,
        host, version, results_version, status; empty for a store written before run plans."""
        cols = ["run_id", "experiment", "started", "finished", "pid", "host", "version",
                "results_version", "status"]
        if not self._has_table("runs"):
            return pd.DataFrame(columns=cols)
        sql, args = f"SELECT {', '.join(cols)} FROM runs", tuple[str, ...]()
        if experiment is not None:
            sql, args = sql + " WHERE experiment = ?", (experiment,)
        return pd.DataFrame(self._con.execute(sql + " ORDER BY started", args).fetchall(),
                            columns=cols)

    def run_plan(self, experiment: str, run_id: str | None = None) -> dict[str, Any] | None:
        """The plan of a run of ``experiment`` (the latest when ``run_id`` is None), or None for
        a store written before run plans."""
        if not self._has_table("runs"):
            return None
        if run_id is None:
            row = self._con.execute("SELECT plan FROM runs WHERE experiment = ? "
                                    "ORDER BY started DESC LIMIT 1", (experiment,)).fetchone()
        else:
            row = self._con.execute("SELECT plan FROM runs WHERE run_id = ?",
                                    (run_id,)).fetchone()
        return None if row is None else json.loads(row[0])

    def snapshot(self, digest: str) -> str | None:
        """The scenario text stored under ``digest`` (None when not stored)."""
        if not self._has_table("snapshots"):
            return None
        row = self._con.execute("SELECT text FROM snapshots WHERE digest = ?",
                                (digest,)).fetchone()
        return None if row is None else row[0]

    def cell_plans(self, experiment: str) -> dict[str, dict[str, Any]]:
        """For each cell of the current definition that a recorded run planned with the same
        fingerprint: its plan entry (``params``, ``seed``, ``fingerprint``,
        ``scenario_digest``, ``truth``). Later runs take precedence."""
        if not self._has_table("runs"):
            return {}
        current = {cell: fp for cell, fp in self._con.execute(
            "SELECT cell, fingerprint FROM cells WHERE experiment = ?", (experiment,))}
        out: dict[str, dict[str, Any]] = {}
        for (text,) in self._con.execute("SELECT plan FROM runs WHERE experiment = ? "
                                         "ORDER BY started", (experiment,)):
            for c in json.loads(text).get("cells", []):
                if current.get(c.get("key")) == c.get("fingerprint"):
                    out[c["key"]] = c
        return out

    def truth(self, experiment: str) -> dict[str, dict[str, Any]]:
        """What each cell of the current definition was computed against, as the run recorded
        it: ``cell key -> {"recipe", "paths", "outcome", "conditions", "null", "scenario"}``
        (read from the store only; cells of runs before run plans are absent)."""
        return {k: {**c.get("truth", {}), "scenario": c.get("params", {}).get("scenario")}
                for k, c in self.cell_plans(experiment).items()}

    def recipe_summary(self, experiment: str) -> tuple[str, bool] | None:
        """The true recipe(s) of the current definition as the run recorded them (text, several
        joined by ``" | "``) and whether every cell is a null cell (hazard ratio 1); None for
        results stored before run plans (then say so rather than reload files)."""
        truth = self.truth(experiment)
        if not truth:
            return None
        recipes = sorted({str(t.get("recipe", "")) for t in truth.values()})
        return " | ".join(recipes), all(bool(t.get("null")) for t in truth.values())

    def scenario_text(self, experiment: str, cell: str) -> str | None:
        """The scenario file content a cell of the current definition was computed from (its
        run's snapshot), or None for an inline (``boolean:``) scenario or an older store. Pass
        it as ``scenario_text`` to :func:`experiments.pipeline.cell_setup` to rebuild the cell
        (e.g. a population ceiling) without reading the file."""
        c = self.cell_plans(experiment).get(cell)
        digest = None if c is None else c.get("scenario_digest")
        return None if digest in (None, "inline") else self.snapshot(digest)

    def source_mismatches(self, experiment: str) -> list[str]:
        """Scenario files on disk that no longer match what the stored results were computed
        from (one sentence each; empty when all match or nothing is recorded).

        The report and export must show these: the stored truth (:meth:`truth`) is the one
        the results were computed under, not the file as it is now.
        """
        from .provenance import scenario_digest

        out = []
        seen: set[tuple[str, str]] = set()
        for c in self.cell_plans(experiment).values():
            name = str(c.get("params", {}).get("scenario", ""))
            stored = c.get("scenario_digest", "")
            if (name, stored) in seen or stored in ("", "inline"):
                continue
            seen.add((name, stored))
            now = scenario_digest(name)
            if now == "missing":
                out.append(f"scenario file {name!r} no longer exists; the results were computed "
                           "from its stored snapshot")
            elif now != stored:
                out.append(f"scenario file {name!r} was edited after the results were computed; "
                           "they use the stored snapshot (its recipe is the one reported), not the "
                           "file as it is now")
        return out

    def version_notes(self, experiment: str) -> list[str]:
        """Warnings for results computed by another results version of the analysis code
        (named, with what to do); empty when the stored results are current."""
        from .provenance import RESULTS_VERSION

        prov = self.definition(experiment).get("provenance") or {}
        v = prov.get("results_version")
        if v == RESULTS_VERSION:
            return []
        versions = sorted({str(r[0]) for r in self._con.execute(
            f"SELECT DISTINCT r.version {_CURRENT} AND r.experiment = ?", (experiment,))})
        return [f"experiment {experiment!r} was computed by qcasim {', '.join(versions) or '?'} "
                f"(results version {v}); this qcasim computes results version {RESULTS_VERSION}, "
                "which may differ. The stored results are shown as they were computed; to "
                "recompute them with this version run the experiment again with --overwrite, or "
                "into a new folder (-o DIR)"]

    def check(self, experiment: str) -> list[str]:
        """Every warning a reader must show about ``experiment``: an older results version,
        scenario files changed since the run, unreadable rows (each one sentence)."""
        notes = self.version_notes(experiment) + self.source_mismatches(experiment)
        bad = self.corrupt_rows(experiment)
        if bad:
            notes.append(f"{len(bad):,} stored rows of {experiment!r} cannot be read and are left "
                         f"out: {'; '.join(str(b) for b in bad[:3])}"
                         + ("; ..." if len(bad) > 3 else ""))
        return notes

    # ------------------------------------------------------------------ plan work

    def register_plan(self, name: str, fingerprint: str,
                      arguments: Mapping[str, Any]) -> dict[str, Any] | None:
        """Record ``fingerprint`` and ``arguments`` as the latest plan named ``name``; returns
        the previous record (``fingerprint``, ``arguments``) when it was another plan, else
        None."""
        now = time.time()
        row = self._con.execute("SELECT fingerprint, arguments FROM plans WHERE name = ?",
                                (name,)).fetchone()
        self._write(lambda: self._con.execute(
            "INSERT INTO plans VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
            "fingerprint = excluded.fingerprint, arguments = excluded.arguments, "
            "updated = excluded.updated",
            (name, fingerprint, json.dumps(arguments, sort_keys=True, default=str), now, now)))
        if row is None or row[0] == fingerprint:
            return None
        try:
            args = json.loads(row[1])
        except ValueError:
            args = {}
        return {"fingerprint": row[0], "arguments": args}

    def plan_work(self, key: str) -> bytes | None:
        """The stored piece of plan work under ``key`` (None when not stored)."""
        if not self._has_table("plan_work"):
            return None
        row = self._con.execute("SELECT value FROM plan_work WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def add_plan_work(self, key: str, plan: str, kind: str, value: bytes) -> None:
        """Store a finished piece of plan work (one transaction; a key already stored is kept:
        the same key always holds the same result)."""
        self._write(lambda: self._con.execute(
            "INSERT INTO plan_work VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (key, plan, kind, sqlite3.Binary(value), __version__, time.time())))

    def plan_work_counts(self, plan: str | None = None) -> dict[str, int]:
        """Stored pieces of plan work by kind (of the plan fingerprint ``plan``, or all)."""
        if not self._has_table("plan_work"):
            return {}
        sql, args = "SELECT kind, COUNT(*) FROM plan_work", tuple[str, ...]()
        if plan is not None:
            sql, args = sql + " WHERE plan = ?", (plan,)
        return dict(self._con.execute(sql + " GROUP BY kind", args).fetchall())

    # ------------------------------------------------------------------ writing

    def register(self, experiment: str, definition: Mapping[str, Any], replications: int,
                 cells: Sequence[tuple[str, int, Mapping[str, Any], int, str]]) -> None:
        """Record (or update) an experiment's current definition and its cells
        ``(cell key, index, params, seed, fingerprint)``; cells of an earlier definition that
        are not in this one are forgotten (their replications stay, outside the definition)."""
        now = time.time()

        def tx() -> None:
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

        self._write(tx)

    def delete(self, experiment: str) -> int:
        """Remove an experiment, its cells and its replications; returns replications removed."""
        def tx() -> int:
            n = self._con.execute("DELETE FROM replications WHERE experiment = ?",
                                  (experiment,)).rowcount
            self._con.execute("DELETE FROM cells WHERE experiment = ?", (experiment,))
            self._con.execute("DELETE FROM experiments WHERE name = ?", (experiment,))
            return n

        return self._write(tx)

    def add(self, experiment: str, cell: str, params: Mapping[str, Any], fingerprint: str,
            records: Iterable[Mapping[str, Any]]) -> int:
        """Write replication records (each with ``rep``, ``seed``, ``elapsed`` and, for a
        replication that failed, ``error``) in one transaction. A replication already stored
        is left as it is, unless it had failed or is unreadable: then the new record replaces it.
        Returns rows written."""
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
        def tx() -> int:
            before = self._con.total_changes
            self._con.executemany(
                "INSERT INTO replications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (experiment, cell, rep) DO UPDATE SET params = excluded.params, "
                "seed = excluded.seed, version = excluded.version, elapsed = excluded.elapsed, "
                "result = excluded.result, written = excluded.written, "
                "fingerprint = excluded.fingerprint, error = excluded.error "
                "WHERE replications.error IS NOT NULL OR NOT json_valid(replications.result) "
                "OR NOT json_valid(replications.params)", rows)
            return self._con.total_changes - before

        return self._write(tx)

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
               "AND error IS NULL AND json_valid(result) AND json_valid(params)")
        args: tuple = (experiment, cell)
        if fingerprint is not None:
            sql += " AND fingerprint = ?"
            args += (fingerprint,)
        return {r[0] for r in self._con.execute(sql, args)}

    def count(self, experiment: str | None = None) -> int:
        """Number of stored replications of the current definitions (of one experiment, or
        all), failed ones included."""
        sql, args = f"SELECT COUNT(*) {_CURRENT}", tuple[str, ...]()
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
                f"AND j.value LIKE 'error%' LIMIT 1) AS e {_VALID} AND r.experiment = ? "
                "AND e IS NOT NULL ORDER BY c.idx, r.rep LIMIT 1", (experiment,)).fetchone()
        no_output = self._con.execute(
            f"SELECT COUNT(*) {_VALID} AND r.experiment = ? AND NOT EXISTS (SELECT 1 FROM "
            "json_each(r.result) j WHERE j.key LIKE '%.status' AND j.value NOT LIKE 'error%')",
            (experiment,)).fetchone()[0]
        incomplete = self._con.execute(
            f"SELECT COUNT(*) {_VALID} AND r.experiment = ? AND EXISTS (SELECT 1 FROM "
            "json_each(r.result) j WHERE j.key LIKE '%.search_finished' AND j.value = 0)",
            (experiment,)).fetchone()[0]
        corrupt = tuple(self.corrupt_rows(experiment))
        stored -= len(corrupt)
        return Coverage(experiment, n_cells, reps, stored, failed or 0,
                        n_cells * reps - stored, total - stored - len(corrupt),
                        first[0] if first else "", no_output, incomplete, corrupt)

    def corrupt_rows(self, experiment: str | None = None) -> list[CorruptRow]:
        """Stored replications of the current definition(s) whose parameters or result are
        not readable JSON (e.g. a disk fault): named here, left out of :meth:`frame`."""
        sql = (f"SELECT r.experiment, r.cell, r.rep, json_valid(r.params) "
               f"{_CURRENT} AND NOT (json_valid(r.result) AND json_valid(r.params))")
        args: tuple = ()
        if experiment is not None:
            sql, args = sql + " AND r.experiment = ?", (experiment,)
        out = []
        for exp, cell, rep, ok_p in self._con.execute(sql + " ORDER BY r.experiment, "
                                                                   "c.idx, r.rep", args):
            what = "result" if ok_p else "parameters"
            out.append(CorruptRow(exp, cell, int(rep), f"its {what} are not readable JSON"))
        return out

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
        definition (see :meth:`coverage`) are not included, nor are unreadable rows (named by
        :meth:`corrupt_rows`; ``frame.attrs["corrupt"]`` lists them)."""
        sql = ("SELECT r.experiment, r.cell, c.idx, r.rep, r.params, r.seed, r.version, "
               f"r.elapsed, r.fingerprint, r.error, r.result {_VALID}")
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
        out = pd.DataFrame.from_records(rows)
        out.attrs["corrupt"] = [str(b) for b in self.corrupt_rows(experiment)]
        return out

    def export(self, path: str | Path, experiment: str | None = None) -> Path:
        """Write :meth:`frame` to ``.csv`` or ``.parquet`` (Parquet needs pyarrow).

        Refuses to write over the store itself; in a CSV, text cells a spreadsheet would
        evaluate as a formula are neutralised (:func:`experiments.paths.neutralise_frame`).
        Unreadable rows are left out (see :meth:`corrupt_rows`)."""
        from .paths import check_output_path, neutralise_frame

        path = check_output_path(path, store=self.path)
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
            neutralise_frame(df).to_csv(path, index=False)
        return path
