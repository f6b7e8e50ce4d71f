"""Search for necessary (superset) and sufficient (subset) expressions, as R's QCA ``superSubset()``.

Candidate expressions are built from *literals*: for crisp and fuzzy conditions the presence
``X`` and absence ``~X`` of each condition, for multi-value conditions each level ``X[v]``. A
conjunction or disjunction uses at most one literal per condition and at most ``depth``
literals. Every candidate is evaluated at once with numpy (literal membership matrix, fuzzy
minimum / maximum over index arrays), in chunks to bound memory.

Minimality rules (documented here because they decide what is listed):

* ``relation="necessity"``: a *conjunction* is listed when it passes every cut-off (inclN,
  covN, RoN). Conjunctions are narrower supersets of the outcome, hence stronger necessity
  claims, so ``LIT``, ``STB`` and ``LIT*STB`` can all be listed together, as R does. A
  *disjunction* (two or more literals) is listed only when it passes every cut-off and none of
  its sub-disjunctions (including its single literals) reaches the inclusion cut-off: a
  disjunction that merely adds literals to an already necessary expression is redundant.
  With the Lipset fuzzy data (incl_cut 0.9, cov_cut 0.6) this yields exactly R's four
  expressions ``LIT``, ``STB``, ``LIT*STB`` and ``DEV+URB+IND``.
* ``relation="sufficiency"``: only conjunctions are candidates; a conjunction is listed when it
  passes inclS, PRI and covS cut-offs and none of its sub-conjunctions passes the inclusion and
  PRI cut-offs (the minimal sufficient conjunctions, i.e. implicants that cannot be shortened).

References
----------
Dusa, A. (2019). *QCA with R*, section 5.5 "Exploring possible necessity relations". Springer.
Schneider, C. Q., & Wagemann, C. (2012). *Set-Theoretic Methods for the Social Sciences*,
ch. 9 (relevance of necessity). Cambridge University Press.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._display import Report, Table, numbered
from ._validation import check_data, check_fraction, public_api
from .exceptions import QCAError
from .expressions import literal_membership
from .fit import necessity, sufficiency
from .truth_table import TOLERANCE, outcome_and_conditions

__all__ = ["superset", "SupersetResult", "MAX_CANDIDATES", "n_candidates"]

#: Largest number of candidate expressions ``superset`` evaluates before asking for a smaller depth.
MAX_CANDIDATES = 2_000_000

#: Number of membership values (candidates x cases) evaluated per numpy chunk.
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class SupersetResult:
    """Result of :func:`superset`.

    Attributes
    ----------
    table : DataFrame
        One row per listed expression (index: the expression), columns inclN, RoN, covN for
        necessity or inclS, PRI, covS for sufficiency.
    memberships : DataFrame
        Membership of every case (rows) in every listed expression (columns), R's ``coms``.
    relation : str
        ``"necessity"`` or ``"sufficiency"``.
    outcome : str
    conditions : tuple of str
    """

    table: pd.DataFrame
    memberships: pd.DataFrame = field(repr=False)
    relation: str
    outcome: str
    conditions: tuple[str, ...]
    incl_cut: float = 1.0
    cov_cut: float = 0.0

    @property
    def expressions(self) -> list[str]:
        """The listed expressions, in order."""
        return list(self.table.index)

    def __len__(self) -> int:
        return self.table.shape[0]

    def summary(self) -> Report:
        """The listed expressions and their fit, as R prints ``superSubset`` results."""
        head = f"{self.relation.capitalize()} relations for outcome {self.outcome}"
        facts = (("incl.cut", f"{self.incl_cut:g}"), ("cov.cut", f"{self.cov_cut:g}"))
        if self.table.empty:
            return Report(head, facts, ("no expression passes the cut-offs",))
        shown = self.table.copy()
        shown.index = numbered([str(e) for e in shown.index])
        return Report(head, facts, (Table(shown, rules=(len(shown),)),))

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per expression (column ``expression``) with its fit."""
        return self.table.rename_axis("expression").reset_index()

    def __str__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def _literals(
    spec_values: dict[str, np.ndarray], levels: dict[str, int], conditions: Sequence[str], multivalue: bool
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Literal memberships (n_literals, n_cases), the condition index of each literal, names."""
    rows, owner, names = [], [], []
    for j, c in enumerate(conditions):
        n_lev = levels[c]
        order = range(n_lev) if multivalue else (1, 0)
        for v in order:
            rows.append(literal_membership(spec_values[c], frozenset({v}), n_lev))
            owner.append(j)
            if multivalue:
                names.append(f"{c}[{v}]")
            else:
                names.append(c if v == 1 else f"~{c}")
    return np.vstack(rows), np.asarray(owner), names


def _count_candidates(level_counts: Sequence[int], depth: int) -> int:
    """Number of conjunctions of 1..depth literals over distinct conditions (elementary symmetric sums)."""
    e = [1] + [0] * depth
    for n in level_counts:
        for k in range(depth, 0, -1):
            e[k] += e[k - 1] * n
    return sum(e[1:])


def _combos(owner_groups: list[np.ndarray], k: int) -> np.ndarray:
    """Every choice of k literals from k distinct conditions, as literal indices (m, k)."""
    out = []
    for conds in itertools.combinations(range(len(owner_groups)), k):
        grids = np.meshgrid(*[owner_groups[c] for c in conds], indexing="ij")
        out.append(np.stack([g.ravel() for g in grids], axis=1))
    if not out:
        return np.zeros((0, k), dtype=np.int64)
    return np.vstack(out).astype(np.int64)


def _evaluate(
    lits: np.ndarray, idx: np.ndarray, y: np.ndarray, op: str, relation: str
) -> dict[str, np.ndarray]:
    """Fit of every candidate (rows of idx) without holding all memberships at once."""
    n_cases = lits.shape[1]
    chunk = max(1, _CHUNK_CELLS // max(1, n_cases * idx.shape[1]))
    parts: list[dict[str, np.ndarray]] = []
    reducer = np.minimum if op == "and" else np.maximum
    for start in range(0, idx.shape[0], chunk):
        sub = idx[start:start + chunk]
        m = lits[sub[:, 0]]
        for j in range(1, sub.shape[1]):
            reducer(m, lits[sub[:, j]], out=m)
        parts.append(necessity(m, y) if relation == "necessity" else sufficiency(m, y))
    if not parts:
        keys = ("inclN", "RoN", "covN") if relation == "necessity" else ("inclS", "PRI", "covS")
        return {k: np.zeros(0) for k in keys}
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _passes(values: np.ndarray, cut: float) -> np.ndarray:
    return np.nan_to_num(values, nan=-1.0) + TOLERANCE >= cut


def _not_superset_of_any(cands: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """For boolean literal masks: True where a candidate contains none of the ``ref`` masks."""
    if ref.shape[0] == 0 or cands.shape[0] == 0:
        return np.ones(cands.shape[0], dtype=bool)
    sizes = ref.sum(axis=1).astype(np.float32)
    ref_t = ref.T.astype(np.float32)  # small integer counts are exact in float32 (BLAS matmul)
    out = np.ones(cands.shape[0], dtype=bool)
    step = max(1, 4_000_000 // max(1, ref.shape[0]))
    for start in range(0, cands.shape[0], step):
        inter = cands[start:start + step].astype(np.float32) @ ref_t
        out[start:start + step] = ~(inter == sizes[None, :]).any(axis=1)
    return out


def _minimal(passing: np.ndarray, masks: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """``passing`` restricted to candidates that contain no ``ref`` mask (checked only where passing)."""
    out = passing.copy()
    where = np.flatnonzero(passing)
    out[where] = _not_superset_of_any(masks[where], ref)
    return out


def _masks(idx: np.ndarray, n_lits: int) -> np.ndarray:
    m = np.zeros((idx.shape[0], n_lits), dtype=bool)
    if idx.size:
        m[np.arange(idx.shape[0])[:, None], idx] = True
    return m


@public_api
def superset(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | str | None = None,
    relation: str = "necessity",
    incl_cut: float = 1.0,
    cov_cut: float = 0.0,
    ron_cut: float = 0.0,
    pri_cut: float = 0.0,
    depth: int | None = None,
) -> SupersetResult:
    """Find necessary (superset) or sufficient (subset) expressions, as R's QCA ``superSubset()``.

    Parameters
    ----------
    data : DataFrame
        Crisp, multi-value or fuzzy conditions and the outcome.
    outcome : str
        Outcome column, possibly negated (``"~SURV"``) or a level (``"Y[2]"``).
    conditions : sequence of str or comma-separated str, optional
        Defaults to every other column.
    relation : {"necessity", "sufficiency"}
        Partial words (``"nec"``, ``"suf"``) are accepted.
    incl_cut, cov_cut : float
        Minimal inclusion (inclN / inclS) and coverage (covN / covS).
    ron_cut : float
        Minimal relevance of necessity (necessity only).
    pri_cut : float
        Minimal PRI (sufficiency only).
    depth : int, optional
        Most literals in an expression; defaults to the number of conditions. The search is
        refused (``QCAError``) when it would evaluate more than :data:`MAX_CANDIDATES`
        expressions.

    Returns
    -------
    SupersetResult
        See the module docstring for which expressions are listed.

    Raises
    ------
    QCAError
        Unknown columns, cut-offs outside [0, 1], ``depth < 1`` or a search that is too large.

    References
    ----------
    Dusa, A. (2019). *QCA with R*, section 5.5. Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"A": [1, 1, 0, 1], "B": [0, 1, 1, 0], "Y": [1, 1, 0, 1]})
    >>> superset(d, "Y", ["A", "B"]).expressions
    ['A']
    """
    if not isinstance(data, pd.DataFrame):
        raise QCAError(f"data must be a pandas DataFrame; got {type(data).__name__}")
    if not isinstance(relation, str):
        raise QCAError(f"relation must be 'necessity' or 'sufficiency'; got {relation!r}")
    rel = relation.strip().lower()
    if len(rel) >= 3 and "necessity".startswith(rel):
        rel = "necessity"
    elif len(rel) >= 3 and "sufficiency".startswith(rel):
        rel = "sufficiency"
    else:
        raise QCAError(f"relation must be 'necessity' or 'sufficiency'; got {relation!r}")
    data, conditions, y = outcome_and_conditions(data, outcome, conditions)
    incl_cut = check_fraction(incl_cut, "incl_cut")
    cov_cut = check_fraction(cov_cut, "cov_cut")
    ron_cut = check_fraction(ron_cut, "ron_cut")
    pri_cut = check_fraction(pri_cut, "pri_cut")
    if y.sum() <= 0 and rel == "necessity":
        raise QCAError(f"outcome {outcome!r} has no member (all memberships 0): necessity is undefined")
    if depth is None:
        depth = len(conditions)
    if not isinstance(depth, int | np.integer) or isinstance(depth, bool) or depth < 1:
        raise QCAError(f"depth must be a whole number >= 1; got {depth!r}")
    depth = min(int(depth), len(conditions))

    spec = check_data(data, conditions)
    multivalue = any(spec.levels[c] > 2 for c in conditions)
    lits, owner, lit_names = _literals(spec.values, spec.levels, conditions, multivalue)
    level_counts = [spec.levels[c] for c in conditions]
    n_conj = _count_candidates(level_counts, depth)
    n_cand = n_conj * (2 if rel == "necessity" else 1)
    if n_cand > MAX_CANDIDATES:
        raise QCAError(
            f"superset: depth {depth} with {len(conditions)} conditions gives {n_cand:,} candidate "
            f"expressions (at most {MAX_CANDIDATES:,}); set a smaller depth "
            f"(depth=3 gives {_count_candidates(level_counts, min(3, depth)) * 2:,})"
        )
    groups = [np.flatnonzero(owner == j) for j in range(len(conditions))]
    n_lits = lits.shape[0]

    listed: list[tuple[int, int, np.ndarray, str, dict[str, float]]] = []
    if rel == "necessity":
        keys = ("inclN", "RoN", "covN")
        ref = np.zeros((0, n_lits), dtype=bool)  # minimal disjunctions reaching incl_cut
        for k in range(1, depth + 1):
            idx = _combos(groups, k)
            # Conjunctions: every one that passes all cut-offs.
            fit = _evaluate(lits, idx, y, "and", rel)
            ok = _passes(fit["inclN"], incl_cut) & _passes(fit["covN"], cov_cut)
            ok &= _passes(fit["RoN"], ron_cut)
            for i in np.flatnonzero(ok):
                listed.append((0, k, idx[i], "*", {key: float(fit[key][i]) for key in keys}))
            # Disjunctions: minimal ones (k = 1 is the single literal, used only as reference).
            fit_d = fit if k == 1 else _evaluate(lits, idx, y, "or", rel)
            masks = _masks(idx, n_lits)
            incl_ok = _minimal(_passes(fit_d["inclN"], incl_cut), masks, ref)
            if k > 1:
                ok_d = incl_ok & _passes(fit_d["covN"], cov_cut) & _passes(fit_d["RoN"], ron_cut)
                for i in np.flatnonzero(ok_d):
                    listed.append((1, k, idx[i], "+", {key: float(fit_d[key][i]) for key in keys}))
            ref = np.vstack([ref, masks[incl_ok]])
    else:
        keys = ("inclS", "PRI", "covS")
        ref = np.zeros((0, n_lits), dtype=bool)
        for k in range(1, depth + 1):
            idx = _combos(groups, k)
            fit = _evaluate(lits, idx, y, "and", rel)
            masks = _masks(idx, n_lits)
            minimal = _minimal(_passes(fit["inclS"], incl_cut) & _passes(fit["PRI"], pri_cut), masks, ref)
            ok = minimal & _passes(fit["covS"], cov_cut)
            for i in np.flatnonzero(ok):
                listed.append((0, k, idx[i], "*", {key: float(fit[key][i]) for key in keys}))
            ref = np.vstack([ref, masks[minimal]])

    names = [op.join(lit_names[j] for j in combo) for _, _, combo, op, _ in listed]
    index = pd.Index(names, name="expression")
    table = pd.DataFrame([f for *_, f in listed], index=index, columns=list(keys))
    if listed:
        memb = np.vstack([
            (np.minimum if op == "*" else np.maximum).reduce(lits[combo], axis=0)
            for _, _, combo, op, _ in listed
        ]).T
    else:
        memb = np.zeros((data.shape[0], 0))
    memberships = pd.DataFrame(memb, index=data.index, columns=names)
    return SupersetResult(
        table=table,
        memberships=memberships,
        relation=rel,
        outcome=outcome.strip(),
        conditions=tuple(conditions),
        incl_cut=incl_cut,
        cov_cut=cov_cut,
    )


def n_candidates(levels: Sequence[int], depth: int) -> int:
    """Number of conjunctions (= of disjunctions) of 1..depth literals over distinct conditions.

    ``levels`` holds the number of levels of each condition (2 for crisp and fuzzy).
    """
    if depth < 1:
        raise QCAError(f"depth must be a whole number >= 1; got {depth!r}")
    return _count_candidates(list(levels), min(depth, len(levels)))
