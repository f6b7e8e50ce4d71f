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
import re
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import qca
from qca import QcasimError

from .errors import InputError

__all__ = ["Analysis", "analyze", "parse_anchors", "parse_thresholds", "read_calibration",
           "split_names", "read_csv", "SOLUTIONS", "MAX_WORK", "MAX_ROWS"]

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
    #: One row per calibrated column (index ``column``): ``type``, ``thresholds`` (as given to
    #: :func:`qca.calibrate`), ``idm``, ``source`` (where the thresholds came from); None when
    #: nothing was calibrated.
    calibration: pd.DataFrame | None = None
    #: Column names that are not engine identifiers, and the names they are analysed under.
    renamed: dict[str, str] = field(default_factory=dict)

    def calibration_text(self) -> str:
        """The calibration table as text (every column's thresholds and their source)."""
        if self.calibration is None:
            return ""
        t = self.calibration.reset_index()
        w = max(len(str(c)) for c in [*t["column"], "column"])
        lines = ["Calibration:"]
        for _, r in t.iterrows():
            idm = f", idm {r['idm']:g}" if r["type"] == "fuzzy" and r["source"] not in (
                "as given", "not calibrated") else ""
            lines.append(f"  {str(r['column']):{w}s}  {r['type']:5s}  {r['thresholds']}{idm}  "
                         f"({r['source']})")
        return "\n".join(lines)

    def summary(self) -> str:
        """The calibration, the truth table, then each solution, separated by blank lines."""
        head = [self.calibration_text()] if self.calibration is not None else []
        if self.renamed:
            head.append("Columns analysed under engine names: " + ", ".join(
                f"{k!r} as {v}" for k, v in self.renamed.items()))
        return "\n\n".join([*head, str(self.truth_table),
                             *(str(s) for s in self.solutions.values())]) + "\n"

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


#: Most membership evaluations (cases x observed configurations x conditions) a fuzzy truth
#: table may take in :func:`analyze`: about a minute on a loaded laptop core (measured: 20,000
#: cases x 15 fuzzy conditions, 6e9 evaluations, took 217 s at load 9). Beyond it the analysis is
#: refused at once, saying why, instead of running for many minutes past ``time_limit``.
MAX_WORK = 2 * 10**9


#: Most observed truth-table configurations :func:`analyze` minimizes: the engine's time limit
#: is not honoured in every phase on tables beyond it (measured: 100,000 crisp cases x 29
#: conditions, ~100,000 configurations, at ``time_limit=20``: the conservative solution took
#: 92 s, the parsimonious one did not finish in 800 s and held 5 GB).
MAX_ROWS = 10_000


def _truth_table_work(frame: pd.DataFrame, conds: Sequence[str]) -> tuple[int, int]:
    """(membership evaluations, observed configurations) of a truth table of ``frame``."""
    x = frame[list(conds)].to_numpy(dtype=float)
    crisp = bool(np.isin(x, (0.0, 1.0)).all())
    rows = len(np.unique(x > 0.5, axis=0)) if len(x) else 0
    return (len(x) * len(conds) if crisp else len(x) * rows * len(conds)), rows


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def split_names(text: str, sep: str = ",") -> list[str]:
    """Split ``text`` at ``sep`` outside double quotes (CSV quoting), so that column names
    holding spaces or separators can be given: ``'"per capita",URB'`` -> ``["per capita",
    "URB"]``. Empty items are dropped."""
    try:
        items = next(csvlib.reader([text], delimiter=sep, quotechar='"', skipinitialspace=True), [])
    except csvlib.Error as exc:
        raise InputError(f"cannot read {text!r}: {exc}") from None
    return [x.strip() for x in items if x.strip()]


