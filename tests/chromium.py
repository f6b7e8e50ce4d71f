"""One way to start headless Chromium with its DevTools endpoint, for the browser checks of the
report (tests/experiments/browser.py) and of the documentation site (tests/test_site.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["find_chromium", "devtools_page"]


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None."""
    return next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)


@contextmanager
def devtools_page(exe: str, flags: Sequence[str], timeout: float = 30.0) -> Iterator[str]:
    """Start Chromium on ``about:blank`` with a fresh profile; yield the page's DevTools websocket
    URL; stop the browser and remove the profile afterwards.

    Raises
    ------
    RuntimeError
        When Chromium does not open its DevTools endpoint within ``timeout`` seconds.
    """
    profile = tempfile.mkdtemp(prefix="qcasim-chromium-")
    proc = subprocess.Popen([exe, *flags, "--remote-debugging-port=0",
                             f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        end = time.monotonic() + timeout
        while not port_file.is_file() or not port_file.read_text().strip():
            if time.monotonic() > end or proc.poll() is not None:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            page = next(t for t in json.load(r) if t.get("type") == "page")
        yield page["webSocketDebuggerUrl"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
