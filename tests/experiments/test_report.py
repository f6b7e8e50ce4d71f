"""The report says what the experiment declared and what its data show, and nothing else."""

import base64
import io
import re

import pytest
from PIL import Image

from experiments.design import experiment_from_dict
from experiments.report import build_report_data, html_report, text_summary
from experiments.runner import run_experiment
from experiments.store import Store


def _store(tmp_path, raw):
    s = Store(tmp_path / f"{raw['experiment']['name']}.db")
    run_experiment(experiment_from_dict(raw), s, backend="serial", progress=False)
    return s


@pytest.fixture(scope="module")
def boolean(tmp_path_factory):
    raw = {"experiment": {"name": "bool_study", "replications": 5, "seed": 3,
                          "description": "Recovery of A*B + C from noisy Boolean data."},
           "base": {"scenario": "boolean:A*B + C", "solutions": ["conservative", "parsimonious"],
                    "cal_type": "crisp"},
           "grid": {"n_workers": [20, 40], "reliability": [0.7, 0.95]},
           "report": {"criterion": "recall", "solution": "conservative", "headline_n": 40,
                      "target": 0.9}}
    s = _store(tmp_path_factory.mktemp("b"), raw)
    d = build_report_data(s, "bool_study")
    yield d, html_report(d), text_summary(d)
    s.close()


@pytest.fixture(scope="module")
def null(tmp_path_factory):
    raw = {"experiment": {"name": "null_small", "replications": 4, "seed": 5,
                          "description": "Null: how often is a model returned?"},
           "base": {"scenario": "kbop", "recipe_hazard_ratio": 1.0, "n_conditions": 3,
                    "solutions": ["parsimonious"]},
           "grid": {"n_workers": [12, 20]},
           "report": {"criterion": "error_free", "headline_n": 20, "target": 0.95}}
    s = _store(tmp_path_factory.mktemp("n"), raw)
    d = build_report_data(s, "null_small")
    yield d, html_report(d), text_summary(d)
    s.close()


def test_headline_comes_from_the_declaration(boolean):
    d, page, text = boolean
    assert "KBOP" not in page and "three paths" not in page
    # A Boolean study speaks of cases; programme words ("workers") come from a programme scenario.
    q = "With 40 cases, how often does the conservative solution find the true paths"
    assert q in page and q in text
    assert "workers (N)" not in page and "by number of cases" in page
    assert page.index("Recovery of A*B + C from noisy Boolean data.") < page.index(q)
    assert "True recipe: A*B + C" in page
    from experiments.metrics import get_metric

    assert (f"smallest N with {get_metric('recall').label} &ge; 0.9 (conservative"
            in page.replace("&#x27;", "'"))
    # every setting is in the headline table: a column per varying parameter, named in words
    table = page[page.index("class='headline'"):]
    table = table[table.index("<table class='headline-table'>"):table.index("</table>")]
    assert "<th>reliability</th>" in table
    assert "<td rowspan='2'>0.7</td>" in table and "<td rowspan='2'>0.95</td>" in table
    assert "= nan" not in page and "= {}" not in page


def test_meta_and_settings_table(boolean):
    d, page, _ = boolean
    for key in ("report written", "results computed", "qcasim", "seed", "replications",
                "errors", "compute time"):
        assert f"<th>{key}</th>" in page
    assert "20 (4 cells x 5 replications)" in page
    assert "<td>3</td>" in page  # the seed
    assert "<pre>{" not in page  # no JSON dump
    assert "<td>inclusion cut-off</td><td><code>incl_cut</code></td><td>0.8</td>" in page
    assert "<td>reliability</td><td><code>reliability</code></td><td>0.7, 0.95</td><td>grid" \
        in page


def test_figures_are_publication_quality(boolean):
    d, page, _ = boolean
    imgs = re.findall(r"<figure><img alt='([^']+)'(?: data-geometry='[^']*')? "
                      r"src='data:image/png;base64,([^']+)'>"
                      r"<figcaption><b>([^<]+)</b> ([^<]+)</figcaption>", page)
    assert len(imgs) >= 4
    for alt, data, title, caption in imgs:
        im = Image.open(io.BytesIO(base64.b64decode(data)))
        assert round(im.info["dpi"][0]) >= 150, alt
        assert "_" not in title, title  # human labels, not internal names
        assert caption.strip().endswith(".") and caption.count(". ") == 0, caption
    assert "P[" not in page


def test_null_study(null):
    d, page, text = null
    assert d.null
    assert "True recipe" not in page and "No true recipe" in page and "No true recipe" in text
    assert "how often does the parsimonious solution correctly return no model" in page
    assert "share recovering the true recipe exactly" not in page
    assert "here the correct answer" in page
    assert re.search(r"(Models returned \(all false positives\)|No model was returned)", page)


def test_no_model_is_said_as_such(null):
    d, page, _ = null
    assert d.n_no_model > 0
    assert f"{d.n_no_model} of the parsimonious replications at N = 20 returned no model" in page
    assert "returned <b>no model</b>" in page and "(column 'share: no model returned')" in page


def test_power_not_reached_is_said(boolean):
    import pandas as pd

    from experiments.power import power_from_curve
    from experiments.report import _power_text

    d, page, text = boolean
    for p in d.power.values():
        assert _power_text(p, d) in page and _power_text(p, d) in text
    assert "- .. -" not in page
    curve = pd.DataFrame({"n_workers": [20, 40, 80, 160], "n": [20] * 4,
                          "rate": [0.0, 0.05, 0.1, 0.3], "low": 0.0, "high": 1.0})
    assert "not reached within the grid" in _power_text(power_from_curve(curve, 0.9), d)
    curve["rate"] = [0.1, 0.5, 0.95, 1.0]
    assert _power_text(power_from_curve(curve, 0.9), d).startswith("N = ")


def test_honest_columns_and_what_binds(boolean):
    from experiments.metrics import get_metric

    d, page, text = boolean
    head = page[page.index("class='headline'"):]
    head = head[:head.index("</table>")]
    # ties next to exact recovery, the tautology counted and shown as a false claim
    assert head.index(get_metric("any_exact").label) < head.index(get_metric("n_models").label)
    assert get_metric("tautology").label in head and "tautology" in text
    assert d.ceiling is not None
    assert f"What binds at N = {d.headline_n}" in page and "misclassified" in page
    assert f"What binds at N = {d.headline_n}" in text
    # the reference setting's power verdict knows the population ceiling's evidence
    assert any(p.population_recoverable is not None for p in d.power.values())

