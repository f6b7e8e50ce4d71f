"""Running an experiment: serially, in parallel on local cores (joblib), or on a Dask cluster.

The replications still missing from the store are cut into tasks of ``batch_size`` consecutive
replications of one cell; each task is :func:`experiments.pipeline.run_batch`, pure and
picklable, and its records are written to the store (one transaction) as soon as it returns.
Since every replication's seed derives from the experiment seed, the cell and the replication
index only (:mod:`experiments.seeds`), the stored results do not depend on the backend, the
number of workers or the batch size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .design import Cell, Experiment
from .errors import DesignError
from .pipeline import run_batch
from .store import Store

__all__ = ["Task", "RunSummary", "plan", "run_experiment", "BACKENDS"]

BACKENDS = ("serial", "joblib", "dask")


@dataclass(frozen=True)
class Task:
    """Consecutive replications of one cell."""

    cell: Cell
    reps: tuple[int, ...]


@dataclass(frozen=True)
class RunSummary:
    """What a run did."""

    experiment: str
    n_cells: int
    n_total: int
    n_skipped: int
    n_run: int
    seconds: float
    backend: str

    @property
    def rate(self) -> float:
        """Replications per second of this run."""
        return self.n_run / self.seconds if self.seconds > 0 else float("nan")


def plan(experiment: Experiment, store: Store) -> tuple[list[Task], int]:
    """Tasks for the replications not yet stored, and the number already stored."""
    tasks, skipped = [], 0
    for cell in experiment.cells():
        done = store.done(experiment.name, cell.key)
        todo = [r for r in range(experiment.replications) if r not in done]
        skipped += experiment.replications - len(todo)
        for i in range(0, len(todo), experiment.batch_size):
            tasks.append(Task(cell, tuple(todo[i:i + experiment.batch_size])))
    return tasks, skipped


def _execute(params: dict[str, Any], seed: int, reps: tuple[int, ...]) -> list[dict[str, Any]]:
    return run_batch(params, seed, list(reps))


def _serial(tasks: list[Task]) -> Iterator[tuple[Task, list[dict]]]:
    for t in tasks:
        yield t, _execute(t.cell.params, t.cell.seed, t.reps)


def _joblib(tasks: list[Task], n_jobs: int) -> Iterator[tuple[Task, list[dict]]]:
    from joblib import Parallel, delayed

    par = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    results = par(delayed(_indexed)(i, t.cell.params, t.cell.seed, t.reps)
                  for i, t in enumerate(tasks))
    for i, recs in results:
        yield tasks[i], recs


def _indexed(i: int, params: dict[str, Any], seed: int,
             reps: tuple[int, ...]) -> tuple[int, list[dict]]:
    return i, _execute(params, seed, reps)


def _dask(tasks: list[Task], address: str) -> Iterator[tuple[Task, list[dict]]]:
    from distributed import Client, as_completed

    with Client(address) as client:
        futures = {client.submit(_execute, t.cell.params, t.cell.seed, t.reps, pure=False): t
                   for t in tasks}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


def run_experiment(
    experiment: Experiment,
    store: Store,
    backend: str = "joblib",
    n_jobs: int = -1,
    scheduler: str | None = None,
    progress: bool = True,
    on_batch: Callable[[int], None] | None = None,
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
        joblib workers (-1: all cores).
    scheduler : str, optional
        Address of a ``distributed`` scheduler, e.g. ``"tcp://10.0.0.1:8786"``.
    progress : bool
        Show a tqdm progress bar on stderr.
    on_batch : callable, optional
        Called with the number of replications stored so far in this run, after each task.

    Returns
    -------
    RunSummary
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
    cells = experiment.cells()
    store.register(experiment.name, experiment.to_dict(),
                   [(c.key, c.index, c.params, c.seed) for c in cells])
    tasks, skipped = plan(experiment, store)
    total = len(cells) * experiment.replications
    t0 = time.perf_counter()
    n_run = 0
    if tasks:
        if backend == "serial" or (backend == "joblib" and (n_jobs == 1 or len(tasks) == 1)):
            stream = _serial(tasks)
        elif backend == "joblib":
            stream = _joblib(tasks, n_jobs)
        else:
            stream = _dask(tasks, scheduler)  # type: ignore[arg-type]
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=total, initial=skipped, unit="rep", desc=experiment.name,
                       dynamic_ncols=True, leave=True)
        try:
            for task, recs in stream:
                n_run += store.add(experiment.name, task.cell.key, task.cell.params, recs)
                if bar is not None:
                    bar.update(len(recs))
                if on_batch is not None:
                    on_batch(n_run)
        finally:
            if bar is not None:
                bar.close()
    return RunSummary(experiment.name, len(cells), total, skipped, n_run,
                      time.perf_counter() - t0, backend)
