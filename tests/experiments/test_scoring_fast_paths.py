"""Fast scoring paths: light_scores (per distinct term) equals is_correct / equality model by
model; is_equivalent (bit masks) is equality of Boolean functions over every configuration."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.scoring import is_correct, is_equivalent, light_scores
from qca import Expression, Term

literal = st.tuples(st.sampled_from("ABCDE"), st.sampled_from([frozenset({0}), frozenset({1})]))
term = st.lists(literal, max_size=3, unique_by=lambda lit: lit[0]).map(lambda lits: Term(tuple(lits)))
expression = st.lists(term, max_size=4).map(lambda ts: Expression(tuple(ts)))


@settings(max_examples=300, deadline=None)
@given(st.lists(expression, max_size=8), expression)
def test_light_scores_equal_model_by_model(models, truth):
    got = light_scores(models, truth)
    for m, s in zip(models, got):
        correct = is_correct(m, truth)
        assert s == {"correct": correct, "error_free": correct or not m.terms, "exact": m == truth}
    assert len(got) == len(models)


def test_shared_terms_and_the_tautology():
    from qca import parse

    truth = parse("A*B + C")
    models = [parse("A + C"), parse("A + B"), Expression((Term(()),)), parse("A*B + C"), Expression(())]
    assert [s["correct"] for s in light_scores(models, truth)] == [True, False, False, True, False]
    assert [s["exact"] for s in light_scores(models, truth)] == [False, False, False, True, False]
    assert [s["error_free"] for s in light_scores(models, truth)] == [True, False, False, True, True]


def _brute_equivalent(a, b):
    conds = sorted(set(a.conditions) | set(b.conditions))

    def holds(expr, config):
        return any(all(config[c] in vals for c, vals in t.literals) for t in expr.terms)

    configs = [dict(zip(conds, bits)) for bits in itertools.product((0, 1), repeat=len(conds))]
    return all(holds(a, cfg) == holds(b, cfg) for cfg in configs)


multi = st.tuples(st.sampled_from("ABCDE"), st.sampled_from(
    [frozenset({0}), frozenset({1}), frozenset({0, 1}), frozenset({2}), frozenset({1, 2})]))
multi_expression = st.lists(st.lists(multi, max_size=3, unique_by=lambda lit: lit[0]).map(
    lambda lits: Term(tuple(lits))), max_size=3).map(lambda ts: Expression(tuple(ts)))


@settings(max_examples=300, deadline=None)
@given(multi_expression, multi_expression)
def test_is_equivalent_is_the_same_boolean_function(a, b):
    assert is_equivalent(a, b) == _brute_equivalent(a, b)
    assert is_equivalent(a, a)


@settings(max_examples=200, deadline=None)
@given(st.lists(term, min_size=1, max_size=6), st.lists(st.lists(st.integers(0, 5), max_size=4), max_size=8),
       expression)
def test_light_scores_with_term_objects_shared_between_models(pool, picks, truth):
    # The engine's tied models share their Term objects; the per-term cache must not mix them up.
    models = [Expression(tuple(pool[i % len(pool)] for i in pick)) for pick in picks]
    got = light_scores(models, truth)
    for m, s in zip(models, got):
        correct = is_correct(m, truth)
        assert s == {"correct": correct, "error_free": correct or not m.terms, "exact": m == truth}


@settings(max_examples=200, deadline=None)
@given(expression, st.integers(0, 2**32 - 1),
       st.sampled_from(["crisp", "bool", "fuzzy", "three", "negative"]), st.integers(0, 40))
def test_model_membership_equals_evaluate_arrays(model, seed, kind, n):
    """Tabulated crisp memberships (and the fallback for fuzzy, multi-value or boolean columns)
    are the numbers of qca.expressions.evaluate_arrays, bit for bit."""
    import numpy as np

    from experiments.scoring import model_membership
    from qca.expressions import evaluate_arrays

    rng = np.random.default_rng(seed)
    cols = {c: rng.integers(0, 2, n) for c in "ABCDEF"}
    if kind == "bool":
        cols = {c: v.astype(bool) for c, v in cols.items()}
    elif kind == "fuzzy":
        cols = {c: np.round(rng.random(n), 2) for c in cols}
    elif kind == "three":
        cols["B"] = rng.integers(0, 3, n)
    elif kind == "negative":
        cols["C"] = rng.integers(-1, 2, n)
    want = evaluate_arrays(model, cols)
    got = model_membership(model, cols)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))


@settings(max_examples=300, deadline=None)
@given(expression, expression)
def test_score_model_equals_the_separate_scores(model, truth):
    """score_model (literal sets built once) gives the answers of the separate functions."""
    import math

    from experiments.scoring import (
        complexity,
        is_correct,
        is_equivalent,
        is_tautology,
        score_model,
        term_precision_recall,
    )

    got = score_model(model, truth)
    correct = is_correct(model, truth)
    precision, recall = term_precision_recall(model, truth)
    want = {"correct": correct, "error_free": correct or not model.terms,
            "completeness": complexity(model) / max(complexity(truth), 1) if correct else 0.0,
            "exact": model == truth, "equivalent": is_equivalent(model, truth),
            "precision": precision, "recall": recall, "complexity": complexity(model),
            "tautology": is_tautology(model)}
    assert got.keys() == want.keys()
    for k, v in want.items():
        assert got[k] == v or (isinstance(v, float) and math.isnan(v) and math.isnan(got[k])), k
        assert type(got[k]) is type(v), k
