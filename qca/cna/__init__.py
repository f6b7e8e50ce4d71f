"""Coincidence Analysis (CNA) with the semantics of R's cna 4.0 (Ambühl & Baumgartner).

``cna`` finds minimally sufficient conditions (msc), atomic solution formulas (asf) and complex
solution formulas (csf); ``is_submodel`` / ``identical_model`` compare models (Baumgartner &
Thiem 2020); ``frscore`` ranks models by fit-robustness (Parkkinen & Baumgartner 2021).
"""

from ._data import CNAError
from .core import CNAResult, cna

__all__ = ["CNAError", "CNAResult", "cna"]
