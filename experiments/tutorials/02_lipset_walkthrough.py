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
# # A complete QCA on the Lipset data, checked against R
#
# Lipset's question: why did democracy survive between the two world wars in some European
# countries (`SURV`) and break down in others? Five conditions: level of development (`DEV`),
# urbanisation (`URB`), literacy (`LIT`), industrialisation (`IND`) and government stability
# (`STB`). The R package QCA ships these data as `LF` (fuzzy sets, 18 countries), and so does
# `qca.datasets.load("LF")` (`qca.datasets.describe("LF")` tells their source); R's answers
# are stored in `tests/data/reference/datasets/answers/LF.json`. This walkthrough runs every step
# with `qca` and asserts that each result equals R's. It runs in a few seconds.
#
# Steps: calibration, necessity, truth table, the three solutions (conservative, parsimonious,
# intermediate), an XY plot and a Venn diagram.

# %%
import json
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import qca
import qca.plot


def find_root() -> Path:
    """The repository root (this file lives in experiments/tutorials/)."""
    here = Path(__file__).resolve() if "__file__" in globals() else Path.cwd().resolve()
    for p in (here, *here.parents):
        if (p / "tests" / "data" / "reference").is_dir():
            return p
    raise FileNotFoundError("run this tutorial from inside the qcasim repository")


REF = find_root() / "tests" / "data" / "reference" / "datasets"  # R's answers
LF = qca.datasets.load("LF")
R = json.loads((REF / "answers" / "LF.json").read_text())
CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]
print(LF)


def same_model(model: qca.Model, terms: list[str]) -> bool:
    """Same set of terms, whatever the order of terms and literals."""
    def term_set(ts):
        return {frozenset(t.replace(" ", "").split("*")) for t in ts}
    return term_set(str(model.expression).split(" + ")) == term_set(terms)


# %% [markdown]
# ## 1. Calibration
#
# `LF` is already calibrated. R's raw Lipset data (`LR`) is not shipped with this repository,
# so to show `qca.calibrate` we construct raw values: a hypothetical GNP per capita for each
# country that the direct method, with illustrative anchors 400 (full non-membership), 550
# (crossover) and 900 (full membership), maps to the published `DEV` memberships. Calibrating
# these raw values gives `LF$DEV` back, to its two published decimals. The anchors are ours, not
# Lipset's or R's.

# %%
anchors = (400.0, 550.0, 900.0)
log_odds = np.log(LF["DEV"] / (1 - LF["DEV"]))
scale = np.where(log_odds >= 0, (anchors[2] - anchors[1]), (anchors[1] - anchors[0]))
gnp = anchors[1] + log_odds / np.log(0.95 / 0.05) * scale
raw = pd.DataFrame({"GNP": gnp.round(1), "DEV (published)": LF["DEV"]})
raw["DEV (calibrated)"] = qca.calibrate(raw["GNP"].to_numpy(), "fuzzy", thresholds=anchors)
print(raw.round(3))
assert np.allclose(raw["DEV (calibrated)"].round(2), LF["DEV"])

# %% [markdown]
# Crisp calibration at the crossover turns the fuzzy sets into crisp ones: here it reproduces
# R's crisp Lipset data `LC` exactly.

# %%
LC = qca.datasets.load("LC").loc[LF.index]
crisp = pd.DataFrame({c: qca.calibrate(LF[c].to_numpy(), "crisp", thresholds=[0.5])
                      for c in LF.columns}, index=LF.index)
assert (crisp.astype(int) == LC).all().all()
print("crisp calibration of LF at 0.5 equals LC:", True)

# %% [markdown]
# ## 2. Necessity
#
# Analyse necessity before sufficiency. `qca.pof` gives each condition's necessity consistency
# (`inclN`), relevance (`RoN`) and coverage (`covN`); `qca.superset` searches single conditions
# and their combinations for supersets of the outcome.

# %%
nec = qca.pof(LF[CONDITIONS], LF["SURV"], relation="necessity")
print(nec.round(3))
for cond, fit in R["necessity"].items():
    for measure, value in fit.items():
        assert math.isclose(nec.loc[cond, measure], value, abs_tol=1e-6), (cond, measure)

sup = qca.superset(LF, "SURV", CONDITIONS, incl_cut=0.9, cov_cut=0.6)
print(sup)
# LIT and STB, the only single conditions with inclN >= 0.9 in R's table, are found:
r_single = {c for c, f in R["necessity"].items() if f["inclN"] >= 0.9}
assert r_single == {"LIT", "STB"} <= set(sup.table.index.astype(str))

