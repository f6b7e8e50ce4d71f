"""Case-oriented follow-up of a sufficient solution: which cases to study in depth.

Set-theoretic multi-method research (Schneider & Rohlfing 2013) selects cases by their
memberships in a sufficient solution (or term) ``X`` and in the outcome ``Y``:

* **typical** -- ``X > 0.5``, ``Y > 0.5`` and ``X <= Y`` (per term: the term's membership);
* **deviant consistency** (in kind) -- ``X > 0.5`` and ``Y < 0.5`` (per term);
* **deviant coverage** -- ``X < 0.5`` and ``Y > 0.5`` for the whole solution: the outcome
  occurs without the solution;
* **individually irrelevant** -- ``X < 0.5`` and ``Y < 0.5`` for the whole solution.

Every table ranks the cases with the ``Best`` score of SetMethods' ``smmr()`` (Oana,
Schneider & Thomann 2021), lower is better: typical ``2 (Y - X) + (1 - X)``, deviant
consistency ``1 - (X - Y) + (1 - X)``, deviant coverage ``1 - TT_row`` (the case's membership
in its own truth-table row), individually irrelevant ``1 - (X - Y) / X``. ``MostTyp`` /
``MostDCONS`` / ``MostDCOV`` flag the best case of each term / truth-table row, and
``UniqCov`` a case that is typical for this term only (SetMethods' definition: it may still be
a member of another term in which its membership exceeds the outcome's). Column names follow
SetMethods so that R users find their tables.

References
----------
Schneider, C. Q., & Rohlfing, I. (2013). Combining QCA and process tracing in set-theoretic
multi-method research. *Sociological Methods & Research* 42(4), 559-597.
Oana, I.-E., Schneider, C. Q., & Thomann, E. (2021). *Qualitative Comparative Analysis Using
R: A Beginner's Guide*, ch. 7. Cambridge University Press (SetMethods' ``smmr``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .exceptions import QCAError
from .expressions import literal_membership
from .truth_table import TruthTable, case_configs

__all__ = [
    "case_types",
    "typical_cases",
    "deviant_consistency_cases",
    "deviant_coverage_cases",
    "irrelevant_cases",
    "smmr",
]

KINDS = ("typical", "deviant_consistency", "deviant_coverage", "irrelevant")


def _model(solution: Any, model: int) -> Any:
    """The chosen Model of a Solution, or the Model itself."""
    if hasattr(solution, "models") and hasattr(solution, "prime_implicants"):
        if not solution.models:
            raise QCAError("the solution has no model")
        if isinstance(model, bool) or not isinstance(model, int) or not 0 <= model < len(solution.models):
            raise QCAError(f"model must be an index 0..{len(solution.models) - 1}; got {model!r}")
        return solution.models[model]
    if hasattr(solution, "terms") and hasattr(solution, "term_memberships"):
        return solution
    raise QCAError(f"expected a Solution or Model from qca.minimize; got {type(solution).__name__}")


def _own_row_membership(tt: TruthTable) -> tuple[np.ndarray, np.ndarray]:
    """Each case's configuration (cases x conditions, -1 where 0.5) and membership in it."""
    cfg = case_configs(tt.values, tt.levels, tt.fuzzy)
    memb = np.ones(cfg.shape[0])
    cases = np.arange(cfg.shape[0])
    for j, n_levels in enumerate(tt.levels):
        table = np.vstack(
            [literal_membership(tt.values[j], frozenset({v}), n_levels) for v in range(n_levels)]
        )
        memb = np.minimum(memb, table[np.clip(cfg[:, j], 0, None), cases])
    memb[(cfg < 0).any(axis=1)] = np.nan
    return cfg, memb


