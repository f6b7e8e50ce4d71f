"""Data preparation for Coincidence Analysis: configurations, factor values and literals.

Mirrors what R's ``cna::configTable`` does before ``cna()`` searches (cna 4.0, Ambühl & Baumgartner):
identical cases are merged into configurations with a frequency, the data type is detected
(crisp ``cs``, multi-value ``mv``, fuzzy ``fs``), ``notcols`` negates columns and fuzzy values are
rounded at ``cutoff`` to decide which configurations are instantiated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import QCAError

__all__ = ["CNAError", "CNAData", "prepare_data", "literal_name"]


class CNAError(QCAError):
    """Bad input to a Coincidence Analysis function (qca.cna)."""


def _negated_name(name: str) -> str:
    """cna's name for factor ``name`` at value 0: lower case when that is unambiguous."""
    low = name.lower()
    if name == name.upper() and low != name:
        return low
    return "~" + name


def literal_name(name: str, value: int, dtype: str) -> str:
    """The string of one literal: ``A``/``a`` (cs, fs) or ``A=2`` (mv)."""
    if dtype == "mv":
        return f"{name}={value}"
    return name if value == 1 else _negated_name(name)


@dataclass(frozen=True)
class CNAData:
    """Configurations of a data set as cna analyses them.

    Attributes
    ----------
    factors : tuple of str
        Factor (column) names.
    dtype : {"cs", "mv", "fs"}
    values : tuple of tuple of int
        The values each factor can take (cs/fs: 0 and 1; mv: the values found in the data).
    scores : ndarray, shape (n_configs, n_factors)
        One row per distinct configuration (raw memberships for fs).
    crisp : ndarray of int, shape (n_configs, n_factors)
        The configurations with fuzzy values rounded at the cutoff (equal to ``scores`` for cs/mv).
    weights : ndarray, shape (n_configs,)
        Number of cases in each configuration.
    lit_factor, lit_value : ndarray of int
        Factor index and value of every literal.
    lit_names : tuple of str
    memb : ndarray, shape (n_literals, n_configs)
        Membership of every configuration in every literal.
    inst : ndarray of bool, shape (n_literals, n_configs)
        The literal holds in the rounded configuration.
    notcols : tuple of str
        Factors whose negation is the default outcome. cna negates these columns and writes
        results in the original names, which is the same as taking value 0 as the outcome.
    """

    factors: tuple[str, ...]
    dtype: str
    values: tuple[tuple[int, ...], ...]
    scores: np.ndarray = field(repr=False)
    crisp: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    lit_factor: np.ndarray = field(repr=False)
    lit_value: np.ndarray = field(repr=False)
    lit_names: tuple[str, ...] = field(repr=False)
    memb: np.ndarray = field(repr=False)
    inst: np.ndarray = field(repr=False)
    notcols: tuple[str, ...] = ()
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_configs(self) -> int:
        return len(self.weights)

    def literal(self, factor: int, value: int) -> int:
        """Index of the literal ``factor = value``."""
        hit = np.flatnonzero((self.lit_factor == factor) & (self.lit_value == value))
        if hit.size == 0:
            raise CNAError(
                f"factor {self.factors[factor]!r} has no value {value} (values: {list(self.values[factor])})"
            )
        return int(hit[0])

    def parse_literal(self, text: str) -> int:
        """Literal index of ``A``, ``a``, ``~A``, ``!A``, ``A=1`` (names as in the data)."""
        s = text.strip()
        if "=" in s:
            name, _, val = s.partition("=")
            name = name.strip()
            if name not in self.factors:
                raise CNAError(f"unknown factor {name!r} in {text!r}; factors: {list(self.factors)}")
            try:
                v = int(float(val))
            except ValueError:
                raise CNAError(f"value of {text!r} is not an integer") from None
            return self.literal(self.factors.index(name), v)
        neg = s.startswith(("~", "!", "-"))
        name = s[1:].strip() if neg else s
        if name in self.factors:
            f = self.factors.index(name)
            if self.dtype == "mv":
                raise CNAError(f"multi-value literal {text!r} needs a value, e.g. {name}=1")
            return self.literal(f, 0 if neg else 1)
        if not neg and self.dtype != "mv":
            for f, fac in enumerate(self.factors):
                if _negated_name(fac) == s:
                    return self.literal(f, 0)
        raise CNAError(f"unknown factor or value {text!r}; factors: {list(self.factors)}")


def _detect_type(x: np.ndarray) -> str:
    if np.all((x == 0) | (x == 1)):
        return "cs"
    if np.all(x == np.round(x)):
        return "mv"
    return "fs"


