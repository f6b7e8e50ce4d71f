"""The random-draw protocol: every random number of a replication, from one seed, in fixed order.

Both engines (the Mesa model and the batched kernel) consume exactly these arrays, so they produce
identical cohorts for the same seed. Protocol (version 1):

* Replication ``r`` of ``seed`` has the seed sequence ``SeedSequence(entropy, spawn_key=key + (r,))``
  where ``entropy, key`` come from ``seed`` (an int, or a ``SeedSequence`` whose spawn key is
  extended). ``simulate(seed=s)`` is replication 0 of ``simulate_many(seed=s)``.
* Each replication has two independent purpose streams, children ``(r, 0)`` and ``(r, 1)``, each a
  ``numpy.random.Generator(PCG64)``; within a stream the draws come in the order listed:

  0. ``workers``: latent conditions ``standard_normal((W, K))`` (then correlated by the Cholesky
     factor), item uniforms ``random((W, I))`` (one column per survey item of each likert
     condition, in scenario order), record noise ``standard_normal((W, Q))`` (one column per
     recorded condition, in scenario order).
  1. ``participants``: uniforms ``random((5, P))`` whose rows are, in order, the allocation,
     referral-week, needs, housing-entry and tenancy-failure uniforms; then frailty
     ``standard_normal(P)``.

Separate streams give common random numbers across scenario variants: changing the survey (items,
reliability) does not change allocations, needs or event uniforms.

References
----------
NumPy documentation, "Parallel random number generation" (``SeedSequence`` spawn keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .errors import ScenarioError
from .scenario import Scenario

__all__ = ["Draws", "STREAMS", "replication_seed", "draw_replications", "item_columns",
           "record_columns", "correlate"]

STREAMS = ("workers", "participants")


def _root(seed: int | np.random.SeedSequence) -> tuple[int | Sequence[int] | None, tuple[int, ...]]:
    if isinstance(seed, np.random.SeedSequence):
        return seed.entropy, tuple(seed.spawn_key)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ScenarioError(f"seed must be a non-negative integer or SeedSequence, got {seed!r}")
    return int(seed), ()


def replication_seed(seed: int | np.random.SeedSequence, rep: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``rep`` of ``seed`` (see the module docstring)."""
    entropy, key = _root(seed)
    return np.random.SeedSequence(entropy, spawn_key=(*key, rep))


def _streams(rep_seed: np.random.SeedSequence) -> list[np.random.Generator]:
    return _key_streams(rep_seed.entropy, tuple(rep_seed.spawn_key))


def _key_streams(entropy: int | Sequence[int] | None, key: tuple[int, ...]) -> list[np.random.Generator]:
    """The purpose streams of the replication whose seed sequence has ``entropy`` and spawn key
    ``key`` (those of :func:`_streams`, without building the replication's own sequence)."""
    return [np.random.Generator(np.random.PCG64(
        np.random.SeedSequence(entropy, spawn_key=(*key, k)))) for k in range(len(STREAMS))]


@dataclass(frozen=True, eq=False)
class Draws:
    """All random numbers of R replications (W workers, K conditions, P participants).

    Every array has the replication on its leading axis.
    """

    latent: np.ndarray         # (R, W, K) correlated standard normals
    item_u: np.ndarray         # (R, W, I) survey item uniforms, see item_columns
    record_e: np.ndarray       # (R, W, Q) record noise, see record_columns
    alloc_u: np.ndarray        # (R, P)
    referral_u: np.ndarray     # (R, P)
    needs_u: np.ndarray        # (R, P)
    entry_u: np.ndarray        # (R, P)
    fail_u: np.ndarray         # (R, P)
    frailty: np.ndarray        # (R, P)


def item_columns(scenario: Scenario) -> dict[str, slice]:
    """Columns of :attr:`Draws.item_u` used by each likert condition."""
    out, start = {}, 0
    for c in scenario.conditions:
        if c.kind == "likert":
            out[c.name] = slice(start, start + c.items)
            start += c.items
    return out


def record_columns(scenario: Scenario) -> dict[str, int]:
    """Column of :attr:`Draws.record_e` used by each recorded condition."""
    names = [c.name for c in scenario.conditions if c.kind == "recorded"]
    return {n: i for i, n in enumerate(names)}


def correlate(std: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """``std @ chol.T`` on the last axis, summed in a fixed order (no BLAS), so the result of a
    replication does not depend on how many replications are computed together."""
    out = np.empty_like(std)
    for k in range(chol.shape[0]):
        acc = std[..., 0] * chol[k, 0]
        for j in range(1, k + 1):
            acc = acc + std[..., j] * chol[k, j]
        out[..., k] = acc
    return out


def draw_replications(scenario: Scenario, seed: int | np.random.SeedSequence,
                      reps: range) -> Draws:
    """Draw every random number of replications ``reps`` of ``seed`` following the protocol."""
    prog = scenario.programme
    n_r, w, k, p = len(reps), prog.n_workers, len(scenario.conditions), prog.n_participants
    n_items = sum(c.items for c in scenario.conditions if c.kind == "likert")
    n_rec = sum(c.kind == "recorded" for c in scenario.conditions)
    std = np.empty((n_r, w, k))
    item_u = np.empty((n_r, w, n_items))
    record_e = np.empty((n_r, w, n_rec))
    unif = np.empty((n_r, 5, p))
    frailty = np.empty((n_r, p))
    entropy, key = _root(seed)
    for i, r in enumerate(reps):
        g_w, g_p = _key_streams(entropy, (*key, r))
        g_w.standard_normal(out=std[i])
        g_w.random(out=item_u[i])
        g_w.standard_normal(out=record_e[i])
        g_p.random(out=unif[i])  # the same numbers as random((5, P)), drawn in place
        g_p.standard_normal(out=frailty[i])
    latent = correlate(std, scenario.cholesky)
    alloc_u, referral_u, needs_u, entry_u, fail_u = unif.transpose(1, 0, 2)
    return Draws(latent, item_u, record_e, alloc_u, referral_u, needs_u, entry_u, fail_u, frailty)
