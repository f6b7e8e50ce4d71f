"""
Conservative, parsimonious and intermediate solutions
=====================================================

:func:`qca.minimize` minimises the positive rows of a truth table. Without remainders it gives
the conservative solution; with ``include="?"`` the parsimonious one; with directional
expectations (``dir_exp``) the intermediate one (Ragin 2008, ch. 9). The prime-implicant chart
(:func:`qca.plot.pi_chart_plot`) shows which prime implicants cover which positive rows.
"""

import qca
import qca.plot

lf = qca.datasets.load("LF")
tt = qca.truth_table(lf, "SURV", incl_cut=0.8)
conservative = qca.minimize(tt)
parsimonious = qca.minimize(tt, include="?")
intermediate = qca.minimize(tt, include="?", dir_exp="DEV, URB, LIT, IND, STB")
for name, sol in [("conservative", conservative), ("parsimonious", parsimonious),
                  ("intermediate", intermediate)]:
    print(f"{name:13s}", sol.models[0])

# %%
# The chart of the parsimonious solution.

ax = qca.plot.pi_chart_plot(parsimonious)
