"""One replication of the recovery benchmark, and the analysis of one cohort.

simulate a cohort (known recipe) -> calibrate the observed scores -> truth table -> conservative,
parsimonious and intermediate solutions -> score each against the truth.

:func:`run_one` is pure (its result depends only on ``params`` and ``seed``) and picklable, so
the runner may call it in any process, in any order. :func:`run_batch` runs consecutive
replications of one cell and gives exactly the same records as calling :func:`run_one` on each.

Parameters of a replication (a flat mapping; defaults in :data:`DEFAULTS`):

``scenario``
    Built-in scenario name or TOML path for :func:`sim.load_scenario`.
``n_workers``
    Cohort size (overrides ``programme.n_workers``).
``reliability``
    When set, the reliability of every measured condition that has one (survey scales and
    records): the measurement-noise knob.
``recipe_hazard_ratio``
    When set, the effect of the recipe on the outcome hazard (1 = no effect: the null scenario).
``overrides``
    Further dotted scenario overrides, e.g. ``{"participants.frailty_sd": 0.8}``.
``calibration``
    ``"theory"`` (the scenario's anchors) or ``"percentile"`` (anchors at sample percentiles
    ``percentiles`` of each column).
``cal_type``
    ``"fuzzy"`` (logistic direct method) or ``"crisp"`` (threshold at the crossover).
``n_conditions``
    Analyse only the first ``n_conditions`` observed conditions (default: all).
``conditions``
    Analyse exactly these observed conditions (a list of column names; default: all), e.g. the
    five that appear in the KBOP recipe, leaving out the measured but irrelevant ones.
``incl_cut``, ``n_cut``, ``pri_cut``
    Truth-table cut-offs.
``solutions``
    Any of ``"conservative"``, ``"parsimonious"``, ``"intermediate"``.
``dir_exp``
    Directional expectations for the intermediate solution: ``"recipe"`` (each condition as it
    appears in the true recipe, conditions appearing with both signs left out) or a list.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

import qca
from qca import Expression, QCAError
from qca.truth_table import truth_table_from_arrays

from . import toy
from .scoring import as_expression, case_agreement, score_model

__all__ = [
    "DEFAULTS",
    "SOLUTION_TYPES",
    "AnalysisSpec",
    "normalise_params",
    "analyse_cohort",
    "run_one",
    "run_batch",
    "recipe_directions",
]

SOLUTION_TYPES = ("conservative", "parsimonious", "intermediate")

DEFAULTS: dict[str, Any] = {
    "scenario": "kbop",
    "n_workers": 65,
    "reliability": None,
    "recipe_hazard_ratio": None,
    "overrides": {},
    "calibration": "theory",
    "cal_type": "fuzzy",
    "percentiles": [10.0, 50.0, 90.0],
    "n_conditions": None,
    "conditions": None,
    "incl_cut": 0.8,
    "n_cut": 1,
    "pri_cut": 0.0,
    "solutions": list(SOLUTION_TYPES),
    "dir_exp": "recipe",
    "max_models": 50,
    "engine": "batched",
}

#: Scores recorded for each solution type (prefixed ``<solution>.``).
SCORE_KEYS = (
    "status", "n_models", "any_correct", "all_correct", "error_free", "correct", "completeness",
    "exact", "equivalent", "any_exact", "precision", "recall", "complexity", "case_agreement",
    "model",
)


def normalise_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Fill defaults and check the replication parameters.

    Raises
    ------
    ValueError
        For an unknown key or a bad value, naming both.
    """
    unknown = sorted(set(params) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown replication parameter {unknown[0]!r}; "
                         f"allowed: {', '.join(sorted(DEFAULTS))}")
    p = {**DEFAULTS, **params}
    p["overrides"] = dict(p["overrides"] or {})
    p["solutions"] = list(p["solutions"])
    p["percentiles"] = [float(v) for v in p["percentiles"]]
    if p["calibration"] not in ("theory", "percentile"):
        raise ValueError(f"calibration must be 'theory' or 'percentile', got {p['calibration']!r}")
    if p["cal_type"] not in ("fuzzy", "crisp"):
        raise ValueError(f"cal_type must be 'fuzzy' or 'crisp', got {p['cal_type']!r}")
    bad = [s for s in p["solutions"] if s not in SOLUTION_TYPES]
    if bad or not p["solutions"]:
        raise ValueError(f"solutions must be a non-empty list of {', '.join(SOLUTION_TYPES)}; "
                         f"got {p['solutions']!r}")
    if not (isinstance(p["n_workers"], int) and p["n_workers"] >= 2):
        raise ValueError(f"n_workers must be an integer >= 2, got {p['n_workers']!r}")
    ic = p["incl_cut"]
    if not (isinstance(ic, int | float) and 0 <= ic <= 1):
        raise ValueError(f"incl_cut must be a number in [0, 1], got {ic!r}")
    if not (isinstance(p["n_cut"], int) and p["n_cut"] >= 1):
        raise ValueError(f"n_cut must be an integer >= 1, got {p['n_cut']!r}")
    if not (isinstance(p["pri_cut"], int | float) and 0 <= p["pri_cut"] <= 1):
        raise ValueError(f"pri_cut must be a number in [0, 1], got {p['pri_cut']!r}")
    pc = p["percentiles"]
    if len(pc) != 3 or not 0 <= pc[0] < pc[1] < pc[2] <= 100:
        raise ValueError(f"percentiles must be three increasing numbers in [0, 100], got {pc!r}")
    if p["n_conditions"] is not None and not (
            isinstance(p["n_conditions"], int) and p["n_conditions"] >= 1):
        raise ValueError(f"n_conditions must be an integer >= 1, got {p['n_conditions']!r}")
    if p["conditions"] is not None:
        if isinstance(p["conditions"], str) or not all(isinstance(c, str) for c in p["conditions"]):
            raise ValueError(f"conditions must be a list of column names, got {p['conditions']!r}")
        p["conditions"] = list(p["conditions"])
    if p["reliability"] is not None and not 0 < p["reliability"] < 1:
        raise ValueError(f"reliability must be in (0, 1), got {p['reliability']!r}")
    return p


