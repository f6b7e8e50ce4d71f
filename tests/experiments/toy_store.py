"""The toy experiment of the store tests: a small Boolean recipe, two cells, run serially."""

from __future__ import annotations

from typing import Any

from experiments.design import experiment_from_dict
from experiments.runner import run_experiment

TOY = "boolean:A*B + C"


def _raw(**changes: Any) -> dict[str, Any]:
    """The toy definition; ``table__key=value`` changes one entry (``experiment__seed=2``)."""
    raw: dict[str, Any] = {
        "experiment": {"name": "toy", "replications": 4, "seed": 1, "batch_size": 2},
        "base": {"scenario": TOY, "solutions": ["parsimonious"], "incl_cut": 0.8},
        "grid": {"n_workers": [20, 30]},
    }
    for dotted, value in changes.items():
        table, key = dotted.split("__")
        raw[table][key] = value
    return raw


def _run(store: Any, raw: dict[str, Any], **kw: Any) -> Any:
    return run_experiment(experiment_from_dict(raw), store, backend="serial", progress=False,
                          **kw)
