r"""
Planning a study: can QCA recover the recipe, and with how many workers?
========================================================================

A power analysis for QCA asks: if the causal recipe is true, how often does the analysis we
plan recover it, as a function of the number of cases N? Before asking "how many", ask "can it
at all": the **population ceiling** (``experiments.ceiling``) simulates a very large population
and checks whether any consistency cut-off separates the recipe's truth-table rows from the
others. If none does, no N helps, and the useful question is what to change in the design.

Framing QCA in terms of statistical power is itself debated: QCA's advocates treat cases as
configurations to be understood, not as a sample from a population (Ragin 2008), while its
critics test it as an estimator of causal structure on simulated data. Here the simulation
answers a practical question: *if* the evaluation's data behave like the simulated ones, how
often would the planned analysis find the recipe?

The same from the command line::

    qcasim ceiling --cal-type crisp --incl-cut 0.8
    qcasim power --cal-type crisp --incl-cut 0.6 --conditions SBW,INNOV,CASELOAD,WORKLOAD,LONGMEET
    qcasim power --mde 250 --effects 0.7,0.4,0.2,0.1 --cal-type crisp --incl-cut 0.6

This tutorial uses **20 replications per N** so that it runs in about a minute; the intervals
are therefore wide. Use at least 100 for a real plan.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from experiments.ceiling import population_ceiling
from experiments.power import power_experiment, power_from_curve
from experiments.runner import run_experiment
from experiments.stats import aggregate, long_scores
from experiments.store import Store

REPS = 20
TARGET = 0.8


def power_curve(scenario: str, ns: list[int], base: dict, criterion: str = "any_exact"):
    """Run a power experiment in a temporary store; return (PowerResult, replication frame)."""
    exp = power_experiment(scenario, ns, REPS, seed=1, base={"solutions": ["parsimonious"], **base})
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "power.db") as store:
        run_experiment(exp, store, backend="serial", progress=False)
        frame = store.frame(exp.name)
    curve = aggregate(long_scores(frame, ["parsimonious"]), ["n_workers"], criterion)
    return power_from_curve(curve, TARGET), frame


# %%
# 1. The ceiling of the evaluation as reported
# --------------------------------------------
#
# KBOP as its evaluation analysed it: all seven measured worker conditions, crisp calibration at
# the scenario's theory anchors, consistency cut-off 0.8. The ceiling compares the population
# consistency of the recipe's rows with that of every other row, and repeats the comparison with
# the conditions measured perfectly and with a noise-free outcome (the counterfactuals tell
# which source of noise closes the window).

kbop = {"scenario": "kbop", "cal_type": "crisp", "incl_cut": 0.8}
ceiling = population_ceiling(kbop, n_population=30_000, seed=1)
print(ceiling.summary())

# %%
# The window lies well below 0.8: at the reported cut-off even infinite N recovers nothing. A
# cut-off inside the window is the first design change to consider; fewer conditions (the five
# of the recipe) widen the window and, with 32 instead of 128 configurations, need far fewer
# workers per row.
#
# 2. The power curve where it can work
# ------------------------------------
#
# The five recipe conditions, cut-off 0.6 (inside their window), the parsimonious solution.
# Criterion: the solution is exactly the true recipe (``any_exact``); a weaker one,
# ``paths_detected``, shows partial recovery.

design = {"cal_type": "crisp", "incl_cut": 0.6,
          "conditions": ["SBW", "INNOV", "CASELOAD", "WORKLOAD", "LONGMEET"]}
result, frame = power_curve("kbop", [65, 250, 1000], design)
print(result.summary("any_exact", "parsimonious"))
paths = aggregate(long_scores(frame, ["parsimonious"]), ["n_workers"], "paths_detected")
print(paths[["n_workers", "rate", "low", "high"]].round(2))

# %%
# The exact recipe needs many hundreds of workers even here; the paths are detected in part
# much earlier. ``verdict()`` separates three answers: an N (with a bootstrap interval), "not
# reached within the grid" (the curve is still rising at its largest N: extend the grid), and
# "never" (it levels off below the target).
#
# 3. A design where N is the only limit
# -------------------------------------
#
# For contrast, the Boolean structure ``~A*B + B*~C + D`` (tutorial 03) with crisp calibration
# and reliable conditions: the outcome is clean and the difficulty is limited diversity.

toy, _ = power_curve("boolean:~A*B + B*~C + D", [16, 32, 64, 128, 256],
                     {"cal_type": "crisp", "reliability": 0.99})
print(toy.summary("any_exact", "parsimonious"))

fig, ax = plt.subplots(figsize=(6, 3.5))
c = toy.curve
ax.errorbar(c["value"], c["rate"], yerr=[c["rate"] - c["low"], c["high"] - c["rate"]], fmt="o",
            label="simulated (95 % Wilson)")
ax.plot(c["value"], c["fitted"], label="monotone fit")
ax.axhline(TARGET, ls="--", color="grey", label=f"target {TARGET}")
ax.set_xscale("log")
ax.set_xticks(c["value"], [f"{v:g}" for v in c["value"]])  # the simulated N, not 10^k ticks
ax.minorticks_off()
ax.set_xlabel("cases (N)")
ax.set_ylabel("P(exact recovery)")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
# Exercises
# ---------
#
# 1. Run ``qcasim ceiling --cal-type crisp --reliability 1`` and compare the window with the one
#    above. Which counterfactual row predicted it?
# 2. With ``qcasim power --mde 250 ...`` find the weakest effect (largest hazard ratio) that the
#    five-condition design detects in 80 % of cohorts.
#
# Worked solutions
# ----------------
#
# **1.** Perfect measurement widens the window (the "conditions measured perfectly"
# row shows by how much; the observed scores keep some discretisation, so it is a little
# narrower than that row).
#
# **2.** The answer depends on the grid and replications; with few
# replications the verdict is often "not reached within the grid": extend ``--effects`` towards
# 0.1 and raise ``--reps``.
