"""The fast paths behind the intermediate solution (issue 21) give what the plain paths give:
the crisp dense algorithm on bit sets, the row reduction on bit sets, small blocks replayed
from an earlier search (every field of the answer, search nodes included, under node budgets),
the numbering of rows by first appearance, and the lean conservative solution."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import qca
import qca.intermediate as intermediate
from qca import cover, primes

from .strategies import random_chart


@pytest.mark.parametrize("seed", range(4))
def test_crisp_dense_primes_equal_the_tabulated_algorithm(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(150):
        k = int(rng.integers(1, primes.CRISP_TABLE_LIMIT + 1))
        levels = [2] * k
        every = np.indices(levels).reshape(k, -1).T
        order = rng.permutation(len(every))
        a, b = sorted(rng.integers(0, len(every) + 1, size=2).tolist())
        on, off, rest = every[order[:a]], every[order[a:b]], every[order[b:]]
        dont_care = rest[rng.random(len(rest)) < 0.3]
        sets = [rest[rng.random(len(rest)) < rng.random()] for _ in range(int(rng.integers(1, 5)))]
        fast = [primes._dense(on, off, dont_care, levels, r) for r in ("dont_care", "negative")]
        fast_many = primes.dense_primes_many(on, sets, levels) if a else None
        monkeypatch.setattr(primes, "CRISP_TABLE_LIMIT", 0)
        plain = [primes._dense(on, off, dont_care, levels, r) for r in ("dont_care", "negative")]
        plain_many = primes.dense_primes_many(on, sets, levels) if a else None
        monkeypatch.undo()
        for got, want in zip(fast + (fast_many or []), plain + (plain_many or [])):
            assert got.dtype == want.dtype and got.shape == want.shape
            assert (got == want).all()


def _kept_by_definition(chart: np.ndarray, left: list[int]) -> list[int]:
    """Rows (first of equals) whose implicants include no other row's, by (count, bit set)."""
    masks = {}
    for r in left:
        masks.setdefault(int(sum(1 << int(p) for p in np.flatnonzero(chart[:, r]))), r)
    kept = [m for m in masks if not any(o != m and o & m == o for o in masks)]
    return [masks[m] for m in sorted(kept, key=lambda m: (m.bit_count(), m))]


def test_row_reduction_on_bit_sets_follows_its_definition() -> None:
    rng = np.random.default_rng(0)
    for _ in range(300):
        chart = random_chart(rng, int(rng.integers(1, 40)), int(rng.integers(1, 90)))
        masks = cover._row_masks(chart)
        assert masks == [sum(1 << int(p) for p in np.flatnonzero(chart[:, r])) for r in range(chart.shape[1])]
        left = [r for r in range(chart.shape[1]) if rng.random() < 0.8]
        assert cover._kept_masks(left, masks, chart.shape[0]) == _kept_by_definition(chart, left)


