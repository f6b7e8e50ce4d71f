"""Speed of the QCA engine: Dusa's (2018) hard cases and a large random crisp data set.

Run: python benchmarks/bench_qca.py

Prints, for each problem, the median time of truth table + parsimonious minimization (all tied
models), and the time of the public `quine_mccluskey` package (Quine-McCluskey with
don't-cares, one cover only) on the same positive rows and remainders, measured in this run.
Targets (issue 6): every ccubes case well under 1 s with R's counts; 12 conditions x 2,000 cases
under 0.2 s.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qca  # noqa: E402
from qca.truth_table import row_numbers  # noqa: E402

CCUBES = ROOT / "tests" / "data" / "reference" / "ccubes"


def timed(fn, repeat=5):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def random_crisp(n_cases=2000, k=12, seed=12345):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(n_cases, k))
    cols = [chr(ord("A") + j) for j in range(k)]
    d = pd.DataFrame(x, columns=cols)
    y = (d.A & d.B) | (~d.C.astype(bool) & d.D.astype(bool)) | (d.E.astype(bool) & ~d.F.astype(bool))
    d["Y"] = y.astype(int)
    return d


def solve(d, outcome):
    tt = qca.truth_table(d, outcome, [c for c in d.columns if c != outcome], incl_cut=1)
    return tt, qca.minimize(tt, include="?")


def qm_baseline(tt, limit_s=120.0):
    """quine_mccluskey on the same function (positive rows, remainders as don't-cares)."""
    try:
        from quine_mccluskey.qm import QuineMcCluskey
    except ImportError:
        return None
    k = len(tt.conditions)
    if k > 12:
        return None  # its don't-care list holds up to 2^k minterms: minutes beyond 12 conditions
    ones = [int(r) - 1 for r in row_numbers(tt.configs_with("1"), tt.levels)]
    listed = set(int(r) - 1 for r in tt.rows.index)
    dc = [i for i in range(2**k) if i not in listed]
    t = time.perf_counter()
    QuineMcCluskey().simplify(ones, dc, num_bits=k)
    return time.perf_counter() - t


def main():
    print(f"{'problem':28s} {'PIs':>6s} {'models':>6s} {'qcasim s':>9s} {'qm s':>9s} {'qm/qcasim':>9s}")
    problems = [(p.stem, pd.read_csv(p)) for p in sorted(CCUBES.glob("*.csv"))]
    problems.append(("random 12 cond x 2000 cases", random_crisp()))
    for name, d in problems:
        outcome = d.columns[-1]
        seconds, (tt, sol) = timed(lambda d=d, outcome=outcome: solve(d, outcome))
        base = qm_baseline(tt)
        ratio = f"{base / seconds:9.1f}" if base else f"{'-':>9s}"
        base_s = f"{base:9.3f}" if base else f"{'-':>9s}"
        print(f"{name:28s} {len(sol.prime_implicants):6d} {sol.n_models:6d} {seconds:9.3f} {base_s} {ratio}")


if __name__ == "__main__":
    main()
