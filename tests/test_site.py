"""The documentation site (``make site``) checked in a real headless browser.

Static check of every built HTML page: no broken internal link (file and ``#fragment``), no
reference to a resource outside the site (the site must work offline). Browser check through the
Chrome DevTools protocol of Debian's ``chromium``: every page renders (a title and text), every
image loads, no console error, no uncaught exception, no failed request.

Skips cleanly when the site was not built (``build/site/index.html``), when ``chromium`` is not
installed or when ``websocket-client`` is missing. Marked slow: CI runs it after ``make site``.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.chromium import devtools_page, find_chromium

SITE = Path(__file__).resolve().parents[1] / "build" / "site"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run", "--hide-scrollbars", "--window-size=1280,900"]
# Pages that must exist: the acceptance list of the documentation issue.
REQUIRED_PAGES = ["index.html", "guide/qca.html", "sim.html", "guide/experiments.html", "odd.html",
                  "r_to_python.html", "reproductions.html", "report.html", "report/kbop_default.html",
                  "api.html",
                  "tutorials/index.html", "tutorials/01_causal_complexity.html",
                  "tutorials/02_lipset_walkthrough.html", "tutorials/03_limited_diversity.html",
                  "tutorials/04_planning_a_study.html", "tutorials/05_audit.html",
                  "examples/index.html"]

pytestmark = pytest.mark.slow


def _pages() -> list[Path]:
    # Pages only: _static holds theme assets (one is an unrendered template), _sources the text.
    return sorted(p for p in SITE.rglob("*.html")
                  if not {"_sources", "_static", "_images"} & set(p.relative_to(SITE).parts))


@pytest.fixture(scope="module")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.skip("the site is not built (run `make site`)")
    return SITE


# ----------------------------------------------------------------------------- static checks
class _Refs(HTMLParser):
    """Collects the ids of a page and the URLs it refers to (links, images, scripts, styles)."""

    ATTRS = {"a": "href", "img": "src", "script": "src", "link": "href", "iframe": "src",
             "source": "src"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        for key in ("id", "name"):
            if d.get(key):
                self.ids.add(str(d[key]))
        want = self.ATTRS.get(tag)
        if want and d.get(want):
            self.refs.append((tag, str(d[want])))


@functools.cache
def _parse(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def _internal_problems(page: Path) -> Iterator[str]:
    rel = page.relative_to(SITE)
    for tag, url in _parse(page).refs:
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "data", "javascript"):
            continue
        if parts.scheme or url.startswith("//"):
            # Hyperlinks to other sites are fine (they are read, not loaded); resources are not.
            if tag != "a":
                yield f"{rel}: <{tag}> loads an external resource {url}"
            continue
        path, fragment = unquote(parts.path), parts.fragment   # the query string is not a path
        target = page if not path else (page.parent / path).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            yield f"{rel}: <{tag}> {url} -> missing {target}"
        elif fragment and target.suffix == ".html" and unquote(fragment) not in _parse(target).ids:
            yield f"{rel}: <{tag}> {url} -> no id {fragment!r} in {target.relative_to(SITE)}"


def test_required_pages_exist(site):
    missing = [p for p in REQUIRED_PAGES if not (site / p).is_file()]
    assert not missing, f"pages missing from the site: {missing}"


def test_no_broken_internal_link_and_no_external_resource(site):
    problems = [msg for page in _pages() for msg in _internal_problems(page)]
    assert not problems, "\n".join(problems[:40])


def test_link_checker_finds_a_broken_link(tmp_path, monkeypatch):
    """The static checker can fail: a page with a dead link and a dead fragment is reported."""
    (tmp_path / "a.html").write_text('<a href="b.html">b</a><a href="a.html#nowhere">x</a>'
                                     '<img src="https://example.org/x.png"><p id="here"></p>')
    monkeypatch.setattr(sys.modules[__name__], "SITE", tmp_path)
    problems = list(_internal_problems(tmp_path / "a.html"))
    assert len(problems) == 3, problems


# ----------------------------------------------------------------------------- browser checks
class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class Browser:
    """A headless chromium driven through the DevTools protocol (one page target)."""

    def __init__(self, ws_url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self._id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params: object) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float) -> bool:
        end = time.monotonic() + timeout
        if any(e.get("method") == method for e in self.events):
            return True
        while time.monotonic() < end:
            self.ws.settimeout(max(0.05, end - time.monotonic()))
            try:
                msg = json.loads(self.ws.recv())
            except Exception:
                return False
            self.events.append(msg)
            if msg.get("method") == method:
                return True
        return False

    def drain(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.ws.settimeout(max(0.05, end - time.monotonic()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except Exception:
                return

    def visit(self, url: str) -> dict:
        """Load ``url``; return what the page shows and every error it raised."""
        self.events = []
        self.call("Page.navigate", url=url)
        loaded = self.wait_for("Page.loadEventFired", 30)
        self.drain(0.3)
        probe = """(() => {
            const imgs = Array.from(document.images).map(i => ({src: i.currentSrc || i.src,
                ok: i.complete && i.naturalWidth > 0}));
            const root = document.documentElement;
            const wide = Array.from(document.querySelectorAll("pre")).filter(
                el => el.scrollWidth > el.clientWidth + 1).map(
                el => el.innerText.split("\\n").sort((a, b) => b.length - a.length)[0].slice(0, 80));
            return JSON.stringify({title: document.title,
                text: (document.body ? document.body.innerText : "").trim().length, imgs,
                page_scroll: root.scrollWidth > root.clientWidth + 1, wide_blocks: wide});
        })()"""
        shown = json.loads(self.call("Runtime.evaluate", expression=probe,
                                     returnByValue=True)["result"]["value"])
        errors = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append("console: " + " ".join(str(a.get("value", a.get("description")))
                                                     for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                errors.append("exception: " + p["exceptionDetails"].get("text", "")
                              + str(p["exceptionDetails"].get("exception", {})
                                    .get("description", "")))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                errors.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
            elif m == "Network.loadingFailed" and not p.get("canceled"):
                errors.append(f"request failed: {p.get('errorText')}")
            elif m == "Network.responseReceived" and p["response"].get("status", 200) >= 400:
                errors.append(f"HTTP {p['response']['status']}: {p['response']['url']}")
        return {"loaded": loaded, **shown, "errors": errors}

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression on the current page."""
        return self.call("Runtime.evaluate", expression=expression,
                         returnByValue=True)["result"].get("value")

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def browser(site) -> Iterator[tuple[Browser, str]]:
    pytest.importorskip("websocket", reason="websocket-client is not installed")
    exe = find_chromium()
    if exe is None:
        pytest.skip("chromium is not installed")
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with devtools_page(exe, CHROMIUM_FLAGS) as url:
            b = Browser(url)
            yield b, base
            b.close()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    finally:
        server.shutdown()


