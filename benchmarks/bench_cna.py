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

Usage: ``python benchmarks/bench_cna.py [--n 200] [--seed 1]``
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


def _time(fn, datasets) -> list[float]:
    out = []
    for d in datasets:
        t = time.perf_counter()
        fn(d)
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="number of data sets")
    ap.add_argument("--seed", type=int, default=1)
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
    n_asf = [len(run_cna(d)) for d in datasets[:50]]
    med_c, med_q = statistics.median(t_cna), statistics.median(t_qca)
    print(f"data sets: {args.n} x 65 cases, 7 crisp conditions, con = cov = 0.8")
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


if __name__ == "__main__":
    main()
