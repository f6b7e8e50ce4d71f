"""Output paths and text that leave qcasim: file names, output files, CSV cells, terminal echo.

Every file a command writes is named here and checked here, so that no user-given text (an
experiment name from a shared TOML file, a ``-o`` option) can write outside the output folder,
over the results store or over an input, and no stored text can act on a spreadsheet or a
terminal:

* :func:`safe_filename`: a file name made from an experiment name, always a single path
  component (no ``..``, no separators, no absolute path, no control characters);
* :func:`output_file`: ``<folder>/<safe name><suffix>``, checked to lie inside the folder;
* :func:`check_output_path`: refusal when an output path is (or overlaps) the store, its
  ``-wal``/``-shm``/lock files, or an input file;
* :func:`neutralise_csv_cell` / :func:`neutralise_frame`: a text cell starting with ``=``,
  ``+``, ``-``, ``@`` (or a tab / carriage return) is prefixed with ``'`` so that a spreadsheet
  shows it as text instead of evaluating it (OWASP, "CSV Injection");
* :func:`printable`: text with ANSI escape sequences and control characters removed, for echo
  on a terminal.

References
----------
OWASP Foundation, "CSV Injection" (formula prefixes ``= + - @``, tab and carriage return).
ECMA-48, "Control functions for coded character sets" (CSI / OSC escape sequences).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .errors import InputError

__all__ = ["OutputPathError", "safe_filename", "output_file", "check_output_path",
           "store_companions", "neutralise_csv_cell", "neutralise_frame", "printable"]


class OutputPathError(InputError):
    """An output path that would write outside the output folder, over the results store or
    over an input file."""


_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
_MAX_STEM = 100


def printable(text: object) -> str:
    """``text`` with ANSI escape sequences and other control characters removed (newlines and
    tabs become spaces), safe to echo on a terminal.

    >>> printable("a\\x1b[31mred\\x1b[0m\\x07 name\\nnext")
    'ared name next'
    """
    s = _ANSI.sub("", str(text))
    s = s.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    return "".join(ch for ch in s if unicodedata.category(ch)[0] != "C")


def safe_filename(name: str, default: str = "experiment") -> str:
    """A file name (without suffix) made from an experiment name: one path component of
    letters, digits, ``.``, ``_`` and ``-``, never ``.``/``..``, never hidden, at most 100
    characters. Names that had to be changed get a short hash of the original, so that two
    different names never share a file.

    >>> safe_filename("kbop_default")
    'kbop_default'
    >>> safe_filename("../../x").startswith("x-")
    True
    """
    raw = str(name)
    stem = _UNSAFE.sub("_", printable(raw)).strip("._-")
    if not stem or stem.lower() in _WINDOWS_RESERVED:
        stem = f"{default}_{stem}" if stem else default
    changed = stem != raw
    if len(stem) > _MAX_STEM:
        stem, changed = stem[:_MAX_STEM].rstrip("._-"), True
    if changed:
        stem += "-" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return stem


def output_file(folder: str | Path, name: str, suffix: str) -> Path:
    """``<folder>/<safe_filename(name)><suffix>``, checked to lie inside ``folder``.

    Raises
    ------
    OutputPathError
        ``suffix`` is not a plain suffix such as ``".html"``.
    """
    if not re.fullmatch(r"(\.[A-Za-z0-9_-]+)+", suffix or ""):
        raise OutputPathError(f"output suffix must be like '.html', got {printable(suffix)!r}")
    folder = Path(folder)
    path = folder / f"{safe_filename(name)}{suffix}"
    if path.resolve().parent != folder.resolve():
        raise OutputPathError(f"output {printable(path)} would lie outside {printable(folder)}")
    return path


def store_companions(store: str | Path) -> list[Path]:
    """The results store file and the files SQLite and qcasim keep beside it."""
    p = Path(store)
    return [p, *(Path(str(p) + s) for s in ("-wal", "-shm", "-journal", ".lock"))]


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_output_path(output: str | Path, *, store: str | Path | None = None,
                      inputs: Iterable[str | Path] = (), inside: str | Path | None = None) -> Path:
    """Refuse an output path that would overwrite the results store (or its companion files),
    an input file, or lie outside ``inside``.

    Parameters
    ----------
    output : str or Path
        The file a command is about to write.
    store : str or Path, optional
        The results store the command reads or writes.
    inputs : iterable of paths
        Files the command reads (experiment file, scenario files, data files).
    inside : str or Path, optional
        The folder the output must lie in (the ``-o`` folder), when the name came from data.

    Returns
    -------
    Path
        ``output`` as a Path.

    Raises
    ------
    OutputPathError
        Naming the output and what it would overwrite.
    """
    out = Path(output)
    if out.is_dir():
        raise OutputPathError(f"output {printable(out)} is a directory; give a file name")
    if store is not None:
        for comp in store_companions(store):
            if _same(out, comp):
                raise OutputPathError(
                    f"output {printable(out)} is the results store {printable(comp)}; writing it "
                    "would destroy the stored results; choose another output file")
    for inp in inputs:
        if _same(out, Path(inp)):
            raise OutputPathError(f"output {printable(out)} is the input file {printable(inp)}; "
                                  "choose another output file")
    if inside is not None:
        folder = Path(inside).resolve()
        if folder not in out.resolve().parents:
            raise OutputPathError(f"output {printable(out)} lies outside the output folder "
                                  f"{printable(inside)}")
    return out


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value: object) -> object:
    """A text cell that a spreadsheet would evaluate (starting with ``=``, ``+``, ``-``, ``@``,
    tab or carriage return) prefixed with ``'``; numbers and other text unchanged.

    >>> neutralise_csv_cell("=HYPERLINK(1)"), neutralise_csv_cell(-1.5), neutralise_csv_cell("ok")
    ("'=HYPERLINK(1)", -1.5, 'ok')
    """
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised
    (:func:`neutralise_csv_cell`); numeric columns are untouched."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_csv_cell)
    out.columns = [neutralise_csv_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out
