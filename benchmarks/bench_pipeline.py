"""Throughput of the recovery pipeline on the default KBOP grid cell.

Cell: 65 workers, fuzzy theory-anchor calibration, incl_cut 0.8, n_cut 1, conservative,
parsimonious and intermediate solutions, scored against the true recipe. Prints replications
per second serially and on all local cores (joblib, batches of replications per task), and the
share of time spent in simulation vs analysis (calibration, truth table, minimization, scoring),
measured in the same run. Target: >= 500 replications/s on 2 cores.

Usage: ``python3 benchmarks/bench_pipeline.py [--reps 400] [--jobs -1] [--profile]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments.pipeline import run_batch  # noqa: E402
from experiments.seeds import cell_key, cell_seed  # noqa: E402

PARAMS = {"scenario": "kbop", "n_workers": 65}
TARGET = 500.0


def _chunks(reps: int, size: int) -> list[list[int]]:
    return [list(range(i, min(i + size, reps))) for i in range(0, reps, size)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=-1)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--profile", action="store_true", help="cProfile the serial run")
    args = ap.parse_args()
    seed = cell_seed(1, cell_key(PARAMS))
    run_batch(PARAMS, seed, [0])  # warm caches (scenario, imports)

    t0 = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        recs = prof.runcall(lambda: [r for c in _chunks(args.reps, args.batch)
                                     for r in run_batch(PARAMS, seed, c)])
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
    else:
        recs = [r for c in _chunks(args.reps, args.batch) for r in run_batch(PARAMS, seed, c)]
    serial = time.perf_counter() - t0
    sim_s = sum(r["sim_seconds"] for r in recs)
    ana_s = sum(r["analysis_seconds"] for r in recs)
    tot = sim_s + ana_s

    from joblib import Parallel, delayed

    n_jobs = os.cpu_count() if args.jobs == -1 else args.jobs
    chunks = _chunks(args.reps, args.batch)
    Parallel(n_jobs=n_jobs)(delayed(run_batch)(PARAMS, seed, c[:1]) for c in chunks[:n_jobs])
    t1 = time.perf_counter()
    par = Parallel(n_jobs=n_jobs)(delayed(run_batch)(PARAMS, seed, c) for c in chunks)
    parallel = time.perf_counter() - t1
    n_par = sum(len(p) for p in par)

    print(f"cell: {PARAMS} + defaults (fuzzy theory anchors, incl_cut 0.8, n_cut 1, "
          f"3 solution types)")
    print(f"serial:   {args.reps} reps in {serial:.2f} s = {args.reps / serial:7.1f} reps/s "
          f"({1000 * serial / args.reps:.2f} ms/rep)")
    print(f"parallel: {n_par} reps in {parallel:.2f} s = {n_par / parallel:7.1f} reps/s "
          f"on {n_jobs} processes (target {TARGET:.0f})")
    print(f"time share: simulation {100 * sim_s / tot:.1f} %, analysis {100 * ana_s / tot:.1f} % "
          f"({1000 * sim_s / len(recs):.2f} + {1000 * ana_s / len(recs):.2f} ms/rep)")
    statuses: dict[str, int] = {}
    for r in recs:
        for s in ("conservative", "parsimonious", "intermediate"):
            key = f"{s}:{str(r.get(f'{s}.status'))[:40]}"
            statuses[key] = statuses.get(key, 0) + 1
    print("solution status counts:", dict(sorted(statuses.items())))


if __name__ == "__main__":
    main()
