import pytest

from experiments.limited_diversity import full_truth_data, limited_diversity


def test_full_truth_table():
    d = full_truth_data("~A*B + B*~C + D", ["A", "B", "C", "D"])
    assert len(d) == 16 and d["Y"].sum() == 11


@pytest.mark.slow
def test_published_limited_diversity_percentages():
    r = limited_diversity("~A*B + B*~C + D", ["A", "B", "C", "D"], deletions=(1, 2))
    assert r.table.loc[(1, "conservative"), "n_tables"] == 16
    assert r.table.loc[(2, "conservative"), "n_tables"] == 120
    assert r.percent(1, "conservative") == 43.75
    assert r.percent(2, "conservative") == 16.67
    assert r.percent(1, "parsimonious") == 100.0
    assert r.percent(2, "parsimonious") == 100.0


def test_one_row_deletions_fast():
    r = limited_diversity(deletions=(1,))
    assert r.percent(1, "conservative") == 43.75
    assert r.percent(1, "parsimonious") == 100.0
