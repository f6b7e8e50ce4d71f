"""Truth tables for crisp, multi-value and fuzzy sets, as R's QCA ``truthTable()``.

A case belongs to the configuration (row) in which its membership exceeds 0.5: for crisp and
multi-value conditions its observed values, for fuzzy ones ``x > 0.5`` (Ragin 2008, ch. 7). The
inclusion (consistency) and PRI of a row are computed over *all* cases from their fuzzy
membership in the row (minimum over the row's literals).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ._display import Report, Table, fmt_number
from ._validation import (
    DataSpec,
    check_condition_count,
    check_cut,
    check_data,
    check_fraction,
    check_frame,
    check_matrix,
    check_names,
    public_api,
    warn_half_memberships,
)
from .exceptions import QCAError
from .expressions import Expression, literal_membership, parse

__all__ = ["TruthTable", "truth_table", "truth_table_from_arrays", "truth_tables_from_arrays", "TOLERANCE"]

#: Cut-offs are compared with this absolute tolerance, as R's QCA compares with
#: ``sqrt(.Machine$double.eps)``, so that an inclusion of 0.8 computed as 0.79999999 passes 0.8.
TOLERANCE = float(np.sqrt(np.finfo(float).eps))

#: Largest number of configurations listed with ``complete=True``.
MAX_COMPLETE_ROWS = 2**20


@dataclass(frozen=True)
class TruthTable:
    """A truth table and everything needed to minimize it and to compute fit on its data.

    Attributes
    ----------
    rows : DataFrame
        One row per configuration with n >= 1 (every configuration with ``complete=True``),
        indexed by R's row number (1-based mixed-radix index, first condition most significant);
        columns: each condition, ``OUT`` ("1", "0", "C", "?"), ``n``, ``incl``, ``PRI``, ``cases``.
    conditions : tuple of str
    outcome : str
        The outcome as given, e.g. ``"SURV"``, ``"~SURV"`` or ``"Y[2]"``.
    levels : tuple of int
        Number of levels of each condition (2 for crisp and fuzzy).
    """

    conditions: tuple[str, ...]
    outcome: str
    levels: tuple[int, ...]
    incl_cut: tuple[float, float]
    n_cut: int
    pri_cut: float
    exclude: frozenset[int]
    row_ids: np.ndarray = field(repr=False)
    configs: np.ndarray = field(repr=False)
    out_codes: np.ndarray = field(repr=False)
    n: np.ndarray = field(repr=False)
    incl: np.ndarray = field(repr=False)
    pri: np.ndarray = field(repr=False)
    case_rows: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)
    case_index: pd.Index = field(repr=False)
    outcome_membership: np.ndarray = field(repr=False)
    fuzzy: tuple[bool, ...] = ()
    recoded: tuple[int, ...] = ()
    sort_by: tuple[str, ...] = ()

    @property
    def multivalue(self) -> bool:
        return any(n > 2 for n in self.levels)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The truth table: one row per listed configuration, indexed by R's row number."""
        columns: dict[str, object] = {c: self.configs[:, j] for j, c in enumerate(self.conditions)}
        columns.update(
            OUT=self.out_codes.copy(),
            n=self.n.copy(),
            incl=self.incl.copy(),
            PRI=self.pri.copy(),
            cases=self._case_lists(),
        )
        return pd.DataFrame(columns, index=pd.Index(self.row_ids, name="row"))

    def _case_lists(self) -> list[str]:
        """Comma-separated names of the cases in each listed row."""
        names = self.case_index.astype(str).to_numpy()
        order = np.argsort(self.case_rows, kind="stable")
        ids = self.case_rows[order]
        starts = np.searchsorted(ids, self.row_ids, "left")
        ends = np.searchsorted(ids, self.row_ids, "right")
        return [",".join(names[order[a:b]]) for a, b in zip(starts, ends)]

    @cached_property
    def data(self) -> pd.DataFrame:
        """The analysed condition memberships, one column per condition, cases as in the input."""
        return pd.DataFrame(self.values.T, index=self.case_index, columns=list(self.conditions))

    def configs_with(self, *outs: str) -> np.ndarray:
        """Configurations of the listed rows whose OUT is one of ``outs``.

        Raises :class:`~qca.QCAError` if :attr:`rows` was edited in place (see :meth:`recode`).
        """
        self.check_unedited()
        return self.configs[np.isin(self.out_codes, outs)]

    @cached_property
    def excluded_configs(self) -> np.ndarray:
        """Configurations of excluded rows that are not listed (remainders coded as negative)."""
        listed = set(self.row_ids.tolist())
        extra = sorted(r for r in self.exclude if r not in listed)
        return row_configs(np.asarray(extra, dtype=np.int64), self.levels)

    def condition_memberships(self) -> np.ndarray:
        """Case memberships in every condition, shape (n_conditions, n_cases)."""
        return self.values

    # -- recoding -------------------------------------------------------------------------

    def recode(self, rows: int | Iterable[int], value: str | int) -> TruthTable:
        """A copy of the truth table with the OUT of ``rows`` set to ``value``.

        The explicit form of R users' ``tt$tt$OUT[rows] <- value``: :func:`qca.minimize`
        honours the new codes. ``rows`` (in :attr:`rows` and :attr:`row_ids`) stays a
        read-only view; editing it raises :class:`~qca.QCAError` at the next use.

        Parameters
        ----------
        rows : int or iterable of int
            R's row numbers. Listed rows take the new code; a remainder that is not listed can
            only be recoded to "0" (it is then excluded, as ``exclude=`` of :func:`truth_table`).
        value : {"1", "0", "C", "?"} or 0 / 1
            The new OUT code.

        Returns
        -------
        TruthTable

        Examples
        --------
        >>> import pandas as pd
        >>> d = pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 1, 0, 1], "Y": [0, 1, 1, 1]})
        >>> truth_table(d, "Y").recode(4, "0").rows["OUT"].tolist()
        ['0', '1', '1', '0']
        """
        code = str(value).strip()
        if code not in ("1", "0", "C", "?"):
            raise QCAError(f'recode: value must be "1", "0", "C" or "?"; got {value!r}')
        numbers = [rows] if isinstance(rows, int | np.integer) else list(rows)
        try:
            numbers = sorted({int(r) for r in numbers})
        except (TypeError, ValueError):
            raise QCAError(f"recode: rows must be truth-table row numbers; got {rows!r}") from None
        n_space = int(np.prod(np.asarray(self.levels, dtype=float)))
        bad = [r for r in numbers if not 1 <= r <= n_space]
        if bad:
            raise QCAError(f"recode: row numbers must be between 1 and {n_space}; got {bad}")
        listed = np.isin(numbers, self.row_ids)
        unlisted = [r for r, ok in zip(numbers, listed) if not ok]
        if unlisted and code != "0":
            raise QCAError(
                f"recode: rows {unlisted} are unobserved remainders; they can only be coded "
                f'"0" (excluded), not {code!r}'
            )
        out = self.out_codes.copy()
        out[np.isin(self.row_ids, numbers)] = code
        return dataclasses.replace(
            self,
            out_codes=out,
            exclude=self.exclude | frozenset(unlisted),
            recoded=tuple(sorted({*self.recoded, *numbers})),
        )

    def check_unedited(self) -> None:
        """Raise :class:`~qca.QCAError` if the OUT column of :attr:`rows` was edited in place.

        :attr:`rows` is a view for reading; an edit there would not reach the minimization,
        so it is refused instead of being silently ignored. Use :meth:`recode`.
        """
        shown = self.__dict__.get("rows")
        if shown is None:
            return
        try:
            same = shown.index.equals(pd.Index(self.row_ids)) and np.array_equal(
                shown["OUT"].astype(str).to_numpy(), self.out_codes.astype(str)
            )
        except (KeyError, ValueError):
            same = False
        if not same:
            changed = []
            if "OUT" in shown and shown.index.equals(pd.Index(self.row_ids)):
                diff = shown["OUT"].astype(str).to_numpy() != self.out_codes.astype(str)
                changed = [int(r) for r in self.row_ids[diff]]
            where = f" (rows {changed})" if changed else ""
            raise QCAError(
                f"tt.rows was edited{where}, but it is a read-only view of the truth table; "
                "recode rows explicitly, e.g. tt = tt.recode([3, 7], '0'), then minimize(tt)"
            )

    # -- display -------------------------------------------------------------------------

    def sorted_rows(
        self, sort_by: str | Sequence[str] | None = None, decreasing: bool = True
    ) -> pd.DataFrame:
        """The rows ordered as R's ``sort.by`` (e.g. ``["incl", "n"]``, decreasing by default).

        ``"OUT"`` sorts "1" before "C" before "0" before "?" when decreasing.
        """
        by = self.sort_by if sort_by is None else ([sort_by] if isinstance(sort_by, str) else list(sort_by))
        frame = self.rows.copy()
        if not by:
            return frame
        bad = [b for b in by if b not in ("OUT", "n", "incl", "PRI", *self.conditions)]
        if bad:
            raise QCAError(f"sort_by: unknown column(s) {bad}; use OUT, n, incl, PRI or a condition")
        keys = frame[list(by)].copy()
        if "OUT" in by:
            keys["OUT"] = keys["OUT"].map({"?": 0, "0": 1, "C": 2, "1": 3})
        keys = keys.fillna(-1.0)
        sign = -1.0 if decreasing else 1.0
        # np.lexsort sorts by the last key first; ties keep the row-number order.
        order = np.lexsort(
            [np.arange(len(frame))] + [sign * keys[b].to_numpy(dtype=float) for b in reversed(by)]
        )
        return frame.iloc[order]

    def summary(
        self,
        sort_by: str | Sequence[str] | None = None,
        show_cases: bool = True,
        decreasing: bool = True,
    ) -> Report:
        """The truth table as R prints it (text via ``str()``, HTML in Jupyter).

        Parameters
        ----------
        sort_by : str or sequence of str, optional
            Columns to order the rows by (R's ``sort.by``), e.g. ``["incl", "n"]``; defaults to
            the ``sort_by`` given to :func:`truth_table`, else row-number order.
        show_cases : bool
            Add the cases column (R's ``show.cases``); case lists are never cut.
        decreasing : bool
            Sort in decreasing order (R's default).
        """
        ic1, ic0 = self.incl_cut
        cut = f"{ic1:g}" if ic1 == ic0 else f"{ic1:g} / {ic0:g}"
        shown = self.sorted_rows(sort_by, decreasing)
        if not show_cases:
            shown = shown.drop(columns="cases")
        counts = self.rows["OUT"].value_counts()
        notes = []
        if counts.get("C", 0):
            notes.append(f"{counts['C']} contradictory row(s) (OUT = C)")
        n_space = int(np.prod(np.asarray(self.levels, dtype=float)))
        n_rem = n_space - int((self.rows["n"] >= max(self.n_cut, 1)).sum())
        if n_rem:
            notes.append(f"{n_rem} of {n_space} configurations are logical remainders")
        if self.exclude:
            notes.append(f"rows excluded (coded 0): {', '.join(map(str, sorted(self.exclude)))}")
        if self.recoded:
            notes.append(f"rows recoded by hand (recode): {', '.join(map(str, self.recoded))}")
        return Report(
            title=f"Truth table: outcome {self.outcome}, conditions {', '.join(self.conditions)}",
            header=(
                ("incl.cut", cut),
                ("n.cut", str(self.n_cut)),
                ("pri.cut", f"{self.pri_cut:g}"),
                ("cases", str(self.data.shape[0])),
            ),
            blocks=(Table(shown, cell=_tt_cell),),
            notes=tuple(notes),
        )

    def to_frame(self) -> pd.DataFrame:
        """The truth table as a tidy DataFrame (a copy of :attr:`rows`)."""
        return self.rows.copy()

    def __str__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def _tt_cell(value: object) -> str:
    """Truth-table cell: incl and PRI with 3 decimals, "-" where a row has no cases."""
    if isinstance(value, float) and np.isnan(value):
        return "-"
    return fmt_number(value, 3)


