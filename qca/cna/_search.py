"""Bottom-up search for minimally sufficient conditions (msc) and atomic solution formulas (asf).

The algorithm is CNA's (Baumgartner & Ambühl 2020, "Causal modeling with multi-value and fuzzy-set
Coincidence Analysis", PSRM 8(3); cna 4.0 ``cna()``): conjunctions of 1, 2, ... cause values that
are instantiated in the data are tested for sufficiency; one that passes is an msc and its
supersets are not tested. Disjunctions of 1, 2, ... msc are tested for sufficiency and necessity;
one that passes is kept and its supersets are skipped. The inner loops are numpy: every candidate
of one size is evaluated in one matrix operation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ._data import CNAData
from ._measures import fit

__all__ = ["Msc", "find_msc", "find_asf"]

_EPS = 1e-12  # R compares fit scores with a small tolerance; 1e-12 keeps exact ties (e.g. 0.8) in


@dataclass(frozen=True)
class Msc:
    """One minimally sufficient condition of an outcome literal."""

    outcome: int
    conj: tuple[int, ...]
    con: float
    cov: float


def _combos(n: int, k: int) -> np.ndarray:
    if k > n:
        return np.empty((0, k), dtype=np.int64)
    flat = np.fromiter(itertools.chain.from_iterable(itertools.combinations(range(n), k)), dtype=np.int64)
    return flat.reshape(-1, k)


def find_msc(
    data: CNAData,
    outcome: int,
    causes: np.ndarray,
    con: float,
    measures: tuple[str, str],
    max_len: int,
    only_minimal: bool = True,
) -> list[Msc]:
    """Every msc of ``outcome`` among conjunctions of up to ``max_len`` of the literals ``causes``.

    A conjunction is tested when it is instantiated in a configuration (after rounding fuzzy values
    at the cutoff) and, with ``only_minimal``, none of its proper parts is sufficient.
    """
    y = data.memb[outcome]
    w = data.weights
    fuzzy = data.dtype == "fs"
    suff_name, cov_name = measures
    causes = np.asarray(causes, dtype=np.int64)
    fac = data.lit_factor[causes]
    out: list[Msc] = []
    # open candidates of the previous size (instantiated, not sufficient): tuples of positions in causes
    prev: list[tuple[int, ...]] = [()]
    prev_set = {()}
    for k in range(1, max_len + 1):
        cand = []
        for base in prev:
            start = base[-1] + 1 if base else 0
            used = {int(fac[i]) for i in base}
            for j in range(start, len(causes)):
                if int(fac[j]) in used:
                    continue
                c = base + (j,)
                if k > 1 and any(c[:i] + c[i + 1 :] not in prev_set for i in range(k - 1)):
                    continue
                cand.append(c)
        if not cand:
            break
        idx = causes[np.array(cand, dtype=np.int64)]
        seen = (data.inst[idx].all(axis=1) & (data.weights > 0)).any(axis=1)
        idx = idx[seen]
        cand = [c for c, s in zip(cand, seen) if s]
        if not cand:
            break
        memb = data.memb[idx].min(axis=1)
        m = fit(memb, y, w, (suff_name, cov_name), fuzzy)
        ok = m[suff_name] >= con - _EPS
        ok &= ~np.isnan(m[suff_name])
        nxt = []
        for c, row, good, sc, cv in zip(cand, idx, ok, m[suff_name], m[cov_name]):
            if good:
                lits = tuple(sorted(int(v) for v in row))
                out.append(Msc(outcome, lits, float(sc), float(cv)))
                if not only_minimal:
                    nxt.append(c)
            else:
                nxt.append(c)
        prev = nxt
        prev_set = set(nxt)
    return out


def find_asf(
    data: CNAData,
    msc: list[Msc],
    con: float,
    cov: float,
    measures: tuple[str, str],
    max_disj: int,
    max_compl: int,
    only_minimal: bool = True,
) -> list[tuple[tuple[tuple[int, ...], ...], float, float]]:
    """Disjunctions of up to ``max_disj`` msc (total complexity <= ``max_compl``) reaching con and cov.

    Returns ``(dnf, con, cov)`` for each; with ``only_minimal`` a disjunction containing a
    passing smaller one is not tested.
    """
    if not msc:
        return []
    outcome = msc[0].outcome
    y = data.memb[outcome]
    w = data.weights
    fuzzy = data.dtype == "fs"
    suff_name, cov_name = measures
    memb = np.array([data.memb[list(m.conj)].min(axis=0) for m in msc])
    compl = np.array([len(m.conj) for m in msc])
    n = len(msc)
    found: list[np.ndarray] = []  # index sets of passing disjunctions
    found_mask = np.zeros((0, n), dtype=bool)
    out = []
    for k in range(1, max_disj + 1):
        combos = _combos(n, k)
        if len(combos) == 0:
            break
        combos = combos[compl[combos].sum(axis=1) <= max_compl]
        if only_minimal and len(found_mask) and len(combos):
            member = np.zeros((len(combos), n), dtype=bool)
            np.put_along_axis(member, combos, True, axis=1)
            hits = member.astype(np.int32) @ found_mask.T.astype(np.int32)
            combos = combos[~(hits == found_mask.sum(axis=1)).any(axis=1)]
        if len(combos) == 0:
            continue
        passed = []
        for chunk in np.array_split(combos, max(1, len(combos) // 20000 + 1)):
            if len(chunk) == 0:
                continue
            disj = memb[chunk].max(axis=1)
            m = fit(disj, y, w, (suff_name, cov_name), fuzzy)
            ok = (m[suff_name] >= con - _EPS) & (m[cov_name] >= cov - _EPS)
            for c, sc, cv in zip(chunk[ok], m[suff_name][ok], m[cov_name][ok]):
                passed.append(c)
                dnf = tuple(sorted(msc[i].conj for i in c))
                out.append((dnf, float(sc), float(cv)))
        if passed:
            add = np.zeros((len(passed), n), dtype=bool)
            for r, c in enumerate(passed):
                add[r, c] = True
            found_mask = np.vstack([found_mask, add])
            found.extend(passed)
    return out
