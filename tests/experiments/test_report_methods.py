"""The report's side-by-side method comparison: shown when outputs of more than one analysis
method are stored, with rates that follow from the stored replications."""

import base64
import io
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from experiments.design import experiment_from_dict
from experiments.report import build_report_data, comparison_rates, html_report, n_methods
from experiments.runner import run_experiment
from experiments.store import Store


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    raw = {"experiment": {"name": "cmp_small", "replications": 4, "seed": 11},
           "base": {"cal_type": "crisp",
                    "solutions": ["parsimonious", "cna_fixed", "cart"]},
           "grid": [{"scenario": ["boolean:A*B + ~C*D"], "n_workers": [30, 60],
                     "overrides": [{"extra": 1}]},
                    {"scenario": ["kbop"], "n_workers": [30, 60], "recipe_hazard_ratio": [1.0],
                     "n_conditions": [4]}],
           "report": {"headline_n": 60}}
    s = Store(tmp_path_factory.mktemp("c") / "cmp.db")
    run_experiment(experiment_from_dict(raw), s, backend="serial", progress=False)
    d = build_report_data(s, "cmp_small")
    yield d, html_report(d)
    s.close()


def test_methods_counted_not_outputs():
    assert n_methods(["conservative", "parsimonious", "intermediate"]) == 1
    assert n_methods(["parsimonious", "cna_fixed"]) == 2
    assert n_methods(["parsimonious", "cna_fixed", "cna_frscore", "cart"]) == 3


def test_section_present_with_every_method(compared):
    d, page = compared
    sec = page[page.index("<h2>Methods side by side</h2>"):]
    sec = sec[:sec.index("<h2>", 5)]
    for out in ("parsimonious", "cna_fixed", "cart"):
        assert f"<th>{out}</th>" in sec
    assert "Methods compared at N = 60" in sec and "95 % Wilson" in sec
    assert "null cells" in sec
    png = re.search(r"base64,([^']+)'", sec).group(1)
    img = Image.open(io.BytesIO(base64.b64decode(png)))
    assert img.size[0] > 1000
    # first-ranked, listed and tied models per method, next to recovery and false claims
    table = sec[sec.index("<table"):]
    for words in ("first correct", "first exact", "listed correct", "any incorrect",
                  "listed (mean)", "tied (mean)"):
        assert words in table, words
    # labels without parameters that do not apply to a cell
    assert "= nan" not in sec.split("<table", 1)[1]


def test_rates_follow_the_replications(compared):
    d, _ = compared
    rates = comparison_rates(d.long, ["setting", "n_workers"])
    null = pd.to_numeric(d.long["recipe_hazard_ratio"], errors="coerce") == 1.0
    for (setting, n, sol), g in d.long.groupby(["setting", "n_workers", "solution"]):
        r = rates[(rates["setting"] == setting) & (rates["n_workers"] == n)
                  & (rates["solution"] == sol)].set_index("rate_name")
        is_null = bool(null.loc[g.index].all())
        returned = ~g["no_model"].astype(bool)
        want_fp = returned.mean() if is_null else (~g["error_free"].astype(bool)).mean()
        assert r.loc["false_positive", "rate"] == pytest.approx(want_fp)
        assert r.loc["no_model", "rate"] == pytest.approx(1 - returned.mean())
        if is_null:
            assert np.isnan(r.loc["any_exact", "rate"]) and r.loc["any_exact", "n"] == 0
        else:
            assert r.loc["any_exact", "rate"] == pytest.approx(g["any_exact"].astype(float).mean())
        ok = r.dropna(subset=["rate"])
        assert ((ok["low"] <= ok["rate"] + 1e-12) & (ok["rate"] <= ok["high"] + 1e-12)).all()


def test_single_method_has_no_comparison(tmp_path):
    raw = {"experiment": {"name": "one", "replications": 2, "seed": 1},
           "base": {"scenario": "boolean:A*B", "solutions": ["conservative", "parsimonious"],
                    "cal_type": "crisp"},
           "grid": {"n_workers": [20]}}
    s = Store(tmp_path / "one.db")
    run_experiment(experiment_from_dict(raw), s, backend="serial", progress=False)
    page = html_report(build_report_data(s, "one"))
    s.close()
    assert "Methods side by side" not in page