def row_numbers(configs: np.ndarray, levels: Sequence[int]) -> np.ndarray:
    """R's truth-table row numbers (1-based, first condition most significant)."""
    weights = np.cumprod([1, *list(levels)[:0:-1]])[::-1]
    return configs @ weights + 1


def row_configs(numbers: np.ndarray, levels: Sequence[int]) -> np.ndarray:
    """Inverse of :func:`row_numbers`."""
    idx = np.asarray(numbers, dtype=np.int64) - 1
    out = np.empty((idx.size, len(levels)), dtype=np.int64)
    for j in range(len(levels) - 1, -1, -1):
        out[:, j] = idx % levels[j]
        idx = idx // levels[j]
    return out


def case_configs(values: np.ndarray, levels: Sequence[int], fuzzy: Sequence[bool]) -> np.ndarray:
    """Configuration of each case (cases x conditions); -1 where a fuzzy membership is exactly 0.5."""
    cfg = np.where(np.asarray(fuzzy)[:, None], (values > 0.5).astype(np.int64), values.astype(np.int64)).T
    half = (values == 0.5) & np.asarray(fuzzy)[:, None]
    cfg[half.T] = -1
    return cfg


def row_memberships(configs: np.ndarray, values: np.ndarray, levels: Sequence[int]) -> np.ndarray:
    """Fuzzy membership of every case in every row or cube (-1 = condition absent): (rows, cases)."""
    n_rows, n_cases = configs.shape[0], values.shape[1]
    out = np.ones((n_rows, n_cases))
    for j, n_levels in enumerate(levels):
        fixed = configs[:, j] >= 0
        if not fixed.any():
            continue
        table = np.vstack([literal_membership(values[j], frozenset({v}), n_levels) for v in range(n_levels)])
        out[fixed] = np.minimum(out[fixed], table[configs[fixed, j]])
    return out


