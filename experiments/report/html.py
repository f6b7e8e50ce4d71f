"""The self-contained HTML page of a report: every data-derived text is escaped, every figure an
embedded PNG with a one-sentence caption saying what to read from it."""

from __future__ import annotations

import html
import json
from importlib.resources import files
from typing import Any

import pandas as pd

from ..stats import aggregate
from .data import ReportData, _method_order, comparison_rates, n_methods
from .figures import (
    Png,
    SettingsLayout,
    _comparison_figure,
    _heatmap_figure,
    _plan_figures,
    _rate_figure,
    _wrong_figure,
    settings_layout,
)
from .labels import _ci, _get, _metric, _param, _pct, _phrase, _value, _value_text
from .text import text_summary
from .words import _big_answer, _meta, _power_text, _question, _truth_line, warnings

#: The comparison table's lines per method: (rate name, words). Shares in percent; the last
#: two are mean counts per replication.
_COMPARE_WORDS = (("any_exact", "recovered"), ("false_positive", "false claim"),
                  ("no_model", "none"), ("correct", "first correct"), ("exact", "first exact"),
                  ("share_listed_correct", "listed correct"), ("any_incorrect", "any incorrect"),
                  ("n_listed", "listed (mean)"), ("n_models", "tied (mean)"))
_SHARES = {c for c, _ in _COMPARE_WORDS[:7]}


def _comparison_table(rates: pd.DataFrame, solutions: list[str], d: ReportData) -> str:
    sols = [s for s in solutions if s in set(rates["solution"])]
    head = "".join(f"<th>{_esc(s)}</th>" for s in sols)
    rows = []
    rank = {s: i for i, s in enumerate(d.order)}
    groups = sorted(rates.groupby(["setting", "n_workers"], sort=True),
                    key=lambda t: (rank.get(t[0][0], len(rank)), t[0][1]))
    for (setting, n), g in groups:
        cells = []
        for sol in sols:
            gs = g[g["solution"] == sol].set_index("rate_name")
            parts = []
            for col, short in _COMPARE_WORDS:
                if col in gs.index and int(gs.loc[col, "n"]):
                    v = gs.loc[col, "rate"]
                    shown = _pct(v) if col in _SHARES else ("n/a" if pd.isna(v) else f"{v:.1f}")
                    parts.append(f"{short} {shown}")
            reps = int(gs["n"].max()) if len(gs) else 0
            cells.append(f"<td class='num'>{'<br>'.join(parts)}<br><small>n = {reps}</small></td>")
        rows.append(f"<tr>{_setting_cells(d, setting)}<td class='num'>{int(n)}</td>"
                    f"{''.join(cells)}</tr>")
    return (f"<table class='wrap'><tr>{_setting_heads(d)}<th>{d.unit} (N)</th>{head}</tr>"
            f"{''.join(rows)}</table>")


def method_comparison_html(d: ReportData) -> str:
    """The side-by-side comparison of analysis methods on the same cohorts (HTML section).

    Shown when the outputs of more than one analysis method are stored. Every method analysed
    the same simulated cohorts, so the differences between methods are paired comparisons.
    """
    rates = comparison_rates(d.long, ["setting", "n_workers"])
    null_note = ""
    if "recipe_hazard_ratio" in d.long.columns and (
            pd.to_numeric(d.long["recipe_hazard_ratio"], errors="coerce") == 1.0).any():
        null_note = (" In null cells (recipe hazard ratio 1) there is no true recipe: recovery "
                     "is not defined and every returned model counts as a false claim.")
    parts = [
        "<h2>Methods side by side</h2>",
        "<p>Every method analysed the same simulated cohorts and was scored against the same "
        "truth: <b>recovered</b> = the true recipe is among its tied models; <b>false claim</b> "
        "= one of its tied models is not a submodel of the truth (a false causal claim); "
        f"<b>none</b> = it returned no model; <b>first correct</b> / <b>first exact</b> = its "
        "first-ranked model is a submodel of the truth / is the truth; <b>listed correct</b> = "
        "mean share of its listed models that are correct; <b>any incorrect</b> = some listed "
        "model makes a false claim (the tautology counts as one); <b>listed</b> / <b>tied</b> = "
        f"mean number of models listed / tied.{_esc(null_note)}</p>",
        _figure(
            "Methods compared at N = " + str(d.headline_n),
            f"Recovery, false-claim and no-model rates of each method output at N = "
            f"{d.headline_n} (bars: 95 % Wilson intervals), one group of bars per setting; "
            "read which method finds the recipe without false claims, and which one is silent.",
            _comparison_figure(rates, _method_order(d), d.headline_n, d.order)),
        _comparison_table(rates, _method_order(d), d),
    ]
    return "\n".join(parts)



