"""Experiment files: TOML declarations validated into dataclasses, and grid expansion.

An experiment file has these tables (unknown keys are errors naming the key and the file)::

    [experiment]
    name = "kbop_default"          # required; the key of its results in the store
    kind = "recovery"              # "recovery" (default) or "limited_diversity"
    description = "..."
    replications = 100             # per cell
    seed = 20240501                # base seed: every random draw derives from it
    batch_size = 25                # replications per task sent to a worker

    [base]                         # replication parameters shared by every cell
    scenario = "kbop"              # (see experiments.pipeline for every parameter)
    incl_cut = 0.8

    [grid]                         # each key a list of values; cells = cartesian product
    n_workers = [15, 30, 65, 100, 150, 250]
    reliability = [0.7, 0.85]

    # or several blocks, [[grid]] ... [[grid]]: the cells are the union of the blocks'
    # cartesian products (a cell listed twice runs once), e.g. one sweep per factor around a
    # reference design instead of a full factorial; a block's values take precedence over
    # [base]

    [report]                       # what the report puts first
    headline_n = 65
    criterion = "any_correct"
    solution = "parsimonious"
    target = 0.8
    reference = { incl_cut = 0.8 }  # parameters of the cell whose population ceiling is shown

    [limited_diversity]            # kind = "limited_diversity" only
    truth = "~A*B + B*~C + D"
    conditions = ["A", "B", "C", "D"]
    deletions = [1, 2]
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import DesignError
from .methods import output_names
from .metrics import metric_names
from .params import SEED_PARAMS, normalise_params, param_names
from .seeds import cell_key, cell_seed

__all__ = ["DesignError", "Cell", "Experiment", "load_experiment", "builtin_experiments",
           "experiment_from_dict"]

KINDS = ("recovery", "limited_diversity")
_TOP = {"experiment", "base", "grid", "report", "limited_diversity"}
_EXPERIMENT = {"name", "kind", "description", "replications", "seed", "batch_size"}
_REPORT = {"headline_n", "criterion", "solution", "target", "reference"}
_LD = {"truth", "conditions", "deletions"}

@dataclass(frozen=True)
class Cell:
    """One grid cell: its index, stable key, full replication parameters and seed."""

    index: int
    key: str
    params: dict[str, Any]
    seed: int
    varying: dict[str, Any]


@dataclass(frozen=True)
class Experiment:
    """A validated experiment declaration."""

    name: str
    kind: str = "recovery"
    description: str = ""
    replications: int = 100
    seed: int = 1
    batch_size: int = 25
    base: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list[Any]] | list[dict[str, list[Any]]] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    limited_diversity: dict[str, Any] = field(default_factory=dict)
    source: str = "<dict>"

    @property
    def blocks(self) -> list[dict[str, list[Any]]]:
        """The grid as a list of blocks (one block for a plain ``[grid]`` table)."""
        return [self.grid] if isinstance(self.grid, dict) else list(self.grid)

    def cells(self) -> list[Cell]:
        """The grid's cells in declaration order: the cartesian product of each block's lists,
        blocks in order, a cell already listed by an earlier block skipped."""
        out: list[Cell] = []
        seen: set[str] = set()
        for block in self.blocks:
            keys = list(block)
            for combo in itertools.product(*(block[k] for k in keys)):
                varying = dict(zip(keys, combo))
                idx = len(out)
                params = normalise_params({**self.base, **varying},
                                          f"{self.source}: cell {idx + 1} ({_describe(varying)})")
                key = cell_key(params)
                if key in seen:
                    continue
                seen.add(key)
                seed = cell_seed(self.seed, cell_key({k: params[k] for k in SEED_PARAMS}))
                out.append(Cell(idx, key, params, seed, varying))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The declaration as plain data (stored with the results)."""
        return {"experiment": {"name": self.name, "kind": self.kind,
                               "description": self.description,
                               "replications": self.replications, "seed": self.seed,
                               "batch_size": self.batch_size},
                "base": self.base, "grid": self.grid, "report": self.report,
                "limited_diversity": self.limited_diversity, "source": self.source}

    @property
    def n_replications(self) -> int:
        """Total replications of the experiment."""
        return len(self.cells()) * self.replications if self.kind == "recovery" else 0


def _describe(varying: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in varying.items()) or "base"


