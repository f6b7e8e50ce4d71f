"""qca.cna against R's cna 4.0 answers (tests/data/cna): same msc/asf/csf sets, measures to 1e-9."""

from __future__ import annotations

import json

import pytest

from qca.cna import identical_model, is_submodel

from .cna_reference import ROOT, answers, cases, check_answer

# Calls where we knowingly differ from R (each stated in qca.cna docstrings).
KNOWN = {
    "irrigate_noordering": "csf(n.init = 50) cap falls inside asf of equal complexity and fit, "
    "whose order (R's internal one) we do not reproduce: 1 of 50 csf differs",
    "gen_cyclic": "csf(n.init = 1000) of 1.9M combinations; as irrigate_noordering, 1 of 927 csf differs",
    "pacts_asfsel_none": "exhaustiveness/faithfulness of d.pacts (fuzzy, many memberships of 0.5)",
}
SLOW = {"volatile_ordering_ms6616", "volatile_outcome_ms4416", "volatile_ordering_ms444", "highdim_default"}


def _params(folder: str):
    out = []
    for a in answers(folder):
        marks = []
        if a["id"] in KNOWN:
            marks.append(pytest.mark.xfail(reason=KNOWN[a["id"]], strict=True))
        if a["id"] in SLOW:
            marks.append(pytest.mark.slow)
        out.append(pytest.param(a, id=a["id"], marks=marks))
    return out


@pytest.mark.parametrize("ans", _params("crisp"))
def test_crisp(ans):
    assert check_answer("crisp", ans) == []


@pytest.mark.parametrize("ans", _params("fuzzy"))
def test_fuzzy(ans):
    assert check_answer("fuzzy", ans) == []


@pytest.mark.parametrize("ans", _params("mv"))
def test_mv(ans):
    assert check_answer("mv", ans) == []


@pytest.mark.parametrize("ans", _params("examples"))
def test_examples(ans):
    if ans["id"] == "gen_psr_equiv":
        # R 4.0's csf() resets inus.def to "implication" whenever inus.only is logical, so R's
        # answer to csf(x, inus.def = "equivalence") is the implication answer; ours honours the
        # argument (see test_psr_equivalence_is_weaker), so compare with the implication run.
        ans = {**ans, "csf_call": ans["csf_call"].replace('inus.def = "equivalence"', "")}
    assert check_answer("examples", ans) == []


def test_psr_equivalence_is_weaker():
    from qca.cna import cna

    from .cna_reference import load_call

    ans = next(a for a in answers("examples") if a["id"] == "gen_psr_equiv")
    d, kw = load_call("examples", ans)
    eq = set(cna(d, **kw).models)
    kw["inus_def"] = "implication"
    imp = set(cna(d, **kw).models)
    assert imp < eq  # the equivalence definition finds fewer partial structural redundancies


@pytest.mark.parametrize("ans", answers("submodel"), ids=lambda a: a["id"])
def test_submodel_pairs(ans):
    assert is_submodel(ans["candidate"], ans["target"]) == ans["is_submodel"]
    assert is_submodel(ans["candidate"], ans["target"], strict=True) == ans["is_submodel_strict"]
    assert identical_model(ans["candidate"], ans["target"]) == ans["identical_model"]


@pytest.mark.parametrize("folder", ["crisp", "fuzzy", "mv"])
def test_submodel_of_targets(folder):
    n = 0
    for a in answers(folder):
        target = cases(folder)[a["case"]]["target"]
        conds = [r["condition"] for r in a["asf"]]
        got = is_submodel(conds, target)
        for r, g in zip(a["asf"], got):
            if "is_submodel_of_target" in r:
                assert bool(g) == r["is_submodel_of_target"], (a["id"], r["condition"], target)
                assert identical_model(r["condition"], target) == r["identical_to_target"]
                n += 1
    assert n > 0


def _csf_canon(s: str) -> frozenset:
    s = s.replace(" ", "")
    parts = [p.strip("()") for p in s.split(")*(")]
    out = []
    for p in parts:
        lhs, rhs = p.split("<->")
        out.append((rhs, frozenset(frozenset(c.split("*")) for c in lhs.split("+"))))
    return frozenset(out)


_CSF_CASES = json.loads((ROOT / "csf_r_answers.json").read_text())["cases"]


@pytest.mark.parametrize("case", _CSF_CASES, ids=lambda c: c["id"])
def test_csf_fallback_and_n_init_cap_match_r(case):
    """R cna 4.0 csf() on random crisp data (tests/data/cna/csf_r_answers.json): "fallback" cases
    return the asf separately (no csf survives), "n_init" cases cap the combinations."""
    import pandas as pd

    from qca.cna import cna

    res = cna(pd.DataFrame(case["data"]), con=case["con"], cov=case["cov"],
              maxstep=tuple(case["maxstep"]), n_init=case["n_init"])
    got = {_csf_canon(c): (con, cov, k) for c, con, cov, k in
           zip(res.csf["condition"], res.csf["con"], res.csf["cov"], res.csf["complexity"])}
    want = {_csf_canon(r["condition"]): (r["con"], r["cov"], r["complexity"]) for r in case["csf"]}
    assert set(got) == set(want)
    for key, (con, cov, k) in want.items():
        assert got[key][0] == pytest.approx(con, abs=1e-9)
        assert got[key][1] == pytest.approx(cov, abs=1e-9)
        assert got[key][2] == k
    if case["kind"] == "fallback":
        assert set(got) == {_csf_canon(r["condition"]) for r in case["asf"]}
        assert any("returned separately" in n for n in res.notes)
