"""Load the R cna 4.0 reference answers (tests/data/cna) and compare qca.cna results with them."""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from qca.cna import cna

ROOT = Path(__file__).resolve().parents[1] / "data" / "cna"
TOL = 1e-9
MEASURE_COLS = ("con", "cov", "scon", "scov", "ccon", "ccov", "PAcon", "PACcov", "AACcon", "AAcov")
LOGICAL_COLS = ("exhaustiveness", "faithfulness", "coherence")

ARG_MAP = {
    "con.msc": "con_msc",
    "only.minimal.msc": "only_minimal_msc",
    "inus.only": "inus_only",
    "rm.const.factors": "rm_const_factors",
    "asf.selection": "asf_selection",
    "acyclic.only": "acyclic_only",
    "suff.only": "suff_only",
}


@cache
def answers(folder: str) -> list[dict]:
    return json.loads((ROOT / folder / "answers.json").read_text())["answers"]


@cache
def cases(folder: str) -> dict[str, dict]:
    return {c["id"]: c for c in json.loads((ROOT / folder / "cases.json").read_text())["cases"]}


def _csv(folder: str, read: str) -> pd.DataFrame:
    file = re.search(r'read\.csv\("([^"]+)"', read).group(1)
    return pd.read_csv(ROOT / folder / file, index_col=0 if "row.names = 1" in read else None)


def load_call(folder: str, ans: dict) -> tuple[pd.DataFrame, dict]:
    """The data frame and qca.cna keyword arguments that reproduce one R call."""
    d = _csv(folder, ans["read"])
    kw: dict = {}
    if folder != "examples":
        case = cases(folder)[ans["case"]]
        kw.update(outcome=case["outcome"], con=ans["con"], cov=ans["cov"], maxstep=tuple(ans["maxstep"]))
        if folder == "mv":
            kw["type"] = "mv"
        if folder == "fuzzy":
            kw["type"] = "fs"
        return d, kw
    spec = ans.get("prep_spec") or {}
    if "drop_rows_1based" in spec:
        d = d.drop(index=d.index[[i - 1 for i in spec["drop_rows_1based"]]])
    if "append_rows" in spec:
        d = pd.concat([d, pd.DataFrame(spec["append_rows"], columns=d.columns)], ignore_index=True)
    if "rows_1based" in spec:
        a, b = (int(v) for v in spec["rows_1based"].split(":"))
        d = d.iloc[a - 1 : b]
    if "columns" in spec:
        d = d[spec["columns"]]
    if "keep_rows_where" in spec:
        col, val = (s.strip() for s in spec["keep_rows_where"].split("=="))
        d = d[d[col] == float(val)]
    if "configTable" in spec:
        ct = spec["configTable"]
        cols = list(d.columns[:8]) if ct["columns"] == "first 8" else ct["columns"]
        kw["frequency"] = d[ct["frequency_column"]].to_numpy()
        if "case.cutoff" in ct:
            kw["case_cutoff"] = ct["case.cutoff"]
        d = d[cols]
    for k, v in ans["args"].items():
        if k == "details":
            continue
        kw[ARG_MAP.get(k, k)] = tuple(v) if isinstance(v, list) and k in ("maxstep", "measures") else v
    call = ans.get("csf_call") or ""
    m = re.search(r"n\.init = (\d+)", call)
    if m:
        kw["n_init"] = int(m.group(1))
    if "inus.only = FALSE" in call:
        kw["inus_only"] = False
    if 'inus.def = "equivalence"' in call:
        kw["inus_def"] = "equivalence"
    if "acyclic.only = TRUE" in call:
        kw["acyclic_only"] = True
    return d, kw


def _literal_key(lit: str) -> str:
    return lit.strip()


def formula_key(cond: str) -> frozenset:
    """A csf/asf/msc string as a set of (outcome, set of disjuncts as sets of literals)."""
    cond = cond.replace(" ", "")
    parts = re.findall(r"\(([^()]*)\)", cond) if cond.startswith("(") else [cond]
    out = []
    for p in parts:
        arrow = "<->" if "<->" in p else "->"
        lhs, rhs = p.split(arrow)
        dnf = frozenset(frozenset(_literal_key(x) for x in d.split("*")) for d in lhs.split("+"))
        out.append((rhs, dnf))
    return frozenset(out)


def compare_table(ours: pd.DataFrame, theirs: list[dict], what: str, check_details: bool = True) -> list[str]:
    """Differences between our table and R's rows (as a list of messages; empty when equal)."""
    problems = []
    r_rows = {formula_key(r["condition"]): r for r in theirs}
    o_rows = {formula_key(c): rec for c, rec in zip(ours["condition"], ours.to_dict("records"))}
    missing = set(r_rows) - set(o_rows)
    extra = set(o_rows) - set(r_rows)
    if missing:
        problems.append(
            f"{what}: {len(missing)} of R's missing, "
            f"e.g. {[r_rows[k]['condition'] for k in list(missing)[:3]]}"
        )
    if extra:
        problems.append(
            f"{what}: {len(extra)} extra, e.g. {[o_rows[k]['condition'] for k in list(extra)[:3]]}"
        )
    for k in set(r_rows) & set(o_rows):
        r, o = r_rows[k], o_rows[k]
        cols = [c for c in (*MEASURE_COLS, "complexity") if c in r]
        if not check_details:
            cols = [c for c in ("con", "cov", "complexity") if c in r]
        else:
            cols += [c for c in (*LOGICAL_COLS, "inus", "cyclic") if c in r]
        for c in cols:
            a, b = o.get(c), r[c]
            if isinstance(b, bool) or isinstance(a, (bool, np.bool_)):
                if bool(a) != bool(b):
                    problems.append(f"{what} {r['condition']}: {c} ours {a} R {b}")
            elif b is None or (isinstance(b, str)):
                if not (a is None or (isinstance(a, float) and math.isnan(a))):
                    problems.append(f"{what} {r['condition']}: {c} ours {a} R {b}")
            elif not math.isclose(float(a), float(b), rel_tol=0, abs_tol=TOL):
                problems.append(f"{what} {r['condition']}: {c} ours {a} R {b}")
    return problems


def check_answer(folder: str, ans: dict) -> list[str]:
    d, kw = load_call(folder, ans)
    res = cna(d, **kw)
    problems = compare_table(res.msc, ans["msc"], "msc", check_details=False) if "msc" in ans else []
    problems += compare_table(res.asf, ans.get("asf") or [], "asf")
    if ans.get("csf") is not None and ans.get("csf_call"):
        problems += compare_table(res.csf, ans["csf"], "csf")
    return problems
