"""Loading the R QCA 3.25 reference cases copied from shared/reference into tests/data."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd

import qca

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


def cases(subset: str) -> list[dict]:
    return json.loads((REFERENCE / subset / "cases.json").read_text())


def answer(subset: str, case_id: str, bug: bool = False) -> dict | None:
    path = REFERENCE / subset / ("answers_r_bug" if bug else "answers") / f"{case_id}.json"
    return json.loads(path.read_text()) if path.exists() else None


def data(subset: str, case: dict) -> pd.DataFrame:
    df = pd.read_csv(REFERENCE / subset / case["file"])
    return df.set_index("case") if "case" in df.columns else df


def truth_table(subset: str, case: dict, **kw) -> qca.TruthTable:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qca.truth_table(
            data(subset, case),
            case["outcome"],
            case["conditions"],
            incl_cut=case["incl_cut"],
            n_cut=case["n_cut"],
            pri_cut=case["pri_cut"],
            **kw,
        )


def term_set(term: str) -> frozenset:
    return frozenset(term.replace(" ", "").split("*"))


def model_set(terms) -> frozenset:
    return frozenset(term_set(t) for t in terms)


def all_cases() -> list[tuple[str, dict]]:
    return [("random", c) for c in cases("random")] + [("datasets", c) for c in cases("datasets")]
