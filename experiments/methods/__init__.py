"""The registry of analysis methods: what the benchmark runs on each synthetic cohort.

An analysis method takes the calibrated data of one cohort and returns, for each of its
*outputs*, the models it found. QCA has three outputs (the conservative, parsimonious and
intermediate solutions); Coincidence Analysis or a regression baseline would add theirs. Every
output is scored by every registered metric (:mod:`experiments.metrics`) and stored as
``<output>.<metric>`` columns, so methods are compared on the same cohorts, scored the same way.

A new method is one module in this package (or a module named by an entry point of the group
``qcasim.methods``) that calls :func:`register_method` at import::

    register_method(AnalysisMethod(
        name="mymethod",
        outputs=("mymethod",),
        params=(Param("alpha", 0.05, "float", low=0, high=1, doc="..."),),
        analyse=my_analyse,            # (AnalysisInput, params, outputs) -> MethodResults
        description="one line",
    ))

Everything else (parameter validation of experiment files, the pipeline, statistics, the
report and the command line's choices) discovers it from here. An output is requested through
the replication parameter ``solutions`` (a list of output names of any registered methods);
a method's parameters are replication parameters too, allowed only when one of its outputs is
requested.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qca import Expression
from qca.params import Param
from qca.registry import Registry

__all__ = ["AnalysisInput", "MethodResult", "MethodResults", "AnalysisMethod", "register_method",
           "get_method", "methods", "output_names", "method_of_output", "ENTRY_POINT_GROUP"]

ENTRY_POINT_GROUP = "qcasim.methods"


@dataclass(frozen=True)
class AnalysisInput:
    """The data of one cohort as an analysis method sees it.

    Attributes
    ----------
    data : mapping of column -> array
        Calibrated memberships (crisp 0/1 or fuzzy in [0, 1]) of ``conditions`` and ``outcome``.
    conditions : tuple of str
        The conditions analysed, in order.
    outcome : str
        The outcome column.
    cal_type : {"crisp", "fuzzy"}
        How the data were calibrated.
    truth : Expression
        The true recipe. A method must not look at it except for options that are explicitly
        *knowledge-based* (e.g. QCA's directional expectations ``dir_exp = "recipe"``, a best
        case documented as such).
    truth_table : object, optional
        The cohort's truth table (a :class:`qca.TruthTable` built with the method's cut-offs)
        when the batched front end (:func:`experiments.analysis.analyse_cohorts`) built it
        with those of many cohorts; a method that needs one uses it instead of building it.
    """

    data: Mapping[str, np.ndarray]
    conditions: tuple[str, ...]
    outcome: str
    cal_type: str
    truth: Expression
    truth_table: Any = field(default=None, compare=False, repr=False)

    @property
    def values(self) -> np.ndarray:
        """Condition memberships as an array (cases x conditions)."""
        return np.column_stack([self.data[c] for c in self.conditions]).astype(float)


@dataclass(frozen=True)
class MethodResult:
    """What one output of a method returned for one cohort.

    Attributes
    ----------
    models : tuple of Expression
        The tied models listed, first the one a researcher would report; empty for no model.
    n_models : int
        The number of tied models (may exceed ``len(models)`` when the listing was capped).
    status : str
        ``"ok"``, ``"no_model"`` (the method returned nothing) or ``"error: <message>"``.
    model_text : str
        The first model as the method prints it (``""`` when none).
    search_finished : bool or None
        Whether the method's search finished within its budget (every tied model counted,
        the first model proven canonical); None for methods without a budgeted search.
        Recorded as ``<output>.search_finished``.
    ties : object, optional
        An oracle over *all* tied models, listed or not (a :class:`qca.Solution`: its
        ``any_model`` / ``all_models``), so that any/all metrics are exact; None: the listed
        models are all there is.
    """

    models: tuple[Expression, ...] = ()
    n_models: int = 0
    status: str = "no_model"
    model_text: str = ""
    search_finished: bool | None = None
    ties: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def error(cls, exc: BaseException) -> MethodResult:
        """The result of an output whose analysis raised ``exc`` (a user-level error)."""
        return cls(status=f"error: {type(exc).__name__}: {exc}"[:200])


@dataclass(frozen=True)
class MethodResults:
    """A method's results for one cohort: one :class:`MethodResult` per requested output, and
    diagnostics recorded as they are (e.g. QCA's truth-table row counts)."""

    outputs: Mapping[str, MethodResult]
    diagnostics: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AnalysisMethod:
    """A registered analysis method.

    Attributes
    ----------
    name : str
        The method's name.
    outputs : tuple of str
        The outputs it can produce (globally unique names: they prefix the record columns).
    params : tuple of Param
        Its replication parameters, declared with their defaults and constraints.
    analyse : callable
        ``analyse(inp: AnalysisInput, params: dict, outputs: tuple[str, ...]) -> MethodResults``
        for the requested ``outputs`` (a subset of :attr:`outputs`, in the requested order).
        It returns an ``"error: ..."`` result for an output that cannot be computed because of
        the data (a user-level error); a bug raises.
    description : str
        One line.
    diagnostics : tuple of str
        Names of the diagnostics it records (top-level record columns).
    """

    name: str
    outputs: tuple[str, ...]
    params: tuple[Param, ...]
    analyse: Callable[[AnalysisInput, Mapping[str, Any], tuple[str, ...]], MethodResults]
    description: str = ""
    diagnostics: tuple[str, ...] = ()


_REGISTRY: Registry[AnalysisMethod] = Registry("analysis method", ENTRY_POINT_GROUP, __name__)


def register_method(method: AnalysisMethod) -> AnalysisMethod:
    """Add a method to the registry (replacing one of the same name).

    Raises
    ------
    ValueError
        When an output or parameter name is already taken by another method.
    """
    for other in _REGISTRY.values():
        if other.name == method.name:
            continue
        clash = set(other.outputs) & set(method.outputs)
        if clash:
            raise ValueError(f"method {method.name!r}: output {sorted(clash)[0]!r} already "
                             f"belongs to method {other.name!r}")
        pclash = {p.name for p in other.params} & {p.name for p in method.params}
        if pclash:
            raise ValueError(f"method {method.name!r}: parameter {sorted(pclash)[0]!r} already "
                             f"belongs to method {other.name!r}")
    return _REGISTRY.add(method.name, method)


def methods() -> tuple[AnalysisMethod, ...]:
    """Every registered method (the built-in modules of this package and the plugins)."""
    return _REGISTRY.entries()


def get_method(name: str) -> AnalysisMethod:
    """The registered method ``name`` (ValueError naming the registered ones)."""
    return _REGISTRY.get_entry(name)


def output_names() -> tuple[str, ...]:
    """Every output of every registered method (the allowed values of ``solutions``)."""
    return tuple(o for m in methods() for o in m.outputs)


def method_of_output(output: str) -> AnalysisMethod:
    """The method producing ``output``."""
    for m in methods():
        if output in m.outputs:
            return m
    raise ValueError(f"unknown output {output!r}; registered: {', '.join(output_names())}")


def plan_outputs(outputs: Sequence[str]) -> list[tuple[AnalysisMethod, tuple[str, ...]]]:
    """Group requested outputs by method, methods in order of their first requested output."""
    groups: dict[str, list[str]] = {}
    for o in outputs:
        groups.setdefault(method_of_output(o).name, []).append(o)
    return [(_REGISTRY[name], tuple(outs)) for name, outs in groups.items()]
