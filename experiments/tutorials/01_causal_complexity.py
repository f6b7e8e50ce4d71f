"""
Causal complexity with a known truth
====================================

QCA is built for *causally complex* data. This tutorial defines the vocabulary precisely and
checks each idea on data whose causal truth is known.

**Sufficiency and necessity.** A condition ``X`` is *sufficient* for an outcome ``Y`` when every
case with ``X`` shows ``Y`` (``X`` is a subset of ``Y``); it is *necessary* when every case with
``Y`` shows ``X`` (``Y`` is a subset of ``X``). With fuzzy sets, "subset" becomes "membership in
``X`` at most membership in ``Y``", measured by consistency (``inclS``, ``inclN``).

Causal complexity has three parts (Schneider & Wagemann 2012, ch. 3):

* **equifinality**: several different conjunctions of conditions are each sufficient for the
  same outcome, and none is necessary;
* **conjunctural causation**: a condition produces the outcome only *together* with other
  conditions, as a component of a conjunction. Mackie's (1965) name for such a component is an
  **INUS condition**: an *Insufficient but Non-redundant part of an Unnecessary but Sufficient*
  condition. The same condition can belong to one path and its absence to another, so it "helps"
  in one context and "hurts" in another, and it has no net effect worth estimating;
* **asymmetry**: the recipe for the outcome's absence is not the mirror image of the recipe for
  its presence, and must be analysed separately.

The necessity counterpart of INUS is the **SUIN condition** (Mahoney, Kimball & Koivu 2009): a
*Sufficient but Unnecessary part of an Insufficient but Necessary* condition, e.g. one term of a
disjunction that is necessary as a whole.

With real data we never know the causal truth. With the ``sim`` package we do: the KBOP scenario
simulates front-line workers of a homelessness programme whose participants sustain their
tenancy more often when the worker's profile satisfies a known recipe. This tutorial simulates a
large cohort (4,000 workers, seed 1) and checks each idea against that truth. It runs in a few
seconds.
"""

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import qca
import qca.plot
import sim
from experiments.scoring import is_equivalent

scenario = sim.load_scenario("kbop")
recipe = scenario.recipe_expression
print("True recipe:", recipe)
for k, term in enumerate(recipe.terms, 1):
    print(f"  path {k}: {term}")

# %%
# The simulated cohort and its truth columns
# ------------------------------------------
#
# Each row is a worker. The observed columns are what an evaluation would have (survey scores,
# caseloads, recorded hours, the sustainment rate ``SUSTAIN_RATE``). The ``true_*`` columns are
# the causal truth: each condition's true crisp value, whether the worker satisfies the recipe
# (``true_recipe``) and each of its paths (``true_path_k``).

cohort = sim.simulate("kbop", n_workers=4000, seed=1)
print(cohort[["worker_id", "SBW", "INNOV", "CASELOAD", "SUSTAIN_RATE",
              "true_SBW", "true_INNOV", "true_CASELOAD", "true_recipe"]].head())
print("\nShare of workers on each path:")
print(cohort[["true_path_1", "true_path_2", "true_path_3", "true_recipe"]].mean().round(3))

# %%
# Equifinality: each path works on its own
# ----------------------------------------
#
# Compare workers on exactly one path with workers on none. Every path raises the mean
# sustainment rate by a similar amount: three different routes lead to the same outcome.

paths = cohort[["true_path_1", "true_path_2", "true_path_3"]].to_numpy()
on_none = paths.sum(axis=1) == 0
rates = {"no path": cohort.loc[on_none, "SUSTAIN_RATE"].mean()}
for k in range(3):
    only_k = (paths[:, k] == 1) & (paths.sum(axis=1) == 1)
    rates[f"only path {k + 1}"] = cohort.loc[only_k, "SUSTAIN_RATE"].mean()
rates = pd.Series(rates).round(3)
print(rates)

fig, ax = plt.subplots(figsize=(6, 3.2))
ax.bar(rates.index, rates.to_numpy(), color=["0.6", "C0", "C1", "C2"])
ax.set_ylim(0.5, 1)
ax.set_ylabel("mean sustainment rate")
ax.set_title("Three paths, one outcome (equifinality)")
fig.tight_layout()

# sphinx_gallery_start_ignore
assert all(rates[f"only path {k}"] > rates["no path"] + 0.1 for k in (1, 2, 3))
# sphinx_gallery_end_ignore

