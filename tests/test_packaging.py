"""Packaging: one version source, ``python -m qcasim``, typed packages, runtime set vs extras."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import experiments
import qca
import qcasim

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PACKAGES = ("qcasim", "qca", "sim", "experiments")


def test_one_version_source():
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "qcasim.__version__"}
    assert qca.__version__ == experiments.__version__ == qcasim.__version__
    literal = f'"{qcasim.__version__}"'
    holders = [p.relative_to(ROOT).as_posix() for pkg in PACKAGES
               for p in (ROOT / pkg).rglob("*.py") if literal in p.read_text()]
    assert holders == ["qcasim/__init__.py"], holders


def test_python_m_qcasim_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "qcasim", "--version"], capture_output=True,
                         text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == f"qcasim, version {qcasim.__version__}"
    bad = subprocess.run([sys.executable, "-m", "qcasim", "no-such-command"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "no-such-command" in bad.stderr


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_are_typed_and_ship_the_marker(package):
    assert (ROOT / package / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"][package]


def test_runtime_dependencies_exclude_tools_and_extras():
    runtime = {d.split(">")[0].split("=")[0].split("[")[0].strip().lower()
               for d in PYPROJECT["project"]["dependencies"]}
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert not runtime & {"pyarrow", "dask", "pytest", "hypothesis", "ruff", "sphinx", "pdoc",
                          "jupytext", "quine-mccluskey"}
    assert extras["parquet"] == ["pyarrow>=15"]
    assert any(d.startswith("dask") for d in extras["dask"])
    assert "templates/*" not in PYPROJECT["tool"]["setuptools"]["package-data"]["experiments"]


def test_every_module_imports_without_the_optional_extras():
    """The runtime set suffices: every module imports with pyarrow and dask unavailable."""
    code = (
        "import sys, importlib, pkgutil\n"
        "for name in ('pyarrow', 'dask', 'distributed'):\n"
        "    sys.modules[name] = None\n"
        "for pkg in ('qcasim', 'qca', 'sim', 'experiments'):\n"
        "    p = importlib.import_module(pkg)\n"
        "    for info in pkgutil.iter_modules(p.__path__, pkg + '.'):\n"
        "        if info.name != 'qcasim.__main__':\n"
        "            importlib.import_module(info.name)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_parquet_export_without_pyarrow_is_one_clear_error(tmp_path, monkeypatch):
    from experiments.store import Store

    monkeypatch.setitem(sys.modules, "pyarrow", None)   # import pyarrow -> ImportError
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(ValueError, match="Parquet export needs pyarrow"):
            store.export(tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()


def test_gitignore_covers_the_default_results_directory():
    lines = (ROOT / ".gitignore").read_text().split()
    assert "/qcasim-results/" in lines


def test_lock_files_pin_every_package_with_hashes():
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text()
        pins = [ln for ln in text.splitlines() if ln and not ln[0].isspace() and "==" in ln]
        assert pins, name
        blocks = text.split("\n")
        for i, ln in enumerate(blocks):
            if ln in pins:
                assert "--hash=sha256:" in blocks[i + 1], f"{name}: {ln} has no hash"
    runtime = (ROOT / "requirements.lock").read_text()
    assert "pyarrow==" not in runtime and "pytest==" not in runtime and "sphinx==" not in runtime

