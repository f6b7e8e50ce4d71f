"""Benchmark of the simulator: batched kernel vs Mesa model, KBOP-sized and large cohorts.

Run from the repository root::

    python3 benchmarks/bench_sim.py [--reps 2000] [--mesa-reps 20] [--scenario kbop]
                                    [--big-workers 2000] [--big-reps 100]
                                    [--sizes 1000,10000] [--size-reps 200]
                                    [--baseline DIR] [--rounds 3]

Prints replications per CPU-second of (a) the batched kernel producing cohort arrays, (b)
``sim.simulate_many`` returning the stacked cohort DataFrame, (c) the Mesa model (one replication
at a time, stepping every week), and the ratio, all on one core (the kernel uses no multithreaded
BLAS); then (d) the batched kernel and ``simulate_many`` on cohorts of ``--big-workers`` workers
(2,000 by default: 40,000 participants per replication under KBOP); then (e) the cohorts the
recovery pipeline simulates, ``make_generator(scenario).cohorts(seed, reps)`` (its own split
into kernel calls), for each of ``--sizes`` workers under crisp and fuzzy truth (``--size-reps``
replications; a tenth of them from 10,000 workers on). Each rate is the best of three timings
(CPU time of this process). Target: >= 1,000 replications/s for the KBOP-sized batched path.

``--baseline DIR`` (a source tree of another commit, e.g. made with
``git archive <commit> | tar -x -C DIR``) measures the same cases on that tree too, alternating
the two trees for ``--rounds`` rounds in fresh processes (same machine load), and prints each
tree's best rate and the ratio this tree / baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rate(fn, n: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return n / best


def measure(args: argparse.Namespace) -> dict[str, float]:
    """Replications per second of every case, on the ``sim`` package first on ``sys.path``."""
    warnings.simplefilter("ignore")  # small or huge cohorts may warn; not timed
    import sim
    from sim.cohort import cohort_arrays
    from sim.kernel import run_batch
    from sim.model import ProgrammeModel

    out: dict[str, float] = {}
    for label, n_workers, reps in (("", None, args.reps),
                                   (f" {args.big_workers} workers", args.big_workers,
                                    args.big_reps)):
        scen = sim.load_scenario(args.scenario)
        if n_workers is not None:
            scen = scen.with_overrides({"programme.n_workers": n_workers})
        chunk = args.chunk if n_workers is None else max(1, min(args.chunk, 25))
        sim.simulate_many(scen, n_reps=min(reps, 20), seed=0, chunk=chunk)  # warm-up

        def kernel(scen=scen, reps=reps, chunk=chunk) -> None:
            for start in range(0, reps, chunk):
                b = run_batch(scen, 1, min(chunk, reps - start), start=start)
                cohort_arrays(scen, b.population, b.outcomes)

        out[f"batched kernel{label}"] = _rate(kernel, reps)
        out[f"simulate_many{label}"] = _rate(
            lambda scen=scen, reps=reps, chunk=chunk: sim.simulate_many(
                scen, n_reps=reps, seed=1, chunk=chunk), reps)
        if n_workers is None and args.mesa_reps > 0:
            def mesa(scen=scen) -> None:
                for r in range(args.mesa_reps):
                    ProgrammeModel(scen, seed=1, rep=r).run().cohort()

            out["Mesa model"] = _rate(mesa, args.mesa_reps, repeat=1)
    from sim.generators import GeneratorSettings, make_generator

    for n in (int(x) for x in args.sizes.split(",") if x.strip()):
        for truth in ("crisp", "fuzzy"):
            gen = make_generator(args.scenario, GeneratorSettings(
                n_cases=n, overrides={"truth": truth}))
            reps = max(2, args.size_reps // 10) if n >= 10_000 else args.size_reps
            gen.cohorts(2, range(2))  # warm-up
            out[f"cohorts N={n} {truth}"] = _rate(
                lambda gen=gen, reps=reps: gen.cohorts(1, range(reps)), reps)
    return out


def _in_subprocess(tree: Path, argv: list[str]) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    res = subprocess.run([sys.executable, __file__, *argv, "--json", "--tree", str(tree)],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=2000)
    ap.add_argument("--mesa-reps", type=int, default=20)
    ap.add_argument("--scenario", default="kbop")
    ap.add_argument("--chunk", type=int, default=500)
    ap.add_argument("--big-workers", type=int, default=2000)
    ap.add_argument("--big-reps", type=int, default=100)
    ap.add_argument("--sizes", default="1000,10000",
                    help="cohort sizes of the pipeline's generator cases (comma-separated)")
    ap.add_argument("--size-reps", type=int, default=200)
    ap.add_argument("--baseline", type=Path, default=None,
                    help="source tree of another commit to compare with, in the same run")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))

    if args.json:
        print(json.dumps(measure(args)))
        return
    print(f"scenario {args.scenario}; cpu count {os.cpu_count()}, single process; "
          f"best of 3 timings per case")
    if args.baseline is None:
        rates = measure(args)
        for case, r in rates.items():
            print(f"{case:36s}: {r:10.1f} replications/s")
        if "Mesa model" in rates:
            print(f"{'ratio simulate_many / Mesa':36s}: "
                  f"{rates['simulate_many'] / rates['Mesa model']:10.1f}x")
        status = "MET" if rates["simulate_many"] >= 1000 else "NOT MET"
        print(f"target >= 1,000 replications/s per core (KBOP-sized): {status}")
        return
    argv = [a for a in sys.argv[1:]]
    if "--baseline" in argv:
        i = argv.index("--baseline")
        del argv[i:i + 2]
    best: dict[str, dict[str, float]] = {"this": {}, "baseline": {}}
    for _ in range(args.rounds):
        for name, tree in (("this", ROOT), ("baseline", args.baseline.resolve())):
            for case, r in _in_subprocess(tree, argv).items():
                best[name][case] = max(best[name].get(case, 0.0), r)
    print(f"this tree {ROOT}, baseline {args.baseline}; best of {args.rounds} alternating rounds")
    print(f"{'case':36s} {'this':>10s} {'baseline':>10s} {'ratio':>7s}")
    for case, r in best["this"].items():
        b = best["baseline"].get(case, float("nan"))
        print(f"{case:36s} {r:10.1f} {b:10.1f} {r / b:7.2f}")


if __name__ == "__main__":
    main()