def _outcome_literal(outcome: str) -> Expression:
    if not isinstance(outcome, str) or not outcome.strip():
        raise QCAError(f"outcome must be a column name such as 'Y' or '~Y'; got {outcome!r}")
    expr = parse(outcome)
    if len(expr.terms) != 1 or len(expr.terms[0]) != 1:
        raise QCAError(f"outcome must be a single column or literal ('Y', '~Y', 'Y[2]'); got {outcome!r}")
    return expr


def _outcome(outcome: str, data: pd.DataFrame, conditions: Sequence[str]) -> tuple[np.ndarray, str]:
    """Outcome membership from a column name or literal ("Y", "~Y", "Y[2]")."""
    expr = _outcome_literal(outcome)
    name, vals = expr.terms[0].literals[0]
    check_names([name], list(data.columns), "outcome")
    if name in conditions:
        raise QCAError(f"the outcome {name!r} is also listed among the conditions")
    spec = check_data(data, [name], role="outcome")
    n_levels = spec.levels[name]
    if n_levels > 2 and vals == {1} and "[" not in outcome:
        raise QCAError(
            f"outcome {name!r} is multi-value (levels 0..{n_levels - 1}); name the level, e.g. '{name}[1]'"
        )
    return literal_membership(spec.values[name], vals, n_levels), name


