"""Seeds: one explicit base seed per experiment, one derived seed per cell and replication.

The seed of a cell depends only on the experiment's base seed and the cell's data parameters
(:data:`experiments.params.SEED_PARAMS`: scenario, cohort size, reliability, overrides; not its
position in the grid, not the effect size, not the analysis settings: cells that differ only in
those share their cohorts, common random numbers), and replication ``r`` of a cell is
replication ``r`` of that seed in :mod:`sim`'s draw protocol
(``SeedSequence(cell_seed, spawn_key=(r,))``). So results do not depend on the number of
workers, the backend, the batch size or the order in which replications run, and adding a level
to a grid does not change the other cells' results.

References
----------
NumPy documentation, "Parallel random number generation" (``SeedSequence`` spawning).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["cell_key", "cell_seed"]


def cell_key(params: Mapping[str, Any]) -> str:
    """A short stable identifier of a cell: a hash of its canonical JSON parameters."""
    text = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cell_seed(base_seed: int, key: str) -> int:
    """The seed of a cell: ``SeedSequence(base_seed, spawn_key=(int(key, 16),))`` as a 63-bit int.

    Parameters
    ----------
    base_seed : int
        The experiment's seed (non-negative).
    key : str
        :func:`cell_key` of the cell's parameters (hexadecimal).
    """
    if isinstance(base_seed, bool) or not isinstance(base_seed, int | np.integer) or base_seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {base_seed!r}")
    ss = np.random.SeedSequence(int(base_seed), spawn_key=(int(key, 16) % 2**63,))
    lo, hi = (int(v) for v in ss.generate_state(2, np.uint32))
    return ((hi << 32) | lo) & (2**63 - 1)
