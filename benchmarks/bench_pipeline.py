"""Throughput of the recovery pipeline per cell type of the default study, beside a baseline engine.

Cells: the KBOP scenario at its default effect size, crisp (theory anchors, incl_cut 0.8) and
fuzzy (fuzzy-set truth, incl_cut 0.8, pri_cut 0.5) calibration, 5 (the recipe's) or 7 (all)
conditions, N = 65, 250, 1,000 workers and the planner's N = 10,000 (7 conditions), and each
solution type alone or all three. Every cell runs ``--reps`` replications serially in each
engine: this tree, and the engine at ``--baseline-rev`` (``git archive`` of ``qca``, ``sim`` and
``experiments`` into a temporary directory, selected by PYTHONPATH), each in one long-lived
process per round, the two taking turns on the same replications in chunks of about
``--chunk-seconds`` (:func:`interleaved`: this machine's speed changes from second to second).
The table gives the median over rounds of each engine's replications per CPU-second and their
ratio, the range of the single rounds' ratios, and whether the records agree (every field but
timings and the new ``search_finished``), with the load (``uptime``) before and after. A
control of the engine against itself (``--quick --reps 200 --rounds 3 --baseline-rev HEAD``)
gave 0.94-1.07x per cell on 2026-12-07; cells under about 0.3 s per engine get few chunks and
stay noisier.

With ``--jobs 2`` each engine also runs every cell as a one-cell experiment through its own
runner (:func:`experiments.runner.run_experiment` into a temporary store, ``--runner-reps``
replications in tasks of a quarter of them), serially and on 2 local workers, interleaved in the same
process: the ``-j 1`` and ``-j 2`` columns are wall-clock replications per second of those runs
(store writes included, the workers' start-up included for the first cell only when the runner
keeps its workers), and ``-j 2 / -j 1`` their ratio. Wall-clock figures depend on the machine's
load: compare columns of one run only. On Linux with ``sched_autogroup_enabled`` the kernel
shares the CPU between *sessions*, not processes: under other sessions' load, a run's workers
share one session's part and ``-j 2`` cannot beat ``-j 1`` by much in wall-clock time. The
last column is therefore the speed-up an idle machine would give, from CPU accounting: the
serial run's CPU seconds over the ``-j 2`` run's critical path (this process's CPU plus an equal
share of the ended workers' CPU; ``n/a`` when the workers outlive the run). Issue 21's
targets: >= 300 replications/s on every cell with N <= 1,000; the reference cell (crisp 7c
N=65 pars) >= 1,000/s with ``-j 2``; ``-j 2`` at least 1.7x ``-j 1`` on an idle 2-core machine.

With ``--stages`` the script also prints, for this engine, the share of each cell's CPU time
spent simulating, in the front end (calibration and truth tables), minimizing (conservative
and parsimonious), in the intermediate solution, scoring, and elsewhere (measured in a separate
pass after the timed one, by wrapping those functions).

With ``--dask`` (and ``--jobs N``) this engine also runs every cell through the runner on a local
Dask cluster of N single-threaded worker processes (``distributed.LocalCluster``, started once
and warmed on ``--runner-reps`` replications before the timings, as a long-lived cluster is):
wall-clock replications per second, and their ratio to the ``-j N`` joblib run, i.e. per core
(issue 21: a Dask cluster at least as fast per core).

With ``--no-baseline`` only this tree is timed (half the time: no baseline engine, so no
ratios and no record comparison), e.g. to check issue 21's rates on a quiet spell of the
machine: ``--quick --no-baseline --reps 100 --jobs 2 --runner-reps 800``.

Usage: ``python benchmarks/bench_pipeline.py [--reps 20] [--rounds 1] [--chunk-seconds 0.1]
[--quick] [--jobs 2] [--runner-reps 200] [--baseline-rev 6094f64 | --no-baseline] [--only TEXT]
[--stages] [--dask]``
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIVE = ["SBW", "INNOV", "CASELOAD", "WORKLOAD", "LONGMEET"]
SOLUTIONS = {
    "cons": ["conservative"],
    "pars": ["parsimonious"],
    "int": ["intermediate"],
    "all3": ["conservative", "parsimonious", "intermediate"],
}
TIMING = ("elapsed", "sim_seconds", "analysis_seconds")


def cells(quick: bool) -> list[tuple[str, dict]]:
    out = []
    for cal in ("crisp", "fuzzy"):
        for k in (7, 5):
            for n in (65, 250, 1000, 10_000):
                for sol, solutions in SOLUTIONS.items():
                    if (quick and (k == 5 or n >= 1000)) or (k == 5 and n == 10_000):
                        continue
                    params: dict = {"scenario": "kbop", "n_workers": n, "cal_type": cal,
                                    "incl_cut": 0.8, "solutions": solutions}
                    if k == 5:
                        params["conditions"] = FIVE
                    if cal == "fuzzy":
                        params.update(pri_cut=0.5, overrides={"truth": "fuzzy"})
                    out.append((f"{cal} {k}c N={n} {sol}", params))
    return out


def _digest(recs: list[dict]) -> str:
    def clean(v):
        return None if isinstance(v, float) and not math.isfinite(v) else v

    rows = [{k: clean(v) for k, v in r.items() if k not in TIMING and not k.endswith("search_finished")}
            for r in recs]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()[:12]


#: Stages of a replication timed by ``--stages``: (label, module, attribute). The first timed
#: call on the stack takes the time (a minimisation inside the intermediate solution counts as
#: intermediate). Attributes missing from an engine are skipped.
STAGES = (
    ("front end", "experiments.analysis", "_prepare"),
    ("front end", "experiments.analysis", "calibrated_columns"),
    ("front end", "experiments.methods.qca_solutions", "truth_table_from_arrays"),
    ("intermediate", "experiments.methods.qca_solutions", "intermediate_solution"),
    ("minimize", "qca", "minimize"),
    ("scoring", "experiments.analysis", "output_record"),
)


class StageTimer:
    """CPU seconds by stage, by wrapping the stage functions of the engine on the path."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._active = False

    def wrap(self, owner, attr: str, label: str) -> None:
        func = getattr(owner, attr, None)
        if func is None:
            return

        def timed(*args, **kwargs):
            if self._active:
                return func(*args, **kwargs)
            self._active = True
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.process_time() - start
                self._active = False

        setattr(owner, attr, timed)

    def install(self) -> None:
        import importlib

        for label, module, attr in STAGES:
            self.wrap(importlib.import_module(module), attr, label)

    def wrap_generator(self, generator_type: type) -> None:
        """Time ``cohorts`` of the class that defines it (once per class)."""
        owner = next((k for k in generator_type.__mro__ if "cohorts" in vars(k)), None)
        if owner is not None and not getattr(owner.cohorts, "_stage_timed", False):
            self.wrap(owner, "cohorts", "simulate")
            owner.cohorts._stage_timed = True


