"""The default study plan for KBOP (issue 20: <= 5 minutes on a 2-core laptop), against brute force.

Run: python benchmarks/bench_plan.py [--seed 1] [--json out.json]

Times ``experiments.plan("kbop")`` with its defaults (36 designs x 11 sample sizes screened,
the recommendation verified by full simulation and stressed over the illustrative ranges) and,
in the same run, the baseline it replaces: the measured cost per simulated and analysed case of
the benchmark pipeline (``run_batch`` at N = 1,000), multiplied out to a brute-force grid of the
same designs (every data design x sample size simulated with the verification's replications,
the analysis settings sharing cohorts as the benchmark's common random numbers do). The machine
load (``os.getloadavg``) is printed with the timings: a ratio measured in one run is the claim,
not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", default=None, help="write the timings and the plan's JSON here")
    args = ap.parse_args()

    from experiments.pipeline import run_batch
    from experiments.plan import DesignSpace, plan

    load0 = os.getloadavg()
    t0 = time.perf_counter()
    result = plan("kbop", seed=args.seed,
                  progress=lambda m: print(f"  {time.perf_counter() - t0:6.1f} s  {m}", flush=True))
    total = time.perf_counter() - t0
    load1 = os.getloadavg()

    # Baseline in the same run: full simulation + analysis per case at N = 1,000.
    p = {"scenario": "kbop", "n_workers": 1000, "cal_type": "crisp", "solutions": ["parsimonious"],
         "conditions": ["SBW", "INNOV", "CASELOAD", "WORKLOAD", "LONGMEET"], "incl_cut": 0.6}
    run_batch(p, 1, [0])  # warm caches
    reps = 10
    t1 = time.perf_counter()
    run_batch(p, 2, list(range(reps)))
    per_case = (time.perf_counter() - t1) / (reps * 1000)
    sp = DesignSpace()
    v = result.verification or {}
    reps_brute = int(v.get("reps", 250))
    data_designs = 2  # the scenario's effect and the matched null
    brute = per_case * reps_brute * data_designs * sum(sp.n_grid)

    s = result.settings["seconds"]
    print()
    print(result.sentence())
    print()
    print(f"load average before / after: {load0[0]:.1f} / {load1[0]:.1f} (2 cores)")
    print(f"default KBOP plan: {total:.0f} s (screen {s['screen']:.0f} s, verification "
          f"{s['verify']:.0f} s, robustness {s['robust']:.0f} s; {result.settings['populations']} "
          f"populations, {result.settings['minimisations']} minimisations)")
    print(f"baseline: {per_case * 1e6:.0f} us per simulated and analysed case; brute force over the "
          f"same {len(sp.n_grid)} sample sizes x 2 arms x {reps_brute} replications >= {brute:.0f} s "
          f"(one analysis per cohort counted, not {sp.size}): {brute / s['screen']:.0f}x the "
          f"screen, {brute / total:.1f}x the whole plan (which also verifies its answer and "
          f"stresses it over {result.settings['populations']} populations)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"seconds": total, "parts": s, "load": [load0[0], load1[0]],
                       "per_case_us": per_case * 1e6, "brute_force_seconds": brute,
                       "plan": json.loads(result.to_json())}, fh, indent=2)


if __name__ == "__main__":
    main()