# %% [markdown]
# `LIT` is almost always present when democracy survived (inclN 0.99) but its relevance is low
# (RoN 0.51): nearly every country was literate, so it is a trivial necessary condition.
#
# ## 3. Truth table
#
# Rows with consistency >= 0.8 are coded OUT = 1. `complete=True` also lists the remainders
# (configurations without cases).

# %%
tt = qca.truth_table(LF, "SURV", CONDITIONS, incl_cut=0.8)
print(tt)
full = qca.truth_table(LF, "SURV", CONDITIONS, incl_cut=0.8, complete=True)
configs = full.rows[CONDITIONS].astype(str).agg("".join, axis=1)
rows = full.rows.set_index(configs)
for expected in R["truth_table"]:
    row = rows.loc[expected["config"]]
    assert row["OUT"] == expected["OUT"] and row["n"] == expected["n"], expected
    if expected["incl"] != "NA":
        assert math.isclose(row["incl"], expected["incl"], abs_tol=1e-6)
        assert math.isclose(row["PRI"], expected["PRI"], abs_tol=1e-6)
print(f"all {len(R['truth_table'])} rows agree with R")

# %% [markdown]
# ## 4. Three solutions
#
# * **conservative**: no remainder is used (`include=None`): the most complex solution;
# * **parsimonious**: any remainder that simplifies may be used (`include="?"`);
# * **intermediate**: only remainders consistent with directional expectations, here that each
#   condition's *presence* contributes to survival (`dir_exp=[...]`).

# %%
solutions = {
    "conservative": qca.minimize(tt),
    "parsimonious": qca.minimize(tt, include="?"),
    "intermediate": qca.minimize(tt, include="?", dir_exp=CONDITIONS),
}
for sol in solutions.values():
    print(sol, "\n")

for name in ("conservative", "parsimonious"):
    sol, ans = solutions[name], R[name]
    assert len(sol.models) == len(ans["models"])
    for model, terms, fit in zip(sol.models, ans["models"], ans["fit"]):
        assert same_model(model, terms), (name, model)
        for measure in ("inclS", "PRI", "covS"):
            assert math.isclose(model.fit[measure], fit[measure], abs_tol=1e-6)
inter = solutions["intermediate"]
assert len(inter.models) == len(R["intermediate"]["models"])
assert all(same_model(m, r.split(" + ")) for m, r in zip(inter.models, R["intermediate"]["models"]))
print("conservative, parsimonious and intermediate solutions agree with R")

# %% [markdown]
# The parsimonious solution `DEV*~IND + URB*STB` relies on simplifying assumptions about
# remainders (row numbers as in R's truth table); the intermediate solution keeps only the "easy"
# ones, those consistent with the directional expectations:

# %%
simplifying = qca.simplifying_assumptions(solutions["parsimonious"]).tolist()
print("simplifying assumptions of the parsimonious solution (remainder rows):", simplifying)
print("easy counterfactuals kept by the intermediate solution:",
      list(solutions["intermediate"].easy_counterfactuals))
assert set(solutions["intermediate"].easy_counterfactuals) <= set(simplifying)

# %% [markdown]
# ## 5. Figures
#
# The XY plot shows each country's membership in the solution against its membership in `SURV`;
# points above the diagonal are consistent with sufficiency. Its title reports the same fit
# as R. The Venn diagram shows the truth table: one region per configuration, coloured by OUT and
# labelled with the number of cases. The figures are saved to a temporary directory.

# %%
tmp = tempfile.TemporaryDirectory(prefix="qcasim_lipset_")
out_dir = Path(tmp.name)
pars = solutions["parsimonious"].models[0]
ax = qca.plot.xy_plot(str(pars.expression), "SURV", data=LF, labels=True)
ax.figure.savefig(out_dir / "xy_parsimonious.png", dpi=80)
title = ax.get_title()
print(title)
r_fit = R["parsimonious"]["fit"][0]
assert f"inclS {r_fit['inclS']:.3f}" in title and f"covS {r_fit['covS']:.3f}" in title

ax = qca.plot.venn(tt, labels="counts")
ax.figure.savefig(out_dir / "venn.png", dpi=80)
# The region labels are the case counts of the 32 configurations, as in R's truth table.
drawn = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
assert drawn == sorted(e["n"] for e in R["truth_table"]) + [0] * (32 - len(R["truth_table"]))
print("figures written to", out_dir, "(removed at the end)")
tmp.cleanup()

# %% [markdown]
# Every number above equals R's QCA 3.25 output for the same data and settings.
#
# References: Lipset, S. M. (1959). Some social requisites of democracy. *American Political
# Science Review* 53(1), 69-105. Dusa, A. (2019). *QCA with R*. Springer.
