"""The HTML report in a real browser (headless Chromium): it renders, the console stays clean,
every image loads. Skipped when Chromium (Debian package ``chromium``) or tornado is absent."""

import pytest
from click.testing import CliRunner

from qcasim.cli import cli

from . import browser

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not browser.available(), reason="needs chromium and tornado")]

TOML = ('[experiment]\nname = "toy"\ndescription = "A toy study."\nreplications = 4\n'
        'seed = 1\n[base]\nscenario = "boolean:A*B + C"\n'
        '[grid]\nn_workers = [20, 40]\nreliability = [0.8, 0.95]\n')


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    f = tmp / "toy.toml"
    f.write_text(TOML)
    r = CliRunner().invoke(cli, ["benchmark", str(f), "-o", str(tmp / "run"), "-j", "1",
                                 "--no-progress"])
    assert r.exit_code == 0, r.output
    check = browser.check_page(tmp / "run" / "toy.html")
    (tmp / "toy.png").write_bytes(check.screenshot)
    return check


def test_renders_without_console_errors(page):
    assert page.errors == []
    assert page.title and page.height > 900
    assert page.screenshot.startswith(b"\x89PNG")


def test_reads_as_declared_and_fits_the_window(page):
    assert page.text.index("A toy study.") < page.text.index("how often does the")
    assert "True recipe: A*B + C" in page.text
    assert page.scroll_width <= 1280  # nothing wider than the window


def test_every_image_loads(page):
    assert page.images, "the report has no figure"
    for img in page.images:
        assert img["ok"] and img["width"] > 0, img
        assert img["alt"], img
