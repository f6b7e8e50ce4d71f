"""Aggregating replications: one row per replication and output, rates per group.

The intervals themselves live in :mod:`experiments.intervals` (``wilson`` is re-exported here
for existing callers); each metric's kind picks its interval (:mod:`experiments.metrics`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .intervals import wilson
from .methods import output_names
from .metrics import get_metric
from .params import param_names

__all__ = ["wilson", "long_scores", "aggregate", "varying_columns"]

def varying_columns(frame: pd.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    """Parameter columns that take more than one value (the grid's axes)."""
    return [c for c in param_names() if c in frame.columns and c not in exclude
            and frame[c].astype(str).nunique(dropna=False) > 1]


def long_scores(frame: pd.DataFrame, solutions: Sequence[str] | None = None) -> pd.DataFrame:
    """Reshape ``<output>.<metric>`` columns into one row per replication and output.

    Parameters
    ----------
    frame : DataFrame
        Stored replications (one row each).
    solutions : sequence of str, optional
        The outputs to keep (default: every output of a registered analysis method present).

    Raises
    ------
    ValueError
        When ``frame`` has ``<prefix>.<metric>`` columns whose prefix is no registered output
        (e.g. results of a method that is not installed): they are never dropped silently.
    """
    known = output_names()
    prefixes = {c.split(".", 1)[0] for c in frame.columns if "." in c}
    unknown = sorted(prefixes - set(known))
    if unknown:
        raise ValueError(f"stored results have columns of output(s) {', '.join(unknown)}, which no "
                         f"registered analysis method produces (registered: {', '.join(known)}); "
                         "import the module that registers it")
    sols = list(solutions) if solutions else [o for o in known if o in prefixes]
    keep = [c for c in frame.columns if "." not in c]
    parts = []
    for s in sols:
        cols = [c for c in frame.columns if c.startswith(f"{s}.")]
        if not cols:
            continue
        part = frame[keep + cols].rename(columns={c: c.split(".", 1)[1] for c in cols})
        part.insert(0, "solution", s)
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def aggregate(long: pd.DataFrame, by: Sequence[str], criterion: str = "any_correct",
              level: float = 0.95) -> pd.DataFrame:
    """Mean of the metric ``criterion`` per group with the interval its kind calls for
    (:meth:`experiments.metrics.Metric.interval`: Wilson for binary metrics, normal for means
    of fractions and counts).

    Replications whose output failed to compute (status ``"error: ..."``) are left out of the
    rate and counted in ``n_errors``. Returns columns ``by + [n, rate, low, high, n_errors]``.
    """
    m = get_metric(criterion)
    errors = pd.Series(False, index=long.index)
    if "status" in long.columns:
        errors = long["status"].astype(str).str.startswith("error")
    data = long.assign(_error=errors)
    rows = []
    for key, g in data.groupby(list(by), sort=True, dropna=False):
        ok = g[~g["_error"]]
        vals = pd.to_numeric(ok[criterion], errors="coerce").astype(float).to_numpy()
        vals = vals[np.isfinite(vals)]
        rate, lo, hi = m.interval(vals, level)
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key)), "n": int(vals.size), "rate": rate, "low": lo,
                     "high": hi, "n_errors": int(g["_error"].sum())})
    return pd.DataFrame(rows)
