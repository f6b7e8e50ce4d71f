"""Words and formats of the report: metric and parameter labels, the headline question of each
metric, values and intervals as a metric displays them, setting labels, the colour palette.

References
----------
Okabe, M., & Ito, K. (2008). Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from ..metrics import Metric, get_metric

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


def _value_text(v: Any) -> str:
    """A parameter value in words: None -> "not set", lists joined, mappings as k = v."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "not set"
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return _value_text(json.loads(v))
        except ValueError:
            return v
    if isinstance(v, dict):
        return "; ".join(f"{k} = {_value_text(x)}" for k, x in v.items()) or "none"
    if isinstance(v, list | tuple):
        return ", ".join(_value_text(x) for x in v) or "none"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:  # 4.0 from a column with NaN
        return str(int(v))
    return str(v)


def _applies(v: Any) -> bool:
    """Does a parameter value say something (not None, NaN or an empty mapping/list)?"""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return False
    return not (isinstance(v, dict | list | tuple | str) and len(v) == 0
                or isinstance(v, str) and v in ("{}", "[]", "nan", "None"))


def _part(col: str, v: Any) -> str:
    if col == "overrides" and isinstance(v, dict | str):  # the overrides themselves say it
        return _value_text(v)
    return f"{_param(col)} = {_value_text(v)}"


def _setting_label(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    """One label per row, from the parameters that vary between settings (``cols``) and only
    those that apply to the row: a parameter of another grid block (NaN, ``{}``) is left out,
    never shown as ``= nan``."""
    if not cols:
        return pd.Series(["all cells"] * len(frame), index=frame.index)
    keys = frame[cols].astype(str)
    first = ~keys.duplicated()
    labels = {}
    for i in frame.index[first.to_numpy()]:
        parts = [_part(c, frame.at[i, c]) for c in cols if _applies(frame.at[i, c])]
        labels[tuple(keys.loc[i])] = ", ".join(parts) or "all cells"
    return pd.Series([labels[tuple(k)] for k in keys.itertuples(index=False)], index=frame.index)


def setting_frame(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """One row per setting (index: its label): the display text of each varying parameter
    (``""`` where it does not apply) and, in ``_order_<col>``, a sort key (numbers by value)."""
    if not cols or "setting" not in frame:
        return pd.DataFrame(index=pd.Index(sorted(frame.get("setting", pd.Series(
            ["all cells"])).unique()), name="setting"))
    first = frame.drop_duplicates("setting").set_index("setting")
    out = pd.DataFrame(index=first.index)
    for c in cols:
        vals = first[c]
        out[c] = [_part(c, v) if _applies(v) else "" for v in vals]
        num = pd.to_numeric(vals, errors="coerce")
        out[f"_order_{c}"] = [(0, float(n), "") if pd.notna(n) else (1, 0.0, _value_text(v))
                              for n, v in zip(num, vals)]
    return out


# ---------------------------------------------------------------------------- words


def _pct(v: float) -> str:
    return "n/a" if pd.isna(v) else f"{100 * v:.0f} %"


def _value(v: float, criterion: str) -> str:
    """An aggregated value of ``criterion`` as its metric displays it (a count is no percentage)."""
    return "n/a" if pd.isna(v) else _get(criterion).format(float(v))


def _ci(r: pd.Series, criterion: str = "any_correct") -> str:
    """``[low-high]``: in percent for a share, as numbers for a count."""
    if pd.isna(r["low"]) or not (math.isfinite(r["low"]) and math.isfinite(r["high"])):
        return ""  # e.g. the mean of one replication: no interval to show
    if _get(criterion).is_share:
        return f"[{100 * r['low']:.0f}-{100 * r['high']:.0f}]"
    return f"[{_get(criterion).format_range(float(r['low']), float(r['high']))}]"


def _short_setting(setting: str) -> str:
    """A setting label (kept for callers of the old name: labels no longer carry parameters
    that do not apply)."""
    return str(setting)


def ordered_settings(table: pd.DataFrame) -> list[str]:
    """The settings of :func:`setting_frame` in the grid's order (numbers by value)."""
    cols = [c for c in table.columns if not str(c).startswith("_order_")]
    return sorted(table.index, key=lambda s: tuple(table.at[s, f"_order_{c}"] for c in cols)
                  ) if cols else list(table.index)
