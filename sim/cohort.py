"""Output tables: the per-worker cohort (what an evaluation sees, plus truth) and participants.

Cohort columns, in order: ``rep`` (only from :func:`sim.simulate_many`), ``worker_id``, ``org``,
one column per measured condition (raw summed Likert score, recorded value, or caseload count),
``n_participants``, ``n_housed``, ``n_sustained``, ``SUSTAIN_RATE`` (``n_sustained / n_housed``,
0 when nobody was housed), then the truth: ``true_<condition>`` (every condition including
unmeasured ones), ``true_recipe`` and ``true_path_<i>`` (one per recipe term): int64 0/1 under
crisp truth, float64 memberships in [0, 1] under fuzzy truth (``scenario.truth``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .kernel import Outcomes
from .population import Population
from .scenario import Scenario

__all__ = ["cohort_arrays", "cohort_frame", "participant_frame"]


def cohort_arrays(scenario: Scenario, pop: Population, out: Outcomes) -> dict[str, np.ndarray]:
    """Cohort columns as ``(R, W)`` arrays from a stacked population and its outcomes."""
    n_r, n_w = pop.org.shape
    # Participants are listed by worker (sim.population.allocate): a worker's count is the
    # difference of running totals at the ends of its block.
    ends = np.cumsum(pop.caseload.ravel())

    flat = ends[-1] if ends.size else 0
    # running totals, with a leading 0, in int32 when they fit (fewer bytes to write and read)
    total = np.empty(flat + 1, dtype=np.int32 if flat < 2**31 else np.int64)
    total[0] = 0

    def count(mask: np.ndarray) -> np.ndarray:
        np.cumsum(mask.ravel(), out=total[1:])
        return np.diff(total[ends], prepend=0).astype(np.int64).reshape(n_r, n_w)

    n_part, n_housed, n_sust = pop.caseload.copy(), count(out.housed), count(out.sustained)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n_housed > 0, n_sust / np.maximum(n_housed, 1), 0.0)
    cols: dict[str, np.ndarray] = {
        "worker_id": np.broadcast_to(np.arange(n_w, dtype=np.int64), (n_r, n_w)),
        "org": pop.org,
    }
    cols.update(pop.observed)
    cols.update(n_participants=n_part, n_housed=n_housed, n_sustained=n_sust, SUSTAIN_RATE=rate)
    dtype = np.float64 if scenario.fuzzy_truth else np.int64
    for k, name in enumerate(scenario.condition_names):
        cols[f"true_{name}"] = pop.true[..., k].astype(dtype)
    cols["true_recipe"] = pop.in_recipe.astype(dtype)
    for p in range(pop.paths.shape[-1]):
        cols[f"true_path_{p + 1}"] = pop.paths[..., p].astype(dtype)
    return cols


def cohort_frame(cols: dict[str, np.ndarray], with_rep: bool, first_rep: int = 0) -> pd.DataFrame:
    """One row per worker (and replication when ``with_rep``)."""
    n_r, n_w = cols["org"].shape
    data = {}
    if with_rep:
        data["rep"] = np.repeat(np.arange(first_rep, first_rep + n_r, dtype=np.int64), n_w)
    data.update({k: np.ascontiguousarray(v).reshape(-1) for k, v in cols.items()})
    return pd.DataFrame(data)


def participant_frame(pop: Population, out: Outcomes) -> pd.DataFrame:
    """One row per participant (and replication, with a ``rep`` column, when R > 1)."""
    n_r, n_p = pop.worker.shape
    data: dict[str, np.ndarray] = {}
    if n_r > 1:
        data["rep"] = np.repeat(np.arange(n_r, dtype=np.int64), n_p)
    data.update({
        "participant_id": np.tile(np.arange(n_p, dtype=np.int64), n_r),
        "worker_id": pop.worker,
        "referral_week": pop.referral_week,
        "needs": pop.needs,
        "rel_hazard": pop.rel_hazard,
        "housed": out.housed,
        "housing_week": out.housing_week,
        "failed": out.failed,
        "failure_week": out.failure_week,
        "sustained": out.sustained,
        "exit_week": out.exit_week,
        "n_meetings": out.n_meetings,
    })
    floats = {"rel_hazard"}
    return pd.DataFrame({k: np.asarray(v).reshape(-1).astype(np.float64 if k in floats else np.int64)
                         for k, v in data.items()})