def outcome_and_conditions(
    data: pd.DataFrame, outcome: str, conditions: Sequence[str] | str | None
) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """Validated data frame, condition names (default: every other column) and outcome membership."""
    data = check_frame(data)
    columns = list(data.columns)
    outcome_name = _outcome_literal(outcome).conditions[0]
    if conditions is None:
        conditions = [c for c in columns if c != outcome_name]
    conditions = check_names(conditions, columns, "conditions")
    check_condition_count(conditions)
    y, _ = _outcome(outcome, data, conditions)
    return data, conditions, y


@public_api
def truth_table(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | str | None = None,
    incl_cut: float | Sequence[float] = 1.0,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    exclude: Iterable[int] | None = None,
    complete: bool = False,
    sort_by: str | Sequence[str] | None = None,
) -> TruthTable:
    """Build the truth table of ``outcome`` on ``conditions``, as R's QCA ``truthTable()``.

    Parameters
    ----------
    data : DataFrame
        Cases in rows; crisp (0/1), multi-value (0, 1, 2, ...) or fuzzy ([0, 1]) columns.
    outcome : str
        Outcome column, possibly negated (``"~Y"``) or a multi-value level (``"Y[2]"``).
    conditions : sequence of str, optional
        Defaults to every other column.
    incl_cut : float or (ic1, ic0)
        Rows with incl >= ic1 get OUT "1"; rows with ic0 <= incl < ic1 are contradictions "C".
    n_cut : int
        Rows with fewer cases are logical remainders ("?").
    pri_cut : float
        PRI only decides "1": a row with incl >= ic1 gets "1" when its PRI reaches ``pri_cut``
        and "0" otherwise; a row with ic0 <= incl < ic1 is "C" whatever its PRI (R's rule).
    exclude : iterable of int, optional
        Row numbers coded as negative (OUT "0"), e.g. untenable remainders (ESA).
    complete : bool
        List every configuration, remainders included.
    sort_by : str or sequence of str, optional
        Order in which the table is printed (R's ``sort.by``), e.g. ``["incl", "n"]``,
        decreasing; :attr:`TruthTable.rows` keeps row-number order.

    Returns
    -------
    TruthTable

    References
    ----------
    Ragin, C. C. (2008). *Redesigning Social Inquiry*, ch. 7. University of Chicago Press.
    Dusa, A. (2019). *QCA with R*, ch. 7. Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 1, 0, 1], "Y": [0, 1, 1, 1]})
    >>> truth_table(d, "Y", ["A", "B"]).rows["OUT"].tolist()
    ['0', '1', '1', '1']
    """
    data, conditions, y = outcome_and_conditions(data, outcome, conditions)
    spec = check_data(data, conditions)
    tt = _from_spec(
        spec, y, conditions, outcome.strip(), data.index, incl_cut, n_cut, pri_cut, exclude, complete
    )
    if sort_by is None:
        return tt
    order = (sort_by,) if isinstance(sort_by, str) else tuple(sort_by)
    tt = dataclasses.replace(tt, sort_by=order)
    tt.sorted_rows()  # validates the column names
    return tt


