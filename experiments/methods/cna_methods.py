"""Coincidence Analysis as an analysis method (:mod:`qca.cna`, semantics of R's cna 4.0).

Two outputs, scored like QCA's solutions:

* ``cna_fixed``: ``cna`` at fixed consistency and coverage thresholds (``cna_con``, ``cna_cov``);
  the models are every atomic solution formula (asf) of the outcome, tied as CNA reports them
  (ascending complexity, then descending con x cov).
* ``cna_frscore``: fit-robustness selection (Parkkinen & Baumgartner 2021; :func:`qca.cna.frscore`):
  re-analyse over con = cov from 1 down to ``cna_fit_low`` by ``cna_granularity`` and keep the
  asf with the highest fit-robustness score.

A model is the antecedent of an asf (``A*b + C <-> Y`` gives the sufficient configurations
``A*~b + C``), so it is compared with the true recipe exactly as a QCA solution is. The outcome
is analysed positively; the conditions are the only potential causes of the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from qca import Expression, QCAError, parse
from qca.cna import cna, frscore
from qca.params import Param

from . import AnalysisInput, AnalysisMethod, MethodResult, MethodResults, register_method

__all__ = ["CNA_METHOD", "asf_expression"]


def _check_maxstep(value: Any) -> str | None:
    if (
        isinstance(value, list | tuple)
        and len(value) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
    ):
        return None
    return "three positive integers [msc literals, msc per asf, total literals], e.g. [3, 4, 10]"


PARAMS = (
    Param("cna_con", 0.8, "float", low=0, high=1, doc="CNA consistency threshold (cna_fixed)."),
    Param("cna_cov", 0.8, "float", low=0, high=1, doc="CNA coverage threshold (cna_fixed)."),
    Param("cna_maxstep", [3, 4, 10], "any", check=_check_maxstep, doc="CNA maxstep (both outputs)."),
    Param(
        "cna_fit_low",
        0.7,
        "float",
        low=0,
        high=1,
        low_open=True,
        doc="Lowest con/cov of the frscore re-analysis series (from 1).",
    ),
    Param(
        "cna_granularity",
        0.1,
        "float",
        low=0,
        high=1,
        low_open=True,
        doc="Step of the frscore re-analysis series.",
    ),
)


def asf_expression(lhs: str) -> Expression:
    """The antecedent of a CNA asf (``A*b + C``) as a qca Expression (``A*~b + C``).

    Lower case denotes a factor's absence, as cna writes it; ``~X`` is accepted too.
    """
    terms = []
    for conj in lhs.split("+"):
        lits = []
        for lit in conj.strip().split("*"):
            lit = lit.strip()
            if lit.startswith("~"):
                lits.append(lit)
            elif lit != lit.upper():
                lits.append("~" + lit.upper())
            else:
                lits.append(lit)
        terms.append("*".join(lits))
    return parse(" + ".join(terms))


def _frame(inp: AnalysisInput) -> dict[str, np.ndarray]:
    cols = {c: np.asarray(inp.data[c], dtype=float) for c in inp.conditions}
    cols[inp.outcome] = np.asarray(inp.data[inp.outcome], dtype=float)
    return cols


def _result(conditions: list[str]) -> MethodResult:
    if not conditions:
        return MethodResult()
    models = tuple(asf_expression(c.split("<->")[0]) for c in conditions)
    return MethodResult(models=models, n_models=len(models), status="ok", model_text=conditions[0])


def _analyse(inp: AnalysisInput, params: Mapping[str, Any], outputs: tuple[str, ...]) -> MethodResults:
    d = _frame(inp)
    if any(c != c.upper() for c in inp.conditions) or inp.outcome != inp.outcome.upper():
        err = QCAError("cna_fixed/cna_frscore need upper-case condition and outcome names")
        return MethodResults({o: MethodResult.error(err) for o in outputs})
    common: dict[str, Any] = dict(outcome=inp.outcome, maxstep=tuple(params["cna_maxstep"]), details=False)
    results: dict[str, MethodResult] = {}
    diagnostics: dict[str, Any] = {}
    for out in outputs:
        try:
            if out == "cna_fixed":
                res = cna(d, con=params["cna_con"], cov=params["cna_cov"], **common)
                results[out] = _result(list(res.models))
                diagnostics["cna_msc"] = len(res.msc_cols["condition"])
            else:
                fr = frscore(
                    d,
                    fit_range=(1.0, params["cna_fit_low"]),
                    granularity=params["cna_granularity"],
                    output="asf",
                    **common,
                )
                results[out] = _result(list(fr.best))
        except QCAError as exc:
            results[out] = MethodResult.error(exc)
    return MethodResults(results, diagnostics)


CNA_METHOD = register_method(
    AnalysisMethod(
        name="cna",
        outputs=("cna_fixed", "cna_frscore"),
        params=PARAMS,
        analyse=_analyse,
        description="Coincidence Analysis (R's cna 4.0 semantics): asf at fixed con/cov, and "
        "fit-robustness (frscore) selection",
        diagnostics=("cna_msc",),
    )
)
