"""Running an experiment: serially, in parallel on local cores, or on a Dask cluster.

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

One run writes to a store at a time (:meth:`experiments.store.Store.writer`): a second run on
the same store is refused before it computes anything. When a run starts, every scenario file
is read once (its *snapshot*); the fingerprints are computed from the snapshot and the workers
compute from it (:func:`experiments.pipeline.run_batch`'s ``scenario_text``), and the run plan
(cells, seeds, fingerprints, each cell's truth) is stored with the snapshots, once
(:meth:`experiments.store.Store.begin_run`). Cells removed from a definition keep their stored
replications (outside the definition, reused if the cell comes back).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from qca.registry import restore, snapshot

from .design import Cell, Experiment
from .errors import DesignError, InputError
from .pipeline import run_batch
from .provenance import cell_fingerprint, describe_changes, provenance, scenario_snapshot
from .store import Coverage, Store, StoreConflictError, StoreError

__all__ = ["Task", "Call", "scatter", "RunSummary", "plan", "run_plan", "snapshots",
           "run_experiment", "check_jobs", "check_scheduler",
           "stored_definition", "BACKENDS"]

BACKENDS = ("serial", "joblib", "dask")


@dataclass(frozen=True)
class Task:
    """Consecutive replications of one cell."""

    cell: Cell
    reps: tuple[int, ...]
    fingerprint: str = ""
    scenario_text: str | None = None

    def call(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        """The function a worker runs for this task and its arguments."""
        return _execute, (self.cell.params, self.cell.seed, self.reps, self.scenario_text)


@dataclass(frozen=True)
class Call:
    """Any other unit of work run where the benchmark runs its tasks (:func:`scatter`):
    ``fn(*args)``, with ``fn`` a module-level function (picklable for Dask and joblib)."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()

    def call(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return self.fn, self.args


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


def stored_definition(experiment: Experiment,
                      snaps: dict[str, tuple[str, str]] | None = None) -> dict[str, Any]:
    """The definition stored with the results: the declaration, every cell's parameters after
    defaults and the provenance (results version, scenario digests: those of the run's
    snapshots when given)."""
    cells = experiment.cells()
    prov = provenance(c.params for c in cells)
    if snaps:
        prov["scenarios"] = {name: snaps[name][0] if name in snaps else d
                             for name, d in prov["scenarios"].items()}
    return {**experiment.to_dict(), "cells": [c.params for c in cells], "provenance": prov}


def check_jobs(n_jobs: int, *, error: Callable[[str], Exception] = InputError) -> int:
    """Validate a number of local worker processes and cap it at the CPU count.

    Parameters
    ----------
    n_jobs : int
        -1 (every core) or a positive number.
    error : callable
        Builds the exception raised (the command line passes ``click.BadParameter``, so that
        ``-j`` is refused while parsing by this one rule).

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
        raise error(f"jobs must be -1 (every core) or a positive number, got {n_jobs!r}")
    return cores if n_jobs == -1 else min(n_jobs, cores)


def snapshots(cells: list[Cell]) -> dict[str, tuple[str, str]]:
    """Each scenario file the cells simulate, read once: ``scenario -> (digest, text)``
    (``boolean:`` and other inline specifications are absent)."""
    out: dict[str, tuple[str, str]] = {}
    for c in cells:
        name = str(c.params.get("scenario", ""))
        if name not in out:
            snap = scenario_snapshot(name)
            if snap is not None:
                out[name] = snap
    return out


def _digest(cell: Cell, snaps: dict[str, tuple[str, str]]) -> str | None:
    snap = snaps.get(str(cell.params.get("scenario", "")))
    return None if snap is None else snap[0]


_SCHEMES = ("tcp", "tls", "inproc", "ucx", "ws", "wss")


def check_scheduler(address: str) -> str:
    """Validate a Dask scheduler address (``tcp://host:port`` and the other ``distributed``
    protocols) before any work starts.

    Raises
    ------
    InputError
        Naming the address and the expected form.
    """
    from urllib.parse import urlsplit

    text = str(address)
    parts = urlsplit(text)
    ok = parts.scheme in _SCHEMES and bool(parts.netloc or parts.scheme == "inproc")
    if ok and parts.scheme != "inproc":
        try:
            ok = parts.port is not None and bool(parts.hostname)
        except ValueError:
            ok = False
    if not ok or any(ch.isspace() for ch in text):
        raise InputError(f"scheduler address {text!r} is not a Dask scheduler address; expected "
                         f"e.g. tcp://10.0.0.1:8786 (protocols: {', '.join(_SCHEMES)})")
    return text


def plan(experiment: Experiment, store: Store,
         snaps: dict[str, tuple[str, str]] | None = None) -> tuple[list[Task], int]:
    """Tasks for the replications not yet stored (or stored as failed), and the number
    already stored successfully; with ``snaps`` (:func:`snapshots`), fingerprints and tasks
    use the snapshot of each scenario file."""
    tasks, skipped = [], 0
    snaps = snapshots(experiment.cells()) if snaps is None else snaps
    for cell in experiment.cells():
        fp = cell_fingerprint(cell.params, cell.seed, _digest(cell, snaps))
        snap = snaps.get(str(cell.params.get("scenario", "")))
        done = store.done(experiment.name, cell.key, fp)
        todo = [r for r in range(experiment.replications) if r not in done]
        skipped += experiment.replications - len(todo)
        for i in range(0, len(todo), experiment.batch_size):
            tasks.append(Task(cell, tuple(todo[i:i + experiment.batch_size]), fp,
                              None if snap is None else snap[1]))
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


def _execute(params: dict[str, Any], seed: int, reps: tuple[int, ...],
             scenario_text: str | None = None) -> list[dict[str, Any]]:
    """Run a task (from the run's scenario snapshot when given); when the batch raises, run
    its replications one by one so that only the failing ones are recorded as failed (with
    their message)."""
    try:
        return run_batch(params, seed, list(reps), scenario_text)
    except Exception as exc:  # recorded per replication, counted and shown; never dropped
        if len(reps) == 1:
            return [_failure(params, seed, reps[0], exc)]
    out = []
    for r in reps:
        try:
            out += run_batch(params, seed, [r], scenario_text)
        except Exception as exc:
            out.append(_failure(params, seed, r, exc))
    return out


def _serial(tasks: Sequence[Any]) -> Iterator[tuple[Any, Any]]:
    for t in tasks:
        fn, args = t.call()
        yield t, fn(*args)


def scatter(tasks: Sequence[Any], n_jobs: int = 1, scheduler: str | None = None,
            inherited: tuple[int, ...] = ()) -> Iterator[tuple[Any, Any]]:
    """Run :class:`Task` or :class:`Call` objects as ``qcasim benchmark`` runs its tasks: in
    this process (``n_jobs`` 1), on ``n_jobs`` local workers (:func:`_local`: forked on Linux,
    closing the descriptors ``inherited``), or on the Dask scheduler at ``scheduler``.

    Yields ``(task, result)`` in completion order (closing the stream stops local workers).
    Every task is submitted before this returns, so call it before starting a progress bar.
    """
    if scheduler is not None:
        return _dask(list(tasks), scheduler)
    if n_jobs == 1 or len(tasks) <= 1:
        return _serial(tasks)
    return _local(list(tasks), min(n_jobs, len(tasks)), inherited)


def _fork_context() -> Any:
    """The ``fork`` multiprocessing context when forking is safe here (Linux, and this process
    runs no other thread: forking a threaded process can deadlock the child), else None."""
    import multiprocessing
    import threading

    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _close_inherited(fds: tuple[int, ...]) -> None:
    """A forked worker's first step: close its copies of the parent's descriptors in ``fds``
    (the store's writer lock: a worker must not keep the lock alive if the run is killed)."""
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def _flat(t: Any) -> tuple[Any, ...]:
    fn, args = t.call()
    return (fn, *args)


def _local(tasks: list[Any], n_jobs: int,
           inherited: tuple[int, ...] = ()) -> Iterator[tuple[Any, Any]]:
    """Run ``tasks`` on ``n_jobs`` local worker processes, one pool for the whole run.

    On Linux the workers are forked from this process once, when the run starts: they inherit
    the imported engine, the registries (run-time registrations included) and the cells'
    generators already built for the run plan, so no worker imports pandas, scipy or the
    simulator again (a spawned worker spends ~1.5 CPU-seconds on that). Elsewhere, or when
    this process runs other threads, joblib's reusable loky executor is used, and the
    registries travel with each task (:func:`qca.registry.snapshot`). Every task is submitted
    here, before the caller starts a progress bar's thread, so the fork happens in a process
    with one thread; a forked worker closes the descriptors ``inherited`` (the store's lock).
    """
    ctx = _fork_context()
    if ctx is None:
        return _joblib(tasks, n_jobs)
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from qca.cover import load_compiled_searches

    load_compiled_searches()  # inherited by the workers, not loaded by each

    pool = ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx, initializer=_close_inherited,
                               initargs=(tuple(inherited),))
    try:
        futures = {pool.submit(*_flat(t)): t for t in tasks}
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise

    def results() -> Iterator[tuple[Task, list[dict]]]:
        done = False
        try:
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
            done = True
        finally:  # workers end with the run (at once when it is interrupted)
            pool.shutdown(wait=done, cancel_futures=not done)

    return results()


def _joblib(tasks: list[Any], n_jobs: int) -> Iterator[tuple[Any, Any]]:
    from joblib import Parallel, delayed

    par = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    registered = snapshot()  # methods, metrics, generators registered at run time travel too
    results = par(delayed(_indexed)(i, *t.call(), registered) for i, t in enumerate(tasks))
    for i, recs in results:
        yield tasks[i], recs


def _indexed(i: int, fn: Callable[..., Any], args: tuple[Any, ...],
             registered: dict[str, dict[str, Any]] | None = None) -> tuple[int, Any]:
    if registered is not None:
        restore(registered)
    return i, fn(*args)


def _dask(tasks: list[Any], address: str) -> Iterator[tuple[Any, Any]]:
    from distributed import Client, as_completed

    with Client(address) as client:
        registered = snapshot()
        futures = {client.submit(_indexed, i, *t.call(), registered, pure=False): t
                   for i, t in enumerate(tasks)}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()[1]


def _reconcile(experiment: Experiment, store: Store, definition: dict[str, Any],
               fingerprints: dict[str, str], overwrite: bool) -> list[str]:
    """Check the definition against what the store holds for the experiment's name; refuse a
    change (or, with ``overwrite``, delete the stored results). Returns notes for the user."""
    name = experiment.name
    stored = store.stored_cells(name)
    notes: list[str] = []
    # A stored cell computed differently (same parameters, other seed, scenario content or
    # results version) is a conflict. Removing cells alone (or adding cells alone) is not:
    # removed cells' replications stay stored, outside the definition (Store.register), and
    # are reused if the cell comes back. Removing some cells while adding others is a changed
    # definition (e.g. a parameter's value changed) and is refused like a conflict.
    stale = {cell: n for cell, (fp, n) in stored.items()
             if cell in fingerprints and fingerprints[cell] != fp}
    gone = {cell: n for cell, (_, n) in stored.items() if cell not in fingerprints}
    added = set(fingerprints) - set(stored)
    if gone and added:
        stale.update(gone)
    removed = 0 if stale else sum(gone.values())
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
        if removed:
            notes.append(f"{removed:,} stored replications of cells no longer in the definition "
                         "stay stored but are not reported")
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
        ``"joblib"``: local worker processes, one pool for the whole run (forked on Linux, so
        workers start without importing anything; joblib's loky executor elsewhere, see
        :func:`_local`). ``"dask"`` needs ``scheduler``; giving ``scheduler`` selects Dask.
    n_jobs : int
        Local workers (-1: all cores; capped at the number of cores, see :func:`check_jobs`).
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
    StoreBusyError
        Another run is writing to the same store; nothing is computed or written.
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
    if scheduler is not None:
        check_scheduler(scheduler)
    n_jobs = check_jobs(n_jobs)
    with store.writer(experiment.name):
        return _run_locked(experiment, store, backend, n_jobs, scheduler, progress, on_batch,
                           overwrite)


def run_plan(experiment: Experiment, cells: list[Cell], fingerprints: dict[str, str],
             snaps: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The immutable plan of a run (stored once when it starts, see
    :meth:`experiments.store.Store.begin_run`): every cell's key, index, parameters, seed,
    fingerprint, scenario digest and truth, computed from the snapshots."""
    from .pipeline import cell_truth

    out = []
    for c in cells:
        snap = snaps.get(str(c.params.get("scenario", "")))
        out.append({"key": c.key, "index": c.index, "params": c.params, "seed": c.seed,
                    "fingerprint": fingerprints[c.key],
                    "scenario_digest": "inline" if snap is None else snap[0],
                    "truth": cell_truth(c.params, None if snap is None else snap[1])})
    return {"experiment": experiment.name, "seed": experiment.seed,
            "replications": experiment.replications, "cells": out}


def _run_locked(experiment: Experiment, store: Store, backend: str, n_jobs: int,
                scheduler: str | None, progress: bool, on_batch: Callable[[int], None] | None,
                overwrite: bool) -> RunSummary:
    cells = experiment.cells()
    snaps = snapshots(cells)
    fingerprints = {c.key: cell_fingerprint(c.params, c.seed, _digest(c, snaps)) for c in cells}
    definition = stored_definition(experiment, snaps)
    notes = _reconcile(experiment, store, definition, fingerprints, overwrite)
    the_plan = run_plan(experiment, cells, fingerprints, snaps)
    store.register(experiment.name, definition, experiment.replications,
                   [(c.key, c.index, c.params, c.seed, fingerprints[c.key]) for c in cells])
    run_id = store.begin_run(experiment.name, the_plan,
                             {d: (name, text) for name, (d, text) in snaps.items()})
    tasks, skipped = plan(experiment, store, snaps)
    total = len(cells) * experiment.replications
    t0 = time.perf_counter()
    n_run = 0
    status = "interrupted"
    if tasks:
        if backend == "serial" or (backend == "joblib" and (n_jobs == 1 or len(tasks) == 1)):
            stream = _serial(tasks)
        elif backend == "joblib":
            lock = getattr(store, "_lock_fd", None)
            stream = _local(tasks, min(n_jobs, len(tasks)), () if lock is None else (lock,))
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
            status = "done"
        finally:
            close = getattr(stream, "close", None)
            if close is not None:  # stops a local pool's workers on an interrupted run
                close()
            if bar is not None:
                bar.close()
            with contextlib.suppress(StoreError):
                store.end_run(run_id, status)
    else:
        store.end_run(run_id, "done")
    return RunSummary(experiment.name, len(cells), total, skipped, n_run,
                      time.perf_counter() - t0, backend, store.coverage(experiment.name),
                      tuple(notes))
