"""The report of a recovery experiment: a self-contained HTML page and a terminal summary.

Everything the page says comes from the experiment's own declaration (description, ``[report]``
criterion, solution, headline N and target, grid) and from its stored replications (through
:meth:`experiments.store.Store.frame`, i.e. exactly the replications of the current definition;
:meth:`~experiments.store.Store.coverage` says which). A null study (recipe hazard ratio 1: the
outcome is independent of the conditions) has no true recipe, so the page says so and reads
every returned model as a false positive.

Figures are matplotlib PNGs at 160 dpi embedded in base64 (one file to hand on), with human
labels, a legend on every panel, the Okabe-Ito colour-blind-safe palette, dodged 95 % interval
bars instead of overlapping bands, a heatmap when the grid has a second numeric axis, and a
one-sentence caption saying what to read from each.

References
----------
Okabe, M., & Ito, K. (2008). Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError
from .metrics import Metric, get_metric
from .power import PowerResult, power_from_curve
from .stats import aggregate, long_scores, varying_columns
from .store import Coverage, Store

__all__ = ["ReportData", "build_report_data", "text_summary", "html_report", "write_report",
           "QUESTIONS", "PARAM_LABELS", "comparison_rates", "method_comparison_html", "n_methods"]

#: How the headline question reads for the built-in metrics: "how often does the <output>
#: solution ...?" (a metric registered elsewhere reads "... score on '<its label>'?").
QUESTIONS: dict[str, str] = {
    "any_correct": "contain a correct model (one making no false causal claim)",
    "all_correct": "have every tied model correct",
    "correct": "return a correct first model",
    "error_free": "make no false causal claim (return no model, or only correct ones)",
    "exact": "return the true recipe as its first model",
    "any_exact": "recover the true recipe exactly (among its tied models)",
    "equivalent": "return a model logically equivalent to the true recipe",
    "completeness": "reach a high completeness (mean)",
    "precision": "return true paths only (mean share of its terms)",
    "recall": "find the true paths (mean share found)",
    "case_agreement": "agree with the true case membership (mean)",
    "no_model": "return no model at all",
}

#: Human labels of replication parameters.
PARAM_LABELS: dict[str, str] = {
    "scenario": "scenario", "n_workers": "sample size (N)", "reliability": "reliability",
    "recipe_hazard_ratio": "recipe hazard ratio", "overrides": "scenario overrides",
    "calibration": "calibration anchors", "cal_type": "calibration type",
    "percentiles": "percentile anchors", "n_conditions": "conditions analysed (first k)",
    "conditions": "conditions analysed", "incl_cut": "inclusion cut-off",
    "n_cut": "frequency cut-off", "pri_cut": "PRI cut-off", "solutions": "solution types",
    "dir_exp": "directional expectations", "max_models": "tied models kept (max)",
    "engine": "simulation engine",
}

#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_DPI = 160


def _get(name: str) -> Metric:
    return get_metric(name)


def _metric(name: str) -> str:
    """Axis label of a metric, from the registry: "share: ..." for a binary metric."""
    m = _get(name)
    return f"share: {m.label}" if m.kind == "binary" else m.label


def _phrase(name: str) -> str:
    return QUESTIONS.get(name, f"score on '{_get(name).label}'")


def _param(name: str) -> str:
    return PARAM_LABELS.get(name, name.replace("_", " "))


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
    power: dict[str, PowerResult]
    wrong_models: pd.DataFrame
    n_returned: int
    n_no_model: int
    coverage: Coverage
    seconds: float
    truth: str
    null: bool
    versions: list[str]
    written: tuple[float, float]
    solutions: list[str]
    ceiling: Any = None
    unit: str = "cases"

    @property
    def n_reps(self) -> int:
        """Replications covered (failed ones included)."""
        return self.coverage.n_stored


def _setting_label(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    if not cols:
        return pd.Series(["all cells"] * len(frame), index=frame.index)
    return frame[cols].astype(str).apply(
        lambda r: ", ".join(f"{_param(c)} = {v}" for c, v in zip(cols, r)), axis=1)


def _truth(definition: dict[str, Any]) -> tuple[str, bool]:
    """The true recipe of the experiment's cells (as text) and whether it is a null study (the
    recipe's hazard ratio is 1 in every cell: the outcome ignores the conditions)."""
    from qca import QcasimError

    from .pipeline import cell_setup

    cells = definition.get("cells") or [definition.get("base", {})]
    recipes, nulls = set(), []
    for params in cells:
        try:
            gen, spec = cell_setup(params)
        except QcasimError:  # e.g. a scenario file moved since the run: say what is known
            recipes.add(f"(scenario {params.get('scenario')!r} no longer loadable)")
            nulls.append(False)
            continue
        hazard = getattr(getattr(gen, "scenario", None), "hazard", None)
        nulls.append(hazard is not None and float(hazard.recipe_hazard_ratio) == 1.0)
        recipes.add(str(spec.truth))
    return " | ".join(sorted(recipes)), bool(nulls) and all(nulls)


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
    coverage = store.coverage(experiment)
    if frame.empty:
        raise InputError(f"experiment {experiment!r} has no stored replications yet")
    rep = definition.get("report", {})
    criterion = rep.get("criterion", "any_correct")
    from .methods import output_names

    solutions = [s for s in output_names() if any(c.startswith(f"{s}.") for c in frame.columns)]
    solution = rep.get("solution", "parsimonious")
    if solution not in solutions and solutions:
        solution = solutions[0]
    target = float(rep.get("target", 0.8))
    long = long_scores(frame)
    settings = varying_columns(frame, exclude=("n_workers",))
    long["setting"] = _setting_label(long, settings)
    ns = sorted(int(n) for n in long["n_workers"].unique())
    want = int(rep.get("headline_n", 65))
    headline_n = int(min(ns, key=lambda n: (abs(n - want), n)))
    truth, null = _truth(definition)
    curves = aggregate(long, ["solution", "setting", "n_workers"], criterion)
    at_n = long[long["n_workers"] == headline_n]
    parts = []
    for crit in dict.fromkeys((criterion, "any_exact", "error_free", "no_model", "recall")):
        if null and crit in ("any_exact", "recall"):
            continue
        if crit in at_n.columns:
            a = aggregate(at_n, ["solution", "setting"], crit)
            a.insert(2, "criterion", crit)
            parts.append(a)
    headline = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    power = {}
    for setting, g in curves[curves["solution"] == solution].groupby("setting"):
        power[str(setting)] = power_from_curve(g[["n_workers", "n", "rate", "low", "high"]],
                                               target)
    sel = at_n[at_n["solution"] == solution]
    returned = sel[sel["status"] == "ok"]
    wrong = returned if null else returned[~returned["correct"].astype(bool)]
    counts = wrong["model"].value_counts().head(10)
    wrong_models = counts.rename_axis("model").reset_index(name="count")
    if len(returned):
        wrong_models["share of returned models"] = wrong_models["count"] / len(returned)
    first, last = store.written_range(experiment)
    return ReportData(
        experiment, definition, long, settings, headline_n, criterion, solution, target,
        headline, curves, power, wrong_models, int(len(returned)),
        int((sel["status"] == "no_model").sum()), coverage, float(frame["elapsed"].sum()),
        truth, null, sorted(frame["version"].astype(str).unique()), (first, last), solutions,
        None if null else _reference_ceiling(definition, headline_n), _case_noun(frame))


