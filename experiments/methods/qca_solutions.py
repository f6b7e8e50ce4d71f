"""QCA as an analysis method: truth table, then the conservative, parsimonious and intermediate
solutions (the semantics of R's QCA ``truthTable`` and ``minimize``; see :mod:`qca`).

The truth table is built once per cohort and shared by the three outputs; the intermediate
solution reuses the conservative and parsimonious solutions when they were asked for too. A
cohort without a positive row gives every output the status ``"no_model"`` (QCA returns
nothing). Every minimization runs under a deterministic work budget (``max_nodes``), so stored
results never depend on the machine's load; whether each search finished within it is recorded
as ``<solution>.search_finished``. The results carry the solution as an oracle over all tied
models (:meth:`qca.Solution.any_model`), so the any/all metrics are exact beyond the
``max_models`` listed.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import qca
from qca import Expression, QCAError, QCAWarning
from qca.intermediate import intermediate_solution
from qca.params import Param
from qca.truth_table import truth_table_from_arrays

from ..scoring import as_expression
from . import AnalysisInput, AnalysisMethod, MethodResult, MethodResults, register_method

__all__ = ["recipe_directions", "QCA_METHOD", "DEFAULT_MAX_NODES"]

#: Default work budget of the benchmark's minimizations (search nodes per cover search). Enough
#: for every chart of the default study's cells (crisp and fuzzy, 5 and 7 conditions, N up to
#: 1,000) to finish; measured with benchmarks/bench_pipeline.py.
DEFAULT_MAX_NODES = 200_000


def recipe_directions(truth: Expression | str, conditions: Sequence[str]) -> tuple[str, ...]:
    """Directional expectations read off the true recipe.

    A condition that appears only present (only absent) in the recipe is expected present
    (absent); one that appears with both signs, or not at all, gets no expectation. This is a
    best case: a real study's expectations come from theory, not from the truth.
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


@lru_cache(maxsize=1024)
def _directions(truth: Expression, conditions: tuple[str, ...]) -> tuple[str, ...]:
    return recipe_directions(truth, conditions)


def _check_dir_exp(value: Any) -> str | None:
    if value == "recipe":
        return None
    if isinstance(value, str) or not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and v.strip().lstrip("~").strip().isidentifier() for v in value):
        return ("'recipe' or a list of condition names, each optionally negated with ~ "
                "(e.g. [\"SBW\", \"~CASELOAD\"]; a single string is not split)")
    return None


PARAMS = (
    Param("incl_cut", 0.8, "float", low=0, high=1, doc="Truth-table inclusion (consistency) cut-off."),
    Param("n_cut", 1, "int", low=1, doc="Minimum number of cases for a row to count as observed."),
    Param("pri_cut", 0.0, "float", low=0, high=1, doc="Minimum PRI for a row to be positive."),
    Param("dir_exp", "recipe", "any", check=_check_dir_exp,
          doc="Directional expectations of the intermediate solution: 'recipe' (read off the true "
              "recipe: a best case) or a list such as ['SBW', '~CASELOAD']."),
    Param("max_models", 50, "int", low=1, doc="Tied models listed per solution (all are counted)."),
    Param("max_nodes", DEFAULT_MAX_NODES, "int", low=1, nullable=True,
          doc="Search nodes each minimum-cover search may take (qca.minimize's deterministic work "
              "budget): results depend only on the data and this number, never on the machine or "
              "its load; a search it cuts short is recorded as <solution>.search_finished = false."),
    Param("time_limit", None, "float", low=0, low_open=True, nullable=True,
          doc="Wall-clock seconds each minimization may take (qca.minimize's time_limit). Until "
              "the work budget max_nodes replaced it this was 2 s; the default is now None "
              "(no wall-clock limit) because a wall-clock limit makes stored results depend on "
              "the machine's load. Set it only for exploratory runs."),
)


def _analyse(inp: AnalysisInput, params: Mapping[str, Any], outputs: tuple[str, ...]) -> MethodResults:
    with warnings.catch_warnings():
        # The engine's advisories (rows at exactly 0.5, capped model lists) are expected in a
        # simulation loop and recorded in the results (n_models, status); other warnings show.
        warnings.simplefilter("ignore", QCAWarning)
        tt = inp.truth_table  # built with those of other cohorts (same table), or here
        if tt is None:
            tt = truth_table_from_arrays(inp.values, inp.data[inp.outcome].astype(float),
                                         list(inp.conditions), outcome=inp.outcome,
                                         incl_cut=params["incl_cut"], n_cut=params["n_cut"],
                                         pri_cut=params["pri_cut"])
        n_pos = int((tt.out_codes == "1").sum())
        n_kept = int((tt.n >= params["n_cut"]).sum())
        diagnostics = {"tt_rows": n_kept, "tt_positive": n_pos,
                       "remainders": 2 ** len(inp.conditions) - n_kept}
        results: dict[str, MethodResult] = {}
        budget = {"max_models": params["max_models"], "time_limit": params["time_limit"],
                  "max_nodes": params["max_nodes"]}
        solved: dict[str, qca.Solution] = {}
        for out in outputs:
            if n_pos == 0:
                results[out] = MethodResult()
                continue
            try:
                if out == "conservative":
                    sol = qca.minimize(tt, **budget)
                elif out == "parsimonious":
                    sol = qca.minimize(tt, include="?", **budget)
                else:
                    dir_exp = params["dir_exp"]
                    if dir_exp == "recipe":
                        dir_exp = _directions(inp.truth, inp.conditions)
                    # The conservative and parsimonious solutions already computed for this
                    # table are reused (the same call would give the same answer).
                    sol = intermediate_solution(tt, list(dir_exp), ("?",), **budget,
                                                conservative=solved.get("conservative"),
                                                parsimonious=solved.get("parsimonious"))
            except QCAError as exc:
                results[out] = MethodResult.error(exc)
                continue
            solved[out] = sol
            models = tuple(m.expression for m in sol.models)
            results[out] = MethodResult(models=models, n_models=int(sol.n_models),
                                        status="ok" if models else "no_model",
                                        model_text=str(sol.models[0]) if models else "",
                                        search_finished=bool(sol.search_finished), ties=sol)
    return MethodResults(results, diagnostics)


QCA_METHOD = register_method(AnalysisMethod(
    name="qca",
    outputs=("conservative", "parsimonious", "intermediate"),
    params=PARAMS,
    analyse=_analyse,
    description="Qualitative Comparative Analysis: truth table and minimization (R's QCA semantics)",
    diagnostics=("tt_rows", "tt_positive", "remainders"),
))
