"""
Parameters of fit of a solution
===============================

:func:`qca.pof` gives the consistency (``inclS``), PRI, coverage (``covS``) and unique coverage
(``covU``) of each term of an expression and of the whole, as R's ``pof()``; the table shows 3
decimals and keeps full precision. :func:`qca.plot.xy_plot_solution` draws one XY plot per
term and one for the whole solution.
"""

import qca
import qca.plot

lf = qca.datasets.load("LF")
fit = qca.pof("DEV*URB*LIT*STB + DEV*LIT*~IND*STB -> SURV", data=lf)
print(fit)

# %%
# The same solution from the minimisation, plotted term by term.

sol = qca.minimize(qca.truth_table(lf, "SURV", incl_cut=0.8), include="?",
                   dir_exp="DEV, URB, LIT, IND, STB")
axes = qca.plot.xy_plot_solution(sol)