# ---------------------------------------------------------------------------- HTML

#: The page's style sheet (package data, inlined into the page).
_CSS = files(__package__).joinpath("report.css").read_text(encoding="utf-8")


def _esc(v: Any) -> str:
    return html.escape(str(v))


def _figure(title: str, caption: str, png: Png | str) -> str:
    geo = (f" data-geometry='{_esc(json.dumps(png.geometry))}'" if isinstance(png, Png) else "")
    return (f"<figure><img alt='{_esc(title)}'{geo} src='data:image/png;base64,{png}'>"
            f"<figcaption><b>{_esc(title[:1].upper() + title[1:])}.</b> "
            f"{_esc(caption[:1].upper() + caption[1:])}</figcaption></figure>")


def _each(layout: SettingsLayout, n_settings: int) -> str:
    """How a rate figure lays out the settings, in words."""
    if n_settings <= 1:
        return "one setting"
    if len(layout.facets) <= 1:
        return ("one line per " + layout.hue_title) if layout.hue_title != "setting" else \
            "one line per setting"
    return f"one panel per solution and setting of the other parameters, one line per " \
        f"{layout.hue_title}"


def _setting_heads(d: ReportData) -> str:
    """Header cells naming the settings: one column per parameter that varies."""
    cols = _setting_cols(d)
    if not cols:
        return "<th>setting</th>"
    return "".join(f"<th>{_esc(_param(c) if c != 'overrides' else 'scenario overrides')}</th>"
                   for c in cols)


def _setting_cols(d: ReportData) -> list[str]:
    return [c for c in d.setting_table.columns if not str(c).startswith("_order_")]


def _setting_cells(d: ReportData, setting: str, rowspan: int = 1) -> str:
    """A setting as table cells: its value of each varying parameter ("-" where the parameter
    does not apply to it)."""
    span = f" rowspan='{rowspan}'" if rowspan > 1 else ""
    cols = _setting_cols(d)
    if not cols or setting not in d.setting_table.index:
        return f"<td{span}>{_esc(setting)}</td>"
    out = []
    for c in cols:
        v = str(d.setting_table.at[setting, c])
        v = v.split(" = ", 1)[1] if " = " in v and c != "overrides" else v
        out.append(f"<td{span}>{_esc(v) if v else '&ndash;'}</td>")
    return "".join(out)


def _headline_table(d: ReportData) -> str:
    h = d.headline
    crits = list(dict.fromkeys(h["criterion"])) if len(h) else []
    head = "".join(f"<th>{_esc(_metric(c))}</th>" for c in crits)
    rows = []
    # Columns that would repeat one value in every row go to the caption instead, so that the
    # rates stay in view at 1,280 px.
    one_sol = len(set(h["solution"])) == 1 if len(h) else True
    reps = {int(v) for v in h.groupby(["setting", "solution"])["n"].max()} if len(h) else set()
    one_n = len(reps) == 1
    for setting in [s for s in d.order if s in set(h["setting"])] if len(h) else []:
        sols = [s for s in d.solutions if len(h[(h["solution"] == s) & (h["setting"] == setting)])]
        for k, sol in enumerate(sols):
            g = h[(h["solution"] == sol) & (h["setting"] == setting)]
            cells = []
            for crit in crits:
                r = g[g["criterion"] == crit]
                if r.empty or int(r.iloc[0]["n"]) == 0:
                    cells.append("<td class='num'>n/a</td>")
                    continue
                r = r.iloc[0]
                cells.append(f"<td class='num'><b>{_value(r['rate'], crit)}</b><br>"
                             f"<small>{_ci(r, crit)}</small></td>")
            n = int(g["n"].max())
            first = _setting_cells(d, setting, len(sols)) if k == 0 else ""
            sol_cell = "" if one_sol else f"<td>{sol}</td>"
            n_cell = "" if one_n else f"<td class='num'>{n}</td>"
            rows.append(f"<tr>{first}{sol_cell}{n_cell}{''.join(cells)}</tr>")
    fixed = []
    if one_sol and len(h):
        fixed.append(f"{_esc(str(h['solution'].iloc[0]))} solution")
    if one_n and reps:
        fixed.append(f"{next(iter(reps))} replications per setting")
    heads = ("" if one_sol else "<th>solution</th>") + ("" if one_n else "<th>replications</th>")
    return (f"<table class='headline-table'>{_caption(d, fixed)}<tr>{_setting_heads(d)}{heads}"
            f"{head}</tr>{''.join(rows)}</table>")


