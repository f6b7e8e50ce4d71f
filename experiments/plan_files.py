"""The study plan's files and its cache: what ``qcasim plan`` and ``qcasim run`` write.

A plan (:func:`experiments.plan.plan`) is written next to the results it answers, under one file
name convention that the report reads:

* ``<out>/<name>.plan.json``: :meth:`PlanResult.to_dict` plus ``fingerprint`` (what the plan was
  computed from) and ``qcasim_version``;
* ``<out>/<name>.plan.html``: :meth:`PlanResult.to_html` (an HTML section);
* ``<out>/<name>.plan-pareto.png`` and ``<out>/<name>.plan-tornado.png``: the figures.

``<name>`` is the experiment's name (``kbop_default`` for ``qcasim run``) through
:func:`experiments.paths.safe_filename`. :func:`cached_plan` reuses a stored JSON when its
fingerprint (the scenario's content digest, every plan argument and the results version of the
analysis code) matches, so that a rerun of ``qcasim run`` does not recompute a plan that cannot
have changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .paths import check_output_path, output_file, printable

__all__ = ["plan_fingerprint", "plan_paths", "write_plan", "read_plan", "cached_plan",
           "reported_design_text"]

#: The suffixes of a plan's files (the report helper reads ``json``).
SUFFIXES = {"json": ".plan.json", "html": ".plan.html", "pareto": ".plan-pareto.png",
            "tornado": ".plan-tornado.png"}


def plan_fingerprint(scenario: str, arguments: Mapping[str, Any]) -> str:
    """A digest of everything a plan's answer depends on: the scenario's content
    (:func:`experiments.provenance.scenario_digest`), the plan's arguments (a space or cost
    given as a file counts by its content) and the results version of the analysis code
    (:func:`experiments.plan.plan_fingerprint`, which also names the plan's work in a store)."""
    from .plan import plan_fingerprint as fingerprint

    return fingerprint(scenario, arguments)


def plan_paths(folder: str | Path, name: str) -> dict[str, Path]:
    """The plan's files in ``folder`` for experiment ``name`` (see the module docstring)."""
    return {kind: output_file(folder, name, suffix) for kind, suffix in SUFFIXES.items()}


def write_plan(result: Any, *, json_path: str | Path | None = None,
               html_path: str | Path | None = None, figures: Mapping[str, str | Path] | None = None,
               fingerprint: str | None = None, store: str | Path | None = None,
               inputs: tuple[str | Path, ...] = ()) -> list[Path]:
    """Write a :class:`~experiments.plan.PlanResult`'s JSON, HTML and figures (each path checked
    by :func:`experiments.paths.check_output_path` against the store and the inputs first).

    ``figures`` maps ``"pareto"``/``"tornado"`` to a PNG path; the tornado figure exists only
    when the plan has a robustness analysis. Returns the paths written."""
    from . import __version__

    todo: list[tuple[str, Path]] = []
    for kind, p in (("json", json_path), ("html", html_path), *((figures or {}).items())):
        if p is not None:
            todo.append((kind, check_output_path(p, store=store, inputs=inputs)))
    written: list[Path] = []
    for kind, path in todo:
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "json":
            doc = result.to_dict()
            doc["fingerprint"] = fingerprint
            doc["qcasim_version"] = __version__
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps(doc, indent=2, allow_nan=False), encoding="utf-8")
            tmp.replace(path)  # a reader never sees half a file
        elif kind == "html":
            path.write_text(result.to_html(), encoding="utf-8")
        else:
            if kind == "tornado" and result.robustness is None:
                continue
            import matplotlib

            matplotlib.use("Agg", force=False)
            import matplotlib.pyplot as plt

            fig = result.pareto_figure() if kind == "pareto" else result.tornado_figure()
            fig.savefig(path, dpi=150, bbox_inches="tight")
            plt.close(fig)
        written.append(path)
    return written


def read_plan(path: str | Path) -> dict[str, Any] | None:
    """A plan's JSON as written by :func:`write_plan`, or None when it is missing or unreadable."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def cached_plan(folder: str | Path, name: str, scenario: str, arguments: Mapping[str, Any],
                *, progress: Callable[[str], None] | None = None,
                store: str | Path | None = None, jobs: int = 1,
                scheduler: str | None = None) -> tuple[dict[str, Any], Path, bool]:
    """The plan of ``scenario`` with ``arguments`` (keywords of :func:`experiments.plan.plan`),
    from ``<folder>/<name>.plan.json`` when its fingerprint matches, else computed and written
    there (with its HTML and figures). With ``store`` (the study's results store) the plan's
    work is kept there as it completes, so an interrupted plan resumes; ``jobs`` and
    ``scheduler`` say where it runs (the answer does not depend on them). Returns the plan's
    JSON document, its path and whether it was reused."""
    from .plan import plan

    paths = plan_paths(folder, name)
    fp = plan_fingerprint(scenario, arguments)
    doc = read_plan(paths["json"])
    if doc is not None and doc.get("fingerprint") == fp:
        return doc, paths["json"], True
    result = plan(scenario, **arguments, progress=progress, store=store, name=name, jobs=jobs,
                  scheduler=scheduler)
    write_plan(result, json_path=paths["json"], html_path=paths["html"],
               figures={"pareto": paths["pareto"], "tornado": paths["tornado"]},
               fingerprint=fp, store=store)
    doc = read_plan(paths["json"])
    assert doc is not None
    return doc, paths["json"], False


def reported_design_text(frame: Any, reference: Mapping[str, Any], n: int, criterion: str,
                         solution: str) -> str | None:
    """``"exact recovery 25 % (14 %-41 %, 20 simulated studies)"`` at the reported design: the
    study's replications at ``n`` cases whose parameters equal ``reference`` (and analyse every
    condition at the scenario's own reliability, n_cut 1); None when the study has no such cell."""
    import pandas as pd

    from .intervals import wilson

    col = f"{solution}.{criterion}"
    if frame is None or not len(frame) or col not in frame.columns or "n_workers" not in frame:
        return None
    rows = frame[frame["n_workers"] == n]
    for key, value in reference.items():
        if key in rows.columns:
            rows = rows[rows[key] == value]
    for key, value in (("conditions", None), ("reliability", None), ("n_cut", 1)):
        if key in rows.columns:
            rows = rows[rows[key].isna()] if value is None else rows[rows[key] == value]
    if "overrides" in rows.columns:
        rows = rows[rows["overrides"].map(lambda o: not o or o in ("{}", "null"))]
    vals = pd.to_numeric(rows[col], errors="coerce").dropna()
    if vals.empty:
        return None
    k, m = float(vals.sum()), len(vals)
    lo, hi = wilson(k, m)
    return printable(f"{k / m:.0%} ({lo:.0%}-{hi:.0%}, {m} simulated studies)")
