"""Tests for qca.plot (figures are built without pyplot; nothing is shown)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import qca
from qca import QCAError
from qca.plot import (
    _SHAPES,
    OUT_COLORS,
    _inside,
    pi_chart_plot,
    truth_table_heatmap,
    venn,
    xy_plot,
    xy_plot_solution,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "reference" / "datasets"


@pytest.fixture(autouse=True)
def _agg(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


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
    ax = xy_plot("DEV*~IND + URB*STB", "SURV", data=lf, labels=True)
    assert isinstance(ax, Axes)
    fig = ax.figure
    assert "inclS 0.850" in ax.get_title() and "covS 0.714" in ax.get_title()
    assert len(ax.texts) == lf.shape[0]
    fig.savefig(tmp_path / "xy.png")
    assert (tmp_path / "xy.png").stat().st_size > 0


def test_xy_plot_necessity_and_arrays(lf):
    ax = xy_plot(lf["STB"], lf["SURV"].to_numpy(), relation="necessity")
    title = ax.get_title()
    assert "inclN 0.920" in title and "RoN 0.680" in title and "covN 0.707" in title
    assert ax.get_xlabel() == "STB"


def test_xy_plot_on_given_axes(lf):
    fig = Figure()
    ax = fig.add_subplot(1, 2, 2)
    assert xy_plot("LIT", "SURV", data=lf, ax=ax) is ax
    assert ax.figure is fig


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
    ax = venn(tt, labels="rows", resolution=200)
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
    ax = venn(tt, resolution=150)
    counts = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
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
    ax = truth_table_heatmap(tt)
    assert [t.get_text() for t in ax.get_xticklabels()] == [*tt.conditions, "incl", "PRI"]
    assert len(ax.get_yticklabels()) == tt.rows.shape[0]
    with pytest.raises(QCAError):
        truth_table_heatmap("tt")  # type: ignore[arg-type]


def test_new_plots_are_pyplot_figures_so_plt_show_shows_them(lf):
    import matplotlib.pyplot as plt

    ax = xy_plot("LIT", "SURV", data=lf)
    assert ax.figure.number in plt.get_fignums()


def test_library_does_not_touch_rcparams_or_backend(lf):
    before = (matplotlib.get_backend(), dict(matplotlib.rcParams))
    sol = qca.minimize(qca.truth_table(lf, "SURV", incl_cut=0.8), include="?")
    xy_plot_solution(sol)
    pi_chart_plot(sol)
    assert (matplotlib.get_backend(), dict(matplotlib.rcParams)) == before


def test_xy_plot_solution_model_and_terms(lf):
    sol = qca.minimize(qca.truth_table(lf, "SURV", incl_cut=0.8), include="?")
    axes = xy_plot_solution(sol, labels=True)
    assert len(axes) == 3
    model = sol.models[0]
    assert axes[0].get_title() == "DEV*~IND + URB*STB -> SURV\ninclS 0.850   PRI 0.819   covS 0.714"
    for ax, term in zip(axes[1:], model.terms):
        fit = model.term_fit.loc[term]
        assert ax.get_title().startswith(f"{term} -> SURV\ninclS {fit['inclS']:.3f}")
        xs = ax.collections[0].get_offsets()[:, 0]
        np.testing.assert_allclose(xs, model.term_memberships()[term])
    assert len(axes[0].texts) == lf.shape[0]
    fig = Figure()
    given = [fig.add_subplot(1, 3, i) for i in (1, 2, 3)]
    assert list(xy_plot_solution(model, axes=given)) == given
    with pytest.raises(QCAError, match="3 panels"):
        xy_plot_solution(model, axes=given[:2])
    with pytest.raises(QCAError, match="model must be"):
        xy_plot_solution(sol, model=4)


def test_pi_chart_plot_marks(lf):
    d = pd.read_csv(DATA / "d.homeless.csv").set_index("case")
    sol = qca.minimize(qca.truth_table(d, "REL"), include="?")
    ax = pi_chart_plot(sol)
    marks = sum(t.get_text() == "x" for t in ax.texts)
    assert marks == int(sol.pi_chart.to_numpy().sum())
    assert [t.get_text() for t in ax.get_yticklabels()] == list(sol.prime_implicants)
    cells = ax.images[0].get_array()
    row = list(sol.prime_implicants).index("PF*~REP")  # the essential implicant is darker
    assert cells[row].max() == 2
    with pytest.raises(QCAError, match="Solution"):
        pi_chart_plot(lf)
