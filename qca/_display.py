"""One renderer for every results object: plain text (R-like print) and HTML (Jupyter).

A results object builds a :class:`Report` -- a title, header facts, tables and numbered notes --
and the same report renders as text for ``__str__`` / ``summary()`` and as HTML for
``_repr_html_``, in the spirit of statsmodels' ``Summary`` (one object, several renderings).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Report", "Table", "fmt_number", "numbered"]


def fmt_number(value: object, digits: int = 3) -> str:
    """A cell as R prints it: floats with ``digits`` decimals, missing values empty."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def numbered(labels: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """Row labels as R prints them: right-aligned numbers, then unnumbered ``extra`` rows
    (e.g. the models' totals) indented to the same column."""
    width = len(str(len(labels)))
    out = [f"{i:>{width}}  {label}" for i, label in enumerate(labels, start=1)]
    return out + [f"{'':>{width}}  {label}" for label in extra]


@dataclass(frozen=True)
class Table:
    """A table of a report.

    Attributes
    ----------
    frame : DataFrame
        The cells; the index is printed as the first column(s) (``index_names`` may hide it).
    title : str
        A line printed above the table.
    rules : tuple of int
        Positions (0-based row numbers) before which a horizontal rule is drawn; ``len(frame)``
        draws one under the last row. A rule is always drawn under the header.
    digits : int
        Decimals for float cells.
    cell : callable, optional
        Formats one cell (value -> str); defaults to :func:`fmt_number`.
    """

    frame: pd.DataFrame
    title: str = ""
    rules: tuple[int, ...] = ()
    digits: int = 3
    cell: Callable[[object], str] | None = None
    show_index: bool = True

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        fmt = self.cell or (lambda v: fmt_number(v, self.digits))
        head = [str(c) for c in self.frame.columns]
        body = [[fmt(v) for v in row] for row in self.frame.itertuples(index=False, name=None)]
        if self.show_index:
            head = [self.frame.index.name or "", *head]
            body = [[str(i), *row] for i, row in zip(self.frame.index, body)]
        return head, body

    def as_text(self) -> str:
        head, body = self._cells()
        widths = [max([len(h), *(len(r[j]) for r in body)]) for j, h in enumerate(head)]
        numeric = [
            all(_looks_numeric(r[j]) for r in body) and bool(body) for j in range(len(head))
        ]

        def line(cells: Sequence[str]) -> str:
            parts = [
                c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)
            ]
            return "  ".join(parts).rstrip()

        width = sum(widths) + 2 * (len(widths) - 1)
        rule = "-" * width
        out = [self.title] if self.title else []
        out += [line(head), rule]
        for i, row in enumerate(body):
            if i in self.rules and i > 0:
                out.append(rule)
            out.append(line(row))
        if len(body) in self.rules:
            out.append(rule)
        return "\n".join(out)

    def as_html(self) -> str:
        head, body = self._cells()
        numeric = [all(_looks_numeric(r[j]) for r in body) and bool(body) for j in range(len(head))]
        style = ' style="text-align:right"'
        cap = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        ths = "".join(f"<th{style if n else ''}>{html.escape(h)}</th>" for h, n in zip(head, numeric))
        rows = []
        for i, row in enumerate(body):
            border = ' style="border-top:1px solid #888"' if i in self.rules and i > 0 else ""
            tds = "".join(
                f"<td{style if n else ''}>{html.escape(c)}</td>" for c, n in zip(row, numeric)
            )
            rows.append(f"<tr{border}>{tds}</tr>")
        return (
            f'<table class="qca-table">{cap}<thead><tr>{ths}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )


def _looks_numeric(text: str) -> bool:
    if text in ("", "-"):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Report:
    """A results summary that prints as text and renders as HTML.

    Attributes
    ----------
    title : str
    header : tuple of (label, value)
        Facts printed under the title (``label value`` pairs on one line).
    blocks : tuple of Table or str
        Tables and free text lines (e.g. model equations), in order.
    notes : tuple of str
        Printed as ``[1] ...`` under the tables (warnings, caps, remainders).
    """

    title: str
    header: tuple[tuple[str, str], ...] = ()
    blocks: tuple[Table | str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def as_text(self) -> str:
        out = [self.title]
        if self.header:
            out.append("  " + "   ".join(f"{k} {v}" for k, v in self.header))
        for block in self.blocks:
            out.append("")
            out.append(block.as_text() if isinstance(block, Table) else block)
        if self.notes:
            out.append("")
            out += [f"[{i + 1}] {t}" for i, t in enumerate(self.notes)]
        return "\n".join(out).rstrip()

    def as_html(self) -> str:
        parts = [f'<div class="qca-report"><strong>{html.escape(self.title)}</strong>']
        if self.header:
            facts = " &nbsp; ".join(
                f"{html.escape(k)} <code>{html.escape(v)}</code>" for k, v in self.header
            )
            parts.append(f"<p>{facts}</p>")
        for block in self.blocks:
            if isinstance(block, Table):
                parts.append(block.as_html())
            else:
                parts.append(f"<pre>{html.escape(block)}</pre>")
        if self.notes:
            items = "".join(f"<li>{html.escape(t)}</li>" for t in self.notes)
            parts.append(f"<ol>{items}</ol>")
        parts.append("</div>")
        return "".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()
