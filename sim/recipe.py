"""The causal recipe evaluated on true crisp conditions, vectorised.

A recipe is a crisp sum of products in qca syntax (``qca.parse``); a worker is a member when
their true configuration satisfies at least one path (term).
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
    """Boolean membership in each path, shape ``true.shape[:-1] + (n_paths,)``.

    ``true`` holds the crisp conditions on its last axis, in scenario order.
    """
    out = np.ones((*true.shape[:-1], len(compiled)), dtype=bool)
    for p, term in enumerate(compiled):
        for i, v in term:
            out[..., p] &= true[..., i] == bool(v)
    return out
