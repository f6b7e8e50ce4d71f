# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Causal complexity with a known truth
#
# QCA is built for *causally complex* data. Four ideas matter:
#
# * **equifinality**: several different paths lead to the same outcome;
# * **conjunctural causation**: a condition works only together with others, so it can help in
#   one context and hurt in another;
# * **asymmetry**: the recipe for failure is not the mirror image of the recipe for success;
# * **INUS conditions**: each condition is an *Insufficient but Non-redundant part of an
#   Unnecessary but Sufficient* conjunction (Mackie 1965).
#
# With real data we never know the causal truth. With the `sim` package we do: the KBOP scenario
# simulates front-line workers of a homelessness programme whose participants sustain their
# tenancy more often when the worker's profile satisfies a known recipe. This tutorial simulates a
# large cohort (4,000 workers, one replication, seed 1) and checks each idea against that truth.
# It runs in a few seconds.

# %%
import itertools

import numpy as np
import pandas as pd

import qca
import sim
from experiments.scoring import is_equivalent

scenario = sim.load_scenario("kbop")
recipe = scenario.recipe_expression
print("True recipe:", recipe)
for k, term in enumerate(recipe.terms, 1):
    print(f"  path {k}: {term}")

# %% [markdown]
# ## The simulated cohort and its truth columns
#
# Each row is a worker. The observed columns are what an evaluation would have (survey scores,
# caseloads, recorded hours, the sustainment rate `SUSTAIN_RATE`). The `true_*` columns are the
# causal truth: each condition's true crisp value, whether the worker satisfies the recipe
# (`true_recipe`) and each of its paths (`true_path_k`).

# %%
cohort = sim.simulate("kbop", n_workers=4000, seed=1)
print(list(scenario.truth_columns))
print(cohort[["worker_id", "SBW", "INNOV", "CASELOAD", "SUSTAIN_RATE",
              "true_SBW", "true_INNOV", "true_CASELOAD", "true_recipe"]].head())
print("\nShare of workers on each path:")
print(cohort[["true_path_1", "true_path_2", "true_path_3", "true_recipe"]].mean().round(3))

# %% [markdown]
# ## Equifinality: each path works on its own
#
# Compare workers on exactly one path with workers on none. Every path raises the mean
# sustainment rate by a similar amount: there are three different routes to the same outcome.

# %%
paths = cohort[["true_path_1", "true_path_2", "true_path_3"]].to_numpy()
on_none = paths.sum(axis=1) == 0
rates = {"no path": cohort.loc[on_none, "SUSTAIN_RATE"].mean()}
for k in range(3):
    only_k = (paths[:, k] == 1) & (paths.sum(axis=1) == 1)
    rates[f"only path {k + 1}"] = cohort.loc[only_k, "SUSTAIN_RATE"].mean()
rates = pd.Series(rates).round(3)
print(rates)
assert all(rates[f"only path {k}"] > rates["no path"] + 0.1 for k in (1, 2, 3))

# %% [markdown]
# In QCA terms, each path is a sufficient condition. Calibrate the outcome into a fuzzy set
# (full non-membership at 70 % sustained, crossover at 78 %, full membership at 87 %: the
# baseline rate and the rate under the recipe's effect) and compute the sufficiency consistency
# and coverage of each path, using the *true* conditions so that only the outcome is noisy.

# %%
conditions = list(scenario.observed_conditions)
true = cohort[[f"true_{c}" for c in conditions]].rename(columns=lambda s: s.removeprefix("true_"))
true["SUST"] = qca.calibrate(cohort["SUSTAIN_RATE"].to_numpy(), "fuzzy",
                             thresholds=(0.70, 0.78, 0.87))
fit = qca.pof([str(t) for t in recipe.terms], "SUST", data=true, relation="sufficiency")
print(fit.round(3))

# %% [markdown]
# ## Conjunctural causation: INNOV helps in one context and hurts in another
#
# A regression-style "net effect" of innovativeness (`INNOV`) is small, because its effect
# depends on the other conditions. Where the worker is not strengths-based and has no high
# caseload but works long hours with short meetings, `INNOV` completes path 1; where the worker
# has short hours and long meetings, the *absence* of `INNOV` completes path 2.

# %%
t = true
contexts = {
    "overall": np.ones(len(t), bool),
    "~SBW*~CASELOAD*WORKLOAD*~LONGMEET": ((t.SBW == 0) & (t.CASELOAD == 0) & (t.WORKLOAD == 1)
                                          & (t.LONGMEET == 0)).to_numpy(),
    "SBW*~WORKLOAD*LONGMEET": ((t.SBW == 1) & (t.WORKLOAD == 0) & (t.LONGMEET == 1)).to_numpy(),
}
rows = []
for name, mask in contexts.items():
    sub = cohort[mask]
    with_innov = sub.loc[sub.true_INNOV == 1, "SUSTAIN_RATE"].mean()
    without = sub.loc[sub.true_INNOV == 0, "SUSTAIN_RATE"].mean()
    rows.append({"context": name, "workers": int(mask.sum()), "INNOV": with_innov,
                 "~INNOV": without, "effect of INNOV": with_innov - without})
effects = pd.DataFrame(rows).set_index("context").round(3)
print(effects)
eff = effects["effect of INNOV"]
assert eff.iloc[1] > 0.1 and eff.iloc[2] < -0.1 and abs(eff.iloc[0]) < abs(eff.iloc[1])