def _case_noun(frame: pd.DataFrame) -> str:
    """What one case is, from the scenarios' generators ("workers" for a programme, "cases" for
    a Boolean structure); "cases" when the experiment mixes them or one no longer loads."""
    from qca import QcasimError
    from sim.generators import make_generator

    nouns = set()
    for scenario in frame["scenario"].astype(str).unique() if "scenario" in frame else ["kbop"]:
        try:
            nouns.add(getattr(make_generator(scenario), "case_noun", "cases"))
        except QcasimError:
            nouns.add("cases")
    return nouns.pop() if len(nouns) == 1 else "cases"


def _reference_ceiling(definition: dict[str, Any], headline_n: int) -> Any:
    """The population ceiling of the experiment's reference cell: the first cell at the
    headline N whose recipe has an effect and whose parameters match ``[report] reference``
    (None when it cannot be computed, e.g. a stored definition that no longer loads)."""
    from qca import QcasimError

    from .ceiling import population_ceiling
    from .design import experiment_from_dict

    try:
        raw = {k: v for k, v in definition.items()
               if k in ("experiment", "base", "grid", "report", "limited_diversity")}
        exp = experiment_from_dict(raw, str(definition.get("source", "<stored>")))
        ref = dict(definition.get("report", {}).get("reference", {}) or {})
        cells = [c for c in exp.cells() if c.params["n_workers"] == headline_n
                 and c.params.get("recipe_hazard_ratio") != 1.0
                 and all(c.params.get(k) == v for k, v in ref.items())] or exp.cells()
        return population_ceiling(cells[0].params, n_population=50_000)
    except QcasimError:
        return None