def prepare_data(
    data: pd.DataFrame | Mapping[str, np.ndarray],
    *,
    dtype: str = "auto",
    frequency: Sequence[float] | np.ndarray | None = None,
    case_cutoff: float = 0,
    notcols: Sequence[str] | str | None = None,
    rm_const_factors: bool = False,
    cutoff: float = 0.5,
    border: str = "up",
) -> CNAData:
    """Merge cases into configurations and build the literal memberships.

    Semantics of R's ``configTable`` (cna 4.0): ``frequency`` gives case weights (one per row),
    configurations with fewer than ``case_cutoff`` cases are dropped, ``notcols`` (a list of
    columns or ``"all"``) makes value 0 of a cs/fs factor its default outcome, fuzzy values equal to
    ``cutoff`` are rounded up (``border="up"``) or down, or such cases dropped (``"drop"``).
    """
    if isinstance(data, Mapping):  # column name -> array: skips pandas in simulation loops
        try:
            factors = tuple(str(c) for c in data)
            x = np.column_stack([np.asarray(v, dtype=float) for v in data.values()]) if data else None
        except (TypeError, ValueError):
            raise CNAError(
                "every column of data must be numeric (0/1, integer values or memberships)"
            ) from None
        if x is None or x.ndim != 2:
            raise CNAError("data needs at least two factors (columns) of equal length")
    elif isinstance(data, pd.DataFrame):
        factors = tuple(str(c) for c in data.columns)
        try:
            x = data.to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise CNAError(
                "every column of data must be numeric (0/1, integer values or memberships)"
            ) from None
    else:
        raise CNAError(f"data must be a pandas DataFrame or a mapping of columns, got {type(data).__name__}")
    if x.shape[1] < 2:
        raise CNAError(f"data needs at least two factors (columns), got {x.shape[1]}")
    if x.shape[0] == 0:
        raise CNAError("data has no rows")
    if len(set(factors)) != len(factors):
        raise CNAError("data has duplicate column names")
    if not np.all(np.isfinite(x)):
        raise CNAError("data has missing or infinite values; remove or impute them first")
    if np.any(x < 0):
        raise CNAError("data has negative values; factor values must be >= 0")
    if dtype == "auto":
        dtype = _detect_type(x)
    if dtype not in ("cs", "mv", "fs"):
        raise CNAError(f"type must be 'auto', 'cs', 'mv' or 'fs', got {dtype!r}")
    if dtype == "cs" and not np.all((x == 0) | (x == 1)):
        raise CNAError("type='cs' needs 0/1 data")
    if dtype == "mv" and not np.all(x == np.round(x)):
        raise CNAError("type='mv' needs integer data")
    if dtype == "fs" and np.any(x > 1):
        raise CNAError("type='fs' needs memberships in [0, 1]")
    if border not in ("up", "down", "drop"):
        raise CNAError(f"border must be 'up', 'down' or 'drop', got {border!r}")
    if not 0 < cutoff < 1:
        raise CNAError(f"cutoff must lie strictly between 0 and 1, got {cutoff}")
    w = np.ones(len(x)) if frequency is None else np.asarray(frequency, dtype=float)
    if w.shape != (len(x),) or np.any(w < 0) or not np.all(np.isfinite(w)):
        raise CNAError("frequency must give one non-negative number per row of data")
    negated: tuple[str, ...] = ()
    if notcols is not None:
        if dtype == "mv":
            raise CNAError("notcols applies to crisp and fuzzy data only")
        cols = list(factors) if notcols == "all" else [notcols] if isinstance(notcols, str) else list(notcols)
        for c in cols:
            if c not in factors:
                raise CNAError(f"notcols names unknown column {c!r}")
        negated = tuple(cols)
    if dtype == "fs" and border == "drop":
        keep = ~np.any(x == cutoff, axis=1)
        x, w = x[keep], w[keep]
    # merge identical cases into configurations (order of first appearance, like configTable)
    if dtype != "fs":
        # integer rows: one mixed-radix key per row makes the merge a 1-D unique (much faster)
        xi = x.astype(np.int64)
        radix = xi.max(axis=0) + 1
        if float(np.prod(radix.astype(float))) < 2**62:
            key = np.zeros(len(xi), dtype=np.int64)
            for j in range(xi.shape[1]):
                key = key * radix[j] + xi[:, j]
            _, first, inv = np.unique(key, return_index=True, return_inverse=True)
            uniq = x[first]
        else:
            uniq, first, inv = np.unique(x, axis=0, return_index=True, return_inverse=True)
    else:
        uniq, first, inv = np.unique(x, axis=0, return_index=True, return_inverse=True)
    inv = inv.ravel()
    wsum = np.bincount(inv, weights=w, minlength=len(uniq))
    order = np.argsort(first, kind="stable")
    uniq, wsum = uniq[order], wsum[order]
    keep = wsum >= max(case_cutoff, 0) if case_cutoff > 0 else wsum > 0
    uniq, wsum = uniq[keep], wsum[keep]
    if len(uniq) == 0:
        raise CNAError("no configuration is left after case_cutoff")
    if rm_const_factors:
        nonconst = np.ptp(uniq, axis=0) > 0
        uniq = uniq[:, nonconst]
        factors = tuple(f for f, k in zip(factors, nonconst) if k)
        if len(factors) < 2:
            raise CNAError("fewer than two non-constant factors are left")
    if dtype == "fs":
        crisp = (uniq >= cutoff if border == "up" else uniq > cutoff).astype(int)
    else:
        crisp = uniq.astype(int)
    if dtype == "mv":
        values = tuple(tuple(int(v) for v in np.unique(uniq[:, j])) for j in range(len(factors)))
    else:
        values = tuple((0, 1) for _ in factors)
    lf, lv, names, memb, inst = [], [], [], [], []
    for j, fac in enumerate(factors):
        vals = values[j] if dtype == "mv" else (1, 0)
        for v in vals:
            lf.append(j)
            lv.append(v)
            names.append(literal_name(fac, v, dtype))
            if dtype == "mv":
                memb.append((uniq[:, j] == v).astype(float))
            else:
                memb.append(uniq[:, j] if v == 1 else 1 - uniq[:, j])
            inst.append(crisp[:, j] == v)
    return CNAData(
        factors=factors,
        dtype=dtype,
        values=values,
        scores=uniq,
        crisp=crisp,
        weights=wsum,
        lit_factor=np.array(lf),
        lit_value=np.array(lv),
        lit_names=tuple(names),
        memb=np.array(memb, dtype=float),
        inst=np.array(inst, dtype=bool),
        notcols=tuple(c for c in negated if c in factors),
    )
