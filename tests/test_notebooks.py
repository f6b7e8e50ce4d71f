"""The tutorials run as Jupyter notebooks, as a reader who downloads one runs it.

Each tutorial is executed cell by cell in a Jupyter kernel (nbclient): the notebook the site
offers for download (``docs/tutorials/*.ipynb``, written by sphinx-gallery during ``make site``)
where it exists, else the notebook jupytext makes from the script. Marked slow (the tutorials
take minutes); CI runs it after ``make site``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / "experiments" / "tutorials").glob("[0-9]*.py"))

pytestmark = pytest.mark.slow


def _notebook(script: Path):
    import jupytext
    import nbformat

    downloaded = ROOT / "docs" / "tutorials" / script.with_suffix(".ipynb").name
    if downloaded.is_file():
        return nbformat.read(downloaded, as_version=4), "site download"
    return jupytext.read(script, fmt="py:sphinx"), "jupytext"


def test_there_are_tutorials():
    assert len(TUTORIALS) >= 5


@pytest.mark.parametrize("script", TUTORIALS, ids=lambda p: p.stem)
def test_tutorial_runs_as_a_notebook(script, tmp_path, monkeypatch):
    pytest.importorskip("nbclient")
    pytest.importorskip("jupytext")
    pytest.importorskip("ipykernel")
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb, origin = _notebook(script)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{script.name} ({origin}): no code cells"
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT),
                                                               os.environ.get("PYTHONPATH")])))
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{script.name} ({origin}) failed as a notebook:\n{str(exc)[-3000:]}")
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert outputs, f"{script.name} ({origin}): the notebook printed nothing"