# ---------------------------------------------------------------------------- words


def _pct(v: float) -> str:
    return "n/a" if pd.isna(v) else f"{100 * v:.0f} %"


def _value(v: float, criterion: str) -> str:
    """An aggregated value of ``criterion`` as its metric displays it (a count is no percentage)."""
    return "n/a" if pd.isna(v) else _get(criterion).format(float(v))


def _ci(r: pd.Series, criterion: str = "any_correct") -> str:
    """``[low-high]``: in percent for a share, as numbers for a count."""
    if pd.isna(r["low"]):
        return ""
    if _get(criterion).is_share:
        return f"[{100 * r['low']:.0f}-{100 * r['high']:.0f}]"
    return f"[{r['low']:.2g}-{r['high']:.2g}]"


def _question(d: ReportData) -> str:
    if not _get(d.criterion).is_share:
        return (f"With {d.headline_n} {d.unit}, what is the mean {_get(d.criterion).label} of the "
                f"{d.solution} solution?")
    what = _phrase(d.criterion)
    if d.null and d.criterion == "error_free":
        what = "correctly return no model (the outcome is independent of the conditions)"
    return f"With {d.headline_n} {d.unit}, how often does the {d.solution} solution {what}?"


def _truth_line(d: ReportData) -> str:
    if d.null:
        return ("No true recipe: the recipe hazard ratio is 1, so the outcome is independent of "
                "every condition and any model QCA returns is a false positive.")
    return f"True recipe: {d.truth}"


def _headline_rows(d: ReportData) -> pd.DataFrame:
    h = d.headline
    return h[(h["solution"] == d.solution) & (h["criterion"] == d.criterion)] if len(h) else h


def _big_answer(d: ReportData) -> str:
    rows = _headline_rows(d)
    rows = rows[rows["n"] > 0] if len(rows) else rows
    if rows.empty:
        return (f"No {d.solution} solution could be scored at N = {d.headline_n} "
                "(every replication failed).")
    crit = d.criterion
    share = _get(crit).is_share
    pct = " %" if share else ""
    of = "of" if share else "(mean) over"
    if len(rows) == 1:
        r = rows.iloc[0]
        return (f"{_value(r['rate'], crit)} {of} {int(r['n'])} replications (95 % CI "
                f"{_ci(r, crit).strip('[]')}{pct}).")
    nmin, nmax = int(rows["n"].min()), int(rows["n"].max())
    each = f"{nmin} replications each" if nmin == nmax else f"{nmin}-{nmax} replications each"
    lo, hi = rows.loc[rows["rate"].idxmin()], rows.loc[rows["rate"].idxmax()]
    if _value(lo["rate"], crit) == _value(hi["rate"], crit):
        return (f"{_value(lo['rate'], crit)} in every one of the {len(rows)} settings ({each}; "
                f"95 % CI at most {_ci(rows.loc[rows['high'].idxmax()], crit).strip('[]')}{pct}).")
    return (f"From {_value(lo['rate'], crit)} ({lo['setting']}) to {_value(hi['rate'], crit)} "
            f"({hi['setting']}) across the {len(rows)} settings ({each}).")


