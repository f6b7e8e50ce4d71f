"""The default study plan for KBOP (issue 20: <= 5 minutes on a 2-core laptop), against brute force.

Run: python benchmarks/bench_plan.py [--seed 1] [--json out.json] [--resume] [--jobs 2]

Times ``experiments.plan("kbop")`` with its defaults (36 designs x 11 sample sizes screened,
the recommendation verified by full simulation and stressed over the illustrative ranges) and,
in the same run, the baseline it replaces: the measured cost per simulated and analysed case of
the benchmark pipeline (``run_batch`` at N = 1,000), multiplied out to a brute-force grid of the
same designs (every data design x sample size simulated with the verification's replications,
the analysis settings sharing cohorts as the benchmark's common random numbers do). The machine
load (``os.getloadavg``) is printed with the timings: a ratio measured in one run is the claim,
not the seconds.

With ``--resume`` it also times, in the same run and against the same full plan (which kept its
work in a fresh store): a plan interrupted halfway through its stored work (a
``KeyboardInterrupt`` raised after that many pieces, as Ctrl-C would) and then resumed in the
same store (its answer checked equal to the full plan's), and a rerun with everything stored.
With ``--jobs 2`` it also times the plan on two local workers (answer checked equal).
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
    ap.add_argument("--resume", action="store_true",
                    help="also time an interrupted plan resumed from its store, and a rerun")
    ap.add_argument("--jobs", type=int, default=1,
                    help="also time the plan on this many local workers (when > 1)")
    args = ap.parse_args()

    import tempfile
    from pathlib import Path

    from experiments.pipeline import run_batch
    from experiments.plan import DesignSpace, plan

    tmp = Path(tempfile.mkdtemp(prefix="bench-plan-"))
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    result = plan("kbop", seed=args.seed, store=tmp / "full.db" if args.resume else None,
                  progress=lambda m: print(f"  {time.perf_counter() - t0:6.1f} s  {m}", flush=True))
    total = time.perf_counter() - t0
    load1 = os.getloadavg()
    extra = _resume(args.seed, result, total, tmp) if args.resume else {}
    if args.jobs > 1:
        t1 = time.perf_counter()
        rj = plan("kbop", seed=args.seed, jobs=args.jobs)
        tj = time.perf_counter() - t1
        assert _answer(rj) == _answer(result), "-j changed the answer"
        extra["jobs"] = {"jobs": rj.run["jobs"], "seconds": tj, "ratio": tj / total}
        print(f"-j {rj.run['jobs']}: {tj:.0f} s = {tj / total:.2f} x the serial plan "
              f"(same answer; verification {rj.run['seconds']['verify']:.0f} s, robustness "
              f"{rj.run['seconds']['robust']:.0f} s)")

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

    s = result.run["seconds"]
    print()
    print(result.sentence())
    print()
    print(f"load average before / after: {load0[0]:.1f} / {load1[0]:.1f} (2 cores)")
    print(f"default KBOP plan: {total:.0f} s (screen {s['screen']:.0f} s, verification "
          f"{s['verify']:.0f} s, robustness {s['robust']:.0f} s; {result.run['populations']} "
          f"populations, {result.run['minimisations']} minimisations)")
    print(f"baseline: {per_case * 1e6:.0f} us per simulated and analysed case; brute force over the "
          f"same {len(sp.n_grid)} sample sizes x 2 arms x {reps_brute} replications >= {brute:.0f} s "
          f"(one analysis per cohort counted, not {sp.size}): {brute / s['screen']:.0f}x the "
          f"screen, {brute / total:.1f}x the whole plan (which also verifies its answer and "
          f"stresses it over {result.run['populations']} populations)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"seconds": total, "parts": s, "load": [load0[0], load1[0]],
                       "per_case_us": per_case * 1e6, "brute_force_seconds": brute, **extra,
                       "plan": json.loads(result.to_json())}, fh, indent=2)


def _answer(result: object) -> str:
    doc = result.to_dict()  # type: ignore[attr-defined]
    doc.pop("run")
    return json.dumps(doc, sort_keys=True)


def _resume(seed: int, full: object, total: float, tmp: object) -> dict:
    """Interrupt a plan halfway through the work the full plan stored, resume it, rerun it."""
    from experiments import plan as plan_module
    from experiments.plan import plan

    pieces = sum(full.run["computed"].values())  # type: ignore[attr-defined]
    stop = pieces // 2
    put = plan_module._Work.put
    count = {"n": 0}

    def interrupting(self, kind, key, value):  # type: ignore[no-untyped-def]
        put(self, kind, key, value)
        count["n"] += 1
        if count["n"] == stop:
            raise KeyboardInterrupt

    db = tmp / "resume.db"  # type: ignore[operator]
    plan_module._Work.put = interrupting
    t1 = time.perf_counter()
    try:
        plan("kbop", seed=seed, store=db)
        raise AssertionError("the plan was not interrupted")
    except KeyboardInterrupt:
        t_int = time.perf_counter() - t1
    finally:
        plan_module._Work.put = put
    t2 = time.perf_counter()
    resumed = plan("kbop", seed=seed, store=db)
    t_res = time.perf_counter() - t2
    assert _answer(resumed) == _answer(full), "the resumed answer differs"
    t3 = time.perf_counter()
    again = plan("kbop", seed=seed, store=db)
    t_again = time.perf_counter() - t3
    assert _answer(again) == _answer(full)
    print(f"interrupted after {stop} of {pieces} pieces of work ({t_int:.0f} s); resumed in "
          f"{t_res:.0f} s = {t_res / total:.2f} x the full plan ({total:.0f} s), reusing "
          f"{resumed.run['reused']}; interrupted + resumed = {(t_int + t_res) / total:.2f} x; "
          f"rerun with everything stored {t_again:.1f} s = {t_again / total:.3f} x; same answer")
    return {"resume": {"pieces": pieces, "interrupted_after": stop, "seconds_to_interrupt": t_int,
                       "seconds_resumed": t_res, "seconds_all_stored": t_again,
                       "ratio_resumed": t_res / total, "ratio_all_stored": t_again / total}}


if __name__ == "__main__":
    main()
