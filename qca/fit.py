"""Parameters of fit: consistency (inclusion), coverage, PRI and relevance of necessity.

Formulas follow Ragin (2006, 2008) for inclusion and coverage, Ragin (2008) for the proportional
reduction in inconsistency (PRI) and Schneider & Wagemann (2012) for the relevance of necessity
(RoN); they are the measures that R's QCA reports from ``pof()``.

References
----------
Ragin, C. C. (2006). Set relations in social research: evaluating their consistency and coverage.
*Political Analysis* 14(3), 291-310.
Schneider, C. Q., & Wagemann, C. (2012). *Set-Theoretic Methods for the Social Sciences*. CUP.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._validation import public_api
from .exceptions import QCAError

__all__ = ["sufficiency", "necessity", "disjunction_fit", "pof", "FitTable"]


class FitTable(pd.DataFrame):
    """The table :func:`pof` returns: a DataFrame that shows its values with 3 decimals, as R.

    The values keep full precision (``table.loc["A", "inclS"]``); only the display rounds, at a
    plain prompt (``repr``), with ``print`` and in Jupyter.
    """

    @property
    def _constructor(self) -> type[FitTable]:
        return FitTable

    def _shown(self) -> pd.DataFrame:
        return pd.DataFrame(self).round(3)

    def __repr__(self) -> str:
        return self._shown().to_string(float_format=lambda v: f"{v:.3f}", na_rep="")

    def _repr_html_(self) -> str:
        return self._shown().to_html(float_format=lambda v: f"{v:.3f}", na_rep="")


def _ratio(num: np.ndarray | float, den: np.ndarray | float) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def sufficiency(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    r"""Sufficiency fit of set(s) ``x`` for outcome ``y``.

    ``x`` has shape (n_cases,) or (n_sets, n_cases). Returns inclS = sum(min(x,y)) / sum(x),
    PRI = (sum(min(x,y)) - sum(min(x,y,1-y))) / (sum(x) - sum(min(x,y,1-y))) and
    covS = sum(min(x,y)) / sum(y).

    Notes
    -----
    With memberships :math:`x_i` in the set and :math:`y_i` in the outcome (Ragin 2006, 2008):

    .. math::

       \mathrm{incl}_S = \frac{\sum_i \min(x_i, y_i)}{\sum_i x_i}, \qquad
       \mathrm{cov}_S = \frac{\sum_i \min(x_i, y_i)}{\sum_i y_i}, \qquad
       \mathrm{PRI} = \frac{\sum_i \min(x_i, y_i) - \sum_i \min(x_i, y_i, 1 - y_i)}
                             {\sum_i x_i - \sum_i \min(x_i, y_i, 1 - y_i)}.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xy = np.minimum(x, y).sum(axis=-1)
    xyny = np.minimum(np.minimum(x, y), 1.0 - y).sum(axis=-1)
    sx = x.sum(axis=-1)
    return {
        "inclS": _ratio(xy, sx),
        "PRI": _ratio(xy - xyny, sx - xyny),
        "covS": _ratio(xy, y.sum()),
    }


