"""What the report shows, aggregated once from the results store (:class:`ReportData`).

Everything comes from the experiment's own declaration (description, ``[report]`` criterion,
solution, headline N and target, grid) and from its stored replications (through
:meth:`experiments.store.Store.frame`, i.e. exactly the replications of the current definition;
:meth:`~experiments.store.Store.coverage` says which). A null study (recipe hazard ratio 1: the
outcome is independent of the conditions) has no true recipe, so the report says so and reads
every returned model as a false positive.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..ceiling import DEFAULT_POPULATION
from ..errors import InputError
from ..power import PowerResult, power_from_curve
from ..stats import aggregate, long_scores, varying_columns
from ..store import Coverage, Store
from .labels import _get, _setting_label, ordered_settings, setting_frame

#: The headline table's columns after the reported criterion: exact recovery with the number of
#: tied models next to it (a recovery among many ties is weaker), false claims (the tautology
#: counted as one), no model, and the share of true paths found.
HEADLINE = ("any_exact", "n_models", "error_free", "tautology", "no_model", "recall")


@dataclass
class ReportData:
    """Everything the report shows, computed once."""

    experiment: str
    definition: dict[str, Any]
    long: pd.DataFrame
    settings: list[str]
    headline_n: int
    criterion: str
    solution: str
    target: float
    headline: pd.DataFrame
    curves: pd.DataFrame
    power: dict[str, PowerResult]
    wrong_models: pd.DataFrame
    n_returned: int
    n_no_model: int
    coverage: Coverage
    seconds: float
    truth: str
    null: bool
    versions: list[str]
    written: tuple[float, float]
    solutions: list[str]
    ceiling: Any = None
    unit: str = "cases"
    truth_recorded: bool = True
    checks: list[str] = field(default_factory=list)
    ceiling_note: str = ""
    setting_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan: Any = None
    plan_note: str = ""

    @property
    def order(self) -> list[str]:
        """The settings in the grid's order (numbers by value, not as text)."""
        return ordered_settings(self.setting_table) if len(self.setting_table) else \
            sorted(self.long["setting"].unique())

    @property
    def n_reps(self) -> int:
        """Replications covered (failed ones included)."""
        return self.coverage.n_stored




def _truth(store: Store, experiment: str, frame: pd.DataFrame) -> tuple[str, bool, bool]:
    """The true recipe(s) as the run recorded them (text), whether every cell is a null cell
    (recipe hazard ratio 1) and whether the truth was recorded at all (a store written before
    run plans did not; then the null is read from the stored parameters and the recipe is
    unknown rather than re-read from scenario files that may have changed)."""
    rec = store.recipe_summary(experiment)
    if rec is not None:
        return rec[0], bool(rec[1]), True
    null = "recipe_hazard_ratio" in frame and bool(
        (pd.to_numeric(frame["recipe_hazard_ratio"], errors="coerce") == 1.0).all())
    return "", null, False


def load_plan(path: str | Path) -> tuple[Any, str]:
    """The study plan in ``path`` (a ``<name>.plan.json`` written by ``qcasim plan`` or
    ``qcasim run``) as a :class:`experiments.plan.PlanResult`, or None and why not ("" when
    there is no such file)."""
    from qca import QcasimError

    from ..plan import PlanResult

    path = Path(path)
    if not path.is_file():
        return None, ""
    try:
        return PlanResult.from_json(path.read_text(encoding="utf-8")), ""
    except (OSError, UnicodeDecodeError, QcasimError) as e:
        return None, f"the study plan {path.name} cannot be read and is not shown ({e})"


