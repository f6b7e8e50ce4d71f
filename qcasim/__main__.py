"""``python -m qcasim``: the ``qcasim`` command line (:func:`qcasim.cli.main`).

``python -m`` puts the working directory first on :data:`sys.path`, so a research project's own
``experiments/`` or ``sim/`` folder would be imported instead of the installed packages of the
same name. That entry is removed before the command line is imported (:func:`isolate`). The
``qcasim`` console script needs no such step: its ``sys.path[0]`` is the directory of the script.
"""

from __future__ import annotations

import os
import sys

__all__ = ["isolate", "main"]


def isolate(path: list[str] | None = None) -> None:
    """Drop the working directory that ``python -m`` put first on ``sys.path``, in place.

    Only the first entry is dropped, and only when it is the working directory (``""`` or its
    absolute path) and Python's safe-path mode (``-P``, ``PYTHONSAFEPATH``) did not already leave
    it out: the same directory further down the path (an explicit ``PYTHONPATH``, an editable
    install) is the user's choice and stays.
    """
    path = sys.path if path is None else path
    if sys.flags.safe_path or not path:
        return
    if path[0] == "" or os.path.realpath(path[0]) == os.path.realpath(os.getcwd()):
        del path[0]


def main() -> None:
    """Run the ``qcasim`` command line with the working directory off the import path."""
    isolate()
    from qcasim.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