def necessity(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Necessity fit of set(s) ``x`` for outcome ``y``.

    inclN = sum(min(x,y)) / sum(y), RoN = sum(1-x) / sum(1-min(x,y)), covN = sum(min(x,y)) / sum(x).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xy = np.minimum(x, y)
    return {
        "inclN": _ratio(xy.sum(axis=-1), y.sum()),
        "RoN": _ratio((1.0 - x).sum(axis=-1), (1.0 - xy).sum(axis=-1)),
        "covN": _ratio(xy.sum(axis=-1), x.sum(axis=-1)),
    }


def disjunction_fit(
    memberships: np.ndarray, y: np.ndarray
) -> tuple[dict[str, float], pd.DataFrame]:
    """Fit of a disjunction of terms and of each term, with unique coverage.

    Parameters
    ----------
    memberships : array of shape (n_terms, n_cases)
        Membership of each case in each term.
    y : array of shape (n_cases,)

    Returns
    -------
    overall : dict with inclS, PRI, covS of the union (maximum) of the terms.
    per_term : DataFrame with inclS, PRI, covS and covU (coverage lost when the term is dropped).
    """
    m = np.atleast_2d(np.asarray(memberships, dtype=float))
    union = m.max(axis=0)
    overall = {k: float(v) for k, v in sufficiency(union, y).items()}
    per = sufficiency(m, y)
    cov_u = np.empty(m.shape[0])
    for i in range(m.shape[0]):
        others = np.delete(m, i, axis=0)
        rest = others.max(axis=0) if others.size else np.zeros_like(union)
        cov_u[i] = overall["covS"] - float(sufficiency(rest, y)["covS"])
    per_term = pd.DataFrame({**per, "covU": cov_u})
    return overall, per_term


@public_api
def pof(
    setms: object,
    outcome: pd.Series | np.ndarray | str | None = None,
    data: pd.DataFrame | None = None,
    relation: str | None = None,
    show_cases: bool = False,
) -> FitTable:
    """Parameters of fit of sets or expressions for an outcome, as R's QCA ``pof()``.

    Parameters
    ----------
    setms : DataFrame, Series, array, str, list of str, Expression, Model or Solution
        Set memberships (one column per set, each reported separately) or expressions
        evaluated on ``data``. A string may use R's arrow notation: ``"A*B + C -> Y"``
        (sufficiency of the expression for ``Y``) or ``"~A <- Y"`` (necessity); ``=>`` and
        ``<=`` are accepted too. An expression with several terms is reported term by term
        and as a whole (row ``expression``), as is a list of expression strings (taken as the
        terms of one model). A :class:`~qca.Model` (or a :class:`~qca.Solution` with one
        model) brings its outcome and, without ``data``, the memberships of its truth table.
    outcome : Series, array or str, optional
        Outcome membership, or a column name / literal (``"~SURV"``) of ``data``; optional when
        ``setms`` names it with an arrow or is a model.
    data : DataFrame, optional
        Needed when ``setms`` or ``outcome`` are given as strings.
    relation : {"necessity", "sufficiency"}, optional
        Defaults to the arrow's direction, else "sufficiency" for a model or solution and
        "necessity" otherwise (R's default).
    show_cases : bool
        R's ``show.cases`` is not offered here: ``True`` raises :class:`~qca.QCAError` naming
        where case lists are shown (``TruthTable.summary`` and ``Solution.summary``).

    Returns
    -------
    FitTable
        A DataFrame with one row per set: inclN, RoN, covN (necessity) or inclS, PRI, covS,
        covU (sufficiency; covU is the coverage lost when the set is left out of the union of
        all the sets). Shown with 3 decimals as R prints it; the values keep full precision.

    Notes
    -----
    Where we differ from R: separate sets (columns of a DataFrame) get no extra union row,
    as R does not report one for them either; R's arrow forms ``<->`` / ``<=>`` are refused
    (necessity and sufficiency are computed separately).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"A": [1, 1, 0, 0], "Y": [1, 1, 1, 0]})
    >>> pof(d[["A"]], d["Y"], relation="sufficiency").round(3).loc["A", "inclS"]
    np.float64(1.0)
    >>> pof("A -> Y", data=d).round(3).loc["A", "covS"]
    np.float64(0.667)
    """
    from .expressions import Expression, evaluate, parse

    if show_cases:
        raise QCAError("pof does not list cases (R's show.cases); the cases of each truth-table "
                       "row are in tt.summary(show_cases=True), those of each solution term in "
                       "sol.summary(show_cases=True)")
    setms, outcome, data, arrow, model_like = _unpack(setms, outcome, data)
    if relation is not None and relation not in ("necessity", "sufficiency", "nec", "suf"):
        raise QCAError(f"relation must be 'necessity' or 'sufficiency'; got {relation!r}")
    relation = {"nec": "necessity", "suf": "sufficiency"}.get(relation or "", relation)
    if arrow is not None and relation is not None and relation != arrow:
        raise QCAError(f"relation={relation!r} contradicts the arrow, which asks for {arrow}")
    relation = relation or arrow or ("sufficiency" if model_like else "necessity")
    if outcome is None:
        raise QCAError("pof: give the outcome (argument outcome=, or 'expression -> Y')")
    y = _outcome_vector(outcome, data)
    names: list[str]
    union_row = False
    if isinstance(setms, Expression):
        setms = str(setms)
    if isinstance(setms, str) or (
        isinstance(setms, Sequence) and len(setms) > 0 and all(isinstance(s, str) for s in setms)
    ):
        if data is None:
            raise QCAError("pof: expressions given as strings need the data (argument data=)")
        known = [str(c) for c in data.columns]
        exprs = [parse(s, conditions=known) for s in ([setms] if isinstance(setms, str) else setms)]
        empty = [s for s, e in zip([setms] if isinstance(setms, str) else setms, exprs) if not e.terms]
        if empty:
            raise QCAError(f"pof: expression {empty[0]!r} is a contradiction (no case can be in it: "
                           "every term holds a condition and its negation)")
        if relation == "sufficiency" and len(exprs) == 1:
            exprs = [Expression((term,)) for term in exprs[0].terms]
        union_row = True
        names = [str(e) for e in exprs]
        x = np.vstack([evaluate(e, data) for e in exprs])
    elif isinstance(setms, pd.DataFrame):
        names = [str(c) for c in setms.columns]
        x = _membership_matrix(setms.to_numpy(dtype=float, na_value=np.nan).T, names)
    elif isinstance(setms, pd.Series):
        names = [str(setms.name) if setms.name is not None else "X"]
        x = _membership_matrix(setms.to_numpy(dtype=float, na_value=np.nan)[None, :], names)
    else:
        try:
            arr = np.atleast_2d(np.asarray(setms, dtype=float))
        except (TypeError, ValueError):
            raise QCAError(
                "pof: setms must be memberships (DataFrame, Series, array), expression strings, "
                f"an Expression, a Model or a Solution; got {type(setms).__name__}"
            ) from None
        names = [f"X{i + 1}" for i in range(arr.shape[0])]
        x = _membership_matrix(arr, names)
    if x.shape[1] != y.shape[0]:
        raise QCAError(f"pof: the sets have {x.shape[1]} cases but the outcome has {y.shape[0]}")
    if relation == "necessity":
        return FitTable(necessity(x, y), index=names)
    overall, per_term = disjunction_fit(x, y)
    per_term.index = names
    if union_row and len(names) > 1:
        per_term.loc["expression"] = [overall["inclS"], overall["PRI"], overall["covS"], np.nan]
    return FitTable(per_term)


_ARROWS = {"->": "sufficiency", "=>": "sufficiency", "<-": "necessity", "<=": "necessity"}


def _split_arrow(text: str) -> tuple[str, str | None, str | None]:
    """``"A*B -> Y"`` -> (``"A*B"``, ``"Y"``, ``"sufficiency"``); no arrow -> (text, None, None)."""
    for bad in ("<->", "<=>"):
        if bad in text:
            raise QCAError(f"pof: {bad!r} is not supported; ask for '->' and '<-' separately")
    found = [a for a in _ARROWS if a in text]
    if not found:
        return text, None, None
    if len(found) > 1 or text.count(found[0]) > 1:
        raise QCAError(f"pof: use one arrow ('->' or '<-') in {text!r}")
    left, right = (part.strip() for part in text.split(found[0]))
    if not left or not right:
        raise QCAError(f"pof: write 'expression -> outcome' or 'expression <- outcome'; got {text!r}")
    return left, right, _ARROWS[found[0]]


def _unpack(
    setms: object, outcome: object, data: pd.DataFrame | None
) -> tuple[object, object, pd.DataFrame | None, str | None, bool]:
    """Resolve arrow strings, Models and Solutions into (sets, outcome, data, arrow, model_like)."""
    arrow = None
    if isinstance(setms, str):
        setms, named, arrow = _split_arrow(setms)
        if named is not None:
            if outcome is not None and not (isinstance(outcome, str) and outcome.strip() == named):
                raise QCAError(
                    f"pof: the outcome {named!r} after the arrow conflicts with outcome={outcome!r}"
                )
            outcome = named
        return setms, outcome, data, arrow, False
    models = getattr(setms, "models", None)
    if models is not None and hasattr(setms, "prime_implicants"):  # a Solution
        if len(models) != 1:
            raise QCAError(
                f"pof: the solution has {len(models)} tied models; pass one of them, e.g. solution.models[0]"
            )
        setms = models[0]
    tt = getattr(setms, "truth_table", None)
    if tt is not None and hasattr(setms, "terms"):  # a Model
        if outcome is None or (isinstance(outcome, str) and outcome.strip() == tt.outcome and data is None):
            outcome = tt.outcome_membership
        if data is None:
            data = tt.data
        return str(setms), outcome, data, None, True
    return setms, outcome, data, arrow, False


def _membership_matrix(x: np.ndarray, names: Sequence[str]) -> np.ndarray:
    for i, name in enumerate(names):
        col = x[i]
        if np.isnan(col).any():
            raise QCAError(f"set {name!r} has missing values")
        if (col < 0).any() or (col > 1).any():
            raise QCAError(
                f"set {name!r} has memberships outside [0, 1] (min {col.min():g}, max {col.max():g})"
            )
    return x


def _outcome_vector(outcome: pd.Series | np.ndarray | str, data: pd.DataFrame | None) -> np.ndarray:
    from .expressions import evaluate

    if isinstance(outcome, str):
        if data is None:
            raise QCAError("pof: an outcome given by name needs the data (argument data=)")
        return evaluate(outcome, data)
    try:
        y = np.asarray(outcome, dtype=float)
    except (TypeError, ValueError):
        y = np.asarray([])
    if y.ndim != 1 or len(y) == 0:
        raise QCAError(f"pof: the outcome must be a name (with data=) or a vector of memberships, "
                       f"got {type(outcome).__name__}")
    return _membership_matrix(y[None, :], ["outcome"])[0]