def _power_text(p: PowerResult, d: ReportData) -> str:
    m = _get(d.criterion)
    if not m.is_share:  # a rate target ("80 %") means nothing for a count
        return (f"not planned: the target is a share and {m.name} is a count (mean "
                f"{m.label}); choose a binary or fraction criterion to plan the sample size")
    return p.verdict(m.label)


def _when(ts: float) -> str:
    return _dt.datetime.fromtimestamp(ts, _dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _meta(d: ReportData) -> list[tuple[str, str]]:
    from . import __version__

    exp = d.definition.get("experiment", {})
    cov = d.coverage
    reps = (f"{cov.n_stored:,} ({cov.n_cells} cells x {cov.replications} replications)")
    if cov.n_missing:
        reps += f"; {cov.n_missing:,} not run yet"
    if cov.n_outside:
        reps += f"; {cov.n_outside:,} further stored replications outside this definition"
    errors = "none"
    if cov.n_failed:
        errors = f"{cov.n_failed:,} replications failed (first: {cov.first_error})"
    sol_err = d.long["status"].astype(str).str.startswith("error")
    if "error" in d.long.columns:  # failed replications are counted above
        sol_err &= d.long["error"].fillna("").astype(str) == ""
    if int(sol_err.sum()):
        errors += f"; {int(sol_err.sum()):,} solution computations ended in an error"
    return [
        ("report written", _when(_dt.datetime.now(_dt.UTC).timestamp())),
        ("results computed", f"{_when(d.written[0])} to {_when(d.written[1])}"),
        ("qcasim", f"{__version__} (results by {', '.join(d.versions)})"),
        ("seed", str(exp.get("seed", ""))),
        ("replications", reps),
        ("errors", errors),
        ("compute time", f"{d.seconds:,.1f} s (sum over replications)"),
    ]


def text_summary(d: ReportData) -> str:
    """Plain-text summary for the terminal."""
    desc = d.definition.get("experiment", {}).get("description", "")
    lines = [f"Experiment {d.experiment}" + (f": {desc}" if desc else "")]
    lines += [f"  {k}: {v}" for k, v in _meta(d) if k != "report written"]
    lines += [_truth_line(d), "", _question(d), "  " + _big_answer(d)]
    if d.ceiling is not None:
        lines += ["", "Why (population ceiling of the reference cell): " + d.ceiling.cause()]
    h = d.headline
    crits = list(dict.fromkeys(h["criterion"])) if len(h) else []
    for setting in sorted(h["setting"].unique()) if len(h) else []:
        if d.settings:
            lines.append(f"  [{setting}]")
        for sol in d.solutions:
            g = h[(h["solution"] == sol) & (h["setting"] == setting)]
            if g.empty or g["n"].sum() == 0:
                continue
            cells = []
            for crit in crits:
                r = g[g["criterion"] == crit]
                if len(r):
                    r = r.iloc[0]
                    cells.append(f"{crit} {_value(r['rate'], crit)} {_ci(r, crit)}")
            lines.append(f"    {sol:<13} " + "   ".join(cells))
    lines.append("")
    for setting, p in d.power.items():
        head = f"[{setting}] " if d.settings else ""
        lines.append(f"{head}{d.criterion} ({d.solution}) >= {d.target:g}: "
                     f"{_power_text(p, d)}")
    if len(d.wrong_models):
        kind = "models returned" if d.null else f"wrong {d.solution} models"
        lines += ["", f"Most frequent {kind} at N = {d.headline_n} (all settings pooled; "
                      f"{d.n_no_model} replications returned no model):"]
        for _, r in d.wrong_models.head(5).iterrows():
            lines.append(f"  {r['count']:5d}  {r['model']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- figures


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _style() -> dict[Any, Any]:  # Any keys: matplotlib's stubs want its rc-key literals
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


# ---------------------------------------------------------------------------- methods

#: The three rates of the method comparison: (column, metric whose label and interval apply).
_COMPARE = (("any_exact", "any_exact"), ("false_positive", "error_free"),
            ("no_model", "no_model"))


def n_methods(solutions: list[str]) -> int:
    """The number of distinct analysis methods whose outputs are in ``solutions``."""
    from .methods import method_of_output

    return len({method_of_output(s).name for s in solutions})


def _compare_label(col: str) -> str:
    if col == "false_positive":
        return "share: false causal claim (a tied model that is not a submodel of the truth)"
    return _metric(col)


def comparison_rates(long: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per method output and group: recovery, false-claim and no-model rates with 95 % Wilson
    intervals, in long form: columns ``by + ["solution", "rate_name", "n", "rate", "low",
    "high"]``, ``rate_name`` one of ``any_exact``, ``false_positive``, ``no_model``.

    Recovery is the metric ``any_exact`` (the true recipe among the tied models). A false
    positive is a returned model list making a false causal claim (``not error_free``: some
    tied model is not a submodel of the truth; Baumgartner & Thiem 2020's correctness); in a
    null cell (recipe hazard ratio 1: there is no true recipe) every returned model is one
    (``not no_model``) and recovery is undefined (left out). Replications whose output failed
    to compute are left out.
    """
    data = long.copy()
    null = pd.Series(False, index=data.index)
    if "recipe_hazard_ratio" in data.columns:
        null = pd.to_numeric(data["recipe_hazard_ratio"], errors="coerce") == 1.0
    fp = ~data["error_free"].astype("boolean").fillna(True)
    fp_null = ~data["no_model"].astype("boolean").fillna(True)
    data["false_positive"] = np.where(null, fp_null, fp).astype(float)
    errors = data["status"].astype(str).str.startswith("error")
    data = data[~errors]
    rows = []
    for key, g in data.groupby([*by, "solution"], sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        for col, metric_name in _COMPARE:
            vals = pd.to_numeric(g[col], errors="coerce").astype(float).to_numpy()
            if col == "any_exact":
                vals = np.where(null.loc[g.index].to_numpy(), np.nan, vals)
            rate, lo, hi = _get(metric_name).interval(vals)
            rows.append({**dict(zip([*by, "solution"], key)), "rate_name": col,
                         "n": int(np.isfinite(vals).sum()), "rate": rate, "low": lo, "high": hi})
    return pd.DataFrame(rows)


def _short_setting(setting: str) -> str:
    """A setting label without the parameters that do not apply to it (``= nan``, ``= {}``)."""
    kept = [p for p in str(setting).split(", ")
            if not (p.endswith(" = nan") or p.endswith(" = {}") or p.endswith(" = None"))]
    return ", ".join(kept) if kept else str(setting)


def _method_order(d: ReportData) -> list[str]:
    """The outputs in the order the experiment requested them (then any others)."""
    wanted = d.definition.get("base", {}).get("solutions") or []
    return [s for s in wanted if s in d.solutions] + [s for s in d.solutions if s not in wanted]


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


def _comparison_table(rates: pd.DataFrame, solutions: list[str], unit: str = "cases") -> str:
    sols = [s for s in solutions if s in set(rates["solution"])]
    head = "".join(f"<th>{_esc(s)}</th>" for s in sols)
    rows = []
    for (setting, n), g in rates.groupby(["setting", "n_workers"], sort=True):
        cells = []
        for sol in sols:
            gs = g[g["solution"] == sol].set_index("rate_name")
            parts = []
            for col, short in (("any_exact", "recovered"), ("false_positive", "false claim"),
                               ("no_model", "none")):
                if col in gs.index and int(gs.loc[col, "n"]):
                    parts.append(f"{short} {_pct(gs.loc[col, 'rate'])}")
            reps = int(gs["n"].max()) if len(gs) else 0
            cells.append(f"<td class='num'>{'<br>'.join(parts)}<br><small>n = {reps}</small></td>")
        rows.append(f"<tr><td>{_esc(_short_setting(setting))}</td><td class='num'>{int(n)}</td>"
                    f"{''.join(cells)}</tr>")
    return (f"<table class='wrap'><tr><th>setting</th><th>{unit} (N)</th>{head}</tr>"
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
        f"<b>none</b> = it returned no model.{_esc(null_note)}</p>",
        _figure(
            "Methods compared at N = " + str(d.headline_n),
            f"Recovery, false-claim and no-model rates of each method output at N = "
            f"{d.headline_n} (bars: 95 % Wilson intervals), one group of bars per setting; "
            "read which method finds the recipe without false claims, and which one is silent.",
            _comparison_figure(rates, _method_order(d), d.headline_n)),
        _comparison_table(rates, _method_order(d), d.unit),
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:1.5em auto;
padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.55em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.8em;
border-bottom:1px solid #ddd;padding-bottom:.2em}
.desc{font-size:1.05em;color:#333;margin-top:0}
.headline{background:#f3f6fb;border-left:5px solid #0072B2;padding:.8em 1.2em}
.answer{font-size:1.35em;font-weight:600;color:#0b4f7c;margin:.3em 0}
table{border-collapse:collapse;font-size:.92em;margin:.6em 0;max-width:100%}
td,th{border:1px solid #d6d6d6;padding:4px 9px;text-align:left;vertical-align:top;
overflow-wrap:break-word} th{background:#f4f4f4} table.wrap td{overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
td.num{text-align:right;white-space:nowrap} small{color:#555}
figure{margin:1em 0} figure img{max-width:100%;height:auto} figcaption{font-size:.92em;
color:#333;margin-top:.3em} code{font-size:.95em;background:#f4f4f4;padding:0 .25em}
.note{font-size:.9em;color:#444}
"""


def _esc(v: Any) -> str:
    return html.escape(str(v))


def _figure(title: str, caption: str, png: str) -> str:
    return (f"<figure><img alt='{_esc(title)}' src='data:image/png;base64,{png}'>"
            f"<figcaption><b>{_esc(title[:1].upper() + title[1:])}.</b> "
            f"{_esc(caption[:1].upper() + caption[1:])}</figcaption></figure>")


def _headline_table(d: ReportData) -> str:
    h = d.headline
    crits = list(dict.fromkeys(h["criterion"])) if len(h) else []
    head = "".join(f"<th>{_esc(_metric(c))}</th>" for c in crits)
    rows = []
    for setting in sorted(h["setting"].unique()) if len(h) else []:
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
                cells.append(f"<td class='num'><b>{_value(r['rate'], crit)}</b> "
                             f"<small>{_ci(r, crit)}</small></td>")
            n = int(g["n"].max())
            first = f"<td rowspan='{len(sols)}'>{_esc(setting)}</td>" if k == 0 else ""
            rows.append(f"<tr>{first}<td>{sol}</td><td class='num'>{n}</td>"
                        f"{''.join(cells)}</tr>")
    return (f"<table><tr><th>setting</th><th>solution</th><th>replications</th>{head}</tr>"
            f"{''.join(rows)}</table>")


def _value_text(v: Any) -> str:
    """A parameter value in words: None -> "not set", lists joined, mappings as k = v."""
    if v is None:
        return "not set"
    if isinstance(v, dict):
        return "; ".join(f"{k} = {x}" for k, x in v.items()) or "none"
    if isinstance(v, list | tuple):
        return ", ".join(_value_text(x) for x in v) or "none"
    return str(v)


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


def _ceiling_html(c: Any) -> str:
    """The population-ceiling section: why QCA fails or succeeds at large N, and what fixes it."""
    t = c.table
    rows = "".join(
        f"<tr><td>{_esc(name)}</td><td class='num'>{r['lowest_recipe']:.3f}</td>"
        f"<td class='num'>{r['highest_other']:.3f}</td><td>"
        + (f"({r['window_low']:.2f}, {r['window_high']:.2f}]" if r["recoverable"] else "empty")
        + "</td></tr>" for name, r in t.iterrows())
    setting = ", ".join(f"{k} = {v}" for k, v in c.params.items()
                        if k in ("scenario", "cal_type", "incl_cut", "pri_cut", "reliability",
                                 "recipe_hazard_ratio", "conditions") and v is not None)
    return ("<h2>Why: the population ceiling</h2>"
            f"<p>{_esc(c.cause())}</p>"
            f"<p class='note'>Population consistency of the recipe's rows and of the other rows in "
            f"{c.n_population:,} simulated cases of the reference cell ({_esc(setting)}): QCA can "
            "recover the recipe at large N only with a consistency cut-off inside the window; "
            "the counterfactual rows show which noise closes it (qcasim ceiling).</p>"
            "<table><tr><th>data</th><th>lowest recipe row</th><th>highest other row</th>"
            f"<th>separating cut-offs</th></tr>{rows}</table>")


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
    note = ""
    if "error_free" in set(d.headline.get("criterion", [])) and d.n_no_model:
        note = ("<p class='note'>Error-free counts replications that returned <b>no model</b> "
                f"(no truth-table row passed the cut-offs) as free of errors: {d.n_no_model} of "
                f"the {d.solution} replications at N = {d.headline_n} returned no model "
                f"(column '{_esc(_metric('no_model'))}').</p>")
    parts.append(f"<div class='headline'><p><b>{_esc(_question(d))}</b></p>"
                 f"<p class='answer'>{_esc(_big_answer(d))}</p>"
                 f"<p>{_esc(_truth_line(d))}</p>{_headline_table(d)}{note}</div>")
    n_settings = d.long["setting"].nunique()
    each = ("one line per setting" if n_settings > 1 else "one setting") + \
        ", bars: 95 % Wilson intervals"
    if d.ceiling is not None:
        parts.append(_ceiling_html(d.ceiling))
    parts.append("<h2>Results by sample size</h2>")
    parts.append(_figure(
        f"{crit_label} vs N",
        f"Share of replications whose solution would {_phrase(d.criterion)}, by number of "
        f"{d.unit} ({each}); read whether and where it rises with N." if _get(d.criterion).is_share
        else f"Mean {_get(d.criterion).label} by number of {d.unit} ({each}); read whether and "
        "where it changes with N.",
        _rate_figure(d.curves, crit_label, d.solutions, unit=d.unit)))
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
                _rate_figure(agg, _metric(crit), d.solutions, unit=d.unit)))
    agg = aggregate(d.long, ["solution", "setting", "n_workers"], "no_model")
    if d.null:
        read = "here the correct answer, since the outcome is independent of the conditions"
    else:
        read = "a high share means the cut-offs, not the recipe, decide what QCA reports"
    parts.append(_figure(
        "No model returned vs N",
        "Share of replications in which no truth-table row passed the cut-offs, so QCA returned "
        f"no model at all ({each}); {read}.",
        _rate_figure(agg, _metric("no_model"), d.solutions, unit=d.unit)))
    if n_methods(d.solutions) > 1:
        parts.append(method_comparison_html(d))
    power_rows = "".join(f"<tr><td>{_esc(s)}</td><td>{_esc(_power_text(p, d))}</td></tr>"
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
        _rate_figure(sub, crit_label, [d.solution], d.target, unit=d.unit)))
    parts.append("<table><tr><th>setting</th><th>sample size (monotone fit, 95 % bootstrap "
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
    parts.append(f"<h2>Settings</h2>{_settings_table(d)}")
    parts.append("<h2>Terminal summary</h2><pre>" + _esc(text_summary(d)) + "</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(store: Store, experiment: str, path: str | Path) -> tuple[Path, str]:
    """Write the HTML report; return its path and the text summary."""
    d = build_report_data(store, experiment)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_report(d), encoding="utf-8")
    return path, text_summary(d)