def _headline_block(d: ReportData) -> str:
    """The headline table; beyond sixteen settings folded (the answer above summarises it)."""
    if len(d.order) <= 16:
        return _headline_table(d)
    return (f"<details><summary>Every setting at N = {d.headline_n} ({len(d.order)} settings x "
            f"{len(d.solutions)} solutions)</summary>{_headline_table(d)}</details>")


def _caption(d: ReportData, fixed: list[str] | None = None) -> str:
    same = f" ({'; '.join(fixed)})" if fixed else ""
    return (f"<caption>At N = {d.headline_n}: rate <small>[95 % interval]</small> "
            f"over the replications of each setting{same}</caption>")


def _settings_table(d: ReportData) -> str:
    cells = d.definition.get("cells") or []
    grid = d.definition.get("grid", {})
    base = d.definition.get("base", {})
    rows = []
    keys = list(dict.fromkeys(k for p in cells for k in p))
    for k in keys:
        vals = list(dict.fromkeys(json.dumps(p.get(k), sort_keys=True, default=str)
                                  for p in cells))
        texts = [_value_text(json.loads(v)) for v in vals]
        scalar = all(not isinstance(json.loads(v), list | dict) for v in vals)
        shown = (", " if scalar else " | ").join(texts)
        source = "grid" if k in grid else ("declared" if k in base else "default")
        rows.append(f"<tr><td>{_esc(_param(k))}</td><td><code>{_esc(k)}</code></td>"
                    f"<td>{_esc(shown)}</td><td>{source}</td></tr>")
    return ("<table class='wrap'><tr><th>setting</th><th>parameter</th><th>value(s)</th>"
            "<th>from</th></tr>" + "".join(rows) + "</table>")


def _ceiling_html(d: ReportData) -> str:
    """The population-ceiling section: why QCA fails or succeeds at large N (the window as an
    interval estimate), what binds at the headline N, and what fixes it."""
    c = d.ceiling
    t = c.table
    rows = "".join(
        f"<tr><td>{_esc(name)}</td><td class='num'>{r['lowest_recipe']:.3f}</td>"
        f"<td class='num'>{r['highest_other']:.3f}</td><td>"
        + (f"({r['window_low']:.2f}, {r['window_high']:.2f}]" if r["recoverable"] else "empty")
        + "</td></tr>" for name, r in t.iterrows())
    setting = ", ".join(f"{k} = {v}" for k, v in c.params.items()
                        if k in ("scenario", "cal_type", "incl_cut", "pri_cut", "reliability",
                                 "recipe_hazard_ratio", "conditions") and v is not None)
    iv = getattr(c, "interval", None)
    interval = (f"<p class='note'>As an interval estimate (as simulated): {_esc(iv)}.</p>"
                if iv is not None and not c.recoverable() else "")
    return ("<h2>Why: the population ceiling</h2>"
            f"<p>{_esc(c.cause())}</p>"
            f"<p class='note'>Population consistency of the recipe's rows and of the other rows in "
            f"{c.n_population:,} simulated {d.unit} of the reference cell ({_esc(setting)}): QCA "
            "can recover the recipe at large N only with a consistency cut-off inside the window; "
            "the counterfactual rows show which noise closes it (qcasim ceiling).</p>"
            "<table><tr><th>data</th><th>lowest recipe row</th><th>highest other row</th>"
            f"<th>separating cut-offs</th></tr>{rows}</table>{interval}{_binding_html(d)}")


def _binding_html(d: ReportData) -> str:
    """What binds at the headline N (:meth:`experiments.ceiling.CeilingResult.binding`)."""
    try:
        b = d.ceiling.binding(d.headline_n)
    except (AttributeError, ValueError):  # a ceiling computed without its population
        return ""
    mis = "".join(f"<tr><td>{_esc(k)}</td><td class='num'>{100 * v:.1f} %</td></tr>"
                  for k, v in b.misclassified.items())
    rec = b.recipe_rows
    exp = (f"{rec['expected'].min():.2g} to {rec['expected'].max():.2g}" if len(rec) else "n/a")
    return (f"<h3>What binds at N = {d.headline_n:,}</h3>"
            f"<p class='note'>From the same population: the share of {d.unit} each condition "
            "misclassifies (calibrated against true membership), the share in their true "
            "truth-table row, and how many cases the recipe's true rows can expect.</p>"
            "<table><tr><th>condition</th><th>misclassified</th></tr>" + mis + "</table>"
            "<table><tr><th>at N = " + f"{d.headline_n:,}" + "</th><th></th></tr>"
            f"<tr><td>{_esc(d.unit)} in their true row</td><td class='num'>"
            f"{100 * b.in_true_row:.0f} %</td></tr>"
            f"<tr><td>true recipe rows</td><td class='num'>{len(rec)}</td></tr>"
            f"<tr><td>expected {_esc(d.unit)} per true recipe row</td><td class='num'>{exp}</td>"
            "</tr><tr><td>every true recipe row observed at least once</td><td class='num'>"
            f"{100 * b.p_all_recipe_rows_seen:.0f} %</td></tr>"
            "<tr><td>true rows expected to hold less than one case</td><td class='num'>"
            f"{100 * b.rows_expected_below_1:.0f} %</td></tr></table>")


