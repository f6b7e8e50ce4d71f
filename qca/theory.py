"""Theory evaluation: a model intersected with a theoretical expectation, as R's ``modelFit``.

Ragin (1987, p. 118) and Schneider & Wagemann (2012, ch. 11.3) compare a minimized model M
with a theory T through four intersections, M*T, M*~T, ~M*T and ~M*~T, each reported with its
parameters of fit for the outcome. As R's QCA ``modelFit()``, every intersection is first
simplified to a minimal sum of products (:func:`qca.simplify`, negations by De Morgan and
:func:`qca.negate`) and the fit is that of the simplified expression on the cases. On fuzzy
data this differs from ``min(M, 1 - T)``, since the simplification drops contradictory
conjunctions such as ``X*~X`` whose fuzzy membership is not 0; we follow R.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from ._display import Report, Table, numbered
from .exceptions import QCAError
from .expressions import Expression, Term, evaluate, parse
from .fit import sufficiency
from .simplify import simplify

__all__ = ["ModelFit", "model_fit"]

_ROWS = ("model", "theory", "model*theory", "model*~theory", "~model*theory", "~model*~theory")


@dataclass(frozen=True)
class ModelFit:
    """Result of :func:`model_fit` for one model.

    Attributes
    ----------
    expressions : dict of str to str
        The model, the theory and the four simplified intersections (R's notation).
    table : DataFrame
        inclS, PRI and covS of each term of the model, then of the six rows of
        ``expressions`` (index as R prints it).
    """

    expressions: dict[str, str]
    table: pd.DataFrame

    def summary(self) -> Report:
        width = max(len(k) for k in self.expressions) + 1
        lines = "\n".join(f"{(k + ':').ljust(width)} {v}" for k, v in self.expressions.items())
        shown = self.table.copy()
        shown.index = numbered([str(e) for e in shown.index])
        return Report("Theory evaluation (Ragin 1987; Schneider & Wagemann 2012)", (), (lines, Table(shown)))

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per set (``set``) with its expression and fit."""
        frame = self.table.rename_axis("set").reset_index()
        frame.insert(1, "expression", [self.expressions.get(s, s) for s in frame["set"]])
        return frame

    def __str__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def _ordered(expr: Expression, conditions: list[str]) -> str:
    """An expression written with its literals in data order and shorter terms first."""
    if not expr.terms:
        return "0"
    rank = {c: i for i, c in enumerate(conditions)}
    terms = [Term(tuple(sorted(t.literals, key=lambda lit: rank.get(lit[0], len(rank))))) for t in expr.terms]
    terms.sort(key=lambda t: (len(t.literals), [rank.get(c, len(rank)) for c, _ in t.literals]))
    return str(Expression(tuple(terms)))


def model_fit(
    model: Any, theory: str | Expression, data: pd.DataFrame | None = None
) -> ModelFit | dict[str, ModelFit]:
    """Fit of a model, a theory and their four intersections for the model's outcome.

    Parameters
    ----------
    model : Model or Solution
        From :func:`qca.minimize`. A Solution gives one result per tied model.
    theory : str or Expression
        The theoretical expectation, a sum of products over the model's conditions.
    data : DataFrame, optional
        Cases with the conditions and the outcome; defaults to the truth table's cases.

    Returns
    -------
    ModelFit, or dict of "M1", "M2", ... to ModelFit for a Solution

    References
    ----------
    Ragin, C. C. (1987). *The Comparative Method*, p. 118. University of California Press.
    Schneider, C. Q., & Wagemann, C. (2012). *Set-Theoretic Methods for the Social Sciences*,
    ch. 11.3. Cambridge University Press.

    Examples
    --------
    >>> import qca
    >>> lf = qca.datasets.load("LF")
    >>> sol = qca.minimize(qca.truth_table(lf, "SURV", incl_cut=0.8), include="?")
    >>> fit = model_fit(sol.models[0], "DEV*STB")
    >>> fit.expressions["model*theory"]
    'DEV*URB*STB + DEV*~IND*STB'
    >>> round(float(fit.table.loc["model*~theory", "inclS"]), 3)
    0.688
    """
    if hasattr(model, "models") and hasattr(model, "prime_implicants"):
        return {f"M{i}": cast(ModelFit, model_fit(m, theory, data))  # a Model gives one fit
                for i, m in enumerate(model.models, start=1)}
    if not (hasattr(model, "terms") and hasattr(model, "truth_table")):
        raise QCAError(f"model_fit needs a Model or Solution from qca.minimize; got {type(model).__name__}")
    tt = model.truth_table
    conditions = list(tt.conditions)
    text = str(theory) if isinstance(theory, Expression) else theory
    if not isinstance(text, str) or not text.strip():
        raise QCAError(f"theory must be a sum of products such as 'A*B + ~C'; got {theory!r}")
    theory_expr = parse(text, conditions=conditions)
    m_text, t_text = str(model), str(theory_expr)
    if data is None:
        frame = tt.data
        y = np.asarray(tt.outcome_membership, dtype=float)
    else:
        frame = data
        y = evaluate(tt.outcome, data)
    expressions = {"model": m_text, "theory": _ordered(theory_expr, conditions)}
    intersections = {
        "model*theory": f"({m_text})*({t_text})",
        "model*~theory": f"({m_text})*~({t_text})",
        "~model*theory": f"~({m_text})*({t_text})",
        "~model*~theory": f"~({m_text})*~({t_text})",
    }
    levels = dict(zip(conditions, tt.levels))
    for name, expr in intersections.items():
        expressions[name] = _ordered(simplify(expr, levels=levels), conditions)
    sets = [(t, t) for t in model.terms] + [(name, expressions[name]) for name in _ROWS]
    memberships = np.vstack(
        [evaluate(e, frame) if e != "0" else np.zeros(frame.shape[0]) for _, e in sets]
    )
    fit = sufficiency(memberships, y)
    table = pd.DataFrame(
        {k: fit[k] for k in ("inclS", "PRI", "covS")}, index=[name for name, _ in sets]
    )
    return ModelFit(expressions=expressions, table=table)
