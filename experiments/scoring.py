"""Scoring QCA models against the true causal structure, as in the benchmark literature.

Definitions (Baumgartner & Thiem 2020; Baumgartner & Ambuehl 2020):

* A model ``m`` is a **submodel** of the true model ``t`` when every disjunct (term) of ``m`` is a
  part of a disjunct of ``t`` (its literals are a subset of that disjunct's literals), distinct
  disjuncts of ``m`` being parts of distinct disjuncts of ``t``, and ``m`` is redundancy free (no
  term of ``m`` is part of another). The empty model is a submodel of every model. A submodel
  makes no false causal claim: this is the correctness criterion of the benchmark.
* **correct**: a non-empty submodel of the truth. **error-free**: no model, or a correct one.
* A **tautology** (the model ``1``) or any model with an empty conjunction among its terms
  claims that the outcome follows whatever the conditions: it is a false causal claim, never
  correct, never error-free, and its empty term is a spurious term that detects no path. (An
  empty conjunction's literal set is a subset of every path's, so the plain submodel test would
  otherwise accept it; cna's ``is.submodel`` has no such case because cna never returns ``1``.)
* **completeness**: ``complexity(m) / complexity(t)`` (numbers of literals) when correct, else 0.
* **exact**: the same set of terms as the truth; **equivalent**: the same Boolean function.
* **term precision / recall**: the share of the model's terms that are true paths, and of the
  true paths found among the model's terms.

All functions are pure and work on :class:`qca.Expression` objects (or strings that
:func:`qca.parse` reads).

References
----------
Baumgartner, M., & Thiem, A. (2020). Often trusted but never (properly) tested: evaluating
qualitative comparative analysis. *Sociological Methods & Research* 49(2), 279-311.
Baumgartner, M., & Ambuehl, M. (2020). Causal modeling with multi-value and fuzzy-set
coincidence analysis. *Political Science Research and Methods* 8(3), 526-542.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from qca import Expression, Term, parse
from qca.expressions import evaluate_arrays

__all__ = [
    "as_expression",
    "is_tautology",
    "complexity",
    "is_submodel",
    "submodels",
    "is_correct",
    "completeness",
    "is_exact",
    "is_equivalent",
    "term_precision_recall",
    "case_agreement",
    "model_membership",
    "score_model",
    "light_scores",
]


def as_expression(model: Expression | str | Sequence[str]) -> Expression:
    """An :class:`qca.Expression` from an expression, a string or a sequence of term strings.

    ``"0"`` and an empty sequence give the empty model (no terms); ``"1"`` (alone or as a term)
    is the empty conjunction, the tautology.

    Examples
    --------
    >>> str(as_expression("1")), str(as_expression(["A*B", "1"]))
    ('1', 'A*B + 1')
    """
    if isinstance(model, Expression):
        return model
    if isinstance(model, str):
        pieces = [t.strip() for t in model.split("+")]
        model = pieces if "1" in pieces else [model]
    terms = [t.strip() for t in model if t and t.strip() not in ("", "0")]
    empty = any(t == "1" for t in terms)
    terms = [t for t in terms if t != "1"]
    parsed = list(parse(" + ".join(terms)).terms) if terms else []
    return Expression(tuple(parsed + ([Term(())] if empty else [])))


def is_tautology(model: Expression | str) -> bool:
    """Does the model contain an empty conjunction (``1``: the outcome whatever the conditions)?

    Examples
    --------
    >>> is_tautology("1"), is_tautology("A + 1"), is_tautology("A*B"), is_tautology("0")
    (True, True, False, False)
    """
    return any(len(t) == 0 for t in as_expression(model).terms)


def complexity(model: Expression | str) -> int:
    """Number of literals of a model."""
    return sum(len(t) for t in as_expression(model).terms)


def _literal_set(term: Term) -> frozenset[tuple[str, frozenset[int]]]:
    return term.literal_set


def _part_of(small: Term, big: Term) -> bool:
    return _literal_set(small) <= _literal_set(big)


def _has_matching(edges: list[list[int]], n_right: int) -> bool:
    """Is there a matching saturating every left vertex (Kuhn's augmenting paths)?"""
    match_right = [-1] * n_right

    def augment(u: int, seen: list[bool]) -> bool:
        for v in edges[u]:
            if not seen[v]:
                seen[v] = True
                if match_right[v] < 0 or augment(match_right[v], seen):
                    match_right[v] = u
                    return True
        return False

    return all(augment(u, [False] * n_right) for u in range(len(edges)))


def _redundancy_free(terms: Sequence[Term]) -> bool:
    sets = [_literal_set(t) for t in terms]
    if len(set(sets)) != len(sets):
        return False
    return not any(i != j and a <= b for i, a in enumerate(sets) for j, b in enumerate(sets))


def is_submodel(model: Expression | str, truth: Expression | str) -> bool:
    """Is ``model`` a submodel of ``truth`` (see the module docstring)?

    Parameters
    ----------
    model, truth : Expression or str
        Disjunctive normal forms; ``"0"`` or an empty expression is the empty model.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_submodel("~A + D", "~A*B + B*~C + D")
    True
    >>> is_submodel("~A + B + ~C", "~A*B + B*~C + D")
    False
    """
    m = as_expression(model)
    t = as_expression(truth)
    if not m.terms:
        return True
    if is_tautology(m):
        return False
    if len(m.terms) > len(t.terms) or not _redundancy_free(m.terms):
        return False
    edges = [[j for j, u in enumerate(t.terms) if _part_of(s, u)] for s in m.terms]
    if any(not e for e in edges):
        return False
    return _has_matching(edges, len(t.terms))


def submodels(truth: Expression | str) -> list[Expression]:
    """Every submodel of ``truth``, the empty model and ``truth`` itself included.

    Parameters
    ----------
    truth : Expression or str

    Returns
    -------
    list of Expression
        In order of increasing number of terms, then complexity.

    Examples
    --------
    >>> len(submodels("~A*B + B*~C + D"))
    24
    """
    t = as_expression(truth)
    candidates: dict[frozenset, Term] = {}
    for term in t.terms:
        lits = term.literals
        for k in range(1, len(lits) + 1):
            for sub in itertools.combinations(lits, k):
                candidates.setdefault(frozenset(sub), Term(tuple(sub)))
    cands = list(candidates.values())
    out = [Expression(())]
    for k in range(1, len(t.terms) + 1):
        for combo in itertools.combinations(cands, k):
            expr = Expression(tuple(combo))
            if is_submodel(expr, t):
                out.append(expr)
    out.sort(key=lambda e: (len(e.terms), complexity(e), str(e)))
    return out


def is_correct(model: Expression | str, truth: Expression | str) -> bool:
    """A non-empty submodel of the truth."""
    m = as_expression(model)
    return bool(m.terms) and is_submodel(m, truth)


def completeness(model: Expression | str, truth: Expression | str) -> float:
    """``complexity(model) / complexity(truth)`` for a correct model, else 0."""
    m = as_expression(model)
    if not is_correct(m, truth):
        return 0.0
    return complexity(m) / max(complexity(truth), 1)


def is_exact(model: Expression | str, truth: Expression | str) -> bool:
    """The same set of terms as the truth (in any order)."""
    return as_expression(model) == as_expression(truth)


@lru_cache(maxsize=64)
def _literal_masks(k: int) -> tuple[tuple[int, int], ...]:
    """For each of ``k`` crisp conditions, the configurations (bits of an integer over the
    ``2**k`` configurations, configuration ``b`` holding condition ``j`` at ``b >> j & 1``)
    where it is 0 and where it is 1."""
    full = (1 << (1 << k)) - 1
    out = []
    for j in range(k):
        # Bit pattern of condition j: runs of 2**j zeros then 2**j ones, repeated.
        block = ((1 << (1 << j)) - 1) << (1 << j)
        ones = 0
        for start in range(0, 1 << k, 1 << (j + 1)):
            ones |= block << start
        out.append((full ^ ones, ones))
    return tuple(out)


@lru_cache(maxsize=4096)
def _truth_vector(expr: Expression, conditions: tuple[str, ...]) -> int:
    """The Boolean function of ``expr`` over the crisp configurations of ``conditions``, as the
    integer whose bits are the configurations where it is true (multi-value literals read on
    levels 0/1)."""
    masks = _literal_masks(len(conditions))
    idx = {c: i for i, c in enumerate(conditions)}
    full = (1 << (1 << len(conditions))) - 1
    out = 0
    for term in expr.terms:
        m = full
        for cond, vals in term.literals:
            zero, one = masks[idx[cond]]
            m &= (zero if 0 in vals else 0) | (one if 1 in vals else 0)
        out |= m
    return out


def is_equivalent(model: Expression | str, truth: Expression | str) -> bool:
    """Logical equivalence: the same Boolean function over the union of their conditions.

    Crisp (two-level) conditions are assumed; multi-value literals are compared on levels 0/1.
    """
    m, t = as_expression(model), as_expression(truth)
    return _same_function(m, t, _compared_conditions(set(m.conditions) | set(t.conditions)))


def _compared_conditions(conditions: set[str]) -> tuple[str, ...]:
    """The conditions two expressions are compared over (sorted), at most 20."""
    if len(conditions) > 20:
        raise ValueError(f"is_equivalent: too many conditions ({len(conditions)}) to compare")
    return tuple(sorted(conditions))


def _same_function(model: Expression, truth: Expression, conditions: tuple[str, ...]) -> bool:
    # (The truth's function is cached: it recurs; a model's seldom does.)
    return _truth_vector.__wrapped__(model, conditions) == _truth_vector(truth, conditions)


def term_precision_recall(model: Expression | str, truth: Expression | str) -> tuple[float, float]:
    """Share of the model's terms that are true paths, and of true paths among its terms.

    The precision of the empty model is NaN (nothing claimed); recall is then 0.
    """
    m, t = as_expression(model), as_expression(truth)
    return _precision_recall({_literal_set(x) for x in m.terms}, {_literal_set(x) for x in t.terms})


def _precision_recall(model_terms: set[frozenset], true_terms: set[frozenset]) -> tuple[float, float]:
    """:func:`term_precision_recall` of the distinct terms as literal sets."""
    hits = len(model_terms & true_terms)
    precision = hits / len(model_terms) if model_terms else float("nan")
    recall = hits / len(true_terms) if true_terms else float("nan")
    return precision, recall


#: Most crisp conditions for which :func:`model_membership` tabulates a model over every
#: configuration (2**12 = 4,096 memberships).
MAX_TABULATED_CONDITIONS = 12


def model_membership(model: Expression, columns: Mapping[str, np.ndarray]) -> np.ndarray:
    """Each case's membership in ``model``: :func:`qca.expressions.evaluate_arrays`, the same
    numbers.

    With crisp (0/1 integer) columns of at most :data:`MAX_TABULATED_CONDITIONS` conditions, a
    case's membership depends only on its configuration: it is 1 where some term's literals all
    hold and 0 elsewhere (a minimum and maximum of zeros and ones), so the model is evaluated once
    per configuration (its truth vector, as :func:`is_equivalent` compares them) and each case
    looks up its configuration's membership.
    """
    names = tuple(columns)
    if model.terms and 0 < len(names) <= MAX_TABULATED_CONDITIONS and all(
            vals in _CRISP and cond in columns for t in model.terms for cond, vals in t.literals):
        cols = [np.asarray(columns[c]) for c in names]
        if all(c.dtype.kind in "iu" and c.ndim == 1 for c in cols) and len({c.size for c in cols}) == 1:
            stacked = np.stack(cols).astype(np.int64, copy=False)
            if stacked.size and stacked.view(np.uint64).max() <= 1:  # 0/1
                n = 1 << len(names)
                vector = _truth_vector.__wrapped__(model, names)
                table = np.unpackbits(np.frombuffer(vector.to_bytes((n + 7) // 8, "little"), dtype=np.uint8),
                                      bitorder="little")[:n].astype(float)
                # Configuration b holds condition j at bit j (as _literal_masks).
                return table[(1 << np.arange(len(names), dtype=np.int64)) @ stacked]
    return evaluate_arrays(model, columns)


_CRISP = (frozenset({0}), frozenset({1}))


def case_agreement(model_membership: np.ndarray, true_membership: np.ndarray) -> float:
    """Share of cases whose crisp membership in the model (> 0.5) equals the true one."""
    a = np.asarray(model_membership, dtype=float) > 0.5
    b = np.asarray(true_membership, dtype=float) > 0.5
    return float((a == b).mean()) if a.size else float("nan")


def score_model(model: Expression | str, truth: Expression | str) -> dict[str, float | bool]:
    """Every structural score of one model: correct, error_free, completeness, exact,
    equivalent, precision, recall, complexity, tautology.

    Examples
    --------
    >>> s = score_model("1", "A*B + C")
    >>> s["correct"], s["error_free"], s["tautology"], s["equivalent"]
    (False, False, True, False)
    """
    m, t = as_expression(model), as_expression(truth)
    correct = is_correct(m, t)
    # Terms are equal when their literal sets are: each term's set is built once here, for term
    # precision and recall, exactness (``m == t``) and the conditions of is_equivalent.
    m_sets, t_sets = {_literal_set(x) for x in m.terms}, {_literal_set(x) for x in t.terms}
    precision, recall = _precision_recall(m_sets, t_sets)
    size = complexity(m)
    conds = _compared_conditions({c for lits in m_sets | t_sets for c, _ in lits})
    return {
        "correct": correct,
        "error_free": correct or not m.terms,
        "completeness": (size / max(complexity(t), 1)) if correct else 0.0,
        "exact": m_sets == t_sets,
        "equivalent": _same_function(m, t, conds),
        "precision": precision,
        "recall": recall,
        "complexity": size,
        "tautology": is_tautology(m),
    }


def light_scores(models: Sequence[Expression], truth: Expression) -> list[dict[str, bool]]:
    """``correct``, ``error_free`` and ``exact`` of each of many models of one truth.

    The same answers as :func:`is_correct` and ``model == truth`` model by model, computed once
    per distinct term (tied models share most of their terms): which true paths each term is a
    part of, and its literal set.

    Examples
    --------
    >>> [s["correct"] for s in light_scores([parse("A"), parse("A + C*D")], parse("A*B + C"))]
    [True, False]
    """
    paths = [t.literal_set for t in truth.terms]
    truth_set = frozenset(paths)
    n_paths = len(paths)
    # Per distinct term object (tied models share theirs): its literal set, the true paths it
    # is a part of, and whether it is one of them. ``held`` keeps the terms, so ids stay theirs.
    seen: dict[int, tuple[frozenset, list[int], bool]] = {}
    held = []

    def info(term: Term) -> tuple[frozenset, list[int], bool]:
        hit = seen.get(id(term))
        if hit is None:
            lits = term.literal_set
            hit = seen[id(term)] = (lits, [j for j, p in enumerate(paths) if lits <= p], lits in truth_set)
            held.append(term)
        return hit

    out = []
    for m in models:
        if len(m.terms) > n_paths:
            # More terms than true paths: not correct, and exact only with repeated terms (the
            # first term that is no true path, usually the first, settles it).
            exact = all(info(t)[2] for t in m.terms) and frozenset(info(t)[0] for t in m.terms) == truth_set
            out.append({"correct": False, "error_free": False, "exact": exact})
            continue
        hits = [info(t) for t in m.terms]
        sets = [h[0] for h in hits]
        exact = all(h[2] for h in hits) and frozenset(sets) == truth_set
        edges = [h[1] for h in hits]
        correct = (
            bool(sets)
            and len(sets) <= n_paths
            and all(sets)  # an empty conjunction (the tautology) is never correct
            and all(edges)
            and len(set(sets)) == len(sets)
            and not any(i != j and a <= b for i, a in enumerate(sets) for j, b in enumerate(sets))
            and _has_matching(edges, n_paths)
        )
        out.append({"correct": correct, "error_free": correct or not sets, "exact": exact})
    return out