def _threshold_values(text: str, where: str) -> tuple[float, ...] | dict[str, float] | None:
    """``"e:350,c:550,i:850"``, ``"e=350, c=550, i=850"``, ``"350,550,850"`` or ``"none"``."""
    text = text.strip()
    if text.lower() == "none":
        return None
    named: dict[str, float] = {}
    plain: list[float] = []
    for tok in (t.strip() for t in text.split(",")):
        m = re.fullmatch(rf"([A-Za-z][A-Za-z0-9]*)\s*[:=]\s*({_NUMBER})", tok)
        if m:
            named[m.group(1)] = float(m.group(2))
        elif re.fullmatch(_NUMBER, tok):
            plain.append(float(tok))
        else:
            raise InputError(f"{where}: cannot read {tok!r}; use e:NUM,c:NUM,i:NUM, NUM,NUM,NUM "
                             "or none")
    if named and plain:
        raise InputError(f"{where}: give every threshold by name (e:,c:,i:) or none by name")
    return named or tuple(plain)


def parse_thresholds(text: str, columns: Sequence[str], option: str = "--thresholds"
                     ) -> dict[str, tuple[float, ...] | dict[str, float] | None]:
    """``'DEV=e:350,c:550,i:850; URB=25,50,65; "per capita"=none'`` -> thresholds per column.

    A column's thresholds are R's ``calibrate(thresholds = ...)``: named (``e``, ``c``, ``i``;
    ``e1, c1, i1, i2, c2, e2`` for a bell shape) or positional; for crisp calibration one or
    more cut points (``c:550`` or ``550``). ``none`` keeps a column as it is (already
    calibrated). Every error names the column."""
    given: dict[str, tuple[float, ...] | dict[str, float] | None] = {}
    for part in split_names(text, ";"):
        name, sep, vals = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"{option}: cannot read {part.strip()!r}; use COL=e:NUM,c:NUM,i:NUM")
        if name in given:
            raise InputError(f"{option}: column {name!r} given twice")
        given[name] = _threshold_values(vals, f"{option} {name}")
    unknown = sorted(set(given) - set(columns))
    if unknown:
        raise InputError(f"{option}: no analysed column {', '.join(map(repr, unknown))}; the "
                         f"analysed columns are {', '.join(map(repr, columns))}")
    return given


def read_calibration(path: str | Path) -> dict[str, Any]:
    """A calibration file (TOML or JSON): optional ``type`` ("fuzzy"/"crisp"), ``idm``, and a
    ``thresholds`` table of column -> thresholds (a list, a table of e/c/i, a string as on the
    command line, or ``"none"``).

    Example (TOML)::

        type = "fuzzy"
        idm = 0.9525741
        [thresholds]
        DEV = [400, 550, 900]
        STB = {e = 15, c = 9.5, i = 5}
    """
    import json
    import tomllib

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"calibration file {str(p)!r}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"calibration file {str(p)!r}: not a UTF-8 text file") from None
    try:
        raw = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"calibration file {str(p)!r}: cannot parse it: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("thresholds"), dict):
        raise InputError(f"calibration file {str(p)!r}: needs a [thresholds] table of "
                         "column = [e, c, i]")
    unknown = sorted(set(raw) - {"type", "idm", "thresholds"})
    if unknown:
        raise InputError(f"calibration file {str(p)!r}: unknown key {unknown[0]!r}; allowed: "
                         "type, idm, thresholds")
    th: dict[str, tuple[float, ...] | dict[str, float] | None] = {}
    for col, v in raw["thresholds"].items():
        where = f"calibration file {str(p)!r}: {col}"
        if isinstance(v, str):
            th[col] = _threshold_values(v, where)
        elif isinstance(v, dict) and all(isinstance(x, int | float) and not isinstance(x, bool)
                                         for x in v.values()):
            th[col] = {str(k): float(x) for k, x in v.items()}
        elif isinstance(v, list) and v and all(isinstance(x, int | float) and not isinstance(
                x, bool) for x in v):
            th[col] = tuple(float(x) for x in v)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            th[col] = (float(v),)
        else:
            raise InputError(f"{where}: thresholds must be numbers, a table of e/c/i or "
                             f"\"none\", got {v!r}")
    out: dict[str, Any] = {"thresholds": th}
    if "type" in raw:
        if raw["type"] not in ("fuzzy", "crisp"):
            raise InputError(f"calibration file {str(p)!r}: type must be fuzzy or crisp, got "
                             f"{raw['type']!r}")
        out["type"] = raw["type"]
    if "idm" in raw:
        out["idm"] = raw["idm"]
    return out


