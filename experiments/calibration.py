"""Calibration of a simulated cohort's raw scores into set memberships.

Theory anchors come from the data generator (:attr:`sim.generators.DataGenerator.calibration_anchors`,
fixed by the scenario, never derived from the true effect), or from sample percentiles. Fuzzy
calibration is the direct method (logistic, Ragin 2008; R's ``calibrate(type = "fuzzy")``);
crisp calibration thresholds at the crossover.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

import qca

__all__ = ["anchors_for", "anchors_for_rows", "calibrated_columns"]


def anchors_for(x: np.ndarray, calibration: str, theory: tuple[float, float, float],
                percentiles: Sequence[float]) -> tuple[float, float, float]:
    """The (exclusion, crossover, inclusion) anchors of one column.

    Degenerate sample percentiles (many ties) are spread minimally around the crossover. A
    crossover that equals a data value (sample percentiles on a recording grid) is moved just
    below it, so no case sits at exactly 0.5 and tied cases are *in*, the engine's crisp rule
    (``qca.calibrate(type="crisp")``: a value equal to the threshold is in). Theory anchors of
    the programme scenarios already lie between recording grid points.
    """
    if calibration == "theory":
        e, c, i = theory
    else:
        e, c, i = (float(v) for v in np.percentile(x, percentiles))
    if not e < c < i:
        span = max(float(np.ptp(x)), 1e-6)
        e, i = min(e, c - 0.25 * span), max(i, c + 0.25 * span)
    if np.any(x == c):
        c = c - 1e-6 * max(1.0, abs(c))
    return e, c, i


def anchors_for_rows(x: np.ndarray, calibration: str, theory: tuple[float, float, float],
                     percentiles: Sequence[float]) -> list[tuple[float, float, float]]:
    """:func:`anchors_for` of each row of ``x`` (cohorts x cases): the same anchors, with ordered
    theory anchors found for all rows at once (only the crossover's tie rule differs by row)."""
    e, c, i = theory
    if calibration != "theory" or not e < c < i:
        return [anchors_for(row, calibration, theory, percentiles) for row in x]
    moved = (e, c - 1e-6 * max(1.0, abs(c)), i)
    return [moved if tie else (e, c, i) for tie in (x == c).any(axis=1).tolist()]


def calibrated_columns(cohort: Mapping[str, np.ndarray], columns: Sequence[str],
                       anchors: Mapping[str, tuple[float, float, float]], calibration: str,
                       cal_type: str, percentiles: Sequence[float]) -> dict[str, np.ndarray]:
    """Calibrated memberships of ``columns`` of a cohort (one array each).

    Parameters
    ----------
    cohort : mapping of column -> array
        Raw scores.
    columns : sequence of str
        The columns to calibrate (conditions and outcome).
    anchors : mapping
        Theory anchors per column.
    calibration : {"theory", "percentile"}
    cal_type : {"fuzzy", "crisp"}
    percentiles : sequence of 3 floats
    """
    out = {}
    for col in columns:
        x = np.asarray(cohort[col], dtype=float)
        e, c, i = anchors_for(x, calibration, anchors.get(col, (np.nan,) * 3), percentiles)
        if cal_type == "fuzzy":
            out[col] = np.asarray(qca.calibrate(x, "fuzzy", thresholds=(e, c, i)), dtype=float)
        else:
            out[col] = np.asarray(qca.calibrate(x, "crisp", thresholds=[c]), dtype=np.int64)
    return out
