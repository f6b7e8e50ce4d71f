"""Tests of experiments.audit: the audit of a reported QCA solution."""

from __future__ import annotations

import math

import pytest

from experiments.audit import AuditDesign, DataQuality, audit, audit_html, likelihood_ratio
from experiments.errors import DesignError

RECIPE = "A*B + ~C*D"
DESIGN = AuditDesign(scenario="boolean", n_cases=80, conditions=("A", "B", "C", "D", "E"),
                     cal_type="crisp", incl_cut=0.8)
PERFECT = DataQuality(reliability=1.0, effects=(0.25,), overrides={"outcome_sd": 0.0},
                      sensitivity_reliabilities=(1.0,))


@pytest.fixture(scope="module")
def perfect():
    return audit(RECIPE, DESIGN, PERFECT, reps=15, seed=5, n_random=2, n_sub=2, n_super=1,
                 sensitivity=False, ceiling_population=5000)


def test_perfect_boolean_data_strongly_favour_the_true_recipe(perfect):
    t = perfect.truths.set_index("truth")
    assert t.loc["reported", "p_exact"] >= 0.8
    assert t.loc["null", "exact"] == 0
    assert (perfect.truths.loc[perfect.truths["kind"] == "alternative", "exact"] == 0).all()
    assert perfect.lr.loc["null", "lr"] > 10 and perfect.lr.loc["null", "low"] > 1
    assert perfect.lr.loc["alternatives", "lr"] > 10
    assert perfect.lr.loc["null (>= 1 path)", "lr"] > 1
    assert perfect.recoverable
    assert perfect.spurious_share < 0.1
    assert "evidence for the reported recipe" in perfect.verdict()
    assert not perfect.verdict().startswith("This result is no reliable")


def test_null_data_favour_no_reported_solution():
    # The outcome gap is so small next to the outcome noise that the data are practically null.
    q = DataQuality(reliability=1.0, effects=(0.01,), overrides={"outcome_sd": 0.1})
    r = audit(RECIPE, DESIGN, q, reps=15, seed=5, n_random=1, n_sub=1, n_super=0,
              sensitivity=False, ceiling_population=5000)
    t = r.truths.set_index("truth")
    assert t.loc["null", "exact"] == 0 and t.loc["null", "p_none"] > 0.8
    assert t.loc["null", "term_fdr"] == 1.0 or math.isnan(t.loc["null", "term_fdr"])
    assert not r.lr.loc["null", "low"] >= 1          # < 1, or NaN: no hit under either
    assert r.verdict().startswith(("This result is no reliable evidence",
                                   "This result is no evidence either way"))


def test_deterministic_for_a_seed_and_seed_matters():
    kw = dict(reps=6, n_random=2, n_sub=1, n_super=1, sensitivity=True, ceiling_population=3000)
    q = DataQuality(reliability=0.9, effects=(0.2, 0.1), sensitivity_reliabilities=(0.8, 1.0))
    a = audit(RECIPE, DESIGN, q, seed=11, **kw)
    b = audit(RECIPE, DESIGN, q, seed=11, **kw)
    c = audit(RECIPE, DESIGN, q, seed=12, **kw)
    assert a.summary() == b.summary()
    assert a.truths.equals(b.truths) and a.sensitivity.equals(b.sensitivity)
    assert a.truths["recipe"].tolist() != c.truths["recipe"].tolist() or \
        not a.truths.equals(c.truths)
    assert list(a.sensitivity.index) == ["reliability 0.8", "reliability 1"]
    html = audit_html(a)
    assert html.startswith("<section") and "Sensitivity" in html and "A*B" in html


def test_likelihood_ratio_smoothing_and_interval():
    r, lo, hi, sm = likelihood_ratio(20, 40, 5, 40)
    assert not sm and r == pytest.approx(4.0) and lo < 4 < hi
    r, lo, hi, sm = likelihood_ratio(0, 90, 0, 30)
    assert sm and math.isnan(r)          # no hit under either: no evidence either way
    r, lo, hi, sm = likelihood_ratio(10, 10, 0, 10)
    assert sm and r == pytest.approx(21.0) and 1 < lo < r < hi
    assert all(math.isnan(v) for v in likelihood_ratio(1, 0, 1, 1)[:3])


def test_bad_input_is_one_clear_error():
    with pytest.raises(DesignError, match="cannot read the reported solution"):
        audit("A**", DESIGN, PERFECT, reps=2)
    with pytest.raises(DesignError, match="not among the analysed conditions"):
        audit("A*Z", DESIGN, PERFECT, reps=2)
    with pytest.raises(DesignError, match="effect size"):
        audit(RECIPE, DESIGN, DataQuality(effects=(0.9,)), reps=2)
    with pytest.raises(DesignError, match="reps"):
        audit(RECIPE, DESIGN, PERFECT, reps=0)


def test_cli_audit_prints_verdict_and_writes_html(tmp_path):
    from click.testing import CliRunner

    from qcasim.cli import cli

    out = tmp_path / "audit.html"
    res = CliRunner().invoke(cli, ["audit", RECIPE, "--scenario", "boolean", "--n", "60",
                                   "--conditions", "A,B,C,D,E", "--effects", "0.25",
                                   "--reliability", "1", "--sensitivity-reliabilities", "1",
                                   "--reps", "4", "--seed", "2", "--html", str(out)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("This result is") and "Likelihood ratio" in res.output
    assert "<section" in out.read_text()
    bad = CliRunner().invoke(cli, ["audit", "A*Z", "--scenario", "boolean", "--conditions",
                                   "A,B", "--reps", "2"])
    assert bad.exit_code == 2 and "not among the analysed conditions" in bad.output
