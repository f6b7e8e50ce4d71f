"""Fit measures and logical checks of Coincidence Analysis (cna 4.0 semantics).

Sufficiency and necessity measures follow the cna 4.0 vignette (Ambühl & Baumgartner, section on
"measures"): standard consistency/coverage (``scon``/``scov``), contrapositive (``ccon``/``ccov``),
prevalence-adjusted (``PAcon``/``PACcov``) and antecedent-adjusted (``AACcon``/``AAcov``). With Φ the
antecedent, φ its negation, Y the outcome, y its negation and |.| the (weighted) number of cases or
sum of memberships::

    scon = |ΦY| / |Φ|                    scov = |ΦY| / |Y|
    ccon = |φy| / (|φy| + |Φy| - q)      ccov = |φy| / (|φy| + |φY| - q)
    PAcon = |ΦY| / (|ΦY| + |Y|/|y| (|Φy| - q))
    AACcon = |φy| / (|φy| + |φ|/|Φ| (|Φy| - q))
    AAcov = |ΦY| / (|ΦY| + |Φ|/|φ| (|φY| - q))
    PACcov = |φy| / (|φy| + |y|/|Y| (|φY| - q))

where q = Σ min(Φ, φ, Y, y) is 0 for crisp and multi-value data. Logical checks (INUS form,
structural redundancy, exhaustiveness) work on the space of all logically possible configurations
of the factors a formula mentions (R's ``full.ct``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ._data import CNAData

__all__ = ["MEASURES", "MEASURE_ALIASES", "fit", "full_space", "dnf_eval", "dnf_is_inus"]

MEASURES = ("scon", "scov", "ccon", "ccov", "PAcon", "PACcov", "AACcon", "AAcov")
SUFFICIENCY = ("scon", "ccon", "PAcon", "AACcon")
NECESSITY = ("scov", "ccov", "PACcov", "AAcov")
MEASURE_ALIASES = {
    "standard consistency": "scon",
    "standard coverage": "scov",
    "contrapositive consistency": "ccon",
    "contrapositive coverage": "ccov",
    "prevalence-adjusted consistency": "PAcon",
    "prevalence-adjusted contrapositive coverage": "PACcov",
    "antecedent-adjusted contrapositive consistency": "AACcon",
    "antecedent-adjusted coverage": "AAcov",
}


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def fit(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, names: Sequence[str] = MEASURES, fuzzy: bool = False
) -> dict[str, np.ndarray]:
    """The requested measures of antecedents ``x`` (rows) for outcome membership ``y``.

    Parameters
    ----------
    x : ndarray, shape (n_candidates, n_configs)
        Memberships of each configuration in each antecedent.
    y : ndarray, shape (n_configs,)
    w : ndarray, shape (n_configs,)
        Number of cases in each configuration.
    names : measures to return (see the module docstring).
    fuzzy : subtract the fuzzy overlap term q (0 for crisp data anyway).
    """
    x = np.atleast_2d(x)
    nx, ny = 1 - x, 1 - y
    s_Y = float(w @ y)
    s_y = float(w @ ny)
    s_X = x @ w
    s_x = nx @ w
    s_XY = np.minimum(x, y) @ w
    out: dict[str, np.ndarray] = {}
    need = set(names)
    if need & {"scon"}:
        out["scon"] = _ratio(s_XY, s_X)
    if need & {"scov"}:
        out["scov"] = _ratio(s_XY, np.full_like(s_XY, s_Y))
    if need - {"scon", "scov"}:
        s_Xy = np.minimum(x, ny) @ w
        s_xy = np.minimum(nx, ny) @ w
        s_xY = np.minimum(nx, y) @ w
        q = np.minimum(np.minimum(x, nx), np.minimum(y, ny)) @ w if fuzzy else 0.0
        pen_c = s_Xy - q  # Φ without Y
        pen_v = s_xY - q  # Y without Φ
        if "ccon" in need:
            out["ccon"] = _ratio(s_xy, s_xy + pen_c)
        if "ccov" in need:
            out["ccov"] = _ratio(s_xy, s_xy + pen_v)
        if "PAcon" in need:
            out["PAcon"] = _ratio(s_XY, s_XY + (s_Y / s_y if s_y > 0 else np.inf) * pen_c)
        if "PACcov" in need:
            out["PACcov"] = _ratio(s_xy, s_xy + (s_y / s_Y if s_Y > 0 else np.inf) * pen_v)
        if "AACcon" in need:
            out["AACcon"] = _ratio(s_xy, s_xy + _ratio(s_x, s_X) * pen_c)
        if "AAcov" in need:
            out["AAcov"] = _ratio(s_XY, s_XY + _ratio(s_X, s_x) * pen_v)
    return {k: out[k] for k in names}


# --------------------------------------------------------------------------- full space logic


@lru_cache(maxsize=4096)
def _space(levels: tuple[tuple[int, ...], ...]) -> np.ndarray:
    return np.array(list(itertools.product(*levels)), dtype=np.int64).reshape(-1, len(levels))


#: Most logically possible configurations enumerated (R's ``full.ct``); beyond it, refused.
MAX_SPACE = 1 << 22


def full_space(data: CNAData, factors: Sequence[int]) -> np.ndarray:
    """All logically possible configurations of ``factors`` (R's ``full.ct``), one row each.

    Raises
    ------
    CNAError
        More than :data:`MAX_SPACE` configurations (R would try to allocate them all).
    """
    levels = tuple(data.values[f] for f in factors)
    size = math.prod(len(v) for v in levels)
    if size > MAX_SPACE:
        from ._data import CNAError

        raise CNAError(f"cna: the {len(levels)} factors have {size:,} logically possible "
                       f"configurations, more than the {MAX_SPACE:,} that redundancy and "
                       "exhaustiveness checks enumerate; analyse fewer factors, or pass "
                       "details=False (and inus_only=False) to skip these checks")
    return _space(levels)


def dnf_eval(
    dnf: Sequence[Sequence[int]], data: CNAData, space: np.ndarray, pos: dict[int, int]
) -> np.ndarray:
    """Truth value of a DNF (tuples of literal indices) in every row of ``space``.

    ``pos`` maps a factor index to its column in ``space``.
    """
    out = np.zeros(len(space), dtype=bool)
    for conj in dnf:
        term = np.ones(len(space), dtype=bool)
        for lit in conj:
            term &= space[:, pos[int(data.lit_factor[lit])]] == data.lit_value[lit]
        out |= term
    return out


def _lit_masks(data: CNAData, factors: tuple[int, ...]) -> dict[int, int]:
    """Truth of every literal of ``factors`` over their full space, as Python-int bit sets."""
    key = ("masks", factors)
    if key in data.cache:
        return data.cache[key]
    space = full_space(data, factors)
    out = {}
    for col, f in enumerate(factors):
        for lit in np.flatnonzero(data.lit_factor == f):
            bits = np.packbits(space[:, col] == data.lit_value[lit])
            out[int(lit)] = int.from_bytes(bits.tobytes(), "big")
    data.cache[key] = out
    return out


_MAX_SHARED_ROWS = 1 << 14


def _logic_factors(data: CNAData, dnf) -> tuple[int, ...]:
    """Factors spanning the space a DNF is checked over.

    Equivalence of two formulas does not depend on factors neither mentions, so when the space of
    all factors is small it is built once per data set and shared by every check.
    """
    shared = data.cache.get("shared")
    if shared is None:
        n_rows = float(np.prod([len(v) for v in data.values], dtype=float))
        shared = data.cache["shared"] = tuple(range(len(data.factors))) if n_rows <= _MAX_SHARED_ROWS else ()
    return shared or tuple(formula_factors(data, [dnf]))


def _full_mask(data: CNAData, factors: tuple[int, ...]) -> int:
    key = ("full", factors)
    if key not in data.cache:
        n_rows = len(full_space(data, factors))
        data.cache[key] = int.from_bytes(np.packbits(np.ones(n_rows, dtype=bool)).tobytes(), "big")
    return data.cache[key]


def _dnf_mask(dnf, masks: dict[int, int], full: int) -> int:
    out = 0
    for conj in dnf:
        t = full
        for lit in conj:
            t &= masks[lit]
        out |= t
    return out


def formula_factors(
    data: CNAData, dnfs: Sequence[Sequence[Sequence[int]]], extra: Sequence[int] = ()
) -> list[int]:
    fs = {int(data.lit_factor[lit]) for dnf in dnfs for conj in dnf for lit in conj}
    fs.update(extra)
    return sorted(fs)


def dnf_is_inus(dnf: tuple[tuple[int, ...], ...], data: CNAData) -> bool:
    """True when a DNF is redundancy-free (a MINUS formula) over all logically possible configurations.

    No disjunct can be dropped and no literal dropped from a disjunct without changing the Boolean
    function, and the DNF is neither a tautology nor a contradiction (cna's ``is.inus`` for a DNF).
    """
    factors = _logic_factors(data, dnf)
    masks = _lit_masks(data, factors)
    full = _full_mask(data, factors)
    ref = _dnf_mask(dnf, masks, full)
    if ref == full or ref == 0:
        return False
    for i, conj in enumerate(dnf):
        rest = dnf[:i] + dnf[i + 1 :]
        if len(dnf) > 1 and _dnf_mask(rest, masks, full) == ref:
            return False
        if len(conj) > 1:
            for j in range(len(conj)):
                shorter = conj[:j] + conj[j + 1 :]
                if _dnf_mask(rest + (shorter,), masks, full) == ref:
                    return False
    return True


def exhaustiveness_faithfulness(
    dnfs: Sequence[tuple[tuple[int, ...], ...]], outcomes: Sequence[int], data: CNAData
) -> tuple[float, float]:
    """Exhaustiveness and faithfulness of a model (asf: one DNF and outcome; csf: several).

    Following cna 4.0 (``exhaustiveness``/``faithfulness`` details): over the factors in the model,
    *exhaustiveness* is the share of the logically possible configurations compatible with the
    model that occur in the data; *faithfulness* is the share of the configurations occurring in
    the data that are compatible with the model. Fuzzy data are read at 0.5 whatever the
    analysis ``cutoff`` (what R's values show): a membership of exactly 0.5 leaves the factor
    undetermined, so that case is in no logically possible configuration (it counts among the
    data's configurations but is compatible with no model). Known difference: on d.pacts R's
    values differ from ours (tests/qca/test_cna_reference.py).
    """
    factors = formula_factors(data, dnfs, [int(data.lit_factor[o]) for o in outcomes])
    pos = {f: i for i, f in enumerate(factors)}
    space = full_space(data, factors)
    if data.dtype == "fs":
        x = data.scores
        crisp = np.where(x > 0.5, 1, np.where(x < 0.5, 0, -1)).astype(np.int64)
    else:
        crisp = data.crisp
    obs = np.unique(crisp[:, factors], axis=0)
    return _exh_faith(dnfs, outcomes, data, space, obs, pos)


def _compatible(dnfs, outcomes, data, rows, pos) -> np.ndarray:
    ok = np.ones(len(rows), dtype=bool)
    for dnf, o in zip(dnfs, outcomes):
        lhs = dnf_eval(dnf, data, rows, pos)
        rhs = rows[:, pos[int(data.lit_factor[o])]] == data.lit_value[o]
        ok &= lhs == rhs
    return ok


def _exh_faith(dnfs, outcomes, data, space, obs, pos) -> tuple[float, float]:
    comp_space = _compatible(dnfs, outcomes, data, space, pos)
    comp_obs = _compatible(dnfs, outcomes, data, obs, pos) & ~(obs < 0).any(axis=1)
    n_comp = int(comp_space.sum())
    exh = float(comp_obs.sum()) / n_comp if n_comp else float("nan")
    faith = float(comp_obs.sum()) / len(obs) if len(obs) else float("nan")
    return exh, faith
