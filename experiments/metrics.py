"""The registry of recovery metrics: how an analysis result is scored against the truth.

A metric is one function of a :class:`SolutionOutcome` (the models an analysis returned, the
true recipe and the case data) with a name, a kind that fixes how replications are aggregated,
and a human label for reports::

    @metric("spurious_terms", kind="count", label="terms that are not part of a true path")
    def spurious_terms(outcome: SolutionOutcome) -> int:
        ...

Registered metrics are computed for every output of every analysis method
(:mod:`experiments.methods`), stored as ``<output>.<metric>`` columns, aggregated by
:func:`experiments.stats.aggregate` with the interval their kind calls for, and offered by the
report, the experiment files (``[report] criterion``) and ``qcasim power --criterion``.

Kinds
-----
``binary``
    True/False per replication; the rate gets a Wilson score interval.
``fraction``
    A number in [0, 1] per replication; the mean gets a normal interval clipped to [0, 1].
``count``
    A non-negative number per replication; the mean gets a normal interval, floored at 0.

The built-in metrics follow Baumgartner & Thiem (2020) (:mod:`experiments.scoring` defines
submodels, correctness, completeness, exactness).

References
----------
Baumgartner, M., & Thiem, A. (2020). Often trusted but never (properly) tested: evaluating
qualitative comparative analysis. *Sociological Methods & Research* 49(2), 279-311.
Ragin, C. C. (2006). Set relations in social research: evaluating their consistency and
coverage. *Political Analysis* 14(3), 291-310.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from qca import Expression
from qca.registry import Registry

from .intervals import interval_by_kind
from .scoring import as_expression, case_agreement, is_correct, light_scores, model_membership, score_model

__all__ = ["Metric", "SolutionOutcome", "metric", "register_metric", "get_metric", "metrics",
           "metric_names", "score_solution", "KINDS", "ENTRY_POINT_GROUP"]

KINDS = ("binary", "fraction", "count")
DIRECTIONS = ("higher", "lower", "neither")


@dataclass(frozen=True)
class Metric:
    """A registered metric.

    Attributes
    ----------
    name : str
        Column suffix in the records (``<output>.<name>``).
    kind : {"binary", "fraction", "count"}
        How replications are aggregated (module docstring).
    label : str
        Human label for reports and help texts.
    func : callable
        ``func(outcome: SolutionOutcome) -> value``.
    description : str
        One sentence: what the metric measures.
    direction : {"higher", "lower", "neither"}
        Which values are better ("neither" for a descriptive count such as complexity).

    The display format follows the kind (:meth:`format`, :meth:`format_range`): a binary or
    fraction metric is a percentage, a count is a number, never a percentage.
    """

    name: str
    kind: str
    label: str
    func: Callable[[SolutionOutcome], Any]
    description: str = ""
    direction: str = "higher"

    @property
    def is_share(self) -> bool:
        """Whether the aggregated value is a share in [0, 1] (binary and fraction kinds)."""
        return self.kind != "count"

    def format(self, value: float) -> str:
        """One aggregated value as displayed: ``"40 %"`` for a share, ``"2.5"`` for a count."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "n/a"
        return f"{100 * value:.0f} %" if self.is_share else _count(value)

    def format_range(self, low: float, high: float) -> str:
        """An interval as displayed: ``"20-60 %"`` for a share, ``"1.5-3.5"`` for a count."""
        if self.is_share:
            return f"{100 * low:.0f}-{100 * high:.0f} %"
        return f"{_count(low)}-{_count(high)}"

    def interval(self, values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
        """``(mean, low, high)`` of the finite ``values`` with the interval of this kind
        (:func:`experiments.intervals.interval_by_kind`)."""
        return interval_by_kind(self.kind, values, level)


def _count(value: float) -> str:
    """A count or mean count as people read it: two significant digits below 100
    (``2.5``, ``42``), whole numbers with thousands separators above (``1,600``)."""
    if abs(value) >= 100:
        return f"{float(f'{value:.2g}'):,.0f}"
    return f"{value:.2g}"


#: Plugins register metrics from modules named by entry points of this group.
ENTRY_POINT_GROUP = "qcasim.metrics"

_REGISTRY: Registry[Metric] = Registry("metric", ENTRY_POINT_GROUP)


def register_metric(m: Metric) -> Metric:
    """Add a metric to the registry (replacing one of the same name)."""
    if m.kind not in KINDS:
        raise ValueError(f"metric {m.name!r}: kind must be one of {', '.join(KINDS)}, got {m.kind!r}")
    if m.direction not in DIRECTIONS:
        raise ValueError(f"metric {m.name!r}: direction must be one of {', '.join(DIRECTIONS)}, "
                         f"got {m.direction!r}")
    return _REGISTRY.add(m.name, m)


def metric(name: str, kind: str, label: str, description: str = "", direction: str = "higher"
           ) -> Callable[[Callable[[SolutionOutcome], Any]], Callable[[SolutionOutcome], Any]]:
    """Decorator registering ``func(outcome) -> value`` as a metric (see the module docstring)."""
    def deco(func: Callable[[SolutionOutcome], Any]) -> Callable[[SolutionOutcome], Any]:
        register_metric(Metric(name, kind, label, func, description or (func.__doc__ or "").strip(),
                               direction))
        return func
    return deco


def get_metric(name: str) -> Metric:
    """The registered metric ``name``.

    Raises
    ------
    ValueError
        Naming the unknown metric and the registered ones.
    """
    return _REGISTRY.get_entry(name)


def metrics() -> tuple[Metric, ...]:
    """Every registered metric, in registration order."""
    return _REGISTRY.entries()


def metric_names(kind: str | None = None) -> tuple[str, ...]:
    """Names of the registered metrics (of one kind, when given)."""
    return tuple(m.name for m in _REGISTRY.entries() if kind is None or m.kind == kind)


@lru_cache(maxsize=65536)
def _cached_score(model: Expression, truth: Expression) -> dict[str, Any]:
    return score_model(model, truth)


@lru_cache(maxsize=65536)
def _cached_light_score(model: Expression, truth: Expression) -> dict[str, bool]:
    correct = is_correct(model, truth)
    return {"correct": correct, "error_free": correct or not model.terms, "exact": model == truth}


class SolutionOutcome:
    """What a metric sees: one analysis output of one replication, and the truth.

    Parameters
    ----------
    models : sequence of Expression
        The tied models returned (listed), first the one a researcher would report; empty when
        the analysis returned no model.
    truth : Expression
        The true recipe.
    n_models : int, optional
        The number of tied models (may exceed ``len(models)`` when the listing was capped).
    case_data : mapping of condition -> array, optional
        Calibrated memberships of the analysed conditions (for case-level metrics).
    true_membership : array, optional
        Each case's true membership in the recipe.
    outcome : array, optional
        Each case's calibrated outcome membership (for the first model's consistency and
        coverage).
    ties : object, optional
        An oracle over all tied models, listed or not, with ``any_model(term_ok, model_ok)``
        and ``all_models(term_ok, model_ok)`` (a :class:`qca.Solution`): the any/all metrics
        then cover every tied model, not only the listed ones.
    """

    def __init__(self, models: Sequence[Expression], truth: Expression, n_models: int | None = None,
                 case_data: Mapping[str, np.ndarray] | None = None,
                 true_membership: np.ndarray | None = None, outcome: np.ndarray | None = None,
                 ties: Any = None):
        self.models = tuple(models)
        self.truth = truth
        self.n_models = len(self.models) if n_models is None else int(n_models)
        self.case_data = case_data
        self.true_membership = true_membership
        self.outcome = outcome
        self.ties = ties if ties is not None and self.n_models > len(self.models) else None
        self._parts: dict[int, tuple[Any, bool]] = {}

    @cached_property
    def _paths(self) -> list[frozenset]:
        return [_literals(t) for t in self.truth.terms]

    def _part_of_truth(self, term: Any) -> bool:
        """:func:`_part_of_truth` of a term, once per term object (tied models share terms)."""
        hit = self._parts.get(id(term))
        if hit is None:
            lits = _literals(term)
            hit = self._parts[id(term)] = (term, any(lits <= p for p in self._paths))  # holds the term
        return hit[1]

    def _correct(self, model: Expression) -> bool:
        return _cached_light_score(model, self.truth)["correct"]

    @cached_property
    def any_correct(self) -> bool:
        """Some tied model (listed or not, with :attr:`ties`) is correct."""
        if any(s["correct"] for s in self.scores):
            return True  # a listed model is one of the tied models
        if self.ties is not None:
            return bool(self.ties.any_model(self._part_of_truth, self._correct))
        return False

    @cached_property
    def all_correct(self) -> bool:
        """A model was returned and every tied model (listed or not) is correct."""
        if not self.scores or not all(s["correct"] for s in self.scores):
            return False  # no model, or a listed (tied) model is not correct
        if self.ties is not None:
            return bool(self.ties.all_models(self._part_of_truth, self._correct))
        return True

    @cached_property
    def any_exact(self) -> bool:
        """Some tied model (listed or not) has exactly the true recipe's terms."""
        if any(s["exact"] for s in self.scores):
            return True  # a listed model is one of the tied models
        if self.ties is not None:
            terms = set(self.truth.terms)
            return bool(self.ties.any_model(lambda t: t in terms, lambda m: m == self.truth))
        return False

    @cached_property
    def scores(self) -> list[dict[str, bool]]:
        """``correct``, ``error_free`` and ``exact`` of each listed model (cached)."""
        return light_scores(self.models, self.truth)

    @cached_property
    def first(self) -> dict[str, Any] | None:
        """Every score of :func:`experiments.scoring.score_model` of the first model, or None
        when there is none."""
        return _cached_score(self.models[0], self.truth) if self.models else None

    @cached_property
    def spurious_terms(self) -> int:
        """Terms of the first model that are part of no true path (the empty one included)."""
        if not self.models:
            return 0
        return sum(not len(s) or not self._part_of_truth(s) for s in self.models[0].terms)

    @cached_property
    def first_fit(self) -> tuple[float, float]:
        """Solution consistency and coverage of the first model (Ragin 2006), NaN without data."""
        x = self.first_membership
        if x is None or self.outcome is None:
            return float("nan"), float("nan")
        x = np.asarray(x, dtype=float)
        y = np.asarray(self.outcome, dtype=float)
        both = float(np.minimum(x, y).sum())
        sx, sy = float(x.sum()), float(y.sum())
        return (both / sx if sx > 0 else float("nan")), (both / sy if sy > 0 else float("nan"))

    @cached_property
    def first_membership(self) -> np.ndarray | None:
        """Each case's membership in the first model, or None without case data or model."""
        if not self.models or self.case_data is None:
            return None
        return model_membership(self.models[0], self.case_data)


# ----------------------------------------------------------------------------- built-in metrics


@metric("n_models", "count", "number of tied models",
        "How many tied models the analysis returned (model ambiguity).", direction="lower")
def _n_models(o: SolutionOutcome) -> int:
    return o.n_models


@metric("any_correct", "binary", "contains a correct model (no false causal claim)",
        "At least one tied model is a non-empty submodel of the truth.")
def _any_correct(o: SolutionOutcome) -> bool:
    return o.any_correct


@metric("all_correct", "binary", "every tied model correct",
        "A model was returned and every tied model is a non-empty submodel of the truth.")
def _all_correct(o: SolutionOutcome) -> bool:
    return o.all_correct


@metric("error_free", "binary", "no false causal claim (no model returned counts as error-free)",
        "No model was returned, or every tied model is correct.")
def _error_free(o: SolutionOutcome) -> bool:
    if o.ties is not None:
        return not o.models or o.all_correct  # tied QCA models are never empty
    return all(s["error_free"] for s in o.scores)


@metric("correct", "binary", "first model correct",
        "The first (reported) model is a non-empty submodel of the truth.")
def _correct(o: SolutionOutcome) -> bool:
    return bool(o.first and o.first["correct"])


@metric("completeness", "fraction", "completeness of the first model",
        "Literals of the first model over literals of the truth, when correct (else 0).")
def _completeness(o: SolutionOutcome) -> float:
    return o.first["completeness"] if o.first else 0.0


@metric("exact", "binary", "first model = the true recipe",
        "The first model has exactly the true recipe's terms.")
def _exact(o: SolutionOutcome) -> bool:
    return bool(o.first and o.first["exact"])


@metric("equivalent", "binary", "first model logically equivalent to the recipe",
        "The first model is the same Boolean function as the truth.")
def _equivalent(o: SolutionOutcome) -> bool:
    return bool(o.first and o.first["equivalent"])


@metric("any_exact", "binary", "recovers the true recipe exactly",
        "One of the tied models has exactly the true recipe's terms.")
def _any_exact(o: SolutionOutcome) -> bool:
    return o.any_exact


@metric("precision", "fraction", "share of the first model's terms that are true paths",
        "Exact-term precision of the first model (NaN when no model: nothing claimed).")
def _precision(o: SolutionOutcome) -> float:
    return o.first["precision"] if o.first else float("nan")


@metric("recall", "fraction", "share of the true paths found exactly (mean)",
        "Share of the true paths that appear, term for term, in the first model.")
def _recall(o: SolutionOutcome) -> float:
    return o.first["recall"] if o.first else 0.0


@metric("complexity", "count", "literals in the first model",
        "Number of literals of the first model (0 when no model).", direction="neither")
def _complexity(o: SolutionOutcome) -> int:
    return o.first["complexity"] if o.first else 0


@metric("case_agreement", "fraction", "case-level agreement with true membership",
        "Share of cases whose crisp membership in the first model equals their true one.")
def _case_agreement(o: SolutionOutcome) -> float:
    if o.first_membership is None or o.true_membership is None:
        return float("nan")
    return case_agreement(o.first_membership, o.true_membership)


# ----------------------------------------------------------------------------- scoring


def score_solution(outcome: SolutionOutcome) -> dict[str, Any]:
    """Every registered metric of one outcome, by name, in registration order."""
    return {m.name: m.func(outcome) for m in _REGISTRY.values()}


def score_models(models: Sequence[Expression | str], truth: Expression | str) -> dict[str, Any]:
    """Every registered metric of a list of tied models against the truth (no case data).

    Examples
    --------
    >>> s = score_models(["~A*B + D"], "~A*B + B*~C + D")
    >>> s["any_correct"], s["exact"], s["n_models"]
    (True, False, 1)
    """
    return score_solution(SolutionOutcome([as_expression(m) for m in models], as_expression(truth)))


def error_scores() -> dict[str, float]:
    """The record of an output whose analysis failed: every metric NaN."""
    return {m.name: float("nan") for m in _REGISTRY.values()}


# ----------------------------------------------------------------------------- partial signal
# A model that is wrong as a whole can still carry signal: a true path found in part, the right
# conditions with the right signs, few spurious terms. These metrics show it (issue: a planner
# must see partial recovery, not only zeros).


def _literals(term: Any) -> frozenset:
    lits = getattr(term, "literal_set", None)  # a Term's, computed once
    return frozenset(term.literals) if lits is None else lits


def _part_of_truth(term: Any, truth: Expression) -> bool:
    lits = _literals(term)
    return any(lits <= _literals(t) for t in truth.terms)


@metric("no_model", "binary", "no model returned",
        "The analysis returned no model (e.g. no truth-table row passed the consistency cut-off).",
        direction="lower")
def _no_model(o: SolutionOutcome) -> bool:
    return not o.models


@metric("paths_detected", "fraction", "share of the true paths detected (in part or whole)",
        "Share of the true paths of which some term of the first model is a part (its literals "
        "a subset of the path's): the path was found, perhaps with conditions missing.")
def _paths_detected(o: SolutionOutcome) -> float:
    if not o.truth.terms:
        return float("nan")
    if not o.models:
        return 0.0
    # An empty conjunction (the tautology) is part of every path and detects none of them.
    terms = [_literals(s) for s in o.models[0].terms if len(s)]
    return sum(any(s <= _literals(t) for s in terms) for t in o.truth.terms) / len(o.truth.terms)


@metric("spurious_terms", "count", "terms that are part of no true path",
        "Number of terms of the first model that are not a part of any true path (false causal "
        "claims; an empty conjunction, the tautology, is one); 0 when no model.", direction="lower")
def _spurious_terms(o: SolutionOutcome) -> int:
    return o.spurious_terms


@metric("term_fdr", "fraction", "share of the first model's terms that are spurious",
        "Term false-discovery rate of the first model: spurious terms over terms (NaN when no "
        "model: nothing claimed).", direction="lower")
def _term_fdr(o: SolutionOutcome) -> float:
    if not o.models or not o.models[0].terms:
        return float("nan")
    return o.spurious_terms / len(o.models[0].terms)


@lru_cache(maxsize=1024)
def _recipe_literals(truth: Expression) -> frozenset[tuple[str, frozenset]]:
    return frozenset(lit for t in truth.terms for lit in t.literals)


@lru_cache(maxsize=1024)
def _truth_conditions(truth: Expression) -> frozenset[str]:
    return frozenset(truth.conditions)


@metric("condition_sensitivity", "fraction", "share of the recipe's conditions in the model with "
        "the right sign", "Share of the (condition, sign) literals of the true recipe, among the "
        "analysed conditions, that appear in the first model (0 when no model).")
def _condition_sensitivity(o: SolutionOutcome) -> float:
    analysed = set(o.case_data) if o.case_data is not None else None
    want = {lit for lit in _recipe_literals(o.truth) if analysed is None or lit[0] in analysed}
    if not want:
        return float("nan")
    if not o.models:
        return 0.0
    have = {lit for s in o.models[0].terms for lit in s.literals}
    return len(want & have) / len(want)


@metric("condition_specificity", "fraction", "share of irrelevant conditions left out of the model",
        "Share of the analysed conditions that are not in the true recipe and do not appear in the "
        "first model (1 when no model; NaN when every analysed condition is in the recipe).")
def _condition_specificity(o: SolutionOutcome) -> float:
    if o.case_data is None:
        return float("nan")
    irrelevant = set(o.case_data) - _truth_conditions(o.truth)
    if not irrelevant:
        return float("nan")
    if not o.models:
        return 1.0
    used = {c for s in o.models[0].terms for c, _ in s.literals}
    return len(irrelevant - used) / len(irrelevant)


# ----------------------------------------------------------------------------- honest answers
# What a method comparison and a fit check need per replication (issue #19): is the returned
# model the tautology, how do the first-ranked and the listed models fare, how ambiguous is the
# answer, and would the usual fit checks (solution consistency and coverage) have flagged it?


@metric("tautology", "binary", "first model is the tautology (a false claim)",
        "The first model has an empty conjunction among its terms (``1``: the outcome whatever "
        "the conditions); scored as a false causal claim by every other metric.", direction="lower")
def _tautology(o: SolutionOutcome) -> bool:
    return bool(o.models) and any(len(t) == 0 for t in o.models[0].terms)


@metric("n_listed", "count", "number of models listed",
        "How many models the analysis listed (the tied models, possibly capped).", direction="neither")
def _n_listed(o: SolutionOutcome) -> int:
    return len(o.models)


@metric("share_listed_correct", "fraction", "share of the listed models that are correct",
        "Correct models over listed models (NaN when no model is listed).")
def _share_listed_correct(o: SolutionOutcome) -> float:
    if not o.scores:
        return float("nan")
    return sum(s["correct"] for s in o.scores) / len(o.scores)


@metric("any_incorrect", "binary", "some listed model makes a false causal claim",
        "At least one listed model is not a submodel of the truth (the tautology included).",
        direction="lower")
def _any_incorrect(o: SolutionOutcome) -> bool:
    return any(not s["correct"] for s in o.scores)


@metric("solution_consistency", "fraction", "consistency of the first model",
        "Sufficiency consistency sum(min(X, Y)) / sum(X) of the first model on the analysed cases "
        "(Ragin 2006); NaN when no model.", direction="neither")
def _solution_consistency(o: SolutionOutcome) -> float:
    return o.first_fit[0]


@metric("solution_coverage", "fraction", "coverage of the first model",
        "Coverage sum(min(X, Y)) / sum(Y) of the first model on the analysed cases (Ragin 2006); "
        "NaN when no model.", direction="neither")
def _solution_coverage(o: SolutionOutcome) -> float:
    return o.first_fit[1]
