"""QCA of a user's own data: read, check, calibrate, truth table, minimize.

:func:`analyze` is the workflow behind ``qcasim analyze``; the command line is only its face
(:mod:`qcasim.cli` parses options, prints the result and its warnings). Python users call it
directly on a CSV path or a :class:`pandas.DataFrame`::

    >>> import pandas as pd
    >>> from experiments.analyze import analyze
    >>> data = pd.DataFrame({"A": [0, 1, 1, 0], "B": [1, 0, 1, 0], "Y": [1, 0, 1, 0]})
    >>> res = analyze(data, "Y", solution="parsimonious")
    >>> [str(m) for m in res.solutions["parsimonious"].models]
    ['B']

Every minimization is bounded (``max_models``, ``time_limit``), so every call returns, saying how
complete its answer is. Bad input raises one :class:`~experiments.errors.InputError` naming the
problem (the messages name the command line's options, which are the same words).
"""

from __future__ import annotations

import csv as csvlib
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import qca
from qca import QcasimError

from .errors import InputError

__all__ = ["Analysis", "analyze", "parse_anchors", "read_csv", "SOLUTIONS"]

#: The ``solution`` choices of :func:`analyze`.
SOLUTIONS = ("all", "conservative", "parsimonious", "intermediate")


@dataclass
class Analysis:
    """The result of :func:`analyze`: the truth table, the solutions by kind, and warnings.

    ``warnings`` are one-line messages in the order they arose (data, engine, solutions);
    ``str()`` is what ``qcasim analyze`` prints on standard output.
    """

    truth_table: Any
    solutions: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The truth table, then each solution, separated by blank lines."""
        return "\n\n".join([str(self.truth_table), *(str(s) for s in self.solutions.values())]) + "\n"

    def __str__(self) -> str:
        return self.summary()


def read_csv(csv: str | Path) -> pd.DataFrame:
    """Read a user's CSV, with one clear message for each way it can be unusable."""
    path = Path(csv)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {csv}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csvlib.reader(fh), [])
    except UnicodeDecodeError:
        raise InputError(f"{csv}: not a text (UTF-8) CSV file") from None
    if not header:
        raise InputError(f"{csv}: the file is empty (no header line)")
    seen: set[str] = set()
    dups = sorted({h for h in header if h in seen or seen.add(h)})  # type: ignore[func-returns-value]
    if dups:
        raise InputError(f"{csv}: duplicate column name(s) {', '.join(dups)}")
    try:
        return pd.read_csv(path, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{csv}: malformed CSV: {detail}") from None


def parse_anchors(text: str, columns: Sequence[str]) -> dict[str, tuple[float, float, float]]:
    """``"COL=e,c,i;COL2=e,c,i"`` -> anchors per column; every error names the column."""
    given: dict[str, tuple[float, float, float]] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, vals = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"--anchors: cannot read {part.strip()!r}; use COL=e,c,i")
        try:
            nums = tuple(float(v) for v in vals.split(","))
        except ValueError:
            raise InputError(f"--anchors: cannot read {part.strip()!r} (column {name!r}); "
                             "use COL=e,c,i with three numbers") from None
        if len(nums) != 3:
            raise InputError(f"--anchors: {part.strip()!r} (column {name!r}) needs three numbers "
                             "(exclusion, crossover, inclusion): COL=e,c,i")
        given[name] = (nums[0], nums[1], nums[2])
    unknown = sorted(set(given) - set(columns))
    if unknown:
        raise InputError(f"--anchors: no analysed column {', '.join(unknown)}")
    return given


def _select(data: pd.DataFrame, source: str, outcome: str, conditions: Sequence[str] | None,
            index: str | None) -> tuple[pd.DataFrame, list[str]]:
    """The analysed columns (conditions, then the outcome), text that reads as numbers coerced."""
    if index is not None:
        if index not in data.columns:
            raise InputError(f"{source}: --index {index!r} is not a column; "
                             f"it has {', '.join(map(str, data.columns))}")
        data = data.set_index(index)
    conds = list(conditions) if conditions else [c for c in data.columns if c != outcome]
    if outcome in conds:
        raise InputError(f"--conditions lists the outcome {outcome!r}; a column cannot be both "
                         "a condition and the outcome")
    twice = sorted({c for c in conds if conds.count(c) > 1})
    if twice:
        raise InputError(f"--conditions names {', '.join(twice)} twice")
    missing = [c for c in [*conds, outcome] if c not in data.columns]
    if missing:
        raise InputError(f"{source}: no column(s) {', '.join(missing)}; "
                         f"it has {', '.join(map(str, data.columns))}")
    data = data[[*conds, outcome]].copy()
    for col in data.columns:  # text that reads as numbers ("0", "1") is numbers
        if data[col].dtype == object:
            num = pd.to_numeric(data[col], errors="coerce")
            bad = data[col][num.isna() & data[col].notna()]
            if bad.empty:
                data[col] = num
    return data, conds


