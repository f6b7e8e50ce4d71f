"""Input validation shared by every public qca function (in the spirit of scikit-learn's check_array)."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

from .exceptions import ArgumentError, HalfMembershipWarning, QCAError, QcasimError

__all__ = [
    "public_api",
    "MAX_CONDITIONS",
    "check_data",
    "check_matrix",
    "check_frame",
    "check_names",
    "check_cut",
    "check_fraction",
    "DataSpec",
]

MAX_CONDITIONS = 30

_F = TypeVar("_F", bound=Callable[..., Any])
#: Exceptions that, escaping a public function, mean its arguments were unusable.
_ARGUMENT_FAULTS = (TypeError, ValueError, IndexError, KeyError, AttributeError, OverflowError,
                    ZeroDivisionError, RecursionError, MemoryError)


def public_api(fn: _F) -> _F:
    """Make every error of a public function a :class:`~qca.exceptions.QcasimError`.

    The functions check their arguments and name the problem (``QcasimError`` subclasses pass
    through unchanged). An argument no check anticipated (a wrong type, NaN in an odd place,
    nesting beyond Python's recursion limit, a size beyond memory) can still make numpy, pandas
    or Python raise deep inside; that exception becomes an :class:`ArgumentError` naming the
    function and the original message (chained), so callers catching ``QcasimError`` see every
    bad input, as the API fuzz test (``tests/qca/test_api_fuzz.py``) checks.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except QcasimError:
            raise
        except _ARGUMENT_FAULTS as exc:
            what = "too large for memory" if isinstance(exc, MemoryError) else (
                "nested too deeply" if isinstance(exc, RecursionError) else
                f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}")
            raise ArgumentError(f"{fn.__name__}: unusable arguments ({what[:300].rstrip(': ')})") from exc

    return wrapper  # type: ignore[return-value]


class DataSpec:
    """Validated view of a data set: numeric columns, their kind and number of levels.

    Attributes
    ----------
    values : dict[str, numpy.ndarray]
        float64 column values.
    levels : dict[str, int]
        2 for crisp and fuzzy columns, max + 1 for multi-value columns.
    fuzzy : dict[str, bool]
        True where a column has values strictly between 0 and 1.
    """

    def __init__(self, values: dict[str, np.ndarray], levels: dict[str, int], fuzzy: dict[str, bool]):
        self.values = values
        self.levels = levels
        self.fuzzy = fuzzy


def check_names(names: Sequence[str] | str, columns: Sequence[str], what: str) -> list[str]:
    """Return ``names`` as a list, checking they are distinct columns of the data."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    names = list(names)
    if not all(isinstance(n, str) for n in names):
        raise QCAError(f"{what} must be column names (strings); got {names!r}")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise QCAError(f"{what} names a column more than once: {', '.join(dup)}")
    unknown = [n for n in names if n not in columns]
    if unknown:
        raise QCAError(
            f"{what}: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"the data has {', '.join(map(repr, columns))}"
        )
    return names


def check_frame(data: object) -> pd.DataFrame:
    """A DataFrame with at least one row and distinct column names, columns as str."""
    if not isinstance(data, pd.DataFrame):
        raise QCAError(f"data must be a pandas DataFrame; got {type(data).__name__}")
    if data.shape[0] == 0:
        raise QCAError("data has no rows (cases)")
    columns = [str(c) for c in data.columns]
    if len(set(columns)) != len(columns):
        dup = sorted({c for c in columns if columns.count(c) > 1})
        raise QCAError(f"data has duplicate column names: {', '.join(dup)}")
    if all(isinstance(c, str) for c in data.columns):
        return data
    return data.set_axis(columns, axis=1)


def check_data(data: pd.DataFrame, columns: Sequence[str], *, role: str = "condition") -> DataSpec:
    """Validate the given columns of ``data`` for a QCA analysis.

    Each column must be numeric with no missing values, and either a fuzzy/crisp membership in
    [0, 1] or a multi-value condition coded 0, 1, 2, ... A membership of exactly 0.5 is allowed with
    a warning, because such a case belongs to no truth-table row (Ragin 2008, p. 30).
    """
    data = check_frame(data)
    columns = list(columns)
    dtypes = data.dtypes
    for name in columns:
        dtype = dtypes[name]
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            bad = next((v for v in data[name] if not _is_number(v)), None)
            raise QCAError(
                f"{role} column {name!r} is not numeric (found value {bad!r}); "
                "QCA needs set memberships in [0, 1] or multi-value levels 0, 1, 2, ..."
            )
    x = np.vstack([data[name].to_numpy(dtype=float, na_value=np.nan) for name in columns])
    return check_matrix(x, columns, role=role, index=data.index)


def check_matrix(
    x: np.ndarray, columns: Sequence[str], *, role: str = "condition", index: Sequence | None = None
) -> DataSpec:
    """Validate a (columns x cases) float matrix of memberships or multi-value levels."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[0] != len(columns):
        raise QCAError(f"expected {len(columns)} {role} column(s); got an array of shape {x.shape}")
    if x.shape[1] == 0:
        raise QCAError("data has no rows (cases)")
    if not np.isfinite(x).all():
        j = int(np.flatnonzero(~np.isfinite(x).all(axis=1))[0])
        missing = np.isnan(x[j])
        if missing.any():
            where = np.flatnonzero(missing)[:5]
            rows = [index[i] for i in where] if index is not None else where.tolist()
            raise QCAError(
                f"{role} column {columns[j]!r} has {int(missing.sum())} missing value(s) "
                f"(rows {rows}); remove or impute them first"
            )
        raise QCAError(f"{role} column {columns[j]!r} has infinite values")
    lows, highs = x.min(axis=1), x.max(axis=1)
    integral = (x == np.round(x)).all(axis=1)
    values: dict[str, np.ndarray] = {}
    levels: dict[str, int] = {}
    fuzzy: dict[str, bool] = {}
    for j, name in enumerate(columns):
        if lows[j] < 0:
            raise QCAError(
                f"{role} column {name!r} has negative values (min {lows[j]:g}); "
                "memberships must lie in [0, 1]"
            )
        if highs[j] > 1 and not integral[j]:
            raise QCAError(
                f"{role} column {name!r} has values outside [0, 1] (max {highs[j]:g}) that are not "
                "multi-value levels; calibrate it first (qca.calibrate)"
            )
        levels[name] = int(highs[j]) + 1 if highs[j] > 1 else 2
        fuzzy[name] = not integral[j]
        values[name] = x[j]
    return DataSpec(values, levels, fuzzy)


def check_condition_count(conditions: Sequence[str]) -> None:
    if len(conditions) < 1:
        raise QCAError("at least one condition is needed")
    if len(conditions) > MAX_CONDITIONS:
        raise QCAError(
            f"too many conditions: {len(conditions)} given, at most {MAX_CONDITIONS} are supported"
        )


def warn_half_memberships(spec: DataSpec, columns: Sequence[str]) -> None:
    for name in columns:
        if spec.fuzzy[name]:
            k = int(np.sum(spec.values[name] == 0.5))
            if k:
                warnings.warn(
                    f"condition {name!r} has {k} case(s) with membership exactly 0.5; they belong to "
                    "no truth-table row (recalibrate with a crossover that avoids 0.5)",
                    HalfMembershipWarning,
                    stacklevel=3,
                )


def check_fraction(value: float, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise QCAError(f"{name} must be a number in [0, 1]; got {value!r}") from None
    if not 0.0 <= v <= 1.0:
        raise QCAError(f"{name} must be in [0, 1]; got {value!r}")
    return v


def check_cut(incl_cut: float | Sequence[float]) -> tuple[float, float]:
    """Return (ic1, ic0) from a single inclusion cut-off or a pair."""
    if np.ndim(incl_cut) == 0:
        ic1 = ic0 = check_fraction(cast(float, incl_cut), "incl_cut")
    else:
        vals = list(cast(Sequence[float], incl_cut))
        if len(vals) != 2:
            raise QCAError(f"incl_cut must be a number or a pair (ic1, ic0); got {incl_cut!r}")
        ic1 = check_fraction(vals[0], "incl_cut[0] (ic1)")
        ic0 = check_fraction(vals[1], "incl_cut[1] (ic0)")
        if ic0 > ic1:
            raise QCAError(f"incl_cut must satisfy ic0 <= ic1; got ic1={ic1}, ic0={ic0}")
    return ic1, ic0


def _is_number(v: object) -> bool:
    try:
        float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True
