"""experiments: the recovery benchmark of qcasim.

Does QCA find the true recipes? This package composes :mod:`qca` (the QCA engine) and :mod:`sim`
(the data generator with known causal recipes): one replication simulates a cohort, calibrates
it, builds the truth table, minimizes it and scores the solutions against the truth
(:mod:`experiments.pipeline`, :mod:`experiments.scoring`); experiments are grids of such
replications declared in TOML files (:mod:`experiments.design`), run serially, in parallel or on a
Dask cluster (:mod:`experiments.runner`) into a crash-safe SQLite store (:mod:`experiments.store`)
and summarised in an HTML report (:mod:`experiments.report`).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:  # the version of the installed distribution (set in qcasim/__init__.py)
    __version__ = _version("qcasim")
except PackageNotFoundError:  # a source tree on sys.path, not installed: no version to report
    __version__ = "0+unknown"

__all__ = ["__version__", "plan"]


def __getattr__(name: str) -> object:
    # ``experiments.plan(...)``: the study planner (the module is callable), imported on first use.
    if name == "plan":
        import importlib

        return importlib.import_module(".plan", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