def _calibrate(data: pd.DataFrame, source: str, columns: list[str], cal: str,
               given: dict[str, tuple[float, float, float]]) -> None:
    """Calibrate ``columns`` in place: theory anchors where given, else percentiles 10/50/90."""
    for col in columns:
        x = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
        if np.isnan(x).any():
            bad = data[col][np.isnan(x)]
            raise InputError(f"{source}: column {col!r} has {len(bad)} missing or non-numeric "
                             f"value(s) (first: {bad.iloc[0]!r}); calibration needs numbers")
        e, c, i = given.get(col, tuple(np.percentile(x, [10, 50, 90])))
        where = (f"--anchors {col}={e:g},{c:g},{i:g}" if col in given else
                 f"column {col!r} (percentile anchors {e:g}, {c:g}, {i:g})")
        try:
            if cal == "fuzzy":
                data[col] = qca.calibrate(x, "fuzzy", thresholds=(e, c, i))
            else:
                data[col] = qca.calibrate(x, "crisp", thresholds=[c])
        except QcasimError as exc:
            raise InputError(f"calibrating {where}: {exc}") from None


def analyze(data: pd.DataFrame | str | Path, outcome: str, conditions: Sequence[str] | None = None,
            *, index: str | None = None, calibrate: str = "none",
            anchors: str | dict[str, tuple[float, float, float]] = "percentile",
            incl_cut: float = 0.8, n_cut: int = 1, pri_cut: float = 0.0, solution: str = "all",
            dir_exp: str | None = None, max_models: int | None = None, time_limit: float = 10.0,
            progress: Callable[[str], None] | None = None) -> Analysis:
    """QCA of a data set: calibrate (optionally), truth table, minimize.

    Parameters
    ----------
    data : DataFrame or path of a CSV file
        One row per case.
    outcome : str
        The outcome column.
    conditions : sequence of str, optional
        The condition columns (default: every column but the outcome and the index).
    index : str, optional
        A column holding the case names.
    calibrate : {"none", "fuzzy", "crisp"}
        Calibrate every analysed column (:func:`qca.calibrate`): fuzzy with the anchors
        (exclusion, crossover, inclusion), crisp at the crossover.
    anchors : "percentile", str or dict
        The anchors: the 10th/50th/90th percentiles of each column, ``"COL=e,c,i;COL2=e,c,i"``
        or ``{column: (e, c, i)}`` (other columns keep the percentiles).
    incl_cut, n_cut, pri_cut : float, int, float
        Truth-table cut-offs (:func:`qca.truth_table`, as R's ``QCA::truthTable``).
    solution : {"all", "conservative", "parsimonious", "intermediate"}
        The solution(s); ``"all"`` is the conservative and parsimonious ones, and the
        intermediate one as well when ``dir_exp`` is given.
    dir_exp : str, optional
        Directional expectations of the intermediate solution, e.g. ``"DEV,~IND"``.
    max_models, time_limit : int, float
        Bounds of each minimization (:func:`qca.minimize`).
    progress : callable, optional
        Called with one line per step (what is computed, how long it took).

    Returns
    -------
    Analysis
    """
    if solution not in SOLUTIONS:
        raise InputError(f"solution must be one of {', '.join(SOLUTIONS)}, not {solution!r}")
    if calibrate not in ("none", "fuzzy", "crisp"):
        raise InputError(f"calibrate must be none, fuzzy or crisp, not {calibrate!r}")
    if solution == "intermediate" and not dir_exp:
        raise InputError("--solution intermediate needs --dir-exp, e.g. --dir-exp 'A,~B'")

    def step(msg: str) -> None:
        if progress is not None:
            progress(msg)

    source = str(data) if isinstance(data, str | Path) else "data"
    frame = read_csv(data) if isinstance(data, str | Path) else data
    frame, conds = _select(frame, source, outcome, conditions, index)
    notes: list[str] = []
    if len(frame) == 1:
        notes.append(f"{source} has 1 case: a truth table of one row says nothing about which "
                     "conditions matter")
    if calibrate != "none":
        given = (parse_anchors(anchors, [*conds, outcome]) if isinstance(anchors, str)
                 and anchors != "percentile" else dict(anchors) if isinstance(anchors, dict) else {})
        _calibrate(frame, source, [*conds, outcome], calibrate, given)
    limits: dict[str, Any] = {"time_limit": time_limit}
    if max_models is not None:
        limits["max_models"] = max_models
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        step(f"truth table of {len(frame)} case{'s' * (len(frame) != 1)} x {len(conds)} "
             "conditions ...")
        t0 = time.perf_counter()
        tt = qca.truth_table(frame, outcome, conds, incl_cut=incl_cut, n_cut=n_cut,
                             pri_cut=pri_cut)
        step(f"truth table done in {time.perf_counter() - t0:.1f} s")
        kinds = ["conservative", "parsimonious"] if solution == "all" else [solution]
        if solution == "all" and dir_exp:
            kinds.append("intermediate")
        sols: dict[str, Any] = {}
        for kind in kinds:
            step(f"minimizing: {kind} solution ...")
            t0 = time.perf_counter()
            sols[kind] = qca.minimize(tt, include=None if kind == "conservative" else "?",
                                      dir_exp=dir_exp if kind == "intermediate" else None,
                                      **limits)
            step(f"{kind} solution: {sols[kind].n_models} model(s) in "
                 f"{time.perf_counter() - t0:.1f} s")
    notes.extend(str(w.message) for w in caught)
    for kind, sol in sols.items():
        if any(not m.expression.terms or str(m) == "1" for m in sol.models):
            notes.append(f"the {kind} solution is '1' (always true): no condition separates the "
                         "positive cases from the others")
    return Analysis(tt, sols, notes)
