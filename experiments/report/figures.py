"""The report's figures: matplotlib PNGs at 160 dpi, returned base64-encoded for embedding (one
file to hand on), with human labels, the Okabe-Ito colour-blind-safe palette and 95 % interval
bars. Figures are built without pyplot under a temporary style: library code leaves matplotlib's
global state alone."""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..stats import aggregate
from .data import _COMPARE, ReportData
from .labels import _DPI, _MARKERS, PALETTE, _get, _metric, _param, _value

# ---------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Png:
    """A rendered figure: the base64 PNG and where its parts landed (pixels at the saved
    resolution), so that a test can check that no title is wider than its panel and no legend
    taller than its plot."""

    data: str
    geometry: dict[str, Any]

    def __str__(self) -> str:
        return self.data


def _geometry(fig: Any) -> dict[str, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig.set_dpi(_DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    r = canvas.get_renderer()
    panels = []
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        box = ax.get_window_extent(r)
        title = ax.title.get_window_extent(r) if ax.get_title() else None
        leg = ax.get_legend()
        panels.append({"width": round(box.width, 1), "height": round(box.height, 1),
                       "title_width": round(title.width, 1) if title else 0.0,
                       "legend_height": round(leg.get_window_extent(r).height, 1) if leg else 0.0})
    legends = [round(leg.get_window_extent(r).height, 1) for leg in fig.legends]
    return {"panels": panels, "figure_legends": legends}


def _png(fig: Any) -> Png:
    geometry = _geometry(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight")
    return Png(base64.b64encode(buf.getvalue()).decode("ascii"), geometry)


def _style() -> dict[Any, Any]:
    return {"font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10, "legend.fontsize": 9,
            "xtick.labelsize": 9, "ytick.labelsize": 9, "axes.grid": True, "grid.alpha": 0.3,
            "axes.spines.top": False, "axes.spines.right": False}


@dataclass(frozen=True)
class SettingsLayout:
    """How the settings of an experiment are laid out in a figure (small multiples): one panel
    per facet (a combination of the parameters other than the hue's), one line per value of the
    hue parameter inside it; few settings need no facets (one line per setting)."""

    facets: tuple[str, ...]
    hues: tuple[str, ...]
    where: dict[str, tuple[str, str]]
    hue_title: str
    sequential: bool = False

    def colours(self) -> list[Any]:
        """One colour per hue: Okabe-Ito for few, an ordered (cividis) scale for many
        numeric values."""
        if not self.sequential:
            return [PALETTE[i % len(PALETTE)] for i in range(len(self.hues))]
        from matplotlib import colormaps

        cmap = colormaps["cividis"]
        k = max(len(self.hues) - 1, 1)
        return [cmap(0.05 + 0.85 * i / k) for i in range(len(self.hues))]


#: Lines one panel shows before the settings are split into panels.
_MAX_LINES = 6


def settings_layout(table: pd.DataFrame) -> SettingsLayout:
    """The small-multiples layout of the settings in ``table`` (:func:`~.labels.setting_frame`):
    up to six settings share one panel; beyond that, the varying parameter with the most values
    (at most eight; else the fewest) is the hue and every combination of the others a panel."""
    order_cols = [c for c in table.columns if not str(c).startswith("_order_")]
    settings = list(table.index)
    if order_cols:
        settings = sorted(settings, key=lambda s: tuple(table.at[s, f"_order_{c}"]
                                                        for c in order_cols))
    if len(settings) <= _MAX_LINES or not order_cols:
        return SettingsLayout(("",), tuple(settings), {s: ("", s) for s in settings},
                              "setting" if len(settings) > 1 else "")
    levels = {c: [v for v in dict.fromkeys(table.loc[settings, c]) if v] for c in order_cols}
    fits = [c for c in order_cols if 1 < len(levels[c]) <= 8]
    hue = (max(fits, key=lambda c: len(levels[c])) if fits
           else min(order_cols, key=lambda c: len(levels[c]) or 10**9))
    rest = [c for c in order_cols if c != hue]
    where, facets, hues = {}, [], []
    for s in settings:
        facet = ", ".join(v for v in (table.at[s, c] for c in rest) if v)
        val = table.at[s, hue]
        shown = val.split(" = ", 1)[1] if " = " in val else (val or "not set")
        where[s] = (facet, shown)
        facets.append(facet)
        hues.append(shown)
    hues_sorted = tuple(dict.fromkeys(v for _, v in sorted(
        ((table.at[s, f"_order_{hue}"], where[s][1]) for s in settings), key=lambda t: t[0])))
    numeric = all(table.at[s, f"_order_{hue}"][0] == 0 for s in settings if table.at[s, hue])
    return SettingsLayout(tuple(dict.fromkeys(facets)), hues_sorted, where,
                          _param(hue) if hue != "overrides" else "scenario overrides",
                          sequential=numeric and len(hues_sorted) > _MAX_LINES)


def _wrap(text: str, width_in: float, size: float = 10) -> str:
    """``text`` wrapped to a width in inches at a font size (about 0.55 em per character)."""
    width = max(int(width_in * 72 / (0.56 * size)), 12)
    return "\n".join(w for line in text.split("\n") for w in textwrap.wrap(line, width))


def _rate_figure(curves: pd.DataFrame, ylabel: str, solutions: list[str],
                 target: float | None = None, unit: str = "cases",
                 layout: SettingsLayout | None = None, share: bool = True) -> Png:
    """Rate vs N with 95 % intervals as small multiples: one panel per solution type and facet
    of the settings (:class:`SettingsLayout`), one dodged line per hue value, one legend for
    the figure."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullLocator, PercentFormatter

    if layout is None:
        settings = sorted(curves["setting"].unique())
        layout = SettingsLayout(("",), tuple(settings), {s: ("", s) for s in settings},
                                "setting" if len(settings) > 1 else "")
    sols = [s for s in solutions if s in set(curves["solution"])]
    ns = sorted(int(n) for n in curves["n_workers"].unique())
    facets = list(layout.facets)
    ncol = min(len(facets), 4) if len(facets) > 1 else max(len(sols), 1)
    per_sol_rows = -(-len(facets) // ncol) if len(facets) > 1 else 1
    panels: list[tuple[str, str]] = ([(sol, f) for sol in sols for f in facets]
                                     if len(facets) > 1 else [(sol, "") for sol in sols])
    nrow = per_sol_rows * len(sols) if len(facets) > 1 else 1
    pw, ph = (3.0, 2.5) if len(facets) > 1 else (4.6, 3.4)
    colours = layout.colours()
    k = len(layout.hues)
    gaps = np.diff(np.log10(ns)) if len(ns) > 1 else np.array([1.0])
    spread = min(0.035 * (k - 1), 0.5 * float(gaps.min()))  # dodge, never past the next N
    with rc_context(_style()):
        fig = Figure(figsize=(pw * ncol, ph * nrow + 0.9), layout="constrained")
        axes = fig.subplots(nrow, ncol, sharey=True, sharex=True, squeeze=False)
        used = set()
        for idx, (sol, facet) in enumerate(panels):
            if len(facets) > 1:
                block, pos = divmod(idx, len(facets))
                ax = axes[block * per_sol_rows + pos // ncol][pos % ncol]
            else:
                ax = axes[0][idx]
            used.add(id(ax))
            g = curves[curves["solution"] == sol]
            for i, hue in enumerate(layout.hues):
                keys = [s for s, (f, h) in layout.where.items() if f == facet and h == hue]
                gs = g[g["setting"].isin(keys)].sort_values("n_workers")
                if gs.empty:
                    continue
                shift = 10 ** ((i - (k - 1) / 2) * spread / max(k - 1, 1))
                x = gs["n_workers"].to_numpy(float) * shift
                y = gs["rate"].to_numpy(float)
                err = np.clip(np.nan_to_num([y - gs["low"].to_numpy(float),
                                             gs["high"].to_numpy(float) - y]), 0, None)
                bars = ax.errorbar(x, y, yerr=err, color=colours[i],
                                   marker=_MARKERS[i % len(_MARKERS)], ms=4 if k > 6 else 5,
                                   lw=1.4, capsize=2, elinewidth=0.7 if k > 6 else 0.9)
                if k > 6:  # many intervals: lighter, so that the lines stay readable
                    for part in bars.lines[2]:
                        part.set_alpha(0.45)
            if target is not None:
                ax.axhline(target, color="#444444", ls="--", lw=1.1)
            title = f"{sol} solution" + (f"\n{facet}" if facet else "")
            ax.set_title(_wrap(title, pw - 0.3) if facet else title)
            ax.set_xscale("log")
            ax.set_xticks(ns)
            ax.set_xticklabels([str(n) for n in ns])
            ax.xaxis.set_minor_locator(NullLocator())
            pad = 10 ** (spread / 2 + 0.06)
            ax.set_xlim(ns[0] / pad, ns[-1] * pad)
            ax.tick_params(labelbottom=True)
            if share:
                ax.set_ylim(-0.03, 1.03)
                ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        for row in axes:
            for ax in row:
                if id(ax) not in used:
                    ax.set_visible(False)
        fig.supxlabel(f"number of {unit} (N, log scale)", fontsize=10)
        fig.supylabel(_wrap(ylabel, ph * nrow - 0.2), fontsize=10)
        handles = [Line2D([], [], color=colours[i], marker=_MARKERS[i % len(_MARKERS)], lw=1.4,
                          ms=5) for i in range(k)] if k > 1 else []
        labels = [_wrap(h, 3.0, 9) for h in layout.hues] if k > 1 else []
        if target is not None:
            handles.append(Line2D([], [], color="#444444", ls="--", lw=1.1))
            labels.append(f"target {target:g}")
        handles.append(Line2D([], [], color="#777777", marker="|", lw=0, ms=9))
        labels.append("95 % interval")
        width = pw * ncol
        per_row = max(1, min(len(labels), int(width / (max(len(t) for t in labels) * 0.075
                                                        + 0.45))))
        fig.legend(handles, labels, loc="outside upper center", ncol=per_row, frameon=False,
                   title=layout.hue_title or None, fontsize=9, title_fontsize=9)
        return _png(fig)


def _heatmap_figure(long: pd.DataFrame, criterion: str, solution: str, axis: str,
                    unit: str = "cases") -> Png:
    """Rate of ``criterion`` over N x a second numeric grid axis (one panel)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    sub = long[long["solution"] == solution]
    agg = aggregate(sub, [axis, "n_workers"], criterion)
    table = agg.pivot(index=axis, columns="n_workers", values="rate").sort_index(ascending=False)
    with rc_context({**_style(), "axes.grid": False}):
        fig = Figure(figsize=(1.0 * table.shape[1] + 2.5, 0.7 * table.shape[0] + 1.8))
        ax = fig.subplots()
        values = table.to_numpy(float)
        share = _get(criterion).is_share  # a count is coloured over its own range
        vmin, vmax = (0.0, 1.0) if share else (float(np.nanmin(values)), float(np.nanmax(values)))
        im = ax.imshow(values, cmap="cividis", vmin=vmin, vmax=vmax, aspect="auto")
        ax.set_xticks(range(table.shape[1]), [str(int(c)) for c in table.columns])
        ax.set_yticks(range(table.shape[0]), [str(v) for v in table.index])
        for (i, j), v in pd.DataFrame(values).stack().items():
            dark = (v - vmin) < 0.55 * (vmax - vmin) if vmax > vmin else v < 0.55
            ax.text(j, i, _value(v, criterion), ha="center", va="center", fontsize=9,
                    color="white" if dark else "black")
        ax.set_xlabel(f"{unit} (N)")
        ax.set_ylabel(_param(axis))
        ax.set_title(f"{solution} solution")
        fig.colorbar(im, ax=ax, label=_metric(criterion), fraction=0.05)
        return _png(fig)


def _short_model(model: str, width: int = 46) -> str:
    """A model's first terms, with the number of terms left out (the table has it in full)."""
    terms = [t.strip() for t in model.split(" + ")] if model else ["(empty)"]
    shown: list[str] = []
    for t in terms:
        if shown and len(" + ".join([*shown, t])) > width:
            break
        shown.append(t)
    rest = len(terms) - len(shown)
    return " + ".join(shown) + (f" + {rest} more term{'s' * (rest > 1)}" if rest else "")


def _wrong_figure(d: ReportData) -> Png | None:
    if d.wrong_models.empty or int(d.wrong_models["count"].max()) < 2:
        return None  # nothing recurs: the table says it better
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    w = d.wrong_models.head(10).iloc[::-1]
    with rc_context(_style()):
        fig = Figure(figsize=(9.5, 0.42 * len(w) + 1.2))
        ax = fig.subplots()
        ax.barh(range(len(w)), w["count"], color=PALETTE[5], label="replications")
        ax.set_yticks(range(len(w)), [_short_model(m) for m in w["model"]], fontsize=9,
                      fontfamily="monospace")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(f"replications at N = {d.headline_n} ({d.solution} solution, all "
                      "settings pooled)")
        ax.legend(loc="lower right")
        return _png(fig)



def _compare_label(col: str) -> str:
    if col == "false_positive":
        return "share: false causal claim (a tied model that is not a submodel of the truth)"
    return _metric(col)



def _comparison_figure(rates: pd.DataFrame, solutions: list[str], n: int,
                       order: list[str] | None = None) -> Png:
    """Three panels (recovery, false positive, no model) at one N: one row per setting (in the
    grid's order), one colour per method output, 95 % Wilson intervals; bars for up to twelve
    settings, dots beyond (a row each, the figure grows with the settings, the legend on top)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    sub = rates[rates["n_workers"] == n]
    present = set(sub["setting"])
    settings = [s for s in (order or sorted(present)) if s in present]
    sols = [s for s in solutions if s in set(sub["solution"])]
    many = len(settings) > 12
    row = (0.22 if many else 0.32 * max(len(sols), 1))
    height = max(3.0, row * len(settings) + 1.8)
    bar = 0.8 / max(len(sols), 1)
    with rc_context({**_style(), "axes.grid": False}):
        fig = Figure(figsize=(12.5, height), layout="constrained")
        axes = fig.subplots(1, len(_COMPARE), sharey=True, squeeze=False)[0]
        for ax, (col, _) in zip(axes, _COMPARE):
            g = sub[sub["rate_name"] == col]
            for i, sol in enumerate(sols):
                gs = g[g["solution"] == sol].set_index("setting").reindex(settings)
                y = np.arange(len(settings)) + (i - (len(sols) - 1) / 2) * bar
                r = gs["rate"].to_numpy(float)
                err = np.clip(np.nan_to_num([r - gs["low"].to_numpy(float),
                                             gs["high"].to_numpy(float) - r]), 0, None)
                if many:
                    ax.errorbar(r, y, xerr=err, fmt=_MARKERS[i % len(_MARKERS)], ms=3.5,
                                color=PALETTE[i % len(PALETTE)], elinewidth=0.6, label=sol)
                else:
                    ax.barh(y, np.nan_to_num(r), height=bar * 0.9, xerr=err,
                            color=PALETTE[i % len(PALETTE)], label=sol,
                            error_kw={"elinewidth": 0.8, "capsize": 1.5, "ecolor": "#333333"})
            ax.set_xlim(0, 1.02)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.grid(axis="x", alpha=0.3)
            ax.set_xlabel(_wrap(_compare_label(col), 3.6, 10))
        axes[0].set_yticks(range(len(settings)), [_wrap(s, 2.6, 8) for s in settings],
                           fontsize=7 if many else 8)
        axes[0].set_ylim(len(settings) - 0.5, -0.5)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncol=len(sols), frameon=False,
                   title="method output (bars: 95 % Wilson intervals)")
        return _png(fig)




def _plan_figures(plan: Any) -> tuple[Png, Png | None]:
    """The study plan's Pareto figure (cost against recovery of every design on the front, the
    recommendation with its simulated interval) and its tornado (sensitivity of the
    recommendation to the scenario's illustrative values; None without a robustness analysis),
    drawn by :mod:`experiments.plan` on figures of their own."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from ..plan import pareto_figure, tornado_figure

    with rc_context(_style()):
        fig = Figure(figsize=(7.5, 4.6), layout="constrained")
        pareto_figure(plan, fig.subplots())
        pareto = _png(fig)
        tornado = None
        if plan.robustness is not None and len(plan.robustness.get("tornado", [])):
            n = len(plan.robustness["tornado"])
            fig = Figure(figsize=(9, 0.5 * n + 1.8), layout="constrained")
            tornado_figure(plan, fig.subplots())
            tornado = _png(fig)
    return pareto, tornado