# %%
# Sufficiency in noisy data
# -------------------------
#
# In QCA terms each path is a sufficient condition. Calibrate the outcome into a fuzzy set
# ``SUST`` (full non-membership at 70 % sustained, crossover at 78 %, full membership at 87 %:
# the baseline rate and the rate under the recipe's effect) and compute the sufficiency
# consistency and coverage of each path, using the *true* conditions so that only the outcome is
# noisy.

conditions = list(scenario.observed_conditions)
true = cohort[[f"true_{c}" for c in conditions]].rename(columns=lambda s: s.removeprefix("true_"))
true["SUST"] = qca.calibrate(cohort["SUSTAIN_RATE"].to_numpy(), "fuzzy",
                             thresholds=(0.70, 0.78, 0.87))
fit = qca.pof([str(t) for t in recipe.terms], "SUST", data=true, relation="sufficiency")
print(fit.round(3))

# %%
# **Read these consistencies carefully.** Each path *is* sufficient in the data-generating
# process, yet its consistency is about 0.77, below the conventional cut-off of 0.8 (Ragin
# 2008 recommends at least 0.75; 0.8 is common practice). The reason is the outcome, not the
# recipe: a worker's sustainment rate rests on about 20 participants, each with an unobserved
# frailty, so some recipe workers fall short of full membership in ``SUST`` by chance. With a
# cut-off of 0.8 an analyst would reject every true path. Consistency measures how well the data
# fit a subset relation, not how true the causal claim is; tutorial 04 shows what this means for
# study design.
#
# Subset relations are not correlations
# -------------------------------------
#
# QCA's evidence is a subset relation, which a correlation coefficient cannot see. Two synthetic
# pairs of fuzzy sets show it. On the left every case has ``Y >= X``: ``X`` is a perfect subset
# of ``Y`` (consistency 1), yet the correlation is only moderate, because cases low in ``X`` can
# be anywhere in ``Y``. On the right the points lie close to a line just *below* the diagonal:
# the correlation is almost perfect, but most cases have more ``X`` than ``Y``, so ``X`` is not
# sufficient for ``Y``. In an XY plot, points above the diagonal agree with sufficiency and
# points below it contradict it; the correlation is blind to the diagonal.

rng = np.random.default_rng(7)
x = rng.uniform(0, 1, 150)
y_subset = x + (1 - x) * rng.uniform(0, 1, 150) ** 2          # always >= x
y_corr = np.clip(x - 0.2 + rng.normal(0, 0.1, 150), 0, 1)     # along, below the diagonal
fig, axes = plt.subplots(1, 2, figsize=(10, 5))
for ax, y, name in zip(axes, (y_subset, y_corr), ("subset relation", "correlation")):
    r = np.corrcoef(x, y)[0, 1]
    incl = qca.pof(pd.Series(x, name="X"), pd.Series(y), relation="sufficiency").loc["X", "inclS"]
    qca.plot.xy_plot(x, y, ax=ax, title=f"{name}: r = {r:.2f}, inclS = {incl:.2f}")
    print(f"{name:16s} correlation {r:.2f}   sufficiency consistency {incl:.3f}")
fig.tight_layout()

# sphinx_gallery_start_ignore
assert np.corrcoef(x, y_corr)[0, 1] > np.corrcoef(x, y_subset)[0, 1]
# sphinx_gallery_end_ignore

# %%
# The same plot for the KBOP recipe, with the *measured* conditions calibrated on the
# scenario's theory anchors: most workers lie above the diagonal, but many below it: the noisy
# outcome again.

obs = sim.simulate("kbop", n_workers=200, seed=1)
fuzzy = pd.DataFrame()
for c in conditions:
    low, cross, high = scenario.calibration_anchors[c]
    # Summed Likert scores are integers: a score exactly at the crossover would get membership
    # 0.5 and belong to no truth-table row, so move the crossover just off the data.
    fuzzy[c] = qca.calibrate(obs[c].to_numpy(dtype=float), "fuzzy",
                             thresholds=(low, cross + 1e-6, high))
fuzzy["SUST"] = qca.calibrate(obs["SUSTAIN_RATE"].to_numpy(), "fuzzy",
                              thresholds=(0.70, 0.78, 0.87))
fig = qca.plot.xy_plot(str(recipe), "SUST", data=fuzzy, figsize=(5.5, 5.5))

# %%
# Conjunctural causation: INNOV helps in one context and hurts in another
# -----------------------------------------------------------------------
#
# A regression-style "net effect" of innovativeness (``INNOV``) is small, because its effect
# depends on the other conditions. Where the worker is not strengths-based and has no high
# caseload but works long hours with short meetings, ``INNOV`` completes path 1; where the
# worker has short hours and long meetings, the *absence* of ``INNOV`` completes path 2.

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

