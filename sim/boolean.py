"""Plain Boolean data-generating structures for method research, without the agent-based model.

The same steps as the R tools used for QCA method research (QCApro ``randomDGS``; cna
``randomAsf``, ``selectCases``, ``makeFuzzy``; facts from their documentation, our own code):

1. :func:`random_structure`: a random irredundant sum of products over crisp conditions (each
   term a prime implicant, no term redundant).
2. :func:`ideal_data`: every configuration of the conditions with the outcome it implies.
3. :func:`limit_diversity`: delete configurations (limited empirical diversity).
4. :func:`add_noise`: add cases incompatible with the structure (outcome flipped).
5. :func:`fuzzify`: turn crisp values into fuzzy ones on the same side of 0.5.

:func:`select_cases` keeps the cases compatible with a structure; :func:`boolean_dataset` runs the
whole pipeline from one seed.

References
----------
Baumgartner, M. & Thiem, A. (2020). Often trusted but never (properly) tested: evaluating
Qualitative Comparative Analysis. *Sociological Methods & Research* 49(2), 279-311.
Ambuehl, M. & Baumgartner, M. (2024). cna: Causal modeling with Coincidence Analysis. R package.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from qca import Expression, Term, evaluate, parse
from qca.expressions import crisp_configurations, evaluate_arrays
from qca.params import Param, check_params

from .errors import ScenarioError
from .generators import GeneratorSettings, register_generator

__all__ = ["BooleanGenerator", "random_structure", "ideal_data", "limit_diversity", "add_noise",
           "select_cases", "fuzzify", "boolean_dataset"]

Seed = int | np.random.SeedSequence


def _rng(seed: Seed) -> np.random.Generator:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer | np.random.SeedSequence):
        raise ScenarioError(f"seed must be a non-negative integer or SeedSequence, got {seed!r}")
    if not isinstance(seed, np.random.SeedSequence) and seed < 0:
        raise ScenarioError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng(seed)


def _names(conditions: int | Sequence[str]) -> list[str]:
    if isinstance(conditions, bool):
        raise ScenarioError(f"conditions must be a number of conditions or a list of names, "
                            f"got {conditions!r}")
    if isinstance(conditions, int):
        if not 2 <= conditions <= 16:
            raise ScenarioError(f"conditions must be between 2 and 16, got {conditions}")
        return [chr(ord("A") + i) for i in range(conditions)]
    names = [str(c) for c in conditions]
    if len(names) < 2 or len(set(names)) != len(names) or len(names) > 16:
        raise ScenarioError(f"conditions must be 2-16 distinct names, got {names!r}")
    return names


def _configurations(k: int) -> np.ndarray:
    """All 2**k crisp configurations, shape (2**k, k), in lexicographic order."""
    return crisp_configurations(k)


def _truth(terms: Sequence[dict[int, int]], configs: np.ndarray) -> np.ndarray:
    out = np.zeros(len(configs), dtype=bool)
    for t in terms:
        m = np.ones(len(configs), dtype=bool)
        for i, v in t.items():
            m &= configs[:, i] == v
        out |= m
    return out


def _irredundant(terms: list[dict[int, int]], configs: np.ndarray) -> list[dict[int, int]]:
    """Drop literals and then terms that do not change the truth function."""
    target = _truth(terms, configs)
    changed = True
    while changed:
        changed = False
        for t in terms:
            for i in list(t):
                trial = {j: v for j, v in t.items() if j != i}
                if trial and np.array_equal(_truth([*(u for u in terms if u is not t), trial],
                                                   configs), target):
                    t.pop(i)
                    changed = True
        for t in list(terms):
            rest = [u for u in terms if u is not t]
            if rest and np.array_equal(_truth(rest, configs), target):
                terms = rest
                changed = True
    unique: list[dict[int, int]] = []
    for t in terms:
        if t not in unique:
            unique.append(t)
    return unique


def random_structure(conditions: int | Sequence[str] = 5, n_paths: int | None = None,
                     max_length: int | None = None, seed: Seed = 1) -> str:
    """A random irredundant sum of products (qca syntax) over crisp conditions.

    Parameters
    ----------
    conditions : int or sequence of str
        Number of conditions (named A, B, ...) or their names.
    n_paths : int, optional
        Number of terms drawn (1-3 at random by default); the irredundant result may have fewer.
    max_length : int, optional
        Maximum literals per term (default ``min(3, k)``).
    seed : int or SeedSequence

    Returns
    -------
    str
        For example ``"A*~C + B*D"``; never a tautology or contradiction.
    """
    names = _names(conditions)
    k = len(names)
    max_length = min(3, k) if max_length is None else max_length
    if not 1 <= max_length <= k:
        raise ScenarioError(f"max_length must be between 1 and {k}, got {max_length}")
    if n_paths is not None and not 1 <= n_paths <= 2**k:
        raise ScenarioError(f"n_paths must be between 1 and {2**k}, got {n_paths}")
    rng = _rng(seed)
    configs = _configurations(k)
    for _ in range(1000):
        n = int(rng.integers(1, 4)) if n_paths is None else n_paths
        terms = []
        for _ in range(n):
            size = int(rng.integers(1, max_length + 1))
            idx = rng.choice(k, size=size, replace=False)
            terms.append({int(i): int(rng.integers(0, 2)) for i in sorted(idx)})
        truth = _truth(terms, configs)
        if truth.all() or not truth.any():
            continue
        terms = _irredundant(terms, configs)
        expr = Expression(tuple(Term.of({names[i]: {v} for i, v in sorted(t.items())})
                                for t in terms))
        return str(expr)
    raise ScenarioError("could not draw a non-constant structure; use more conditions")  # pragma: no cover


def ideal_data(structure: str, conditions: int | Sequence[str] | None = None,
               outcome: str = "OUT") -> pd.DataFrame:
    """Every configuration of the conditions (0/1) with the outcome the structure implies."""
    expr = parse(structure)
    names = list(expr.conditions) if conditions is None else _names(conditions)
    parse(structure, conditions=names)
    if outcome in names:
        raise ScenarioError(f"outcome name {outcome!r} is also a condition")
    data = pd.DataFrame(_configurations(len(names)), columns=names)
    data[outcome] = evaluate(expr, data[names]).astype(np.int64)
    return data


def limit_diversity(data: pd.DataFrame, n_drop: int | None = None, fraction: float | None = None,
                    seed: Seed = 1) -> pd.DataFrame:
    """Delete ``n_drop`` (or ``fraction`` of the) rows at random: unobserved configurations."""
    if (n_drop is None) == (fraction is None):
        raise ScenarioError("give exactly one of n_drop and fraction")
    if fraction is not None:
        if not 0 <= fraction < 1:
            raise ScenarioError(f"fraction must be in [0, 1), got {fraction}")
        n_drop = int(round(fraction * len(data)))
    assert n_drop is not None  # exactly one of n_drop and fraction was given
    if not 0 <= n_drop < len(data):
        raise ScenarioError(f"n_drop must be in 0..{len(data) - 1}, got {n_drop}")
    drop = _rng(seed).choice(len(data), size=n_drop, replace=False)
    return data.drop(index=data.index[drop]).reset_index(drop=True)


def add_noise(data: pd.DataFrame, structure: str, n_cases: int, outcome: str = "OUT",
              seed: Seed = 1) -> pd.DataFrame:
    """Append ``n_cases`` cases incompatible with the structure: random configurations of all
    ``2**k`` with the outcome opposite to what the structure implies."""
    names = [c for c in data.columns if c != outcome]
    if isinstance(n_cases, bool) or not isinstance(n_cases, int) or n_cases < 0:
        raise ScenarioError(f"n_cases must be a non-negative integer, got {n_cases!r}")
    configs = pd.DataFrame(_configurations(len(names)), columns=names)
    implied = evaluate(parse(structure, conditions=names), configs) >= 0.5
    pick = _rng(seed).integers(0, len(configs), n_cases)
    noise = configs.iloc[pick].reset_index(drop=True)
    noise[outcome] = (~implied[pick]).astype(np.int64)
    return pd.concat([data, noise], ignore_index=True)


def select_cases(data: pd.DataFrame, structure: str, outcome: str = "OUT") -> pd.DataFrame:
    """Keep the crisp cases whose outcome agrees with the structure."""
    names = [c for c in data.columns if c != outcome]
    implied = evaluate(parse(structure, conditions=names), data[names]) >= 0.5
    keep = implied == (data[outcome].to_numpy() >= 0.5)
    return data.loc[keep].reset_index(drop=True)


def fuzzify(data: pd.DataFrame, spread: float = 0.45, seed: Seed = 1) -> pd.DataFrame:
    """Fuzzy version of crisp data: 1 becomes ``1 - e``, 0 becomes ``e``, ``e ~ U(0, spread)``
    independently per cell, so every value stays on its crisp side of 0.5."""
    if not 0 <= spread < 0.5:
        raise ScenarioError(f"spread must be in [0, 0.5), got {spread}")
    values = data.to_numpy(dtype=float)
    if not np.isin(values, (0.0, 1.0)).all():
        raise ScenarioError("fuzzify needs crisp 0/1 data")
    e = _rng(seed).uniform(0.0, spread, values.shape)
    return pd.DataFrame(np.abs(values - e), columns=data.columns)


def boolean_dataset(conditions: int | Sequence[str] = 5, n_paths: int | None = None,
                    diversity: float = 1.0, n_noise: int = 0, fuzzy: bool = False,
                    outcome: str = "OUT", seed: Seed = 1) -> tuple[pd.DataFrame, str]:
    """Random structure and its data in one call, every step seeded from ``seed``.

    Parameters
    ----------
    diversity : float
        Share of the ``2**k`` configurations kept (limited diversity when < 1).
    n_noise : int
        Incompatible cases added.
    fuzzy : bool
        Fuzzify the result.

    Returns
    -------
    (DataFrame, str)
        The data and the true structure.
    """
    if not 0 < diversity <= 1:
        raise ScenarioError(f"diversity must be in (0, 1], got {diversity}")
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(
        _check_int_seed(seed))
    s_struct, s_div, s_noise, s_fuzz = root.spawn(4)
    names = _names(conditions)
    structure = random_structure(names, n_paths=n_paths, seed=s_struct)
    data = ideal_data(structure, names, outcome)
    data = limit_diversity(data, fraction=1 - diversity, seed=s_div)
    data = add_noise(data, structure, n_noise, outcome, seed=s_noise)
    if fuzzy:
        data = fuzzify(data, seed=s_fuzz)
    return data, structure


def _check_int_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ScenarioError(f"seed must be a non-negative integer or SeedSequence, got {seed!r}")
    return int(seed)


# ----------------------------------------------------------------------------- the generator

def _identifiers(names: Sequence[str]) -> str | None:
    bad = [c for c in names if not c.isidentifier()]
    return f"a list of condition names (not {bad[0]!r})" if bad else None


#: The settings of the Boolean generator (:mod:`qca.params`): the constructor's arguments; all
#: but ``n_cases`` may be given as scenario overrides.
BOOLEAN_PARAMS = (
    Param("n_cases", 65, "int", low=1, doc="Cases per cohort."),
    Param("reliability", 1.0, "float", low=0, high=1, low_open=True,
          doc="Measurement reliability of the conditions (1 = no error)."),
    Param("extra", 0, "int", low=0, doc="Irrelevant conditions added (X1, X2, ...)."),
    Param("outcome_sd", 0.05, "float", low=0, doc="SD of the outcome noise."),
    Param("low", 0.6, "float", low=0, high=1, doc="Outcome level outside the recipe."),
    Param("high", 0.85, "float", low=0, high=1, doc="Outcome level inside the recipe."),
    Param("observed", [], "str_list", check=_identifiers,
          doc="Further conditions observed (besides the recipe's)."),
)
BOOLEAN_OPTIONS = tuple(p.name for p in BOOLEAN_PARAMS if p.name != "n_cases")


class BooleanGenerator:
    """A Boolean data-generating structure as a :class:`sim.generators.DataGenerator`.

    ``scenario = "boolean:<recipe>"`` in the benchmark uses it. Each condition of the recipe
    (plus ``extra`` irrelevant ones, named ``X1, X2, ...``) has a standard-normal latent value;
    the true crisp condition is ``latent > 0``; the observed score is the latent value plus
    normal measurement error giving the stated ``reliability`` (variance ratio); the outcome is
    a proportion around ``high`` for cases in the recipe and ``low`` otherwise, plus normal noise
    of SD ``outcome_sd``, clipped to [0, 1]. With perfect reliability and no outcome noise QCA
    should recover the recipe given full diversity (a sanity check of the machinery).

    Parameters
    ----------
    recipe : str
        The true structure (any :func:`qca.parse` expression over crisp conditions).
    n_cases : int
        Cases per cohort.
    reliability : float
        In (0, 1]; 1 = conditions measured without error.
    extra : int
        Irrelevant conditions added.
    outcome_sd, low, high : float
        Outcome noise and the outcome's levels outside and inside the recipe.
    observed : sequence of str, optional
        Further named conditions observed although not in the recipe (irrelevant to the
        outcome). With the same ``observed`` set, recipes over those conditions share their
        conditions' draws for a seed (matched cohorts, used by :mod:`experiments.audit`).
    """

    outcome = "SUSTAIN_RATE"

    case_noun = "cases"  # what one case is, for reports

    def __init__(self, recipe: str, n_cases: int = 65, reliability: float = 1.0, extra: int = 0,
                 outcome_sd: float = 0.05, low: float = 0.6, high: float = 0.85,
                 observed: Sequence[str] = ()):
        try:
            expr = parse(recipe)
        except ValueError as exc:
            raise ScenarioError(f"boolean scenario: {exc}") from None
        if not expr.terms:
            raise ScenarioError(f"boolean scenario: the recipe {recipe!r} has no term")
        check_params({"n_cases": n_cases, "reliability": reliability, "extra": extra,
                      "outcome_sd": outcome_sd, "low": low, "high": high,
                      "observed": list(observed) if isinstance(observed, tuple) else observed},
                     BOOLEAN_PARAMS, "boolean scenario", error=ScenarioError)
        self.recipe = recipe
        self.name = "boolean"
        self._truth = expr
        self._conditions = (tuple(sorted(set(expr.conditions) | set(observed)))
                            + tuple(f"X{i + 1}" for i in range(extra)))
        self._n = int(n_cases)
        self.reliability = float(reliability)
        self.outcome_sd = float(outcome_sd)
        self.low, self.high = float(low), float(high)

    @property
    def truth(self) -> Expression:
        return self._truth

    @property
    def observed_conditions(self) -> tuple[str, ...]:
        return self._conditions

    @property
    def n_cases(self) -> int:
        return self._n

    @property
    def calibration_anchors(self) -> dict[str, tuple[float, float, float]]:
        """Anchors: latent +-1.5 SD of the observed score; the outcome's two levels."""
        sd = 1.0 / np.sqrt(self.reliability)
        anchors = {c: (-1.5 * sd, 0.0, 1.5 * sd) for c in self._conditions}
        anchors[self.outcome] = (self.low, (self.low + self.high) / 2, self.high)
        return anchors

    def cohort(self, seed: int, rep: int) -> dict[str, np.ndarray]:
        """Columns of replication ``rep`` of ``seed`` (``SeedSequence(seed, spawn_key=(rep,))``)."""
        rng = np.random.Generator(np.random.PCG64(
            np.random.SeedSequence(int(seed), spawn_key=(int(rep),))))
        n, k = self._n, len(self._conditions)
        latent = rng.standard_normal((n, k))
        noise = rng.standard_normal((n, k)) * np.sqrt(1.0 / self.reliability - 1.0)
        out_noise = rng.standard_normal(n) * self.outcome_sd
        true = (latent > 0).astype(np.int64)
        in_recipe = evaluate_arrays(self._truth, {c: true[:, j] for j, c in enumerate(self._conditions)})
        cols: dict[str, np.ndarray] = {c: latent[:, j] + noise[:, j]
                                       for j, c in enumerate(self._conditions)}
        cols[self.outcome] = np.clip(np.where(in_recipe > 0.5, self.high, self.low) + out_noise, 0, 1)
        cols["true_recipe"] = (in_recipe > 0.5).astype(np.int64)
        for j, c in enumerate(self._conditions):
            cols[f"true_{c}"] = true[:, j]
        return cols

    def cohorts(self, seed: int, reps: Sequence[int]) -> list[dict[str, np.ndarray]]:
        return [self.cohort(seed, r) for r in reps]


def _boolean_factory(spec: str, settings: GeneratorSettings) -> BooleanGenerator:
    options = dict(settings.overrides)
    unknown = sorted(set(options) - set(BOOLEAN_OPTIONS))
    if unknown:  # the generic message would also offer n_cases, which is no override
        raise ScenarioError(f"boolean scenario: unknown override {unknown[0]!r}; "
                            f"allowed: {', '.join(BOOLEAN_OPTIONS)}")
    if settings.effect is not None:
        raise ScenarioError("boolean scenario: recipe_hazard_ratio does not apply (the Boolean "
                            "generator has no hazard); set overrides low / high instead")
    rel = settings.reliability if settings.reliability is not None else options.pop(
        "reliability", 1.0)
    options.pop("reliability", None)
    try:
        return BooleanGenerator(spec, settings.n_cases, rel, **options)
    except TypeError as exc:
        raise ScenarioError(f"boolean scenario: {exc}") from None


#: The scenario scheme of this generator: ``"boolean:<recipe>"``.
SCHEME = "boolean"

register_generator(SCHEME, _boolean_factory,
                   "a Boolean structure over standard-normal latent conditions: 'boolean:A*B + ~C*D'")
