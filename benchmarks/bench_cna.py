"""Speed of Coincidence Analysis (``qca.cna.cna``) on benchmark-sized cohorts.

Data: 65 cases, 7 crisp conditions A..G and an outcome Y generated from the recipe
``A*B + C*d*E <-> Y`` (Y flipped in 10 % of cases; one seed per data set, all from ``--seed``),
analysed with ``outcome="Y"``, con = cov = 0.8, default maxstep (3, 4, 10) -- the setting the
benchmark uses. Prints the median and mean seconds per ``cna(details=False)`` call returning the model strings
(what a benchmark replication needs), the same with details and DataFrames, calls per second on one
core, and, measured in the same run on the same data sets as a baseline, the seconds of QCA's
truth table + parsimonious minimization (``qca.truth_table`` + ``qca.minimize(include="?")``),
with the ratio. Also times one ``frscore`` series (16 analyses). Target: well under 3.3 ms per
call (>= 300 replications/s end to end with simulation and scoring on 2 processes).

End to end (``--reps``): the benchmark pipeline (``experiments.pipeline.run_batch``: KBOP
simulation, crisp calibration, analysis, scoring) with output ``cna_fixed`` against
``parsimonious`` QCA on the same cells, serially and on all local cores (joblib).

Usage: ``python benchmarks/bench_cna.py [--n 200] [--seed 1] [--reps 400] [--jobs -1]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qca  # noqa: E402
from qca.cna import cna, frscore  # noqa: E402

CONDITIONS = list("ABCDEFG")


def cohort(rng: np.random.Generator, n: int = 65, noise: float = 0.1) -> pd.DataFrame:
    x = rng.integers(0, 2, size=(n, len(CONDITIONS)))
    d = pd.DataFrame(x, columns=CONDITIONS)
    y = (d.A & d.B) | (d.C & (1 - d.D) & d.E)
    flip = rng.random(n) < noise
    d["Y"] = np.where(flip, 1 - y, y)
    return d


def _time(fn, datasets, clock=time.perf_counter) -> list[float]:
    out = []
    for d in datasets:
        t = clock()
        fn(d)
        out.append(clock() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="number of data sets")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=400, help="pipeline replications (0: skip)")
    ap.add_argument("--jobs", type=int, default=-1)
    args = ap.parse_args()
    warnings.simplefilter("ignore")  # QCA's "tied models capped" warnings
    seeds = np.random.SeedSequence(args.seed).spawn(args.n)
    datasets = [cohort(np.random.default_rng(s)) for s in seeds]
    cna(datasets[0], outcome="Y", con=0.8, cov=0.8)  # warm up imports and caches

    def run_cna(d):
        return cna(d, outcome="Y", con=0.8, cov=0.8, details=False).models

    def run_cna_details(d):
        return cna(d, outcome="Y", con=0.8, cov=0.8).asf

    def run_qca(d):
        tt = qca.truth_table(d, outcome="Y", conditions=CONDITIONS, incl_cut=0.8)
        return qca.minimize(tt, include="?")

    t_cna = _time(run_cna, datasets)
    t_det = _time(run_cna_details, datasets)
    t_qca = _time(run_qca, datasets)
    cpu_c = _time(run_cna, datasets, time.process_time)
    cpu_q = _time(run_qca, datasets, time.process_time)
    n_asf = [len(run_cna(d)) for d in datasets[:50]]
    med_c, med_q = statistics.median(t_cna), statistics.median(t_qca)
    print(f"data sets: {args.n} x 65 cases, 7 crisp conditions, con = cov = 0.8")
    print(
        f"CPU time (process_time, robust to load from other processes): cna() mean "
        f"{statistics.mean(cpu_c) * 1e3:.2f} ms = {1 / statistics.mean(cpu_c):.0f} calls/s per core; "
        f"QCA tt+minimize mean {statistics.mean(cpu_q) * 1e3:.2f} ms; ratio {sum(cpu_c) / sum(cpu_q):.2f}"
    )
    print("wall clock:")
    print(
        f"cna():            median {med_c * 1e3:.2f} ms, mean {statistics.mean(t_cna) * 1e3:.2f} ms, "
        f"{1 / statistics.mean(t_cna):.0f} calls/s on one core; asf per data set (first 50): "
        f"median {statistics.median(n_asf)}, max {max(n_asf)}"
    )
    print(
        f"cna() with details (exhaustiveness, faithfulness) and DataFrames: median "
        f"{statistics.median(t_det) * 1e3:.2f} ms, mean {statistics.mean(t_det) * 1e3:.2f} ms"
    )
    print(f"QCA tt+minimize:  median {med_q * 1e3:.2f} ms, mean {statistics.mean(t_qca) * 1e3:.2f} ms")
    print(f"ratio cna / QCA (medians): {med_c / med_q:.2f}")
    t = time.perf_counter()
    fr = frscore(datasets[0], outcome="Y")
    print(
        f"frscore (16 analyses, con/cov 1..0.7 by 0.1): {time.perf_counter() - t:.3f} s, "
        f"{len(fr.table)} distinct models"
    )
    if args.reps:
        pipeline(args.reps, args.jobs)


def pipeline(reps: int, jobs: int, batch: int = 50) -> None:
    """Replications per second of the benchmark pipeline with cna_fixed vs parsimonious QCA."""
    import os

    from joblib import Parallel, delayed

    from experiments.pipeline import run_batch
    from experiments.seeds import cell_key, cell_seed

    n_jobs = os.cpu_count() if jobs == -1 else jobs
    chunks = [list(range(i, min(i + batch, reps))) for i in range(0, reps, batch)]
    for out in ("cna_fixed", "parsimonious"):
        params = {"scenario": "kbop", "n_workers": 65, "cal_type": "crisp", "solutions": [out]}
        seed = cell_seed(1, cell_key(params))
        run_batch(params, seed, [0])
        t0, c0 = time.perf_counter(), time.process_time()
        recs = [r for c in chunks for r in run_batch(params, seed, c)]
        serial, cpu = time.perf_counter() - t0, time.process_time() - c0
        ana = sum(r["analysis_seconds"] for r in recs) / len(recs)
        Parallel(n_jobs=n_jobs)(delayed(run_batch)(params, seed, c[:1]) for c in chunks[:n_jobs])
        t1 = time.perf_counter()
        par = Parallel(n_jobs=n_jobs)(delayed(run_batch)(params, seed, c) for c in chunks)
        parallel = time.perf_counter() - t1
        n_par = sum(len(p) for p in par)
        print(
            f"pipeline {out:13s} (KBOP, 65 workers, crisp): serial {reps / serial:6.1f} reps/s "
            f"(CPU {reps / cpu:6.1f} reps/s per core; analysis {1000 * ana:.2f} ms/rep), "
            f"{n_jobs} processes {n_par / parallel:6.1f} reps/s"
        )


if __name__ == "__main__":
    main()
