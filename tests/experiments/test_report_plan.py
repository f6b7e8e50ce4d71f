"""The report shows the study plan written next to it (``<name>.plan.json``): its sentence in
the headline, then a section with the planner's tables, Pareto figure and fragility."""

import json

import pytest

from experiments.design import experiment_from_dict
from experiments.plan import plan
from experiments.report import write_report
from experiments.runner import run_experiment
from experiments.store import Store

BOOL = "boolean:A*B + C*~D"


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan")
    raw = {"experiment": {"name": "planned", "replications": 3, "seed": 2},
           "base": {"scenario": BOOL, "cal_type": "crisp", "solutions": ["parsimonious"]},
           "grid": {"n_workers": [20, 40]}}
    store = Store(tmp / "p.db")
    run_experiment(experiment_from_dict(raw), store, backend="serial", progress=False)
    result = plan(BOOL, target="exact >= 0.8", n_pop=20_000, n_draws=200, verify=False,
                  robust=True, n_joint=3, seed=5,
                  space={"n_grid": [20, 40, 80, 160, 320], "incl_cut": [0.8], "n_cut": [1],
                         "conditions": ["theory"]})
    yield tmp, store, result
    store.close()


def test_plan_in_headline_and_section(study):
    tmp, store, result = study
    (tmp / "planned.plan.json").write_text(result.to_json())
    path, text = write_report(store, "planned", tmp / "planned.html")
    page = path.read_text()
    sentence = result.sentence()
    head = page[page.index("class='headline'"):]
    head = head[:head.index("</div>")]
    assert "Study plan" in head and sentence.split(";")[0].replace("'", "&#x27;") in head
    sec = page[page.index("<h2 id='plan'>"):]
    assert "Cheapest designs meeting the target" in sec
    assert "Cost against recovery (study plan)" in sec
    if result.robustness is not None:
        assert "Fragility of the recommended design" in sec
    assert f"Study plan: {sentence}" in text


def test_unreadable_plan_is_a_warning_not_a_crash(study):
    tmp, store, _ = study
    (tmp / "planned.plan.json").write_text(json.dumps({"scenario": "x"}))
    path, text = write_report(store, "planned", tmp / "planned.html")
    page = path.read_text()
    assert "cannot be read and is not shown" in text and "<h2 id='plan'>" not in page
    (tmp / "planned.plan.json").unlink()
    path, text = write_report(store, "planned", tmp / "planned.html")
    page = path.read_text()
    assert "Study plan" not in text and "<h2 id='plan'>" not in page
    assert "<p class='plan'>" not in page and "cannot be read" not in page
