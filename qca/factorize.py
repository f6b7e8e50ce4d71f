"""Factorizations of a sum of products, as R's ``factorize()``: ``A*B + A*C`` is ``A*(B + C)``.

A factorization pulls the literals shared by a group of terms out in front of a bracket:
``common*(rest_1 + rest_2 + ...)``. :func:`factorize` lists every way of doing this in which
the groups are the terms sharing a literal and every group is factorized at most once, the
remaining terms being factorized in turn (so ``A*B + A*C + D*E + D*F`` gives
``A*(B + C) + D*(E + F)``). Each factorization is logically equivalent to the expression (the
distributive law holds for crisp and fuzzy sets alike). R's ``factorize`` (QCA 3.25 via admisc)
fails with "'combint' is not an exported object", so these results are not compared with R.
"""

from __future__ import annotations

from collections.abc import Sequence

from .exceptions import QCAError
from .expressions import Expression, Term, parse

__all__ = ["factorize"]

Literal = tuple[str, frozenset[int]]


def _term_str(lits: Sequence[Literal]) -> str:
    return str(Expression((Term(tuple(lits)),))) if lits else "1"


def _factorings(
    terms: tuple[int, ...], all_terms: tuple[tuple[Literal, ...], ...], order: dict[str, int]
) -> set[frozenset[tuple[int, str]]]:
    """Factorizations of the terms with indices ``terms``: sets of (first index, part) pairs."""
    results: set[frozenset[tuple[int, str]]] = set()
    literals = sorted(
        {lit for i in terms for lit in all_terms[i]}, key=lambda lit: (order.get(lit[0], 0), sorted(lit[1]))
    )
    for lit in literals:
        group = tuple(i for i in terms if lit in all_terms[i])
        if len(group) < 2:
            continue
        common = [x for x in all_terms[group[0]] if all(x in all_terms[i] for i in group[1:])]
        if any(set(all_terms[i]) <= set(common) for i in group):
            continue  # a term equal to the factor absorbs the others (A + A*B = A): nothing to factor
        inner = " + ".join(_term_str([x for x in all_terms[i] if x not in common]) for i in group)
        head = (group[0], f"{_term_str(common)}*({inner})")
        rest = tuple(i for i in terms if i not in group)
        results.add(frozenset({head, *((i, _term_str(all_terms[i])) for i in rest)}))
        for sub in _factorings(rest, all_terms, order):
            results.add(frozenset({head, *sub}))
    return results


def factorize(expr: str | Expression, conditions: Sequence[str] | None = None) -> list[str]:
    """All factorizations of a sum of products by literals common to several terms.

    Parameters
    ----------
    expr : str or Expression
        A sum of products, e.g. ``"~SBW*INNOV*~CASELOAD + ~INNOV*~WORKLOAD*LONGMEET"``.
    conditions : sequence of str, optional
        Known condition names (checked, and the order in which factors are tried).

    Returns
    -------
    list of str
        The distinct factorizations, shortest first; empty when no literal is shared by two
        terms.

    References
    ----------
    Dusa, A. (2019). *QCA with R*, section 8.8 (``factorize``). Springer.

    Examples
    --------
    >>> factorize("A*B + A*C + D")
    ['A*(B + C) + D']
    >>> factorize("A*B + A*C + B*C")
    ['A*(B + C) + B*C', 'A*B + C*(A + B)', 'B*(A + C) + A*C']
    """
    parsed = expr if isinstance(expr, Expression) else parse(expr, conditions=conditions)
    if not isinstance(parsed, Expression) or not parsed.terms:
        raise QCAError(f"factorize needs a sum of products; got {expr!r}")
    names = list(conditions) if conditions is not None else list(parsed.conditions)
    order = {c: i for i, c in enumerate(names)}
    terms = tuple(tuple(t.literals) for t in parsed.terms)
    every = _factorings(tuple(range(len(terms))), terms, order)
    found = {" + ".join(part for _, part in sorted(parts)) for parts in every}
    return sorted(found, key=lambda s: (len(s), s))
