"""Audit a published QCA result: how much evidence is a reported solution, given its design?

A reported QCA solution is one draw from a noisy procedure. :func:`audit` simulates the study as
reported (same N, conditions, calibration, cut-offs and solution type) under competing truths
and asks how often QCA, run as reported, returns exactly the reported solution:

(a) *reported*: the reported solution is the true recipe, at a range of effect sizes;
(b) *null*: the outcome is independent of every condition (hazard ratio 1, or equal outcome
    levels in and out of the recipe for Boolean scenarios), on the same cohorts;
(c) *alternatives*: random structures of similar complexity over the same conditions (drawn as
    cna's ``randomAsf`` / QCApro draw them: :func:`sim.boolean.random_structure`), and sub- and
    super-models of the reported solution (Baumgartner & Thiem 2020, ``is.submodel``).

Every truth is simulated on the same cohorts (one seed: common random numbers), so differences
between truths are not sampling noise in the cases. For each truth the share of replications
returning exactly the reported solution (any tied model with exactly its terms), a first model
sharing at least one of its terms, or none of them is estimated with Wilson (1927) intervals.
The likelihood ratio of "reported recipe true" against the null and against the alternatives
is the ratio of these exact-hit rates; the reported-true and alternative hypotheses are
composite, so their rates are pooled over their members with equal weight (a Bayes factor
under a uniform prior over the effect sizes and alternatives given). With hits under both,
intervals for the ratio are Katz et al. (1978) log intervals; when one rate has no hit each
rate is estimated on its own count with the Jeffreys prior and the interval is that of the
ratio of the two posteriors (so 0 hits in 150 null studies is stronger evidence than 0 in 10);
with no hit under either the audit says "no evidence either way". The expected share of
reported paths that are spurious is the posterior probability that a reported path is part of
no true path given that it was returned; it depends on the prior probability that the reported
recipe is true, so it is reported at several priors (:data:`SPURIOUS_PRIORS`). Whether the reported recipe
is recoverable at all is :func:`experiments.ceiling.population_ceiling` of the reported-true
cell at the middle effect size.

References
----------
Baumgartner, M., & Thiem, A. (2020). Often trusted but never (properly) tested: evaluating
qualitative comparative analysis. *Sociological Methods & Research* 49(2), 279-311.
Katz, D., Baptista, J., Azen, S. P., & Pike, M. C. (1978). Obtaining confidence intervals for
the risk ratio in cohort studies. *Biometrics* 34(3), 469-474.
Jeffreys, H. (1946). An invariant form for the prior probability in estimation problems.
*Proc. R. Soc. A* 186, 453-461.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*JASA* 22(158), 209-212.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from qca import Expression, parse
from sim.boolean import SCHEME as BOOLEAN_SCHEME
from sim.boolean import random_structure
from sim.generators import scheme_of

from .analysis import analyse_cohort
from .ceiling import DEFAULT_POPULATION, population_ceiling
from .errors import DesignError
from .intervals import wilson
from .metrics import score_models
from .params import DEFAULT_ANALYSIS
from .pipeline import cell_setup
from .scoring import as_expression, is_tautology, submodels

__all__ = ["AuditDesign", "DataQuality", "AuditResult", "audit", "audit_html",
           "likelihood_ratio", "no_evidence", "truth_sentence", "SPURIOUS_PRIORS"]

#: Default effect sizes: hazard ratios for programme scenarios, outcome gaps for Boolean ones.
PROGRAMME_EFFECTS = (0.1, 0.4, 0.7)
BOOLEAN_EFFECTS = (0.25, 0.1, 0.05)
BOOLEAN_LOW = 0.6


@dataclass(frozen=True)
class AuditDesign:
    """The study's design as reported.

    Attributes
    ----------
    scenario : str
        Built-in scenario, scenario TOML, or ``"boolean"`` (the reported solution's conditions,
        plus ``conditions``, as a Boolean data-generating structure).
    n_cases : int
        Number of cases analysed.
    conditions : sequence of str, optional
        Conditions analysed (default: all observed by the scenario; for ``"boolean"`` the
        reported solution's conditions).
    cal_type : {"crisp", "fuzzy"}
    incl_cut, n_cut : float, int
        Consistency cut-off and frequency threshold.
    solution : {"parsimonious", "conservative", "intermediate"}
    calibration : {"theory", "percentile"}
    """

    scenario: str = "kbop"
    n_cases: int = 65
    conditions: tuple[str, ...] | None = None
    cal_type: str = DEFAULT_ANALYSIS["cal_type"]
    incl_cut: float = 0.8
    n_cut: int = 1
    solution: str = "parsimonious"
    calibration: str = DEFAULT_ANALYSIS["calibration"]

    @property
    def boolean(self) -> bool:
        """The Boolean generator: the bare scheme name (the reported solution's conditions as a
        Boolean structure) or a ``"<scheme>:<recipe>"`` scenario that the registry maps to it."""
        return self.scenario == BOOLEAN_SCHEME or scheme_of(self.scenario) == BOOLEAN_SCHEME


@dataclass(frozen=True)
class DataQuality:
    """What is known or assumed about the data; every default is documented.

    Attributes
    ----------
    reliability : float, optional
        Measurement reliability of every measured condition, in (0, 1]. None: the scenario's
        own (KBOP: 0.85, within the instruments' published alpha range; Boolean: 1, perfect).
    effects : sequence of float, optional
        Effect sizes under which the reported recipe is taken as true. Programme scenarios:
        recipe hazard ratios in (0, 1) (default 0.1, 0.4, 0.7: strong to weak). Boolean: the
        gap between the outcome in and out of the recipe, in (0, 0.4] (default 0.25, 0.1, 0.05).
    sensitivity_reliabilities : sequence of float
        Reliabilities of the sensitivity table (default 0.7, 0.85, 0.98; programme
        scenarios require reliability < 1).
    overrides : mapping
        Further scenario overrides (e.g. outcome noise: ``participants.frailty_sd`` for KBOP,
        ``outcome_sd`` for Boolean scenarios).
    """

    reliability: float | None = None
    effects: tuple[float, ...] | None = None
    sensitivity_reliabilities: tuple[float, ...] = (0.7, 0.85, 0.98)
    overrides: Mapping[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- statistics


def likelihood_ratio(k1: int, n1: int, k0: int, n0: int, level: float = 0.95
                     ) -> tuple[float, float, float, bool]:
    """Ratio of two binomial rates ``(k1/n1) / (k0/n0)`` with an interval.

    With a hit in both rates: the plain ratio with the Katz et al. (1978) log interval. When a
    rate has no hit, each rate is estimated on its *own* count with the Jeffreys prior
    (posterior ``Beta(k + 1/2, n - k + 1/2)``, posterior mean ``(k + 1/2) / (n + 1)``): the
    ratio of posterior means, and the central ``level`` interval of the ratio of the two
    posteriors (20,000 draws from a fixed seed, so deterministic). A rate of 0 in 150
    replications is then smaller, and the ratio larger, than 0 in 10. When *both* rates have no
    hit the data say nothing about the ratio: NaNs (:func:`no_evidence` is True). Returns
    ``(ratio, low, high, smoothed)``; NaNs when ``n1`` or ``n0`` is 0.

    Examples
    --------
    >>> [round(v, 2) for v in likelihood_ratio(20, 40, 5, 40)[:3]]
    [4.0, 1.66, 9.61]
    >>> round(likelihood_ratio(10, 10, 0, 10)[0], 1), round(likelihood_ratio(10, 10, 0, 150)[0], 1)
    (21.0, 288.3)
    """
    if n1 <= 0 or n0 <= 0:
        return float("nan"), float("nan"), float("nan"), False
    if k1 == 0 and k0 == 0:
        return float("nan"), float("nan"), float("nan"), True
    if k1 > 0 and k0 > 0:
        ratio = (k1 / n1) / (k0 / n0)
        z = float(norm.ppf(0.5 + level / 2))
        se = math.sqrt(max(1 / k1 - 1 / n1 + 1 / k0 - 1 / n0, 0.0))
        return ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se), False
    ratio = ((k1 + 0.5) / (n1 + 1)) / ((k0 + 0.5) / (n0 + 1))
    rng = np.random.default_rng(20_000)
    draws = rng.beta(k1 + 0.5, n1 - k1 + 0.5, 20_000) / rng.beta(k0 + 0.5, n0 - k0 + 0.5, 20_000)
    lo, hi = np.quantile(draws, [0.5 - level / 2, 0.5 + level / 2])
    return float(ratio), float(lo), float(hi), True


def no_evidence(k1: int, k0: int) -> bool:
    """Neither rate has a hit: the simulations cannot tell the hypotheses apart."""
    return k1 == 0 and k0 == 0


#: Prior probabilities of "the reported recipe is true" at which the spurious share is shown;
#: the rest of the prior is split equally between the null and the alternatives.
SPURIOUS_PRIORS = (0.5, 1 / 3, 0.1, 0.01)


def _literals(term: Any) -> frozenset:
    return frozenset(term.literals)


def _part_of(term: Any, truth: Expression) -> bool:
    return any(_literals(term) <= _literals(t) for t in truth.terms)


# ----------------------------------------------------------------------------- truths


@dataclass(frozen=True)
class _Truth:
    name: str
    kind: str          # "reported", "null" or "alternative"
    recipe: Expression
    effect: float | None


def _effects(design: AuditDesign, quality: DataQuality) -> tuple[float, ...]:
    eff = quality.effects or (BOOLEAN_EFFECTS if design.boolean else PROGRAMME_EFFECTS)
    for e in eff:
        ok = 0 < e <= 0.4 if design.boolean else 0 < e < 1
        if not ok:
            raise DesignError(f"effect size {e} out of range: "
                              + ("outcome gaps in (0, 0.4] for Boolean scenarios" if design.boolean
                                 else "hazard ratios in (0, 1) (1 is the null)"))
    return tuple(float(e) for e in eff)


def _params(design: AuditDesign, quality: DataQuality, recipe: Expression, effect: float | None,
            conditions: Sequence[str], reliability: float | None) -> dict[str, Any]:
    """Replication parameters simulating ``recipe`` at ``effect`` (None: the null)."""
    p: dict[str, Any] = {"n_workers": design.n_cases, "conditions": list(conditions),
                         "cal_type": design.cal_type, "calibration": design.calibration,
                         "solutions": [design.solution], "incl_cut": design.incl_cut,
                         "n_cut": design.n_cut}
    if reliability is not None:
        p["reliability"] = float(reliability)
    ov = dict(quality.overrides)
    if design.boolean:
        p["scenario"] = f"{BOOLEAN_SCHEME}:{recipe}"
        gap = 0.0 if effect is None else effect
        ov.update({"observed": list(conditions), "low": BOOLEAN_LOW, "high": BOOLEAN_LOW + gap})
    else:
        p["scenario"] = design.scenario
        p["recipe_hazard_ratio"] = 1.0 if effect is None else float(effect)
        ov["recipe"] = str(recipe)
    p["overrides"] = ov
    return p


def _supermodels(reported: Expression, conditions: Sequence[str], rng: np.random.Generator,
                 n: int) -> list[Expression]:
    """Up to ``n`` models of which ``reported`` is a submodel: one term gets one more literal."""
    out: list[Expression] = []
    for _ in range(20 * n):
        if len(out) >= n:
            break
        i = int(rng.integers(len(reported.terms)))
        term = reported.terms[i]
        free = [c for c in conditions if c not in {lit[0] for lit in term.literals}]
        if not free:
            continue
        c = free[int(rng.integers(len(free)))]
        new = parse(f"{'~' if rng.integers(2) else ''}{c}*{term}")
        expr = Expression(tuple(new.terms[0] if j == i else t
                                for j, t in enumerate(reported.terms)))
        if str(expr) not in {str(e) for e in out}:
            out.append(expr)
    return out


def _alternatives(reported: Expression, conditions: Sequence[str], seed: int, n_random: int,
                  n_sub: int, n_super: int) -> list[_Truth]:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(2**31,))))
    max_len = max(len(t.literals) for t in reported.terms)
    out: list[_Truth] = []
    seen = {str(reported)}
    for i in range(n_random * 10):
        if sum(t.name.startswith("random") for t in out) >= n_random:
            break
        s = random_structure(list(conditions), n_paths=len(reported.terms),
                             max_length=min(max_len, len(conditions)),
                             seed=np.random.SeedSequence(seed, spawn_key=(2**31, i)))
        if s not in seen:
            seen.add(s)
            out.append(_Truth(f"random {len(out) + 1}", "alternative", parse(s), None))
    subs = [e for e in submodels(reported) if e.terms and str(e) not in seen]
    if subs:
        pick = rng.choice(len(subs), size=min(n_sub, len(subs)), replace=False)
        for j in sorted(int(x) for x in pick):
            seen.add(str(subs[j]))
            out.append(_Truth("submodel", "alternative", subs[j], None))
    for e in _supermodels(reported, conditions, rng, n_super):
        if str(e) not in seen:
            seen.add(str(e))
            out.append(_Truth("supermodel", "alternative", e, None))
    return out


# ----------------------------------------------------------------------------- simulation


def _simulate(params: Mapping[str, Any], reported: Expression, seed: int, reps: int,
              kind: str) -> dict[str, Any]:
    """QCA as reported on ``reps`` cohorts of one truth; counts of each event."""
    gen, spec = cell_setup(params)
    spec_r = dataclasses.replace(spec, truth=reported)
    sol = spec.outputs[0]
    n_exact = n_share = n_none = n_model = 0
    path_hits = np.zeros(len(reported.terms), dtype=int)
    fdr: list[float] = []
    rep_terms = [_literals(t) for t in reported.terms]
    for cohort in gen.cohorts(seed, list(range(reps))):
        rec = analyse_cohort(cohort, spec_r)
        if str(rec.get(f"{sol}.status", "")).startswith("error"):
            raise DesignError(f"the analysis failed on a simulated cohort: {rec[f'{sol}.status']}")
        text = (rec.get(f"{sol}.model") or "").strip()
        full = as_expression(text)
        tautology = is_tautology(full)   # every case positive: a false claim
        model = Expression(tuple(t for t in full.terms if len(t)))
        terms = [_literals(t) for t in model.terms]
        hits = np.array([t in terms for t in rep_terms])
        path_hits += hits
        exact = bool(rec[f"{sol}.any_exact"])
        n_exact += exact
        n_share += bool(hits.any()) and not exact
        n_none += not hits.any() and not exact
        if model.terms or tautology:
            n_model += 1
            if kind == "null" or tautology:
                fdr.append(1.0)
            else:
                fdr.append(float(score_models([model], gen.truth)["term_fdr"]))
    return {"reps": reps, "exact": n_exact, "shares_terms": n_share, "none": n_none,
            "any_model": n_model, "path_hits": path_hits.tolist(),
            "term_fdr": float(np.mean(fdr)) if fdr else float("nan"), "truth": gen.truth}


def _pool(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts of one truth simulated at several effect sizes, summed (term FDR averaged)."""
    out: dict[str, Any] = {k: sum(r[k] for r in results)
                           for k in ("reps", "exact", "shares_terms", "none", "any_model")}
    out["path_hits"] = np.sum([r["path_hits"] for r in results], axis=0).tolist()
    fdr = [r["term_fdr"] for r in results if not math.isnan(r["term_fdr"])]
    out["term_fdr"] = float(np.mean(fdr)) if fdr else float("nan")
    out["truth"] = results[0]["truth"]
    return out


# ----------------------------------------------------------------------------- result


@dataclass
class AuditResult:
    """What :func:`audit` found.

    Attributes
    ----------
    reported : Expression
    design : AuditDesign
    quality : DataQuality
    truths : DataFrame
        One row per truth: ``truth`` (label), ``kind``, ``recipe``, ``effect``, ``reps``,
        counts and rates (with Wilson intervals) of ``exact``, ``shares_terms`` and ``none``,
        ``p_path_<i>`` (each reported path among the first model's terms) and ``term_fdr``
        (mean share of the returned first model's terms that are part of no true path).
    lr : DataFrame
        Likelihood ratios of "reported true" (pooled over effects) vs ``null`` and vs
        ``alternatives`` (pooled), with intervals and whether smoothing was needed, for
        obtaining exactly the reported solution and (rows ``... (>= 1 path)``) for obtaining a
        first model that contains at least one reported path (weaker, partial evidence).
    spurious_share : float
        Expected share of the reported paths that are spurious, with prior 1/3 on "the
        reported recipe is true" (module docstring).
    spurious_by_prior : dict of float -> float
        The same share at each prior probability of :data:`SPURIOUS_PRIORS`.
    ceiling : str
        The population ceiling's sentence for the reported recipe.
    recoverable : bool
    sensitivity : DataFrame
        Rows: reliability; columns: effect size; cells: P(exact | reported true) and the LR vs
        the null at that reliability.
    seed : int
    """

    reported: Expression
    design: AuditDesign
    quality: DataQuality
    truths: pd.DataFrame
    lr: pd.DataFrame
    spurious_share: float
    ceiling: str
    recoverable: bool
    sensitivity: pd.DataFrame
    seed: int
    spurious_by_prior: dict[float, float] = field(default_factory=dict)

    def _rate(self, kind: str) -> tuple[int, int]:
        t = self.truths[self.truths["kind"] == kind]
        return int(t["exact"].sum()), int(t["reps"].sum())

    def _partial(self) -> str:
        """Clause on the weaker evidence: a first model sharing a reported path."""
        if "null (>= 1 path)" not in self.lr.index:
            return ""
        t = self.truths
        rate = {k: float((g["exact"] + g["shares_terms"]).sum() / g["reps"].sum())
                for k, g in t.groupby("kind")}
        r = self.lr.loc["null (>= 1 path)"]
        return (f"; a model sharing at least one reported path appears in "
                f"{rate.get('reported', float('nan')):.0%} of studies when the recipe is true "
                f"and {rate.get('null', float('nan')):.0%} under the null (likelihood ratio "
                f"{r['lr']:.3g}, {r['low']:.3g}-{r['high']:.3g})"
                + (", so individual paths, not the solution as a whole, carry some evidence"
                   if r["low"] > 1 else ", so not even single paths carry reliable evidence"))

    def verdict(self) -> str:
        """One plain-language sentence a commissioner can read."""
        k1, n1 = self._rate("reported")
        k0, n0 = self._rate("null")
        lr_null = self.lr.loc["null"]
        lr_alt = self.lr.loc["alternatives"] if "alternatives" in self.lr.index else lr_null
        p1, p0 = k1 / n1, k0 / n0
        if no_evidence(k1, k0):
            return (f"This result is no evidence either way: a study designed as reported "
                    f"returned exactly this solution in 0 of {n1} simulations when the recipe was "
                    f"true (95 % upper bound {wilson(0, n1)[1]:.0%}) and in 0 of {n0} under the "
                    f"null, so obtaining it cannot discriminate between them"
                    + self._partial() + ".")
        lows = [v for v in (lr_null["low"], lr_alt["low"]) if math.isfinite(v)]
        worst = min(lows) if lows else float("nan")
        if worst > 10:
            strength = "strong evidence for"
        elif worst > 3:
            strength = "moderate evidence for"
        elif worst > 1:
            strength = "weak evidence for"
        else:
            strength = "no reliable evidence for"
        if k1 == 0:
            strength = "evidence against" if lr_null["high"] < 1 else strength
            return (f"This result is {strength} the reported recipe: even if the recipe were "
                    f"true, a study designed as reported would return exactly this solution in "
                    f"0 of {n1} simulations (95 % upper bound {wilson(0, n1)[1]:.0%}), and under "
                    f"the null in {k0} of {n0}, so obtaining it cannot discriminate between "
                    f"them (likelihood ratio {lr_null['lr']:.3g}, 95 % interval "
                    f"{lr_null['low']:.3g}-{lr_null['high']:.3g})" + self._partial() + ".")
        return (f"This result is {strength} the reported recipe: a study designed as reported "
                f"returns exactly this solution in {p1:.0%} of simulations when the recipe is "
                f"true and in {p0:.0%} when the outcome is unrelated to the conditions "
                f"(likelihood ratio {lr_null['lr']:.3g}, 95 % interval {lr_null['low']:.3g}-"
                f"{lr_null['high']:.3g}; against similar alternative recipes "
                f"{lr_alt['lr']:.3g}, {lr_alt['low']:.3g}-{lr_alt['high']:.3g}).")

    def summary(self) -> str:
        """The verdict, then the evidence, as text."""
        d = self.design
        lines = [self.verdict(), "",
                 f"Reported solution: {self.reported}",
                 f"Design: scenario {d.scenario}, N = {d.n_cases}, {d.cal_type} calibration, "
                 f"incl_cut {d.incl_cut:g}, n_cut {d.n_cut}, {d.solution} solution; "
                 f"seed {self.seed}.",
                 f"Recoverable at all (population ceiling): {'yes' if self.recoverable else 'no'}."
                 f" {self.ceiling}",
                 "Expected share of reported paths that are spurious, by the prior probability "
                 "that the reported recipe is true (the rest split equally between the null and "
                 "the alternatives): " + (", ".join(
                     f"{_prior_label(p)} {v:.0%}" for p, v in self.spurious_by_prior.items())
                     or f"1/3 {self.spurious_share:.0%}") + ".", "",
                 "How often QCA run as reported returns the reported solution (95 % Wilson):"]
        lines.append(f"  {'truth':12s} {'effect':>6s} {'reps':>5s}  {'exact':>17s}  "
                     f"{'shares terms':>17s}  {'none':>17s}  {'term FDR':>8s}  recipe")
        for _, r in self.truths.iterrows():
            eff = ("all" if r["kind"] == "alternative" else "" if pd.isna(r["effect"])
                   else f"{r['effect']:g}")
            cells = "  ".join(f"{r[c]:5.0%} [{r[c + '_low']:4.0%},{r[c + '_high']:4.0%}]"
                              for c in ("p_exact", "p_shares_terms", "p_none"))
            fdr = "" if pd.isna(r["term_fdr"]) else f"{r['term_fdr']:.2f}"
            lines.append(f"  {r['truth']:12s} {eff:>6s} {r['reps']:5d}  {cells}  {fdr:>8s}  "
                         f"{r['recipe']}")
        lines += ["", "Likelihood ratio of 'reported recipe true' (pooled over effects), for "
                  "the exact solution and (>= 1 path) for a first model sharing a reported path:"]
        for name, r in self.lr.iterrows():
            lines.append(f"  vs {name:25s} {_lr_text(r)}")
        paths = [c for c in self.truths.columns if c.startswith("p_path_")]
        lines += ["", "Probability that each reported path appears in the first model:"]
        for i, (c, t) in enumerate(zip(paths, self.reported.terms)):
            by = self.truths.groupby("kind")[c].mean()
            lines.append(f"  path {i + 1} {t}: " + ", ".join(
                f"{k} {by[k]:.0%}" for k in ("reported", "null", "alternative") if k in by))
        lines += ["", "Sensitivity: P(exact | reported true) and LR vs null, by reliability "
                  "(rows) and effect size (columns):", self.sensitivity.to_string()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _prior_label(p: float) -> str:
    return "1/3" if abs(p - 1 / 3) < 1e-9 else f"{p:g}"


def _lr_text(r: Mapping[str, Any]) -> str:
    """A likelihood ratio row as text: the ratio and its interval, or 'no evidence'."""
    if not math.isfinite(r["lr"]):
        return "no evidence either way (no hit under either hypothesis)"
    sm = (" (Jeffreys: a rate had no hit, each rate estimated on its own count)"
          if r["smoothed"] else "")
    return f"{r['lr']:.3g} [95 % {r['low']:.3g}, {r['high']:.3g}]{sm}"


_KIND_TEXT = {"reported": "the reported recipe is true", "null": "the outcome is unrelated to "
              "every condition (the null)", "alternative": "a different recipe is true"}


def truth_sentence(row: Mapping[str, Any]) -> str:
    """One plain sentence for one competing truth of :attr:`AuditResult.truths`."""
    n = int(row["reps"])
    kind = row["kind"]
    what = _KIND_TEXT.get(kind, kind)
    if kind == "alternative":
        what = f"{what} ({row['truth']}: {row['recipe']}, pooled over the effect sizes)"
    elif kind == "reported" and not pd.isna(row["effect"]):
        what = f"{what} at effect size {row['effect']:g}"

    def rate(c: str) -> str:
        return (f"{int(row[c])} of {n} ({row['p_' + c]:.0%}, 95 % {row['p_' + c + '_low']:.0%}-"
                f"{row['p_' + c + '_high']:.0%})")

    return (f"If {what}, QCA run as reported returned exactly the reported solution in "
            f"{rate('exact')} simulated studies, a first model sharing a reported path in "
            f"{rate('shares_terms')}, and neither in {rate('none')}.")


def audit_html(result: AuditResult) -> str:
    """The audit as a readable HTML ``<section>``: the verdict, one sentence per competing
    truth, a labelled table of rates, the likelihood ratios in words, the spurious share by
    prior and the sensitivity table."""
    esc = html.escape
    t = result.truths
    cols = {"truth": "truth", "kind": "hypothesis", "effect": "effect size", "reps": "studies",
            "p_exact": "exactly the reported solution", "p_shares_terms": "shares a path only",
            "p_none": "neither", "term_fdr": "share of spurious terms", "recipe": "recipe"}

    def pct(r: Mapping[str, Any], c: str) -> str:
        return (f"{r['p_' + c]:.0%} <small>({r['p_' + c + '_low']:.0%}-"
                f"{r['p_' + c + '_high']:.0%})</small>")

    head = "".join(f"<th>{esc(v)}</th>" for v in cols.values())
    body = []
    for _, r in t.iterrows():
        eff = ("all" if r["kind"] == "alternative" else "" if pd.isna(r["effect"])
               else f"{r['effect']:g}")
        fdr = "" if pd.isna(r["term_fdr"]) else f"{r['term_fdr']:.2f}"
        body.append(f"<tr><td>{esc(str(r['truth']))}</td><td>{esc(str(r['kind']))}</td>"
                    f"<td>{eff}</td><td>{int(r['reps'])}</td><td>{pct(r, 'exact')}</td>"
                    f"<td>{pct(r, 'shares_terms')}</td><td>{pct(r, 'none')}</td><td>{fdr}</td>"
                    f"<td><code>{esc(str(r['recipe']))}</code></td></tr>")
    sentences = "".join(f"<li>{esc(truth_sentence(r))}</li>" for _, r in t.iterrows())
    lrs = "".join(f"<li>Reported recipe true vs {esc(str(name))}: {esc(_lr_text(r))}</li>"
                  for name, r in result.lr.iterrows())
    priors = ", ".join(f"{_prior_label(p)}: {v:.0%}" for p, v in result.spurious_by_prior.items())
    sens = ("" if result.sensitivity.empty else
            "<h3>Sensitivity: P(exactly the reported solution | reported recipe true) and the "
            "likelihood ratio against the null, by reliability (rows) and effect size "
            f"(columns)</h3>{result.sensitivity.to_html(escape=True)}")
    return (f"<section class='audit'><h2>Audit of a reported QCA solution</h2>"
            f"<p><strong>{esc(result.verdict())}</strong></p>"
            f"<p>Reported solution: <code>{esc(str(result.reported))}</code>. Population "
            f"ceiling: {esc(result.ceiling)}</p>"
            f"<h3>What QCA returns under each competing truth</h3><ul>{sentences}</ul>"
            f"<table class='audit-rates'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}"
            f"</tbody></table><p><small>Rates with 95 % Wilson intervals.</small></p>"
            f"<h3>Likelihood ratios</h3><ul>{lrs}</ul>"
            f"<h3>How many reported paths are spurious?</h3><p>Expected share of the reported "
            f"paths that are part of no true path, given that they were returned, by the prior "
            f"probability that the reported recipe is true (the rest of the prior split "
            f"equally between the null and the alternatives): {esc(priors)}.</p>"
            f"{sens}</section>")


# ----------------------------------------------------------------------------- the audit


def _row(t: _Truth, res: Mapping[str, Any]) -> dict[str, Any]:
    n = res["reps"]
    row: dict[str, Any] = {"truth": t.name, "kind": t.kind, "recipe": str(t.recipe),
                           "effect": np.nan if t.effect is None else t.effect, "reps": n}
    for c in ("exact", "shares_terms", "none"):
        row[c] = res[c]
        row[f"p_{c}"] = res[c] / n
        row[f"p_{c}_low"], row[f"p_{c}_high"] = wilson(res[c], n)
    for i, h in enumerate(res["path_hits"]):
        row[f"p_path_{i + 1}"] = h / n
    row["term_fdr"] = res["term_fdr"]
    row["_truth_expr"] = res["truth"]
    return row


def audit(reported: str | Expression, design: AuditDesign | None = None,
          quality: DataQuality | None = None, reps: int = 100, seed: int = 1,
          n_random: int = 4, n_sub: int = 3, n_super: int = 2, sensitivity: bool = True,
          ceiling_population: int = DEFAULT_POPULATION) -> AuditResult:
    """Audit a reported QCA solution by simulating its study under competing truths.

    Parameters
    ----------
    reported : str or Expression
        The reported solution (qca syntax, e.g. ``"~SBW*INNOV*~CASELOAD + ..."``).
    design : AuditDesign
        The design as reported (default: KBOP, N = 65, crisp, 0.8, parsimonious).
    quality : DataQuality
        Measurement reliability, effect sizes, other data-quality overrides.
    reps : int
        Replications per truth (and per sensitivity cell).
    seed : int
        The one seed: every truth is simulated on the cohorts of this seed; alternatives are
        drawn from it too. Results are deterministic for a seed.
    n_random, n_sub, n_super : int
        Number of random alternative structures, submodels and supermodels simulated.
    sensitivity : bool
        Compute the reliability x effect size table (``quality.sensitivity_reliabilities``).
    ceiling_population : int
        Cases of the population-ceiling simulation.

    Returns
    -------
    AuditResult

    Raises
    ------
    DesignError
        A reported solution that does not parse, names conditions that are not analysed, or
        bad design or quality values.
    """
    design = design or AuditDesign()
    quality = quality or DataQuality()
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise DesignError(f"reps must be a positive integer, got {reps!r}")
    try:
        rep_expr = as_expression(reported)
    except ValueError as exc:
        raise DesignError(f"cannot read the reported solution {reported!r}: {exc}") from None
    if not rep_expr.terms:
        raise DesignError("the reported solution has no term")
    if design.solution not in ("parsimonious", "conservative", "intermediate"):
        raise DesignError(f"solution must be parsimonious, conservative or intermediate, got "
                          f"{design.solution!r}")
    if design.boolean:
        conds = tuple(design.conditions or sorted(rep_expr.conditions))
    else:
        gen, _ = cell_setup({"scenario": design.scenario, "solutions": [design.solution]})
        conds = tuple(design.conditions or gen.observed_conditions)
    missing = [c for c in rep_expr.conditions if c not in conds]
    if missing:
        raise DesignError(f"the reported solution names {', '.join(missing)}, not among the "
                          f"analysed conditions ({', '.join(conds)})")
    effects = _effects(design, quality)
    rel = quality.reliability

    truths = [_Truth("reported", "reported", rep_expr, e) for e in effects]
    truths.append(_Truth("null", "null", rep_expr, None))
    truths += _alternatives(rep_expr, conds, seed, n_random, n_sub, n_super)
    mid = effects[len(effects) // 2]
    rows = []
    for t in truths:
        if t.kind == "alternative":   # at every effect size, pooled (as "reported true" is)
            res = _pool([_simulate(_params(design, quality, t.recipe, e, conds, rel), rep_expr,
                                   seed, reps, t.kind) for e in effects])
        else:
            res = _simulate(_params(design, quality, t.recipe, t.effect, conds, rel), rep_expr,
                            seed, reps, t.kind)
        rows.append(_row(t, res))
    table = pd.DataFrame(rows)

    def pooled(kind: str) -> tuple[int, int]:
        s = table[table["kind"] == kind]
        return int(s["exact"].sum()), int(s["reps"].sum())

    def pooled_any(kind: str) -> tuple[int, int]:
        s = table[table["kind"] == kind]
        return int((s["exact"] + s["shares_terms"]).sum()), int(s["reps"].sum())

    lr_rows = {}
    for event, count in (("", pooled), (" (>= 1 path)", pooled_any)):
        k1, n1 = count("reported")
        for kind, label in (("null", "null"), ("alternative", "alternatives")):
            k0, n0 = count(kind)
            if n0:
                r, lo, hi, sm = likelihood_ratio(k1, n1, k0, n0)
                lr_rows[label + event] = {"lr": r, "low": lo, "high": hi, "smoothed": sm}
    lr = pd.DataFrame(lr_rows).T
    spurious = _spurious_share(table, rep_expr)
    by_prior = {p: _spurious_share(table, rep_expr, p) for p in SPURIOUS_PRIORS}

    ceil = population_ceiling(_params(design, quality, rep_expr, mid, conds, rel),
                              n_population=ceiling_population, seed=seed)
    sens = _sensitivity(design, quality, rep_expr, conds, effects, reps, seed) if sensitivity \
        else pd.DataFrame()
    return AuditResult(rep_expr, design, quality, table.drop(columns="_truth_expr"),
                       lr, spurious, ceil.cause(), ceil.recoverable(), sens, seed, by_prior)


def _spurious_share(table: pd.DataFrame, reported: Expression, prior: float = 1 / 3) -> float:
    """Posterior share of reported paths part of no true path, given they were returned.

    The prior puts ``prior`` on "the reported recipe is true" (its effect sizes weighted
    equally) and ``(1 - prior) / 2`` on each of the null and the alternatives (members weighted
    equally); ``prior = 1/3`` is equal weight on the three classes."""
    weight = {"reported": prior, "null": (1 - prior) / 2, "alternative": (1 - prior) / 2}
    shares = []
    for i, term in enumerate(reported.terms):
        num = den = 0.0
        for kind, group in table.groupby("kind"):
            w = weight.get(kind, 0.0) / len(group)
            for _, r in group.iterrows():
                p = r[f"p_path_{i + 1}"] * w
                spurious = kind == "null" or not _part_of(term, r["_truth_expr"])
                den += p
                num += p * spurious
        if den > 0:
            shares.append(num / den)
    return float(np.mean(shares)) if shares else float("nan")


def _sensitivity(design: AuditDesign, quality: DataQuality, reported: Expression,
                 conds: Sequence[str], effects: Sequence[float], reps: int, seed: int
                 ) -> pd.DataFrame:
    out: dict[str, dict[str, str]] = {}
    for rel in quality.sensitivity_reliabilities:
        null = _simulate(_params(design, quality, reported, None, conds, rel), reported, seed,
                         reps, "null")
        row = {}
        for e in effects:
            res = _simulate(_params(design, quality, reported, e, conds, rel), reported, seed,
                            reps, "reported")
            lr = likelihood_ratio(res["exact"], reps, null["exact"], reps)[0]
            ratio = f"LR {lr:.3g}" if math.isfinite(lr) else "no hit either way"
            row[f"effect {e:g}"] = f"{res['exact'] / reps:.0%} ({ratio})"
        out[f"reliability {rel:g}"] = row
    return pd.DataFrame(out).T
