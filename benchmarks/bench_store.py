"""Overhead of the runner and results store over the bare pipeline, measured in the same run.

Runs one experiment (Boolean recipe, 4 cells) serially twice: (a) the bare pipeline
(:func:`experiments.pipeline.run_batch` on every task, results discarded) and (b)
:func:`experiments.runner.run_experiment` into a fresh SQLite store (fingerprints, definition
check, one transaction per task, coverage at the end). Prints both rates and their ratio; then
times a re-run that finds everything stored (the definition check and planning alone).

Usage: ``python3 benchmarks/bench_store.py [--reps 300] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from experiments.design import experiment_from_dict  # noqa: E402
from experiments.pipeline import run_batch  # noqa: E402
from experiments.runner import plan, run_experiment  # noqa: E402
from experiments.store import Store  # noqa: E402


def _raw(reps: int) -> dict:
    return {"experiment": {"name": "bench", "replications": reps, "seed": 1, "batch_size": 25},
            "base": {"scenario": "boolean:~A*B + B*~C + D", "solutions": ["conservative",
                                                                          "parsimonious"]},
            "grid": {"n_workers": [30, 65], "reliability": [0.8, 0.95]}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=300, help="replications per cell")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    exp = experiment_from_dict(_raw(args.reps))
    n = len(exp.cells()) * args.reps
    bare, full, rerun = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "plan.db") as s:
            tasks, _ = plan(exp, s)
        t0 = time.perf_counter()
        for t in tasks:
            run_batch(t.cell.params, t.cell.seed, list(t.reps))
        bare.append(time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.db") as s:
            t0 = time.perf_counter()
            run_experiment(exp, s, backend="serial", progress=False)
            full.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            again = run_experiment(exp, s, backend="serial", progress=False)
            rerun.append(time.perf_counter() - t0)
            assert again.n_run == 0
    b, f = statistics.median(bare), statistics.median(full)
    print(f"{n} replications, median of {args.repeat}")
    print(f"  bare pipeline      {n / b:8.0f} reps/s")
    print(f"  runner + store     {n / f:8.0f} reps/s   (time ratio {f / b:.3f})")
    print(f"  re-run, all stored {statistics.median(rerun) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
