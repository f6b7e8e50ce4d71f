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
    """The runtime set suffices: every module imports with pyarrow, dask and seaborn unavailable."""
    code = (
        "import sys, importlib, pkgutil\n"
        "for name in ('pyarrow', 'dask', 'distributed', 'seaborn'):\n"
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
        hint = r'Parquet export needs pyarrow.*pip install "qcasim\[parquet\]"'
        with pytest.raises(ValueError, match=hint):
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



def test_every_extra_named_in_an_error_message_exists():
    """The install hints of the optional features name extras that pyproject declares."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert extras["plot"] == ["seaborn>=0.13"]
    runtime = " ".join(PYPROJECT["project"]["dependencies"])
    assert "seaborn" not in runtime and "mesa[network]" in runtime


def test_truth_table_heatmap_without_seaborn_is_one_clear_error(monkeypatch):
    import qca.plot

    monkeypatch.setitem(sys.modules, "seaborn", None)
    tt = qca.truth_table(qca.datasets.load("LF"), "SURV", incl_cut=0.8)
    with pytest.raises(qca.QCAError, match=r'needs seaborn.*pip install "qcasim\[plot\]"'):
        qca.plot.truth_table_heatmap(tt)


def test_classifiers_name_only_supported_pythons():
    minimum = int(PYPROJECT["project"]["requires-python"].removeprefix(">=3."))
    versions = [c.rsplit(" ", 1)[1] for c in PYPROJECT["project"]["classifiers"]
                if c.startswith("Programming Language :: Python :: 3.")]
    assert versions and all(int(v.split(".")[1]) >= minimum for v in versions)
    assert "urls" not in PYPROJECT["project"]   # no invented addresses


# ----------------------------------------------------------------------------- import shadowing
DECOY = "raise ImportError('decoy {name} imported from the working directory')\n"


def _decoys(where: Path) -> Path:
    """A research project's folder: its own ``experiments`` and ``sim`` packages."""
    for name in ("experiments", "sim"):
        (where / name).mkdir()
        (where / name / "__init__.py").write_text(DECOY.format(name=name))
    return where


def test_python_m_qcasim_ignores_packages_in_the_working_directory(tmp_path):
    cwd = _decoys(tmp_path)
    # `simulate` imports sim; a decoy on the path would fail the command.
    out = subprocess.run([sys.executable, "-m", "qcasim", "simulate", "--scenario", "kbop",
                          "--n-workers", "12", "--seed", "1", "--engine", "mesa", "-o", "c.csv"],
                         capture_output=True, text=True, cwd=cwd)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "decoy" not in out.stderr and (cwd / "c.csv").is_file()


def test_the_decoys_do_shadow_without_the_fix(tmp_path):
    """The shadowing test can fail: plain ``python -c`` in the same folder imports the decoy."""
    cwd = _decoys(tmp_path)
    out = subprocess.run([sys.executable, "-c", "import sim"], capture_output=True, text=True, cwd=cwd)
    assert out.returncode != 0 and "decoy sim imported" in out.stderr


def test_console_script_ignores_packages_in_the_working_directory(tmp_path):
    script = Path(sys.executable).with_name("qcasim")
    if not script.is_file():
        pytest.skip("the qcasim console script is not installed next to this Python")
    cwd = _decoys(tmp_path)
    out = subprocess.run([str(script), "simulate", "--scenario", "kbop", "--n-workers", "12",
                          "--seed", "1", "-o", "c.csv"], capture_output=True, text=True, cwd=cwd)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (cwd / "c.csv").is_file()


def test_isolate_drops_only_the_leading_working_directory(tmp_path, monkeypatch):
    from qcasim.__main__ import isolate

    monkeypatch.chdir(tmp_path)
    path = [str(tmp_path), "/usr/lib/python3", str(tmp_path)]
    isolate(path)
    assert path == ["/usr/lib/python3", str(tmp_path)]
    path = ["", "/x"]
    isolate(path)
    assert path == ["/x"]
    path = ["/x", ""]
    isolate(path)
    assert path == ["/x", ""]


# ----------------------------------------------------------------------------- fresh install
@pytest.mark.slow
def test_install_without_the_lock_on_the_newest_python_runs_a_replication(tmp_path):
    """``pip install .`` (runtime dependencies only, resolved by pip, no lock file) on the
    newest supported Python of this machine, then one replication of the default study through
    the installed command, run from a folder outside the tree."""
    from tests.pythons import newest_python

    exe = newest_python()
    if exe is None:
        pytest.skip("no supported Python found")
    src = tmp_path / "src"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            (src / rel).write_bytes((ROOT / rel).read_bytes())
    venv = tmp_path / "venv"
    subprocess.run([exe, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                          "--disable-pip-version-check", str(src)], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-3000:]
    run = subprocess.run([str(venv / "bin" / "qcasim"), "run", "--reps", "1", "--jobs", "1",
                          "--no-progress", "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (tmp_path / "out" / "kbop_default.html").is_file()