# %% [markdown]
# ## INUS conditions
#
# Check Mackie's definition for `INNOV` in path 1, `~SBW*INNOV*~CASELOAD`, on every
# configuration of the five recipe conditions (the Boolean truth, no data needed):
#
# * **I**nsufficient: `INNOV` alone does not guarantee the outcome;
# * **N**on-redundant: without `INNOV`, the rest of the conjunction (`~SBW*~CASELOAD`) is not
#   sufficient;
# * **U**nnecessary: the outcome also occurs without path 1 (equifinality);
# * **S**ufficient: whenever path 1 holds, the outcome occurs.

# %%
recipe_conds = ["SBW", "INNOV", "CASELOAD", "WORKLOAD", "LONGMEET"]
space = pd.DataFrame(list(itertools.product([0, 1], repeat=5)), columns=recipe_conds)
outcome = qca.evaluate(recipe, space) == 1


def sufficient(expr: str) -> bool:
    """True when every configuration satisfying ``expr`` shows the outcome."""
    return bool(outcome[qca.evaluate(expr, space) == 1].all())


path1 = "~SBW*INNOV*~CASELOAD"
inus = {
    "INNOV insufficient": not sufficient("INNOV"),
    "INNOV non-redundant (~SBW*~CASELOAD not sufficient)": not sufficient("~SBW*~CASELOAD"),
    "path 1 unnecessary (outcome without it)": bool(
        (outcome & (qca.evaluate(path1, space) == 0)).any()),
    "path 1 sufficient": sufficient(path1),
}
for k, v in inus.items():
    print(f"{k:55s} {v}")
assert all(inus.values())

# %% [markdown]
# ## Asymmetry: failure has its own recipe
#
# The recipe for *not* sustaining tenancies is the Boolean negation of the recipe (De Morgan),
# but it is not the success paths with every sign flipped. `qca.negate` gives it in minimal
# sum-of-products form: six conjunctions. Flipping every sign of a success path ("the mirror")
# gives a recipe for failure only by accident: here for one path of three.

# %%
failure = qca.negate(recipe)
print("~recipe =", failure)
mirrors = []
for term in recipe.terms:
    mirror = "*".join(f"~{c}" if 1 in v else c for c, v in term.literals)
    mirrors.append(bool((~outcome)[qca.evaluate(mirror, space) == 1].all()))
    print(f"  mirror of {str(term):28s} = {mirror:28s} sufficient for failure? {mirrors[-1]}")
assert not all(mirrors)

# %% [markdown]
# With clean data, QCA finds exactly that failure recipe when it analyses the negated outcome
# separately. Here the conditions are the true ones (all seven, including the two irrelevant
# ones `REFLECT` and `SELFEFF`); only the outcome is noisy. With crisp conditions a row's
# consistency for `SUST` and for `~SUST` add up to 1; rows reaching 0.55 are coded positive.

# %%
tt_success = qca.truth_table(true, "SUST", conditions, incl_cut=0.55)
tt_failure = qca.truth_table(true, "~SUST", conditions, incl_cut=0.55)
success = qca.minimize(tt_success, include="?").models[0].expression
fail_sol = qca.minimize(tt_failure, include="?").models[0].expression
print("solution for SUST: ", success)
print("solution for ~SUST:", fail_sol)
assert is_equivalent(success, recipe) and is_equivalent(fail_sol, failure)

# %% [markdown]
# With *measured* (fuzzy, noisy) conditions the two analyses are no longer complements. A
# truth-table row can be consistent with neither the outcome nor its negation, and the
# simplifying assumptions made for one outcome are not made for the other. Analyse 200 workers'
# calibrated survey and record data (the scenario's theory anchors) at a consistency cut-off of
# 0.75, once for `SUSTAIN_RATE` and once for `~SUSTAIN_RATE`, and compare the failure solution with
# the negation of the success solution.

# %%
obs = sim.simulate("kbop", n_workers=200, seed=1)
fuzzy = pd.DataFrame()
for c in conditions:
    low, cross, high = scenario.calibration_anchors[c]
    # Summed Likert scores are integers: a score exactly at the crossover would get membership
    # 0.5 and belong to no truth-table row, so move the crossover just off the data.
    fuzzy[c] = qca.calibrate(obs[c].to_numpy(dtype=float), "fuzzy",
                             thresholds=(low, cross + 1e-6, high))
fuzzy["SUSTAIN_RATE"] = qca.calibrate(obs["SUSTAIN_RATE"].to_numpy(), "fuzzy",
                                      thresholds=(0.70, 0.78, 0.87))
tt_y = qca.truth_table(fuzzy, "SUSTAIN_RATE", conditions, incl_cut=0.75)
tt_n = qca.truth_table(fuzzy, "~SUSTAIN_RATE", conditions, incl_cut=0.75)
sol_y = qca.minimize(tt_y, include="?").models[0].expression
sol_n = qca.minimize(tt_n, include="?").models[0].expression
neither = (tt_y.rows["OUT"] == "0") & (tt_n.rows["OUT"] == "0")
print("success solution (first model):", sol_y)
print("failure solution (first model):", sol_n)
print("negation of the success solution:", qca.negate(sol_y))
print(f"observed rows consistent with neither outcome: {int(neither.sum())} of {len(tt_y.rows)}")
print("failure solution == ~(success solution)?", is_equivalent(sol_n, qca.negate(sol_y)))
assert not is_equivalent(sol_n, qca.negate(sol_y))

# %% [markdown]
# Lessons: look for several paths, read each condition within its conjunction (never as a net
# effect), and analyse the negated outcome as a separate question. Whether QCA recovers the
# truth at realistic sample sizes is the subject of tutorials 03 and 04.
#
# Reference: Mackie, J. L. (1965). Causes and conditions. *American Philosophical Quarterly*
# 2(4), 245-264.
