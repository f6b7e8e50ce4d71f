"""
A truth table and its Venn diagram
==================================

:func:`qca.truth_table` sorts the cases of Lipset's fuzzy data into the configurations of four
conditions; a row is positive (OUT = 1) when its consistency reaches ``incl_cut``.
:func:`qca.plot.venn` draws the rows as the regions of a Venn diagram, coloured by OUT; rows
without cases (logical remainders) are grey.
"""

import qca
import qca.plot

lf = qca.datasets.load("LF")
tt = qca.truth_table(lf, "SURV", ["DEV", "URB", "LIT", "IND"], incl_cut=0.8)
print(tt)

# %%
# Each region is labelled with its row number and number of cases.

ax = qca.plot.venn(tt, labels="both")
