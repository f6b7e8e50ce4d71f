"""What a user sees at a plain prompt: describe(), pof's 3 decimals, show_cases, Venn colours."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import qca
from qca.plot import OUT_COLORS, venn


def test_describe_prints_as_text_at_the_prompt():
    d = qca.datasets.describe("LF")
    assert isinstance(d, str)
    assert repr(d) == str(d) and "\\n" not in repr(d) and repr(d).count("\n") > 5
    assert d._repr_html_().startswith("<pre>")


def test_pof_shows_three_decimals_and_keeps_full_precision():
    lf = qca.datasets.load("LF")
    table = qca.pof("DEV*URB + STB -> SURV", data=lf)
    shown = repr(table)
    assert "0.813" in shown and "0.8129" not in shown
    assert table.loc["DEV*URB", "inclS"] != round(table.loc["DEV*URB", "inclS"], 3)
    assert "0.813" in table._repr_html_()
    assert isinstance(table.round(2), qca.fit.FitTable)   # derived tables display the same way


def test_pof_show_cases_is_refused_with_a_pointer():
    lf = qca.datasets.load("LF")
    with pytest.raises(qca.QCAError, match="show_cases=True"):
        qca.pof("DEV -> SURV", data=lf, show_cases=True)


def test_venn_colours_tell_negatives_remainders_and_page_apart():
    colours = [matplotlib.colors.to_rgb(OUT_COLORS[k]) for k in ("1", "0", "C", "?")]
    white = np.ones(3)
    for i, a in enumerate(colours):
        assert np.abs(np.subtract(a, white)).max() > 0.1           # not the page's white
        for b in colours[i + 1:]:
            assert np.abs(np.subtract(a, b)).max() > 0.2
    lf = qca.datasets.load("LF")
    ax = venn(qca.truth_table(lf, "SURV", ["DEV", "URB"], incl_cut=0.8), resolution=100)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["OUT = 1", "OUT = 0", "contradiction", "remainder (no cases)"]