def _plan_html(d: ReportData) -> str:
    """The study plan's section: its answer, Pareto figure, runner-ups, verification and
    fragility (the planner's own HTML fragment, figures drawn by :mod:`experiments.plan`)."""
    p = d.plan
    pareto, tornado = _plan_figures(p)
    body = p.to_html().replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    parts = ["<h2 id='plan'>Study plan: what design would recover the recipe</h2>",
             "<p class='note'>From the study planner (qcasim plan): the cheapest design of its "
             "search space meeting the target, screened by the truth-table surrogate, "
             "verified by full simulation and stressed over the scenario's plausible ranges. "
             "It answers a different question from the results above: not how this grid's "
             "designs did, but which design to choose.</p>", body,
             _figure("Cost against recovery (study plan)",
                     "Every design on the planner's Pareto front by its cost and its recovery "
                     "rate, with the target (dashed) and the recommendation (its simulated 95 % "
                     "interval in black); read how much recovery each extra unit of cost buys.",
                     pareto)]
    if tornado is not None:
        parts.append(_figure(
            "Fragility of the recommended design",
            "Recovery of the recommended design with each illustrative value of the scenario at "
            "the low and the high end of its plausible range (the black line: at the "
            "scenario's values; dashed: the target); read which value, if wrong, breaks the "
            "plan.", tornado))
    return "\n".join(parts)


