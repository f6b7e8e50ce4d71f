"""
Necessary conditions and the XY plot
====================================

:func:`qca.superset` searches single conditions and their disjunctions and conjunctions for
necessity: inclusion (consistency) ``inclN``, relevance ``RoN`` and coverage ``covN``
(Schneider & Wagemann 2012). The XY plot (:func:`qca.plot.xy_plot`) shows the subset relation
behind the best candidate: for a necessary condition the cases lie on or below the diagonal.
"""

import qca
import qca.plot

lf = qca.datasets.load("LF")
found = qca.superset(lf, "SURV", incl_cut=0.9, cov_cut=0.6)
print(found)

# %%
# ``LIT`` is almost perfectly necessary (inclN 0.99) but not very relevant (RoN 0.51): nearly
# every country was literate. The plot shows it.

ax = qca.plot.xy_plot("SURV", "LIT", data=lf, relation="necessity", labels=True)