def _answers(charts, budgets, costs) -> list[tuple]:
    out = []
    for chart, cost in zip(charts, costs):
        for max_nodes in budgets:
            for max_models, irredundant in ((1, False), (3, False), (1000, False), (20, True)):
                res = cover.minimum_covers(
                    chart, max_models=max_models, max_nodes=max_nodes, costs=cost, irredundant=irredundant
                )
                out.append(dataclasses.astuple(res))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_replayed_blocks_give_every_field_of_a_search(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    charts = [random_chart(rng, int(rng.integers(1, 25)), int(rng.integers(1, 30))) for _ in range(60)]
    # Charts made of many small blocks (the case replayed), some repeated with other columns.
    for _ in range(30):
        parts = [random_chart(rng, int(rng.integers(1, 6)), int(rng.integers(1, 6))) for _ in range(4)]
        chart = np.zeros((sum(p.shape[0] for p in parts), sum(p.shape[1] for p in parts)), dtype=bool)
        i = j = 0
        for p in parts:
            chart[i : i + p.shape[0], j : j + p.shape[1]] = p
            i, j = i + p.shape[0], j + p.shape[1]
        charts += [chart, chart[rng.permutation(chart.shape[0])]]
    costs = [rng.integers(1, 5, size=c.shape[0]) if k % 2 else None for k, c in enumerate(charts)]
    budgets = (None, 1, 2, 3, 5, 8, 13, 50)
    monkeypatch.setattr(cover, "_SETTLED", {})
    monkeypatch.setattr(cover, "_SETTLED_ROWS", 0)  # nothing remembered: every block searched
    plain = _answers(charts, budgets, costs)
    monkeypatch.setattr(cover, "_SETTLED_ROWS", cover.KERNEL_MIN_ROWS)
    cold = _answers(charts, budgets, costs)  # blocks remembered as they are met
    warm = _answers(charts, budgets, costs)  # and replayed
    assert cover._SETTLED
    assert cold == plain
    assert warm == plain


def test_rows_numbered_by_first_appearance_on_every_path() -> None:
    # Few rows (a dict), rows packed into one integer (a sort of codes), wide rows (a sort of
    # words): the same numbering as the definition.
    rng = np.random.default_rng(0)
    for t in range(600):
        n = int(rng.integers(0, 200))
        dtype = (np.uint8, np.int8, np.int64)[t % 3]
        width = int(rng.integers(0, 4)) if t % 2 else int(rng.integers(9, 20))
        low = 0 if dtype == np.uint8 else -1
        rows = rng.integers(low, (2, 3, 100)[t % 3], size=(n, width)).astype(dtype)
        if n and t % 5 == 0:
            rows[::3] = rows[0]
        ids: dict[tuple, int] = {}
        first, number = [], []
        for i, row in enumerate(map(tuple, rows.tolist())):
            j = ids.setdefault(row, len(ids))
            if j == len(first):
                first.append(i)
            number.append(j)
        if width == 0:  # every row equal (and none when there are none)
            first, number = ([0] if n else []), [0] * n
        got_first, got_number = intermediate._first_seen(rows)
        assert got_first.dtype == np.int64 and got_number.dtype == np.int64
        assert got_first.tolist() == first and got_number.tolist() == number


def test_lean_conservative_solution_gives_the_same_intermediate_solution() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        k = int(rng.integers(3, 7))
        x = (rng.random((40, k)) < 0.5).astype(int)
        y = ((x[:, 0] & x[:, 1]) | (x[:, 2] & (1 - x[:, k - 1]))) ^ (rng.random(40) < 0.1)
        data = {f"C{j}": x[:, j] for j in range(k)} | {"Y": y.astype(int)}
        tt = qca.truth_table(pd.DataFrame(data), "Y", incl_cut=0.8)
        if not (tt.out_codes == "1").any():
            continue
        dirs = [f"C{j}" if rng.random() < 0.6 else f"~C{j}" for j in range(k)]
        own = intermediate.intermediate_solution(tt, dirs, ("?",), time_limit=None)
        given = intermediate.intermediate_solution(
            tt, dirs, ("?",), time_limit=None, conservative=qca.minimize(tt, time_limit=None)
        )
        for field in dataclasses.fields(own):
            a, b = getattr(own, field.name), getattr(given, field.name)
            if field.name == "models":
                assert [(str(m), m.cubes.tolist(), m.expression) for m in a] == [
                    (str(m), m.cubes.tolist(), m.expression) for m in b
                ]
            elif isinstance(a, np.ndarray):
                assert a.dtype == b.dtype and (a == b).all()
            elif field.name not in ("truth_table", "parsimonious"):
                assert a == b, field.name


def test_crisp_cubes_sorted_as_the_literal_keys_sort_them(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    cases = []
    for t in range(400):
        k = int(rng.integers(1, primes.CRISP_TABLE_LIMIT + 2))
        high = 2 if t % 5 else 3  # some multi-value cubes (not the crisp path)
        cubes = rng.integers(-1, high, size=(int(rng.integers(0, 60)), k))
        cases.append(cubes.astype([np.int8, np.int64][t % 2]))
    fast = [primes.sort_cubes(c) for c in cases]
    monkeypatch.setattr(primes, "CRISP_TABLE_LIMIT", 0)
    for got, c in zip(fast, cases):
        want = primes.sort_cubes(c)
        assert got.dtype == want.dtype and got.shape == want.shape and (got == want).all()


def test_models_of_covers_give_the_models_and_expressions_the_models_would_compute() -> None:
    # qca.search.models_of_covers cuts every model's cubes from one gathered array and seeds its
    # expression from terms built once per implicant: field by field what Model(...) gives, and
    # the expression (terms in order) the model would compute itself, for conservative,
    # parsimonious and intermediate models (crisp and multi-value tables).
    from qca.expressions import Expression
    from qca.solution import Model, cube_terms

    rng = np.random.default_rng(5)
    checked = 0
    for t in range(30):
        k = int(rng.integers(3, 6))
        high = 2 if t % 3 else 3
        x = rng.integers(0, high, size=(50, k))
        y = ((x[:, 0] >= 1) & (x[:, 1] >= 1)) | ((x[:, 2] == 0) ^ (rng.random(50) < 0.1))
        tt = qca.truth_table(pd.DataFrame({f"C{j}": x[:, j] for j in range(k)} | {"Y": y.astype(int)}),
                             "Y", incl_cut=0.8)
        if not (tt.out_codes == "1").any():
            continue
        sols = [qca.minimize(tt), qca.minimize(tt, include="?")]
        if high == 2:
            sols.append(qca.minimize(tt, include="?", dir_exp=[f"C{j}" for j in range(k)]))
        for sol in sols:
            for m in sol.models:
                built = Model(m.terms, m.cubes, tt)
                assert dataclasses.fields(m) == dataclasses.fields(built)
                assert m.terms == built.terms and m.truth_table is built.truth_table
                assert m.cubes.dtype == built.cubes.dtype and (m.cubes == built.cubes).all()
                assert m.expression == built.expression == Expression(cube_terms(m.cubes, tt.conditions))
                assert [str(t) for t in m.expression.terms] == [str(t) for t in built.expression.terms]
                assert str(m) == str(built) and repr(m) == repr(built)
                checked += 1
    assert checked > 100
