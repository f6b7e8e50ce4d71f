"""The Python interpreters of this machine that qcasim supports, for the install checks without the
lock files (``.ci/fresh-install``, ``tests/test_packaging.py``).

Looks at ``python3.N`` on ``PATH`` and at pyenv's versions (``$PYENV_ROOT`` or ``~/.pyenv``);
run as a script it prints the newest supported one (or nothing, exit 1).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

__all__ = ["supported_pythons", "newest_python"]

ROOT = Path(__file__).resolve().parents[1]


def _minimum() -> tuple[int, int]:
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    major, minor = spec.removeprefix(">=").split(".")[:2]
    return int(major), int(minor)


def _version(exe: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run([exe, "-c", "import sys, venv; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    major, minor = out.stdout.split()
    return int(major), int(minor)


def supported_pythons() -> dict[tuple[int, int], str]:
    """``{(3, 13): "/path/to/python3.13", ...}``: one interpreter per supported version."""
    candidates = [shutil.which(f"python3.{m}") for m in range(_minimum()[1], 30)]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        candidates += [str(p / "bin" / "python3") for p in sorted(pyenv.iterdir())
                       if (p / "bin" / "python3").is_file()]
    found: dict[tuple[int, int], str] = {}
    for exe in filter(None, candidates):
        version = _version(exe)
        if version is not None and version >= _minimum():
            found.setdefault(version, exe)
    return dict(sorted(found.items()))


def newest_python() -> str | None:
    """The newest supported interpreter on this machine, or None."""
    found = supported_pythons()
    return found[max(found)] if found else None


if __name__ == "__main__":
    exe = newest_python()
    if exe is None:
        sys.exit(1)
    print(exe)