# --------------------------------------------------------------------------- scenario / truth


@dataclass(frozen=True)
class AnalysisSpec:
    """Everything the analysis of a cohort needs, fixed for a cell.

    Attributes
    ----------
    conditions : tuple of str
        Observed condition columns analysed.
    outcome : str
        Outcome column (a proportion).
    anchors : dict
        Theory anchors (exclusion, crossover, inclusion) per column, outcome included.
    truth : Expression
        The true recipe.
    dir_exp : tuple of str
        Directional expectations for the intermediate solution.
    """

    conditions: tuple[str, ...]
    outcome: str
    anchors: Mapping[str, tuple[float, float, float]]
    truth: Expression
    dir_exp: tuple[str, ...]
    calibration: str = "theory"
    cal_type: str = "fuzzy"
    percentiles: tuple[float, float, float] = (10.0, 50.0, 90.0)
    incl_cut: float = 0.8
    n_cut: int = 1
    pri_cut: float = 0.0
    solutions: tuple[str, ...] = SOLUTION_TYPES
    max_models: int = 50


def recipe_directions(truth: Expression | str, conditions: Sequence[str]) -> tuple[str, ...]:
    """Directional expectations read off the true recipe.

    A condition that appears only present (only absent) in the recipe is expected present
    (absent); one that appears with both signs, or not at all, gets no expectation.
    """
    signs: dict[str, set[int]] = {}
    for term in as_expression(truth).terms:
        for cond, vals in term.literals:
            signs.setdefault(cond, set()).update(vals)
    out = []
    for c in conditions:
        s = signs.get(c, set())
        if s == {1}:
            out.append(c)
        elif s == {0}:
            out.append(f"~{c}")
    return tuple(out)


def _scenario_overrides(p: Mapping[str, Any], scenario: Any) -> dict[str, Any]:
    ov: dict[str, Any] = {"programme.n_workers": p["n_workers"]}
    if p["reliability"] is not None:
        for c in scenario.conditions:
            if c.measured and c.kind in ("likert", "recorded"):
                ov[f"conditions.{c.name}.reliability"] = float(p["reliability"])
    if p["recipe_hazard_ratio"] is not None:
        ov["hazard.recipe_hazard_ratio"] = float(p["recipe_hazard_ratio"])
    ov.update(p["overrides"])
    return ov


