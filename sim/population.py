"""Workers and participants of replications, derived deterministically from their draws.

Both engines start from the same :class:`Population`: the Mesa model turns one replication into
agents, the kernel handles many replications at once. Every operation is elementwise in the
replication (no BLAS, no cross-replication reductions), so a replication's population is the same
whether it is derived alone or in a batch. Everything random is in :mod:`sim.draws`.

Derivations
-----------
* Worker ``i`` belongs to organisation ``i mod n_orgs``.
* True condition, crisp truth (``truth = "crisp"``): latent ``z >= Phi^-1(1 - prevalence)``; for
  the caseload condition, caseload ``>= high_ratio * referrals_per_worker``. Membership is 1 or 0
  (the tie rule of :mod:`sim.grids`: a value equal to the threshold is in).
* True condition, fuzzy truth (``truth = "fuzzy"``): membership ``expit(log(19) * (z - threshold)
  / membership_spread)``, i.e. 0.5 at the threshold and 0.95 / 0.05 at ``membership_spread``
  latent SDs above / below it (a logistic of the latent value, as in the direct method of
  calibration, Ragin 2008, and cna's ``makeFuzzy``); for the caseload condition, the direct-method
  logistic of the count with :meth:`~sim.scenario.Scenario.caseload_truth_anchors`, so that
  calibrating the observed caseload with the scenario's anchors reproduces it exactly.
* Path membership: the minimum over the path's literals of the membership (``1 - membership``
  for a negated literal); recipe membership ``m``: the maximum over paths (fuzzy AND / OR; with
  crisp memberships these are the Boolean AND / OR).
* Central allocation: participants, in the order of their allocation uniforms, go to the worker
  whose cumulative share of the allocation weights ``exp(capacity_sd * z_caseload)`` first exceeds
  the uniform (see :func:`allocate`).
* Referral week: ``floor(u * referral_weeks)``, uniform over the referral period.
* Needs: ``1 + Binomial(needs_max - 1, needs_p)`` by inverse CDF of the needs uniform.
* Weekly housing-entry probability ``p = entry_weekly_prob * entry_needs_ratio ** (needs - mean)``.
* Tenancy relative hazard (grouped-time proportional hazards; Prentice & Gloeckler 1978):
  ``r = exp(needs_log_hr * (needs - mean) + frailty_sd * frailty) * HR**m``, so the
  survival to tenancy week ``t`` is ``S0(t) ** r``, with ``HR = recipe_hazard_ratio`` and ``m``
  the recipe membership of the participant's worker (0 or 1 under crisp truth; under fuzzy truth
  the effect on the log hazard scales with membership).

References
----------
Ragin, C. C. (2008). *Redesigning Social Inquiry*, ch. 5 (direct calibration, log-odds 3 at
membership 0.95). Baumgartner, M. & Ambuehl, M. (2020). cna documentation, ``makeFuzzy`` (fuzzy
data from crisp structures). Zadeh, L. A. (1965). Fuzzy sets. *Information and Control* 8
(minimum and maximum as fuzzy AND and OR).
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy import special

from .draws import Draws, draw_replications, item_columns, record_columns
from .measurement import likert_scores, recorded_values
from .recipe import path_membership
from .scenario import LOG_ODDS_95, ConditionSpec, Scenario

__all__ = ["Population", "allocate", "allocation_counts", "build_population", "derive_population",
           "latent_membership", "direct_membership"]


@dataclass(frozen=True, eq=False)
class Population:
    """Static state of R replications (W workers, P participants); leading axis = replication.

    ``worker``, ``referral_week`` and ``needs`` (each (R, P) int64) are computed on first access
    from ``caseload``, ``referral_u`` and ``need_index``: a cohort needs none of them.
    """

    org: np.ndarray            # (R, W) int64
    latent: np.ndarray         # (R, W, K)
    true: np.ndarray           # (R, W, K) float64 membership (0/1 under crisp truth), scenario order
    observed: dict[str, np.ndarray]  # measured condition -> (R, W) raw score / record / count
    paths: np.ndarray          # (R, W, n_paths) float64 path membership
    in_recipe: np.ndarray      # (R, W) float64 recipe membership
    rel_hazard: np.ndarray     # (R, P) relative tenancy hazard r
    log_q: np.ndarray          # (R, P) log(1 - weekly entry probability)
    log_u: np.ndarray          # (R, P) log(1 - entry uniform)
    log_v: np.ndarray          # (R, P) log(1 - failure uniform)
    caseload: np.ndarray       # (R, W) int64 participants allocated to each worker
    need_index: np.ndarray     # (R, P) int64, needs - 1
    referral_u: np.ndarray     # (R, P) referral-week uniforms
    referral_weeks: int        # weeks of the referral period

    @cached_property
    def worker(self) -> np.ndarray:
        """(R, P) int64: the allocated worker of each participant (sorted)."""
        return _workers(self.caseload, self.need_index.shape[1])

    @cached_property
    def referral_week(self) -> np.ndarray:
        """(R, P) int64: ``floor(u * referral_weeks)`` (``u >= 0``: truncation is the floor)."""
        return (self.referral_u * self.referral_weeks).astype(np.int64)

    @cached_property
    def needs(self) -> np.ndarray:
        """(R, P) int64: each participant's needs (1 + need index)."""
        return self.need_index + 1

    def replication(self, i: int) -> Population:
        """Replication ``i`` as a population with a leading axis of length 1."""
        return Population(
            observed={k: v[i:i + 1] for k, v in self.observed.items()},
            referral_weeks=self.referral_weeks,
            **{f: getattr(self, f)[i:i + 1] for f in self.__dataclass_fields__
               if f not in ("observed", "referral_weeks")},
        )


