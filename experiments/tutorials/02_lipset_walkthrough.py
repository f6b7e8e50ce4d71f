"""
A complete QCA of Lipset's data, from the raw indicators
========================================================

Lipset's (1959) question: why did democracy survive between the two world wars in some European
countries and break down in others? The QCA literature uses his indicators for 18 countries
(Rihoux & Ragin 2009; Dusa 2019) as its standard teaching example. This tutorial runs a complete
analysis with ``qca``, starting from the **raw** data:

1. calibration of the raw indicators with documented anchors;
2. necessity;
3. the truth table and its Venn diagram;
4. the conservative, parsimonious and intermediate solutions;
5. case-level interpretation with an XY plot;
6. the negated outcome, simplifying assumptions, untenable assumptions and Enhanced Standard
   Analysis (ESA).

Every number here is produced by the same engine whose answers the test suite checks against
R's QCA 3.25 (``tests/qca/test_reference.py``, on R's calibrated version of these data). It
runs in a few seconds.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import qca
import qca.plot

LR = qca.datasets.load("LR")   # qca.datasets.describe("LR"): source and columns
CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]
print(LR)

# %%
# The raw data
# ------------
#
# ``LR`` holds Lipset's indicators as compiled by Rihoux & Ragin (2009), the data R's QCA ships
# as ``LR``:
#
# ======== ==============================================================================
# ``DEV``  GNP per capita (US$)
# ``URB``  urbanisation: % of the population in towns of 20,000 or more
# ``LIT``  literacy (% of the population)
# ``IND``  industrial labour force (% of the active population)
# ``STB``  government instability: number of cabinets formed in the period
# ``SURV`` survival of democracy: Polity score from -10 (autocracy) to 10 (democracy)
# ======== ==============================================================================
#
# 1. Calibration
# --------------
#
# Direct calibration (Ragin 2008) turns each raw indicator into membership in a set
# ("developed countries", "urbanised countries", ...) with three anchors: the raw value of full
# non-membership (membership 0.05), the crossover (0.5, the point of maximal ambiguity) and full
# membership (0.95); in between, a logistic curve. The 0.95 is the inclusion degree of
# membership, ``idm=0.95``, the default of ``qca.calibrate`` as of R's ``calibrate``. R's
# published ``LF`` was made with ``idm = 0.9525741`` (log-odds exactly +-3 at the anchors), which
# we use here so that the calibrated data equal ``LF`` value for value.
#
# The anchors below are the ones under which these raw data give the fuzzy sets published with
# R's QCA (``LF``); each has a substantive reading:
#
# ========= ====================== =================================================================
# set       anchors (0.05, 0.5,    reading
#           0.95)
# ========= ====================== =================================================================
# ``DEV``   400, 550, 900 US$      900: clearly rich for the period; 550: neither rich nor poor
# ``URB``   25, 50, 65 %           half of the population in towns as the crossover
# ``LIT``   50, 75, 90 %           a literate country has 90 % literacy
# ``IND``   20, 30, 40 %           industrialised: 40 % of the labour force in industry
# ``STB``   15, 9.5, 5 cabinets    *decreasing*: fewer cabinets, more stable (anchors in reverse)
# ``SURV``  -9, 0, 10 Polity       a full democracy scores 10; 0 separates democracy from autocracy
# ========= ====================== =================================================================

ANCHORS = {
    "DEV": (400, 550, 900),
    "URB": (25, 50, 65),
    "LIT": (50, 75, 90),
    "IND": (20, 30, 40),
    "STB": (15, 9.5, 5),
    "SURV": (-9, 0, 10),
}
data = pd.DataFrame({c: qca.calibrate(LR[c].to_numpy(dtype=float), "fuzzy", thresholds=a,
                                      idm=0.9525741)
                     for c, a in ANCHORS.items()}, index=LR.index)
print(data.round(2))

# %%
# The calibration curve of ``DEV``: raw GNP per capita against membership, with the three
# anchors. Countries far above 900 or below 400 differ little in membership: calibration
# deliberately ignores variation that is irrelevant to the concept "developed country".

fig, ax = plt.subplots(figsize=(6.5, 4))
grid = np.linspace(250, 1150, 300)
ax.plot(grid, qca.calibrate(grid, "fuzzy", thresholds=ANCHORS["DEV"]), color="0.4")
ax.scatter(LR["DEV"], data["DEV"], zorder=3)
for name, (gnp, m) in pd.concat([LR["DEV"], data["DEV"]], axis=1).iterrows():
    ax.annotate(name, (gnp, m), textcoords="offset points", xytext=(3, -10), fontsize=8)
for a in ANCHORS["DEV"]:
    ax.axvline(a, color="C3", lw=0.8, ls="--")
    ax.text(a, 1.02, f"{a}", color="C3", ha="center", fontsize=8)
ax.set_xlabel("GNP per capita (US$)")
ax.set_ylabel("membership in DEV")
fig.tight_layout()

# %%
# R's published ``LF`` is rounded to two decimals; our memberships agree with it to within
# that rounding, so fit values below may differ from textbook tables in the third decimal.

LF = qca.datasets.load("LF")
print("largest difference from R's LF:", float((data.round(2) - LF).abs().max().max()))

# %%
# 2. Necessity
# ------------
#
# Analyse necessity before sufficiency (Schneider & Wagemann 2012, section 9.2). ``qca.pof``
# gives each condition's necessity consistency (``inclN``), relevance (``RoN``) and coverage
# (``covN``); ``qca.superset`` also searches combinations.

nec = qca.pof(data[CONDITIONS], data["SURV"], relation="necessity")
print(nec.round(3))
print(qca.superset(data, "SURV", CONDITIONS, incl_cut=0.9, cov_cut=0.6))

# %%
# ``LIT`` is almost always present when democracy survived (``inclN`` 0.99), but its relevance
# is low (``RoN`` about 0.5): nearly every country in the sample is literate, so ``LIT`` is a
# *trivial* necessary condition, as "having oxygen" is for a fire. ``STB`` is a more
# interesting candidate (``inclN`` 0.92, ``RoN`` 0.68). The XY plot for necessity puts the
# outcome on the horizontal axis: points *below* the diagonal agree with necessity.

fig = qca.plot.xy_plot("STB", "SURV", data=data, relation="necessity", labels=True)

# %%
# 3. Truth table
# --------------
#
# A row is a configuration of the five conditions; a case belongs to the row where its
# membership is above 0.5. Rows whose consistency with sufficiency for ``SURV`` reaches 0.8 are
# coded ``OUT = 1``. Only 9 of the 32 configurations hold cases; the other 23 are **logical
# remainders**.

tt = qca.truth_table(data, "SURV", CONDITIONS, incl_cut=0.8)
print(tt)

# %%
# The Venn diagram draws the 32 configurations as regions of five overlapping sets, coloured by
# ``OUT`` and labelled with their number of cases. Remainders (white) dominate: limited
# diversity is the normal case in comparative research (tutorial 03).

fig = qca.plot.venn(tt, labels="counts")

# %%
# 4. Three solutions
# ------------------
#
# * **conservative** (``include=None``): no remainder is used, the most complex solution;
# * **parsimonious** (``include="?"``): any remainder that simplifies may be used;
# * **intermediate** (``dir_exp=...``): only remainders consistent with *directional
#   expectations*, here that the presence of each condition (development, urbanisation,
#   literacy, industrialisation, stability) can only favour democratic survival.

solutions = {
    "conservative": qca.minimize(tt),
    "parsimonious": qca.minimize(tt, include="?"),
    "intermediate": qca.minimize(tt, include="?", dir_exp=CONDITIONS),
}
for sol in solutions.values():
    print(sol, "\n")

# %%
# All three say the same substantive thing at different levels of detail: democracy survived in
# developed, stable countries that were either urban-industrial (Belgium, Czechoslovakia, the
# Netherlands, the UK) or not industrialised (Finland, Ireland). The parsimonious solution
# ``DEV*~IND + URB*STB`` is the shortest: it dropped ``LIT`` altogether and three of the five
# conditions from each term, by assuming what unobserved configurations would have shown.
#
# 5. Cases: who is explained, who is not
# --------------------------------------
#
# A solution is a claim about cases. With membership ``X`` in the solution and ``Y`` in the
# outcome, each case is (Schneider & Rohlfing 2013):
#
# * *typical*: ``X > 0.5`` and ``Y > 0.5``, explained by the solution;
# * *deviant for consistency*: ``X > 0.5`` but ``Y < 0.5``, contradicts sufficiency;
# * *deviant for coverage*: ``X < 0.5`` but ``Y > 0.5``, the outcome through an unexplained path;
# * *irrelevant*: ``X < 0.5`` and ``Y < 0.5``.

pars = solutions["parsimonious"].models[0].expression
x = qca.evaluate(pars, data)
y = data["SURV"].to_numpy()
kind = np.select([(x > 0.5) & (y > 0.5), (x > 0.5) & (y < 0.5), (x < 0.5) & (y > 0.5)],
                 ["typical", "deviant (consistency)", "deviant (coverage)"], "irrelevant")
cases = pd.DataFrame({"solution": x.round(2), "SURV": y.round(2), "case type": kind},
                     index=data.index).sort_values("case type")
print(cases)

# %%
# No case contradicts the solution. France and Sweden are deviant for coverage: stable
# democracies that the solution does not explain. Both sit in the row
# ``DEV*~URB*LIT*IND*STB`` whose consistency (0.71) fell below the cut-off, so they point to
# a path the analysis did not admit: a natural place for case study. In the XY plot, each
# country's membership in the solution against its membership in ``SURV``:

fig = qca.plot.xy_plot(str(pars), "SURV", data=data, labels=True)

# %%
# 6. The negated outcome, assumptions and ESA
# -------------------------------------------
#
# Breakdown of democracy (``~SURV``) is a separate analysis (asymmetry, tutorial 01):

tt_neg = qca.truth_table(data, "~SURV", CONDITIONS, incl_cut=0.8)
sol_neg = qca.minimize(tt_neg, include="?")
print(sol_neg)

# %%
# Democracy broke down in countries that were not developed or not stable (``~DEV + ~STB``).
# It is not the negation of the survival solution. Both parsimonious solutions rest on
# **simplifying assumptions**: remainders assumed to show the outcome. Some remainders are
# assumed to lead to survival *and* to breakdown: **contradictory simplifying assumptions**
# (``qca.find_rows(tt, type=2)``), a logical inconsistency of analysing the two outcomes
# separately.

sa_pos = qca.simplifying_assumptions(solutions["parsimonious"])
sa_neg = qca.simplifying_assumptions(sol_neg)
csa = qca.find_rows(tt, type=2)
print("simplifying assumptions for SURV: ", sa_pos.tolist())
print("simplifying assumptions for ~SURV:", sa_neg.tolist())
print("contradictory (in both):          ", csa)

# %%
# Some remainders are also **untenable**: configurations that could not exist, or would
# contradict well-established knowledge. Suppose (as an illustration; the judgement is
# substantive, not statistical) that a country rich for the period (``DEV``) but not literate
# (``~LIT``) is untenable in interwar Europe. ``qca.find_rows`` lists the remainders inside
# ``DEV*~LIT``:

untenable = qca.find_rows(tt, "DEV*~LIT")
print("untenable remainders (DEV*~LIT):", untenable)

# %%
# **Enhanced Standard Analysis** (Schneider & Wagemann 2013) minimizes a truth table in which
# untenable and contradictory simplifying assumptions are barred from being used (coded
# negative): ``qca.esa``. Here the enhanced parsimonious solution coincides with the
# intermediate solution: the parsimonious ``DEV*~IND + URB*STB`` depended on assumptions we now
# reject.

tt_esa = qca.esa(tt, exclude="DEV*~LIT", csa=True)
print(qca.minimize(tt_esa, include="?"))

# %%
# Exercises
# ---------
#
# 1. Calibrate ``DEV`` with ``idm=0.99`` instead of 0.95. Which memberships change, and does the
#    parsimonious solution change?
# 2. Move the crossover of ``STB`` from 9.5 to 10 cabinets. Austria and Greece formed exactly 10
#    cabinets: what happens to their membership, and why is an anchor that coincides with a
#    case's value a problem?
# 3. Lower the consistency cut-off to 0.7. Which row becomes positive, what happens to France
#    and Sweden, and what is the new parsimonious solution?
# 4. Analyse ``~SURV`` with ESA, excluding its contradictory simplifying assumptions. Does the
#    breakdown solution change?
#
# Worked solutions
# ----------------
#
# **1.** A higher ``idm`` makes the curve steeper at the anchors: memberships move towards 0 and
# 1, while the crossover stays at 550, so no case changes side and the truth table rows, hence
# the solution, stay the same; only the fit values move.

dev99 = qca.calibrate(LR["DEV"].to_numpy(dtype=float), "fuzzy", thresholds=ANCHORS["DEV"],
                      idm=0.99)
print(pd.DataFrame({"idm 0.95": data["DEV"], "idm 0.99": dev99}, index=data.index).round(2))
d99 = data.assign(DEV=dev99)
print(qca.minimize(qca.truth_table(d99, "SURV", CONDITIONS, incl_cut=0.8), include="?").models[0])

# %%
# **2.** A raw value exactly at the crossover gets membership 0.5: the case belongs to no
# truth-table row (it is neither in nor out of the set), so it drops out of the analysis.
# Anchors should fall between observed values.

stb10 = qca.calibrate(LR["STB"].to_numpy(dtype=float), "fuzzy", thresholds=(15, 10, 5))
print(pd.Series(stb10, index=data.index)[["AU", "GR"]])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    tt10 = qca.truth_table(data.assign(STB=stb10), "SURV", CONDITIONS, incl_cut=0.8)
print("qca warns:", caught[0].message)
print("cases in the truth table:", int(tt10.rows["n"].sum()), "of", len(data))

# %%
# **3.** At 0.7 the row ``DEV*~URB*LIT*IND*STB`` (France, Sweden; consistency 0.71) becomes
# positive: both countries become typical cases and the parsimonious solution shrinks to
# ``DEV*STB``, development and stability. A lower cut-off buys coverage with consistency; report
# the cut-off and check how much the solution depends on it (``qca.robustness``).

tt07 = qca.truth_table(data, "SURV", CONDITIONS, incl_cut=0.7)
print(qca.minimize(tt07, include="?"))

# %%
# **4.** Yes. ``~DEV + ~STB`` relied on remainders that the survival solution also used, with
# the opposite outcome. Without them, breakdown is explained by ``~DEV*~URB + IND*~STB``: poor
# rural countries, or industrialised unstable ones (Austria, Germany). The contradictory
# simplifying assumptions are the same rows whichever outcome we start from.

print(qca.minimize(qca.esa(tt_neg, csa=True), include="?"))

# %%
# References
# ----------
#
# Dusa, A. (2019). *QCA with R*. Springer. Lipset, S. M. (1959). Some social requisites of
# democracy. *American Political Science Review* 53(1), 69-105. Ragin, C. C. (2008).
# *Redesigning Social Inquiry*. University of Chicago Press. Rihoux, B., & Ragin, C. C. (Eds.)
# (2009). *Configurational Comparative Methods*. Sage. Schneider, C. Q., & Rohlfing, I. (2013).
# Combining QCA and process tracing in set-theoretic multi-method research. *Sociological
# Methods & Research* 42(4), 559-597. Schneider, C. Q., & Wagemann, C. (2012). *Set-Theoretic
# Methods for the Social Sciences*. Cambridge University Press. Schneider, C. Q., & Wagemann, C.
# (2013). Doing justice to logical remainders in QCA. *Political Research Quarterly* 66(1),
# 211-220.
