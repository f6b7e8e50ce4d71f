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
import math
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from qca.params import Param, check_params

from .errors import DesignError
from .methods import output_names
from .metrics import metric_names
from .params import SEED_PARAMS, normalise_params, param_names
from .seeds import cell_key, cell_seed

__all__ = ["DesignError", "Cell", "Experiment", "load_experiment", "builtin_experiments",
           "experiment_from_dict", "check_cells", "check_name", "EXPERIMENT_PARAMS", "report_params"]

KINDS = ("recovery", "limited_diversity")
_TOP = {"experiment", "base", "grid", "report", "limited_diversity"}
_LD = {"truth", "conditions", "deletions"}

#: Limits a user can reach by mistake (a refusal before any work, naming the limit).
MAX_CELLS = 10_000
MAX_REPLICATIONS = 1_000_000
MAX_TOTAL_REPLICATIONS = 100_000_000
MAX_NAME_LENGTH = 200
MAX_LD_CONDITIONS = 12
MAX_LD_DATASETS = 100_000

#: The [experiment] table (``name`` has its own check, :func:`check_name`).
EXPERIMENT_PARAMS: tuple[Param, ...] = (
    Param("name", None, "any", nullable=True, doc="The key of the results in the store."),
    Param("kind", "recovery", "str", choices=KINDS, doc="What the experiment runs."),
    Param("description", "", "str", doc="One paragraph for the report."),
    Param("replications", 100, "int", low=1, high=MAX_REPLICATIONS, doc="Replications per cell."),
    Param("seed", 1, "int", low=0, high=2**63 - 1, doc="Base seed of every random draw."),
    Param("batch_size", 25, "int", low=1, high=MAX_REPLICATIONS,
          doc="Replications per task sent to a worker."),
)


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

    @property
    def n_grid(self) -> int:
        """Cells the grid declares (before duplicates are merged), without expanding it."""
        return sum(math.prod(len(v) for v in block.values()) for block in self.blocks)

    def cells(self) -> list[Cell]:
        """The grid's cells in declaration order: the cartesian product of each block's lists,
        blocks in order, a cell already listed by an earlier block skipped (numbers compare as
        numbers: ``1`` and ``1.0`` are one cell).

        Raises
        ------
        DesignError
            The grid declares more than :data:`MAX_CELLS` cells (refused before expanding).
        """
        if self.n_grid > MAX_CELLS:
            raise DesignError(f"{self.source}: the grid declares {self.n_grid:,} cells, more than "
                              f"the {MAX_CELLS:,} qcasim runs in one experiment; split it into "
                              "several experiments or use [[grid]] blocks (one sweep per factor)")
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
    """A table whose keys are checked here and whose values are checked elsewhere (per cell);
    the unknown-key message is :func:`qca.params.check_params`'s."""
    if not isinstance(d, dict):
        raise DesignError(f"{source}: [{where}] must be a table")
    unknown = sorted(set(d) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise DesignError(f"{source}: unknown parameter {prefix + unknown[0]!r}; "
                          f"allowed: {', '.join(sorted(allowed))}")
    return d


def _check_reference(v: Any) -> str | None:
    if not isinstance(v, dict) or any(k not in param_names() for k in v):
        return "a table of replication parameters"
    return None


def report_params() -> tuple[Param, ...]:
    """The [report] table's parameters (criterion and solution: the registered metrics and
    outputs)."""
    return (
        Param("headline_n", 65, "int", low=2, high=10**9, doc="The cohort size the report leads with."),
        Param("criterion", "any_correct", "str", choices=metric_names(),
              doc="The metric the headline and power curves use."),
        Param("solution", "parsimonious", "str", choices=output_names(),
              doc="The output the headline reports."),
        Param("target", 0.8, "float", low=0, high=1, low_open=True, high_open=True,
              doc="The recovery rate a design must reach."),
        Param("reference", {}, "any", check=_check_reference,
              doc="Parameters of the cell whose population ceiling is shown."),
    )


def check_name(name: Any, source: str, what: str = "experiment.name") -> str:
    """A valid experiment name: a non-empty string of printable characters (no NUL, no control
    or escape characters), at most :data:`MAX_NAME_LENGTH` long; surrounding spaces dropped.

    Raises
    ------
    DesignError
    """
    if not isinstance(name, str) or not name.strip():
        raise DesignError(f"{source}: {what} is required (a non-empty string)")
    bad = [ch for ch in name if unicodedata.category(ch)[0] == "C"]
    if bad:
        raise DesignError(f"{source}: {what} contains a control character "
                          f"({ascii(bad[0])}); use printable characters only")
    if len(name) > MAX_NAME_LENGTH:
        raise DesignError(f"{source}: {what} is {len(name)} characters long; at most "
                          f"{MAX_NAME_LENGTH}")
    return name.strip()


def _check_limited_diversity(ld: dict[str, Any], source: str) -> None:
    if not ld:
        return
    from qca import QcasimError, parse

    where = "limited_diversity"
    truth = ld.get("truth")
    if not isinstance(truth, str) or not truth.strip():
        raise DesignError(f"{source}: {where}.truth must be a recipe string, got {truth!r}")
    try:
        expr = parse(truth)
    except QcasimError as exc:
        raise DesignError(f"{source}: {where}.truth: {exc}") from None
    conds = ld.get("conditions")
    if conds is not None:
        if (not isinstance(conds, list) or not conds or not all(isinstance(c, str) for c in conds)
                or len(set(conds)) != len(conds)):
            raise DesignError(f"{source}: {where}.conditions must be a list of distinct names, "
                              f"got {conds!r}")
        missing = [c for c in expr.conditions if c not in conds]
        if missing:
            raise DesignError(f"{source}: {where}.truth names {missing[0]!r}, which is not in "
                              f"{where}.conditions")
    k = len(conds) if conds else len(expr.conditions)
    if k > MAX_LD_CONDITIONS:
        raise DesignError(f"{source}: {where} has {k} conditions; at most {MAX_LD_CONDITIONS} "
                          f"(2^{k} truth-table rows)")
    dels = ld.get("deletions", [1, 2])
    rows = 2 ** k
    if (not isinstance(dels, list) or not dels
            or not all(isinstance(d, int) and not isinstance(d, bool) for d in dels)):
        raise DesignError(f"{source}: {where}.deletions must be a non-empty list of integers, "
                          f"got {dels!r}")
    bad = [d for d in dels if not 0 <= d < rows]
    if bad:
        raise DesignError(f"{source}: {where}.deletions must be in 0..{rows - 1} (rows of the "
                          f"{k}-condition truth table), got {bad[0]}")
    n = sum(math.comb(rows, d) for d in set(dels))
    if n > MAX_LD_DATASETS:
        raise DesignError(f"{source}: {where}.deletions {dels} give {n:,} data sets; at most "
                          f"{MAX_LD_DATASETS:,}")


def experiment_from_dict(raw: dict[str, Any], source: str = "<dict>") -> Experiment:
    """Validate a parsed experiment mapping.

    Raises
    ------
    DesignError
        Unknown key, missing name, bad value (each message names the file and key).
    """
    _check_keys(raw, _TOP, "", source)
    exp = check_params(raw.get("experiment", {}), EXPERIMENT_PARAMS, source, error=DesignError,
                       prefix="experiment.")
    name = check_name(exp["name"], source)
    kind = exp["kind"]
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
    report = raw.get("report", {})
    # Stored as given (no defaults filled in): the report applies its own defaults.
    check_params(report, report_params(), source, error=DesignError, fill_defaults=False,
                 prefix="report.")
    ld = _check_keys(raw.get("limited_diversity", {}), _LD, "limited_diversity", source)
    if kind == "limited_diversity":
        _check_limited_diversity(ld, source)
    out = Experiment(
        name=name, kind=kind, description=exp["description"],
        replications=exp["replications"], seed=exp["seed"], batch_size=exp["batch_size"],
        base=dict(base), grid=grid, report=dict(report),
        limited_diversity=dict(ld), source=source,
    )
    check_cells(out)
    return out


def check_cells(experiment: Experiment) -> None:
    """Build every cell's data generator and analysis settings now, so that a bad scenario, an
    unobserved condition or a bad ``dir_exp`` fails before anything is stored (the one cell
    check: :func:`experiment_from_dict` and the command line call it; built settings are
    cached, so a second call is cheap). Limited-diversity experiments have no cells.

    Raises
    ------
    DesignError
        Naming the file and the cell, or the total when it exceeds
        :data:`MAX_TOTAL_REPLICATIONS`.
    """
    if experiment.kind != "recovery":
        return
    from qca import QcasimError

    from .pipeline import cell_setup

    source = experiment.source
    cells = experiment.cells()
    total = len(cells) * experiment.replications
    if total > MAX_TOTAL_REPLICATIONS:
        raise DesignError(f"{source}: {len(cells):,} cells x {experiment.replications:,} "
                          f"replications = {total:,} replications, more than the "
                          f"{MAX_TOTAL_REPLICATIONS:,} qcasim runs in one experiment")
    for cell in cells:
        try:
            cell_setup(cell.params)
        except DesignError:
            raise
        except QcasimError as exc:
            raise DesignError(f"{source}: cell {cell.index + 1} "
                              f"({_describe(cell.varying)}): {exc}") from None


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
        if "\x00" in name or not p.is_file():
            raise DesignError(f"experiment {name!r} is neither a file nor a built-in "
                              f"({', '.join(builtin_experiments())})")
        source = str(p)
        try:
            text = p.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DesignError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                              "save the experiment file as UTF-8") from None
        except OSError as exc:
            raise DesignError(f"{source}: cannot read ({exc.strerror or exc})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DesignError(f"{source}: invalid TOML: {exc}") from None
    except RecursionError:
        raise DesignError(f"{source}: invalid TOML: nested too deeply") from None
    return experiment_from_dict(raw, source)