def case_types(solution: Any, model: int = 0) -> pd.DataFrame:
    """Every case with its memberships and its type for the solution as a whole.

    Parameters
    ----------
    solution : Solution or Model
        From :func:`qca.minimize`; ``model`` picks the tied model (0 = M1).
    model : int

    Returns
    -------
    DataFrame
        Indexed by case: ``Sol`` (membership in the model), ``Outcome``, one column per term,
        and ``type``: "typical", "deviant consistency in degree" (X > 0.5, Y > 0.5, X > Y),
        "deviant consistency", "deviant coverage", "individually irrelevant", or "on the
        crossover" (X or Y exactly 0.5).
    """
    m = _model(solution, model)
    tt = m.truth_table
    terms = m.term_memberships()
    x = m.membership().to_numpy()
    y = np.asarray(tt.outcome_membership, dtype=float)
    kind = np.select(
        [
            (x == 0.5) | (y == 0.5),
            (x > 0.5) & (y > 0.5) & (x <= y),
            (x > 0.5) & (y > 0.5),
            (x > 0.5) & (y < 0.5),
            (x < 0.5) & (y > 0.5),
        ],
        [
            "on the crossover",
            "typical",
            "deviant consistency in degree",
            "deviant consistency",
            "deviant coverage",
        ],
        default="individually irrelevant",
    )
    out = pd.DataFrame({"Sol": x, "Outcome": y}, index=tt.case_index)
    out = pd.concat([out, terms], axis=1)
    out["type"] = kind
    return out


def typical_cases(solution: Any, model: int = 0) -> pd.DataFrame:
    """Typical cases of each term (X > 0.5, Y > 0.5, X <= Y), best first within each term.

    Returns a DataFrame with SetMethods' columns ``Case, Term, TermMemb, Outcome, UniqCov,
    Best, MostTyp`` (``smmr(..., cases = 1)``).
    """
    m = _model(solution, model)
    tt = m.truth_table
    terms = m.term_memberships()
    y = np.asarray(tt.outcome_membership, dtype=float)
    tm = terms.to_numpy()
    # SetMethods' UniqCov: typical for exactly one term of the model (a case may still be a
    # member, > 0.5, of a term for which it is not typical, i.e. where X > Y).
    typical_in = ((tm > 0.5) & (y[:, None] > 0.5) & (tm <= y[:, None])).sum(axis=1)
    parts = []
    for k, term in enumerate(m.terms):
        x = terms[term].to_numpy()
        sel = (x > 0.5) & (y > 0.5) & (x <= y)
        best = 2 * (y[sel] - x[sel]) + (1 - x[sel])
        part = pd.DataFrame(
            {
                "Case": terms.index[sel].astype(str),
                "Term": term,
                "TermMemb": x[sel],
                "Outcome": y[sel],
                "UniqCov": typical_in[sel] == 1,
                "Best": best,
                "MostTyp": np.isclose(best, best.min()) if sel.any() else np.zeros(0, bool),
                "_order": k,
            }
        )
        parts.append(part)
    return _finish(parts, ["_order", "UniqCov", "Best", "TermMemb"], [True, False, True, True])


def deviant_consistency_cases(solution: Any, model: int = 0) -> pd.DataFrame:
    """Deviant cases for consistency of each term (X > 0.5, Y < 0.5), best first.

    Columns ``Case, Term, TermMemb, Outcome, Best, MostDCONS`` (SetMethods' ``cases = 3``).
    """
    m = _model(solution, model)
    terms = m.term_memberships()
    y = np.asarray(m.truth_table.outcome_membership, dtype=float)
    parts = []
    for k, term in enumerate(m.terms):
        x = terms[term].to_numpy()
        sel = (x > 0.5) & (y < 0.5)
        best = 1 - (x[sel] - y[sel]) + (1 - x[sel])
        parts.append(
            pd.DataFrame(
                {
                    "Case": terms.index[sel].astype(str),
                    "Term": term,
                    "TermMemb": x[sel],
                    "Outcome": y[sel],
                    "Best": best,
                    "MostDCONS": np.isclose(best, best.min()) if sel.any() else np.zeros(0, bool),
                    "_order": k,
                }
            )
        )
    return _finish(parts, ["_order", "Best"], [True, True])