# sphinx_gallery_start_ignore
eff = effects["effect of INNOV"]
assert eff.iloc[1] > 0.1 and eff.iloc[2] < -0.1 and abs(eff.iloc[0]) < abs(eff.iloc[1])
# sphinx_gallery_end_ignore

# %%
# INUS conditions
# ---------------
#
# Check Mackie's definition for ``INNOV`` in path 1, ``~SBW*INNOV*~CASELOAD``, on every
# configuration of the five recipe conditions (the Boolean truth, no data needed):
#
# * *insufficient*: ``INNOV`` alone does not guarantee the outcome;
# * *non-redundant*: without ``INNOV``, the rest of the conjunction (``~SBW*~CASELOAD``) is not
#   sufficient;
# * *unnecessary*: the outcome also occurs without path 1 (equifinality);
# * *sufficient*: whenever path 1 holds, the outcome occurs.

recipe_conds = ["SBW", "INNOV", "CASELOAD", "WORKLOAD", "LONGMEET"]
space = pd.DataFrame(list(itertools.product([0, 1], repeat=5)), columns=recipe_conds)
outcome = qca.evaluate(recipe, space) == 1


def sufficient(expr: str) -> bool:
    """True when every configuration satisfying ``expr`` shows the outcome."""
    return bool(outcome[qca.evaluate(expr, space) == 1].all())


def necessary(expr: str) -> bool:
    """True when every configuration showing the outcome satisfies ``expr``."""
    return bool((qca.evaluate(expr, space)[outcome] == 1).all())


path1 = "~SBW*INNOV*~CASELOAD"
inus = {
    "INNOV insufficient": not sufficient("INNOV"),
    "INNOV non-redundant (~SBW*~CASELOAD not sufficient)": not sufficient("~SBW*~CASELOAD"),
    "path 1 unnecessary (outcome without it)": not necessary(path1),
    "path 1 sufficient": sufficient(path1),
}
for k, v in inus.items():
    print(f"{k:55s} {v}")

# sphinx_gallery_start_ignore
assert all(inus.values())
# sphinx_gallery_end_ignore

# %%
# A Venn diagram of the truth table of the five recipe conditions (true values, crisp) shows the
# same structure at once: one region per configuration (labelled with its number of workers),
# green where the configuration is sufficient for ``SUST`` at a consistency of 0.7. The green
# regions are exactly the configurations covered by the three paths: inside ``INNOV`` but outside
# ``SBW`` and ``CASELOAD`` (path 1), inside ``LONGMEET`` but outside ``INNOV`` and ``WORKLOAD``
# (path 2), and inside all of ``WORKLOAD``, ``INNOV`` and ``LONGMEET`` (path 3).

tt_true = qca.truth_table(true, "SUST", recipe_conds, incl_cut=0.7)
fig = qca.plot.venn(tt_true, labels="counts")

# sphinx_gallery_start_ignore
rows_true = tt_true.rows
on_recipe = qca.evaluate(recipe, rows_true[recipe_conds].astype(int)) == 1
assert ((rows_true["OUT"] == "1").to_numpy() == on_recipe).all()
# sphinx_gallery_end_ignore

# %%
# Necessity under equifinality, and SUIN conditions
# -------------------------------------------------
#
# Because the outcome has three paths, **no single condition is necessary**: each condition
# (and each negation) is missing from at least one path. Necessity consistency ``inclN`` of
# every single condition, on the true conditions of the cohort, stays far from 1:

single = [c for c in recipe_conds] + [f"~{c}" for c in recipe_conds]
nec = qca.pof(single, "SUST", data=true, relation="necessity")
print(nec.sort_values("inclN", ascending=False).round(3).head(6))

# %%
# A *disjunction* can be necessary, though. ``INNOV + LONGMEET`` holds in every path (path 1
# has ``INNOV``, path 2 ``LONGMEET``, path 3 both), so it is necessary but not sufficient; each
# of its two parts is sufficient for the disjunction without being necessary for it: ``INNOV``
# and ``LONGMEET`` are SUIN conditions. In the Boolean truth:

for expr in ("INNOV", "LONGMEET", "INNOV + LONGMEET"):
    print(f"{expr:18s} necessary: {necessary(expr)!s:5s}  sufficient: {sufficient(expr)}")
print(qca.pof(["INNOV + LONGMEET"], "SUST", data=true, relation="necessity").round(3))

# %%
# In the noisy data the necessary disjunction reaches ``inclN`` 0.88, not 1: a noisy outcome
# blurs necessity as it blurs sufficiency, in both directions (some workers off every path
# still have high membership in ``SUST``).

