"""A fast screen of recovery at any N from one large simulated population (the planner's surrogate).

Simulating and analysing every design at every sample size is what makes a grid slow. With
calibration at fixed (theory) anchors a case's calibrated memberships do not depend on the other
cases of its cohort, so a cohort of ``N`` is, to a good approximation, ``N`` draws from the
population of cases. The surrogate therefore simulates one large population per data design
(:func:`population`, reusing the pipeline's generator and calibration), summarises it once per
analysis (:func:`population_table`: each truth-table configuration's population share and
outcome) and then draws *truth tables* at any ``N`` without simulating:

crisp calibration
    row counts ``n ~ Multinomial(N, p)`` and outcome counts ``k ~ Binomial(n, q)``, where the
    row shares ``p`` and outcome rates ``q`` are themselves drawn from their posteriors given the
    population (``Dirichlet(n_pop + 1/2)``, ``Beta(k_pop + 1/2, n_pop - k_pop + 1/2)``), so the
    finite population's own uncertainty widens the answer instead of being taken as truth;
fuzzy calibration
    a bootstrap of ``N`` population cases, with each row's fuzzy sums (inclusion, PRI) computed
    from the resampled cases' memberships.

Each drawn table is coded as the engine codes it (``OUT`` = 1 when ``n >= n_cut``, inclusion
``>= incl_cut`` and PRI ``>= pri_cut``; 0 otherwise; a row below ``n_cut`` or unobserved is a
remainder) and minimised by the benchmark's own QCA method on a table with the same positive,
negative and remainder rows (:class:`Scorer`; the models depend only on these sets, so each
distinct coding is minimised once and cached). The scores are the benchmark's metrics, read as
the planner's outcomes: **exact** (``any_exact``), **all paths** (every true path detected and
not the tautology), **claim** (a model is returned) and **false claim** (a model is returned and
it or a tied model is not a submodel of the truth, or it is the tautology ``1``). Under the null
every claim is false.

What the surrogate leaves out: dependence between the cases of one cohort (organisations,
shared caseload allocation), sample-dependent (percentile) calibration, and Monte-Carlo error of
``n_draws`` truth tables. :func:`experiments.plan.plan` measures its error against full
simulation for every design it recommends.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from qca import Expression
from qca.expressions import evaluate_arrays

from .analysis import output_record
from .calibration import calibrated_columns
from .errors import DesignError
from .methods import AnalysisInput
from .methods.qca_solutions import QCA_METHOD
from .params import normalise_params
from .pipeline import cell_setup

#: The QCA method's settings a plan passes through from its base parameters (all but the
#: cut-offs, which are levers of the design).
SEARCH_KEYS = tuple(p.name for p in QCA_METHOD.params if p.name not in ("incl_cut", "n_cut", "pri_cut"))

__all__ = ["PopulationTable", "Scorer", "population", "population_table", "draw_tables",
           "recovery_probabilities", "OUTCOMES", "is_tautology"]

#: The planner's outcomes of one analysis, in order.
OUTCOMES = ("exact", "paths", "claim", "false_claim")

_TOL = 1e-10  # the engine's tolerance on cut-offs (qca.truth_table.TOLERANCE)


def is_tautology(models: Sequence[Expression], text: str = "") -> bool:
    """Is the reported model the tautology ``1`` (a term without literals)?

    A local predicate: the scorer of the ``honest`` branch adds a ``tautology`` flag to every
    record; until it is merged the planner counts the tautology as a false claim itself.
    """
    if text.strip() == "1":
        return True
    return bool(models) and any(len(t.literals) == 0 for t in models[0].terms)


@lru_cache(maxsize=4)
def _population(key: str, n_pop: int, seed: int) -> dict[str, np.ndarray]:
    p = json.loads(key)
    gen, _ = cell_setup({**p, "n_workers": int(n_pop)})
    with np.errstate(all="ignore"):
        return gen.cohorts(int(seed), [0])[0]


def population(params: Mapping[str, Any], n_pop: int, seed: int) -> dict[str, np.ndarray]:
    """One simulated population of the data design of ``params`` (cached in the process).

    Parameters
    ----------
    params : mapping
        Replication parameters (:mod:`experiments.params`); only the data parameters matter.
    n_pop : int
        Cases simulated.
    seed : int
        The population's seed (replication 0 of it in the generator's draw protocol).
    """
    p = normalise_params(params)
    data = {k: p[k] for k in ("scenario", "reliability", "recipe_hazard_ratio", "overrides",
                              "engine")}
    return _population(json.dumps(data, sort_keys=True, default=str), int(n_pop), int(seed))


@dataclass(frozen=True)
class PopulationTable:
    """A population summarised for one analysis (conditions, calibration).

    Attributes
    ----------
    conditions : tuple of str
    cal_type : str
    configs : array (R, k)
        The configurations observed in the population (crisp assignment of its cases).
    codes : int array (R,)
        Their numbers (binary, first condition most significant).
    recipe_row : bool array (R,)
        Configurations in the true recipe (all False when a recipe condition is not analysed).
    recipe_analysed : bool
        Every condition of the true recipe is analysed (exact recovery is possible).
    n, k : arrays (R,)
        Crisp: population cases per row and cases with outcome 1.
    memberships : array (n_pop, 3R) or None
        Fuzzy: each case's membership in each row, its minimum with the outcome, and with
        ``min(y, 1 - y)`` (the sums of inclusion and PRI).
    case_row : int array (n_pop,) or None
        Fuzzy: each case's row (-1 when unassigned: a membership of exactly 0.5).
    """

    conditions: tuple[str, ...]
    cal_type: str
    configs: np.ndarray
    codes: np.ndarray
    recipe_row: np.ndarray
    recipe_analysed: bool
    n: np.ndarray
    k: np.ndarray
    memberships: np.ndarray | None = field(default=None, repr=False)
    case_row: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_pop(self) -> int:
        return int(self.n.sum())

    @property
    def incl(self) -> np.ndarray:
        """Population inclusion of each row (crisp: outcome rate)."""
        if self.memberships is None:
            return self.k / np.maximum(self.n, 1)
        r = self.configs.shape[0]
        s = self.memberships.sum(axis=0)
        return s[r:2 * r] / np.maximum(s[:r], 1e-300)


def population_table(cohort: Mapping[str, np.ndarray], params: Mapping[str, Any],
                     max_fuzzy_cases: int = 20_000) -> PopulationTable:
    """Summarise a simulated population for the analysis of ``params`` (theory calibration).

    Raises
    ------
    DesignError
        For percentile calibration (its anchors depend on the sample: not screenable).
    """
    p = normalise_params(params)
    if p["calibration"] != "theory":
        raise DesignError("the planner's screen needs fixed (theory) calibration anchors; "
                          "percentile calibration depends on each sample")
    _, spec = cell_setup(p)
    conds = tuple(spec.conditions)
    data = calibrated_columns(cohort, (*conds, spec.outcome), spec.anchors, spec.calibration,
                              spec.cal_type, spec.percentiles)
    x = np.column_stack([np.asarray(data[c], dtype=float) for c in conds])
    y = np.asarray(data[spec.outcome], dtype=float)
    kk = len(conds)
    weights = 1 << np.arange(kk - 1, -1, -1)
    assigned = (x != 0.5).all(axis=1)
    code = np.where(assigned, (x > 0.5).astype(np.int64) @ weights, -1)
    codes, inverse = np.unique(code[assigned], return_inverse=True)
    configs = ((codes[:, None] & weights[None, :]) > 0).astype(np.int64)
    truth = spec.truth
    analysed = set(truth.conditions) <= set(conds)
    if analysed:
        recipe = evaluate_arrays(truth, {c: configs[:, j].astype(float)
                                         for j, c in enumerate(conds)}) > 0.5
    else:
        recipe = np.zeros(len(codes), dtype=bool)
    n = np.bincount(inverse, minlength=len(codes)).astype(np.int64)
    if spec.cal_type == "crisp":
        k = np.bincount(inverse, weights=(y > 0.5).astype(float), minlength=len(codes))
        return PopulationTable(conds, "crisp", configs, codes, recipe, analysed, n,
                               np.rint(k).astype(np.int64))
    # Fuzzy: keep at most max_fuzzy_cases cases (the first ones: the population is i.i.d.).
    m = min(len(y), int(max_fuzzy_cases))
    xs, ys = x[:m], y[:m]
    mem = np.ones((m, len(codes)))
    for j in range(kk):
        col = np.where(configs[None, :, j] == 1, xs[:, j:j + 1], 1.0 - xs[:, j:j + 1])
        mem = np.minimum(mem, col)
    yn = np.minimum(ys, 1.0 - ys)[:, None]
    stacked = np.hstack([mem, np.minimum(mem, ys[:, None]), np.minimum(mem, yn)]).astype(np.float32)
    row = np.full(len(y), -1, dtype=np.int64)
    row[assigned] = inverse
    row = row[:m]
    nn = np.bincount(row[row >= 0], minlength=len(codes)).astype(np.int64)
    return PopulationTable(conds, "fuzzy", configs, codes, recipe, analysed, nn,
                           np.zeros(len(codes), dtype=np.int64), stacked, row)


def draw_tables(table: PopulationTable, n_cases: int, n_draws: int, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n_draws`` truth tables of ``n_cases`` cases: row counts, inclusion and PRI (each
    ``(n_draws, R)``; inclusion NaN for empty rows). See the module docstring."""
    r = table.configs.shape[0]
    if table.memberships is None:
        p = rng.dirichlet(table.n + 0.5, size=n_draws)
        q = rng.beta(table.k + 0.5, table.n - table.k + 0.5, size=(n_draws, r))
        n = rng.multinomial(int(n_cases), p)
        k = rng.binomial(n, q)
        with np.errstate(invalid="ignore", divide="ignore"):
            incl = np.where(n > 0, k / np.maximum(n, 1), np.nan)
        return n, incl, incl.copy()
    m = table.memberships.shape[0]
    sums = np.empty((n_draws, 3 * r))
    n = np.empty((n_draws, r), dtype=np.int64)
    chunk = max(1, int(4e7 // max(m, 1)))
    for start in range(0, n_draws, chunk):
        b = min(chunk, n_draws - start)
        idx = rng.integers(0, m, size=(b, int(n_cases)))
        counts = np.zeros((b, m), dtype=np.float32)
        np.add.at(counts, (np.repeat(np.arange(b), idx.shape[1]), idx.ravel()), 1.0)
        sums[start:start + b] = counts @ table.memberships
        rows = table.case_row[idx]
        for i in range(b):
            n[start + i] = np.bincount(rows[i][rows[i] >= 0], minlength=r)
    sx, sxy, sxyn = sums[:, :r], sums[:, r:2 * r], sums[:, 2 * r:]
    with np.errstate(invalid="ignore", divide="ignore"):
        incl = np.where(n > 0, sxy / sx, np.nan)
        pri = np.where(n > 0, (sxy - sxyn) / (sx - sxyn), np.nan)
    return n, incl, pri


class Scorer:
    """The planner's outcomes of a truth-table coding, by the benchmark's QCA method (cached).

    One scorer serves every population table over the same conditions: a coding is keyed by
    the numbers of its positive and negative configurations.

    Parameters
    ----------
    conditions : sequence of str
        The conditions analysed.
    truth : Expression
        The true recipe.
    solution : str
        ``conservative``, ``parsimonious`` or ``intermediate``.
    method_params : mapping
        The QCA method's search settings (:data:`SEARCH_KEYS`); the others are its defaults.
    """

    def __init__(self, conditions: Sequence[str], truth: Expression, solution: str,
                 method_params: Mapping[str, Any]):
        self.conditions = tuple(conditions)
        self.truth = truth
        self.solution = solution
        # The QCA method's declared defaults (search budget included), then the caller's.
        self.params = {**{p.name: p.default for p in QCA_METHOD.params},
                       **{k: v for k, v in method_params.items() if k in SEARCH_KEYS},
                       "incl_cut": 0.5, "n_cut": 1, "pri_cut": 0.0}
        self.cache: dict[tuple[bytes, bytes], tuple[bool, bool, bool, bool]] = {}
        self.minimised = 0

    def score(self, table: PopulationTable, pos: np.ndarray, neg: np.ndarray
              ) -> tuple[bool, bool, bool, bool]:
        """(exact, paths, claim, false_claim) of the coding with positive rows ``pos`` and
        negative rows ``neg`` (boolean masks over ``table``'s configurations)."""
        if table.conditions != self.conditions:
            raise ValueError("the table's conditions are not the scorer's")
        key = (table.codes[pos].tobytes(), table.codes[neg].tobytes())
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        if not pos.any():
            out = (False, False, False, False)
        else:
            out = self._minimise(table.configs, pos, neg)
        self.cache[key] = out
        return out

    def _minimise(self, configs: np.ndarray, pos: np.ndarray, neg: np.ndarray
                  ) -> tuple[bool, bool, bool, bool]:
        self.minimised += 1
        listed = pos | neg
        cfg = configs[listed]
        conds = self.conditions
        data = {c: cfg[:, j].astype(float) for j, c in enumerate(conds)}
        data["Y"] = pos[listed].astype(float)
        inp = AnalysisInput(data, conds, "Y", "crisp", self.truth)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = QCA_METHOD.analyse(inp, self.params, (self.solution,)).outputs[self.solution]
        rec = output_record(res, self.truth, None, None)
        if not res.models:
            return (False, False, False, False)
        taut = is_tautology(res.models, res.model_text)
        exact = bool(rec["any_exact"]) and not taut
        paths = bool(rec["paths_detected"] == 1.0) and not taut
        false = taut or not bool(rec["all_correct"])
        return (exact, paths, True, false)


def code_rows(n: np.ndarray, incl: np.ndarray, pri: np.ndarray, incl_cut: float, n_cut: int,
              pri_cut: float) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative rows of drawn tables under the engine's coding rule."""
    kept = n >= n_cut
    pos = kept & (np.nan_to_num(incl, nan=-1.0) + _TOL >= incl_cut) & (
        np.nan_to_num(pri, nan=0.0) + _TOL >= pri_cut)
    return pos, kept & ~pos


def recovery_probabilities(table: PopulationTable, scorer: Scorer, n: np.ndarray,
                           incl: np.ndarray, pri: np.ndarray, incl_cut: float, n_cut: int,
                           pri_cut: float, need: Sequence[str] = OUTCOMES) -> dict[str, float]:
    """Shares of the drawn tables with each outcome (:data:`OUTCOMES`).

    Only the outcomes in ``need`` are computed exactly; when ``need`` holds neither ``paths``
    nor ``false_claim``, tables that cannot be exact (a positive row outside the recipe or a
    recipe row negative) are not minimised, and ``paths`` / ``false_claim`` are NaN.
    """
    pos, neg = code_rows(n, incl, pri, incl_cut, n_cut, pri_cut)
    claim = pos.any(axis=1)
    full = bool({"paths", "false_claim"} & set(need))
    out = np.zeros((pos.shape[0], 4), dtype=bool)
    out[:, 2] = claim
    if table.recipe_analysed:
        could = claim & ~(pos & ~table.recipe_row).any(axis=1) & ~(neg & table.recipe_row).any(axis=1)
    else:
        could = np.zeros(pos.shape[0], dtype=bool)
    todo = claim if full else could
    for i in np.flatnonzero(todo):
        out[i] = scorer.score(table, pos[i], neg[i])
    res = {name: float(out[:, j].mean()) for j, name in enumerate(OUTCOMES)}
    if not full:
        res["paths"] = res["false_claim"] = float("nan")
    return res
