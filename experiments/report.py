"""The report of a recovery experiment: a self-contained HTML page and a terminal summary.

The page answers the headline question first ("with 65 workers as in the KBOP evaluation, how
often does QCA recover the three paths?"), then shows recovery rate vs N per setting with 95 %
Wilson intervals (solution types side by side), the power curve with the target line, the most
frequent wrong models and the settings used. Figures are seaborn PNGs embedded in base64.
"""

from __future__ import annotations

import base64
import html
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError
from .power import PowerResult, power_from_curve
from .stats import aggregate, long_scores, varying_columns
from .store import Store

__all__ = ["ReportData", "build_report_data", "text_summary", "html_report", "write_report"]



def label(metric: str) -> str:
    """The human label of a registered metric."""
    from .metrics import get_metric

    return get_metric(metric).label


def _outputs(frame: pd.DataFrame) -> list[str]:
    """The outputs present, in registry order."""
    from .methods import output_names

    present = set(frame["solution"]) if "solution" in frame.columns else set()
    return [o for o in output_names() if o in present]


@dataclass
class ReportData:
    """Everything the report shows, computed once."""

    experiment: str
    definition: dict[str, Any]
    long: pd.DataFrame
    settings: list[str]
    headline_n: int
    criterion: str
    solution: str
    target: float
    headline: pd.DataFrame
    curves: pd.DataFrame
    exact_curves: pd.DataFrame
    power: dict[str, PowerResult]
    wrong_models: pd.DataFrame
    n_reps: int
    seconds: float


def _setting_label(long: pd.DataFrame, cols: list[str]) -> pd.Series:
    if not cols:
        return pd.Series(["all"] * len(long), index=long.index)
    return long[cols].astype(str).apply(
        lambda r: ", ".join(f"{c}={v}" for c, v in zip(cols, r)), axis=1)


def build_report_data(store: Store, experiment: str) -> ReportData:
    """Aggregate a stored experiment for the report.

    Raises
    ------
    KeyError
        When the store has no such experiment.
    ValueError
        When it has no replications yet.
    """
    definition = store.definition(experiment)
    frame = store.frame(experiment)
    if frame.empty:
        raise InputError(f"experiment {experiment!r} has no stored replications yet")
    rep = definition.get("report", {})
    criterion = rep.get("criterion", "any_correct")
    solution = rep.get("solution", "parsimonious")
    target = float(rep.get("target", 0.8))
    long = long_scores(frame)
    settings = varying_columns(frame, exclude=("n_workers",))
    long["setting"] = _setting_label(long, settings)
    ns = sorted(long["n_workers"].unique())
    want = int(rep.get("headline_n", 65))
    headline_n = int(min(ns, key=lambda n: (abs(n - want), n)))
    curves = aggregate(long, ["solution", "setting", "n_workers"], criterion)
    exact_curves = aggregate(long, ["solution", "setting", "n_workers"], "any_exact")
    at_n = long[long["n_workers"] == headline_n]
    parts = []
    for crit in (criterion, "any_exact", "error_free", "recall"):
        if crit in at_n.columns:
            a = aggregate(at_n, ["solution", "setting"], crit)
            a.insert(2, "criterion", crit)
            parts.append(a)
    headline = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    power = {}
    for setting, g in curves[curves["solution"] == solution].groupby("setting"):
        power[str(setting)] = power_from_curve(g[["n_workers", "n", "rate", "low", "high"]],
                                               target)
    sel = at_n[(at_n["solution"] == solution) & (at_n["status"] == "ok")]
    wrong = sel[~sel["correct"].astype(bool)]["model"].value_counts().head(10)
    wrong_models = wrong.rename_axis("model").reset_index(name="count")
    if len(sel):
        wrong_models["share"] = wrong_models["count"] / len(sel)
    return ReportData(experiment, definition, long, settings, headline_n, criterion, solution,
                      target, headline, curves, exact_curves, power, wrong_models,
                      int(len(frame)), float(frame["elapsed"].sum()))


def _truth_text(d: ReportData) -> str:
    base = d.definition.get("base", {})
    scen = base.get("scenario", "kbop")
    from qca import QcasimError

    from .pipeline import cell_setup

    try:
        _, spec = cell_setup(base)
    except QcasimError:
        # The stored definition no longer loads here (e.g. a scenario file moved).
        return str(scen)
    return f"{scen}: {spec.truth}"


