"""Exact simplification and negation of Boolean expressions (a minimal sum of products).

The expression's truth function is tabulated over the conditions it names and minimized exactly
with the engine's prime-implicant and minimum-cover algorithms (Quine 1952; McCluskey 1956), so
``simplify("A*B + A*~B")`` is ``A`` and ``negate("A*B + C")`` is ``~A*~C + ~B*~C``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .cover import minimum_covers
from .exceptions import ExpressionError
from .expressions import Expression, Term, parse
from .expressions import negate as de_morgan
from .primes import covers, prime_implicants
from .truth_table import row_configs

__all__ = ["simplify", "negate"]

#: Largest configuration space tabulated by :func:`simplify`.
MAX_SPACE = 2**20


def _levels_for(expr: Expression, levels: Mapping[str, int] | None) -> list[int]:
    out = []
    for cond in expr.conditions:
        seen = max(max(v) for t in expr.terms for c, v in t.literals if c == cond)
        if levels is not None and cond in levels:
            out.append(int(levels[cond]))
        elif seen <= 1:
            out.append(2)
        else:
            raise ExpressionError(
                f"condition {cond!r} is multi-value: give its number of levels, e.g. levels={{{cond!r}: 3}}"
            )
    return out


def simplify(
    expr: Expression | str, levels: Mapping[str, int] | None = None, order: Sequence[str] | None = None
) -> Expression:
    """A minimal sum of products equivalent to ``expr`` (fewest terms, then fewest literals).

    Parameters
    ----------
    expr : Expression or str
    levels : mapping, optional
        Number of levels of multi-value conditions (crisp ones have 2).
    order : sequence of str, optional
        Order of the conditions within terms (default: first appearance in ``expr``).

    Returns
    -------
    Expression
        ``"0"`` for a contradiction, ``"1"`` for a tautology.

    Examples
    --------
    >>> str(simplify("A*B + A*~B + A*C"))
    'A'
    """
    expr = parse(expr, levels=levels) if isinstance(expr, str) else expr
    if not expr.terms:
        return expr
    conditions = list(expr.conditions)
    if order is not None:
        rank = {c: i for i, c in enumerate(order)}
        conditions.sort(key=lambda c: rank.get(c, len(rank)))
    if not conditions:
        return Expression((Term(()),))
    lev = _levels_for(expr, levels)
    n_space = int(np.prod(np.asarray(lev, dtype=float)))
    if n_space > MAX_SPACE:
        raise ExpressionError(f"the expression spans {n_space:,} configurations; at most {MAX_SPACE:,}")
    space = row_configs(np.arange(1, n_space + 1), lev)
    pos = {c: j for j, c in enumerate(conditions)}
    true = np.zeros(n_space, dtype=bool)
    for term in expr.terms:
        inside = np.ones(n_space, dtype=bool)
        for cond, vals in term.literals:
            inside &= np.isin(space[:, pos[cond]], sorted(vals))
        true |= inside
    if not true.any():
        return Expression(())
    if true.all():
        return Expression((Term(()),))
    on = space[true]
    primes = prime_implicants(on, space[~true], lev, "dont_care")
    result = minimum_covers(covers(primes, on), max_models=1000)
    best = min(result.covers, key=lambda c: (int((primes[list(c)] >= 0).sum()), c))
    terms = []
    for cube in primes[list(best)]:
        terms.append(Term(tuple((conditions[j], frozenset({int(v)})) for j, v in enumerate(cube) if v >= 0)))
    return Expression(tuple(terms), multivalue=any(n > 2 for n in lev))


def negate(expr: Expression | str, levels: Mapping[str, int] | None = None) -> Expression:
    """The negation of ``expr`` as a minimal sum of products (De Morgan, then :func:`simplify`).

    Examples
    --------
    >>> str(negate("A*B + C"))
    '~A*~C + ~B*~C'
    >>> str(negate("A[1]*B", levels={"A": 3}))
    'A[0] + A[2] + B[0]'
    """
    expr = parse(expr, levels=levels) if isinstance(expr, str) else expr
    full = dict(levels or {})
    for cond, n in zip(expr.conditions, _levels_for(expr, levels)):
        full.setdefault(cond, n)
    return simplify(de_morgan(expr, full), full, order=expr.conditions)
