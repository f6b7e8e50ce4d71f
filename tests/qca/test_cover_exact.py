"""The exact small-chart cover search: minimal, every tie once, the canonical cover of all ties."""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

import qca
from qca.cover import EXACT_ROWS, minimum_covers

from .strategies import crisp_data


@st.composite
def charts(draw, max_pi=12, max_rows=10):
    n_pi = draw(st.integers(1, max_pi))
    n_rows = draw(st.integers(1, max_rows))
    flat = draw(st.lists(st.booleans(), min_size=n_pi * n_rows, max_size=n_pi * n_rows))
    chart = np.array(flat, dtype=bool).reshape(n_pi, n_rows)
    for r in np.flatnonzero(~chart.any(axis=0)):  # every row coverable
        chart[draw(st.integers(0, n_pi - 1)), r] = True
    costs = np.array(draw(st.lists(st.integers(1, 5), min_size=n_pi, max_size=n_pi)))
    return chart, costs


def _brute(chart):
    n_pi = chart.shape[0]
    for k in range(1, n_pi + 1):
        found = [c for c in combinations(range(n_pi), k) if chart[list(c)].any(axis=0).all()]
        if found:
            return k, found
    raise AssertionError("unreachable")


def _milp_min(chart):
    res = milp(
        c=np.ones(chart.shape[0]),
        constraints=LinearConstraint(chart.T.astype(float), lb=1, ub=np.inf),
        integrality=np.ones(chart.shape[0]),
        bounds=Bounds(0, 1),
    )
    return round(res.fun)


@settings(max_examples=150, deadline=None)
@given(charts(), st.integers(1, 8))
def test_covers_are_minimal_and_every_tie_is_found_once(chart_costs, max_models):
    chart, costs = chart_costs
    size, ties = _brute(chart)
    res = minimum_covers(chart, max_models=max_models, costs=costs)
    assert res.size == size == _milp_min(chart)
    assert res.n_covers == len(ties) and res.counted_all
    assert len(set(res.covers)) == len(res.covers) == min(len(ties), max_models)
    assert set(res.covers) <= set(ties)
    full = minimum_covers(chart, max_models=10_000, costs=costs)
    assert sorted(full.covers) == sorted(ties)
    # The canonical cover is the best of ALL ties, whatever max_models, and always listed.
    best = min(ties, key=lambda c: (int(costs[list(c)].sum()), c))
    assert res.best == best and res.best_exact and best in res.covers
    assert set(res.in_some) == {p for c in ties for p in c}


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(20, EXACT_ROWS))
def test_wide_blocks_agree_with_integer_programming(seed, n_rows):
    # More than 40 implicants: the exact bit-set search replaces HiGHS on blocks <= 32 rows.
    rng = np.random.default_rng(seed)
    chart = rng.random((60, n_rows)) < 0.12
    for r in np.flatnonzero(~chart.any(axis=0)):
        chart[rng.integers(60), r] = True
    res = minimum_covers(chart, max_models=20)
    assert res.size == _milp_min(chart) and res.counted_all
    for cover in res.covers:
        assert len(cover) == res.size and chart[list(cover)].any(axis=0).all()


def test_node_budget_is_deterministic_and_flags_incompleteness():
    rng = np.random.default_rng(3)
    chart = rng.random((60, 30)) < 0.1
    for r in np.flatnonzero(~chart.any(axis=0)):
        chart[rng.integers(60), r] = True
    a = minimum_covers(chart, max_models=20, max_nodes=40)
    b = minimum_covers(chart, max_models=20, max_nodes=40)
    assert a == b and a.work <= 40 and a.stopped_by == "max_nodes" and not a.counted_all
    full = minimum_covers(chart, max_models=20)
    assert full.counted_all and full.stopped_by in (None, "max_models") and full.work > 40


def _solve(tt, include, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qca.minimize(tt, include=include, **kw)


@settings(max_examples=60, deadline=None)
@given(crisp_data(min_conditions=3), st.sampled_from([(), ("?",)]), st.integers(1, 3))
def test_first_model_and_tie_questions_do_not_depend_on_the_listing(data, include, cap):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt = qca.truth_table(data, "Y", incl_cut=0.75)
    assume((tt.rows["OUT"] == "1").any())
    full = _solve(tt, include, max_models=100_000)
    capped = _solve(tt, include, max_models=cap)
    assert full.complete and capped.n_models == full.n_models
    assert str(capped.models[0]) == str(full.models[0]) and capped.first_model_exact
    assert set(capped.tie_implicants) == {t for m in full.models for t in m.terms}
    one_literal = lambda t: len(t.literals) == 1  # noqa: E731
    short = lambda m: len(m.terms) <= 2  # noqa: E731
    for term_ok, model_ok in ((one_literal, None), (None, short), (one_literal, short)):
        want_any = any(
            (term_ok is None or all(term_ok(t) for t in m.expression.terms))
            and (model_ok is None or model_ok(m.expression))
            for m in full.models
        )
        want_all = all(
            (term_ok is None or all(term_ok(t) for t in m.expression.terms))
            and (model_ok is None or model_ok(m.expression))
            for m in full.models
        )
        assert capped.any_model(term_ok, model_ok) == want_any
        assert capped.all_models(term_ok, model_ok) == want_all


def test_solution_repr_prints_the_models_as_r():
    import pandas as pd

    d = pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 1, 0, 1], "Y": [0, 1, 1, 1]})
    assert repr(qca.minimize(qca.truth_table(d, "Y"))) == "M1: A + B -> Y"


@settings(max_examples=30, deadline=None)
@given(crisp_data(min_conditions=3))
def test_intermediate_reusing_its_parts_gives_the_same_solution(data):
    from qca.intermediate import intermediate_solution

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt = qca.truth_table(data, "Y", incl_cut=0.75)
        assume((tt.rows["OUT"] == "1").any())
        directions = [c for c in tt.conditions]
        alone = qca.minimize(tt, include="?", dir_exp=directions)
        parts = {
            "conservative": qca.minimize(tt),
            "parsimonious": qca.minimize(tt, include="?"),
        }
        reused = intermediate_solution(tt, directions, ("?",), **parts)
    assert [str(m) for m in reused.models] == [str(m) for m in alone.models]
    assert reused.model_sources == alone.model_sources
    assert reused.easy_counterfactuals == alone.easy_counterfactuals


def test_minimize_node_budget_is_deterministic_and_recorded():
    rng = np.random.default_rng(5)
    import pandas as pd

    d = pd.DataFrame(rng.integers(0, 2, size=(300, 8)), columns=list("ABCDEFGH"))
    d["Y"] = rng.integers(0, 2, 300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt = qca.truth_table(d, "Y", incl_cut=0.6)
        runs = [qca.minimize(tt, include="?", time_limit=None, max_nodes=30) for _ in range(2)]
        full = qca.minimize(tt, include="?", time_limit=None)
    assert [str(m) for m in runs[0].models] == [str(m) for m in runs[1].models]
    assert runs[0].n_models == runs[1].n_models
    assert full.search_finished and full.n_models == 29232
    assert not runs[0].search_finished and "max_nodes" in runs[0].search_status
    assert runs[0].n_models < full.n_models
