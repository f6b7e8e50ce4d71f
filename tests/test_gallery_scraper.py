"""The site's image scraper shows the figures qca.plot returns, and only those."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("sphinx_gallery")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))

import matplotlib.pyplot as plt  # noqa: E402
import qcasim_gallery  # noqa: E402

import qca.plot  # noqa: E402


def test_scraper_saves_untracked_figures_once_and_leaves_pyplot_figures(tmp_path):
    from matplotlib.figure import Figure

    # qca.plot draws on pyplot figures (sphinx-gallery's own scraper shows those); a Figure
    # made without pyplot (as the report's figures are) is what this scraper adds.
    lf = pd.DataFrame({"X": [0.1, 0.6, 0.9], "Y": [0.2, 0.8, 0.95]})
    ax = qca.plot.xy_plot("X", "Y", data=lf)
    assert ax.figure.number in plt.get_fignums()
    own = Figure()
    own.subplots().plot([0, 1], [0, 1])
    pyplot_fig, _ = plt.subplots()
    paths = (tmp_path / f"img_{i}.png" for i in range(10))
    block_vars = {"example_globals": {"a": own, "b": pyplot_fig, "c": 1, "d": ax},
                  "image_path_iterator": paths}
    conf = {"src_dir": str(tmp_path)}
    rst = qcasim_gallery.qca_figures(None, block_vars, conf)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["img_0.png"]
    assert "img_0.png" in rst
    # The next code block sees the same globals: nothing new to show.
    assert qcasim_gallery.qca_figures(None, block_vars, conf).strip() == ""
    plt.close("all")
    assert qcasim_gallery.qca_figures(None, block_vars, conf).strip() == ""


def test_scraper_writes_the_high_dpi_copies_the_site_asks_for(tmp_path):
    from matplotlib.figure import Figure

    own = Figure(figsize=(2, 1))
    own.subplots().plot([0, 1], [0, 1])
    paths = (tmp_path / f"img_{i}.png" for i in range(10))
    conf = {"src_dir": str(tmp_path), "image_srcset": [2.0]}
    rst = qcasim_gallery.qca_figures(None, {"example_globals": {"f": own},
                                            "image_path_iterator": paths}, conf)
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == ["img_0.png", "img_0_2_00x.png"]
    assert "2.00x" in rst or "2x" in rst
