"""Tests for qca.plot (figures are built without pyplot; nothing is shown)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import qca
from qca import QCAError
from qca.plot import _SHAPES, OUT_COLORS, _inside, truth_table_heatmap, venn, xy_plot

DATA = Path(__file__).resolve().parents[1] / "data" / "reference" / "datasets"


@pytest.fixture(autouse=True)
def _agg(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture(scope="module")
def lf() -> pd.DataFrame:
    return pd.read_csv(DATA / "LF.csv").set_index("case")


def test_import_does_not_change_backend():
    before = matplotlib.get_backend()
    import importlib

    import qca.plot as plot_module

    importlib.reload(plot_module)
    assert matplotlib.get_backend() == before


def test_xy_plot_sufficiency_title(lf, tmp_path):
    fig = xy_plot("DEV*~IND + URB*STB", "SURV", data=lf, labels=True)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert "inclS 0.850" in ax.get_title() and "covS 0.714" in ax.get_title()
    assert len(ax.texts) == lf.shape[0]
    fig.savefig(tmp_path / "xy.png")
    assert (tmp_path / "xy.png").stat().st_size > 0


def test_xy_plot_necessity_and_arrays(lf):
    fig = xy_plot(lf["STB"], lf["SURV"].to_numpy(), relation="necessity")
    title = fig.axes[0].get_title()
    assert "inclN 0.920" in title and "RoN 0.680" in title and "covN 0.707" in title
    assert fig.axes[0].get_xlabel() == "STB"


def test_xy_plot_on_given_axes(lf):
    fig = Figure()
    ax = fig.add_subplot(1, 2, 2)
    assert xy_plot("LIT", "SURV", data=lf, ax=ax) is fig


def test_xy_plot_errors(lf):
    with pytest.raises(QCAError, match="data"):
        xy_plot("LIT", "SURV")
    with pytest.raises(QCAError, match="unknown"):
        xy_plot("NOPE", "SURV", data=lf)
    with pytest.raises(QCAError, match="relation"):
        xy_plot("LIT", "SURV", data=lf, relation="both")
    with pytest.raises(QCAError, match="cases"):
        xy_plot([0.1, 0.2], [0.3], relation="nec")
    with pytest.raises(QCAError, match=r"\[0, 1\]"):
        xy_plot([0.1, 1.2], [0.3, 0.4])


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_every_venn_region_exists(k):
    grid = np.linspace(-3.2, 3.2, 400)
    gx, gy = np.meshgrid(grid, grid)
    code = np.zeros(gx.shape, dtype=np.int64)
    for i, shape in enumerate(_SHAPES[k]):
        code |= _inside(shape, gx, gy).astype(np.int64) << i
    assert set(np.unique(code)) == set(range(2**k))


@pytest.mark.parametrize("k", [2, 3, 5])
def test_venn_colours_and_labels(lf, k):
    conds = ["DEV", "URB", "LIT", "IND", "STB"][:k]
    tt = qca.truth_table(lf, "SURV", conds, incl_cut=0.8)
    fig = venn(tt, labels="rows", resolution=200)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert set(conds) <= set(texts)
    assert {str(r) for r in range(1, 2**k + 1)} <= set(texts)
    image = ax.images[0].get_array()
    assert image.shape[:2] == (200, 200)
    if (tt.rows["OUT"] == "1").any():
        green = matplotlib.colors.to_rgba(OUT_COLORS["1"])
        assert np.isclose(np.asarray(image)[..., :3], green[:3]).all(axis=-1).any()


def test_venn_counts_labels(lf):
    tt = qca.truth_table(lf, "SURV", ["DEV", "URB", "LIT", "IND"], incl_cut=0.8)
    fig = venn(tt, resolution=150)
    counts = sorted(int(t.get_text()) for t in fig.axes[0].texts if t.get_text().isdigit())
    assert sum(counts) == lf.shape[0]


def test_venn_errors(lf):
    d = lf.copy()
    d["X6"] = d["DEV"]
    with pytest.raises(QCAError, match="at most 5"):
        venn(qca.truth_table(d, "SURV", incl_cut=0.8))
    lm = pd.read_csv(DATA / "LM.csv").set_index("case")
    with pytest.raises(QCAError, match="multi-value"):
        venn(qca.truth_table(lm, "SURV"))
    tt = qca.truth_table(lf, "SURV", incl_cut=0.8)
    with pytest.raises(QCAError, match="labels"):
        venn(tt, labels="cases")
    with pytest.raises(QCAError, match="TruthTable"):
        venn(lf)  # type: ignore[arg-type]


def test_truth_table_heatmap(lf):
    tt = qca.truth_table(lf, "SURV", incl_cut=0.8)
    fig = truth_table_heatmap(tt)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [*tt.conditions, "incl", "PRI"]
    assert len(ax.get_yticklabels()) == tt.rows.shape[0]
    with pytest.raises(QCAError):
        truth_table_heatmap("tt")  # type: ignore[arg-type]
