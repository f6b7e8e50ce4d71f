"""The causal recipe evaluated on the true conditions, vectorised.

A recipe is a sum of products of crisp literals in qca syntax (``qca.parse``). A worker's
membership in a path is the minimum over its literals of the condition's membership (``1 -
membership`` for a negated literal), and in the recipe the maximum over paths: the fuzzy AND and
OR (Zadeh 1965), which reduce to Boolean AND and OR on 0/1 memberships (crisp truth).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qca import Expression

__all__ = ["compile_recipe", "path_membership"]

Compiled = tuple[tuple[tuple[int, int], ...], ...]


def compile_recipe(expr: Expression, names: Sequence[str]) -> Compiled:
    """Each path as ``((condition index, required value), ...)``."""
    idx = {n: i for i, n in enumerate(names)}
    return tuple(tuple((idx[c], next(iter(v))) for c, v in t.literals) for t in expr.terms)


def path_membership(true: np.ndarray, compiled: Compiled) -> np.ndarray:
    """Membership in each path (float64), shape ``true.shape[:-1] + (n_paths,)``.

    ``true`` holds the condition memberships in [0, 1] (0/1 for crisp truth, booleans accepted)
    on its last axis, in scenario order.
    """
    mem = np.asarray(true, dtype=float)
    out = np.ones((*mem.shape[:-1], len(compiled)))
    for p, term in enumerate(compiled):
        for i, v in term:
            np.minimum(out[..., p], mem[..., i] if v else 1.0 - mem[..., i], out=out[..., p])
    return out
