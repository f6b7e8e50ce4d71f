"""Complex solution formulas (csf): combining asf of several outcomes, removing redundancies.

cna 4.0 semantics (``csf()``; Baumgartner & Falk 2023, "Boolean difference-making: a modern
regularity theory of causation", BJPS 74(1)): one asf per outcome is conjoined; an asf that is
*structurally redundant* (the csf without it is logically equivalent to the csf) is removed
(``minimalizeCsf``, recursively, which can give several reduced csf); a csf with a *partial
structural redundancy* (it logically implies, ``inus_def="implication"``, or is equivalent to,
``"equivalence"``, a proper submodel of itself) is not in INUS form and is dropped. All logic is
evaluated over every logically possible configuration of the factors in the csf.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._data import CNAData
from ._measures import dnf_eval, formula_factors, full_space

__all__ = ["Asf", "combine", "minimalize", "has_psr", "is_cyclic", "coherence"]

Dnf = tuple[tuple[int, ...], ...]
Asf = tuple[int, Dnf]  # (outcome literal, lhs DNF)


def _space_for(csf: Sequence[Asf], data: CNAData) -> tuple[np.ndarray, dict[int, int]]:
    factors = formula_factors(data, [a[1] for a in csf], [int(data.lit_factor[a[0]]) for a in csf])
    return full_space(data, factors), {f: i for i, f in enumerate(factors)}


def _bicond(asf: Asf, data: CNAData, space: np.ndarray, pos: dict[int, int]) -> np.ndarray:
    o, dnf = asf
    rhs = space[:, pos[int(data.lit_factor[o])]] == data.lit_value[o]
    return dnf_eval(dnf, data, space, pos) == rhs


def _head_with_ties(keys: np.ndarray, n: int) -> int:
    """How many leading rows of the sorted ``keys`` (rows: one key per row) R keeps for ``n``.

    cna's ``head_with_ties``: the first ``n`` rows and every later row tied with row ``n``; all
    rows when no new key value starts after row ``n``.
    """
    m = keys.shape[0]
    if m <= n:
        return m
    keys = keys.reshape(m, -1)
    starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])  # first of each value
    later = starts[starts >= n]  # 0-based positions of value starts beyond the first n rows
    return m if later.size == 0 else int(later[0])


def combine(
    asf_lists: Sequence[Sequence[int]],
    complexities: Sequence[Sequence[int]],
    n_init: int,
    fits: Sequence[Sequence[tuple[float, float]]] | None = None,
) -> list[tuple[int, ...]]:
    """The asf combinations (one asf per outcome) that R's ``csf(n.init)`` tries, in its order.

    cna 4.0's selection, read from its ``csf()``/``combineAsf()``: each outcome's list (in asf
    output order) is cut to its first ``n_init`` asf with ties in complexity kept; the lists are
    then crossed one at a time (earlier combinations vary slowest), each partial product sorted
    by total complexity (stable) and cut to ``n_init`` rows with ties kept; the result is sorted
    by complexity and descending con x cov (con, cov: minima over the asf of ``fits``), cut
    again with ties kept, and finally to exactly ``n_init`` rows when the full product is larger.
    Without ``fits`` every combination counts as equally fit.
    """
    sizes = [len(a) for a in asf_lists]
    if not sizes or min(sizes) == 0:
        return []
    n = int(n_init)
    comp = [np.asarray(c, dtype=np.int64) for c in complexities]
    if fits is None:
        fits = [[(1.0, 1.0)] * k for k in sizes]
    con = [np.asarray([f[0] for f in fl], dtype=float) for fl in fits]
    cov = [np.asarray([f[1] for f in fl], dtype=float) for fl in fits]
    keep = [np.arange(_head_with_ties(c, n)) for c in comp]  # lists are in complexity order
    ids = keep[0][:, None]
    cx, cn, cv = comp[0][keep[0]], con[0][keep[0]], cov[0][keep[0]]
    if ids.shape[0] > n:
        o = np.argsort(cx, kind="stable")
        ids, cx, cn, cv = ids[o], cx[o], cn[o], cv[o]
        k = _head_with_ties(cx, n)
        ids, cx, cn, cv = ids[:k], cx[:k], cn[:k], cv[:k]
    for j in range(1, len(sizes)):
        b = keep[j]
        na, nb = ids.shape[0], b.size
        if na * nb > _MAX_COMBINATIONS:
            from ._data import CNAError

            raise CNAError(
                f"cna: combining the asf of {len(sizes)} outcomes would build {na * nb:,} partial "
                f"csf (ties in complexity are kept), more than the work budget of "
                f"{_MAX_COMBINATIONS:,} (deterministic); lower maxstep, raise con/cov, lower "
                "n_init, or analyse fewer factors or values")
        ids = np.column_stack([np.repeat(ids, nb, axis=0), np.tile(b, na)])
        cx = np.repeat(cx, nb) + np.tile(comp[j][b], na)
        cn = np.minimum(np.repeat(cn, nb), np.tile(con[j][b], na))
        cv = np.minimum(np.repeat(cv, nb), np.tile(cov[j][b], na))
        o = np.argsort(cx, kind="stable")
        ids, cx, cn, cv = ids[o], cx[o], cn[o], cv[o]
        k = _head_with_ties(cx, n)
        ids, cx, cn, cv = ids[:k], cx[:k], cn[:k], cv[:k]
    neg_fit = -cn * cv
    o = np.lexsort((neg_fit, cx))
    ids, cx, neg_fit = ids[o], cx[o], neg_fit[o]
    ids = ids[: _head_with_ties(np.column_stack([cx, neg_fit]), n)]
    if n < float(np.prod(sizes, dtype=float)):
        ids = ids[:n]
    return [tuple(asf_lists[i][j] for i, j in enumerate(row)) for row in ids]


#: Work budget of :func:`combine`, in partial csf built at one crossing step (deterministic).
_MAX_COMBINATIONS = 20_000_000
#: Work budget of :func:`minimalize` over one analysis, in membership comparisons (asf x asf x
#: configurations per sub-structure visited): deterministic, about seconds of work.
_MAX_REDUCTIONS = 2_000_000_000


def minimalize(csf: tuple[Asf, ...], data: CNAData,
               budget: list[int] | None = None) -> list[tuple[Asf, ...]]:
    """Every csf obtained by removing structurally redundant asf until none is left.

    ``budget`` (a one-element list, shared by the calls of one analysis) counts the work done
    in membership comparisons (asf x asf x configurations per sub-structure visited, a
    deterministic unit); the search is refused (CNAError) when it is used up."""
    budget = [_MAX_REDUCTIONS] if budget is None else budget
    if len(csf) == 1:
        return [csf]
    space, pos = _space_for(csf, data)
    b = np.array([_bicond(a, data, space, pos) for a in csf])
    results: set[tuple[int, ...]] = set()
    memo: set[tuple[int, ...]] = set()

    def rec(keep: tuple[int, ...]) -> None:
        if keep in memo:
            return
        memo.add(keep)
        budget[0] -= len(keep) ** 2 * b.shape[1]  # the membership comparisons this step makes
        if budget[0] < 0:
            from ._data import CNAError

            raise CNAError(
                f"cna: removing structurally redundant asf from csf of up to {len(csf)} asf over "
                f"{b.shape[1]:,} configurations exceeds the work budget of {_MAX_REDUCTIONS:,} "
                "membership comparisons (deterministic); "
                "lower maxstep, raise con/cov, lower n_init, or analyse fewer factors or values")
        full = b[list(keep)].all(axis=0)
        red = [
            i
            for i in keep
            if len(keep) > 1 and np.array_equal(b[[j for j in keep if j != i]].all(axis=0), full)
        ]
        if not red:
            results.add(keep)
            return
        for i in red:
            rec(tuple(j for j in keep if j != i))

    rec(tuple(range(len(csf))))
    return [tuple(csf[i] for i in keep) for keep in sorted(results)]


def _one_step_reductions(dnf: Dnf) -> list[Dnf]:
    out = []
    for i, conj in enumerate(dnf):
        rest = dnf[:i] + dnf[i + 1 :]
        if rest:
            out.append(rest)
        for j in range(len(conj)):
            if len(conj) > 1:
                out.append(tuple(sorted(rest + (conj[:j] + conj[j + 1 :],))))
    return out


def has_psr(csf: tuple[Asf, ...], data: CNAData, definition: str = "implication") -> bool:
    """True when a csf has a partial structural redundancy.

    The csf implies (or, with ``definition="equivalence"``, is equivalent to) a csf obtained by
    dropping one literal or one disjunct from one of its asf; or, among the configurations
    compatible with the csf, one of its outcome values is constant (cna's ``is.inus`` rejects
    constant factors). We knowingly check single-step
    reductions only; cna 4.0 speaks of any proper submodel.
    """
    if len(csf) < 2:
        return False
    space, pos = _space_for(csf, data)
    b = np.array([_bicond(a, data, space, pos) for a in csf])
    full = b.all(axis=0)
    for o, _ in csf:
        # an outcome value that the csf makes constant (cna's "constant factors" check)
        val = space[full, pos[int(data.lit_factor[o])]] == data.lit_value[o]
        if val.all() or not val.any():
            return True
    for i, (o, dnf) in enumerate(csf):
        others = b[[j for j in range(len(csf)) if j != i]].all(axis=0)
        for red in _one_step_reductions(dnf):
            sub = others & _bicond((o, red), data, space, pos)
            if definition == "implication":
                if not np.any(full & ~sub):
                    return True
            elif np.array_equal(full, sub):
                return True
    return False


def is_cyclic(csf: Sequence[Asf], data: CNAData) -> bool:
    """A factor reaches itself along cause -> outcome edges (cna's ``cycle.type = "factor"``)."""
    edges: dict[int, set[int]] = {}
    for o, dnf in csf:
        of = int(data.lit_factor[o])
        for conj in dnf:
            for lit in conj:
                edges.setdefault(int(data.lit_factor[lit]), set()).add(of)
    state: dict[int, int] = {}

    def visit(v: int) -> bool:
        state[v] = 1
        for u in edges.get(v, ()):
            if state.get(u) == 1 or (u not in state and visit(u)):
                return True
        state[v] = 2
        return False

    return any(v not in state and visit(v) for v in list(edges))


def coherence(csf: Sequence[Asf], data: CNAData, asf_memb: Sequence[np.ndarray]) -> float:
    """|asf1 * asf2 * ...| / |asf1 + asf2 + ...| over the cases, minimum over groups of asf sharing factors.

    cna 4.0 ``coherence``: a case satisfies an asf to the degree 1 - |lhs - rhs| (1 or 0 in crisp
    data; checked against R's values on fuzzy data); 1 for a single asf. ``asf_memb`` holds these
    degrees per asf.
    """
    if len(csf) == 1:
        return 1.0
    facs = []
    for o, dnf in csf:
        fs = {int(data.lit_factor[o])}
        fs.update(int(data.lit_factor[lit]) for conj in dnf for lit in conj)
        facs.append(fs)
    # connected groups of asf that share a factor
    group = list(range(len(csf)))

    def find(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(csf)):
        for j in range(i + 1, len(csf)):
            if facs[i] & facs[j]:
                group[find(i)] = find(j)
    roots: dict[int, list[int]] = {}
    for i in range(len(csf)):
        roots.setdefault(find(i), []).append(i)
    w = data.weights
    best = np.inf
    for members in roots.values():
        if len(members) == 1:
            best = min(best, 1.0)
            continue
        m = np.array([asf_memb[i] for i in members])
        den = float(m.max(axis=0) @ w)
        best = min(best, float(m.min(axis=0) @ w) / den if den > 0 else np.nan)
    return float(best)
