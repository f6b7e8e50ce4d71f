"""Every Python snippet of the site's guides runs (in page order, one namespace per page)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["docs/guide/qca.md", "docs/guide/experiments.md", "docs/r_to_python.md", "docs/reproductions.md"]


@pytest.mark.parametrize("page", PAGES)
def test_python_snippets_run(page, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(ROOT)   # the snippets read tests/data/... relative to the repository
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / page).read_text(), re.S)
    assert blocks, f"{page} has no Python snippet"
    namespace: dict = {}
    for i, code in enumerate(blocks):
        try:
            exec(compile(code, f"{page}[{i}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{page}, snippet {i + 1}: {type(exc).__name__}: {exc}")