def text_summary(d: ReportData) -> str:
    """Plain-text summary for the terminal."""
    lines = [f"Experiment {d.experiment}: {d.n_reps} replications "
             f"({d.seconds:.1f} s of compute)", f"True recipe  {_truth_text(d)}", ""]
    lines.append(f"With {d.headline_n} workers, how often does QCA recover the paths?")
    h = d.headline
    for setting in sorted(h["setting"].unique()) if len(h) else []:
        if d.settings:
            lines.append(f"  [{setting}]")
        for sol in _outputs(h):
            g = h[(h["solution"] == sol) & (h["setting"] == setting)]
            if g.empty or g["n"].sum() == 0:
                continue
            cells = []
            for crit in (d.criterion, "any_exact", "recall"):
                r = g[g["criterion"] == crit]
                if len(r):
                    r = r.iloc[0]
                    cells.append(f"{crit} {100 * r['rate']:5.1f}% "
                                 f"[{100 * r['low']:.0f}-{100 * r['high']:.0f}]")
            lines.append(f"    {sol:<13} " + "   ".join(cells))
    lines.append("")
    for setting, p in d.power.items():
        head = f"[{setting}] " if d.settings else ""
        if p.n_required is None:
            lines.append(f"{head}{d.criterion} ({d.solution}) >= {d.target:g}: not reached up "
                         f"to N = {int(p.curve['n_workers'].max())}")
        else:
            lines.append(f"{head}{d.criterion} ({d.solution}) >= {d.target:g} from N = "
                         f"{p.n_required} (CI range {_n(p.n_optimistic)} .. "
                         f"{_n(p.n_conservative)})")
    if len(d.wrong_models):
        lines += ["", f"Most frequent wrong {d.solution} models at N = {d.headline_n}:"]
        for _, r in d.wrong_models.head(5).iterrows():
            lines.append(f"  {r['count']:5d}  {r['model']}")
    return "\n".join(lines)


def _n(v: int | None) -> str:
    return "-" if v is None else str(v)


# ---------------------------------------------------------------------------- figures


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _rate_figure(curves: pd.DataFrame, ylabel: str, target: float | None = None) -> str:
    import seaborn as sns
    from matplotlib.figure import Figure

    sols = _outputs(curves)
    # A Figure of its own (no pyplot, no global style): library code leaves matplotlib's
    # global state alone.
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook"):
        fig = Figure(figsize=(4.2 * max(len(sols), 1), 3.6))
        axes = fig.subplots(1, max(len(sols), 1), sharey=True, squeeze=False)
        _draw_rates(axes, sols, curves, ylabel, target)
    return _png(fig)


def _draw_rates(axes: Any, sols: list[str], curves: pd.DataFrame, ylabel: str,
                target: float | None) -> None:
    import seaborn as sns
    from matplotlib.ticker import NullLocator

    palette = dict(zip(sorted(curves["setting"].unique()),
                       sns.color_palette("deep", curves["setting"].nunique())))
    for ax, sol in zip(axes[0], sols):
        g = curves[curves["solution"] == sol]
        for setting, gs in g.groupby("setting"):
            gs = gs.sort_values("n_workers")
            color = palette[setting]
            ax.plot(gs["n_workers"], gs["rate"], marker="o", color=color, label=str(setting))
            ax.fill_between(gs["n_workers"], gs["low"], gs["high"], color=color, alpha=0.2)
        if target is not None:
            ax.axhline(target, color="black", ls="--", lw=1)
        ax.set_title(sol)
        ax.set_xscale("log")
        ns = sorted(g["n_workers"].unique())
        ax.set_xticks(ns)
        ax.set_xticklabels([str(int(n)) for n in ns], fontsize=8)
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("workers (N)")
        ax.set_ylim(-0.02, 1.02)
    axes[0][0].set_ylabel(ylabel)
    if curves["setting"].nunique() > 1:
        axes[0][-1].legend(fontsize=7, loc="best")


def _power_figure(d: ReportData) -> str:
    sub = d.curves[d.curves["solution"] == d.solution]
    return _rate_figure(sub, f"P[{d.criterion}]", d.target)


def _wrong_figure(d: ReportData) -> str | None:
    if d.wrong_models.empty:
        return None
    import seaborn as sns
    from matplotlib.figure import Figure

    w = d.wrong_models.head(10).copy()
    # Long models are shortened on the axis; the table under the figure has them in full.
    w["model"] = [m if len(m) <= 60 else m[:57] + "..." for m in w["model"]]
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook"):
        fig = Figure(figsize=(8, 0.4 * len(w) + 1))
        ax = fig.subplots()
        sns.barplot(data=w, y="model", x="count", ax=ax, color="#c44e52")
        ax.set_ylabel("")
        ax.set_xlabel(f"replications at N = {d.headline_n} ({d.solution})")
        ax.tick_params(axis="y", labelsize=8)
    return _png(fig)


