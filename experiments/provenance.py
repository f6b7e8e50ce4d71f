"""Provenance of stored results: a fingerprint of everything that determines a replication.

A stored replication is only reused when the cell it belongs to has exactly the fingerprint the
current experiment definition gives it. The fingerprint of a cell hashes

* every replication parameter after defaults (:func:`experiments.pipeline.normalise_params`),
* the cell's seed (derived from the experiment seed, :func:`experiments.seeds.cell_seed`),
* the content of the scenario file the cell simulates (a built-in name or a TOML path: editing
  the file changes the fingerprint; a ``boolean:`` recipe is entirely in the parameters),
* :data:`RESULTS_VERSION`, the version of the analysis code's *results*.

``RESULTS_VERSION`` is bumped by hand whenever a code change alters the records produced for the
same parameters and seeds (a new score, a fixed scoring rule, a changed simulator). The package
version is not used because most releases do not change results and would needlessly invalidate
every store; instead ``tests/experiments/test_provenance.py`` keeps a digest of reference records
and fails, asking for a bump, when the records change but ``RESULTS_VERSION`` did not.

The replication count, batch size, description and ``[report]`` settings do not determine any
replication's result, so they are not part of the fingerprint: replication ``r`` of a cell is the
same whatever the number of replications (:mod:`experiments.seeds`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sim.generators import PROGRAMME, scheme_of

__all__ = ["RESULTS_VERSION", "scenario_digest", "scenario_snapshot", "cell_fingerprint",
           "provenance", "describe_changes"]

#: Version of the results the analysis code produces; bump when records change for given seeds.
RESULTS_VERSION = 5


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def scenario_digest(scenario: str) -> str:
    """A digest of what a scenario reference simulates.

    Parameters
    ----------
    scenario : str
        A built-in scenario name (``"kbop"``), a path to a scenario TOML file, or a
        ``"<scheme>:<spec>"`` specification of a registered generator (``"boolean:<recipe>"``).

    Returns
    -------
    str
        ``"inline"`` for a generator specification (fully described by the parameters), otherwise
        the first 16 hex digits of the SHA-256 of the file's text. A missing file gives
        ``"missing"`` (the run itself then fails with the scenario loader's message).
    """
    name = str(scenario)
    if scheme_of(name) != PROGRAMME:
        return "inline"
    text = _scenario_text(name)
    return "missing" if text is None else _sha(text)[:16]


def scenario_snapshot(scenario: str) -> tuple[str, str] | None:
    """The digest and text of a scenario file, read once (a run's snapshot).

    Returns
    -------
    tuple (digest, text) or None
        None for a ``scheme:spec`` reference such as ``"boolean:..."`` (fully described by the
        parameters) or a missing file.
    """
    name = str(scenario)
    if scheme_of(name) != PROGRAMME:
        return None
    text = _scenario_text(name)
    return None if text is None else (_sha(text)[:16], text)


def _scenario_text(name: str) -> str | None:
    builtin = resources.files("sim") / "scenarios" / f"{name}.toml"
    if "/" not in name and "\\" not in name and not name.endswith(".toml") and builtin.is_file():
        return builtin.read_text(encoding="utf-8")
    p = Path(name)
    if not p.is_file():
        return None
    return _read_cached(str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size)


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime_ns: int, size: int) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        from .errors import DesignError

        raise DesignError(f"scenario file {path} is not UTF-8 text ({exc.reason} at byte "
                          f"{exc.start})") from None


def cell_fingerprint(params: Mapping[str, Any], seed: int, digest: str | None = None) -> str:
    """The fingerprint of a cell: parameters after defaults, seed, scenario content and
    :data:`RESULTS_VERSION` (first 20 hex digits of a SHA-256). ``digest`` is the scenario's
    digest when already known (a run's snapshot); else the file is read."""
    if digest is None:
        digest = scenario_digest(str(params.get("scenario", "")))
    payload = {"params": dict(params), "seed": int(seed), "scenario": digest,
               "results_version": RESULTS_VERSION}
    return _sha(_canonical(payload))[:20]


def provenance(cells: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """What the results of a set of cell parameter mappings depend on beyond the parameters:
    the results version and the digest of each scenario (stored with the definition, so a
    refusal can name what changed)."""
    scenarios = sorted({str(p.get("scenario", "")) for p in cells})
    return {"results_version": RESULTS_VERSION,
            "scenarios": {s: scenario_digest(s) for s in scenarios}}


def _values(cells: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in cells:
        for k, v in p.items():
            out.setdefault(k, set()).add(_canonical(v))
    return out


def _show(values: set[str]) -> str:
    shown = sorted(values)
    text = ", ".join(shown[:4]) + (", ..." if len(shown) > 4 else "")
    return text if len(shown) == 1 else "{" + text + "}"


def describe_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What differs between two stored definitions, in words (one item per difference).

    Parameters
    ----------
    old, new : mapping
        Definitions as stored: ``experiment`` (with ``seed``), ``cells`` (the list of every
        cell's parameters after defaults) and ``provenance`` (:func:`provenance`).

    Returns
    -------
    list of str
        E.g. ``["experiment seed 1 -> 2", "incl_cut 0.8 -> 0.9",
        "scenario file 'my.toml' edited"]``; empty when nothing that determines results differs.
    """
    changes = []
    s_old = (old.get("experiment") or {}).get("seed")
    s_new = (new.get("experiment") or {}).get("seed")
    if s_old != s_new:
        changes.append(f"experiment seed {s_old} -> {s_new}")
    p_old, p_new = old.get("provenance") or {}, new.get("provenance") or {}
    v_old, v_new = p_old.get("results_version"), p_new.get("results_version")
    if v_old != v_new:
        changes.append(f"analysis code results version {v_old} -> {v_new} "
                       "(this qcasim computes different results)")
    sc_old, sc_new = p_old.get("scenarios") or {}, p_new.get("scenarios") or {}
    for name in sorted(set(sc_old) & set(sc_new)):
        if sc_old[name] != sc_new[name]:
            changes.append(f"scenario file {name!r} edited")
    vals_old, vals_new = _values(old.get("cells") or []), _values(new.get("cells") or [])
    for key in sorted(set(vals_old) | set(vals_new)):
        a, b = vals_old.get(key, set()), vals_new.get(key, set())
        if a != b:
            changes.append(f"{key} {_show(a) if a else '(absent)'} -> {_show(b) if b else '(absent)'}")
    return changes