def build_report_data(store: Store, experiment: str,
                      plan: str | Path | None = None) -> ReportData:
    """Aggregate a stored experiment for the report; ``plan`` is the path of its study plan's
    JSON (shown when the file exists).

    Warnings raised while aggregating (e.g. a scenario's :class:`sim.errors.ScenarioWarning`)
    are said once each among the report's warnings, before the results, not on the way;
    numerical ``RuntimeWarning``s of the curve fits are not (the intervals carry the
    uncertainty).

    Raises
    ------
    InputError
        When the store has no such experiment, or it has no replications yet.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        d = _build(store, experiment, plan)
    said = set(d.checks)
    for w in caught:
        msg = str(w.message)
        if not issubclass(w.category, RuntimeWarning) and msg not in said:
            said.add(msg)
            d.checks.append(msg)
    return d


def _build(store: Store, experiment: str, plan: str | Path | None) -> ReportData:
    definition = store.definition(experiment)
    frame = store.frame(experiment)
    coverage = store.coverage(experiment)
    if frame.empty:
        raise InputError(f"experiment {experiment!r} has no stored replications yet")
    rep = definition.get("report", {})
    criterion = rep.get("criterion", "any_correct")
    from ..methods import output_names

    solutions = [s for s in output_names() if any(c.startswith(f"{s}.") for c in frame.columns)]
    solution = rep.get("solution", "parsimonious")
    if solution not in solutions and solutions:
        solution = solutions[0]
    target = float(rep.get("target", 0.8))
    long = long_scores(frame)
    settings = varying_columns(frame, exclude=("n_workers",))
    long["setting"] = _setting_label(long, settings)
    table = setting_frame(long, settings)
    ns = sorted(int(n) for n in long["n_workers"].unique())
    want = int(rep.get("headline_n", 65))
    headline_n = int(min(ns, key=lambda n: (abs(n - want), n)))
    truth, null, recorded = _truth(store, experiment, frame)
    curves = aggregate(long, ["solution", "setting", "n_workers"], criterion)
    at_n = long[long["n_workers"] == headline_n]
    parts = []
    for crit in dict.fromkeys((criterion, *HEADLINE)):
        if null and crit in ("any_exact", "recall"):
            continue
        if crit in at_n.columns:
            a = aggregate(at_n, ["solution", "setting"], crit)
            a.insert(2, "criterion", crit)
            parts.append(a)
    headline = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    power = {}
    by_setting = dict(tuple(curves[curves["solution"] == solution].groupby("setting")))
    for setting in ordered_settings(table):
        if setting in by_setting:
            g = by_setting[setting]
            power[str(setting)] = power_from_curve(g[["n_workers", "n", "rate", "low", "high"]],
                                                   target)
    sel = at_n[at_n["solution"] == solution]
    returned = sel[sel["status"] == "ok"]
    wrong = returned if null else returned[~returned["correct"].astype(bool)]
    counts = wrong["model"].value_counts().head(10)
    wrong_models = counts.rename_axis("model").reset_index(name="count")
    if len(returned):
        wrong_models["share of returned models"] = wrong_models["count"] / len(returned)
    first, last = store.written_range(experiment)
    ceiling, ceiling_note, ref_key = (None, "", None) if null else _reference_ceiling(
        store, experiment, definition, headline_n)
    ref_rows = (long.loc[long["cell"] == ref_key, "setting"] if ref_key is not None
                else pd.Series([], dtype=object))
    if ceiling is not None and len(ref_rows) and str(ref_rows.iloc[0]) in power:
        # The power verdict of the reference cell's setting knows whether the recipe is
        # recoverable at infinite N (only then may it say "never") and a rough N to reach.
        from ..power import population_evidence

        ref = str(ref_rows.iloc[0])
        power[ref] = power[ref].with_population(population_evidence(ceiling), ceiling.cause(),
                                                ceiling.n_hint(target))
    plan_result, plan_note = load_plan(plan) if plan is not None else (None, "")
    return ReportData(
        experiment, definition, long, settings, headline_n, criterion, solution, target,
        headline, curves, power, wrong_models, int(len(returned)),
        int((sel["status"] == "no_model").sum()), coverage, float(frame["elapsed"].sum()),
        truth, null, sorted(frame["version"].astype(str).unique()), (first, last), solutions,
        ceiling, _case_noun(frame), recorded, store.check(experiment), ceiling_note, table,
        plan_result, plan_note)


def _case_noun(frame: pd.DataFrame) -> str:
    """What one case is, from the scenarios' generators ("workers" for a programme, "cases" for
    a Boolean structure); "cases" when the experiment mixes them. No scenario file is read."""
    from qca import QcasimError
    from sim.generators import PROGRAMME, make_generator, scheme_of

    nouns = set()
    for scenario in frame["scenario"].astype(str).unique() if "scenario" in frame else ["kbop"]:
        if scheme_of(scenario) == PROGRAMME:
            nouns.add("workers")
            continue
        try:  # a generator specification: fully described by the text, no file
            nouns.add(getattr(make_generator(scenario), "case_noun", "cases"))
        except QcasimError:
            nouns.add("cases")
    return nouns.pop() if len(nouns) == 1 else "cases"


#: Cases simulated for the report's population ceiling: the one default population size of
#: every ceiling (power, audit, ``qcasim ceiling``).
CEILING_POPULATION = DEFAULT_POPULATION


def _reference_ceiling(store: Store, experiment: str, definition: dict[str, Any],
                       headline_n: int) -> tuple[Any, str, str | None]:
    """The population ceiling of the experiment's reference cell (the first cell at the headline
    N whose recipe has an effect and whose parameters match ``[report] reference``), computed
    from the scenario snapshot the run stored, and a note when it cannot be computed (None)."""
    from qca import QcasimError
    from sim.generators import PROGRAMME, scheme_of

    from ..ceiling import population_ceiling

    plans = store.cell_plans(experiment)
    ref = dict(definition.get("report", {}).get("reference", {}) or {})
    cells: list[tuple[str | None, Any, bool]]
    if plans:
        cells = [(k, c.get("params", {}), bool(c.get("truth", {}).get("null")))
                 for k, c in plans.items()]
    else:
        cells = [(None, p, False) for p in definition.get("cells") or []]
    pick = [(k, p) for k, p, is_null in cells
            if int(p.get("n_workers", -1)) == headline_n and not is_null
            and p.get("recipe_hazard_ratio") != 1.0
            and all(p.get(key) == v for key, v in ref.items())] or [(k, p) for k, p, _ in cells]
    if not pick:
        return None, "no cell of the definition is recorded", None
    key, params = pick[0]
    text = None
    if scheme_of(str(params.get("scenario", "kbop"))) == PROGRAMME:
        text = None if key is None else store.scenario_text(experiment, key)
        if text is None:
            return None, ("the scenario file's content was not recorded with these results "
                          "(stored before run plans), so the population ceiling is not "
                          "computed; run the experiment again to record it"), None
    try:
        return population_ceiling(params, n_population=CEILING_POPULATION,
                                  scenario_text=text), "", key
    except QcasimError as e:
        return None, f"the population ceiling could not be computed: {e}", None


# ---------------------------------------------------------------------------- methods

#: The three rates of the method comparison: (column, metric whose label and interval apply).
_COMPARE = (("any_exact", "any_exact"), ("false_positive", "error_free"),
            ("no_model", "no_model"))


#: Further per-method columns of the comparison table: first-ranked model correct and exact,
#: share of the listed models that are correct, any listed model incorrect, models listed and
#: tied. The first three need a truth (blank in null cells).
COMPARE_MORE = ("correct", "exact", "share_listed_correct", "any_incorrect", "n_listed",
                "n_models")
_NEEDS_TRUTH = ("any_exact", "correct", "exact", "share_listed_correct")


def n_methods(solutions: list[str]) -> int:
    """The number of distinct analysis methods whose outputs are in ``solutions``."""
    from ..methods import method_of_output

    return len({method_of_output(s).name for s in solutions})


def comparison_rates(long: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per method output and group: recovery, false-claim and no-model rates with 95 % Wilson
    intervals, in long form: columns ``by + ["solution", "rate_name", "n", "rate", "low",
    "high"]``, ``rate_name`` one of ``any_exact``, ``false_positive``, ``no_model`` and, when
    stored, the metrics of :data:`COMPARE_MORE`.

    Recovery is the metric ``any_exact`` (the true recipe among the tied models). A false
    positive is a returned model list making a false causal claim (``not error_free``: some
    tied model is not a submodel of the truth; Baumgartner & Thiem 2020's correctness); in a
    null cell (recipe hazard ratio 1: there is no true recipe) every returned model is one
    (``not no_model``) and recovery is undefined (left out). Replications whose output failed
    to compute are left out.
    """
    data = long.copy()
    null = pd.Series(False, index=data.index)
    if "recipe_hazard_ratio" in data.columns:
        null = pd.to_numeric(data["recipe_hazard_ratio"], errors="coerce") == 1.0
    fp = ~data["error_free"].astype("boolean").fillna(True)
    fp_null = ~data["no_model"].astype("boolean").fillna(True)
    data["false_positive"] = np.where(null, fp_null, fp).astype(float)
    errors = data["status"].astype(str).str.startswith("error")
    data = data[~errors]
    rows = []
    for key, g in data.groupby([*by, "solution"], sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        more = [(c, c) for c in COMPARE_MORE if c in g.columns]
        for col, metric_name in (*_COMPARE, *more):
            vals = pd.to_numeric(g[col], errors="coerce").astype(float).to_numpy()
            if col in _NEEDS_TRUTH:
                vals = np.where(null.loc[g.index].to_numpy(), np.nan, vals)
            rate, lo, hi = _get(metric_name).interval(vals)
            rows.append({**dict(zip([*by, "solution"], key)), "rate_name": col,
                         "n": int(np.isfinite(vals).sum()), "rate": rate, "low": lo, "high": hi})
    return pd.DataFrame(rows)



def _method_order(d: ReportData) -> list[str]:
    """The outputs in the order the experiment requested them (then any others)."""
    wanted = d.definition.get("base", {}).get("solutions") or []
    return [s for s in wanted if s in d.solutions] + [s for s in d.solutions if s not in wanted]


