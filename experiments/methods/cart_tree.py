"""A classification tree as a non-configurational baseline (CART; Breiman et al. 1984).

The sceptical reviewer's question is whether a standard, non-configurational learner does as
well as QCA or CNA at finding the causal recipe. This method fits a CART classification tree
(Gini impurity, binary splits, depth and leaf-size limits) to the crisp-calibrated conditions
(fuzzy memberships thresholded at 0.5: membership > 0.5 is "present") predicting the crisp
outcome (membership > 0.5), and translates it into the sufficient configurations it implies:
each leaf whose majority is positive is the conjunction of the literals on its path; the model
is the disjunction of those leaves, simplified exactly (:func:`qca.simplify`) so that a leaf
split that does not change the prediction disappears. The model is then scored like any QCA
solution.

Implementation notes (numpy only, deterministic; nothing is random, so no seed is needed):

* Splits: at each node every condition is a candidate split; the one with the largest
  decrease in weighted Gini impurity wins (ties: the first condition in analysis order), if
  the decrease is at least ``cart_min_gain`` and both children keep ``cart_min_leaf`` cases.
  Growth stops at depth ``cart_max_depth`` or at a pure node.
* A leaf predicts the outcome when strictly more than half of its cases have it (a tie
  predicts absence: the conservative reading of a claim of sufficiency).
* No cost-complexity pruning (scikit-learn's ``ccp_alpha``): the depth, leaf-size and
  minimum-gain limits play that role here and are declared parameters.
* A tree that predicts the same class everywhere (no split, or every leaf positive) implies no
  configuration distinct from the constant, and is reported as ``"no_model"``.

References
----------
Breiman, L., Friedman, J. H., Olshen, R. A., & Stone, C. J. (1984). *Classification and
Regression Trees*. Wadsworth.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qca import Expression, QCAError
from qca.expressions import Term
from qca.params import Param
from qca.simplify import simplify

from . import AnalysisInput, AnalysisMethod, MethodResult, MethodResults, register_method

__all__ = ["CART_METHOD", "Leaf", "grow_tree", "tree_expression"]

PARAMS = (
    Param("cart_max_depth", 4, "int", low=1, doc="Maximum depth of the classification tree."),
    Param("cart_min_leaf", 5, "int", low=1, doc="Minimum number of cases in each leaf."),
    Param("cart_min_gain", 0.01, "float", low=0, high=1,
          doc="Minimum decrease in weighted Gini impurity (share of the root's cases) for a split."),
)


@dataclass(frozen=True)
class Leaf:
    """A leaf of the tree: the literals on its path, its cases and how many have the outcome.

    Attributes
    ----------
    path : tuple of (int, int)
        ``(condition index, value)`` pairs, root first.
    n : int
        Cases in the leaf.
    n_pos : int
        Cases in the leaf with the outcome.
    """

    path: tuple[tuple[int, int], ...]
    n: int
    n_pos: int

    @property
    def positive(self) -> bool:
        """Whether the leaf predicts the outcome (strict majority)."""
        return 2 * self.n_pos > self.n


def _gini(n: np.ndarray, n_pos: np.ndarray) -> np.ndarray:
    """Gini impurity times the number of cases (``n * 2p(1-p)``); 0 for empty nodes."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, n_pos / np.maximum(n, 1), 0.0)
    return n * 2.0 * p * (1.0 - p)


def grow_tree(x: np.ndarray, y: np.ndarray, max_depth: int = 4, min_leaf: int = 5,
              min_gain: float = 0.01) -> list[Leaf]:
    """Grow a CART classification tree on binary data and return its leaves.

    Parameters
    ----------
    x : ndarray of {0, 1}, shape (cases, conditions)
    y : ndarray of {0, 1}, shape (cases,)
    max_depth, min_leaf, min_gain
        Stopping rules (see the module docstring); ``min_gain`` is a share of the root's cases.

    Returns
    -------
    list of Leaf
        Depth-first, the 0-branch before the 1-branch.

    Raises
    ------
    QCAError
        When the data are not binary or their shapes disagree.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise QCAError(f"grow_tree needs x (cases x conditions) and y (cases); got shapes "
                       f"{x.shape} and {y.shape}")
    if not (np.isin(x, (0, 1)).all() and np.isin(y, (0, 1)).all()):
        raise QCAError("grow_tree needs binary (0/1) conditions and outcome")
    x = x.astype(np.int64)
    y = y.astype(np.int64)
    n_root = x.shape[0]
    leaves: list[Leaf] = []

    def grow(idx: np.ndarray, path: tuple[tuple[int, int], ...]) -> None:
        n, n_pos = idx.size, int(y[idx].sum())
        used = {j for j, _ in path}
        if len(path) >= max_depth or n_pos in (0, n):
            leaves.append(Leaf(path, n, n_pos))
            return
        xs, ys = x[idx], y[idx]
        n1 = xs.sum(axis=0)                       # cases with the condition, per condition
        p1 = (xs * ys[:, None]).sum(axis=0)       # ... of which with the outcome
        n0, p0 = n - n1, n_pos - p1
        gain = (_gini(np.array(n), np.array(n_pos)) - _gini(n1, p1) - _gini(n0, p0)) / n_root
        ok = (n1 >= min_leaf) & (n0 >= min_leaf) & (gain >= min_gain) & (gain > 1e-12)
        ok[list(used)] = False
        if not ok.any():
            leaves.append(Leaf(path, n, n_pos))
            return
        j = int(np.flatnonzero(ok)[np.argmax(gain[ok])])
        for v in (0, 1):
            grow(idx[xs[:, j] == v], (*path, (j, v)))

    grow(np.arange(n_root), ())
    return leaves


def tree_expression(leaves: Sequence[Leaf], conditions: Sequence[str]) -> Expression:
    """The disjunction of the positive leaves' paths, simplified (:func:`qca.simplify`).

    Returns the empty expression (``"0"``) when no leaf is positive and the tautology when all
    are.
    """
    terms = [Term(tuple((conditions[j], frozenset({v})) for j, v in sorted(leaf.path)))
             for leaf in leaves if leaf.positive]
    if not terms:
        return Expression(())
    return simplify(Expression(tuple(terms)), order=list(conditions))


def _is_constant(expr: Expression) -> bool:
    return not expr.terms or any(not t.literals for t in expr.terms)


def _analyse(inp: AnalysisInput, params: Mapping[str, Any], outputs: tuple[str, ...]) -> MethodResults:
    x = (inp.values > 0.5).astype(np.int64)
    y = (np.asarray(inp.data[inp.outcome], dtype=float) > 0.5).astype(np.int64)
    try:
        leaves = grow_tree(x, y, params["cart_max_depth"], params["cart_min_leaf"],
                           params["cart_min_gain"])
        expr = tree_expression(leaves, inp.conditions)
    except QCAError as exc:
        return MethodResults({o: MethodResult.error(exc) for o in outputs})
    diagnostics = {"cart_leaves": len(leaves)}
    if _is_constant(expr):
        return MethodResults({o: MethodResult() for o in outputs}, diagnostics)
    res = MethodResult(models=(expr,), n_models=1, status="ok", model_text=str(expr))
    return MethodResults({o: res for o in outputs}, diagnostics)


CART_METHOD = register_method(AnalysisMethod(
    name="cart",
    outputs=("cart",),
    params=PARAMS,
    analyse=_analyse,
    description="Classification tree (CART, Gini) on crisp-calibrated conditions; the positive "
                "leaves as sufficient configurations",
    diagnostics=("cart_leaves",),
))