def truth_table_from_arrays(
    x: np.ndarray,
    y: np.ndarray,
    conditions: Sequence[str],
    outcome: str = "Y",
    incl_cut: float | Sequence[float] = 1.0,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    exclude: Iterable[int] | None = None,
    complete: bool = False,
    case_names: Sequence[str] | None = None,
) -> TruthTable:
    """:func:`truth_table` for data already held in arrays, without pandas overhead.

    Parameters
    ----------
    x : array (n_cases, n_conditions)
        Crisp, multi-value or fuzzy condition values, columns in the order of ``conditions``.
    y : array (n_cases,)
        Outcome membership in [0, 1] (already negated if the outcome is ``~Y``).
    outcome : str
        The outcome's label, used in printed output only.

    Other parameters are those of :func:`truth_table`. Simulation studies call this thousands
    of times; the same checks apply (missing values, ranges, cut-offs).
    """
    conditions = list(conditions)
    if len(set(conditions)) != len(conditions):
        raise QCAError(f"conditions name a column more than once: {conditions}")
    check_condition_count(conditions)
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != len(conditions):
        raise QCAError(f"x must have shape (n_cases, {len(conditions)}); got {x.shape}")
    spec = check_matrix(x.T, conditions)
    y_spec = check_matrix(np.asarray(y, dtype=float)[None, :], [outcome], role="outcome")
    if y_spec.levels[outcome] > 2 or y.shape[0] != x.shape[0]:
        raise QCAError(f"y must hold {x.shape[0]} memberships in [0, 1]")
    index = pd.RangeIndex(x.shape[0]) if case_names is None else pd.Index(case_names)
    return _from_spec(
        spec, y_spec.values[outcome], conditions, outcome, index, incl_cut, n_cut, pri_cut, exclude, complete
    )