_Q = 2.0**40  # allocation shares and uniforms are compared on a 2**-40 integer grid

#: Fewest participants (over all replications of a call) that :func:`allocation_counts` hands
#: to the compiled kernel (:mod:`sim._jit`) once numba is loaded: every call (the kernel is
#: faster from one replication of 65 workers on: 10 vs 45 microseconds).
JIT_MIN_PARTICIPANTS: float = 0

#: The compiled allocation (:mod:`sim._jit`): None until first needed, False when not available
#: (numba missing, or the environment variable ``QCASIM_JIT`` is ``0``).
_COMPILED: Any = None


def _compiled() -> Any:
    """The compiled twin of :func:`allocation_counts`, or None (then numpy computes it).

    It is used only once numba is loaded in the process (a recovery run's compiled cover
    searches load it, :mod:`qca.cover`): starting numba costs about a second, more than the
    compiled allocation saves in a short simulation; loaded, it costs nothing more.
    """
    global _COMPILED
    if _COMPILED is None:
        if "numba" not in sys.modules and os.environ.get("QCASIM_JIT", "1") != "0":
            return None  # not decided yet: numba may be loaded later
        _COMPILED = False
        if os.environ.get("QCASIM_JIT", "1") != "0":
            try:
                from . import _jit

                _COMPILED = _jit
            except ImportError:
                pass
    return _COMPILED or None


def _shares(weights: np.ndarray) -> np.ndarray:
    """Cumulative weight shares floored to the ``2**-40`` grid (int64, non-decreasing per row),
    the last set to ``2**40`` (the last worker takes every remaining participant)."""
    cum = np.cumsum(weights, axis=-1)
    share = np.floor(cum / cum[:, -1:] * _Q).astype(np.int64)
    share[:, -1] = 1 << 40
    return share


