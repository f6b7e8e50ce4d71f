"""Fit-robustness scoring of CNA models (Parkkinen & Baumgartner 2021).

Parkkinen, V. P. & Baumgartner, M. (2021). "Robustness and model selection in configurational
causal modeling." Sociological Methods & Research 52(1). The data are re-analysed with ``cna`` over
a grid of consistency and coverage thresholds (R package frscore, ``frscored_cna``: from
``fit_range[0]`` down to ``fit_range[1]`` in steps of ``granularity``, every con x cov pair); every
model returned is scored by how many of the models returned across the series are its submodels
or supermodels; scores are normalised by the highest (``"truemax"``).

Where we knowingly differ from the frscore package (0.4): models are compared with
``is_submodel`` (its ``comp.method = "is.submodel"``), not with ``causal_submodel``; an identical
model returned in another run counts once as a submodel and once as a supermodel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._data import CNAError
from .core import cna
from .submodel import _sub, parse_model

__all__ = ["frscore", "FRScoreResult", "score_models"]


@dataclass(frozen=True)
class FRScoreResult:
    """Ranked models of a re-analysis series.

    Attributes
    ----------
    table : DataFrame
        One row per distinct model: ``model``, ``outcome``, ``complexity``, ``n`` (how often the
        series returned it), ``score`` (sub- plus supermodel relations with every returned model),
        ``norm_score`` (score / highest score), best first (ties: lower complexity first).
    runs : DataFrame
        ``con``, ``cov`` and the number of models of every re-analysis.
    """

    table: pd.DataFrame
    runs: pd.DataFrame = field(repr=False)
    params: dict = field(repr=False, default_factory=dict)

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(self.table["model"])

    @property
    def best(self) -> tuple[str, ...]:
        """The models with the highest score (empty when no run returned a model)."""
        if self.table.empty:
            return ()
        top = self.table["score"].max()
        return tuple(self.table.loc[self.table["score"] == top, "model"])

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __str__(self) -> str:
        p = self.params
        hi, lo = p.get("fit_range", ("?", "?"))
        head = (
            f"Fit-robustness scores: {len(self.runs)} re-analyses, con/cov from {hi} to {lo} "
            f"by {p.get('granularity')}; {len(self.table)} distinct models"
        )
        if self.table.empty:
            return head + "\n  (no model at any threshold)"
        body = self.table.head(20).to_string(index=False, float_format=lambda v: f"{v:.3f}")
        return head + "\n" + body

    def _repr_html_(self) -> str:
        return f"<p>{str(self).splitlines()[0]}</p>" + self.table.head(20)._repr_html_()


def score_models(models: list[str], normalize: str = "truemax", maxsols: int = 50) -> pd.DataFrame:
    """Fit-robustness scores of a list of model strings (one entry per time a run returned it).

    ``maxsols`` caps the distinct models scored (the most frequent, ties by first appearance).
    """
    if normalize not in ("truemax", "none"):
        raise CNAError(f"normalize must be 'truemax' or 'none', got {normalize!r}")
    keys: dict[frozenset, int] = {}
    names: list[str] = []
    counts: list[int] = []
    parsed = []
    for m in models:
        p = parse_model(m)
        k = frozenset(p)
        if k not in keys:
            keys[k] = len(names)
            names.append(m)
            counts.append(0)
            parsed.append(p)
        counts[keys[k]] += 1
    if not names:
        return pd.DataFrame(columns=["model", "outcome", "complexity", "n", "score", "norm_score"])
    order = sorted(range(len(names)), key=lambda i: -counts[i])[: max(1, int(maxsols))]
    n = np.array([counts[i] for i in order])
    n_kept = len(order)
    sub = np.array(
        [[_sub(parsed[order[i]], parsed[order[j]]) for j in range(n_kept)] for i in range(n_kept)],
        dtype=int,
    )
    # relations of one occurrence of model i with every other occurrence in the series
    rel = sub + sub.T  # identical: 2, proper sub- or supermodel: 1
    score = rel @ n - np.diag(rel)  # every other occurrence, not this one itself
    complexity = [sum(len(c) for _, dnf in parsed[i] for c in dnf) for i in order]
    outcome = [",".join(sorted(o for o, _ in parsed[i])) for i in order]
    top = score.max()
    norm = score / top if (normalize == "truemax" and top > 0) else score.astype(float)
    df = pd.DataFrame(
        {
            "model": [names[i] for i in order],
            "outcome": outcome,
            "complexity": complexity,
            "n": n,
            "score": score,
            "norm_score": norm if normalize == "truemax" else score.astype(float),
        }
    )
    return df.sort_values(["score", "complexity"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def frscore(
    data: pd.DataFrame,
    *,
    fit_range: tuple[float, float] = (1.0, 0.7),
    granularity: float = 0.1,
    output: str = "csf",
    normalize: str = "truemax",
    maxsols: int = 50,
    **cna_kwargs: Any,
) -> FRScoreResult:
    """Re-analyse ``data`` over a con/cov grid and rank the models by fit-robustness.

    Parameters
    ----------
    data : DataFrame
        As for :func:`qca.cna.cna`.
    fit_range : (float, float)
        Highest and lowest consistency/coverage threshold (default 1 to 0.7, as frscore).
    granularity : float
        Step of the grid (default 0.1: 4 x 4 = 16 analyses).
    output : ``"csf"`` or ``"asf"``
        Which models to collect.
    normalize : ``"truemax"`` or ``"none"``
    maxsols : int
        Most distinct models scored.
    **cna_kwargs
        Passed to :func:`qca.cna.cna` (``outcome``, ``ordering``, ``maxstep``, ...); not ``con``/``cov``.
    """
    hi, lo = (float(v) for v in fit_range)
    if not (0 < lo <= hi <= 1):
        raise CNAError(f"fit_range must be (high, low) with 0 < low <= high <= 1, got {fit_range!r}")
    if not 0 < granularity <= 1:
        raise CNAError(f"granularity must be in (0, 1], got {granularity!r}")
    if output not in ("csf", "asf"):
        raise CNAError(f"output must be 'csf' or 'asf', got {output!r}")
    if "con" in cna_kwargs or "cov" in cna_kwargs:
        raise CNAError("frscore sets con and cov itself; give fit_range and granularity instead")
    steps = int(np.floor((hi - lo) / granularity + 1e-9)) + 1
    grid = [round(hi - i * granularity, 10) for i in range(steps)]
    found: list[str] = []
    runs = []
    for con in grid:
        for cov in grid:
            res = cna(data, con=con, cov=cov, **cna_kwargs)
            models = list((res.csf if output == "csf" else res.asf)["condition"])
            found.extend(models)
            runs.append({"con": con, "cov": cov, "n_models": len(models)})
    table = score_models(found, normalize=normalize, maxsols=maxsols)
    params = dict(
        fit_range=(hi, lo), granularity=granularity, output=output, normalize=normalize, **cna_kwargs
    )
    return FRScoreResult(table, pd.DataFrame(runs), params)
