"""The report of a recovery experiment: a self-contained HTML page and a terminal summary.

The report reads the results store only (never the scenario files, which may have changed since
the run). Its modules, one job each:

:mod:`~experiments.report.data`
    :class:`ReportData`: everything the report shows, aggregated once from the store
    (:func:`build_report_data`), and the method comparison's rates (:func:`comparison_rates`).
:mod:`~experiments.report.labels`
    metric and parameter labels, setting labels, value formats, the palette.
:mod:`~experiments.report.words`
    the sentences the page and the summary share (question, answer, truth, power, metadata).
:mod:`~experiments.report.figures`
    the matplotlib figures (embedded PNGs).
:mod:`~experiments.report.html`
    the HTML page (:func:`html_report`; its style sheet is ``report.css``).
:mod:`~experiments.report.text`
    the terminal summary (:func:`text_summary`).
"""

from __future__ import annotations

from pathlib import Path

from ..store import Store
from .data import ReportData, build_report_data, comparison_rates, n_methods
from .html import html_report, method_comparison_html
from .labels import PARAM_LABELS, QUESTIONS
from .text import text_summary
from .words import _power_text

__all__ = ["ReportData", "build_report_data", "text_summary", "html_report", "write_report",
           "QUESTIONS", "PARAM_LABELS", "comparison_rates", "method_comparison_html", "n_methods",
           "_power_text"]


def write_report(store: Store, experiment: str, path: str | Path) -> tuple[Path, str]:
    """Write the HTML report; return its path and the text summary. A study plan written next
    to it (``<folder>/<experiment>.plan.json``, by ``qcasim plan`` or ``qcasim run``) is shown."""
    from ..paths import output_file

    path = Path(path)
    d = build_report_data(store, experiment, plan=output_file(path.parent, experiment,
                                                              ".plan.json"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_report(d), encoding="utf-8")
    return path, text_summary(d)
