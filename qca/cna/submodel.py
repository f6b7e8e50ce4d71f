"""Submodel relations between CNA solution formulas (``is_submodel``, ``identical_model``).

Semantics of R's ``cna::is.submodel`` / ``identical.model`` (cna 4.0; Baumgartner & Thiem 2020,
"Often trusted but never (properly) tested", Sociological Methods & Research 49(2)): a model x is a
submodel of a target y when, for every asf of x, y has an asf with the same outcome value such that
every disjunct of x's asf is contained (as a set of literals) in a *different* disjunct of y's asf.
Hence every literal of x is in y, literals conjoined in x are conjoined in y and literals in
different disjuncts of x sit in different disjuncts of y. The comparison is syntactic and works
for crisp (``A``/``a``), fuzzy (same syntax) and multi-value (``A=2``) formulas, asf and csf.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ._data import CNAError

__all__ = ["parse_model", "is_submodel", "identical_model"]

Model = frozenset  # of (outcome, frozenset of frozenset of literal strings)


def _literal(tok: str, where: str) -> str:
    tok = tok.strip()
    if not tok:
        raise CNAError(f"empty literal in {where!r}")
    if "=" in tok:
        name, _, val = tok.partition("=")
        return f"{name.strip()}={val.strip()}"
    if tok[0] in "~!-":
        inner = tok[1:].strip()
        return inner.lower() if inner == inner.upper() and inner.lower() != inner else "~" + inner
    return tok


@lru_cache(maxsize=65536)
def parse_model(text: str) -> tuple[tuple[str, frozenset], ...]:
    """An asf or csf string as a tuple of ``(outcome, DNF)``, a DNF a frozenset of frozensets.

    Accepts ``A*b + C <-> D``, ``(A + B <-> C)*(C*d <-> E)``, ``->`` for ``<->``, blanks anywhere.
    """
    if not isinstance(text, str):
        raise CNAError(f"a model must be a string, got {type(text).__name__}")
    s = re.sub(r"\s+", "", text)
    if not s:
        raise CNAError("empty model string")
    parts = re.findall(r"\(([^()]*)\)", s) if s.startswith("(") else [s]
    if s.startswith("(") and re.sub(r"\([^()]*\)", "", s).replace("*", ""):
        raise CNAError(f"cannot read csf {text!r}: expected (asf)*(asf)*...")
    out = []
    for p in parts:
        arrow = "<->" if "<->" in p else "->" if "->" in p else None
        if arrow is None:
            raise CNAError(f"model {text!r} has no '<->' (or '->') between conditions and outcome")
        lhs, rhs = p.split(arrow, 1)
        if not lhs or not rhs or "+" in rhs or "*" in rhs:
            raise CNAError(f"cannot read asf {p!r} in {text!r}")
        dnf = frozenset(frozenset(_literal(t, text) for t in d.split("*")) for d in lhs.split("+"))
        out.append((_literal(rhs, text), dnf))
    return tuple(out)


def _matches(xs: Sequence[frozenset], ys: Sequence[frozenset]) -> bool:
    """Each set in xs lies in a different set of ys (bipartite matching, augmenting paths)."""
    if len(xs) > len(ys):
        return False
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j, y in enumerate(ys):
            if j in seen or not xs[i] <= y:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    return all(augment(i, set()) for i in range(len(xs)))


def _sub(x: tuple, y: tuple) -> bool:
    for out, dnf in x:
        targets = [d for o, d in y if o == out]
        if not any(_matches(list(dnf), list(t)) for t in targets):
            return False
    return True


def _one(x: str, y: tuple, strict: bool) -> bool:
    px = parse_model(x)
    ok = _sub(px, y)
    if ok and strict:
        ok = frozenset(px) != frozenset(y)
    return ok


def is_submodel(x: str | Sequence[str], y: str, strict: bool = False) -> bool | np.ndarray:
    """Whether ``x`` (one model or a list) is a submodel of the target ``y``.

    Parameters
    ----------
    x : str or sequence of str
        Candidate asf/csf.
    y : str
        Target asf/csf (e.g. the true data-generating structure).
    strict : bool
        Require x to differ from y (as a set of asf; order and blanks do not matter).

    Returns
    -------
    bool, or a boolean array for a sequence of candidates.
    """
    py = parse_model(y)
    if isinstance(x, str):
        return _one(x, py, strict)
    return np.array([_one(c, py, strict) for c in x], dtype=bool)


def identical_model(x: str, y: str) -> bool:
    """Whether x and y are submodels of each other (R's ``identical.model``)."""
    px, py = parse_model(x), parse_model(y)
    return _sub(px, py) and _sub(py, px)
