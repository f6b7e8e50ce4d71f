"""The report stays readable at 16 and at 100 settings, checked in headless Chromium: no figure
title wider than its panel, no legend taller than its plot, no table cell or caption spilling
out of its box, nothing wider than the window, settings named without ``= nan``. Skipped when
Chromium or tornado is absent."""

import pytest

from experiments.design import experiment_from_dict
from experiments.report import write_report
from experiments.runner import run_experiment
from experiments.store import Store

from . import browser

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not browser.available(), reason="needs chromium and tornado")]

GRIDS = {
    16: ({"n_workers": [20, 40, 80], "reliability": [0.6, 0.7, 0.8, 0.95],
          "incl_cut": [0.7, 0.8, 0.9, 1.0]}, 2),
    100: ({"n_workers": [20, 40], "reliability": [0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9,
                                                   0.95, 1.0],
           "incl_cut": [0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0]}, 1),
}

PROBE = """JSON.stringify({
  figures: Array.from(document.images).map(i => ({
    alt: i.alt, geometry: i.dataset.geometry ? JSON.parse(i.dataset.geometry) : null,
    shown: i.getBoundingClientRect().width,
    room: i.parentElement.getBoundingClientRect().width})),
  spilling: Array.from(document.querySelectorAll('td, th, figcaption, caption, p, li, h1, h2'))
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.slice(0, 80))
})"""


@pytest.fixture(scope="module", params=sorted(GRIDS))
def page(request, tmp_path_factory):
    grid, reps = GRIDS[request.param]
    tmp = tmp_path_factory.mktemp(f"settings{request.param}")
    raw = {"experiment": {"name": f"s{request.param}", "replications": reps, "seed": 4,
                          "description": f"{request.param} settings."},
           "base": {"scenario": "boolean:A*B + ~C*D", "cal_type": "crisp",
                    "solutions": ["conservative", "parsimonious"]},
           "grid": grid}
    with Store(tmp / "s.db") as s:
        run_experiment(experiment_from_dict(raw), s, backend="serial", progress=False)
        path, _ = write_report(s, f"s{request.param}", tmp / "s.html")
    check = browser.check_page(path, extra=PROBE, timeout=180)
    (tmp / "s.png").write_bytes(check.screenshot)
    return request.param, check


def test_no_label_wider_than_its_panel_and_no_legend_taller_than_its_plot(page):
    n, check = page
    figures = [f for f in check.extra["figures"] if f["geometry"]]
    assert len(figures) >= 4
    for f in figures:
        panels = f["geometry"]["panels"]
        assert panels, f["alt"]
        for p in panels:
            assert p["title_width"] <= p["width"] + 1, (n, f["alt"], p)
            assert p["legend_height"] <= p["height"], (n, f["alt"], p)
        for h in f["geometry"]["figure_legends"]:
            assert h <= min(p["height"] for p in panels), (n, f["alt"], h)
        assert f["shown"] <= f["room"] + 1, f


def test_nothing_spills_and_the_page_fits_the_window(page):
    n, check = page
    assert check.errors == []
    assert check.extra["spilling"] == [], (n, check.extra["spilling"][:5])
    assert check.scroll_width <= 1280
    assert "= nan" not in check.text and "= {}" not in check.text
    assert f"{n} settings." in check.text
