"""Random crisp data: conditions and outcome drawn independently (the null of no causal structure).

The data-generating process of Marx & Dusa's (2011) benchmark tables: every cell of a cases x
(conditions + outcome) matrix is an independent Bernoulli draw, with probability 0.5 in the
benchmark tables and with each variable's observed share of 1s in their real-life comparison
(their Table 6). The outcome does not depend on any condition, so the true structure is empty:
any model a method returns on such data is a false positive, and a truth table without
contradictions says nothing about the conditions.

* :func:`random_crisp_arrays`: many data sets of one design at once, as one integer array (the
  hot path of the benchmark-table simulation; :mod:`experiments.contradiction_benchmarks`).
* :class:`RandomCrispGenerator`: the same process as a :class:`sim.generators.DataGenerator`;
  ``scenario = "random:A,B,C,D"`` (or ``"random:4"``) in the benchmark uses it, with overrides
  ``p`` (probability of a 1 in each condition: one number, or one per condition) and
  ``p_outcome``.

References
----------
Marx, A., & Dusa, A. (2011). Crisp-set qualitative comparative analysis (csQCA), contradictions
and consistency benchmarks for model specification. *Methodological Innovations Online* 6(2),
103-148. doi:10.4256/mio.2010.0037 (section "Measuring Contradictions and Consistency";
Appendix 1 states the process: ``sample(0:1, ...)`` for every cell).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qca import Expression
from qca.params import Param, check_params

from .errors import ScenarioError
from .generators import GeneratorSettings, register_generator

__all__ = ["RandomCrispGenerator", "random_crisp_arrays", "SCHEME"]

#: The scenario scheme of this generator: ``"random:<conditions>"``.
SCHEME = "random"


def _probabilities(p: float | Sequence[float] | np.ndarray, k: int, what: str) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(p, dtype=float))
    if arr.ndim != 1 or arr.size not in (1, k):
        raise ScenarioError(f"{what} must be one probability or one per condition ({k}), got {p!r}")
    if not np.all((arr >= 0) & (arr <= 1)):
        raise ScenarioError(f"{what} must lie in [0, 1], got {p!r}")
    return np.broadcast_to(arr, (k,)).copy()


def random_crisp_arrays(n_sets: int, n_cases: int, n_conditions: int,
                        p: float | Sequence[float] | np.ndarray = 0.5, p_outcome: float = 0.5,
                        seed: int | np.random.SeedSequence = 0) -> np.ndarray:
    """``n_sets`` random crisp data sets of ``n_cases`` cases, as one array.

    Parameters
    ----------
    n_sets, n_cases, n_conditions : int
        Data sets, cases per data set and conditions (the outcome is one more column).
    p : float or sequence of float
        Probability of a 1 in each condition (one number, or one per condition).
    p_outcome : float
        Probability of a 1 in the outcome (drawn independently of the conditions).
    seed : int or SeedSequence
        Every draw flows from it.

    Returns
    -------
    ndarray of uint8, shape (n_sets, n_cases, n_conditions + 1)
        The last column is the outcome.
    """
    for name, v, low in (("n_sets", n_sets, 1), ("n_cases", n_cases, 1), ("n_conditions", n_conditions, 1)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < low:
            raise ScenarioError(f"{name} must be an integer >= {low}, got {v!r}")
    probs = np.append(_probabilities(p, n_conditions, "p"), _probabilities(p_outcome, 1, "p_outcome"))
    rng = np.random.default_rng(seed)
    return (rng.random((int(n_sets), int(n_cases), int(n_conditions) + 1)) < probs).astype(np.uint8)


def _names(spec: str) -> tuple[str, ...]:
    spec = spec.strip()
    if spec.isdigit():
        k = int(spec)
        if not 1 <= k <= 26:
            raise ScenarioError(f"random scenario: between 1 and 26 conditions, got {k}")
        return tuple(chr(ord("A") + i) for i in range(k))
    names = tuple(s.strip() for s in spec.split(",") if s.strip())
    bad = [c for c in names if not c.isidentifier()]
    if not names or bad or len(set(names)) != len(names):
        raise ScenarioError(f"random scenario: give a number of conditions or distinct condition "
                            f"names separated by commas ('random:A,B,C'), got {spec!r}")
    return names


#: The settings of the random crisp generator (:mod:`qca.params`).
RANDOM_PARAMS = (
    Param("n_cases", 65, "int", low=1, doc="Cases per data set."),
    Param("p", 0.5, "float", low=0, high=1, doc="Probability of a 1 in every condition."),
    Param("p_outcome", 0.5, "float", low=0, high=1, doc="Probability of a 1 in the outcome."),
)
RANDOM_OPTIONS = ("p", "p_outcome")


class RandomCrispGenerator:
    """Random crisp cohorts with no causal structure (see the module docstring).

    Parameters
    ----------
    conditions : sequence of str
        Condition names.
    n_cases : int
        Cases per cohort.
    p : float or sequence of float
        Probability of a 1 in each condition.
    p_outcome : float
        Probability of a 1 in the outcome ``OUT``.
    """

    name = "random"
    outcome = "OUT"
    case_noun = "cases"

    def __init__(self, conditions: Sequence[str], n_cases: int = 65,
                 p: float | Sequence[float] = 0.5, p_outcome: float = 0.5):
        conditions = tuple(conditions)
        scalar_p = p if np.ndim(p) == 0 else 0.5
        check_params({"n_cases": n_cases, "p": scalar_p, "p_outcome": p_outcome}, RANDOM_PARAMS,
                     "random scenario", error=ScenarioError)
        self._conditions = conditions
        self._n = int(n_cases)
        self.p = _probabilities(p, len(conditions), "p")
        self.p_outcome = float(p_outcome)

    @property
    def truth(self) -> Expression:
        """The empty structure: the outcome depends on no condition."""
        return Expression(())

    @property
    def observed_conditions(self) -> tuple[str, ...]:
        return self._conditions

    @property
    def n_cases(self) -> int:
        return self._n

    @property
    def calibration_anchors(self) -> dict[str, tuple[float, float, float]]:
        """Crisp columns: 0 out, 0.5 the crossover, 1 in."""
        return {c: (0.0, 0.5, 1.0) for c in (*self._conditions, self.outcome)}

    def cohort(self, seed: int, rep: int) -> dict[str, np.ndarray]:
        """Columns of replication ``rep`` of ``seed`` (``SeedSequence(seed, spawn_key=(rep,))``):
        the conditions, ``OUT``, ``true_recipe`` (all 0) and ``true_<condition>`` (= observed)."""
        ss = np.random.SeedSequence(int(seed), spawn_key=(int(rep),))
        arr = random_crisp_arrays(1, self._n, len(self._conditions), self.p, self.p_outcome, ss)[0]
        cols = {c: arr[:, j].astype(np.int64) for j, c in enumerate(self._conditions)}
        cols[self.outcome] = arr[:, -1].astype(np.int64)
        # no measurement error, and no case is in the (empty) true structure
        cols["true_recipe"] = np.zeros(self._n, dtype=np.int64)
        for c in self._conditions:
            cols[f"true_{c}"] = cols[c].copy()
        return cols

    def cohorts(self, seed: int, reps: Sequence[int]) -> list[dict[str, np.ndarray]]:
        return [self.cohort(seed, r) for r in reps]


def _random_factory(spec: str, settings: GeneratorSettings) -> RandomCrispGenerator:
    options = dict(settings.overrides)
    unknown = sorted(set(options) - set(RANDOM_OPTIONS))
    if unknown:
        raise ScenarioError(f"random scenario: unknown override {unknown[0]!r}; "
                            f"allowed: {', '.join(RANDOM_OPTIONS)}")
    if settings.effect is not None or settings.reliability is not None:
        raise ScenarioError("random scenario: the outcome is independent of the conditions; "
                            "recipe_hazard_ratio and reliability do not apply")
    return RandomCrispGenerator(_names(spec), settings.n_cases, **options)


register_generator(SCHEME, _random_factory,
                   "random crisp data, outcome independent of the conditions (Marx & Dusa 2011): "
                   "'random:A,B,C' or 'random:4'")
