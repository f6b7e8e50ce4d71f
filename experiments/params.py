"""The replication parameters: one declared schema, validated in one place.

A replication is described by a flat mapping of parameters. Three groups:

*Data* (the generator, :mod:`sim.generators`)
    ``scenario`` (built-in name, TOML path or ``"boolean:<recipe>"``), ``n_workers`` (cohort
    size), ``reliability`` (measurement reliability of every measured condition),
    ``recipe_hazard_ratio`` (effect size; 1 = the null), ``overrides`` (further dotted scenario
    keys), ``engine`` ("batched" or "mesa": identical cohorts).
*Calibration and selection*
    ``calibration`` ("theory": the scenario's anchors, or "percentile": sample percentiles
    ``percentiles``), ``cal_type`` ("crisp" threshold at the crossover, the default
    :data:`DEFAULT_ANALYSIS`, or "fuzzy" logistic direct method), ``conditions`` /
    ``n_conditions`` (which observed conditions are analysed).
*Analysis*
    ``solutions`` (outputs of registered analysis methods, :mod:`experiments.methods`) and the
    parameters each of those methods declares (QCA: ``incl_cut``, ``n_cut``, ``pri_cut``,
    ``dir_exp``, ``max_models``). A method's parameters are allowed only when one of its
    outputs is requested.

:func:`normalise_params` fills defaults and checks every value with the shared declarative
helper (:func:`qca._params.check_params`), so experiment files, the command line and the API
report bad values the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qca.params import Param, check_params

from .errors import DesignError
from .methods import get_method, method_of_output, methods, output_names

__all__ = ["SEED_PARAMS", "BASE_PARAMS", "DEFAULT_ANALYSIS", "defaults", "normalise_params", "method_params",
           "param_names", "DATA_PARAMS", "param_schema"]


def _check_percentiles(v: Any) -> str | None:
    if not (isinstance(v, list | tuple) and len(v) == 3 and all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in v)
            and 0 <= v[0] < v[1] < v[2] <= 100):
        return "three increasing numbers in [0, 100]"
    return None


def _check_solutions(v: Any) -> str | None:
    allowed = output_names()
    if isinstance(v, str) or not isinstance(v, list | tuple) or not v or not all(
            o in allowed for o in v):
        return f"a non-empty list of {', '.join(allowed)}"
    if len(set(v)) != len(v):
        return "a list without repeated outputs"
    return None


#: The one default analysis (issue #19), the default study's (``experiments/kbop_default.toml``):
#: crisp calibration at the scenario's theory anchors. Every entry point that does not say
#: otherwise (``normalise_params``, hence the CLI, power searches, the population ceiling; the
#: audit's :class:`~experiments.audit.AuditDesign`) analyses with it.
DEFAULT_ANALYSIS: dict[str, str] = {"calibration": "theory", "cal_type": "crisp"}

BASE_PARAMS: tuple[Param, ...] = (
    Param("scenario", "kbop", "str", doc="Built-in scenario name, scenario TOML path, or "
          "'boolean:<recipe>'."),
    Param("n_workers", 65, "int", low=2, doc="Cohort size."),
    Param("reliability", None, "float", low=0, high=1, low_open=True, nullable=True,
          doc="Reliability of every measured condition (measurement noise)."),
    Param("recipe_hazard_ratio", None, "float", low=0, low_open=True, nullable=True,
          doc="Effect of the recipe on the outcome hazard (1 = no effect: the null)."),
    Param("overrides", {}, "mapping", doc="Further dotted scenario overrides."),
    Param("engine", "batched", "str", choices=("batched", "mesa"),
          doc="Simulation engine (identical cohorts)."),
    Param("calibration", DEFAULT_ANALYSIS["calibration"], "str", choices=("theory", "percentile"),
          doc="Calibration anchors: the scenario's theory anchors or sample percentiles."),
    Param("cal_type", DEFAULT_ANALYSIS["cal_type"], "str", choices=("fuzzy", "crisp"),
          doc="Fuzzy (logistic direct method) or crisp (threshold at the crossover)."),
    Param("percentiles", [10.0, 50.0, 90.0], "any", check=_check_percentiles,
          doc="Sample percentiles used as anchors when calibration = 'percentile'."),
    Param("n_conditions", None, "int", low=1, nullable=True,
          doc="Analyse only the first n observed conditions."),
    Param("conditions", None, "str_list", min_len=1, nullable=True,
          doc="Analyse exactly these observed conditions."),
    Param("solutions", ["conservative", "parsimonious", "intermediate"], "any",
          check=_check_solutions, doc="Outputs of registered analysis methods to compute."),
)

#: Parameters that determine the simulated data (the rest only change the analysis).
DATA_PARAMS = ("scenario", "n_workers", "reliability", "recipe_hazard_ratio", "overrides", "engine")

#: Parameters a cell's seed derives from. The effect size and the engine (identical cohorts)
#: are left out, as is every analysis setting: cells that differ only in those are simulated
#: from the same random numbers (common random numbers), so the null and each effect size are
#: compared on the same workers, and methods or cut-offs on the same cohorts (paired).
SEED_PARAMS = ("scenario", "n_workers", "reliability", "overrides")


def param_schema(outputs: list[str] | tuple[str, ...] | None = None) -> tuple[Param, ...]:
    """The base parameters and those of the methods producing ``outputs`` (all methods when
    None)."""
    if outputs is None:
        ms = list(methods())
    else:
        ms = []
        for o in outputs:
            m = method_of_output(o)
            if m not in ms:
                ms.append(m)
    return BASE_PARAMS + tuple(p for m in ms for p in m.params)


def param_names() -> tuple[str, ...]:
    """Every replication parameter name (base and all registered methods)."""
    return tuple(p.name for p in param_schema())


def defaults() -> dict[str, Any]:
    """The default replication parameters (those of the default outputs' methods included)."""
    default_outputs = next(p.default for p in BASE_PARAMS if p.name == "solutions")
    return {p.name: p.default for p in param_schema(default_outputs)}


def normalise_params(params: Mapping[str, Any], where: str = "replication parameters"
                     ) -> dict[str, Any]:
    """Fill defaults and check the replication parameters.

    Parameters
    ----------
    params : mapping
        The parameters given (module docstring).
    where : str
        Where they come from, the start of every error message.

    Returns
    -------
    dict
        Every base parameter and every parameter of the methods whose outputs are requested.

    Raises
    ------
    DesignError
        For an unknown key, a key of a method none of whose outputs is requested, or a bad
        value, naming the key, what is allowed and the value.
    """
    if not isinstance(params, Mapping):
        raise DesignError(f"{where}: must be a table of name = value, got {params!r}")
    base = check_params({k: v for k, v in params.items() if k in {p.name for p in BASE_PARAMS}},
                        BASE_PARAMS, where, error=DesignError)
    outputs = list(base["solutions"])
    schema = param_schema(outputs)
    known = {p.name for p in schema}

    def hint(name: str) -> str:
        for m in methods():
            if name in {p.name for p in m.params}:
                return (f"{where}: {name!r} is a parameter of analysis method {m.name!r}, none "
                        f"of whose outputs ({', '.join(m.outputs)}) is in solutions")
        return (f"{where}: unknown replication parameter {name!r}; allowed: "
                f"{', '.join(sorted(param_names()))}")

    unknown = [k for k in params if k not in known]
    if unknown:
        raise DesignError(hint(unknown[0]))
    method_params = check_params({k: v for k, v in params.items() if k not in base},
                                 schema[len(BASE_PARAMS):], where, error=DesignError)
    out = {**base, **method_params}
    # Canonical numbers: a number parameter written 1 is the same cell as 1.0 (same key, seed
    # and fingerprint), so a grid [1, 1.0] is one cell and editing 1 -> 1.0 changes nothing.
    for q in schema:
        if q.kind == "float" and isinstance(out.get(q.name), int) and not isinstance(
                out[q.name], bool):
            try:
                out[q.name] = float(out[q.name])
            except OverflowError:
                raise DesignError(f"{where}: {q.name} = {out[q.name]} is too large") from None
    out["percentiles"] = [float(v) for v in out["percentiles"]]
    out["solutions"] = list(out["solutions"])
    if isinstance(out.get("dir_exp"), tuple):
        out["dir_exp"] = list(out["dir_exp"])
    return out


def method_params(p: Mapping[str, Any], method: str) -> dict[str, Any]:
    """The parameters of one method out of normalised replication parameters."""
    return {q.name: p[q.name] for q in get_method(method).params}
