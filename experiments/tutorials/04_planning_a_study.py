r"""
Planning a study: the cheapest design that would recover the recipe
===================================================================

A commissioner planning a new QCA evaluation of KBOP asks one question: **what is the cheapest
design that recovers these three paths 80 % of the time, if they are true?**

.. code-block:: text

    ~SBW*INNOV*~CASELOAD + ~INNOV*~WORKLOAD*LONGMEET + WORKLOAD*INNOV*LONGMEET

This tutorial answers it in three steps: (1) why the design the evaluation reported (65 workers,
seven conditions, crisp sets, consistency cut-off 0.8) cannot recover them, and what stops it
at 65 workers; (2) the study planner, ``experiments.plan``, which searches designs (N,
conditions analysed, cut-offs, ...) for the cheapest one that meets the target, verifies its
choice by full simulation and stresses it over the values the scenario only illustrates;
(3) how sample-size verdicts are worded, so that none says more than its evidence.

Framing QCA in terms of statistical power is itself debated: QCA's advocates treat cases as
configurations to be understood, not as a sample from a population (Ragin 2008), while its
critics test it as an estimator of causal structure on simulated data (Baumgartner & Thiem
2020). Here the simulation answers a practical question: *if* the evaluation's data behave like
the simulated ones, how often would the planned analysis find the recipe, and how often would
it claim a recipe when there is none?

The same from the command line (``qcasim plan kbop`` runs the full default plan, the one to
act on)::

    qcasim plan kbop
    qcasim ceiling --cal-type crisp --incl-cut 0.8
    qcasim power --cal-type crisp --incl-cut 0.6 --conditions SBW,INNOV,CASELOAD,WORKLOAD,LONGMEET

**Sizes.** So that it runs in about half a minute, this tutorial searches a *small* design
space with small screening populations, short verifications and four joint draws of the
illustrative values, and its power curves use 20 replications per N. Its numbers show how to
read the planner, not what to recruit: the plan to act on is the full default one
(``experiments.plan("kbop")`` with its defaults, timed by ``benchmarks/bench_plan.py``).
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from experiments.ceiling import population_ceiling
from experiments.plan import DesignSpace, plan
from experiments.power import answers_from_frame, power_experiment
from experiments.runner import run_experiment
from experiments.store import Store

RECIPE_CONDITIONS = ["SBW", "INNOV", "CASELOAD", "WORKLOAD", "LONGMEET"]
TARGET = 0.8

# %%
# 1. The design as reported, and why it fails
# -------------------------------------------
#
# KBOP as its evaluation analysed it: all seven measured worker conditions, crisp calibration at
# the scenario's theory anchors, consistency cut-off 0.8. The **population ceiling** asks
# whether *any* N could recover the recipe: with infinitely many cases each truth-table row's
# consistency converges to its population value, so exact recovery needs the cut-off inside the
# window (highest other row, lowest recipe row]. The ceiling simulates one large population and
# repeats the comparison with the conditions measured perfectly and with a noise-free outcome
# (the counterfactuals say which source of noise closes the window). The window is an estimate
# from one finite population: its edges carry 95 % bootstrap intervals. Every ceiling in this
# tutorial uses the product's one default population size and seed 1, so they agree.

reported = {"scenario": "kbop", "cal_type": "crisp", "incl_cut": 0.8}
ceiling = population_ceiling(reported, seed=1)  # DEFAULT_POPULATION cases, as the CLI
print(ceiling.summary())

# %%
# Read the last sentence: whether 0.8 lies in the window decides whether infinite N would
# recover the recipe at that cut-off. Even a cut-off inside the window is *necessary, not
# sufficient*: the window moves with values the scenario only illustrates (the effect size, the
# outcome's crossover; ``experiments.ceiling.window_sweep``), so it cannot be read off real data
# and used to pick a cut-off.
#
# The ceiling speaks about infinite N. What stops recovery at the N the evaluation actually had
# is a different question, answered from the same population by ``binding(65)``:
# misclassification of each condition (a calibrated score on the wrong side of its anchor), the
# share of workers whose observed configuration is their true one, and how many workers each
# configuration of the recipe can expect.

binding = ceiling.binding(65)
print(binding.summary())
sparse = (binding.recipe_rows["expected"] < 1).mean()
print(f"\nrecipe configurations expecting fewer than one of the 65 workers: {sparse:.0%}; "
      f"workers outside their true configuration: {1 - binding.in_true_row:.0%}")

# %%
# With seven conditions there are 128 configurations for 65 workers, and the recipe is spread
# over many of them: the printed shares say how many recipe configurations a study of 65 can
# expect to see at all, and how many workers are analysed in a row that is not their own
# (misclassification compounds over seven conditions). More workers fill the rows; fewer
# conditions mean fewer rows and less compounding. That is what the planner trades against cost.
#
# 2. The planner: the cheapest design meeting the target
# ------------------------------------------------------
#
# ``plan`` takes a scenario, a **target** (default: exact recovery >= 80 % if the recipe is true
# *and* false claims <= 5 % under the matched null, where no condition affects the outcome), a
# **design space** (the levers and their levels) and a **cost model** (declared costs per case,
# per analysed condition, per extra instrument item, per participant followed up). It
#
# 1. *screens* every design at every N with a surrogate: one large simulated population per
#    data design, from which truth tables at any N are drawn and minimised, without simulating a
#    study per N;
# 2. *recommends* the cheapest design meeting the target, after confirming it on fresh draws;
# 3. *verifies* the recommendation by full simulation (the benchmark's pipeline) and reports the
#    surrogate's error against it;
# 4. *stresses* it over the plausible ranges of the scenario's illustrative values (``[ranges]``
#    in ``sim/scenarios/kbop.toml``): each value at both ends of its range (the tornado) and
#    joint draws. A design that meets the target only at the scenario's own values is
#    **fragile**.
#
# Here a deliberately small space: six sample sizes, the recipe's five conditions
# against all seven, two cut-offs (the reported 0.8 and 0.6), crisp sets, the parsimonious
# solution.

space = DesignSpace(n_grid=(65, 250, 1000, 2000, 4000, 8000), conditions=("recipe", "theory"),
                    incl_cut=(0.6, 0.8), n_cut=(1,))
result = plan("kbop", space=space, n_pop=40_000, n_draws=100, seed=1,
              verify=True, verify_width=0.2, verify_budget=300_000,
              robust=True, n_joint=4)
print(result.summary())

# %%
# How to read it:
#
# * **The sentence** is the answer: N, what to analyse, the cost, the recovery simulated at that
#   N with its 95 % interval (and the screen's value), false claims under the null, and the
#   robustness verdict.
# * **Verification**: the screen is an approximation; the full simulation of the recommended
#   design is the number to quote, and "error" is how far the screen was off. With this
#   tutorial's small budget the intervals are wide (the summary says when the budget ran out
#   before the width target).
# * **Robustness**: each illustrative value at the ends of its range. A large swing means the
#   recommendation holds only if that value is about right; the planner then reports the
#   cheapest design that meets the target at every end of the ranges, or says that none in the
#   space does and which values must be known better (pilot data) first.
# * **No design at the reported cut-off** appears among those meeting the target when the
#   ceiling above puts 0.8 outside the window: no N rescues it.
#
# The Pareto front: every screened (design, N) by cost and exact recovery, the front of designs
# not beaten on both, the recommendation by the screen and, with its 95 % interval, by full
# simulation.

fig = result.pareto_figure()
fig.tight_layout()

# %%
# The tornado: how far each illustrative value, at the low and the high end of its plausible
# range, moves the recommended design's exact recovery (the black line is the recovery at the
# scenario's own values, the dashed line the target).

fig = result.tornado_figure()

rb = result.robustness
if rb is not None:
    print(f"fragile: {rb['fragile']}; target met in {rb['share_met']:.0%} of "
          f"{len(rb['joint'])} joint draws; worst exact recovery {rb['worst']:.0%}")
    print("fragile to:", ", ".join(rb["fragile_to"]) or "nothing")

# %%
# **Fragility** is the planner's most useful warning. An N that recovers the recipe 80 % of
# the time at a hazard ratio of 0.4 (the scenario's assumed effect) may recover it rarely if
# the effect is weaker, and nobody knows KBOP's effect. A fragile plan says: before fixing N,
# narrow the values it is fragile to (a pilot, published comparables), or budget for the worst
# plausible case.
#
# **The plan to act on.** This tutorial's small space and populations are a demonstration. The
# full default plan (``qcasim plan kbop``, or ``plan("kbop")`` with its defaults:
# more sample sizes and cut-offs, ``n_cut`` 1 and 2, screening populations of 100,000, 400
# truth tables per design and N, verification to an interval width of 0.1, eight joint draws)
# is the one whose N, cost and fragility a commissioner should use; ``benchmarks/bench_plan.py``
# runs and times it. Give it a store and workers, ``qcasim plan kbop -o plans -j 2`` (or
# ``plan("kbop", store="plans/qcasim.db", jobs=2)``): its finished work is kept in the store as
# it completes, so an interrupted plan run again resumes where it stopped and gives the same
# answer, and its simulations run on two processes (the answer does not depend on them).
#
# 3. Power verdicts that say no more than their evidence
# ------------------------------------------------------
#
# A classic power curve simulates the study at a few N and fits the recovery rate. Its verdict
# is decided from evidence: an N with a bootstrap interval when the fitted curve reaches the
# target inside the grid; "<= N_min" when it is reached at the smallest N; "not reached within
# the grid" when it is not, and nothing says it never will be; "no success observed" (with a
# rough N to extend the grid to, from the population ceiling) when there are too few successes
# to fit; and "never" only when the population ceiling is empty at the cut-off *and* the grid
# agrees.
#
# Two cells, 20 replications per N: the reported design at 65 and 250 workers, and the
# recommended design of the plan (or, if none, the recipe's five conditions at 0.6) from 250
# workers to twice the plan's N.


def power_answer(design: dict, ns: list[int]):
    """Simulate a power grid in a temporary store; the library's answer (with the ceiling)."""
    exp = power_experiment("kbop", ns, 20, seed=1, base={"solutions": ["parsimonious"], **design})
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "power.db") as store:
        run_experiment(exp, store, backend="serial", progress=False)
        frame = store.frame(exp.name)
    base = {"scenario": "kbop", **design}
    (answer,) = answers_from_frame(frame, "n_workers", [], "any_exact", "parsimonious", TARGET,
                                   base)
    return answer