def _outcome_anchors(scenario: Any) -> tuple[float, float, float]:
    """Theory anchors of the outcome proportion: the baseline sustainment rate and the rate
    under the recipe's hazard ratio, crossover halfway (widened when the two are close)."""
    suggested = getattr(scenario, "calibration_anchors", {}) or {}
    if scenario.outcome in suggested:
        return tuple(suggested[scenario.outcome])  # type: ignore[return-value]
    s0 = float(scenario.hazard.baseline_sustain)
    s1 = float(s0 ** scenario.hazard.recipe_hazard_ratio)
    lo, hi = min(s0, s1), max(s0, s1)
    if hi - lo < 0.1:
        mid = (lo + hi) / 2
        lo, hi = mid - 0.05, mid + 0.05
    return (max(lo, 0.0), (lo + hi) / 2, min(hi, 1.0))


@lru_cache(maxsize=256)
def _cell_setup(key: str) -> tuple[Any, AnalysisSpec]:
    """Load the scenario with the cell's overrides and build its analysis spec (cached)."""
    import json

    p = json.loads(key)
    if str(p["scenario"]).startswith(toy.PREFIX):
        scenario = toy.boolean_scenario(p["scenario"], p["n_workers"], p["reliability"],
                                        p["overrides"])
    else:
        import sim

        base = sim.load_scenario(p["scenario"])
        scenario = base.with_overrides(_scenario_overrides(p, base))
    conds = tuple(scenario.observed_conditions)
    if p["conditions"] is not None:
        unknown = [c for c in p["conditions"] if c not in conds]
        if unknown:
            raise ValueError(f"conditions {unknown} are not observed in scenario {scenario.name!r}; "
                             f"observed: {', '.join(conds)}")
        conds = tuple(p["conditions"])
    if p["n_conditions"] is not None:
        if p["n_conditions"] > len(conds):
            raise ValueError(f"n_conditions = {p['n_conditions']} but scenario "
                             f"{scenario.name!r} observes only {len(conds)} conditions")
        conds = conds[: p["n_conditions"]]
    anchors = dict(scenario.calibration_anchors)
    if scenario.outcome not in anchors:
        anchors[scenario.outcome] = _outcome_anchors(scenario)
    truth = scenario.recipe_expression
    if p["dir_exp"] == "recipe":
        dir_exp = recipe_directions(truth, conds)
    else:
        dir_exp = tuple(p["dir_exp"])
    spec = AnalysisSpec(
        conditions=conds, outcome=scenario.outcome, anchors=anchors, truth=truth,
        dir_exp=dir_exp, calibration=p["calibration"], cal_type=p["cal_type"],
        percentiles=tuple(p["percentiles"]), incl_cut=float(p["incl_cut"]),
        n_cut=int(p["n_cut"]), pri_cut=float(p["pri_cut"]), solutions=tuple(p["solutions"]),
        max_models=int(p["max_models"]),
    )
    return scenario, spec


def _key(p: Mapping[str, Any]) -> str:
    import json

    return json.dumps(p, sort_keys=True, default=str)


# --------------------------------------------------------------------------- analysis


def _anchors_for(x: np.ndarray, spec: AnalysisSpec, column: str) -> tuple[float, float, float]:
    if spec.calibration == "theory":
        e, c, i = spec.anchors[column]
    else:
        e, c, i = (float(v) for v in np.percentile(x, spec.percentiles))
    if not e < c < i:
        # Degenerate sample percentiles (many ties): spread them minimally around the crossover.
        span = max(float(np.ptp(x)), 1e-6)
        e, i = min(e, c - 0.25 * span), max(i, c + 0.25 * span)
    if np.any(x == c):
        # A case exactly at the crossover belongs to no truth-table row: move it off the data.
        c = c + 1e-6 * max(1.0, abs(c))
    return e, c, i


def calibrate_cohort(cohort: Mapping[str, np.ndarray] | pd.DataFrame,
                     spec: AnalysisSpec) -> pd.DataFrame:
    """Calibrated memberships of the analysed conditions and the outcome (one column each)."""
    return pd.DataFrame(_calibrated_columns(cohort, spec))


