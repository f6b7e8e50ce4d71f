"""Benchmark of the simulator: batched kernel vs Mesa model on the KBOP defaults.

Run from the repository root::

    python3 benchmarks/bench_sim.py [--reps 2000] [--mesa-reps 20] [--scenario kbop]

Prints replications per second of (a) the batched kernel producing cohort arrays, (b)
``sim.simulate_many`` returning the stacked cohort DataFrame, (c) the Mesa model (one replication
at a time, stepping every week), and the ratio, all measured in the same run on one core (the
kernel uses no multithreaded BLAS). Target: >= 1,000 replications/s for the batched path.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

import sim  # noqa: E402
from sim.cohort import cohort_arrays  # noqa: E402
from sim.kernel import run_batch  # noqa: E402
from sim.model import ProgrammeModel  # noqa: E402


def _rate(fn, n: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=2000)
    ap.add_argument("--mesa-reps", type=int, default=20)
    ap.add_argument("--scenario", default="kbop")
    ap.add_argument("--chunk", type=int, default=500)
    args = ap.parse_args()
    scen = sim.load_scenario(args.scenario)
    prog = scen.programme
    print(f"scenario {scen.name}: {prog.n_workers} workers, {prog.n_participants} participants, "
          f"{prog.weeks} weekly steps; cpu count {os.cpu_count()}, single process")

    sim.simulate_many(scen, n_reps=50, seed=0)  # warm-up

    def kernel() -> None:
        for start in range(0, args.reps, args.chunk):
            b = run_batch(scen, 1, min(args.chunk, args.reps - start), start=start)
            cohort_arrays(scen, b.population, b.outcomes)

    k_rate = _rate(kernel, args.reps)
    df_rate = _rate(lambda: sim.simulate_many(scen, n_reps=args.reps, seed=1,
                                              chunk=args.chunk), args.reps)

    def mesa() -> None:
        for r in range(args.mesa_reps):
            ProgrammeModel(scen, seed=1, rep=r).run().cohort()

    m_rate = _rate(mesa, args.mesa_reps, repeat=1)
    print(f"batched kernel (cohort arrays)    : {k_rate:10.1f} replications/s")
    print(f"simulate_many (stacked DataFrame) : {df_rate:10.1f} replications/s")
    print(f"Mesa model (weekly steps)         : {m_rate:10.1f} replications/s")
    print(f"ratio batched / Mesa              : {df_rate / m_rate:10.1f}x")
    status = "MET" if df_rate >= 1000 else "NOT MET"
    print(f"target >= 1,000 replications/s per core: {status}")


if __name__ == "__main__":
    main()
