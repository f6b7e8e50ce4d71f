"""The analysis of one cohort: calibrate, run every requested analysis method, score every
output with every registered metric.

:class:`AnalysisSpec` holds what is fixed for a grid cell (conditions, anchors, truth, the
methods and their parameters); :func:`analyse_cohort` is the per-replication hot path.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import qca
from qca import Expression, QCAError, QCAWarning
from qca.truth_table import truth_tables_from_arrays

from .calibration import anchors_for_rows, calibrated_columns
from .methods import AnalysisInput, AnalysisMethod, MethodResult, plan_outputs
from .metrics import SolutionOutcome, error_scores, score_solution
from .params import DEFAULT_ANALYSIS

__all__ = ["AnalysisSpec", "analyse_cohort", "analyse_cohorts", "calibrated_batch", "output_record"]


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


def analyse_cohort(cohort: Mapping[str, np.ndarray], spec: AnalysisSpec,
                   prepared: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Calibrate, analyse with every requested method and score one cohort.

    Parameters
    ----------
    cohort : mapping of column -> array (or DataFrame)
        Raw observed scores of ``spec.conditions``, the outcome and, when present,
        ``true_recipe`` (each case's true membership in the recipe, for case-level metrics).
    spec : AnalysisSpec
    prepared : mapping, optional
        The cohort's calibrated columns (``"data"``) and per-method truth tables
        (``"truth_tables"``) when :func:`analyse_cohorts` built them in batch.

    Returns
    -------
    dict
        The methods' diagnostics (QCA: ``tt_rows``, ``tt_positive``, ``remainders``) and, for
        each output ``o``, ``o.status`` (``"ok"``, ``"no_model"`` or ``"error: ..."``),
        ``o.<metric>`` for every registered metric, ``o.model`` (the first model) and, for
        methods with a budgeted search (QCA), ``o.search_finished``.
    """
    if prepared is None:
        data = calibrated_columns(cohort, (*spec.conditions, spec.outcome), spec.anchors,
                                  spec.calibration, spec.cal_type, spec.percentiles)
        truth_tables: Mapping[str, Any] = {}
    else:
        data, truth_tables = prepared["data"], prepared["truth_tables"]
    true_membership = np.asarray(cohort["true_recipe"]) if "true_recipe" in cohort else None
    case_data = {c: data[c] for c in spec.conditions}
    rec: dict[str, Any] = {}
    for method, outputs, params in spec.plan:
        inp = AnalysisInput(data, spec.conditions, spec.outcome, spec.cal_type, spec.truth,
                            truth_table=truth_tables.get(method.name))
        res = method.analyse(inp, params, outputs)
        rec.update(res.diagnostics)
        for out in outputs:
            scored = output_record(res.outputs[out], spec.truth, case_data, true_membership,
                                   data[spec.outcome])
            rec.update({f"{out}.{k}": v for k, v in scored.items()})
    return rec


def analyse_cohorts(cohorts: Sequence[Mapping[str, np.ndarray]], spec: AnalysisSpec,
                    clock: Callable[[], float] = time.perf_counter
                    ) -> list[tuple[dict[str, Any], float]]:
    """:func:`analyse_cohort` of many cohorts of one cell, with the front end batched.

    Cohorts of equal size are calibrated together and, for QCA, their truth tables built in one
    pass (:func:`qca.truth_table.truth_tables_from_arrays`); each cohort is then minimised and
    scored on its own. Every record equals :func:`analyse_cohort`'s (the same numbers computed
    in the same order).

    Returns
    -------
    list of (record, seconds)
        Each cohort's record and its analysis time (its own minimisation and scoring plus an
        equal share of the batched front end).
    """
    if not cohorts:
        return []
    t0 = clock()
    prepared = _prepare(cohorts, spec)
    front = (clock() - t0) / len(cohorts)
    out = []
    for cohort, prep in zip(cohorts, prepared):
        t1 = clock()
        rec = analyse_cohort(cohort, spec, prep)
        out.append((rec, front + clock() - t1))
    return out


def _prepare(cohorts: Sequence[Mapping[str, np.ndarray]], spec: AnalysisSpec) -> list[dict[str, Any]]:
    """Calibrated columns of every cohort and, for QCA, their truth tables, built in batch."""
    columns = (*spec.conditions, spec.outcome)
    sizes = {len(np.asarray(c[col])) for c in cohorts for col in columns}
    if len(sizes) != 1:
        return [{"data": calibrated_columns(c, columns, spec.anchors, spec.calibration,
                                            spec.cal_type, spec.percentiles), "truth_tables": {}}
                for c in cohorts]
    data = calibrated_batch(cohorts, columns, spec.anchors, spec.calibration, spec.cal_type,
                            spec.percentiles)
    per_cohort = [{"data": {col: data[col][r] for col in columns}, "truth_tables": {}}
                  for r in range(len(cohorts))]
    for method, _, params in spec.plan:
        if method.name != "qca":
            continue
        x = np.stack([data[c] for c in spec.conditions], axis=2).astype(float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", QCAWarning)
            try:
                tables = truth_tables_from_arrays(
                    x, data[spec.outcome].astype(float), list(spec.conditions), outcome=spec.outcome,
                    incl_cut=params["incl_cut"], n_cut=params["n_cut"], pri_cut=params["pri_cut"])
            except QCAError:
                continue  # each cohort's own analysis reports the error
        for prep, tt in zip(per_cohort, tables):
            prep["truth_tables"]["qca"] = tt
    return per_cohort


def calibrated_batch(cohorts: Sequence[Mapping[str, np.ndarray]], columns: Sequence[str],
                     anchors: Mapping[str, tuple[float, float, float]], calibration: str,
                     cal_type: str, percentiles: Sequence[float]) -> dict[str, np.ndarray]:
    """:func:`experiments.calibration.calibrated_columns` of many cohorts of equal size at once:
    one array (cohorts x cases) per column, row ``r`` equal to cohort ``r``'s column.

    Each cohort's anchors are found as for one cohort (:func:`experiments.calibration.anchors_for_rows`);
    the cohorts sharing anchors (with theory anchors, all but those with a case at the
    crossover) are calibrated in one call. Calibration is elementwise, so the memberships are
    those of the one-cohort calibration.
    """
    out = {}
    for col in columns:
        x = np.stack([np.asarray(c[col], dtype=float) for c in cohorts])
        theory = anchors.get(col, (np.nan,) * 3)
        found = anchors_for_rows(x, calibration, theory, percentiles)
        groups: dict[tuple[float, float, float], list[int]] = {}
        for r, a in enumerate(found):
            groups.setdefault(a, []).append(r)
        res = np.empty(x.shape, dtype=float if cal_type == "fuzzy" else np.int64)
        for (e, c, i), rows in groups.items():
            flat = x[rows].ravel()
            if cal_type == "fuzzy":
                cal = np.asarray(qca.calibrate(flat, "fuzzy", thresholds=(e, c, i)), dtype=float)
            else:
                cal = np.asarray(qca.calibrate(flat, "crisp", thresholds=[c]), dtype=np.int64)
            res[rows] = cal.reshape(len(rows), -1)
        out[col] = res
    return out
