"""qca.cna: invariants on random data, ideal-data recovery, frscore, results objects, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qca
from qca.cna import CNAError, cna, frscore, identical_model, is_submodel, score_models
from qca.cna._measures import MEASURES


def _ideal(target_fn, factors: str, outcome: str) -> pd.DataFrame:
    rows = [dict(zip(factors, v)) for v in itertools.product([0, 1], repeat=len(factors))]
    d = pd.DataFrame(rows)
    d[outcome] = [int(target_fn(r)) for r in rows]
    return d


def _recompute(cond: str, d: pd.DataFrame) -> tuple[float, float]:
    lhs, out = cond.split("<->")
    x = np.zeros(len(d))
    for conj in lhs.split("+"):
        t = np.ones(len(d))
        for lit in conj.split("*"):
            t = np.minimum(t, d[lit].to_numpy(float) if lit.isupper() else 1 - d[lit.upper()].to_numpy(float))
        x = np.maximum(x, t)
    y = d[out].to_numpy(float)
    return float(np.minimum(x, y).sum() / x.sum()), float(np.minimum(x, y).sum() / y.sum())


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(12, 60),
    level=st.sampled_from([1.0, 0.9, 0.8, 0.75]),
    fuzzy=st.booleans(),
)
def test_every_asf_meets_thresholds_and_is_redundancy_free(seed, n, level, fuzzy):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(n, 5)).astype(float)
    if fuzzy:
        x = np.abs(x - rng.uniform(0, 0.45, size=x.shape))
    d = pd.DataFrame(x, columns=list("ABCDE"))
    res = cna(d, outcome="E", con=level, cov=level)
    for row in res.asf.to_dict("records"):
        assert row["con"] >= level - 1e-9 and row["cov"] >= level - 1e-9
        assert row["inus"]
        con, cov = _recompute(row["condition"], d)
        assert con == pytest.approx(row["con"], abs=1e-9)
        assert cov == pytest.approx(row["cov"], abs=1e-9)
        assert 0 <= row["exhaustiveness"] <= 1 and 0 <= row["faithfulness"] <= 1
        for m in MEASURES:
            assert 0 <= row[m] <= 1 + 1e-12
    # every msc is minimal: no proper sub-conjunction is itself an msc
    conds = [set(c.split("->")[0].split("*")) for c in res.msc["condition"]]
    for a, b in itertools.permutations(conds, 2):
        assert not a < b


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**31))
def test_ideal_data_recover_the_target(seed):
    """On all configurations compatible with a MINUS target, cna at con = cov = 1 returns it."""
    rng = np.random.default_rng(seed)
    f = list("ABCD")
    a, b, c = rng.permutation(f)[:3]
    pa, pb, pc = rng.integers(0, 2, 3)
    lit = lambda name, pos: name if pos else name.lower()  # noqa: E731
    target = f"{lit(a, pa)}*{lit(b, pb)}+{lit(c, pc)}<->E"
    d = _ideal(lambda r: (r[a] == pa and r[b] == pb) or r[c] == pc, "ABCD", "E")
    res = cna(d, outcome="E")
    assert any(identical_model(m, target) for m in res.models), (target, res.models)
    assert all(is_submodel(m, target) or not identical_model(m, target) for m in res.models)


def test_chain_csf_is_found_and_printed():
    # A*b + a*B <-> C, C*d + c*D <-> E over all compatible configurations
    rows = []
    for a, b, dd in itertools.product([0, 1], repeat=3):
        c = int((a and not b) or (not a and b))
        e = int((c and not dd) or (not c and dd))
        rows.append({"A": a, "B": b, "C": c, "D": dd, "E": e})
    d = pd.DataFrame(rows)
    res = cna(d, ordering="A, B, D < C < E", strict=True)
    target = "(A*b + a*B <-> C)*(C*d + c*D <-> E)"
    assert any(identical_model(m, target) for m in res.models)
    text = str(res)
    assert "Complex solution formulas" in text and "A*b+a*B<->C" in text
    assert "<table" in res._repr_html_()
    frame = res.to_frame("csf")
    assert {"coherence", "cyclic", "exhaustiveness", "faithfulness"} <= set(frame.columns)
    assert res.to_frame("msc").shape[0] == len(res.msc)


def test_multivalue_and_notcols_and_exclude():
    d = pd.DataFrame({"A": [1, 2, 3, 1, 2, 3], "B": [1, 1, 1, 2, 2, 2], "C": [1, 2, 2, 1, 2, 2]})
    res = cna(d, outcome="C=2")
    assert "A=2+A=3<->C=2" in set(res.asf["condition"])
    excl = cna(d, outcome="C=2", exclude="A=3 -> C=2")
    assert "A=2+A=3<->C=2" not in set(excl.asf["condition"])
    cs = pd.DataFrame({"A": [1, 1, 0, 0], "B": [1, 0, 1, 0], "C": [1, 1, 1, 0]})
    neg = cna(cs, notcols=["C"], outcome=None)
    assert "a*b<->c" in set(neg.asf["condition"])


def test_frscore_ranks_the_robust_model_first():
    rng = np.random.default_rng(3)
    d = _ideal(lambda r: (r["A"] and r["B"]) or r["C"], "ABCD", "E")
    d = pd.concat([d] * 3, ignore_index=True)
    flip = rng.random(len(d)) < 0.06
    d["E"] = np.where(flip, 1 - d["E"], d["E"])
    fr = frscore(d, outcome="E")
    assert is_submodel(fr.best[0], "A*B + C <-> E")
    assert fr.table["norm_score"].iloc[0] == 1.0
    assert len(fr.runs) == 16
    assert "Fit-robustness" in str(fr) and "<table" in fr._repr_html_()


def test_score_models_counts_sub_and_supermodels():
    t = score_models(["A*B+C<->E", "A*B+C<->E", "C<->E", "D<->E"], normalize="none")
    s = dict(zip(t["model"], t["score"]))
    # A*B+C: the other identical occurrence (2) + C<->E as a submodel (1)
    assert s["A*B+C<->E"] == 3
    assert s["C<->E"] == 2  # a submodel of two occurrences
    assert s["D<->E"] == 0


def test_top_level_exports():
    assert qca.cna is not None and qca.is_submodel("C <-> D", "A*b + C <-> D")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"con": 1.5}, "con must be in"),
        ({"outcome": "Z"}, "unknown factor"),
        ({"maxstep": (3, 4)}, "maxstep"),
        ({"measures": ("scov", "scon")}, "measure"),
        ({"ordering": "A < Q"}, "unknown factor"),
        ({"asf_selection": "fs"}, "not implemented"),
        ({"exclude": "A"}, "exclude rule"),
    ],
)
def test_bad_arguments(kwargs, match):
    d = pd.DataFrame({"A": [1, 0, 1, 0], "B": [1, 1, 0, 0], "C": [1, 1, 1, 0]})
    with pytest.raises(CNAError, match=match):
        cna(d, **kwargs)


def test_bad_data():
    with pytest.raises(CNAError, match="numeric"):
        cna(pd.DataFrame({"A": ["x", "y"], "B": [1, 0]}))
    with pytest.raises(CNAError, match="missing"):
        cna(pd.DataFrame({"A": [1.0, np.nan], "B": [1, 0]}))
    with pytest.raises(CNAError, match="DataFrame or a mapping"):
        cna([[1, 0], [0, 1]])
    with pytest.raises(CNAError, match="no '<->'"):
        is_submodel("A + B", "A <-> C")
    with pytest.raises(CNAError, match="con and cov"):
        frscore(pd.DataFrame({"A": [1, 0], "B": [1, 0]}), con=0.8)
    assert issubclass(CNAError, qca.QCAError)


def test_mapping_input_gives_the_same_result():
    d = _ideal(lambda r: (r["A"] and not r["B"]) or r["C"], "ABCD", "E")
    a = cna(d, outcome="E")
    b = cna({c: d[c].to_numpy() for c in d.columns}, outcome="E")
    assert a.models == b.models == ("C+A*b<->E",)
