"""A minimal Boolean data-generating structure, independent of :mod:`sim`.

``scenario = "boolean:<recipe>"`` in the replication parameters uses it: each condition of the
recipe (plus ``extra`` irrelevant ones, named ``X1, X2, ...``) has a standard-normal latent value;
the true crisp condition is ``latent > 0``; the observed score is the latent value plus normal
measurement error with the given ``reliability``; the outcome is a proportion around
``high`` for cases in the recipe and ``low`` otherwise, plus normal noise ``outcome_sd``.
It serves fast tests of the benchmark machinery and Boolean sanity checks (with perfect
reliability and no outcome noise QCA should recover the recipe given full diversity).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from qca import Expression, evaluate, parse

__all__ = ["BooleanScenario", "boolean_scenario", "simulate_boolean"]

PREFIX = "boolean:"
_OPTIONS = {"extra", "outcome_sd", "low", "high", "n_workers", "reliability"}


@dataclass(frozen=True, eq=False)
class BooleanScenario:
    """A Boolean scenario: the recipe, the condition names and the noise settings."""

    recipe: str
    recipe_expression: Expression
    observed_conditions: tuple[str, ...]
    n_workers: int = 65
    reliability: float = 1.0
    outcome_sd: float = 0.05
    low: float = 0.6
    high: float = 0.85
    outcome: str = "SUSTAIN_RATE"
    name: str = "boolean"

    @property
    def calibration_anchors(self) -> dict[str, tuple[float, float, float]]:
        """Anchors: latent +-1.5 SD of the observed score; the outcome's two levels."""
        sd = 1.0 / math.sqrt(self.reliability)
        anchors = {c: (-1.5 * sd, 0.0, 1.5 * sd) for c in self.observed_conditions}
        anchors[self.outcome] = (self.low, (self.low + self.high) / 2, self.high)
        return anchors


def boolean_scenario(name: str, n_workers: int = 65, reliability: float | None = None,
                     options: Mapping[str, Any] | None = None) -> BooleanScenario:
    """Build a :class:`BooleanScenario` from ``"boolean:<recipe>"`` and options.

    Raises
    ------
    ValueError
        Unknown option or bad value.
    """
    options = dict(options or {})
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise ValueError(f"boolean scenario: unknown override {unknown[0]!r}; "
                         f"allowed: {', '.join(sorted(_OPTIONS))}")
    recipe = name[len(PREFIX):].strip()
    expr = parse(recipe)
    extra = int(options.get("extra", 0))
    conds = tuple(sorted(expr.conditions)) + tuple(f"X{i + 1}" for i in range(extra))
    rel = float(reliability if reliability is not None else options.get("reliability", 1.0))
    if not 0 < rel <= 1:
        raise ValueError(f"boolean scenario: reliability must be in (0, 1], got {rel}")
    return BooleanScenario(
        recipe=recipe, recipe_expression=expr, observed_conditions=conds,
        n_workers=int(options.get("n_workers", n_workers)), reliability=rel,
        outcome_sd=float(options.get("outcome_sd", 0.05)),
        low=float(options.get("low", 0.6)), high=float(options.get("high", 0.85)),
    )


def simulate_boolean(scen: BooleanScenario, seed: int, rep: int) -> dict[str, np.ndarray]:
    """Cohort columns of replication ``rep`` of ``seed`` (``SeedSequence(seed, (rep,))``)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed),
                                                                     spawn_key=(int(rep),))))
    n, k = scen.n_workers, len(scen.observed_conditions)
    latent = rng.standard_normal((n, k))
    noise = rng.standard_normal((n, k)) * math.sqrt(1.0 / scen.reliability - 1.0)
    out_noise = rng.standard_normal(n) * scen.outcome_sd
    true = (latent > 0).astype(np.int64)
    import pandas as pd

    frame = pd.DataFrame(true, columns=list(scen.observed_conditions))
    in_recipe = evaluate(scen.recipe_expression, frame[list(scen.recipe_expression.conditions)])
    cols: dict[str, np.ndarray] = {c: latent[:, j] + noise[:, j]
                                   for j, c in enumerate(scen.observed_conditions)}
    cols[scen.outcome] = np.clip(np.where(in_recipe > 0.5, scen.high, scen.low) + out_noise, 0, 1)
    cols["true_recipe"] = (in_recipe > 0.5).astype(np.int64)
    for j, c in enumerate(scen.observed_conditions):
        cols[f"true_{c}"] = true[:, j]
    return cols