def allocation_counts(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Participants allocated to each worker (int64, ``weights.shape``): the caseloads of
    :func:`allocate`, without sorting the uniforms.

    A participant with floored uniform ``key`` goes to worker ``#{w : share[w] <= key}``. The
    ``2**40`` grid is cut into ``2**b >= 8 W`` equal cells per replication; a key in a cell that
    holds no share has as many shares at or below it as there are shares in earlier cells (one
    table look-up); a key in a cell holding shares adds those of them at or below it (compared
    one by one, or searched when a cell holds many). Once numba is loaded (:func:`_compiled`),
    the compiled twin computes them (:mod:`sim._jit`: the same integer comparisons, one
    participant at a time).
    """
    n_r, n_w = weights.shape
    n_p = u.shape[1]
    share = _shares(weights)
    bits = min(max(int(8 * n_w - 1).bit_length(), 1), 40)
    compiled = _compiled() if n_r * n_p >= JIT_MIN_PARTICIPANTS else None
    if compiled is not None:
        return compiled.allocation_counts(u, share, bits)
    shift, n_cells = 40 - bits, (1 << bits) + 1  # cell 2**b holds only the last share
    rows = np.arange(n_r, dtype=np.int64)[:, None]
    per_cell = np.bincount(((share >> shift) + rows * n_cells).ravel(),
                           minlength=n_r * n_cells).reshape(n_r, n_cells)
    before = np.cumsum(per_cell, axis=1)
    before -= per_cell
    before += rows * n_w  # index of the cell's first share in share.ravel()
    # The cell of a uniform is floor(u * 2**b) = floor(u * 2**40) >> shift (both products are
    # exact: powers of two); its key floor(u * 2**40) is needed only in cells holding shares.
    cell = (u * float(1 << bits)).astype(np.int64)  # u >= 0: truncation is the floor
    cell += rows * n_cells
    slot = np.take(before, cell.ravel())
    n_in = np.take(per_cell, cell.ravel())
    mixed = np.flatnonzero(n_in)
    if mixed.size:
        key = np.floor(np.take(u, mixed) * _Q).astype(np.int64)
        first, n_in = np.take(slot, mixed), np.take(n_in, mixed)
        flat_share = share.ravel()
        most = int(n_in.max())
        if most <= 8:
            last, pos = flat_share.size - 1, first.copy()
            for j in range(most):
                pos += (np.take(flat_share, np.minimum(first + j, last)) <= key) & (n_in > j)
            slot[mixed] = pos
        else:  # one search over all replications: keys and shares offset per row
            slot[mixed] = np.searchsorted((share + (rows << 41)).ravel(),
                                          key + ((mixed // n_p) << 41), side="right")
    return np.bincount(slot, minlength=n_r * n_w).reshape(n_r, n_w)


def allocate(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Central allocation: the worker of each participant, per replication row.

    Participants are taken in the order of their allocation uniforms ``u`` (so the returned
    worker indices are sorted: participants are listed by worker); a participant whose uniform
    lies in ``[share[w-1], share[w])`` of the cumulative weight shares goes to worker ``w``, i.e.
    the counts are a multinomial draw with probabilities ``weights / weights.sum()``. Shares and
    uniforms are floored to a ``2**-40`` grid and compared as integers (exactly, in every
    replication of a batch alike); the counts come from :func:`allocation_counts`.
    """
    return _workers(allocation_counts(u, weights), u.shape[1])


def _workers(counts: np.ndarray, n_p: int) -> np.ndarray:
    """Sorted worker index of each participant from the caseloads ``counts`` (R, W)."""
    n_r, n_w = counts.shape
    return np.repeat(np.tile(np.arange(n_w, dtype=np.int64), n_r), counts.ravel()).reshape(
        n_r, n_p)


def build_population(scenario: Scenario, seed: int | np.random.SeedSequence,
                     reps: range) -> Population:
    """Draw and derive the populations of replications ``reps`` of ``seed``."""
    return derive_population(scenario, draw_replications(scenario, seed, reps))


def _log1m(u: np.ndarray) -> np.ndarray:
    """``log(1 - u)`` computed as ``log1p(-u)`` in one new array."""
    out = np.negative(u)
    return np.log1p(out, out=out)


def latent_membership(z: np.ndarray, c: ConditionSpec, scenario: Scenario) -> np.ndarray:
    """True membership (float64) of workers with latent values ``z`` in condition ``c``: 1 for
    ``z >= threshold`` else 0 under crisp truth; the logistic of the module docstring under fuzzy
    truth."""
    if not scenario.fuzzy_truth:
        return (z >= c.threshold_z).astype(float)
    return special.expit(LOG_ODDS_95 / scenario.membership_spread * (z - c.threshold_z))


def direct_membership(x: np.ndarray, anchors: tuple[float, float, float]) -> np.ndarray:
    """Direct-method logistic membership of raw values ``x`` with anchors (e, c, i): log-odds
    ``log(19) * (x - c) / (i - c)`` at or above ``c``, ``log(19) * (x - c) / (c - e)`` below
    (the formula of ``qca.calibrate(x, "fuzzy", thresholds=(e, c, i))``, Ragin 2008)."""
    e, c, i = anchors
    d = np.asarray(x, dtype=float) - c
    return special.expit(LOG_ODDS_95 * np.where(d >= 0, d / (i - c), d / (c - e)))


def derive_population(scenario: Scenario, d: Draws) -> Population:
    """Deterministic population of the replications in ``d`` (elementwise in the replication)."""
    prog, part, haz = scenario.programme, scenario.participants, scenario.hazard
    n_r, n_w = d.latent.shape[:2]
    items, records = item_columns(scenario), record_columns(scenario)
    true = np.empty(d.latent.shape, dtype=float)
    observed: dict[str, np.ndarray] = {}
    weights = np.ones((n_r, n_w))
    caseload_col = None
    for k, c in enumerate(scenario.conditions):
        z = d.latent[..., k]
        if c.kind == "caseload":
            weights = np.exp(c.capacity_sd * z)
            caseload_col = k
            continue
        true[..., k] = latent_membership(z, c, scenario)
        if c.kind == "likert":
            observed[c.name] = likert_scores(z, d.item_u[..., items[c.name]], c)
        else:
            observed[c.name] = recorded_values(z, d.record_e[..., records[c.name]], c)
    caseload = allocation_counts(d.alloc_u, weights)
    if caseload_col is not None:
        c = scenario.conditions[caseload_col]
        if scenario.fuzzy_truth:
            true[..., caseload_col] = direct_membership(caseload,
                                                        scenario.caseload_truth_anchors(c))
        else:
            true[..., caseload_col] = caseload >= scenario.caseload_cut(c)
        observed[c.name] = caseload
    observed = {c.name: observed[c.name] for c in scenario.conditions if c.measured}
    paths = path_membership(true, scenario.compiled_recipe)
    in_recipe = _path_maximum(paths)
    need_idx = _need_index(d.needs_u, scenario.needs_cdf)  # needs - 1
    log_hr = np.take(scenario.needs_log_hr_table, need_idx)
    log_hr += part.frailty_sd * d.frailty
    log_effect = math.log(haz.recipe_hazard_ratio)
    # Participants are listed by worker: a worker's value reaches its participants by np.repeat.
    per_participant = caseload.ravel()
    if scenario.fuzzy_truth:
        log_hr += np.repeat((in_recipe * log_effect).ravel(), per_participant).reshape(log_hr.shape)
    else:  # 0/1 membership: add the effect where it is 1 (bit-identical to m * log HR)
        member = np.repeat((in_recipe > 0.5).ravel(), per_participant).reshape(log_hr.shape)
        np.add(log_hr, log_effect, out=log_hr, where=member)
    return Population(
        org=np.broadcast_to(np.arange(n_w, dtype=np.int64) % prog.n_orgs, (n_r, n_w)),
        latent=d.latent, true=true, observed=observed, paths=paths, in_recipe=in_recipe,
        rel_hazard=np.exp(log_hr, out=log_hr),
        log_q=np.take(scenario.log_q_table, need_idx), log_u=_log1m(d.entry_u),
        log_v=_log1m(d.fail_u), caseload=caseload, need_index=need_idx,
        referral_u=d.referral_u, referral_weeks=prog.referral_weeks,
    )


def _path_maximum(paths: np.ndarray) -> np.ndarray:
    """``paths.max(axis=-1)`` (the recipe membership) as a running maximum over the few paths:
    the same numbers (the maximum is exact), without a reduction over a short strided axis."""
    out = paths[..., 0].copy()
    for p in range(1, paths.shape[-1]):
        np.maximum(out, paths[..., p], out=out)
    return out


def _need_index(u: np.ndarray, cdf: np.ndarray) -> np.ndarray:
    """Inverse CDF index ``#{k : u >= cdf[k]}`` (int64; needs is one more)."""
    small = len(cdf) < 127
    count = np.zeros(u.shape, dtype=np.int8 if small else np.int64)
    for c in cdf:
        count += u >= c
    return count.astype(np.int64) if small else count
