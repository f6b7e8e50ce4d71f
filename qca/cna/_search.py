"""Bottom-up search for minimally sufficient conditions (msc) and atomic solution formulas (asf).

The algorithm is CNA's (Baumgartner & Ambühl 2020, "Causal modeling with multi-value and fuzzy-set
Coincidence Analysis", PSRM 8(3); cna 4.0 ``cna()``): conjunctions of 1, 2, ... cause values that
are instantiated in the data are tested for sufficiency; one that passes is an msc and its
supersets are not tested. Disjunctions of 1, 2, ... msc are tested for sufficiency and necessity;
one that passes is kept and its supersets are skipped.

Every candidate of one size is evaluated in one numpy operation. Crisp and multi-value data use
bit sets over the configurations (AND for conjunctions, OR for disjunctions) and weighted
popcounts through per-byte lookup tables; fuzzy data use min/max over membership rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._data import CNAData
from ._measures import fit

__all__ = ["Msc", "find_msc", "find_asf"]

_EPS = 1e-12  # keeps exact ties with the threshold (e.g. 4/5 >= 0.8) despite rounding
_CHUNK = 1 << 16
#: Work budget of one search level, in candidate conjunctions/disjunctions (a deterministic
#: unit, so the result never depends on the machine): beyond it the search is refused with
#: a message instead of running for hours or exhausting memory.
MAX_CANDIDATES = 20_000_000


def _check_budget(n_candidates: int, what: str, k: int) -> None:
    if n_candidates > MAX_CANDIDATES:
        from ._data import CNAError

        raise CNAError(
            f"cna: the search for {what} of {k} parts would test {n_candidates:,} candidates, more "
            f"than the budget of {MAX_CANDIDATES:,}; lower maxstep, raise con/cov, or analyse "
            "fewer factors or values")


@dataclass(frozen=True)
class Msc:
    """One minimally sufficient condition of an outcome literal."""

    outcome: int
    conj: tuple[int, ...]
    con: float
    cov: float


class _Counter:
    """Weighted case counts of bit sets over the configurations (crisp and mv data)."""

    def __init__(self, weights: np.ndarray):
        n = len(weights)
        self.nbytes = (n + 7) // 8
        w = np.zeros(self.nbytes * 8)
        w[:n] = weights
        bits = ((np.arange(256)[:, None] >> np.arange(8)[None, ::-1]) & 1).astype(float)  # packbits order
        self.table = w.reshape(self.nbytes, 8) @ bits.T  # (nbytes, 256)
        self.cols = np.arange(self.nbytes)

    def pack(self, b: np.ndarray) -> np.ndarray:
        return np.packbits(b.astype(bool), axis=-1)

    def count(self, packed: np.ndarray) -> np.ndarray:
        return self.table[self.cols, packed].sum(axis=-1)


def fit_counts(
    s_X: np.ndarray, s_XY: np.ndarray, s_Y: float, n: float, names: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """Measures of crisp antecedents from |Φ| and |ΦY| (the other counts follow; q = 0)."""
    s_Xy = s_X - s_XY
    s_xY = s_Y - s_XY
    s_y = n - s_Y
    s_x = n - s_X
    s_xy = s_y - s_Xy
    formulas = {
        "scon": lambda: s_XY / s_X,
        "scov": lambda: s_XY / s_Y if s_Y > 0 else np.full_like(s_X, np.nan),
        "ccon": lambda: s_xy / (s_xy + s_Xy),
        "ccov": lambda: s_xy / (s_xy + s_xY),
        "PAcon": lambda: s_XY / (s_XY + (s_Y / s_y if s_y > 0 else np.inf) * s_Xy),
        "PACcov": lambda: s_xy / (s_xy + (s_y / s_Y if s_Y > 0 else np.inf) * s_xY),
        "AACcon": lambda: s_xy / (s_xy + (s_x / s_X) * s_Xy),
        "AAcov": lambda: s_XY / (s_XY + (s_X / s_x) * s_xY),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        return {k: formulas[k]() for k in names}


def _encode(c: np.ndarray, base: int) -> np.ndarray:
    code = np.zeros(len(c), dtype=np.int64)
    for j in range(c.shape[1]):
        code = code * base + c[:, j]
    return code


def _in_sorted(codes: np.ndarray, ref: np.ndarray) -> np.ndarray:
    if len(ref) == 0:
        return np.zeros(len(codes), dtype=bool)
    pos = np.clip(np.searchsorted(ref, codes), 0, len(ref) - 1)
    return ref[pos] == codes


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

    A conjunction is tested when it is instantiated in a configuration (fuzzy values rounded at the
    cutoff) and, with ``only_minimal``, none of its proper parts is sufficient.
    """
    causes = np.asarray(causes, dtype=np.int64)
    causes = causes[np.lexsort((data.lit_value[causes], data.lit_factor[causes]))]
    fac = data.lit_factor[causes]
    nc = len(causes)
    crisp = data.dtype != "fs"
    cnt = _Counter(data.weights)
    inst_bits = cnt.pack(data.inst[causes] & (data.weights > 0))
    y = data.memb[outcome]
    n_all = float(data.weights.sum())
    s_Y = float(data.weights @ y)
    y_bits = cnt.pack(y > 0) if crisp else None
    suff_name, cov_name = measures
    out: list[Msc] = []
    prev = np.empty((1, 0), dtype=np.int64)
    prev_bits = np.full((1, cnt.nbytes), 255, dtype=np.uint8)
    prev_memb = np.ones((1, data.n_configs)) if not crisp else None
    open_codes = np.empty(0, dtype=np.int64)
    for k in range(1, max_len + 1):
        if len(prev) == 0:
            break
        last = fac[prev[:, -1]] if k > 1 else np.full(len(prev), -1)
        _check_budget(len(prev) * nc, "sufficient conjunctions", k)
        rows, js = np.nonzero(fac[None, :] > last[:, None])
        if len(rows) == 0:
            break
        cand = np.hstack([prev[rows], js[:, None]])
        keep = np.ones(len(cand), dtype=bool)
        if k > 1:
            for i in range(k - 1):  # dropping the last literal gives the parent, known to be open
                sub = np.delete(cand, i, axis=1)
                keep &= _in_sorted(_encode(sub, nc), open_codes)
        bits = prev_bits[rows] & inst_bits[js]
        keep &= bits.any(axis=1)
        cand, rows, js, bits = cand[keep], rows[keep], js[keep], bits[keep]
        if len(cand) == 0:
            break
        if crisp:
            s_X = cnt.count(bits)
            s_XY = cnt.count(bits & y_bits)
            m = fit_counts(s_X, s_XY, s_Y, n_all, (suff_name, cov_name))
            memb = None
        else:
            assert prev_memb is not None  # fuzzy data keep the memberships of open conjunctions
            memb = np.minimum(prev_memb[rows], data.memb[causes[js]])
            m = fit(memb, y, data.weights, (suff_name, cov_name), True)
        sc = m[suff_name]
        ok = (sc >= con - _EPS) & ~np.isnan(sc)
        lits = causes[cand]
        for i in np.flatnonzero(ok).tolist():
            out.append(Msc(outcome, tuple(int(v) for v in lits[i]), float(sc[i]), float(m[cov_name][i])))
        nxt = ~ok if only_minimal else np.ones(len(cand), dtype=bool)
        prev, prev_bits = cand[nxt], bits[nxt]
        if memb is not None:
            prev_memb = memb[nxt]
        open_codes = np.sort(_encode(prev, nc))
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
) -> list[tuple[tuple[tuple[int, ...], ...], float, float, bool]]:
    """Disjunctions of up to ``max_disj`` msc (total complexity <= ``max_compl``) reaching con and cov.

    Returns ``(dnf, con, cov, varies)`` for each; with ``only_minimal`` a disjunction containing
    a passing smaller one is not tested. ``varies`` is cna's ``asf.selection = "cs"`` test: among
    the cases compatible with the asf (fuzzy values rounded at the cutoff) the outcome is present
    in some and absent in others.
    """
    if not msc:
        return []
    outcome = msc[0].outcome
    y = data.memb[outcome]
    w = data.weights
    crisp = data.dtype != "fs"
    suff_name, cov_name = measures
    memb = np.array([data.memb[list(m.conj)].min(axis=0) for m in msc])
    cnt = _Counter(w)
    present = data.weights > 0
    inst_bits = cnt.pack(np.array([data.inst[list(m.conj)].all(axis=0) for m in msc]) & present)
    y_in = cnt.pack(data.inst[outcome] & present)
    y_out = cnt.pack(~data.inst[outcome] & present)
    if crisp:
        bits = cnt.pack(memb > 0)
        y_bits = cnt.pack(y > 0)
        n_all, s_Y = float(w.sum()), float(w @ y)
    compl = np.array([len(m.conj) for m in msc])
    n = len(msc)
    out = []
    prev = np.empty((1, 0), dtype=np.int64)  # open disjunctions of the previous size
    open_codes: np.ndarray | set = np.empty(0, dtype=np.int64)
    for k in range(1, max_disj + 1):
        if len(prev) == 0:
            break
        # Apriori: extend open (k-1)-disjunctions by a later msc; with only_minimal, every
        # (k-1)-part must be open too (not passing, not containing a passing one). Parts over
        # the complexity limit make the whole exceed it, so they need not be open.
        last = prev[:, -1] if k > 1 else np.full(len(prev), -1)
        _check_budget(len(prev) * n, "solution disjunctions", k)
        rows, js = np.nonzero(np.arange(n)[None, :] > last[:, None])
        combos = np.hstack([prev[rows], js[:, None]])
        combos = combos[compl[combos].sum(axis=1) <= max_compl]
        if only_minimal and k > 1 and len(combos):
            keep = np.ones(len(combos), dtype=bool)
            for i in range(k - 1):
                keep &= _is_open(np.delete(combos, i, axis=1), open_codes, n)
            combos = combos[keep]
        if len(combos) == 0:
            break
        passing = np.zeros(len(combos), dtype=bool)
        for start in range(0, len(combos), _CHUNK):
            chunk = combos[start : start + _CHUNK]
            if crisp:
                u = np.bitwise_or.reduce(bits[chunk], axis=1)
                m = fit_counts(cnt.count(u), cnt.count(u & y_bits), s_Y, n_all, (suff_name, cov_name))
            else:
                m = fit(memb[chunk].max(axis=1), y, w, (suff_name, cov_name), True)
            ok = (m[suff_name] >= con - _EPS) & (m[cov_name] >= cov - _EPS)
            passing[start : start + len(chunk)] = ok
            hits = np.flatnonzero(ok)
            if len(hits) == 0:
                continue
            lhs = np.bitwise_or.reduce(inst_bits[chunk[hits]], axis=1)
            varies = (lhs & y_in).any(axis=1) & (~lhs & y_out).any(axis=1)
            for i, v in zip(hits.tolist(), varies.tolist()):
                dnf = tuple(sorted(msc[j].conj for j in chunk[i]))
                out.append((dnf, float(m[suff_name][i]), float(m[cov_name][i]), bool(v)))
        prev = combos[~passing] if only_minimal else combos
        open_codes = _codes(prev, n)
    if only_minimal and _nested(msc):
        out = _drop_supermodels(out)
    return out


