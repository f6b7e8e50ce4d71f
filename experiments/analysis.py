"""The analysis of one cohort: calibrate, run every requested analysis method, score every
output with every registered metric.

:class:`AnalysisSpec` holds what is fixed for a grid cell (conditions, anchors, truth, the
methods and their parameters); :func:`analyse_cohort` is the per-replication hot path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qca import Expression

from .calibration import calibrated_columns
from .methods import AnalysisInput, AnalysisMethod, MethodResult, plan_outputs
from .metrics import SolutionOutcome, error_scores, score_solution
from .params import DEFAULT_ANALYSIS

__all__ = ["AnalysisSpec", "analyse_cohort", "output_record"]


@dataclass(frozen=True)
class AnalysisSpec:
    """Everything the analysis of a cohort needs, fixed for a cell.

    Attributes
    ----------
    conditions : tuple of str
        Observed condition columns analysed.
    outcome : str
        Outcome column.
    anchors : mapping
        Theory anchors (exclusion, crossover, inclusion) per column, outcome included.
    truth : Expression
        The true recipe.
    calibration, cal_type, percentiles
        Calibration settings (:mod:`experiments.calibration`).
    plan : list of (AnalysisMethod, outputs, params)
        The methods to run, the outputs requested of each and their parameters.
    """

    conditions: tuple[str, ...]
    outcome: str
    anchors: Mapping[str, tuple[float, float, float]]
    truth: Expression
    calibration: str = DEFAULT_ANALYSIS["calibration"]
    cal_type: str = DEFAULT_ANALYSIS["cal_type"]
    percentiles: tuple[float, float, float] = (10.0, 50.0, 90.0)
    plan: tuple[tuple[AnalysisMethod, tuple[str, ...], Mapping[str, Any]], ...] = field(
        default_factory=tuple)

    @classmethod
    def build(cls, conditions: Sequence[str], outcome: str,
              anchors: Mapping[str, tuple[float, float, float]], truth: Expression,
              params: Mapping[str, Any]) -> AnalysisSpec:
        """From normalised replication parameters (:func:`experiments.params.normalise_params`)."""
        plan = tuple((m, outs, {p.name: params[p.name] for p in m.params})
                     for m, outs in plan_outputs(params["solutions"]))
        return cls(tuple(conditions), outcome, dict(anchors), truth, params["calibration"],
                   params["cal_type"], tuple(params["percentiles"]), plan)

    @property
    def outputs(self) -> tuple[str, ...]:
        """Every requested output, in order."""
        return tuple(o for _, outs, _ in self.plan for o in outs)


def output_record(result: MethodResult, truth: Expression,
                  case_data: Mapping[str, np.ndarray] | None,
                  true_membership: np.ndarray | None,
                  outcome_membership: np.ndarray | None = None) -> dict[str, Any]:
    """``status``, every registered metric and ``model`` of one output, and
    ``search_finished`` when the method reports it (see
    :attr:`experiments.methods.MethodResult.search_finished`)."""
    if result.status.startswith("error"):
        return {"status": result.status, **error_scores(), "model": ""}
    outcome = SolutionOutcome(result.models, truth, result.n_models, case_data, true_membership,
                              outcome_membership, ties=result.ties)
    rec = {"status": result.status, **score_solution(outcome), "model": result.model_text}
    if result.search_finished is not None:
        rec["search_finished"] = result.search_finished
    return rec


def analyse_cohort(cohort: Mapping[str, np.ndarray], spec: AnalysisSpec) -> dict[str, Any]:
    """Calibrate, analyse with every requested method and score one cohort.

    Parameters
    ----------
    cohort : mapping of column -> array (or DataFrame)
        Raw observed scores of ``spec.conditions``, the outcome and, when present,
        ``true_recipe`` (each case's true membership in the recipe, for case-level metrics).
    spec : AnalysisSpec

    Returns
    -------
    dict
        The methods' diagnostics (QCA: ``tt_rows``, ``tt_positive``, ``remainders``) and, for
        each output ``o``, ``o.status`` (``"ok"``, ``"no_model"`` or ``"error: ..."``),
        ``o.<metric>`` for every registered metric, ``o.model`` (the first model) and, for
        methods with a budgeted search (QCA), ``o.search_finished``.
    """
    data = calibrated_columns(cohort, (*spec.conditions, spec.outcome), spec.anchors,
                              spec.calibration, spec.cal_type, spec.percentiles)
    true_membership = np.asarray(cohort["true_recipe"]) if "true_recipe" in cohort else None
    inp = AnalysisInput(data, spec.conditions, spec.outcome, spec.cal_type, spec.truth)
    case_data = {c: data[c] for c in spec.conditions}
    rec: dict[str, Any] = {}
    for method, outputs, params in spec.plan:
        res = method.analyse(inp, params, outputs)
        rec.update(res.diagnostics)
        for out in outputs:
            scored = output_record(res.outputs[out], spec.truth, case_data, true_membership,
                                   data[spec.outcome])
            rec.update({f"{out}.{k}": v for k, v in scored.items()})
    return rec