def truth_tables_from_arrays(
    x: np.ndarray,
    y: np.ndarray,
    conditions: Sequence[str],
    outcome: str = "Y",
    incl_cut: float | Sequence[float] = 1.0,
    n_cut: int = 1,
    pri_cut: float = 0.0,
) -> list[TruthTable]:
    """The truth tables of many data sets of the same shape at once (a simulation's replications).

    Equal, table for table, to ``truth_table_from_arrays(x[r], y[r], ...)`` for every ``r``
    (every number computed in the same order, so bit for bit), but the cases of all data sets
    are assigned to rows, counted and scored in one pass of array operations.

    Parameters
    ----------
    x : array (n_sets, n_cases, n_conditions)
        Crisp or fuzzy condition memberships of each data set.
    y : array (n_sets, n_cases)
        Outcome memberships in [0, 1].

    Other parameters are those of :func:`truth_table_from_arrays`. A data set with multi-value
    conditions, or any input that :func:`truth_table_from_arrays` would reject, is handed to it
    (same tables, same errors and warnings).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    conditions = list(conditions)

    def one_by_one() -> list[TruthTable]:
        return [truth_table_from_arrays(a, b, conditions, outcome, incl_cut, n_cut, pri_cut)
                for a, b in zip(x, y)]

    if x.ndim != 3 or y.shape != x.shape[:2] or x.shape[2] != len(conditions) or x.shape[1] == 0:
        return one_by_one()
    finite = np.isfinite(x).all(axis=(1, 2)) & np.isfinite(y).all(axis=1)
    values = np.ascontiguousarray(x.transpose(0, 2, 1))  # (sets, conditions, cases)
    lows, highs = values.min(axis=2), values.max(axis=2)  # (sets, conditions)
    integral = (values == np.round(values)).all(axis=2)
    simple = finite & (lows >= 0).all(axis=1) & (highs <= 1).all(axis=1)
    simple &= (y >= 0).all(axis=1) & (y <= 1).all(axis=1)
    if len(set(conditions)) != len(conditions) or not simple.all():
        # Multi-value levels or bad input: the one-table path decides (and says what is wrong).
        return one_by_one()
    check_condition_count(conditions)
    ic1, ic0 = check_cut(incl_cut)
    pri_cut = check_fraction(pri_cut, "pri_cut")
    if not isinstance(n_cut, int | np.integer) or n_cut < 1:
        raise QCAError(f"n_cut must be a whole number >= 1; got {n_cut!r}")
    n_sets, n_cases, k = x.shape
    levels = (2,) * k
    fuzzy_sets = ~integral  # (sets, conditions)
    half = (values == 0.5) & fuzzy_sets[:, :, None]
    if half.any():
        for h in np.flatnonzero(half.any(axis=(1, 2))).tolist():
            spec = DataSpec(dict(zip(conditions, values[h])), dict.fromkeys(conditions, 2),
                            dict(zip(conditions, fuzzy_sets[h].tolist())))
            warn_half_memberships(spec, conditions)
    cfg = np.where(fuzzy_sets[:, :, None], values > 0.5, values).astype(np.int64)
    cfg[half] = -1
    assigned = (cfg >= 0).all(axis=1)  # (sets, cases)
    weights = 1 << np.arange(k - 1, -1, -1, dtype=np.int64)
    numbers = np.einsum("rjc,j->rc", cfg, weights) + 1
    numbers[~assigned] = -1
    n_space = 1 << k
    # Rows of every set at once: key = set * 2^k + row number - 1, sorted by set, then row.
    keys = (np.arange(n_sets, dtype=np.int64)[:, None] * n_space + numbers - 1)[assigned]
    n_keys = n_sets * n_space
    dense = n_keys <= 4 * keys.size + 4096
    if dense:  # count every row of every set: no sort, no search (the same rows and counts)
        per_key = np.bincount(keys, minlength=n_keys)
        observed = np.flatnonzero(per_key)
        counts = per_key[observed]
    else:
        observed, counts = np.unique(keys, return_counts=True)
    row_set = observed // n_space
    listed = observed % n_space + 1
    bounds = np.searchsorted(row_set, np.arange(n_sets + 1))
    configs = row_configs(listed, levels)
    y_and_not = np.minimum(y, 1.0 - y)
    any_fuzzy = fuzzy_sets.any(axis=1)
    sx = np.empty(listed.size)
    sxy = np.empty(listed.size)
    sxyn = np.empty(listed.size)
    crisp = ~any_fuzzy[row_set]
    if crisp.any():
        # As _row_fit's crisp branch: per-row sums over the set's cases in case order.
        if dense:
            pos = np.take(np.cumsum(per_key > 0) - 1, keys)
        else:
            pos = np.searchsorted(observed, keys)
        case_y = y[assigned]
        case_yn = y_and_not[assigned]
        n_rows = listed.size
        sx[crisp] = np.bincount(pos, minlength=n_rows).astype(float)[crisp]
        sxy[crisp] = np.bincount(pos, weights=case_y, minlength=n_rows)[crisp]
        sxyn[crisp] = np.bincount(pos, weights=case_yn, minlength=n_rows)[crisp]
    fuzzy_rows = np.flatnonzero(~crisp)
    if fuzzy_rows.size:
        fuzzy_ids = np.flatnonzero(any_fuzzy)
        rows_per_set = fuzzy_rows.size / fuzzy_ids.size
        fit = _fuzzy_fit_all_rows if (1 << k) <= k * rows_per_set else _fuzzy_fit_listed_rows
        sx[fuzzy_rows], sxy[fuzzy_rows], sxyn[fuzzy_rows] = fit(
            values, y, y_and_not, fuzzy_ids, row_set[fuzzy_rows], listed[fuzzy_rows] - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        incl = sxy / sx
        pri = (sxy - sxyn) / (sx - sxyn)
    n = counts.astype(np.int64)
    out = _out_codes(incl, pri, n, ic1, ic0, int(n_cut), pri_cut)
    index = pd.RangeIndex(n_cases)
    tables = []
    for r in range(n_sets):
        sl = slice(bounds[r], bounds[r + 1])
        tables.append(
            TruthTable(
                conditions=tuple(conditions),
                outcome=outcome,
                levels=levels,
                incl_cut=(ic1, ic0),
                n_cut=int(n_cut),
                pri_cut=pri_cut,
                exclude=frozenset(),
                row_ids=listed[sl],
                configs=configs[sl],
                out_codes=out[sl],
                n=n[sl],
                incl=incl[sl],
                pri=pri[sl],
                case_rows=numbers[r],
                values=values[r],
                case_index=index,
                outcome_membership=y[r],
                fuzzy=tuple(fuzzy_sets[r].tolist()),
            )
        )
    return tables


def _fuzzy_fit_listed_rows(
    values: np.ndarray, y: np.ndarray, y_and_not: np.ndarray, sets: np.ndarray, row_set: np.ndarray,
    row_index: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sums of row membership, of its minimum with y and with min(y, 1 - y), for the listed
    rows (``row_set``: each row's data set, ``row_index``: its 0-based row number) of fuzzy data
    sets ``values`` (sets x conditions x cases): each row's membership is the minimum of its
    literals (x or 1 - x), as :func:`row_memberships`, summed over cases as :func:`_row_fit`."""
    del sets
    n_sets, k, n_cases = values.shape
    out = np.empty((3, row_set.size))
    chunk = max(1, 4_000_000 // n_cases)
    for start in range(0, row_set.size, chunk):
        rs = row_set[start : start + chunk]
        bits = (row_index[start : start + chunk, None] >> np.arange(k - 1, -1, -1)) & 1
        m = np.where(bits[:, 0, None] == 1, values[rs, 0], 1.0 - values[rs, 0])
        for j in range(1, k):
            xj = values[rs, j]
            np.minimum(m, np.where(bits[:, j, None] == 1, xj, 1.0 - xj), out=m)
        sl = slice(start, start + rs.size)
        out[0, sl] = m.sum(axis=1)
        out[1, sl] = np.minimum(m, y[rs]).sum(axis=1)
        out[2, sl] = np.minimum(m, y_and_not[rs]).sum(axis=1)
    return out[0], out[1], out[2]


def _fuzzy_fit_all_rows(
    values: np.ndarray, y: np.ndarray, y_and_not: np.ndarray, sets: np.ndarray, row_set: np.ndarray,
    row_index: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As :func:`_fuzzy_fit_listed_rows`, from the memberships of all ``2**k`` rows of each data
    set, built a block of rows at a time: the rows of the last ``b`` conditions (``b <= 4``) and
    of the first ``k - b`` are each built by doubling (the rows so far, then their minimum with
    either literal of the condition before), and block ``a`` holds the minimum of prefix row
    ``a`` with every suffix row, i.e. rows ``a * 2**b`` to ``(a + 1) * 2**b - 1`` in R's order.
    The minimum is exact, so the memberships are the same numbers as the minimum over a row's
    literals, and each row's sums are taken over its cases, contiguous, in case order: the
    same sums, bit for bit. Blocks of a few data sets stay in the CPU cache (the row sums of
    every data set, listed rows or not, are kept: few rows are unlisted where this is used)."""
    n_sets, k, n_cases = values.shape
    b = min(k, 4)
    n_block, n_prefix = 1 << b, 1 << (k - b)
    sums = np.empty((3, n_sets, 1 << k))
    group = max(1, min(sets.size, _FIT_BLOCK_VALUES // (n_block * n_cases)))
    suf = pre = blk = tmp = np.empty((0, 0, 0))
    for start in range(0, sets.size, group):
        part = sets[start : start + group]
        g = part.size
        xs = values[part]  # (g, k, cases)
        if suf.shape[1] != g:  # contiguous buffers: the sums run over contiguous rows
            suf, blk, tmp = (np.empty((n_block, g, n_cases)) for _ in range(3))
            pre = np.empty((n_prefix, g, n_cases))
        _all_row_memberships(xs[:, k - b :], suf)
        if n_prefix > 1:
            _all_row_memberships(xs[:, : k - b], pre)
        ys, yns = y[part], y_and_not[part]
        for a in range(n_prefix):
            m = suf if n_prefix == 1 else np.minimum(suf, pre[a], out=blk)
            rows = slice(a * n_block, (a + 1) * n_block)
            sums[0, part, rows] = m.sum(axis=2).T
            np.minimum(m, ys, out=tmp)
            sums[1, part, rows] = tmp.sum(axis=2).T
            np.minimum(m, yns, out=tmp)
            sums[2, part, rows] = tmp.sum(axis=2).T
    return sums[0, row_set, row_index], sums[1, row_set, row_index], sums[2, row_set, row_index]


#: Memberships held in one block of :func:`_fuzzy_fit_all_rows` (1 MB: the CPU's L2 cache).
_FIT_BLOCK_VALUES = 1 << 17


def _all_row_memberships(xs: np.ndarray, out: np.ndarray) -> None:
    """Membership of the cases of data sets ``xs`` (sets x j x cases) in all ``2**j`` rows of
    their ``j`` conditions, into ``out`` (rows x sets x cases), rows in R's order (the first
    condition most significant), by doubling."""
    j = xs.shape[1]
    np.subtract(1.0, xs[:, j - 1], out=out[0])
    out[1] = xs[:, j - 1]
    size = 2
    for c in range(j - 2, -1, -1):
        # Rows size..2*size-1 take x_c, rows 0..size-1 take 1 - x_c: condition c is the most
        # significant of the rows so far.
        xc = xs[:, c]
        np.minimum(out[:size], xc, out=out[size : 2 * size])
        np.minimum(out[:size], 1.0 - xc, out=out[:size])
        size *= 2


def _from_spec(
    spec: DataSpec,
    y: np.ndarray,
    conditions: Sequence[str],
    outcome: str,
    case_index: pd.Index,
    incl_cut: float | Sequence[float],
    n_cut: int,
    pri_cut: float,
    exclude: Iterable[int] | None,
    complete: bool,
) -> TruthTable:
    warn_half_memberships(spec, conditions)
    ic1, ic0 = check_cut(incl_cut)
    pri_cut = check_fraction(pri_cut, "pri_cut")
    if not isinstance(n_cut, int | np.integer) or n_cut < 1:
        raise QCAError(f"n_cut must be a whole number >= 1; got {n_cut!r}")
    levels = tuple(spec.levels[c] for c in conditions)
    fuzzy = tuple(spec.fuzzy[c] for c in conditions)
    n_space = int(np.prod(np.asarray(levels, dtype=float)))
    excluded = frozenset(int(r) for r in (exclude or ()))
    bad = [r for r in excluded if not 1 <= r <= n_space]
    if bad:
        raise QCAError(f"exclude: row numbers must be between 1 and {n_space}; got {sorted(bad)}")
    if complete and n_space > MAX_COMPLETE_ROWS:
        raise QCAError(f"complete=True would list {n_space:.0f} configurations (at most {MAX_COMPLETE_ROWS})")
    values = np.vstack([spec.values[c] for c in conditions])
    return _build(
        values,
        y,
        tuple(conditions),
        levels,
        fuzzy,
        outcome,
        case_index,
        (ic1, ic0),
        int(n_cut),
        pri_cut,
        excluded,
        complete,
    )


def _build(
    values: np.ndarray,
    y: np.ndarray,
    conditions: tuple[str, ...],
    levels: tuple[int, ...],
    fuzzy: tuple[bool, ...],
    outcome: str,
    case_index: pd.Index,
    incl_cut: tuple[float, float],
    n_cut: int,
    pri_cut: float,
    excluded: frozenset[int],
    complete: bool,
) -> TruthTable:
    """Assign cases to rows, compute n, inclusion and PRI, and code OUT (validated input)."""
    n_space = int(np.prod(np.asarray(levels, dtype=float)))
    cfg = case_configs(values, levels, fuzzy)
    assigned = (cfg >= 0).all(axis=1)
    numbers = np.full(cfg.shape[0], -1, dtype=np.int64)
    numbers[assigned] = row_numbers(cfg[assigned], levels)
    observed, counts = np.unique(numbers[assigned], return_counts=True)
    listed = np.arange(1, n_space + 1) if complete else observed
    configs = row_configs(listed, levels)
    n = np.zeros(listed.size, dtype=np.int64)
    n[np.searchsorted(listed, observed)] = counts

    incl = np.full(listed.size, np.nan)
    pri = np.full(listed.size, np.nan)
    has = n > 0
    if has.any():
        incl[has], pri[has] = _row_fit(configs[has], values, levels, fuzzy, y, numbers, listed[has])

    out = _out_codes(incl, pri, n, incl_cut[0], incl_cut[1], n_cut, pri_cut)
    out[np.isin(listed, list(excluded))] = "0"

    return TruthTable(
        conditions=conditions,
        outcome=outcome,
        levels=levels,
        incl_cut=incl_cut,
        n_cut=n_cut,
        pri_cut=pri_cut,
        exclude=excluded,
        row_ids=listed,
        configs=configs,
        out_codes=out,
        n=n,
        incl=incl,
        pri=pri,
        case_rows=numbers,
        values=values,
        case_index=case_index,
        outcome_membership=y,
        fuzzy=fuzzy,
    )


def _row_fit(
    configs: np.ndarray,
    values: np.ndarray,
    levels: Sequence[int],
    fuzzy: Sequence[bool],
    y: np.ndarray,
    case_numbers: np.ndarray,
    row_nums: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Inclusion and PRI of each row over all cases."""
    y_and_not = np.minimum(y, 1.0 - y)
    if not any(fuzzy):
        # Crisp and multi-value: a case's membership in a row is 1 for its own row and 0 elsewhere.
        pos = np.searchsorted(row_nums, case_numbers)
        pos = np.clip(pos, 0, row_nums.size - 1)
        mine = row_nums[pos] == case_numbers
        sx = np.bincount(pos[mine], minlength=row_nums.size).astype(float)
        sxy = np.bincount(pos[mine], weights=y[mine], minlength=row_nums.size)
        sxyn = np.bincount(pos[mine], weights=y_and_not[mine], minlength=row_nums.size)
    else:
        sx = np.empty(configs.shape[0])
        sxy = np.empty_like(sx)
        sxyn = np.empty_like(sx)
        chunk = max(1, 4_000_000 // max(values.shape[1], 1))
        for start in range(0, configs.shape[0], chunk):
            m = row_memberships(configs[start : start + chunk], values, levels)
            sl = slice(start, start + m.shape[0])
            sx[sl] = m.sum(axis=1)
            sxy[sl] = np.minimum(m, y).sum(axis=1)
            sxyn[sl] = np.minimum(m, y_and_not).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        incl = sxy / sx
        pri = (sxy - sxyn) / (sx - sxyn)
    return incl, pri


def _out_codes(
    incl: np.ndarray,
    pri: np.ndarray,
    n: np.ndarray,
    ic1: float,
    ic0: float,
    n_cut: int,
    pri_cut: float,
) -> np.ndarray:
    out = np.full(incl.size, "?", dtype=object)
    kept = n >= n_cut
    pri_ok = np.nan_to_num(pri, nan=0.0) + TOLERANCE >= pri_cut
    incl0 = np.nan_to_num(incl, nan=-1.0)
    high = incl0 + TOLERANCE >= ic1
    one = kept & high & pri_ok
    # R's rule: PRI only decides "1"; a row between the two cut-offs is "C" whatever its PRI.
    contradiction = kept & ~high & (incl0 + TOLERANCE >= ic0)
    out[kept] = "0"
    out[one] = "1"
    out[contradiction] = "C"
    return out