def worker(spec: dict) -> dict:
    """The stage shares, runner and Dask timings of every cell in this process (PYTHONPATH
    selects the engine); the serial rates come from :func:`serve`."""
    import qca.cover
    from experiments.pipeline import cell_setup, run_batch
    from experiments.seeds import cell_key, cell_seed

    getattr(qca.cover, "_kernel", lambda: None)()
    out: dict[str, dict] = {name: {} for name, _ in spec["cells"]}
    if spec.get("stages"):
        # After the timed runs: the wrappers' own overhead must not count in the rates.
        timer = StageTimer()
        timer.install()
        for name, params in spec["cells"]:
            timer.wrap_generator(type(cell_setup(params)[0]))
            seed = cell_seed(1, cell_key(params))
            run_batch(params, seed, list(range(spec["reps"], spec["reps"] + 5)))  # warm
            timer.seconds = {}
            start = time.process_time()
            run_batch(params, seed, list(range(spec["reps"])))
            total = time.process_time() - start
            shares = {k: v / total for k, v in timer.seconds.items()}
            shares["other"] = max(0.0, 1.0 - sum(shares.values()))
            out[name]["stages"] = shares
    if spec.get("jobs", 1) > 1:
        for name, params in spec["cells"]:
            for jobs in (1, spec["jobs"]):
                out[name][f"j{jobs}"] = _runner_rate(params, spec["runner_reps"], jobs, seed=100 + jobs)
    if spec.get("dask"):
        _dask_rates(spec, out)
    return out


def serve() -> None:
    """One engine of the interleaved serial timing (PYTHONPATH selects it): each line of stdin
    asks for replications ``start`` to ``stop`` of a cell, each answer is one line: the CPU
    seconds they took, the digest of their records and the searches their budget stopped."""
    import qca.cover
    from experiments.pipeline import run_batch
    from experiments.seeds import cell_key, cell_seed

    # The compiled cover searches (when the engine has them) load once per process, as imports
    # do (~0.3 s; the first process on a machine compiles them, ~25 s): not in the rates.
    getattr(qca.cover, "_kernel", lambda: None)()
    for line in sys.stdin:
        ask = json.loads(line)
        params = ask["params"]
        reps = list(range(ask["start"], ask["stop"]))
        start = time.process_time()
        recs = run_batch(params, cell_seed(1, cell_key(params)), reps)
        cpu = time.process_time() - start
        incomplete = sum(v is False for r in recs for k, v in r.items() if k.endswith("search_finished"))
        print(json.dumps({"cpu": cpu, "digest": _digest(recs), "incomplete": incomplete}), flush=True)


