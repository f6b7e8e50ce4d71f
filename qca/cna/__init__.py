"""Coincidence Analysis (CNA) with the semantics of R's cna 4.0 (Ambühl & Baumgartner).

``cna`` finds minimally sufficient conditions (msc), atomic solution formulas (asf) and complex
solution formulas (csf) in crisp, multi-value and fuzzy-set data; ``is_submodel`` /
``identical_model`` compare models (Baumgartner & Thiem 2020); ``frscore`` ranks models by
fit-robustness over a grid of thresholds (Parkkinen & Baumgartner 2021).

>>> import pandas as pd
>>> from qca.cna import cna
>>> d = pd.DataFrame({"A": [1, 1, 0, 0], "B": [1, 0, 1, 0], "C": [1, 1, 1, 0]})
>>> list(cna(d, outcome="C").asf["condition"])
['A+B<->C']
"""

from ._data import CNAError
from .core import CNAResult, cna
from .frscore import FRScoreResult, frscore, score_models
from .submodel import identical_model, is_submodel, parse_model

__all__ = [
    "CNAError",
    "CNAResult",
    "cna",
    "FRScoreResult",
    "frscore",
    "score_models",
    "identical_model",
    "is_submodel",
    "parse_model",
]
