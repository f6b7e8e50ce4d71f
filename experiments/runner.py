"""Running an experiment: serially, in parallel on local cores (joblib), or on a Dask cluster.

The replications still missing from the store are cut into tasks of ``batch_size`` consecutive
replications of one cell; each task is :func:`experiments.pipeline.run_batch`, pure and
picklable, and its records are written to the store (one transaction) as soon as it returns.
Since every replication's seed derives from the experiment seed, the cell and the replication
index only (:mod:`experiments.seeds`), the stored results do not depend on the backend, the
number of workers or the batch size.

Before anything is written, the definition is checked against the store: every stored cell of
the same experiment name must have the fingerprint (:mod:`experiments.provenance`) the current
definition gives it. Otherwise the run is refused with a message naming what changed, unless
``overwrite`` replaces the stored results. A definition that only adds cells or changes the
replication count reuses what is stored (the summary says so).

A replication whose pipeline raises is stored as failed with its message (and retried by the
next run), never dropped: the summary counts it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from qca.registry import restore, snapshot

from .design import Cell, Experiment
from .errors import DesignError, InputError
from .pipeline import run_batch
from .provenance import cell_fingerprint, describe_changes, provenance
from .store import Coverage, Store, StoreConflictError

__all__ = ["Task", "RunSummary", "plan", "run_experiment", "check_jobs", "stored_definition",
           "BACKENDS"]

BACKENDS = ("serial", "joblib", "dask")


@dataclass(frozen=True)
class Task:
    """Consecutive replications of one cell."""

    cell: Cell
    reps: tuple[int, ...]
    fingerprint: str = ""


@dataclass(frozen=True)
class RunSummary:
    """What a run did.

    Attributes
    ----------
    n_total : int
        Replications of the definition (cells x replications).
    n_skipped : int
        Replications already stored (successfully) before the run.
    n_run : int
        Replications computed and stored by this run (failed ones included).
    coverage : Coverage
        What the store holds for the definition after the run, failures included.
    notes : tuple of str
        What the run reused or replaced (e.g. a changed replication count), one sentence each.
    """

    experiment: str
    n_cells: int
    n_total: int
    n_skipped: int
    n_run: int
    seconds: float
    backend: str
    coverage: Coverage | None = None
    notes: tuple[str, ...] = ()

    @property
    def rate(self) -> float:
        """Replications per second of this run."""
        return self.n_run / self.seconds if self.seconds > 0 else float("nan")


def stored_definition(experiment: Experiment) -> dict[str, Any]:
    """The definition stored with the results: the declaration, every cell's parameters after
    defaults and the provenance (results version, scenario digests)."""
    cells = experiment.cells()
    return {**experiment.to_dict(), "cells": [c.params for c in cells],
            "provenance": provenance(c.params for c in cells)}


def check_jobs(n_jobs: int) -> int:
    """Validate a number of local worker processes and cap it at the CPU count.

    Parameters
    ----------
    n_jobs : int
        -1 (every core) or a positive number.

    Returns
    -------
    int
        The number of processes to start (at most ``os.cpu_count()``).

    Raises
    ------
    InputError
        Zero, or negative other than -1.
    """
    cores = os.cpu_count() or 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or (n_jobs < 1 and n_jobs != -1):
        raise InputError(f"jobs must be -1 (every core) or a positive number, got {n_jobs!r}")
    return cores if n_jobs == -1 else min(n_jobs, cores)


def plan(experiment: Experiment, store: Store) -> tuple[list[Task], int]:
    """Tasks for the replications not yet stored (or stored as failed), and the number
    already stored successfully."""
    tasks, skipped = [], 0
    for cell in experiment.cells():
        fp = cell_fingerprint(cell.params, cell.seed)
        done = store.done(experiment.name, cell.key, fp)
        todo = [r for r in range(experiment.replications) if r not in done]
        skipped += experiment.replications - len(todo)
        for i in range(0, len(todo), experiment.batch_size):
            tasks.append(Task(cell, tuple(todo[i:i + experiment.batch_size]), fp))
    return tasks, skipped


def _failure(params: dict[str, Any], seed: int, rep: int, exc: BaseException) -> dict[str, Any]:
    """The record of a replication whose pipeline raised: the error, and every solution marked
    as failed so that statistics leave it out as they do a solution that failed."""
    msg = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    msg = msg.rstrip(": ")[:300]
    rec: dict[str, Any] = {"rep": int(rep), "seed": int(seed), "elapsed": 0.0, "error": msg}
    for sol in params.get("solutions") or ():
        rec[f"{sol}.status"] = f"error: {msg}"[:200]
    return rec


def _execute(params: dict[str, Any], seed: int, reps: tuple[int, ...]) -> list[dict[str, Any]]:
    """Run a task; when the batch raises, run its replications one by one so that only the
    failing ones are recorded as failed (with their message)."""
    try:
        return run_batch(params, seed, list(reps))
    except Exception as exc:  # recorded per replication, counted and shown; never dropped
        if len(reps) == 1:
            return [_failure(params, seed, reps[0], exc)]
    out = []
    for r in reps:
        try:
            out += run_batch(params, seed, [r])
        except Exception as exc:
            out.append(_failure(params, seed, r, exc))
    return out


def _serial(tasks: list[Task]) -> Iterator[tuple[Task, list[dict]]]:
    for t in tasks:
        yield t, _execute(t.cell.params, t.cell.seed, t.reps)


def _joblib(tasks: list[Task], n_jobs: int) -> Iterator[tuple[Task, list[dict]]]:
    from joblib import Parallel, delayed

    par = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    registered = snapshot()  # methods, metrics, generators registered at run time travel too
    results = par(delayed(_indexed)(i, t.cell.params, t.cell.seed, t.reps, registered)
                  for i, t in enumerate(tasks))
    for i, recs in results:
        yield tasks[i], recs


def _indexed(i: int, params: dict[str, Any], seed: int, reps: tuple[int, ...],
             registered: dict[str, dict[str, Any]] | None = None) -> tuple[int, list[dict]]:
    if registered is not None:
        restore(registered)
    return i, _execute(params, seed, reps)


def _dask(tasks: list[Task], address: str) -> Iterator[tuple[Task, list[dict]]]:
    from distributed import Client, as_completed

    with Client(address) as client:
        registered = snapshot()
        futures = {client.submit(_indexed, i, t.cell.params, t.cell.seed, t.reps, registered,
                                 pure=False): t for i, t in enumerate(tasks)}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()[1]


def _reconcile(experiment: Experiment, store: Store, definition: dict[str, Any],
               fingerprints: dict[str, str], overwrite: bool) -> list[str]:
    """Check the definition against what the store holds for the experiment's name; refuse a
    change (or, with ``overwrite``, delete the stored results). Returns notes for the user."""
    name = experiment.name
    stored = store.stored_cells(name)
    notes: list[str] = []
    stale = {cell: n for cell, (fp, n) in stored.items() if fingerprints.get(cell) != fp}
    if overwrite and (stale or name in store.experiments()):
        n = store.delete(name)
        if n:
            notes.append(f"--overwrite: {n:,} stored replications of {name!r} deleted")
        return notes
    if stale:
        try:
            old = store.definition(name)
        except InputError:
            old = {}
        changes = describe_changes(old, definition) or [
            f"{len(stale)} stored cells were computed under other settings"]
        n = sum(stale.values())
        raise StoreConflictError(
            f"{store.path} holds {n:,} replications of experiment {name!r} computed under a "
            f"different definition ({'; '.join(changes)}); refusing to mix them with new ones. "
            "Write to a new folder (-o DIR), replace them (--overwrite), or keep both by giving "
            "this definition another experiment name")
    if name in store.experiments():
        old_reps = store.coverage(name).replications
        if old_reps != experiment.replications:
            verb = "reusing" if stored else "running"
            extra = ""
            if experiment.replications < old_reps:
                extra = (f"; replications {experiment.replications}-{old_reps - 1} stay stored "
                         "but are not reported")
            notes.append(f"replications per cell changed {old_reps} -> "
                         f"{experiment.replications}: {verb} the stored replications with the "
                         f"same seeds{extra}")
        new_cells = set(fingerprints) - set(stored)
        if stored and new_cells:
            notes.append(f"{len(new_cells)} of {len(fingerprints)} cells have no stored "
                         "replications yet")
    return notes


def run_experiment(
    experiment: Experiment,
    store: Store,
    backend: str = "joblib",
    n_jobs: int = -1,
    scheduler: str | None = None,
    progress: bool = True,
    on_batch: Callable[[int], None] | None = None,
    overwrite: bool = False,
) -> RunSummary:
    """Run the replications of ``experiment`` that ``store`` does not hold yet.

    Parameters
    ----------
    experiment : Experiment
        A recovery experiment (:func:`experiments.design.load_experiment`).
    store : Store
        Where records go, one transaction per task.
    backend : {"serial", "joblib", "dask"}
        ``"dask"`` needs ``scheduler``; giving ``scheduler`` selects Dask.
    n_jobs : int
        joblib workers (-1: all cores; capped at the number of cores, see :func:`check_jobs`).
    scheduler : str, optional
        Address of a ``distributed`` scheduler, e.g. ``"tcp://10.0.0.1:8786"``.
    progress : bool
        Show a tqdm progress bar on stderr.
    on_batch : callable, optional
        Called with the number of replications stored so far in this run, after each task.
    overwrite : bool
        Delete the stored results of an experiment of the same name before running, instead of
        refusing a changed definition.

    Returns
    -------
    RunSummary

    Raises
    ------
    StoreConflictError
        The store holds results of this experiment name computed under a different definition
        (seed, parameters, defaults, scenario file content or results version); nothing is
        written.
    """
    if experiment.kind != "recovery":
        raise DesignError(f"experiment {experiment.name!r} is of kind {experiment.kind!r}; "
                          "only 'recovery' experiments run on the grid runner")
    if scheduler is not None:
        backend = "dask"
    if backend not in BACKENDS:
        raise DesignError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if backend == "dask" and scheduler is None:
        raise DesignError("the dask backend needs a scheduler address")
    n_jobs = check_jobs(n_jobs)
    cells = experiment.cells()
    fingerprints = {c.key: cell_fingerprint(c.params, c.seed) for c in cells}
    definition = stored_definition(experiment)
    notes = _reconcile(experiment, store, definition, fingerprints, overwrite)
    store.register(experiment.name, definition, experiment.replications,
                   [(c.key, c.index, c.params, c.seed, fingerprints[c.key]) for c in cells])
    tasks, skipped = plan(experiment, store)
    total = len(cells) * experiment.replications
    t0 = time.perf_counter()
    n_run = 0
    if tasks:
        if backend == "serial" or (backend == "joblib" and (n_jobs == 1 or len(tasks) == 1)):
            stream = _serial(tasks)
        elif backend == "joblib":
            stream = _joblib(tasks, min(n_jobs, len(tasks)))
        else:
            stream = _dask(tasks, scheduler)  # type: ignore[arg-type]
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=total, initial=skipped, unit="rep", desc=experiment.name,
                       dynamic_ncols=True, leave=True)
        try:
            for task, recs in stream:
                n_run += store.add(experiment.name, task.cell.key, task.cell.params,
                                   task.fingerprint, recs)
                if bar is not None:
                    bar.update(len(recs))
                if on_batch is not None:
                    on_batch(n_run)
        finally:
            if bar is not None:
                bar.close()
    return RunSummary(experiment.name, len(cells), total, skipped, n_run,
                      time.perf_counter() - t0, backend, store.coverage(experiment.name),
                      tuple(notes))
