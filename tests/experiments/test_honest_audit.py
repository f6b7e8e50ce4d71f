"""Issue #19: audit statistics on each rate's own count, and a readable HTML section."""

import math

from experiments.audit import SPURIOUS_PRIORS, AuditDesign, DataQuality, audit, audit_html, likelihood_ratio


def test_likelihood_ratio_changes_with_the_null_size():
    ratios = [likelihood_ratio(10, 50, 0, n0) for n0 in (10, 50, 150)]
    assert ratios[0][0] < ratios[1][0] < ratios[2][0]
    assert ratios[0][1] < ratios[1][1] < ratios[2][1]      # lower bounds too
    assert all(r[3] for r in ratios)


def test_no_hit_under_either_is_no_evidence():
    r = likelihood_ratio(0, 150, 0, 50)
    assert all(math.isnan(v) for v in r[:3]) and r[3]


def test_audit_html_is_readable_and_priors_are_explicit():
    design = AuditDesign(scenario="boolean", n_cases=60, conditions=("A", "B", "C", "D"),
                         cal_type="crisp", incl_cut=0.8)
    q = DataQuality(reliability=1.0, effects=(0.25,), overrides={"outcome_sd": 0.0})
    a = audit("A*B + ~C*D", design, q, reps=8, seed=3, n_random=1, n_sub=1, n_super=0,
              sensitivity=False, ceiling_population=3000)
    assert set(a.spurious_by_prior) == set(SPURIOUS_PRIORS)
    assert a.spurious_by_prior[0.5] <= a.spurious_by_prior[0.01]
    page = audit_html(a)
    assert "p_exact_low" not in page and "p_shares_terms" not in page
    assert page.count("QCA run as reported returned exactly the reported solution") == len(a.truths)
    assert "prior probability that the reported recipe is true" in page
    assert "1/3" in a.summary() and "0.01" in a.summary()