def interleaved(roots: list[Path], todo: list[tuple[str, dict]], reps: int, seconds: float) -> list[dict]:
    """Serial replications per CPU-second of each engine (``roots``) on every cell, timed in
    alternating chunks of about ``seconds`` each (the same replications for every engine, as
    many as the slowest engine's warm-up says take that long; the engine that goes first
    alternates too).

    This machine's speed changes from second to second (a fixed pure-Python loop ran 71-122
    times a second over 40 seconds on 2026-12-07, idle otherwise, its CPU time equal to its
    wall time): engines timed one after the other see different speeds, engines timed in
    alternating chunks of well under a second see the same ones. Much shorter chunks cost
    the larger cells speed (N = 1,000 ran about 25 % slower in chunks of 10 replications, 40 ms,
    than of 50, in both engines), so chunks are sized by time.
    """
    logs = [tempfile.TemporaryFile(mode="w+") for _ in roots]  # (a pipe could fill and block)
    procs = [subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
                              env=_env(root), cwd=root)
             for root, log in zip(roots, logs)]

    def ask(j: int, request: dict) -> dict:
        proc = procs[j]
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
        except BrokenPipeError:  # (the engine has ended)
            line = ""
        if not line:
            proc.wait()
            logs[j].seek(0)
            raise SystemExit(f"engine process in {roots[j]} failed:\n{logs[j].read()[-3000:]}")
        return json.loads(line)

    out: list[dict] = [{} for _ in roots]
    try:
        for name, params in todo:
            # Warm the scenario, caches and allocator on two batches of 5 other replications (the
            # first batch of a cell of 1,000 workers runs at about half the steady rate); the
            # second sizes the chunks.
            for j in range(len(procs)):
                ask(j, {"params": params, "start": reps, "stop": reps + 5})
            warm = [ask(j, {"params": params, "start": reps + 5, "stop": reps + 10})["cpu"]
                    for j in range(len(procs))]
            chunk = max(1, min(reps, round(seconds * 5 / max(max(warm), 1e-6))))
            cpu = [0.0] * len(procs)
            digests: list[list[str]] = [[] for _ in procs]
            incomplete = [0] * len(procs)
            for i, lo in enumerate(range(0, reps, chunk)):
                turn = list(range(len(procs)))
                for j in turn if i % 2 == 0 else turn[::-1]:
                    res = ask(j, {"params": params, "start": lo, "stop": min(reps, lo + chunk)})
                    cpu[j] += res["cpu"]
                    digests[j].append(res["digest"])
                    incomplete[j] += res["incomplete"]
            for j in range(len(procs)):
                out[j][name] = {"rate": reps / cpu[j], "incomplete": incomplete[j],
                                "digest": hashlib.sha256(" ".join(digests[j]).encode()).hexdigest()[:12]}
    finally:
        for proc, log in zip(procs, logs):
            if proc.stdin is not None:
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.close()
            proc.wait()
            log.close()
    return out


def _warm_worker() -> None:
    """Import the pipeline and load the compiled cover searches in a Dask worker."""
    import experiments.pipeline  # noqa: F401
    import qca.cover

    getattr(qca.cover, "_kernel", lambda: None)()


def _dask_rates(spec: dict, out: dict) -> None:
    """Each cell through the runner on a local Dask cluster of ``jobs`` single-threaded worker
    processes (``distributed.LocalCluster``, as ``dask worker`` processes on one machine), started
    once and warmed before the timings, as a long-lived cluster is: every worker imports the
    pipeline and loads the compiled searches, then the cluster runs ``--runner-reps``
    replications of the first cell. (The local runs' workers are forked from this process after
    it has run the serial timings and the ``-j 1`` run, and inherit all it loaded and filled on
    the way: modules imported at first use, compiled code, caches. A cluster warmed on only a
    quarter as many replications ran 0.83-0.88x as fast as ``-j N``; a fresh cluster's first
    1,200 replications ran at 568/s, the next at 667-841/s, about 0.25 s of one-time work per
    worker.) The timed runs are those of ``-j N`` (its seed), which these workers never
    computed."""
    from distributed import Client, LocalCluster

    jobs = spec.get("jobs", 2)
    with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        with Client(address) as client:
            client.wait_for_workers(jobs)
            client.run(_warm_worker)  # on every worker: a long-lived cluster's workers are warm
        _runner_rate(spec["cells"][0][1], max(jobs, spec["runner_reps"]), jobs, address, seed=99)
        for name, params in spec["cells"]:
            out[name]["dask"] = _runner_rate(params, spec["runner_reps"], jobs, address, seed=100 + jobs)


