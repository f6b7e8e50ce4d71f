"""The report reads the results store only: the truth and the ceiling's scenario as the run
recorded them, the store's warnings said once before the results, data-derived text made safe
for a terminal."""

import sqlite3
from pathlib import Path

import pytest

from experiments.design import experiment_from_dict
from experiments.report import build_report_data, html_report, text_summary
from experiments.runner import run_experiment
from experiments.store import Store

KBOP = Path(__file__).resolve().parents[2] / "sim" / "scenarios" / "kbop.toml"
RECIPE = "~SBW*INNOV*~CASELOAD + ~INNOV*~WORKLOAD*LONGMEET + WORKLOAD*INNOV*LONGMEET"


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """A run from a scenario file whose recipe is edited afterwards."""
    tmp = tmp_path_factory.mktemp("edited")
    scen = tmp / "mine.toml"
    scen.write_text(KBOP.read_text())
    raw = {"experiment": {"name": "edited", "replications": 2, "seed": 2,
                          "description": "A file\x1b[2J scenario, edited after the run."},
           "base": {"scenario": str(scen), "solutions": ["parsimonious"]},
           "grid": {"n_workers": [40]}}
    s = Store(tmp / "e.db")
    run_experiment(experiment_from_dict(raw), s, backend="serial", progress=False)
    scen.write_text(KBOP.read_text().replace(RECIPE, "SBW*INNOV"))
    d = build_report_data(s, "edited")
    yield d, html_report(d), text_summary(d)
    s.close()


def test_truth_is_the_recorded_one(edited):
    d, page, text = edited
    assert d.truth_recorded and d.truth == RECIPE
    assert f"True recipe: {RECIPE}" in page and f"True recipe: {RECIPE}" in text
    assert "SBW*INNOV<" not in page


def test_edited_file_is_warned_once_before_the_result(edited):
    d, page, text = edited
    assert any("was edited after the results were computed" in n for n in d.checks)
    for out in (page, text):
        assert out.count("was edited after the results were computed") == 1 + (out is page)
        assert out.index("was edited after") < out.index("how often does")
    # the terminal summary of the page repeats it; the page's own list is before the headline
    assert page.index("Read before the results") < page.index("class='headline'")


def test_ceiling_from_the_snapshot(edited):
    d, page, _ = edited
    assert d.ceiling is not None, d.ceiling_note
    # computed from the recorded scenario: its recipe has three paths, the edited file's one
    assert "population ceiling" in page


def test_terminal_text_has_no_control_characters(edited):
    _, page, text = edited
    assert "\x1b" not in text
    assert "Experiment edited: A file scenario, edited after the run." in text


def test_store_without_run_plans_says_the_truth_was_not_recorded(tmp_path):
    raw = {"experiment": {"name": "old", "replications": 2, "seed": 1},
           "base": {"scenario": "kbop", "solutions": ["parsimonious"], "n_conditions": 3},
           "grid": {"n_workers": [30]}}
    path = tmp_path / "old.db"
    with Store(path) as s:
        run_experiment(experiment_from_dict(raw), s, backend="serial", progress=False)
    con = sqlite3.connect(path)
    con.execute("DROP TABLE runs")
    con.commit()
    con.close()
    with Store(path) as s:
        d = build_report_data(s, "old")
        page, text = html_report(d), text_summary(d)
    assert not d.truth_recorded and d.ceiling is None
    assert "True recipe: not recorded" in page and "True recipe: not recorded" in text
    assert "not recorded with these results" in d.ceiling_note
    assert "Not shown: the scenario file" in page


def test_library_warnings_are_said_once_before_the_results(tmp_path, recwarn):
    import warnings as w

    from experiments.report import data as report_data

    raw = {"experiment": {"name": "warned", "replications": 2, "seed": 1},
           "base": {"scenario": "boolean:A*B", "solutions": ["parsimonious"],
                    "cal_type": "crisp"},
           "grid": {"n_workers": [20, 40]}}
    with Store(tmp_path / "w.db") as s:
        run_experiment(experiment_from_dict(raw), s, backend="serial", progress=False)
        real = report_data.setting_frame

        def noisy(*a, **k):
            for _ in range(3):
                w.warn("a scenario warning", UserWarning, stacklevel=1)
            w.warn("overflow", RuntimeWarning, stacklevel=1)
            return real(*a, **k)

        report_data.setting_frame = noisy
        try:
            recwarn.clear()
            d = build_report_data(s, "warned")
        finally:
            report_data.setting_frame = real
    assert len(recwarn) == 0  # nothing on the way
    assert d.checks.count("a scenario warning") == 1 and "overflow" not in d.checks
    text = text_summary(d)
    assert text.count("a scenario warning") == 1
    assert text.index("a scenario warning") < text.index("how often does")
