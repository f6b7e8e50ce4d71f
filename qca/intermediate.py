"""Intermediate solutions from directional expectations (Ragin & Sonnett 2005).

For every pair of a conservative model ``Ci`` and a parsimonious model ``Pj`` (R's ``CiPj``):

1. each conservative term ``c`` that is a subset of a parsimonious term ``p`` is simplified by
   dropping the literals of ``c`` that are absent from ``p`` and run against the directional
   expectations (e.g. ``~URB`` when the expectation is ``URB``): the remainders this lets in
   are *easy counterfactuals*; literals that agree with an expectation, or have none, are kept
   (dropping them would need difficult counterfactuals);
2. the positive rows are minimized again with the easy counterfactuals as the only
   don't-cares, and every minimal cover is an intermediate model.

A conjunctural expectation such as ``"LIT*~URB"`` (Dusa 2019, sect. 8.7) applies to a term only
when the term agrees with the rest of the conjunction: ``URB`` is dropped from a term holding
``LIT`` but not from one holding ``~LIT``.

References
----------
Ragin, C. C., & Sonnett, J. (2005). Between complexity and parsimony: limited diversity,
counterfactual cases, and comparative analysis. In S. Kropp & M. Minkenberg (Eds.),
*Vergleichen in der Politikwissenschaft* (pp. 180-197). VS Verlag.
Ragin, C. C. (2008). *Redesigning Social Inquiry*, ch. 9. University of Chicago Press.
Dusa, A. (2019). *QCA with R*, sect. 8.6-8.7. Springer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .cover import DEFAULT_MAX_MODELS
from .exceptions import QCAError
from .expressions import parse
from .minimize import Model, Solution, cube_string, minimize, remainder_mask, solution_from_primes
from .primes import configs_in, prime_implicants, sort_cubes
from .truth_table import TruthTable, row_numbers

__all__ = ["intermediate_solution", "parse_directions"]

Direction = dict[int, frozenset[int]]


def parse_directions(dir_exp: Sequence[str] | str, tt: TruthTable) -> list[Direction]:
    """Directional expectations as a list of ``{condition index: expected values}``.

    Each item is a literal (``"DEV"``, ``"~IND"``, ``"A[1,2]"``) or a conjunction of them
    (``"LIT*~URB"``); a comma-separated string is split into items.
    """
    items = [s.strip() for s in dir_exp.split(",")] if isinstance(dir_exp, str) else list(dir_exp)
    levels = dict(zip(tt.conditions, tt.levels))
    pos = {c: j for j, c in enumerate(tt.conditions)}
    out: list[Direction] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise QCAError(f"dir_exp items must be expressions such as 'DEV' or '~IND'; got {item!r}")
        expr = parse(item, levels=levels)
        unknown = [c for c in expr.conditions if c not in pos]
        if unknown:
            raise QCAError(
                f"dir_exp {item!r} names {', '.join(map(repr, unknown))}, which is not among the "
                f"conditions analysed ({', '.join(tt.conditions)})"
            )
        if len(expr.terms) != 1:
            raise QCAError(f"dir_exp {item!r} must be a literal or a conjunction, not a disjunction")
        out.append({pos[c]: v for c, v in expr.terms[0].literals})
    merged: dict[int, frozenset[int]] = {}
    conjunctural = []
    for d in out:
        if len(d) == 1:
            ((j, v),) = d.items()
            merged[j] = merged.get(j, frozenset()) | v
        else:
            conjunctural.append(d)
    return [{j: v} for j, v in merged.items()] + conjunctural


def _simplify(c: np.ndarray, p: np.ndarray, directions: list[Direction]) -> np.ndarray:
    """Drop the literals of ``c`` not in ``p`` that run against an applicable expectation."""
    t = c.copy()
    for j in np.flatnonzero((c >= 0) & (p < 0)):
        for d in directions:
            if j not in d or int(c[j]) in d[j]:
                continue
            others_agree = all(c[i] >= 0 and int(c[i]) in vals for i, vals in d.items() if i != j)
            if others_agree:
                t[j] = -1
                break
    return t


def intermediate_solution(
    tt: TruthTable,
    dir_exp: Sequence[str] | str,
    include: tuple[str, ...] = ("?",),
    max_models: int = DEFAULT_MAX_MODELS,
    method: str = "auto",
) -> Solution:
    """Intermediate solution of a truth table for the given directional expectations.

    Parameters
    ----------
    tt : TruthTable
    dir_exp : sequence of str
        Directional expectations, e.g. ``["DEV", "URB", "LIT", "IND", "STB"]`` or
        ``["~IND", "LIT*~URB"]``. Conditions without an expectation keep their literals.
    include : tuple of str
        Must contain ``"?"``; ``"C"`` also lets contradictions be covered.

    Returns
    -------
    Solution
        ``solution_type="intermediate"``; ``models`` are the distinct intermediate models over
        every conservative x parsimonious pair; ``easy_counterfactuals`` and
        ``simplifying_assumptions`` list R row numbers.

    Examples
    --------
    >>> import pandas as pd, qca
    >>> d = pd.DataFrame({"A": [1, 1, 0], "B": [1, 0, 0], "C": [1, 1, 0], "Y": [1, 1, 0]})
    >>> tt = qca.truth_table(d, "Y")
    >>> str(qca.minimize(tt, include="?", dir_exp=["A", "C"]).models[0])
    'A*C'
    """
    directions = parse_directions(dir_exp, tt)
    rest = tuple(i for i in include if i != "?")
    conservative = minimize(tt, include=rest or None, max_models=max_models, method=method)
    parsimonious = minimize(tt, include=include, max_models=max_models, method=method)
    on = tt.configs_with("1")
    contradictions = tt.configs_with("C") if "C" in include else np.zeros((0, len(tt.levels)), np.int64)

    models: dict[frozenset, Model] = {}
    primes_all = []
    easy_all: set[int] = set()
    pair_notes = []
    sources: list[tuple[str, list[frozenset]]] = []
    solved: dict[frozenset, Solution] = {}
    complete = conservative.complete and parsimonious.complete
    c_index = {tuple(c): i for i, c in enumerate(conservative.pi_cubes.tolist())}
    p_index = {tuple(p): j for j, p in enumerate(parsimonious.pi_cubes.tolist())}
    cp, pp = conservative.pi_cubes, parsimonious.pi_cubes
    subset = ((cp[:, None, :] == pp[None, :, :]) | (pp[None, :, :] < 0)).all(axis=2)
    simplified: dict[tuple[int, int], tuple[int, ...]] = {}

    def simplify(i: int, j: int) -> tuple[int, ...]:
        if (i, j) not in simplified:
            simplified[i, j] = tuple(int(v) for v in _simplify(cp[i], pp[j], directions))
        return simplified[i, j]

    for ci, cmodel in enumerate(conservative.models, start=1):
        c_ids = [c_index[tuple(c)] for c in cmodel.cubes.tolist()]
        for pj, pmodel in enumerate(parsimonious.models, start=1):
            p_ids = [p_index[tuple(p)] for p in pmodel.cubes.tolist()]
            candidates = []
            for i in c_ids:
                parents = [j for j in p_ids if subset[i, j]]
                if not parents:
                    candidates.append(tuple(int(v) for v in cp[i]))
                candidates.extend(simplify(i, j) for j in parents)
            key = frozenset(candidates)
            if key not in solved:
                inside = configs_in(np.asarray(candidates), tt.levels)
                easy = inside[remainder_mask(tt, inside)]
                easy_all.update(int(r) for r in row_numbers(easy, tt.levels))
                dont_care = np.vstack([easy, contradictions])
                no_off = np.zeros((0, len(tt.levels)), np.int64)
                primes = prime_implicants(
                    on, no_off, tt.levels, "negative", dont_care=dont_care, method=method
                )
                primes_all.append(primes)
                solved[key] = solution_from_primes(
                    tt, primes, on, "intermediate", include, max_models=max_models
                )
            sol = solved[key]
            complete = complete and sol.complete
            keys = [frozenset(map(tuple, m.cubes.tolist())) for m in sol.models]
            for k, m in zip(keys, sol.models):
                models.setdefault(k, m)
            sources.append((f"C{ci}P{pj}", keys))
            pair_notes.append(f"C{ci}P{pj}: " + "; ".join(str(m) for m in sol.models))

    pis = sort_cubes(np.vstack(primes_all))
    names = tuple(cube_string(c, tt.conditions, tt.multivalue) for c in pis)
    notes = [f"directional expectations: {', '.join(_direction_strings(directions, tt))}"]
    if 1 < len(pair_notes) <= 12:
        notes += pair_notes
    elif len(pair_notes) > 12:
        notes.append(f"{len(pair_notes)} pairs of conservative and parsimonious models (CiPj) were combined")
    ordered = sorted(models.values(), key=lambda m: (len(m.terms), m.complexity, m.terms))
    position = {frozenset(map(tuple, m.cubes.tolist())): i for i, m in enumerate(ordered)}
    model_sources = tuple((label, tuple(position[k] for k in keys)) for label, keys in sources)
    return Solution(
        truth_table=tt,
        solution_type="intermediate",
        include=include,
        models=tuple(ordered),
        prime_implicants=names,
        pi_cubes=pis,
        essential=(),
        n_models=len(ordered),
        complete=complete,
        notes=tuple(notes),
        parsimonious=parsimonious,
        easy_counterfactuals=tuple(sorted(easy_all)),
        model_sources=model_sources,
    )


def _direction_strings(directions: list[Direction], tt: TruthTable) -> list[str]:
    out = []
    for d in directions:
        lits = []
        for j, vals in d.items():
            name = tt.conditions[j]
            if tt.multivalue or not vals <= {0, 1} or len(vals) > 1:
                lits.append(f"{name}[{','.join(map(str, sorted(vals)))}]")
            else:
                lits.append(name if 1 in vals else f"~{name}")
        out.append("*".join(lits))
    return out
