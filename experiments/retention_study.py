"""Retention of a csQCA solution under measurement error and data loss (Thiem, Spöhel & Dusa 2016).

Thiem, Spöhel & Dusa (2016) compute exactly how likely the conservative solution of a crisp data
set survives when the outcome of its cases is corrupted (measurement error in the endogenous
factor) or cases are deleted, under a fixed number of perturbations (DPA) or independent
perturbations (IPA), for Hug's (2013) welfare-state data. This module re-runs that process:

* :func:`retention_by_simulation`: perturbed replications from a data generator
  (:class:`sim.perturbation.PerturbedDataGenerator`), each analysed with the engine
  (:func:`qca.truth_table`, :func:`qca.minimize`), the share with the reference solution kept,
  with its Clopper-Pearson interval (the Monte-Carlo reproduction);
* :func:`retention_by_enumeration`: every set of exactly ``n_pert`` corrupted outcomes (DPA,
  exhaustive, through the engine);
* :func:`retention_ipa_outcome`: the closed form of Thiem et al. (their Equation 15, our own
  code): under IPA each observed configuration keeps its status independently, so the
  retention probability is the product over configurations of the probability that the number
  of positive cases after corruption stays on the same side of the inclusion cut-off.

References
----------
Thiem, A., Spöhel, R., & Dusa, A. (2016). Enhancing sensitivity diagnostics for qualitative
comparative analysis: a combinatorial approach. *Political Analysis* 24(1), 104-120
(sections 4.1-4.2, Table 4).
Hug, S. (2013). Qualitative comparative analysis: how inductive use and measurement error lead
to problematic inference. *Political Analysis* 21(2), 252-265.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from math import comb

import numpy as np
import pandas as pd

__all__ = ["solution_key", "retention_by_simulation", "retention_by_enumeration",
           "retention_ipa_outcome", "RetentionEstimate"]


def solution_key(data: pd.DataFrame, outcome: str, incl_cut: float = 1.0) -> frozenset | None:
    """The conservative solution of ``data`` as a set of models (each a set of term strings);
    ``None`` when no configuration is positive (no solution)."""
    from qca import minimize, truth_table
    from qca.exceptions import QCAWarning

    if len(data) == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QCAWarning)
        tt = truth_table(data, outcome, incl_cut=incl_cut)
        if not (tt.rows["OUT"] == "1").any():
            return None
        sol = minimize(tt)
    return frozenset(frozenset(str(t) for t in m.terms) for m in sol.models)


@dataclass(frozen=True)
class RetentionEstimate:
    """Share of perturbed replications that kept the reference solution."""

    retained: int
    reps: int

    @property
    def share(self) -> float:
        return self.retained / self.reps


def retention_by_simulation(scenario: str, overrides: dict, reps: int, seed: int,
                            incl_cut: float = 1.0) -> RetentionEstimate:
    """Monte-Carlo retention: ``reps`` replications of a perturbed-data generator, each analysed.

    Parameters
    ----------
    scenario : str
        A ``"perturbed:<data set>"`` scenario (:mod:`sim.perturbation`).
    overrides : dict
        The perturbation (``kind``, ``target``, ``p_pert`` or ``n_pert``).
    reps, seed : int
        Replications ``0 .. reps-1`` of ``seed``.
    incl_cut : float
        The inclusion cut-off of every analysis (the reference included).
    """
    from sim.generators import GeneratorSettings, make_generator
    from sim.perturbation import PerturbedDataGenerator

    gen = make_generator(scenario, GeneratorSettings(overrides=overrides))
    if not isinstance(gen, PerturbedDataGenerator):
        raise ValueError(f"retention_by_simulation needs a 'perturbed:' scenario, got {scenario!r}")
    base = solution_key(gen.data, gen.outcome, incl_cut)
    kept = sum(solution_key(gen.perturbed(seed, r), gen.outcome, incl_cut) == base for r in range(reps))
    return RetentionEstimate(int(kept), int(reps))


def retention_by_enumeration(data: pd.DataFrame, outcome: str, n_pert: int,
                             incl_cut: float = 1.0) -> tuple[int, int]:
    """Every set of ``n_pert`` corrupted outcomes (DPA): (sets that change the solution, all sets)."""
    base = solution_key(data, outcome, incl_cut)
    changed = 0
    for flip in itertools.combinations(range(len(data)), n_pert):
        d = data.copy()
        idx = d.index[list(flip)]
        d.loc[idx, outcome] = 1 - d.loc[idx, outcome]
        changed += solution_key(d, outcome, incl_cut) != base
    return changed, comb(len(data), n_pert)


def retention_ipa_outcome(data: pd.DataFrame, outcome: str, p: float, incl_cut: float) -> float:
    """Exact retention of the conservative solution when each outcome value flips with probability ``p``.

    Each observed configuration with ``a`` positive and ``b`` negative cases is positive when
    ``a' >= incl_cut (a + b)`` after corruption, ``a' = a - i + j`` with ``i ~ Bin(a, p)``,
    ``j ~ Bin(b, p)`` independent; the solution is kept when every configuration keeps its
    status (Thiem et al. 2016, Eq. 15; remainders stay remainders under outcome corruption).
    """
    from scipy.stats import binom

    conds = [c for c in data.columns if c != outcome]
    groups = data.groupby(conds)[outcome].agg(["sum", "count"])
    prob = 1.0
    for a, n in zip(groups["sum"], groups["count"], strict=True):
        b = n - a
        positive = a >= incl_cut * n - 1e-9
        i, j = np.meshgrid(np.arange(a + 1), np.arange(b + 1), indexing="ij")
        w = binom.pmf(i, a, p) * binom.pmf(j, b, p)
        after = (a - i + j) >= incl_cut * n - 1e-9
        prob *= float(w[after == positive].sum())
    return prob