# ---------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#222}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
.headline{background:#f3f6fb;border-left:5px solid #4c72b0;padding:.8em 1.2em;font-size:1.05em}
table{border-collapse:collapse;font-size:.9em} td,th{border:1px solid #ddd;padding:3px 8px}
th{background:#f6f6f6} img{max-width:100%} pre{background:#f6f6f6;padding:.6em;overflow-x:auto}
.big{font-size:1.6em;font-weight:bold;color:#4c72b0}
"""


def _headline_html(d: ReportData) -> str:
    h = d.headline
    rows = []
    for setting in sorted(h["setting"].unique()) if len(h) else []:
        for sol in _outputs(h):
            g = h[(h["solution"] == sol) & (h["setting"] == setting)]
            if g.empty or g["n"].sum() == 0:
                continue

            def cell(crit: str, g: pd.DataFrame = g) -> str:
                r = g[g["criterion"] == crit]
                if r.empty:
                    return "<td>-</td>"
                r = r.iloc[0]
                return (f"<td><b>{100 * r['rate']:.0f} %</b> "
                        f"<small>[{100 * r['low']:.0f}-{100 * r['high']:.0f}]</small></td>")

            rows.append(f"<tr><td>{html.escape(str(setting))}</td><td>{sol}</td>"
                        f"{cell('any_exact')}{cell(d.criterion)}{cell('error_free')}"
                        f"{cell('recall')}</tr>")
    main = h[(h["solution"] == d.solution) & (h["criterion"] == "any_exact")] if len(h) else h
    big = ""
    if len(main):
        r = main.iloc[0]
        big = (f"<p><span class='big'>{100 * r['rate']:.0f} %</span> of replications: the "
               f"{d.solution} solution recovers the true recipe exactly "
               f"(95 % CI {100 * r['low']:.0f}-{100 * r['high']:.0f} %, {int(r['n'])} "
               f"replications{', ' + html.escape(str(r['setting'])) if d.settings else ''}).</p>")
    return (f"<div class='headline'><p><b>With {d.headline_n} workers, as in the KBOP "
            f"evaluation, how often does QCA recover the three paths?</b></p>{big}"
            f"<table><tr><th>setting</th><th>solution</th><th>exact recovery</th>"
            f"<th>{html.escape(label(d.criterion))}</th><th>{html.escape(label('error_free'))}</th>"
            f"<th>{html.escape(label('recall'))}</th></tr>{''.join(rows)}</table>"
            f"<p>True recipe: <code>{html.escape(_truth_text(d))}"
            f"</code></p></div>")


def html_report(d: ReportData) -> str:
    """The self-contained HTML page."""
    from . import __version__

    figs = [
        ("Recovery rate vs N", label(d.criterion),
         _rate_figure(d.curves, f"P[{d.criterion}]")),
        ("Exact recovery vs N", "the true recipe, term for term",
         _rate_figure(d.exact_curves, "P[exact recovery]")),
        ("Paths found vs N", label("recall") + " (bands: normal 95 % intervals of the mean)",
         _rate_figure(aggregate(d.long, ["solution", "setting", "n_workers"], "recall"),
                      "mean share of true paths found")),
    ]
    power_rows = "".join(
        f"<tr><td>{html.escape(s)}</td><td>{_n(p.n_required)}</td><td>{_n(p.n_optimistic)} .. "
        f"{_n(p.n_conservative)}</td><td>"
        f"{'-' if p.n_interpolated is None else f'{p.n_interpolated:.0f}'}</td></tr>"
        for s, p in d.power.items())
    wrong = _wrong_figure(d)
    settings = json.dumps(d.definition, indent=2, default=str)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>qcasim: {d.experiment}"
             f"</title><style>{_CSS}</style></head><body>",
             f"<h1>QCA recovery benchmark: {html.escape(d.experiment)}</h1>",
             _headline_html(d)]
    for title, sub, png in figs:
        bands = "" if "bands:" in sub else "; bands: 95 % Wilson intervals"
        parts.append(f"<h2>{title}</h2><p>{html.escape(sub)}{bands}; "
                     f"panels: solution types.</p><img alt='{title}' "
                     f"src='data:image/png;base64,{png}'>")
    parts.append(f"<h2>Power: sample size for P[{d.criterion}] &ge; {d.target:g} "
                 f"({d.solution})</h2><img alt='power' src='data:image/png;base64,"
                 f"{_power_figure(d)}'><table><tr><th>setting</th><th>N required</th>"
                 f"<th>95 % range</th><th>interpolated</th></tr>{power_rows}</table>")
    parts.append(f"<h2>Most frequent wrong models (N = {d.headline_n}, {d.solution})</h2>")
    if wrong:
        parts.append(f"<img alt='wrong models' src='data:image/png;base64,{wrong}'>")
        parts.append(d.wrong_models.to_html(index=False, float_format=lambda v: f"{v:.3f}"))
    else:
        parts.append("<p>None: every model returned was correct.</p>")
    parts.append(f"<h2>Settings</h2><p>{d.n_reps} replications, {d.seconds:.1f} s of compute, "
                 f"qcasim {__version__}.</p><pre>{html.escape(settings)}</pre>")
    parts.append("<h2>Terminal summary</h2><pre>" + html.escape(text_summary(d)) + "</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(store: Store, experiment: str, path: str | Path) -> tuple[Path, str]:
    """Write the HTML report; return its path and the text summary."""
    d = build_report_data(store, experiment)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_report(d), encoding="utf-8")
    return path, text_summary(d)