# sphinx_gallery_start_ignore
assert necessary("INNOV + LONGMEET") and not sufficient("INNOV + LONGMEET")
assert not any(necessary(c) for c in single)
assert nec["inclN"].max() < 0.8
# sphinx_gallery_end_ignore

# %%
# ``qca.superset`` searches such disjunctions in data. Beware: with enough conditions some
# disjunction is always "necessary" by construction (the union of many sets covers almost
# everything); a necessary disjunction is meaningful only if its parts are functional
# equivalents in theory (Schneider & Wagemann 2012, section 3.2.2).
#
# Asymmetry: failure has its own recipe
# -------------------------------------
#
# The recipe for *not* sustaining tenancies is the Boolean negation of the recipe (De Morgan),
# but it is not the success paths with every sign flipped. ``qca.negate`` gives it in minimal
# sum-of-products form: six conjunctions. Flipping every sign of a success path ("the mirror")
# gives a recipe for failure only by accident: here for one path of three.

failure = qca.negate(recipe)
print("~recipe =", failure)
mirrors = []
for term in recipe.terms:
    mirror = "*".join(f"~{c}" if 1 in v else c for c, v in term.literals)
    mirrors.append(bool((~outcome)[qca.evaluate(mirror, space) == 1].all()))
    print(f"  mirror of {str(term):28s} = {mirror:28s} sufficient for failure? {mirrors[-1]}")

# sphinx_gallery_start_ignore
assert not all(mirrors)
# sphinx_gallery_end_ignore

# %%
# Y and ~Y solutions are complements only under full diversity
# ------------------------------------------------------------
#
# With the true crisp conditions of 4,000 workers every one of the 2^7 = 128 configurations is
# observed (*full diversity*: no remainder), and with crisp conditions a row's consistencies for
# ``SUST`` and ``~SUST`` add up to 1. Coding rows positive at consistency 0.55, the analyses of
# the outcome and of its negation then give exact complements: the solution for ``~SUST`` is the
# negation of the solution for ``SUST``, and both equal the truth.

tt_success = qca.truth_table(true, "SUST", conditions, incl_cut=0.55)
tt_failure = qca.truth_table(true, "~SUST", conditions, incl_cut=0.55)
print("observed configurations:", len(tt_success.rows), "of", 2 ** len(conditions))
success = qca.minimize(tt_success, include="?").models[0].expression
fail_sol = qca.minimize(tt_failure, include="?").models[0].expression
print("solution for SUST: ", success)
print("solution for ~SUST:", fail_sol)
print("complements?", is_equivalent(fail_sol, qca.negate(success)))

# sphinx_gallery_start_ignore
assert len(tt_success.rows) == 2 ** len(conditions)
assert is_equivalent(success, recipe) and is_equivalent(fail_sol, failure)
# sphinx_gallery_end_ignore

# %%
# Real studies have **limited diversity** (remainders) and noisy, fuzzy conditions. Then the
# two analyses are no longer complements: a row can be consistent with neither the outcome nor
# its negation, and each parsimonious solution makes its own simplifying assumptions about the
# remainders (sometimes the same remainder is assumed to produce both ``Y`` and ``~Y``: a
# contradictory simplifying assumption). Analyse the 200 measured workers from above at a
# consistency cut-off of 0.75, once for ``SUST`` and once for ``~SUST``:

tt_y = qca.truth_table(fuzzy, "SUST", conditions, incl_cut=0.75)
tt_n = qca.truth_table(fuzzy, "~SUST", conditions, incl_cut=0.75)
sol_y = qca.minimize(tt_y, include="?").models[0].expression
sol_n = qca.minimize(tt_n, include="?").models[0].expression
neither = (tt_y.rows["OUT"] == "0") & (tt_n.rows["OUT"] == "0")
print(f"observed configurations: {len(tt_y.rows)} of {2 ** len(conditions)}")
print(f"observed rows consistent with neither outcome: {int(neither.sum())}")
print("success solution (first model):", sol_y)
print("failure solution (first model):", sol_n)
print("complements?", is_equivalent(sol_n, qca.negate(sol_y)))

# sphinx_gallery_start_ignore
assert not is_equivalent(sol_n, qca.negate(sol_y))
assert len(tt_y.rows) < 2 ** len(conditions)
# sphinx_gallery_end_ignore