def _row_table(m: Any, sel: np.ndarray) -> pd.DataFrame:
    tt = m.truth_table
    cfg, own = _own_row_membership(tt)
    x = m.membership().to_numpy()
    y = np.asarray(tt.outcome_membership, dtype=float)
    frame = pd.DataFrame({"Case": tt.case_index[sel].astype(str), "Sol": x[sel]})
    for j, c in enumerate(tt.conditions):
        frame[f"TT_{c}"] = cfg[sel, j]
    frame["TT_row"] = own[sel]
    frame["Outcome"] = y[sel]
    return frame


def deviant_coverage_cases(solution: Any, model: int = 0) -> pd.DataFrame:
    """Deviant cases for coverage (solution X < 0.5, Y > 0.5), grouped by truth-table row.

    Columns ``Case, Sol, TT_<condition>..., TT_row, Outcome, TT<=Y, Best, MostDCOV``
    (SetMethods' ``cases = 4``): ``TT_row`` is the case's membership in its own truth-table
    row, ``Best = 1 - TT_row``, ``MostDCOV`` the best case of each row.
    """
    m = _model(solution, model)
    x = m.membership().to_numpy()
    y = np.asarray(m.truth_table.outcome_membership, dtype=float)
    frame = _row_table(m, (x < 0.5) & (y > 0.5))
    frame["TT<=Y"] = frame["TT_row"] <= frame["Outcome"]
    frame["Best"] = 1 - frame["TT_row"]
    keys = [c for c in frame.columns if c.startswith("TT_") and c != "TT_row"]
    best = frame.groupby(keys)["Best"].transform("min") if len(frame) else frame["Best"]
    frame["MostDCOV"] = np.isclose(frame["Best"], best)
    frame = frame.sort_values([*keys, "TT<=Y", "Best"], ascending=[*[True] * len(keys), False, True])
    return frame.reset_index(drop=True)


def irrelevant_cases(solution: Any, model: int = 0) -> pd.DataFrame:
    """Individually irrelevant cases (solution X < 0.5, Y < 0.5), grouped by truth-table row.

    Columns ``Case, Sol, TT_<condition>..., TT_row, Outcome, Best`` (SetMethods' ``cases = 5``)
    with ``Best = 1 - (X - Y) / X``.
    """
    m = _model(solution, model)
    x = m.membership().to_numpy()
    y = np.asarray(m.truth_table.outcome_membership, dtype=float)
    frame = _row_table(m, (x < 0.5) & (y < 0.5))
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["Best"] = 1 - (frame["Sol"] - frame["Outcome"]) / frame["Sol"]
    keys = [c for c in frame.columns if c.startswith("TT_") and c != "TT_row"]
    return frame.sort_values([*keys, "Best"]).reset_index(drop=True)


_DISPATCH = {
    "typical": typical_cases,
    "deviant_consistency": deviant_consistency_cases,
    "deviant_coverage": deviant_coverage_cases,
    "irrelevant": irrelevant_cases,
}


def smmr(solution: Any, kind: str = "typical", model: int = 0) -> pd.DataFrame:
    """Cases for set-theoretic multi-method research, as SetMethods' ``smmr(match = FALSE)``.

    Parameters
    ----------
    solution : Solution or Model
    kind : {"typical", "deviant_consistency", "deviant_coverage", "irrelevant"}
        SetMethods' ``cases`` 1, 3, 4 and 5.
    model : int
        Tied model of a Solution (0 = M1, SetMethods' ``sol = 1``).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import qca
    >>> lf = qca.datasets.load("LF")
    >>> sol = qca.minimize(qca.truth_table(lf, "SURV", incl_cut=0.8), include="?")
    >>> smmr(sol, "typical")[["Case", "Term", "Best"]].round(2).values.tolist()
    [['IE', 'DEV*~IND', 0.68], ['FI', 'DEV*~IND', 0.8], ['BE', 'URB*STB', 0.23]]
    """
    if kind not in _DISPATCH:
        raise QCAError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    return _DISPATCH[kind](solution, model)


def _finish(parts: list[pd.DataFrame], by: list[str], ascending: list[bool]) -> pd.DataFrame:
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if frame.empty:
        return frame.drop(columns=["_order"], errors="ignore").reset_index(drop=True)
    frame = frame.sort_values(by, ascending=ascending, kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)