def _calibrated_columns(cohort: Mapping[str, np.ndarray] | pd.DataFrame,
                        spec: AnalysisSpec) -> dict[str, np.ndarray]:
    out = {}
    for col in (*spec.conditions, spec.outcome):
        x = np.asarray(cohort[col], dtype=float)
        e, c, i = _anchors_for(x, spec, col)
        if spec.cal_type == "fuzzy":
            out[col] = np.asarray(qca.calibrate(x, "fuzzy", thresholds=(e, c, i)), dtype=float)
        else:
            out[col] = np.asarray(qca.calibrate(x, "crisp", thresholds=[c]), dtype=np.int64)
    return out


def _memberships(cubes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Fuzzy membership of every case in a disjunction of cubes (-1 = free)."""
    out = np.zeros(values.shape[1])
    for cube in cubes:
        m = np.ones(values.shape[1])
        for j, v in enumerate(cube):
            if v >= 0:
                m = np.minimum(m, values[j] if v == 1 else 1.0 - values[j])
        out = np.maximum(out, m)
    return out


@lru_cache(maxsize=65536)
def _cached_score(model: Expression, truth: Expression) -> dict[str, Any]:
    return score_model(model, truth)


def _score_solution(models: Sequence[Any], truth: Expression, values: np.ndarray,
                    true_recipe: np.ndarray | None) -> dict[str, Any]:
    if not models:
        return {"status": "no_model", "n_models": 0, "any_correct": False, "all_correct": False,
                "error_free": True, "correct": False, "completeness": 0.0, "exact": False,
                "equivalent": False, "any_exact": False, "precision": float("nan"),
                "recall": 0.0, "complexity": 0, "case_agreement": float("nan"), "model": ""}
    scored = [_cached_score(m.expression, truth) for m in models]
    first = scored[0]
    agree = float("nan")
    if true_recipe is not None:
        agree = case_agreement(_memberships(models[0].cubes, values), true_recipe)
    return {
        "status": "ok", "n_models": len(models),
        "any_correct": any(s["correct"] for s in scored),
        "all_correct": all(s["correct"] for s in scored),
        "error_free": all(s["error_free"] for s in scored),
        "correct": first["correct"], "completeness": first["completeness"],
        "exact": first["exact"], "equivalent": first["equivalent"],
        "any_exact": any(s["exact"] for s in scored),
        "precision": first["precision"], "recall": first["recall"],
        "complexity": first["complexity"], "case_agreement": agree, "model": str(models[0]),
    }


def analyse_cohort(cohort: Mapping[str, np.ndarray] | pd.DataFrame,
                   spec: AnalysisSpec) -> dict[str, Any]:
    """Calibrate, build the truth table, minimize and score one cohort.

    Parameters
    ----------
    cohort : DataFrame or mapping of column -> array
        Raw observed scores of ``spec.conditions``, the outcome ``spec.outcome`` and, when
        present, ``true_recipe`` (for case-level agreement).
    spec : AnalysisSpec

    Returns
    -------
    dict
        ``tt_rows`` (observed configurations), ``tt_positive`` (rows with OUT = 1),
        ``remainders`` and, for each solution type ``s``, ``s.<score>`` for the keys of
        :data:`SCORE_KEYS`. A solution that cannot be computed has ``s.status`` ``"no_model"``
        (no positive row: QCA returns nothing, which is error-free) or ``"error: ..."``.
    """
    data = _calibrated_columns(cohort, spec)
    true_recipe = np.asarray(cohort["true_recipe"]) if "true_recipe" in cohort else None
    values = np.vstack([data[c] for c in spec.conditions]).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt = truth_table_from_arrays(values.T, data[spec.outcome].astype(float), list(spec.conditions),
                                     outcome=spec.outcome, incl_cut=spec.incl_cut, n_cut=spec.n_cut,
                                     pri_cut=spec.pri_cut)
    n_pos = int((tt.out_codes == "1").sum())
    n_kept = int((tt.n >= spec.n_cut).sum())
    rec: dict[str, Any] = {
        "tt_rows": n_kept,
        "tt_positive": n_pos,
        "remainders": 2 ** len(spec.conditions) - n_kept,
    }
    for sol in spec.solutions:
        if n_pos == 0:
            res = _score_solution((), spec.truth, values, true_recipe)
        else:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if sol == "conservative":
                        s = qca.minimize(tt, max_models=spec.max_models)
                    elif sol == "parsimonious":
                        s = qca.minimize(tt, include="?", max_models=spec.max_models)
                    else:
                        s = qca.minimize(tt, include="?", dir_exp=list(spec.dir_exp),
                                         max_models=spec.max_models)
                res = _score_solution(s.models, spec.truth, values, true_recipe)
                res["n_models"] = int(s.n_models)
            except (QCAError, ImportError) as exc:
                res = {k: float("nan") for k in SCORE_KEYS}
                res["status"] = f"error: {type(exc).__name__}: {exc}"[:200]
                res["model"] = ""
        rec.update({f"{sol}.{k}": v for k, v in res.items()})
    return rec


# --------------------------------------------------------------------------- simulation


def _simulate(scenario: Any, seed: int, reps: Sequence[int], engine: str) -> list[dict]:
    """Cohorts of replications ``reps`` of ``seed`` as column mappings (one per replication).

    Replication ``r`` is the same whatever the other replications simulated with it.
    """
    reps = list(reps)
    if not reps:
        return []
    if isinstance(scenario, toy.BooleanScenario):
        return [toy.simulate_boolean(scenario, seed, r) for r in reps]
    if engine == "mesa":
        from sim.model import ProgrammeModel

        return [_columns(ProgrammeModel(scenario, seed=seed, rep=r).run().cohort()) for r in reps]
    from sim.cohort import cohort_arrays
    from sim.kernel import run_batch as simulate_batch

    out: list[dict] = []
    # Consecutive runs of replications are simulated together by the batched kernel; the
    # draws of replication r depend only on (seed, r), so grouping does not change results.
    runs: list[list[int]] = []
    for r in reps:
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    for run in runs:
        batch = simulate_batch(scenario, seed, len(run), start=run[0])
        cols = cohort_arrays(scenario, batch.population, batch.outcomes)
        out += [{k: np.asarray(v[i]) for k, v in cols.items()} for i in range(len(run))]
    return out


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {c: frame[c].to_numpy() for c in frame.columns}


def run_batch(params: Mapping[str, Any], seed: int, reps: Sequence[int]) -> list[dict[str, Any]]:
    """Run replications ``reps`` of one cell (see :func:`run_one`); one record per replication.

    Parameters
    ----------
    params : mapping
        Replication parameters (module docstring).
    seed : int
        The cell's seed (:func:`experiments.seeds.cell_seed`).
    reps : sequence of int
        Replication indices.

    Returns
    -------
    list of dict
        Each with ``rep``, ``seed``, ``elapsed`` (seconds, simulation + analysis share of the
        batch), ``sim_seconds``, ``analysis_seconds`` and the scores of :func:`analyse_cohort`.
    """
    p = normalise_params(params)
    scenario, spec = _cell_setup(_key(p))
    t0 = time.perf_counter()
    cohorts = _simulate(scenario, seed, reps, p["engine"])
    sim_each = (time.perf_counter() - t0) / max(len(cohorts), 1)
    out = []
    for r, cohort in zip(reps, cohorts):
        t1 = time.perf_counter()
        rec = analyse_cohort(cohort, spec)
        ana = time.perf_counter() - t1
        out.append({"rep": int(r), "seed": int(seed), "elapsed": sim_each + ana,
                    "sim_seconds": sim_each, "analysis_seconds": ana,
                    "n_cases": int(len(next(iter(cohort.values())))), **rec})
    return out


def run_one(params: Mapping[str, Any], seed: int, rep: int = 0) -> dict[str, Any]:
    """One replication: simulate, calibrate, truth table, minimize, score.

    Parameters
    ----------
    params : mapping
        Replication parameters (module docstring); missing keys take :data:`DEFAULTS`.
    seed : int
        The cell's seed; replication ``rep`` of it is simulated, so the result depends only on
        ``(params, seed, rep)``.
    rep : int
        Replication index.

    Returns
    -------
    dict
        See :func:`run_batch`.
    """
    return run_batch(params, seed, [rep])[0]