def _check_keys(d: Any, allowed: set[str], where: str, source: str) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise DesignError(f"{source}: [{where}] must be a table")
    unknown = sorted(set(d) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise DesignError(f"{source}: unknown key {prefix}{unknown[0]!r}; "
                          f"allowed: {', '.join(sorted(allowed))}")
    return d


def _int(d: dict, key: str, default: int, lo: int, source: str) -> int:
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise DesignError(f"{source}: experiment.{key} must be an integer >= {lo}, got {v!r}")
    return v


def experiment_from_dict(raw: dict[str, Any], source: str = "<dict>") -> Experiment:
    """Validate a parsed experiment mapping.

    Raises
    ------
    DesignError
        Unknown key, missing name, bad value (each message names the file and key).
    """
    _check_keys(raw, _TOP, "", source)
    exp = _check_keys(raw.get("experiment", {}), _EXPERIMENT, "experiment", source)
    name = exp.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DesignError(f"{source}: experiment.name is required (a non-empty string)")
    kind = exp.get("kind", "recovery")
    if kind not in KINDS:
        raise DesignError(f"{source}: experiment.kind = {kind!r} is not one of {', '.join(KINDS)}")
    base = _check_keys(raw.get("base", {}), set(param_names()), "base", source)
    raw_grid = raw.get("grid", {})
    blocks = raw_grid if isinstance(raw_grid, list) else [raw_grid]
    if isinstance(raw_grid, list) and not raw_grid:
        raise DesignError(f"{source}: [[grid]] has no block")
    checked = []
    for b, block in enumerate(blocks):
        where = "grid" if len(blocks) == 1 and not isinstance(raw_grid, list) else f"grid[{b + 1}]"
        block = _check_keys(block, set(param_names()), where, source)
        for k, v in block.items():
            if not isinstance(v, list) or not v:
                raise DesignError(f"{source}: {where}.{k} must be a non-empty list, got {v!r}")
            if k in base and not isinstance(raw_grid, list):
                raise DesignError(f"{source}: {k!r} is both in [base] and in [{where}]")
        checked.append({k: list(v) for k, v in block.items()})
    grid: dict[str, list[Any]] | list[dict[str, list[Any]]] = (
        checked if isinstance(raw_grid, list) else checked[0])
    report = _check_keys(raw.get("report", {}), _REPORT, "report", source)
    if report.get("criterion", "any_correct") not in metric_names():
        raise DesignError(f"{source}: report.criterion = {report['criterion']!r}; "
                          f"allowed: {', '.join(metric_names())}")
    if report.get("solution", "parsimonious") not in output_names():
        raise DesignError(f"{source}: report.solution = {report['solution']!r}; "
                          f"allowed: {', '.join(output_names())}")
    if not isinstance(report.get("reference", {}), dict) or any(
            k not in param_names() for k in report.get("reference", {})):
        raise DesignError(f"{source}: report.reference must be a table of replication parameters, "
                          f"got {report.get('reference')!r}")
    t = report.get("target", 0.8)
    if isinstance(t, bool) or not isinstance(t, int | float) or not 0 < t < 1:
        raise DesignError(f"{source}: report.target must be in (0, 1), got {t!r}")
    ld = _check_keys(raw.get("limited_diversity", {}), _LD, "limited_diversity", source)
    out = Experiment(
        name=name.strip(), kind=kind, description=str(exp.get("description", "")),
        replications=_int(exp, "replications", 100, 1, source),
        seed=_int(exp, "seed", 1, 0, source),
        batch_size=_int(exp, "batch_size", 25, 1, source),
        base=dict(base), grid=grid, report=dict(report),
        limited_diversity=dict(ld), source=source,
    )
    if kind == "recovery":
        from qca import QcasimError

        from .pipeline import cell_setup

        # Every cell's generator and analysis settings are built now, so that a bad scenario,
        # an unobserved condition or a bad dir_exp fails before anything is stored.
        for cell in out.cells():
            try:
                cell_setup(cell.params)
            except DesignError:
                raise
            except QcasimError as exc:
                raise DesignError(f"{source}: cell {cell.index + 1} "
                                  f"({_describe(cell.varying)}): {exc}") from None
    return out


def builtin_experiments() -> tuple[str, ...]:
    """Names of the experiment files shipped in ``experiments/``."""
    files = resources.files("experiments")
    return tuple(sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".toml")))


def load_experiment(path: str | Path) -> Experiment:
    """Load an experiment from a TOML file path or a built-in name (``"kbop_default"``).

    Raises
    ------
    DesignError
        Missing file, invalid TOML or invalid content.
    """
    name = str(path)
    if name in builtin_experiments():
        res = resources.files("experiments") / f"{name}.toml"
        text, source = res.read_text(encoding="utf-8"), f"{name}.toml"
    else:
        p = Path(path)
        if not p.is_file():
            raise DesignError(f"experiment {name!r} is neither a file nor a built-in "
                              f"({', '.join(builtin_experiments())})")
        text, source = p.read_text(encoding="utf-8"), str(p)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DesignError(f"{source}: invalid TOML: {exc}") from None
    return experiment_from_dict(raw, source)
