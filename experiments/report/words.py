"""The sentences of the report, shared by the HTML page and the terminal summary: the headline
question and answer, the truth, the power verdicts, the run's metadata."""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from ..power import PowerResult
from .data import ReportData
from .labels import _ci, _get, _phrase, _value


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
    if not d.truth_recorded:
        return ("True recipe: not recorded (these results were stored before qcasim recorded "
                "each run's truth, and the scenario files may have changed since; run the "
                "experiment again to record it).")
    return f"True recipe: {d.truth}"


def warnings(d: ReportData) -> list[str]:
    """Everything a reader must know before reading the results, each said once: the store's
    checks (an older results version, scenario files edited since the run, unreadable rows)
    and searches that did not finish within their budget."""
    out = list(d.checks)
    if d.plan_note:
        out.append(d.plan_note[:1].upper() + d.plan_note[1:] + ".")
    n = d.coverage.n_incomplete
    if n:
        out.append(f"{n:,} of the {d.coverage.n_stored:,} replications had a search that did "
                   "not finish within its budget: their models may be the first found rather "
                   "than every minimal one (counted as returned, not as errors).")
    return out


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
    each = (f"{nmin} replication{'s' * (nmin != 1)} each" if nmin == nmax
            else f"{nmin}-{nmax} replications each")
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
    from .. import __version__

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
        ("incomplete searches", f"{cov.n_incomplete:,}" if cov.n_incomplete else "none"),
        ("compute time", f"{d.seconds:,.1f} s (sum over replications)"),
    ]

