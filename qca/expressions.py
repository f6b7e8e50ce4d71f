"""Boolean expressions in QCA notation: parse, print, negate, evaluate on data.

Syntax (as R's QCA with ``use.tilde``): ``+`` is OR, ``*`` is AND, ``~`` is NOT, parentheses
group, ``X`` is presence and ``~X`` absence of a crisp or fuzzy condition, ``X[2]`` (or ``X[1,2]``)
is a multi-value literal. Example: ``"~SBW*INNOV*~CASELOAD + ~INNOV*~WORKLOAD*LONGMEET"``.

An expression is held in disjunctive normal form: a tuple of :class:`Term` objects, each a
conjunction mapping a condition to the set of values it may take.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._validation import public_api
from .exceptions import ExpressionError

_ONE = frozenset({1})
_ZERO = frozenset({0})

__all__ = [
    "Term",
    "Expression",
    "parse",
    "evaluate",
    "evaluate_arrays",
    "crisp_configurations",
    "negate",
    "term_from_string",
    "fuzzy_and",
    "fuzzy_or",
]


@dataclass(frozen=True, eq=False)
class Term:
    """A conjunction of literals: ``condition -> allowed values``, kept in the order written.

    ``Term.of({"A": {1}, "B": {0}})`` is ``A*~B``; an empty term is the tautology. Terms compare
    equal when they have the same literals in any order.
    """

    literals: tuple[tuple[str, frozenset[int]], ...]
    #: The literals as a set (what equality and hashing compare), computed once.
    literal_set: frozenset[tuple[str, frozenset[int]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "literal_set", frozenset(self.literals))

    @staticmethod
    def of(mapping: Mapping[str, Iterable[int]]) -> Term:
        return Term(tuple((c, frozenset(v)) for c, v in mapping.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and self.literal_set == other.literal_set

    def __hash__(self) -> int:
        return hash(self.literal_set)

    def as_dict(self) -> dict[str, frozenset[int]]:
        return dict(self.literals)

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.literals)

    def __len__(self) -> int:
        return len(self.literals)

    def conjoin(self, other: Term) -> Term | None:
        """AND of two terms; None when they contradict (e.g. ``A * ~A``)."""
        merged = self.as_dict()
        for cond, vals in other.literals:
            vals = merged[cond] & vals if cond in merged else vals
            if not vals:
                return None
            merged[cond] = vals
        return Term.of(merged)

    def implies(self, other: Term) -> bool:
        """True when every case in this term is in ``other`` (this term is a subset)."""
        mine = self.as_dict()
        return all(c in mine and mine[c] <= v for c, v in other.literals)

    def to_string(self, multivalue: bool = False, order: Sequence[str] | None = None) -> str:
        lits = self.literals
        if order is not None:
            rank = {c: i for i, c in enumerate(order)}
            lits = tuple(sorted(lits, key=lambda cv: (rank.get(cv[0], len(rank)), cv[0])))
        if not lits:
            return "1"
        return "*".join(_literal_str(c, v, multivalue) for c, v in lits)

    def __str__(self) -> str:
        return self.to_string(multivalue=any(not v <= {0, 1} for _, v in self.literals))


def _literal_str(cond: str, vals: frozenset[int], multivalue: bool) -> str:
    if not multivalue and vals == {1}:
        return cond
    if not multivalue and vals == {0}:
        return f"~{cond}"
    return f"{cond}[{','.join(str(v) for v in sorted(vals))}]"


@dataclass(frozen=True, eq=False)
class Expression:
    """A sum of products (disjunctive normal form); equal to another with the same terms."""

    terms: tuple[Term, ...]
    multivalue: bool = False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and frozenset(self.terms) == frozenset(other.terms)

    def __hash__(self) -> int:
        return hash(frozenset(self.terms))

    @property
    def conditions(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for t in self.terms:
            for c in t.conditions:
                seen[c] = None
        return tuple(seen)

    def to_string(self, multivalue: bool = False, order: Sequence[str] | None = None) -> str:
        if not self.terms:
            return "0"
        return " + ".join(t.to_string(multivalue, order) for t in self.terms)

    def __str__(self) -> str:
        mv = self.multivalue or any(not v <= {0, 1} for t in self.terms for _, v in t.literals)
        return self.to_string(multivalue=mv)

    def absorbed(self) -> Expression:
        """Drop duplicate terms and terms implied by another term (absorption: A + A*B = A)."""
        unique = list(dict.fromkeys(self.terms))
        keep = [
            t
            for i, t in enumerate(unique)
            if not any(j != i and t.implies(u) and not (u.implies(t) and j > i) for j, u in enumerate(unique))
        ]
        return Expression(tuple(keep))


_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_.]*)(?:\[(?P<vals>[^\]]*)\])?|(?P<op>[~+*()!&|-]))")


def _tokenize(text: str) -> list[tuple[str, str, str | None, int]]:
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(
                f"cannot parse expression {text!r}: unexpected {text[pos:].strip()[:10]!r} at position {pos}"
            )
        if m.group("name") is not None:
            tokens.append(("lit", m.group("name"), m.group("vals"), m.start("name")))
        else:
            op = {"!": "~", "-": "~", "&": "*", "|": "+"}.get(m.group("op"), m.group("op"))
            tokens.append(("op", op, None, m.start("op")))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str, levels: Mapping[str, int] | None):
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0
        self.levels = levels

    def fail(self, msg: str) -> ExpressionError:
        return ExpressionError(f"cannot parse expression {self.text!r}: {msg}")

    def peek(self) -> tuple[str, str, str | None, int] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Expression:
        if not self.tokens:
            raise self.fail("it is empty")
        expr = self.sum()
        extra = self.peek()
        if extra is not None:
            raise self.fail(f"unexpected {extra[1]!r} at position {extra[3]}")
        return expr

    def sum(self) -> Expression:
        terms = list(self.product().terms)
        while (tok := self.peek()) is not None and tok[:2] == ("op", "+"):
            self.pos += 1
            terms.extend(self.product().terms)
        return Expression(tuple(terms))

    def product(self) -> Expression:
        result = self.factor()
        while (tok := self.peek()) is not None and tok[:2] == ("op", "*"):
            self.pos += 1
            result = _and(result, self.factor())
        return result

    def factor(self) -> Expression:
        tok = self.peek()
        if tok is None:
            raise self.fail("it ends where a condition was expected")
        kind, value, vals, at = tok
        self.pos += 1
        if kind == "op" and value == "~":
            return negate(self.factor(), self.levels)
        if kind == "op" and value == "(":
            inner = self.sum()
            close = self.peek()
            if close is None or close[:2] != ("op", ")"):
                raise self.fail(f"the parenthesis at position {at} is not closed")
            self.pos += 1
            return inner
        if kind == "lit":
            return Expression((Term.of({value: self.values(value, vals, at)}),))
        raise self.fail(f"unexpected {value!r} at position {at}")

    def values(self, name: str, vals: str | None, at: int) -> frozenset[int]:
        if vals is None:
            return frozenset({1})
        try:
            out = frozenset(int(v) for v in vals.split(","))
        except ValueError:
            raise self.fail(
                f"the levels of {name!r} at position {at} must be integers, got [{vals}]"
            ) from None
        if any(v < 0 for v in out):
            raise self.fail(f"the levels of {name!r} must be >= 0, got [{vals}]")
        if self.levels is not None and name in self.levels and max(out) >= self.levels[name]:
            raise self.fail(f"{name!r} has levels 0..{self.levels[name] - 1}, got [{vals}]")
        return out


def _and(a: Expression, b: Expression) -> Expression:
    terms = []
    for s in a.terms:
        for t in b.terms:
            u = s.conjoin(t)
            if u is not None:
                terms.append(u)
    return Expression(tuple(terms)).absorbed()


@public_api
def parse(
    text: str | Expression,
    conditions: Sequence[str] | None = None,
    levels: Mapping[str, int] | None = None,
) -> Expression:
    """Parse a QCA expression into disjunctive normal form.

    Parameters
    ----------
    text : str
        For example ``"DEV*~IND + URB*STB"`` or ``"A[1]*C[2]"``; ``~(A + B)`` is expanded by De Morgan.
    conditions : sequence of str, optional
        When given, every condition named in the expression must be one of these.
    levels : mapping, optional
        Number of levels of each condition (2 for crisp/fuzzy); needed to negate multi-value literals.

    Returns
    -------
    Expression

    Raises
    ------
    ExpressionError
        For malformed text or a condition not in ``conditions``.

    Examples
    --------
    >>> str(parse("A*~B + C"))
    'A*~B + C'
    >>> str(parse("~(A + B)"))
    '~A*~B'
    """
    if isinstance(text, Expression):
        expr = text
    else:
        if not isinstance(text, str):
            raise ExpressionError(f"an expression must be a string; got {type(text).__name__}")
        try:
            expr = _Parser(text, levels).parse()
        except RecursionError:
            raise ExpressionError("expression is nested too deeply (parentheses or negations)") from None
    if conditions is not None:
        unknown = [c for c in expr.conditions if c not in conditions]
        if unknown:
            raise ExpressionError(
                f"expression {str(text)!r} names unknown condition(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(conditions)}"
            )
    return expr


def term_from_string(text: str, levels: Mapping[str, int] | None = None) -> Term:
    """Parse a single conjunction such as ``"A*~B*C[2]"``."""
    expr = parse(text, levels=levels)
    if len(expr.terms) != 1:
        raise ExpressionError(f"{text!r} is not a single conjunction")
    return expr.terms[0]


def negate(expr: Expression | str, levels: Mapping[str, int] | None = None) -> Expression:
    """Negate an expression by De Morgan's laws, returned in absorbed DNF.

    Multi-value literals need ``levels`` (the number of levels of the condition); crisp and fuzzy
    conditions have 2. ``qca.simplify`` further minimizes the result.
    """
    if isinstance(expr, str):
        expr = parse(expr, levels=levels)
    result = Expression((Term(()),))
    for term in expr.terms:
        alternatives = []
        for cond, vals in term.literals:
            n = 2 if levels is None or cond not in levels else levels[cond]
            if levels is None and not vals <= {0, 1}:
                raise ExpressionError(
                    f"cannot negate multi-value literal {_literal_str(cond, vals, True)} "
                    "without knowing the number of levels of the condition"
                )
            rest = frozenset(range(n)) - vals
            if rest:
                alternatives.append(Term.of({cond: rest}))
        result = _and(result, Expression(tuple(alternatives)))
    return result


def literal_membership(x: np.ndarray, vals: frozenset[int], n_levels: int) -> np.ndarray:
    """Membership in ``X[vals]``: fuzzy x / 1-x for crisp-or-fuzzy sets, 0/1 for multi-value."""
    if n_levels <= 2 and vals <= {0, 1}:
        if vals == {1}:
            return x
        if vals == {0}:
            return 1.0 - x
        return np.ones_like(x)
    return np.isin(x, sorted(vals)).astype(float)


def evaluate(expr: Expression | str, data: pd.DataFrame) -> np.ndarray:
    """Membership of each case (row of ``data``) in an expression.

    Fuzzy AND is the minimum, OR the maximum and NOT ``1 - x`` (Zadeh); multi-value literals give
    0/1 memberships.

    Examples
    --------
    >>> import pandas as pd
    >>> evaluate("A*~B", pd.DataFrame({"A": [0.8, 0.3], "B": [0.1, 0.6]})).round(2).tolist()
    [0.8, 0.3]
    """
    from ._validation import check_data, check_names

    if isinstance(expr, str):
        expr = parse(expr, conditions=[str(c) for c in data.columns])
    else:
        check_names(list(expr.conditions), [str(c) for c in data.columns], "expression")
    spec = check_data(data, list(expr.conditions))
    n = data.shape[0]
    out = np.zeros(n)
    for term in expr.terms:
        m = np.ones(n)
        for cond, vals in term.literals:
            m = np.minimum(m, literal_membership(spec.values[cond], vals, spec.levels[cond]))
        out = np.maximum(out, m)
    return out


def evaluate_arrays(expr: Expression, columns: Mapping[str, np.ndarray]) -> np.ndarray:
    """Membership of each case in a crisp or fuzzy expression, from columns of arrays.

    The array counterpart of :func:`evaluate` for simulation loops: no validation, no pandas.
    Literals with value set ``{1}`` are ``x``, ``{0}`` are ``1 - x`` (Zadeh); AND is the
    minimum, OR the maximum. Multi-value literals are not supported here (use :func:`evaluate`).

    Parameters
    ----------
    expr : Expression
    columns : mapping of condition -> 1-d array
        Memberships in [0, 1] (crisp 0/1 or fuzzy), all of one length.
    """
    n = len(next(iter(columns.values()))) if columns else 0
    if not expr.terms:
        return np.zeros(n)
    # Rows: 1, then x and 1 - x of each condition used; each term is the minimum of its rows
    # and of the row of ones, all terms at once.
    rows: dict[tuple[str, bool], int] = {}
    arrays = [np.ones(n)]
    index = []
    for term in expr.terms:
        picks = [0]
        for cond, vals in term.literals:
            if vals != _ONE and vals != _ZERO:
                raise ExpressionError(f"evaluate_arrays: multi-value literal of {cond!r}; "
                                      "use qca.evaluate")
            key = (cond, vals == _ONE)
            row = rows.get(key)
            if row is None:
                x = np.asarray(columns[cond], dtype=float)
                row = rows[key] = len(arrays)
                arrays.append(x if key[1] else 1.0 - x)
            picks.append(row)
        index.append(picks)
    width = max(len(p) for p in index)
    table = np.asarray([p + [0] * (width - len(p)) for p in index])
    members = np.minimum.reduce(np.stack(arrays)[table], axis=1)  # terms x cases
    # Zeros first: the reductions take their operands in the order of the term-by-term rule,
    # so even signed zeros come out the same.
    return np.maximum.reduce(np.vstack([np.zeros((1, n)), members]), axis=0)


def crisp_configurations(k: int) -> np.ndarray:
    """All ``2**k`` crisp configurations of ``k`` conditions, shape ``(2**k, k)``, int64.

    Row ``i`` is ``i`` in binary with the first condition as the most significant bit (the
    row order of R's truth tables and of ``itertools.product((0, 1), repeat=k)``).
    """
    if k > 30:
        raise ExpressionError(f"crisp_configurations: 2**{k} configurations are too many")
    return ((np.arange(2**k)[:, None] >> np.arange(k)[::-1]) & 1).astype(np.int64)


def fuzzy_and(*memberships: np.ndarray) -> np.ndarray:
    """Fuzzy intersection (minimum) of membership vectors."""
    return np.minimum.reduce([np.asarray(m, dtype=float) for m in memberships])


def fuzzy_or(*memberships: np.ndarray) -> np.ndarray:
    """Fuzzy union (maximum) of membership vectors."""
    return np.maximum.reduce([np.asarray(m, dtype=float) for m in memberships])