as_reported = power_answer({"cal_type": "crisp", "incl_cut": 0.8}, [65, 250])
print(as_reported.summary("any_exact", "parsimonious"))
print("status:", as_reported.result.status)

# %%
# No replication succeeds, so the grid alone could not say more than "no success observed".
# What allows a stronger verdict is the population ceiling: "never" is said only when it
# excludes the cut-off (the window does not contain 0.8, and almost no bootstrap population
# puts it inside). Read the "why" line with it: its "recoverable at large N" is about cut-offs
# *inside* the window, so "never" holds for this cut-off, not for every design, and the
# remedy is a design that changes the cut-off and N together, which is what the plan searched.
#
# The recommended design's curve. Its N comes from the plan; a power grid around it is an
# independent check of the screen (with 20 replications, a rough one).

rec = result.recommended
if rec is not None:
    design = {"cal_type": rec["cal_type"], "incl_cut": float(rec["incl_cut"]),
              "n_cut": int(rec["n_cut"]), "conditions": rec["conditions"].split(",")}
    n_plan = int(rec["n"])
else:
    design = {"cal_type": "crisp", "incl_cut": 0.6, "conditions": RECIPE_CONDITIONS}
    n_plan = 4000
ns = sorted({250, 1000, n_plan // 2, n_plan, 2 * n_plan})
planned = power_answer(design, ns)
print(planned.summary("any_exact", "parsimonious"))
print("status:", planned.result.status)

c = planned.result.curve
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.errorbar(c["value"], c["rate"], yerr=[c["rate"] - c["low"], c["high"] - c["rate"]], fmt="o",
            label="simulated (95 % Wilson)")
ax.plot(c["value"], c["fitted"], label="monotone fit")
ax.axhline(TARGET, ls="--", color="grey", label=f"target {TARGET:.0%}")
ax.axvline(n_plan, ls=":", color="C3", label=f"plan's N = {n_plan:,}")
ax.set_xscale("log")
ax.set_xticks(c["value"], [f"{v:g}" for v in c["value"]])  # the simulated N, not 10^k ticks
ax.minorticks_off()
ax.set_xlabel("workers (N)")
ax.set_ylabel("P(exact recovery)")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
# With 20 replications per N the Wilson intervals are about +-20 points wide and the monotone
# fit (a logistic in log N with a ceiling) can level off below the last observed rate; the
# verdict then says "not reached within the grid" rather than an N the fit cannot support.
# The plan's verification at its N, with more replications, is the sharper number; a power grid
# with 100 or more replications per N is the independent check to run before recruiting.
#
# The power curve answers "how many, for this one design"; the plan answers "which design,
# how many, at what cost, and how sure". Use the curve to check a plan, not to replace it.
#
# Exercises
# ---------
#
# 1. Compute the population ceiling of the reported design with perfect measurement
#    (``reliability=1``). Which counterfactual row of the ceiling above predicted its window?
# 2. Plan for a weaker target: every true path detected (``"paths >= 0.8 and null_claim <=
#    0.05"``) instead of the exact recipe. How much cheaper is it, on the same space?
# 3. The plan above is stressed over the illustrative ranges. Which value would you measure in
#    a pilot before fixing N, and why?
#
# Worked solutions
# ----------------
#
# **1.** At reliability 1 every condition is classified as its latent truth, so the observed
# window should match the "conditions measured perfectly" row (compare the printed rows):

perfect = population_ceiling({**reported, "reliability": 1.0}, seed=1, n_boot=0)
print(perfect.table.loc["as simulated", ["lowest_recipe", "highest_other", "recoverable"]])
print(ceiling.table.loc["conditions measured perfectly",
                        ["lowest_recipe", "highest_other", "recoverable"]])

# %%
# **2.** Screen only (no verification or stress test, so it takes seconds), on the same space
# and seed, and compare the cheapest designs:

paths = plan("kbop", target="paths >= 0.8 and null_claim <= 0.05", space=space, n_pop=40_000,
             n_draws=100, seed=1, verify=False, robust=False)
for name, r in (("exact recipe", result), ("all paths detected", paths)):
    best = r.recommended
    print(f"{name:20s}: " + ("no design in the space meets it" if best is None else
                             f"N = {int(best['n']):,}, cost {best['cost']:,.0f} {r.cost.unit} "
                             f"(screen: exact {best['exact']:.0%}, all paths {best['paths']:.0%})"))

# %%
# "All paths detected" tolerates extra terms next to the true paths (exact recovery implies
# it), so it needs no more workers than exact recovery; how many fewer depends on how often the
# solution carries extra terms once every path is found. Compare the two screened rates of each design: where
# they are within a few points, as the printout shows for this scenario, the weaker target buys
# little, and the grid's spacing (here six sample sizes, refined by bisection) may give both
# the same N.
#
# **3.** The value with the largest swing in the tornado (sorted below), provided its range
# crosses the target: if the recovery at one end of its range falls far below 80 %, the N
# recommended at the scenario's own value is a bet on that value. A pilot (or published
# comparables) that narrows the range is cheaper than recruiting for the worst case.

if result.robustness is not None:
    t = result.robustness["tornado"].sort_values("swing", ascending=False)
    print(t[["parameter", "low", "rec_low", "high", "rec_high", "swing"]].round(3)
          .to_string(index=False))

# %%
# References
# ----------
#
# Baumgartner, M., & Thiem, A. (2020). Often trusted but never (properly) tested: evaluating
# Qualitative Comparative Analysis. *Sociological Methods & Research* 49(2), 279-311.
# Ragin, C. C. (2008). *Redesigning Social Inquiry*. University of Chicago Press.
