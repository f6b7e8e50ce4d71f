"""The report's figures: matplotlib PNGs at 160 dpi, returned base64-encoded for embedding (one
file to hand on), with human labels, the Okabe-Ito colour-blind-safe palette and 95 % interval
bars. Figures are built without pyplot under a temporary style: library code leaves matplotlib's
global state alone."""

from __future__ import annotations

import base64
import io
import textwrap
from typing import Any

import numpy as np
import pandas as pd

from ..stats import aggregate
from .data import _COMPARE, ReportData
from .labels import _DPI, _MARKERS, PALETTE, _get, _metric, _param, _short_setting, _value

# ---------------------------------------------------------------------------- figures


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _style() -> dict[str, Any]:
    return {"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "legend.fontsize": 9,
            "xtick.labelsize": 9, "ytick.labelsize": 9, "axes.grid": True, "grid.alpha": 0.3,
            "axes.spines.top": False, "axes.spines.right": False}


def _rate_figure(curves: pd.DataFrame, ylabel: str, solutions: list[str],
                 target: float | None = None, unit: str = "cases") -> str:
    """Rate vs N, one panel per solution type, one dodged series per setting."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullLocator

    settings = sorted(curves["setting"].unique())
    sols = [s for s in solutions if s in set(curves["solution"])]
    ns = sorted(int(n) for n in curves["n_workers"].unique())
    # Figures of their own (no pyplot) and a temporary style: library code leaves
    # matplotlib's global state alone.
    with rc_context(_style()):
        fig = Figure(figsize=(4.6 * len(sols), 4.2))
        axes = fig.subplots(1, len(sols), sharey=True, squeeze=False)
        width = 0.035 * (len(settings) - 1)
        for ax, sol in zip(axes[0], sols):
            g = curves[curves["solution"] == sol]
            for i, setting in enumerate(settings):
                gs = g[g["setting"] == setting].sort_values("n_workers")
                if gs.empty:
                    continue
                shift = 10 ** ((i - (len(settings) - 1) / 2) * width / max(len(settings) - 1, 1))
                x = gs["n_workers"].to_numpy(float) * shift
                y = gs["rate"].to_numpy(float)
                err = np.clip(np.nan_to_num([y - gs["low"].to_numpy(float),
                                             gs["high"].to_numpy(float) - y]), 0, None)
                ax.errorbar(x, y, yerr=err, color=PALETTE[i % len(PALETTE)],
                            marker=_MARKERS[i % len(_MARKERS)], ms=5, lw=1.6, capsize=2.5,
                            elinewidth=1, label="\n".join(textwrap.wrap(str(setting), 38)))
            if target is not None:
                ax.axhline(target, color="#444444", ls="--", lw=1.2, label=f"target {target:g}")
            ax.set_title(f"{sol} solution")
            ax.set_xscale("log")
            ax.set_xticks(ns)
            ax.set_xticklabels([str(n) for n in ns])
            ax.xaxis.set_minor_locator(NullLocator())
            ax.set_xlabel(f"{unit} (N)")
            ax.set_ylim(-0.03, 1.03)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False,
                      ncol=1 if len(settings) > 2 else 2)
        axes[0][0].set_ylabel(ylabel)
        return _png(fig)


def _heatmap_figure(long: pd.DataFrame, criterion: str, solution: str, axis: str,
                    unit: str = "cases") -> str:
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


def _wrong_figure(d: ReportData) -> str | None:
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



def _comparison_figure(rates: pd.DataFrame, solutions: list[str], n: int) -> str:
    """Three panels (recovery, false positive, no model) at one N: horizontal bars per setting,
    one colour per method output, 95 % Wilson intervals."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    sub = rates[rates["n_workers"] == n]
    settings = sorted(sub["setting"].unique())
    sols = [s for s in solutions if s in set(sub["solution"])]
    height = max(3.0, 0.32 * len(settings) * len(sols) + 1.6)
    bar = 0.8 / max(len(sols), 1)
    with rc_context({**_style(), "axes.grid": False}):
        fig = Figure(figsize=(13.5, height))
        axes = fig.subplots(1, len(_COMPARE), sharey=True, squeeze=False)[0]
        for ax, (col, _) in zip(axes, _COMPARE):
            g = sub[sub["rate_name"] == col]
            for i, sol in enumerate(sols):
                gs = g[g["solution"] == sol].set_index("setting").reindex(settings)
                y = np.arange(len(settings)) + (i - (len(sols) - 1) / 2) * bar
                r = gs["rate"].to_numpy(float)
                err = np.clip(np.nan_to_num([r - gs["low"].to_numpy(float),
                                             gs["high"].to_numpy(float) - r]), 0, None)
                ax.barh(y, np.nan_to_num(r), height=bar * 0.9, xerr=err,
                        color=PALETTE[i % len(PALETTE)], label=sol,
                        error_kw={"elinewidth": 0.8, "capsize": 1.5, "ecolor": "#333333"})
            ax.set_xlim(0, 1.02)
            ax.grid(axis="x", alpha=0.3)
            ax.set_xlabel("\n".join(textwrap.wrap(_compare_label(col), 34)))
        axes[0].set_yticks(range(len(settings)),
                           ["\n".join(textwrap.wrap(_short_setting(s), 30)) for s in settings],
                           fontsize=8)
        axes[0].invert_yaxis()
        axes[-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False,
                        title="method output")
        return _png(fig)