def _nested(msc: list[Msc]) -> bool:
    """Some msc is a proper part of another (only when ``only_minimal_msc=False``)."""
    sets = [frozenset(m.conj) for m in msc]
    return any(a < b for a in sets for b in sets)


def _drop_supermodels(found: list) -> list:
    """Drop every disjunction that has a passing proper submodel (cna 4.0 with non-minimal msc).

    A submodel's disjuncts each lie in a different disjunct of the larger formula. With minimal
    msc this is the same as the sub-disjunction rule of the search itself.
    """
    from .submodel import _matches

    dnfs = [[frozenset(c) for c in f[0]] for f in found]
    keep = []
    for i, x in enumerate(dnfs):
        sx = set(x)
        if any(j != i and set(y) != sx and _matches(y, x) for j, y in enumerate(dnfs)):
            continue
        keep.append(found[i])
    return keep


def _codes(rows: np.ndarray, n: int) -> np.ndarray | set:
    """Sorted int64 codes of index rows (a set of tuples when the codes would overflow)."""
    if float(n) ** rows.shape[1] < 2.0**62:
        return np.sort(_encode(rows, n))
    return {tuple(r) for r in rows.tolist()}


def _is_open(rows: np.ndarray, ref: np.ndarray | set, n: int) -> np.ndarray:
    if isinstance(ref, set):
        return np.array([tuple(r) in ref for r in rows.tolist()], dtype=bool)
    return _in_sorted(_encode(rows, n), ref)
