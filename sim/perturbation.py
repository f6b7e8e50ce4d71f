"""Perturbed copies of a fixed crisp data set: measurement error and data loss (sensitivity studies).

The data-generating process of QCA sensitivity studies (Hug 2013; Thiem, Spöhel & Dusa 2016): a
fixed data set is perturbed at random and re-analysed; the question is how often the reference
solution survives. Perturbations are

* ``kind="corruption"``: values flipped 0 <-> 1, either of the outcome (``target="outcome"``,
  measurement error in the endogenous factor, as in Hug and Thiem et al.) or of the conditions
  (``target="conditions"``, as the help page of R's ``QCA::retention`` words "corruption"; R
  computes outcome corruption, as ``qca.retention`` does by default);
* ``kind="deletion"``: whole cases removed (data loss);

under the independence-in-perturbation assumption (IPA: every case, or every condition value,
perturbed independently with probability ``p_pert``) or the dependence assumption (DPA: exactly
``n_pert`` of them, every choice equally likely).

* :func:`perturb`: one perturbed copy.
* :class:`PerturbedDataGenerator`: replications as a :class:`sim.generators.DataGenerator`;
  ``scenario = "perturbed:hug2013"`` in the benchmark uses it, with overrides ``kind``,
  ``target``, ``p_pert`` or ``n_pert``. Its ``truth`` is the conservative solution of the
  unperturbed data (the reference solution whose retention is studied).

:data:`HUG_2013` is the data set of these studies: 16 advanced industrial democracies, welfare
state generosity ``W`` by strong left parties ``P``, strong unions ``U``, corporatist industrial
system ``C`` and sociocultural homogeneity ``S`` (Thiem, Spöhel & Dusa 2016, Table 1, the
crisp values; the same values in Dusa 2019, p. 234).

References
----------
Hug, S. (2013). Qualitative comparative analysis: how inductive use and measurement error lead
to problematic inference. *Political Analysis* 21(2), 252-265.
Thiem, A., Spöhel, R., & Dusa, A. (2016). Enhancing sensitivity diagnostics for qualitative
comparative analysis: a combinatorial approach. *Political Analysis* 24(1), 104-120.
Dusa, A. (2019). *QCA with R*, section 10.4. Springer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import pandas as pd

from qca import Expression

from .errors import ScenarioError
from .generators import GeneratorSettings, register_generator

__all__ = ["HUG_2013", "perturb", "PerturbedDataGenerator", "SCHEME"]

#: The scenario scheme of this generator: ``"perturbed:<data set>"``.
SCHEME = "perturbed"

#: Thiem, Spöhel & Dusa (2016), Table 1 (crisp values; countries as row labels).
HUG_2013 = pd.DataFrame(
    [[1, 1, 1, 1, 1]] * 5 + [[0, 0, 0, 0, 0]] * 4 + [[0, 0, 1, 0, 0]] * 3
    + [[0, 0, 0, 1, 0], [0, 1, 0, 0, 0], [0, 1, 1, 1, 1], [1, 1, 1, 0, 1]],
    index=["AT", "DK", "FI", "NO", "SE", "AU", "CA", "FR", "US", "DE", "NL", "CH", "JP", "NZ",
           "IE", "BE"],
    columns=["P", "U", "C", "S", "W"],
)
_DATASETS = {"hug2013": (HUG_2013, "W")}
_KINDS = ("corruption", "deletion")
_TARGETS = ("outcome", "conditions")


def _check(kind: str, target: str, p_pert: float | None, n_pert: int | None) -> None:
    if kind not in _KINDS:
        raise ScenarioError(f"perturbation kind must be one of {', '.join(_KINDS)}, got {kind!r}")
    if target not in _TARGETS:
        raise ScenarioError(f"perturbation target must be one of {', '.join(_TARGETS)}, got {target!r}")
    if (p_pert is None) == (n_pert is None):
        raise ScenarioError("give exactly one of p_pert (independent perturbations) and n_pert "
                            "(a fixed number of perturbations)")
    if p_pert is not None and (isinstance(p_pert, bool) or not 0 <= float(p_pert) <= 1):
        raise ScenarioError(f"p_pert must be a probability in [0, 1], got {p_pert!r}")
    if n_pert is not None and (isinstance(n_pert, bool) or not isinstance(n_pert, int | np.integer)
                               or n_pert < 0):
        raise ScenarioError(f"n_pert must be a whole number >= 0, got {n_pert!r}")


def perturb(data: pd.DataFrame, outcome: str, rng: np.random.Generator, kind: str = "corruption",
            target: str = "outcome", p_pert: float | None = None,
            n_pert: int | None = None) -> pd.DataFrame:
    """One randomly perturbed copy of crisp ``data`` (see the module docstring).

    Parameters
    ----------
    data : DataFrame
        0/1 columns, ``outcome`` among them.
    outcome : str
    rng : numpy.random.Generator
    kind : {"corruption", "deletion"}
    target : {"outcome", "conditions"}
        What corruption flips (ignored for deletion, which removes whole cases).
    p_pert, n_pert
        Exactly one: the probability of each perturbation (IPA) or their number (DPA).
    """
    _check(kind, target, p_pert, n_pert)
    if outcome not in data.columns:
        raise ScenarioError(f"outcome {outcome!r} is not a column of the data")
    out = data.copy()
    prob = float(p_pert) if p_pert is not None else 0.0
    if kind == "deletion":
        n = len(out)
        if n_pert is not None:
            if n_pert > n:
                raise ScenarioError(f"cannot delete {n_pert} of {n} cases")
            drop = np.zeros(n, dtype=bool)
            drop[rng.choice(n, size=int(n_pert), replace=False)] = True
        else:
            drop = rng.random(n) < prob
        return out.loc[~drop]
    cols = [outcome] if target == "outcome" else [c for c in out.columns if c != outcome]
    values = out[cols].to_numpy()
    if n_pert is not None:
        if n_pert > values.size:
            raise ScenarioError(f"cannot flip {n_pert} of {values.size} values")
        flip = np.zeros(values.size, dtype=bool)
        flip[rng.choice(values.size, size=int(n_pert), replace=False)] = True
        flip = flip.reshape(values.shape)
    else:
        flip = rng.random(values.shape) < prob
    out[cols] = np.where(flip, 1 - values, values)
    return out


class PerturbedDataGenerator:
    """Perturbed replications of a fixed crisp data set (see the module docstring).

    Parameters
    ----------
    data : DataFrame
        The unperturbed crisp data.
    outcome : str
    kind, target, p_pert, n_pert
        As :func:`perturb`.
    name : str
        The data set's name (for reports).
    """

    case_noun = "cases"

    def __init__(self, data: pd.DataFrame, outcome: str, kind: str = "corruption",
                 target: str = "outcome", p_pert: float | None = None, n_pert: int | None = None,
                 name: str = "perturbed"):
        _check(kind, target, p_pert, n_pert)
        if outcome not in data.columns:
            raise ScenarioError(f"outcome {outcome!r} is not a column of the data")
        self.data = data
        self.outcome = outcome
        self.kind, self.target, self.p_pert, self.n_pert = kind, target, p_pert, n_pert
        self.name = name

    @cached_property
    def truth(self) -> Expression:
        """The conservative solution of the unperturbed data (its first model)."""
        from qca import minimize, truth_table

        return minimize(truth_table(self.data, self.outcome)).models[0].expression

    @property
    def observed_conditions(self) -> tuple[str, ...]:
        return tuple(c for c in self.data.columns if c != self.outcome)

    @property
    def n_cases(self) -> int:
        return len(self.data)

    @property
    def calibration_anchors(self) -> dict[str, tuple[float, float, float]]:
        """Crisp columns: 0 out, 0.5 the crossover, 1 in."""
        return {c: (0.0, 0.5, 1.0) for c in self.data.columns}

    def perturbed(self, seed: int, rep: int) -> pd.DataFrame:
        """Replication ``rep`` of ``seed`` (``SeedSequence(seed, spawn_key=(rep,))``) as a frame."""
        rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(rep),)))
        return perturb(self.data, self.outcome, rng, self.kind, self.target, self.p_pert, self.n_pert)

    def cohort(self, seed: int, rep: int) -> dict[str, np.ndarray]:
        """Columns of replication ``rep``: the perturbed data, ``true_<condition>`` (the
        unperturbed values of the cases kept) and ``true_recipe`` (their membership in the
        reference solution)."""
        from qca.expressions import evaluate_arrays

        f = self.perturbed(seed, rep)
        original = self.data.loc[f.index]
        cols = {c: f[c].to_numpy(dtype=np.int64) for c in f.columns}
        true = {c: original[c].to_numpy(dtype=np.int64) for c in self.observed_conditions}
        cols["true_recipe"] = (evaluate_arrays(self.truth, true) > 0.5).astype(np.int64)
        cols.update({f"true_{c}": v for c, v in true.items()})
        return cols

    def cohorts(self, seed: int, reps: Sequence[int]) -> list[dict[str, np.ndarray]]:
        return [self.cohort(seed, r) for r in reps]


def _perturbed_factory(spec: str, settings: GeneratorSettings) -> PerturbedDataGenerator:
    key = spec.strip().lower()
    if key not in _DATASETS:
        raise ScenarioError(f"perturbed scenario: unknown data set {spec!r}; known: {', '.join(_DATASETS)}")
    data, outcome = _DATASETS[key]
    options = dict(settings.overrides)
    unknown = sorted(set(options) - {"kind", "target", "p_pert", "n_pert"})
    if unknown:
        raise ScenarioError(f"perturbed scenario: unknown override {unknown[0]!r}; "
                            "allowed: kind, target, p_pert, n_pert")
    if settings.effect is not None or settings.reliability is not None:
        raise ScenarioError("perturbed scenario: the data are fixed; recipe_hazard_ratio and "
                            "reliability do not apply (perturb with p_pert or n_pert)")
    if settings.n_cases not in (len(data), GeneratorSettings().n_cases):
        raise ScenarioError(f"perturbed scenario: the data set {key} has {len(data)} cases; "
                            f"n_cases = {settings.n_cases} cannot be honoured")
    if "p_pert" not in options and "n_pert" not in options:
        options["n_pert"] = 1
    return PerturbedDataGenerator(data, outcome, name=f"perturbed:{key}", **options)


register_generator(SCHEME, _perturbed_factory,
                   "perturbed copies of a fixed crisp data set (Hug 2013; Thiem et al. 2016): "
                   "'perturbed:hug2013'")
