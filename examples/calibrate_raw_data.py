"""
Calibrating raw data into fuzzy sets
====================================

:func:`qca.calibrate` turns a raw measure into set membership by the direct method (Ragin
2008): three anchors, full exclusion ``e``, crossover ``c`` and full inclusion ``i``, and a
logistic curve through them. Here Lipset's GDP per capita (``LR``, in USD) becomes the set of
developed countries with the anchors of the fuzzy data set ``LF`` (400, 550, 900).
"""

import matplotlib.pyplot as plt
import numpy as np

import qca

lr = qca.datasets.load("LR")
dev = qca.calibrate(lr["DEV"], "fuzzy", thresholds=(400, 550, 900))
print(dev.round(2).sort_values().to_string())

# %%
# The calibration curve and the cases on it: memberships above 0.5 are "more in than out".

grid = np.linspace(lr["DEV"].min() * 0.9, lr["DEV"].max() * 1.05, 200)
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot(grid, qca.calibrate(grid, "fuzzy", thresholds=(400, 550, 900)), color="#0072B2")
ax.scatter(lr["DEV"], dev, color="#D55E00", zorder=3)
for anchor in (400, 550, 900):
    ax.axvline(anchor, ls=":", color="grey")
ax.set_xscale("log")
ax.set_xticks([200, 400, 550, 900, 1500], ["200", "400", "550", "900", "1500"])
ax.minorticks_off()
ax.set_xlabel("GDP per capita, USD (log scale)")
ax.set_ylabel("membership in DEV")
