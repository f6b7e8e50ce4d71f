"""The cost model of a study design: what a planner pays for cases, conditions, items, follow-up.

A design's cost is linear in what the planner controls (:func:`design_cost`)::

    cost = N * per_case                                  (recruiting and surveying a case)
         + n_conditions * per_condition                  (measuring and analysing a condition)
         + N * extra_items * per_item                    (a longer instrument, every case)
         + N * participants_per_case * per_followup      (following up each case's participants)

``extra_items`` are the instrument items added to the analysed measured conditions to raise
their reliability to the design's, by the Spearman-Brown prophecy formula (Brown 1910; Spearman
1910): an instrument of ``k`` items with reliability ``r`` needs
``k * r' (1 - r) / (r (1 - r'))`` items for reliability ``r'``. Conditions recorded without an
instrument (records, counts) and a reliability at or below the scenario's add no items.

The declared costs come from a TOML ``[cost]`` table (or a mapping) with the keys of
:data:`COST_DEFAULTS`; every value is checked in :func:`cost_model` and a bad one is one
:class:`~experiments.errors.DesignError` naming the key. The defaults are *illustrative* units
(a planner replaces them with their own budget lines); only their ratios matter for the choice.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import DesignError

__all__ = ["CostModel", "COST_DEFAULTS", "cost_model", "design_cost", "extra_items"]

#: Defaults (and the allowed keys) of a ``[cost]`` table, in ``unit``.
COST_DEFAULTS: dict[str, Any] = {
    "unit": "cost units",
    "per_case": 100.0,          # recruiting and surveying one worker (case)
    "per_condition": 1000.0,    # measuring, calibrating and justifying one more condition
    "per_item": 2.0,            # one more instrument item answered by one case
    "per_followup": 25.0,       # following up one participant of one case to the outcome
    "fixed": 0.0,               # fixed cost of any study
}


@dataclass(frozen=True)
class CostModel:
    """Declared costs of a design's parts (see the module docstring); all in ``unit``."""

    unit: str = COST_DEFAULTS["unit"]
    per_case: float = COST_DEFAULTS["per_case"]
    per_condition: float = COST_DEFAULTS["per_condition"]
    per_item: float = COST_DEFAULTS["per_item"]
    per_followup: float = COST_DEFAULTS["per_followup"]
    fixed: float = COST_DEFAULTS["fixed"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (f"cost per case {self.per_case:g}, per condition {self.per_condition:g}, per extra "
                f"item per case {self.per_item:g}, per participant followed up "
                f"{self.per_followup:g}, fixed {self.fixed:g} ({self.unit})")


def cost_model(spec: CostModel | Mapping[str, Any] | str | Path | None = None) -> CostModel:
    """Read and check a cost model.

    Parameters
    ----------
    spec : CostModel, mapping, path or None
        A mapping of the keys of :data:`COST_DEFAULTS` (missing keys take the defaults), a TOML
        file whose ``[cost]`` table is such a mapping, or None (the defaults).

    Raises
    ------
    DesignError
        An unknown key, a cost that is not a finite number >= 0, a unit that is not a string,
        or a file that cannot be read.
    """
    if spec is None:
        return CostModel()
    if isinstance(spec, CostModel):
        return spec
    where = "cost"
    if isinstance(spec, str | Path):
        p = Path(spec)
        try:
            raw = tomllib.loads(p.read_text(encoding="utf-8"))
        except OSError as exc:
            raise DesignError(f"cost file {str(p)!r}: cannot read it ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise DesignError(f"cost file {str(p)!r}: invalid TOML: {exc}") from None
        if not isinstance(raw.get("cost"), dict):
            raise DesignError(f"cost file {str(p)!r}: no [cost] table")
        spec, where = raw["cost"], f"{p}: [cost]"
    if not isinstance(spec, Mapping):
        raise DesignError(f"{where}: must be a table of name = value, got {spec!r}")
    unknown = sorted(set(spec) - set(COST_DEFAULTS))
    if unknown:
        raise DesignError(f"{where}: unknown key {unknown[0]!r}; allowed: "
                          f"{', '.join(sorted(COST_DEFAULTS))}")
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key == "unit":
            if not isinstance(value, str) or not value.strip():
                raise DesignError(f"{where}: unit must be a non-empty string, got {value!r}")
            out[key] = value.strip()
            continue
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value) or value < 0):
            raise DesignError(f"{where}: {key} must be a finite number >= 0 (a cost in "
                              f"{spec.get('unit', COST_DEFAULTS['unit'])}), got {value!r}")
        out[key] = float(value)
    return CostModel(**out)


def extra_items(items: int, reliability: float, target: float | None) -> float:
    """Items to add to a ``items``-item instrument of ``reliability`` to reach ``target``
    (Spearman-Brown; 0 when ``target`` is None or not above ``reliability``; infinite for 1).

    Examples
    --------
    >>> round(extra_items(10, 0.8, 0.9), 6)
    12.5
    """
    if target is None or target <= reliability:
        return 0.0
    if target >= 1.0:
        return math.inf
    return items * target * (1 - reliability) / (reliability * (1 - target)) - items


def design_cost(model: CostModel, n_cases: int, n_conditions: int, items_added: float = 0.0,
                participants_per_case: float = 0.0) -> float:
    """The cost of a design (module docstring).

    Examples
    --------
    >>> design_cost(CostModel(), 100, 5)
    15000.0
    """
    return float(model.fixed + n_cases * model.per_case + n_conditions * model.per_condition
                 + n_cases * items_added * model.per_item
                 + n_cases * participants_per_case * model.per_followup)