def html_report(d: ReportData) -> str:
    """The self-contained HTML page."""
    exp = d.definition.get("experiment", {})
    desc = exp.get("description", "")
    crit_label = _metric(d.criterion)
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>qcasim report: {_esc(d.experiment)}</title><style>{_CSS}</style></head>"
             f"<body><h1>{_esc(d.experiment)}</h1>"]
    if desc:
        parts.append(f"<p class='desc'>{_esc(desc)}</p>")
    parts.append("<table>" + "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>"
                                     for k, v in _meta(d)) + "</table>")
    notes = warnings(d)
    if notes:
        parts.append("<div class='warn'><b>Read before the results:</b><ul>"
                     + "".join(f"<li>{_esc(n)}</li>" for n in notes) + "</ul></div>")
    note = ""
    if "error_free" in set(d.headline.get("criterion", [])) and d.n_no_model:
        note = ("<p class='note'>Error-free counts replications that returned <b>no model</b> "
                f"(no truth-table row passed the cut-offs) as free of errors: {d.n_no_model} of "
                f"the {d.solution} replications at N = {d.headline_n} returned no model "
                f"(column '{_esc(_metric('no_model'))}').</p>")
    plan = ("" if d.plan is None else
            f"<p class='plan'><b>Study plan</b> (what design would recover it): "
            f"{_esc(d.plan.sentence())} <a href='#plan'>Details</a></p>")
    parts.append(f"<div class='headline'><p><b>{_esc(_question(d))}</b></p>"
                 f"<p class='answer'>{_esc(_big_answer(d))}</p>{plan}"
                 f"<p>{_esc(_truth_line(d))}</p>{_headline_block(d)}{note}</div>")
    n_settings = d.long["setting"].nunique()
    layout = settings_layout(d.setting_table)
    each = _each(layout, n_settings) + ", bars: 95 % Wilson intervals"
    if d.ceiling is not None:
        parts.append(_ceiling_html(d))
    elif d.ceiling_note:
        parts.append(f"<h2>Why: the population ceiling</h2><p class='note'>Not shown: "
                     f"{_esc(d.ceiling_note)}.</p>")
    parts.append("<h2>Results by sample size</h2>")
    parts.append(_figure(
        f"{crit_label} vs N",
        f"Share of replications whose solution would {_phrase(d.criterion)}, by number of "
        f"{d.unit} ({each}); read whether and where it rises with N." if _get(d.criterion).is_share
        else f"Mean {_get(d.criterion).label} by number of {d.unit} ({each}); read whether and "
        "where it changes with N.",
        _rate_figure(d.curves, crit_label, d.solutions, unit=d.unit, layout=layout,
                     share=_get(d.criterion).is_share)))
    numeric = [c for c in d.settings if pd.api.types.is_numeric_dtype(d.long[c])
               and d.long[c].nunique() >= 3]
    if len(d.settings) == 1 and numeric:
        parts.append(_figure(
            f"{crit_label}: N x {_param(numeric[0])}",
            f"{crit_label} of the {d.solution} solution for every combination of {d.unit} and "
            f"{_param(numeric[0])} (darker = lower); read how the two interact.",
            _heatmap_figure(d.long, d.criterion, d.solution, numeric[0], d.unit)))
    if not d.null:
        for crit in ("any_exact", "recall"):
            if crit == d.criterion or crit not in d.long.columns:
                continue
            agg = aggregate(d.long, ["solution", "setting", "n_workers"], crit)
            bars = "normal 95 % intervals of the mean" if crit == "recall" else \
                "95 % Wilson intervals"
            parts.append(_figure(
                f"{_metric(crit)} vs N",
                f"{_metric(crit).capitalize()} by number of {d.unit} (bars: {bars}); read how "
                "far the solutions are from the true recipe.",
                _rate_figure(agg, _metric(crit), d.solutions, unit=d.unit, layout=layout,
                             share=_get(crit).is_share)))
    agg = aggregate(d.long, ["solution", "setting", "n_workers"], "no_model")
    if d.null:
        read = "here the correct answer, since the outcome is independent of the conditions"
    else:
        read = "a high share means the cut-offs, not the recipe, decide what QCA reports"
    parts.append(_figure(
        "No model returned vs N",
        "Share of replications in which no truth-table row passed the cut-offs, so QCA returned "
        f"no model at all ({each}); {read}.",
        _rate_figure(agg, _metric("no_model"), d.solutions, unit=d.unit, layout=layout)))
    if n_methods(d.solutions) > 1:
        parts.append(method_comparison_html(d))
    power_rows = "".join(f"<tr>{_setting_cells(d, s)}<td>{_esc(_power_text(p, d))}</td></tr>"
                         for s, p in d.power.items())
    parts.append(f"<h2>Sample size: smallest N with {_esc(_get(d.criterion).label)} &ge; "
                 f"{d.target:g} "
                 f"({d.solution} solution)</h2>")
    sub = d.curves[d.curves["solution"] == d.solution]
    parts.append(_figure(
        "Power curve",
        f"{crit_label} of the {d.solution} solution by number of {d.unit} with the target "
        f"{d.target:g} (dashed); the N required is where the monotone fit of the rate curve "
        "(logistic in log N with a ceiling) reaches the line.",
        _rate_figure(sub, crit_label, [d.solution], d.target, unit=d.unit, layout=layout,
                     share=_get(d.criterion).is_share)))
    parts.append(f"<table><tr>{_setting_heads(d)}<th>sample size (monotone fit, 95 % bootstrap "
                 f"interval)</th></tr>{power_rows}</table>")
    kind = "Models returned (all false positives)" if d.null else "Most frequent wrong models"
    parts.append(f"<h2>{kind} at N = {d.headline_n} ({d.solution} solution)</h2>")
    wrong = _wrong_figure(d)
    pooled = (f"all {n_settings} settings pooled; " if n_settings > 1 else "")
    if wrong:
        parts.append(_figure(
            kind, f"How often each model was returned ({pooled}{d.n_returned} models returned, "
            f"{d.n_no_model} replications returned no model); read which false claims recur.",
            wrong))
        parts.append(d.wrong_models.to_html(index=False, classes="wrap", border=0,
                                              float_format=lambda v: f"{v:.3f}"))
    elif len(d.wrong_models):
        parts.append(f"<p>No model recurs: each of these was returned once ({pooled}"
                     f"{d.n_returned} models returned, {d.n_no_model} replications returned "
                     "no model).</p>")
        parts.append(d.wrong_models.to_html(index=False, classes="wrap", border=0,
                                              float_format=lambda v: f"{v:.3f}"))
    elif d.n_returned:
        parts.append("<p>None: every model returned was correct.</p>")
    else:
        parts.append(f"<p>No model was returned at N = {d.headline_n}.</p>")
    if d.plan is not None:
        parts.append(_plan_html(d))
    parts.append(f"<h2>Settings</h2>{_settings_table(d)}")
    parts.append("<h2>Terminal summary</h2><pre>" + _esc(text_summary(d)) + "</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


