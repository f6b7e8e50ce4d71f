"""The classification-tree baseline (experiments.methods.cart_tree): tree growth, translation
into sufficient configurations, and the registered method through run_one."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.methods import get_method, method_of_output
from experiments.methods.cart_tree import Leaf, grow_tree, tree_expression
from experiments.params import normalise_params
from experiments.pipeline import run_one
from qca import QCAError, parse
from qca.expressions import evaluate_arrays

CONDS = ["A", "B", "C", "D", "E"]


def _full_table(recipe: str, conds: list[str], copies: int = 3) -> tuple[np.ndarray, np.ndarray]:
    x = np.array(list(itertools.product((0, 1), repeat=len(conds))) * copies)
    y = evaluate_arrays(parse(recipe), {c: x[:, j] for j, c in enumerate(conds)}) > 0.5
    return x, y.astype(int)


def test_registered():
    assert get_method("cart").outputs == ("cart",)
    assert method_of_output("cart").name == "cart"
    p = normalise_params({"solutions": ["cart"], "cart_max_depth": 3})
    assert p["cart_max_depth"] == 3 and p["cart_min_leaf"] == 5
    with pytest.raises(Exception, match="cart_min_leaf"):
        normalise_params({"solutions": ["cart"], "cart_min_leaf": 0})


@pytest.mark.parametrize("recipe", ["A*B + ~C*D", "A + B*C", "~A*~E", "A*B*C + D*E"])
def test_recovers_recipe_on_full_diversity_noise_free_data(recipe):
    x, y = _full_table(recipe, CONDS)
    leaves = grow_tree(x, y, max_depth=5, min_leaf=1, min_gain=0.0)
    assert tree_expression(leaves, CONDS) == parse(recipe)


def test_hand_built_tree():
    # 10 cases: the outcome is present exactly when A is; B is noise on the A-side.
    x = np.array([[1, 0], [1, 1], [1, 0], [1, 1], [1, 1], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]])
    y = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
    leaves = grow_tree(x, y, max_depth=3, min_leaf=1, min_gain=0.0)
    assert leaves == [Leaf(((0, 0),), 5, 0), Leaf(((0, 1),), 5, 5)]
    assert str(tree_expression(leaves, ["A", "B"])) == "A"
    # a tie in a leaf predicts absence; min_leaf forbids the split, so the root is the only leaf
    assert not Leaf((), 4, 2).positive
    assert grow_tree(x, y, min_leaf=6) == [Leaf((), 10, 5)]
    assert tree_expression([Leaf((), 10, 5)], ["A", "B"]).terms == ()


def test_min_gain_stops_weak_splits():
    x, y = _full_table("A", ["A", "B"], copies=5)
    y = y.copy()
    y[np.flatnonzero((x[:, 0] == 1) & (x[:, 1] == 1))[:2]] = 0   # 2 exceptions among 20 A-cases
    deep = grow_tree(x, y, max_depth=2, min_leaf=1, min_gain=0.0)
    shallow = grow_tree(x, y, max_depth=2, min_leaf=1, min_gain=0.05)
    assert len(deep) == 3 and len(shallow) == 2
    assert str(tree_expression(shallow, ["A", "B"])) == "A"


def test_bad_input_is_one_clear_error():
    with pytest.raises(QCAError, match="binary"):
        grow_tree(np.array([[0.3], [1.0]]), np.array([0, 1]))
    with pytest.raises(QCAError, match="shapes"):
        grow_tree(np.zeros((3, 2)), np.zeros(4))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 1), min_size=3, max_size=3), min_size=2, max_size=40),
       st.data())
def test_model_reproduces_the_leaf_predictions(rows, data):
    """Invariant: on every case the simplified model agrees with the tree's leaf prediction."""
    x = np.array(rows)
    y = np.array(data.draw(st.lists(st.integers(0, 1), min_size=len(rows), max_size=len(rows))))
    leaves = grow_tree(x, y, max_depth=3, min_leaf=1, min_gain=0.0)
    assert sum(leaf.n for leaf in leaves) == len(rows)
    expr = tree_expression(leaves, ["A", "B", "C"])
    pred = np.zeros(len(rows), dtype=bool)
    for leaf in leaves:
        inside = np.all([x[:, j] == v for j, v in leaf.path], axis=0) if leaf.path else \
            np.ones(len(rows), dtype=bool)
        pred[inside] = leaf.positive
    if not expr.terms:
        assert not pred.any()
    elif any(not t.literals for t in expr.terms):
        assert pred.all()
    else:
        got = evaluate_arrays(expr, {c: x[:, j] for j, c in enumerate("ABC")}) > 0.5
        assert np.array_equal(got, pred)


def test_through_the_pipeline_on_clean_boolean_data():
    rec = run_one({"scenario": "boolean:A*B + ~C*D", "n_workers": 80, "cal_type": "crisp",
                   "solutions": ["cart"]}, seed=2)
    assert rec["cart.status"] == "ok"
    assert rec["cart.exact"], rec["cart.model"]
    assert rec["cart_leaves"] >= 2


def test_null_cohort_scored():
    rec = run_one({"scenario": "kbop", "n_workers": 40, "recipe_hazard_ratio": 1.0,
                   "solutions": ["cart"]}, seed=3)
    assert rec["cart.status"] in ("ok", "no_model")
    if rec["cart.status"] == "no_model":
        assert rec["cart.no_model"]