def test_every_page_renders_without_errors(browser, site):
    b, base = browser
    problems = []
    pages = _pages()
    n_images = 0
    for page in pages:
        rel = page.relative_to(site).as_posix()
        r = b.visit(base + rel)
        if not r["loaded"]:
            problems.append(f"{rel}: did not finish loading")
        if not r["title"] or r["text"] < 50:
            problems.append(f"{rel}: blank page (title {r['title']!r}, {r['text']} characters)")
        broken = [i["src"] for i in r["imgs"] if not i["ok"]]
        if broken:
            problems.append(f"{rel}: images not loaded: {broken}")
        n_images += len(r["imgs"])
        problems += [f"{rel}: {e}" for e in r["errors"]]
    assert not problems, "\n".join(problems[:40])
    # The tutorials show figures: a site without images means the gallery did not run.
    assert n_images >= 10, f"only {n_images} images on {len(pages)} pages"


def test_no_page_scrolls_sideways_at_1280_px(browser, site):
    """At a 1,280 px wide window no page and no code or output block scrolls horizontally.
    The embedded report (report/) is its own page layout, checked by the report's tests."""
    b, base = browser
    problems = []
    for page in _pages():
        rel = page.relative_to(site).as_posix()
        if rel.startswith("report/"):
            continue
        r = b.visit(base + rel)
        if r["page_scroll"]:
            problems.append(f"{rel}: the page scrolls sideways")
        problems += [f"{rel}: block scrolls sideways: {line!r}" for line in r["wide_blocks"]]
    assert not problems, "\n".join(problems[:40])


def test_math_renders_offline_and_solutions_are_folded(browser, site):
    """The formulas of qca.fit render (MathJax from the site itself); every tutorial's worked
    solutions sit in a closed <details>; every API object used by an example links to it."""
    b, base = browser
    r = b.visit(base + "generated/qca.fit.html")
    assert not r["errors"], r["errors"]
    b.drain(2.0)   # MathJax typesets after the load event
    assert b.evaluate("document.querySelectorAll('mjx-container').length") > 0
    for page in sorted((site / "tutorials").glob("0*.html")):
        b.visit(base + page.relative_to(site).as_posix())
        folded = b.evaluate("Array.from(document.querySelectorAll('details.qcasim-solutions'))"
                            ".filter(d => !d.open && d.textContent.length > 200).length")
        assert folded == 1, f"{page.name}: {folded} folded solution sections"
    pof_page = (site / "generated" / "qca.fit.html").read_text()
    assert "Examples using" in pof_page and "examples/fit_of_a_solution.html" in pof_page


def test_scroll_check_detects_a_wide_block(browser, site):
    """The scroll check can fail: a page with an unwrapped wide line is caught."""
    b, base = browser
    bad = site / "_qcasim_selftest_wide.html"
    bad.write_text("<html><head><title>t</title></head><body><p>" + "x" * 60 + "</p>"
                   '<pre style="white-space: pre; overflow: auto; width: 300px">' + "y" * 400
                   + "</pre></body></html>")
    try:
        r = b.visit(base + bad.name)
    finally:
        os.unlink(bad)
    assert r["wide_blocks"] and not r["page_scroll"]


def test_browser_check_detects_a_broken_image(browser, site, tmp_path):
    """The browser check can fail: a page with a missing image and a console error is caught."""
    b, base = browser
    bad = site / "_qcasim_selftest.html"
    bad.write_text("<html><head><title>t</title></head><body><p>" + "x" * 60 + "</p>"
                   '<img src="no-such-image.png"><script>console.error("boom")</script>'
                   "</body></html>")
    try:
        r = b.visit(base + bad.name)
    finally:
        os.unlink(bad)
    assert [i for i in r["imgs"] if not i["ok"]]
    assert any("boom" in e for e in r["errors"])