def _runner_rate(params: dict, reps: int, jobs: int, scheduler: str | None = None, seed: int = 1) -> dict:
    """Wall-clock replications per second of a one-cell experiment run by the runner, and the
    CPU seconds of this process and of the worker processes that ended (0 when the runner
    keeps its workers alive, as joblib's loky executor does, and on a Dask ``scheduler``).

    Each timing uses its own experiment ``seed``: replications another timing computed in this
    process would otherwise be found in its caches (score and block caches, inherited by
    forked workers), favouring the runs after it."""
    import multiprocessing
    import os
    import shutil

    from experiments.design import experiment_from_dict
    from experiments.runner import run_experiment
    from experiments.store import Store

    raw = {"experiment": {"name": "bench", "replications": reps, "seed": seed,
                          "batch_size": max(1, reps // 4)},
           "base": params}
    folder = tempfile.mkdtemp(prefix="bench-pipeline-")
    try:
        with Store(os.path.join(folder, "results.sqlite")) as store:
            before, cpu = os.times(), time.process_time()
            start = time.perf_counter()
            backend = "dask" if scheduler else "joblib" if jobs > 1 else "serial"
            run_experiment(experiment_from_dict(raw), store, backend=backend, n_jobs=jobs,
                           scheduler=scheduler, progress=False)
            wall = time.perf_counter() - start
            cpu = time.process_time() - cpu
            for child in [] if scheduler else multiprocessing.active_children():
                child.join(timeout=5)  # (a Dask cluster's worker processes stay)
            after = os.times()
            children = (after.children_user + after.children_system
                        - before.children_user - before.children_system)
            return {"rate": reps / wall, "cpu": cpu, "children": children}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _env(root: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(root), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
            "PATH": "/usr/bin:/bin"}


def run(root: Path, spec: dict) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
                          capture_output=True, text=True, env=_env(root), cwd=root, check=False)
    if proc.returncode:
        raise SystemExit(f"worker in {root} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def baseline_tree(rev: str) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="qcasim-pipeline-baseline-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "qca", "sim", "experiments"],
                             capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, check=True)
    return tmp


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--chunk-seconds", type=float, default=0.1,
                    help="seconds per alternating chunk of replications of the serial timing")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="7 conditions, N 65 and 250 only")
    ap.add_argument("--baseline-rev", default="6094f64")
    ap.add_argument("--no-baseline", action="store_true",
                    help="time this tree alone (no baseline engine, no ratio or record comparison)")
    ap.add_argument("--only", help="run only cells whose name contains this text")
    ap.add_argument("--jobs", type=int, default=1,
                    help="also time each cell through the runner serially and on this many workers")
    ap.add_argument("--runner-reps", type=int, default=200, help="replications per runner timing")
    ap.add_argument("--dask", action="store_true",
                    help="also time each cell through the runner on a local Dask cluster of --jobs workers")
    ap.add_argument("--stages", action="store_true",
                    help="also print where this engine's CPU time goes, stage by stage")
    args = ap.parse_args()
    counts = {"--reps": args.reps, "--rounds": args.rounds, "--runner-reps": args.runner_reps,
              "--jobs": args.jobs}
    for option, value in counts.items():
        if value < 1:
            ap.error(f"{option} must be at least 1, got {value}")
    if not args.chunk_seconds > 0:
        ap.error(f"--chunk-seconds must be positive, got {args.chunk_seconds}")
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker)), default=str))
        return
    if args.serve:
        serve()
        return
    todo = [(n, p) for n, p in cells(args.quick) if not args.only or args.only in n]
    spec = {"cells": todo, "reps": args.reps, "jobs": args.jobs, "runner_reps": args.runner_reps,
            "dask": args.dask}
    base = None if args.no_baseline else baseline_tree(args.baseline_rev)
    against = "alone" if base is None else f"vs {args.baseline_rev}"
    print(f"# bench_pipeline: this tree {against}, {args.reps} reps per cell, "
          f"{args.rounds} round(s), replications per CPU-second, serial")
    print(f"load before: {uptime()}")
    ours: dict[str, list] = {n: [] for n, _ in todo}
    theirs: dict[str, list] = {n: [] for n, _ in todo}
    for r in range(args.rounds):
        # Serial rates: both engines in alternating chunks (the first engine alternates too).
        if base is None:
            mine, other = interleaved([ROOT], todo, args.reps, args.chunk_seconds)[0], None
        else:
            roots = [ROOT, base] if r % 2 == 0 else [base, ROOT]
            timed = interleaved(roots, todo, args.reps, args.chunk_seconds)
            mine, other = (timed[0], timed[1]) if r % 2 == 0 else (timed[1], timed[0])
        for name, _ in todo:
            ours[name].append(mine[name])
            if other is not None:
                theirs[name].append(other[name])
        if args.stages or args.jobs > 1 or args.dask:
            engines = [(ours, ROOT)] if base is None else [(ours, ROOT), (theirs, base)]
            for store, root in engines:
                for name, res in run(root, {**spec, "stages": args.stages and root == ROOT,
                                                 "dask": args.dask and root == ROOT}).items():
                    store[name][-1].update(res)
    print(f"load after:  {uptime()}")
    print()
    jobs = args.jobs
    compared = base is not None
    head = "| cell | this engine reps/s |"
    rule = "|---|---:|"
    if compared:
        head += " baseline reps/s | ratio | ratio by round (min-max) | records |"
        rule += "---:|---:|---:|---|"
    head += " incomplete searches |"
    rule += "---:|"
    if jobs > 1:
        head += f" this -j 1 | this -j {jobs} | -j {jobs}/-j 1 |"
        rule += "---:|---:|---:|"
        if compared:
            head += f" baseline -j 1 | baseline -j {jobs} | -j {jobs}/-j 1 |"
            rule += "---:|---:|---:|"
        head += f" this -j {jobs}/-j 1 by CPU |"
        rule += "---:|"
    if args.dask:
        head += f" this Dask {jobs} workers | Dask / -j {jobs} |"
        rule += "---:|---:|"
    print(head)
    print(rule)
    ratios = []
    for name, _ in todo:
        a = statistics.median(r["rate"] for r in ours[name])
        line = f"| {name} | {a:.1f} |"
        if compared:
            b = statistics.median(r["rate"] for r in theirs[name])
            ratios.append(a / b)
            same = "identical" if ours[name][0]["digest"] == theirs[name][0]["digest"] else "differ"
            by_round = [x["rate"] / y["rate"] for x, y in zip(ours[name], theirs[name])]
            line += f" {b:.1f} | {a / b:.2f}x | {min(by_round):.2f}-{max(by_round):.2f}x | {same} |"
        line += f" {ours[name][0]['incomplete']} |"
        if jobs > 1:
            cols = []
            for res in (ours[name], theirs[name]) if compared else (ours[name],):
                one = statistics.median(r["j1"]["rate"] for r in res)
                many = statistics.median(r[f"j{jobs}"]["rate"] for r in res)
                cols += [f"{one:.1f}", f"{many:.1f}", f"{many / one:.2f}x"]
            # CPU critical path: this process plus an equal share of the ended workers' CPU.
            serial_cpu = statistics.median(r["j1"]["cpu"] for r in ours[name])
            path = statistics.median(r[f"j{jobs}"]["cpu"] + r[f"j{jobs}"]["children"] / jobs
                                     for r in ours[name])
            children = statistics.median(r[f"j{jobs}"]["children"] for r in ours[name])
            cols.append(f"{serial_cpu / path:.2f}x" if children > 0 else "n/a")
            line += " " + " | ".join(cols) + " |"
        if args.dask:
            on_dask = statistics.median(r["dask"]["rate"] for r in ours[name])
            local = statistics.median(r[f"j{jobs}"]["rate"] for r in ours[name])
            line += f" {on_dask:.1f} | {on_dask / local:.2f}x |"
        print(line)
    if ratios:
        print()
        print(f"geometric mean ratio {math.exp(statistics.fmean(math.log(r) for r in ratios)):.2f}x over "
              f"{len(ratios)} cells")
    if args.stages:
        print_stages(todo, ours)


def print_stages(todo: list[tuple[str, dict]], ours: dict[str, list]) -> None:
    """Share of this engine's CPU time by stage (first round; a separate run after the timed
    one, so the timer's own overhead is not in the rates above)."""
    labels = ["simulate", "front end", "minimize", "intermediate", "scoring", "other"]
    print()
    print("Where this engine's CPU time goes (share of the cell's CPU time; front end = calibration "
          "and truth tables; minimize = conservative and parsimonious solutions alone)")
    print()
    print("| cell | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    for name, _ in todo:
        shares = ours[name][0].get("stages") or {}
        print(f"| {name} | " + " | ".join(f"{100 * shares.get(k, 0.0):.0f} %" for k in labels) + " |")


if __name__ == "__main__":
    main()
