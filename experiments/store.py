"""The results store: an embedded, crash-safe SQLite database (the only module touching SQLite).

One row per replication, keyed by ``(experiment, cell, rep)``: re-running an experiment skips
the replications already stored, so an interrupted run (even ``kill -9``) resumes without losing
or duplicating any. Rows are written in WAL mode, one transaction per batch of replications: a
crash loses at most the batch being written, which the next run redoes.

Tables
------
``experiments``: name, the experiment definition (TOML text and JSON), creation time.
``cells``: experiment, cell key, cell index, parameters (JSON), cell seed.
``replications``: experiment, cell, rep, params (JSON), seed, qcasim version, elapsed seconds,
result (JSON), time written.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .errors import InputError

__all__ = ["Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS experiments (
    name TEXT PRIMARY KEY, definition TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS cells (
    experiment TEXT NOT NULL, cell TEXT NOT NULL, idx INTEGER NOT NULL, params TEXT NOT NULL,
    seed INTEGER NOT NULL, PRIMARY KEY (experiment, cell)
);
CREATE TABLE IF NOT EXISTS replications (
    experiment TEXT NOT NULL, cell TEXT NOT NULL, rep INTEGER NOT NULL, params TEXT NOT NULL,
    seed INTEGER NOT NULL, version TEXT NOT NULL, elapsed REAL NOT NULL, result TEXT NOT NULL,
    written REAL NOT NULL, PRIMARY KEY (experiment, cell, rep)
);
"""


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
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.is_dir():
            raise InputError(f"results store {self.path} is a directory, not a file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the results store {self.path}: "
                             f"{exc.strerror or exc}") from None
        try:
            self._con = sqlite3.connect(self.path, timeout=60.0)
        except sqlite3.Error as exc:
            raise InputError(f"cannot open the results store {self.path}: {exc}") from None
        try:
            self._con.execute("PRAGMA journal_mode=WAL")
            self._con.execute("PRAGMA synchronous=NORMAL")
            self._con.executescript(_SCHEMA)
            self._con.commit()
        except sqlite3.DatabaseError as exc:
            self._con.close()
            raise InputError(f"{self.path} is not a qcasim results store (SQLite: {exc})") from None

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def register(self, experiment: str, definition: Mapping[str, Any],
                 cells: Sequence[tuple[str, int, Mapping[str, Any], int]]) -> None:
        """Record an experiment and its cells ``(cell key, index, params, seed)``."""
        with self._con:
            self._con.execute(
                "INSERT OR REPLACE INTO experiments VALUES (?, ?, ?)",
                (experiment, json.dumps(definition, sort_keys=True, default=str), time.time()))
            self._con.executemany(
                "INSERT OR REPLACE INTO cells VALUES (?, ?, ?, ?, ?)",
                [(experiment, key, idx, json.dumps(p, sort_keys=True, default=str), seed)
                 for key, idx, p, seed in cells])

    def add(self, experiment: str, cell: str, params: Mapping[str, Any],
            records: Iterable[Mapping[str, Any]]) -> int:
        """Write replication records (each with ``rep``, ``seed``, ``elapsed``) in one
        transaction; replications already stored are left as they are. Returns rows added."""
        ptext = json.dumps(params, sort_keys=True, default=str)
        now = time.time()
        rows = []
        for rec in records:
            result = {k: _clean(v) for k, v in rec.items() if k not in ("rep", "seed")}
            rows.append((experiment, cell, int(rec["rep"]), ptext, int(rec["seed"]),
                         __version__, float(rec.get("elapsed", 0.0)),
                         json.dumps(result, default=str), now))
        with self._con:
            before = self._con.total_changes
            self._con.executemany(
                "INSERT OR IGNORE INTO replications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            return self._con.total_changes - before

    # ------------------------------------------------------------------ reading

    def experiments(self) -> list[str]:
        """Names of the stored experiments."""
        return [r[0] for r in self._con.execute("SELECT name FROM experiments ORDER BY created")]

    def definition(self, experiment: str) -> dict[str, Any]:
        """The stored definition of an experiment."""
        row = self._con.execute("SELECT definition FROM experiments WHERE name = ?",
                                (experiment,)).fetchone()
        if row is None:
            raise InputError(f"no experiment {experiment!r} in {self.path}")
        return json.loads(row[0])

    def done(self, experiment: str, cell: str) -> set[int]:
        """Replication indices already stored for a cell."""
        cur = self._con.execute(
            "SELECT rep FROM replications WHERE experiment = ? AND cell = ?", (experiment, cell))
        return {r[0] for r in cur}

    def count(self, experiment: str | None = None) -> int:
        """Number of stored replications (of one experiment, or all)."""
        if experiment is None:
            return self._con.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
        return self._con.execute("SELECT COUNT(*) FROM replications WHERE experiment = ?",
                                 (experiment,)).fetchone()[0]

    def frame(self, experiment: str | None = None) -> pd.DataFrame:
        """All replications as a flat table: experiment, cell, rep, seed, version, elapsed,
        the cell parameters and the result columns."""
        sql = ("SELECT r.experiment, r.cell, c.idx, r.rep, r.params, r.seed, r.version, "
               "r.elapsed, r.result FROM replications r LEFT JOIN cells c "
               "ON c.experiment = r.experiment AND c.cell = r.cell")
        args: tuple = ()
        if experiment is not None:
            sql += " WHERE r.experiment = ?"
            args = (experiment,)
        sql += " ORDER BY r.experiment, c.idx, r.rep"
        rows = []
        for exp, cell, idx, rep, params, seed, version, elapsed, result in self._con.execute(
                sql, args):
            p = json.loads(params)
            flat = {k: (json.dumps(v) if isinstance(v, dict | list) else v) for k, v in p.items()}
            res = json.loads(result)
            res.pop("elapsed", None)
            rows.append({"experiment": exp, "cell": cell, "cell_index": idx, "rep": rep,
                         "seed": seed, "version": version, "elapsed": elapsed, **flat, **res})
        return pd.DataFrame.from_records(rows)

    def export(self, path: str | Path, experiment: str | None = None) -> Path:
        """Write :meth:`frame` to ``.csv`` or ``.parquet`` (Parquet needs pyarrow)."""
        path = Path(path)
        df = self.frame(experiment)
        if path.suffix == ".parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise InputError("Parquet export needs pyarrow, which is not installed; "
                                 "export to .csv instead") from None
            df.to_parquet(path, index=False)
        elif path.suffix == ".csv":
            df.to_csv(path, index=False)
        else:
            raise InputError(f"export: unknown file type {path.suffix!r}; use .csv or .parquet")
        return path
