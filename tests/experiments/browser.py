"""Load an HTML file in headless Chromium and report what a reader would see.

Drives Chromium through the Chrome DevTools Protocol (a websocket; tornado's client, which the
lock file already carries for Dask): navigate to the file, collect console errors, uncaught
exceptions and failed loads, check every ``<img>`` decoded, and take a full-page screenshot.
Used by the report tests; they skip when Chromium or tornado is absent.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.chromium import devtools_page, find_chromium

CHROMIUM = find_chromium()

_PROBE = """JSON.stringify({
  images: Array.from(document.images).map(i => ({
    alt: i.alt, ok: i.complete && i.naturalWidth > 0, width: i.naturalWidth,
    shown: i.getBoundingClientRect().width})),
  title: document.title,
  height: document.documentElement.scrollHeight,
  scroll_width: document.documentElement.scrollWidth,
  text: document.body ? document.body.innerText : ""
})"""


@dataclass
class PageCheck:
    """What Chromium saw: console errors, images, title, page text, a PNG screenshot."""

    errors: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    text: str = ""
    height: int = 0
    scroll_width: int = 0
    screenshot: bytes = b""
    extra: Any = None


def available() -> bool:
    """True when Chromium and tornado are installed."""
    try:
        import tornado.websocket  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM is not None


def check_page(path: str | Path, width: int = 1280, timeout: float = 60.0,
               extra: str | None = None) -> PageCheck:
    """Open ``path`` in headless Chromium and return a :class:`PageCheck`; ``extra`` is a
    JavaScript expression returning a JSON string, evaluated after loading (its value parsed
    into ``PageCheck.extra``)."""
    from tornado.ioloop import IOLoop

    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions"]
    with devtools_page(CHROMIUM, flags, timeout) as url:
        return IOLoop.current().run_sync(
            lambda: _drive(url, Path(path).resolve().as_uri(), width, extra), timeout=timeout)


async def _drive(ws_url: str, page_url: str, width: int, extra: str | None = None) -> PageCheck:
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(ws_url, max_message_size=256 * 2**20)
    out = PageCheck()
    ids = iter(range(1, 10**6))
    loaded = False

    def event(msg: dict[str, Any]) -> None:
        nonlocal loaded
        m, p = msg.get("method"), msg.get("params", {})
        if m == "Page.loadEventFired":
            loaded = True
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.errors.append(f"exception: {d.get('exception', {}).get('description') or d}")
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.errors.append("console: " + " ".join(str(a.get("value", a.get("description")))
                                                     for a in p.get("args", [])))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            e = p["entry"]
            out.errors.append(f"log: {e.get('text')} {e.get('url', '')}".strip())

    async def call(method: str, **params: Any) -> dict[str, Any]:
        i = next(ids)
        await ws.write_message(json.dumps({"id": i, "method": method, "params": params}))
        while True:
            raw = await ws.read_message()
            if raw is None:
                raise RuntimeError("chromium closed the connection")
            msg = json.loads(raw)
            if msg.get("id") == i:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            event(msg)

    for domain in ("Page", "Runtime", "Log"):
        await call(f"{domain}.enable")
    await call("Emulation.setDeviceMetricsOverride", width=width, height=900,
               deviceScaleFactor=1, mobile=False)
    await call("Page.navigate", url=page_url)
    while not loaded:
        raw = await ws.read_message()
        if raw is None:
            raise RuntimeError("chromium closed the connection")
        event(json.loads(raw))
    res = await call("Runtime.evaluate", expression=_PROBE, returnByValue=True)
    probe = json.loads(res["result"]["value"])
    out.images, out.title, out.text = probe["images"], probe["title"], probe["text"]
    out.height, out.scroll_width = int(probe["height"]), int(probe["scroll_width"])
    if extra is not None:
        res = await call("Runtime.evaluate", expression=extra, returnByValue=True)
        out.extra = json.loads(res["result"]["value"])
    shot = await call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    out.screenshot = base64.b64decode(shot["data"])
    ws.close()
    return out