def _fmt_thresholds(th: tuple[float, ...] | dict[str, float]) -> str:
    if isinstance(th, dict):
        return ", ".join(f"{k}={v:g}" for k, v in th.items())
    return ", ".join(f"{v:g}" for v in th)


def _calibrate(data: pd.DataFrame, source: str, columns: list[str], cal: str,
               given: Mapping[str, tuple[float, ...] | dict[str, float] | None],
               sources: Mapping[str, str], percentile: bool, idm: float,
               names: Mapping[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Calibrate ``columns`` in place; returns the calibration table and notes.

    A column's thresholds are the given ones; without them, a 0/1 column is kept as it is, and
    any other column takes its 10/50/90 percentiles (fuzzy; crisp: the median) only when
    ``percentile`` is set, said in the table and in a note. Crisp calibration without
    thresholds and without ``percentile`` is refused (no silent median split)."""
    rows: list[dict[str, Any]] = []
    data_driven: list[str] = []
    missing: list[str] = []
    for col in columns:
        shown = names.get(col, col)
        x = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
        if col in given and given[col] is None:
            rows.append({"column": shown, "type": "none", "thresholds": "",
                         "idm": float("nan"), "source": "not calibrated"})
            continue
        if np.isnan(x).any():
            bad = data[col][np.isnan(x)]
            raise InputError(f"{source}: column {shown!r} has {len(bad)} missing or non-numeric "
                             f"value(s) (first: {bad.iloc[0]!r}); calibration needs numbers")
        th: tuple[float, ...] | dict[str, float]
        if col in given:
            th = given[col]  # type: ignore[assignment]
            src = sources[col]
            where = f"{src} {shown}={_fmt_thresholds(th).replace(', ', ',')}"
        elif set(np.unique(x)) <= {0.0, 1.0}:
            rows.append({"column": shown, "type": cal, "thresholds": "0/1",
                         "idm": float("nan"), "source": "as given"})
            continue
        elif not percentile:
            missing.append(shown)
            continue
        else:
            e, c, i = (float(v) for v in np.percentile(x, [10, 50, 90]))
            th = (e, c, i) if cal == "fuzzy" else (c,)
            src = "percentile 10/50/90 of the data" if cal == "fuzzy" else "median of the data"
            where = f"column {shown!r} (percentile anchors {e:g}, {c:g}, {i:g})"
            data_driven.append(shown)
        try:
            if cal == "fuzzy":
                data[col] = qca.calibrate(x, "fuzzy", thresholds=th, idm=idm)
            else:
                cuts = list(th.values()) if isinstance(th, dict) else list(th)
                data[col] = qca.calibrate(x, "crisp", thresholds=cuts)
        except QcasimError as exc:
            raise InputError(f"calibrating {where}: {exc}") from None
        rows.append({"column": shown, "type": cal, "thresholds": _fmt_thresholds(th),
                     "idm": idm if cal == "fuzzy" else float("nan"),
                     "source": src if col not in given else f"given by {src}"})
    if missing:
        raise InputError(
            f"--calibrate {cal}: no thresholds for column(s) {', '.join(map(repr, missing))}; give "
            f"them (--thresholds 'COL=e:NUM,c:NUM,i:NUM;...' or a --calibration file; "
            f"'COL=none' keeps a column as it is), or --anchors percentile to take them from the "
            f"data ({'10/50/90 percentiles' if cal == 'fuzzy' else 'a median split'})")
    notes = []
    if data_driven:
        notes.append(f"calibrated {', '.join(map(repr, data_driven))} at anchors taken from the "
                     f"data ({'10/50/90 percentiles' if cal == 'fuzzy' else 'median split'}), "
                     "not from theory: the sets mean 'above the sample's typical value' (see the "
                     "calibration table)")
    return pd.DataFrame(rows).set_index("column"), notes


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def _engine_names(columns: Sequence[str]) -> dict[str, str]:
    """Column names the engine cannot parse in an expression -> identifiers (``"per capita"``
    -> ``per_capita``), unique among all columns."""
    taken = set(columns)
    out: dict[str, str] = {}
    for col in columns:
        if _IDENT.fullmatch(str(col)):
            continue
        base = re.sub(r"[^A-Za-z0-9_.]+", "_", str(col)).strip("_") or "X"
        if not re.match(r"[A-Za-z_]", base):
            base = "X" + base
        name, k = base, 2
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        taken.add(name)
        out[col] = name
    return out


def _rename_expression(text: str, renamed: Mapping[str, str]) -> str:
    """``"per capita",~URB`` -> ``per_capita,~URB`` (quoted names to engine names)."""
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in renamed and not _IDENT.fullmatch(name):
            raise InputError(f"--dir-exp: no analysed column {name!r}")
        return renamed.get(name, name)

    return re.sub(r'"([^"]*)"', sub, text)


def analyze(data: pd.DataFrame | str | Path, outcome: str, conditions: Sequence[str] | None = None,
            *, index: str | None = None, calibrate: str = "none",
            anchors: str | dict[str, tuple[float, float, float]] | None = None,
            thresholds: str | Mapping[str, Any] | None = None,
            calibration: str | Path | None = None, idm: float | None = None,
            round_digits: int | None = None,
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
        Calibrate every analysed column (:func:`qca.calibrate`, R's ``QCA::calibrate``): fuzzy
        with the anchors (exclusion, crossover, inclusion), crisp at the given cut point(s).
        A column holding only 0 and 1 is kept as it is. The thresholds used are returned in
        :attr:`Analysis.calibration`.
    anchors : "percentile", str or dict, optional
        ``"percentile"``: columns without thresholds take the 10th/50th/90th percentiles of the
        data (crisp: the median), said in a warning and in the calibration table;
        ``"COL=e,c,i;COL2=e,c,i"`` or ``{column: (e, c, i)}``: theory anchors. Without it, every
        calibrated column needs thresholds (crisp calibration never splits at the median
        silently); fuzzy calibration falls back to the percentiles, with a warning.
    thresholds : str or mapping, optional
        Thresholds per column as R's ``calibrate(thresholds = ...)``:
        ``'DEV=e:400,c:550,i:900; URB=25,50,65; "per capita"=none'`` (``none``: keep the
        column as it is) or ``{column: (e, c, i) | {"e": .., "c": .., "i": ..} | None}``.
    calibration : path, optional
        A TOML or JSON calibration file (:func:`read_calibration`): ``type``, ``idm`` and a
        ``[thresholds]`` table; ``thresholds`` and ``idm`` given here take precedence.
    idm : float, optional
        Inclusion degree of membership at the outer fuzzy anchors (R's ``idm``; default 0.95).
    round_digits : int, optional
        Round calibrated memberships to this many decimals (as R users often do, e.g. R's
        ``LF`` is ``round(calibrate(...), 2)``).
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

    if not isinstance(time_limit, int | float) or isinstance(time_limit, bool) or not (
            0 < time_limit < float("inf")):
        raise InputError(f"--time-limit must be a positive number of seconds, got {time_limit!r}")
    if round_digits is not None and (isinstance(round_digits, bool) or not isinstance(
            round_digits, int) or not 0 <= round_digits <= 12):
        raise InputError(f"--round must be an integer from 0 to 12, got {round_digits!r}")
    file_cal = read_calibration(calibration) if calibration is not None else {}
    if calibrate == "none" and file_cal.get("type"):
        calibrate = file_cal["type"]
    if calibrate == "none" and (thresholds is not None or calibration is not None
                                or anchors not in (None, "percentile")):
        raise InputError("--thresholds, --anchors and --calibration set calibration "
                         "thresholds; they need --calibrate fuzzy or crisp")
    idm_value = idm if idm is not None else file_cal.get("idm", 0.95)
    if isinstance(idm_value, bool) or not isinstance(idm_value, int | float) or not (
            0.5 < idm_value < 1):
        raise InputError(f"--idm must be a number between 0.5 and 1 (exclusive), got "
                         f"{idm_value!r}")

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
    cal_table = None
    analysed = [*conds, outcome]
    if calibrate != "none":
        given: dict[str, Any] = {}
        sources: dict[str, str] = {}

        def take(new: Mapping[str, Any], src: str) -> None:
            for col, th in new.items():
                if col in given and sources[col] != "calibration file":
                    raise InputError(f"column {col!r} has thresholds from both {sources[col]} and "
                                     f"{src}; give them once")
                given[col], sources[col] = th, src

        if file_cal:
            unknown = sorted(set(file_cal["thresholds"]) - set(analysed))
            if unknown:
                raise InputError(f"calibration file {str(calibration)!r}: no analysed column "
                                 f"{', '.join(map(repr, unknown))}")
            take(file_cal["thresholds"], "calibration file")
        if isinstance(anchors, str) and anchors != "percentile":
            take(parse_anchors(anchors, analysed), "--anchors")
        elif isinstance(anchors, dict):
            take(anchors, "--anchors")
        if isinstance(thresholds, str):
            take(parse_thresholds(thresholds, analysed), "--thresholds")
        elif thresholds is not None:
            unknown = sorted(set(thresholds) - set(analysed))
            if unknown:
                raise InputError(f"thresholds: no analysed column {', '.join(map(repr, unknown))}")
            take(thresholds, "--thresholds")
        percentile = anchors == "percentile" or (anchors is None and calibrate == "fuzzy")
        cal_table, cal_notes = _calibrate(frame, source, analysed, calibrate, given, sources,
                                          percentile, float(idm_value), {})
        notes.extend(cal_notes)
        if round_digits is not None:
            done = [c for c in analysed if cal_table.loc[c, "source"] not in
                    ("as given", "not calibrated")]
            frame[done] = frame[done].round(round_digits)
    numeric = all(pd.api.types.is_numeric_dtype(frame[c]) for c in conds)
    work, n_rows = _truth_table_work(frame, conds) if numeric and len(conds) else (0, 0)
    if work > MAX_WORK:
        raise InputError(
            f"{source}: {len(frame):,} cases in {n_rows:,} observed configurations x {len(conds)} "
            f"fuzzy conditions is too large to analyse here: the truth table needs "
            f"~{work:.1e} membership evaluations (at most {MAX_WORK:.0e}, about a minute), and "
            f"would run far past --time-limit; analyse fewer conditions (-c), a sample of the "
            f"cases, or crisp sets")
    if n_rows > MAX_ROWS:
        raise InputError(
            f"{source}: {len(frame):,} cases fall in {n_rows:,} different configurations of the "
            f"{len(conds)} conditions (at most {MAX_ROWS:,}): minimizing a truth table this "
            f"large would not finish within --time-limit; analyse fewer conditions (-c) or "
            f"coarser sets")
    renamed = _engine_names(analysed)
    if renamed:
        frame = frame.rename(columns=renamed)
        conds = [renamed.get(c, c) for c in conds]
        outcome = renamed.get(outcome, outcome)
        if dir_exp:
            dir_exp = _rename_expression(dir_exp, renamed)
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
    return Analysis(tt, sols, notes, cal_table, renamed)
