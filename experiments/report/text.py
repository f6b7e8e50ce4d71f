"""The terminal summary of a report (plain text)."""

from __future__ import annotations

from ..paths import printable
from .data import ReportData
from .labels import _ci, _value
from .words import _big_answer, _meta, _power_text, _question, _truth_line, warnings


def text_summary(d: ReportData) -> str:
    """Plain-text summary for the terminal."""
    desc = d.definition.get("experiment", {}).get("description", "")
    lines = [f"Experiment {d.experiment}" + (f": {desc}" if desc else "")]
    lines += [f"  {k}: {v}" for k, v in _meta(d) if k != "report written"]
    notes = warnings(d)
    if notes:
        lines += ["", "WARNING" + ("S" if len(notes) > 1 else "") + " (read before the results):"]
        lines += [f"  - {n}" for n in notes]
    lines += ["", _truth_line(d), "", _question(d), "  " + _big_answer(d)]
    if d.plan is not None:
        lines += ["", "Study plan: " + d.plan.sentence()]
    if d.ceiling is not None:
        lines += ["", "Why (population ceiling of the reference cell): " + d.ceiling.cause()]
        if getattr(d.ceiling, "interval", None) is not None and not d.ceiling.recoverable():
            lines.append(f"  As an interval estimate: {d.ceiling.interval}.")
        try:
            lines += ["  " + x for x in d.ceiling.binding(d.headline_n).summary().splitlines()]
        except (AttributeError, ValueError):  # a ceiling computed without its population
            pass
    elif d.ceiling_note:
        lines += ["", f"Population ceiling: {d.ceiling_note}."]
    h = d.headline
    crits = list(dict.fromkeys(h["criterion"])) if len(h) else []
    if len(d.order) > 8 and len(d.solutions) > 1:
        lines.append(f"  ({d.solution} solution in each of the {len(d.order)} settings; every "
                     "solution is in the HTML report)")
    for setting in [s for s in d.order if s in set(h["setting"])] if len(h) else []:
        if d.settings:
            lines.append(f"  [{setting}]")
        for sol in d.solutions if len(d.order) <= 8 else [d.solution]:
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
    # Data-derived text (names, models, error messages) reaches a terminal: no control characters.
    return "\n".join(printable(line) for line in lines)