# %%
# Lessons: look for several paths; read each condition within its conjunction, never as a net
# effect; expect single necessary conditions to be absent under equifinality; read consistency
# as fit to a subset relation, which noise lowers even for true paths; and analyse the negated
# outcome as a separate question. Whether QCA recovers the truth at realistic sample sizes is the
# subject of tutorials 03 and 04.
#
# Exercises
# ---------
#
# 1. Is ``LONGMEET`` an INUS condition of the outcome? In which paths? Check the four parts of
#    the definition with ``sufficient`` and ``necessary``.
# 2. Show that ``~CASELOAD + LONGMEET`` is necessary for the outcome in the Boolean truth and
#    name its SUIN conditions. Is ``~CASELOAD + WORKLOAD`` necessary too?
# 3. Weaken the recipe's effect (``recipe_hazard_ratio=0.8`` instead of 0.4) and recompute the
#    path consistencies on the true conditions. What happens, and why does it not mean the
#    paths stopped being causes?
# 4. Why is the mirror of path 3 sufficient for failure, but not the mirrors of paths 1 and 2?
#
# Worked solutions
# ----------------
#
# **1.** ``LONGMEET`` is a non-redundant part of paths 2 and 3. For path 3,
# ``WORKLOAD*INNOV*LONGMEET``: ``LONGMEET`` alone is not sufficient, ``WORKLOAD*INNOV`` without
# it is not sufficient, path 3 is not necessary and is sufficient. So ``LONGMEET`` is INUS.

path3 = "WORKLOAD*INNOV*LONGMEET"
print("LONGMEET insufficient:          ", not sufficient("LONGMEET"))
print("WORKLOAD*INNOV not sufficient:  ", not sufficient("WORKLOAD*INNOV"))
print("path 3 unnecessary, sufficient: ", not necessary(path3), sufficient(path3))

# %%
# **2.** Every path contains ``~CASELOAD`` (path 1) or ``LONGMEET`` (paths 2 and 3), so the
# disjunction is necessary; ``~CASELOAD`` and ``LONGMEET`` are its SUIN conditions.
# ``~CASELOAD + WORKLOAD`` is not necessary: path 2 requires ``~WORKLOAD`` and does not mention
# ``CASELOAD``, so a worker on path 2 with a high caseload has the outcome without it.

for expr in ("~CASELOAD + LONGMEET", "~CASELOAD + WORKLOAD"):
    print(f"{expr:22s} necessary: {necessary(expr)}")

# %%
# **3.** Consistency collapses (to about 0.36). With a weaker effect, recipe workers'
# sustainment rates move towards the baseline of 70 %, below the crossover of ``SUST`` (78 %),
# so most of them have low membership in the outcome set while their membership in the path is
# full. The causal structure is unchanged; what changed is the effect size and therefore how far
# the outcome set, whose anchors were chosen for the strong effect, separates recipe workers
# from the others. Calibration anchors of the outcome are a substantive claim about what counts
# as success; here they decide whether true causes pass a consistency cut-off.

weak = sim.simulate("kbop", n_workers=4000, seed=1, recipe_hazard_ratio=0.8)
weak_true = weak[[f"true_{c}" for c in recipe_conds]].rename(
    columns=lambda s: s.removeprefix("true_"))
weak_true["SUST"] = qca.calibrate(weak["SUSTAIN_RATE"].to_numpy(), "fuzzy",
                                  thresholds=(0.70, 0.78, 0.87))
print(qca.pof([str(t) for t in recipe.terms], "SUST", data=weak_true,
              relation="sufficiency")["inclS"].round(3))

# %%
# **4.** A conjunction is sufficient for failure only if it excludes *every* success path. The
# mirror of path 3, ``~WORKLOAD*~INNOV*~LONGMEET``, does: path 1 needs ``INNOV``, paths 2 and 3
# need ``LONGMEET``. The mirror of path 1, ``SBW*~INNOV*CASELOAD``, is compatible with path 2
# (``~INNOV*~WORKLOAD*LONGMEET``): a worker can satisfy both, and then succeeds.

both = "SBW*~INNOV*CASELOAD*~WORKLOAD*LONGMEET"
print("mirror of path 1 together with path 2 shows the outcome:", sufficient(both))

# %%
# References
# ----------
#
# Mackie, J. L. (1965). Causes and conditions. *American Philosophical Quarterly* 2(4),
# 245-264. Mahoney, J., Kimball, E., & Koivu, K. L. (2009). The logic of historical explanation
# in the social sciences. *Comparative Political Studies* 42(1), 114-146. Ragin, C. C. (2008).
# *Redesigning Social Inquiry*. University of Chicago Press. Schneider, C. Q., & Wagemann, C.
# (2012). *Set-Theoretic Methods for the Social Sciences*. Cambridge University Press.
