"""Command line: ``qcasim simulate`` (registered by the top-level ``qcasim`` group).

Example::

    qcasim simulate --scenario kbop --seed 1 -o cohort.csv --participants participants.csv
    qcasim simulate --scenario gmbop --set recipe_hazard_ratio=0.6 \\
        --set conditions.ACT.reliability=0.7 -o gmbop.csv

Bad input prints one line (``qcasim: error: ...``) to stderr and exits with status 2. Every
output path is checked before anything is simulated, and the files are written only once all of
them have been produced (each to a temporary file renamed into place), so a failure never leaves
one file written and the other not. A scenario that QCA can hardly analyse
(:class:`~sim.errors.ScenarioWarning`) prints one ``qcasim: warning: ...`` line per reason after
the cohort is written.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
import warnings
from pathlib import Path
from typing import Any

import click

from .api import ENGINES, simulate
from .errors import ScenarioError, ScenarioWarning

__all__ = ["simulate_command", "parse_set", "check_outputs"]

#: ``--set`` keys that are options of the command, not scenario values.
_OPTION_KEYS = {"seed": "--seed", "engine": "--engine", "participants": "--participants",
                "scenario": "--scenario"}
_N_WORKERS = "programme.n_workers"


class BadInput(click.ClickException):
    """One-line error (``qcasim: error: ...``, as every qcasim command), exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.secho(f"qcasim: error: {self.format_message()}", err=True, fg="red", file=file)


def parse_set(items: tuple[str, ...]) -> dict[str, Any]:
    """``("a.b=1", "recipe=A*B")`` -> ``{"a.b": 1, "recipe": "A*B"}``; values are read as TOML
    values when possible (numbers, booleans, arrays), otherwise kept as strings."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--set expects key=value, got {item!r}")
        try:
            parsed: Any = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            parsed = value.strip()
        out[key.strip()] = parsed
    return out


def _merge_n_workers(overrides: dict[str, Any], n_workers: int | None) -> dict[str, Any]:
    """Reject ``--set`` keys that are command options; map ``n_workers`` (bare or dotted) to
    ``programme.n_workers`` and reject it when it contradicts ``--n-workers``."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        norm = key.replace("__", ".")
        if norm in _OPTION_KEYS:
            raise BadInput(f"--set {key}=...: {norm} is not a scenario value; use "
                           f"{_OPTION_KEYS[norm]}")
        if norm in ("n_workers", _N_WORKERS):
            norm = _N_WORKERS
            if norm in out and out[norm] != value:
                raise BadInput(f"--set gives n_workers twice ({out[norm]!r} and {value!r})")
        else:
            norm = key
        out[norm] = value
    if n_workers is not None and _N_WORKERS in out and out[_N_WORKERS] != n_workers:
        raise BadInput(f"--n-workers {n_workers} contradicts --set "
                       f"programme.n_workers={out[_N_WORKERS]!r}; give one of them")
    if n_workers is not None:
        out[_N_WORKERS] = n_workers
    return out


def check_outputs(outputs: dict[str, str | None]) -> dict[str, Path]:
    """Check output paths before anything is computed.

    Parameters
    ----------
    outputs : dict
        Option name -> path (``"-"``: standard output; ``None``: not asked for).

    Returns
    -------
    dict
        Option name -> resolved path, for the outputs written to files.

    Raises
    ------
    BadInput
        Two outputs to the same file (or both to standard output), a directory where a file is
        expected, a missing or unwritable directory.
    """
    files: dict[str, Path] = {}
    stdout = [opt for opt, p in outputs.items() if p == "-"]
    if len(stdout) > 1:
        raise BadInput(f"{' and '.join(stdout)} both write to standard output; give files")
    for opt, given in outputs.items():
        if given is None or given == "-":
            continue
        path = Path(given).expanduser().resolve()
        for other, seen in files.items():
            if seen == path:
                raise BadInput(f"{other} and {opt} name the same file {given}; give two files")
        if path.is_dir():
            raise BadInput(f"cannot write output {given}: it is a directory")
        if not path.parent.is_dir():
            raise BadInput(f"cannot write output {given}: no directory {path.parent}")
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise BadInput(f"cannot write output {given}: permission denied")
        files[opt] = path
    return files


def _write_all(texts: dict[Path, str]) -> None:
    """Write every file or none: each to a temporary file beside it, then rename them all."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in texts.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        for tmp, path in temps:
            os.replace(tmp, path)
    except OSError as exc:
        raise BadInput(f"cannot write output: {exc.strerror or exc}: "
                       f"{exc.filename or ''}".rstrip(": ")) from None
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)


@click.command("simulate")
@click.option("--scenario", default="kbop", show_default=True,
              help="Built-in scenario name (kbop, gmbop) or path to a TOML file.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True,
              help="Seed of every random draw.")
@click.option("--n-workers", type=click.IntRange(min=2), default=None,
              help="Number of workers (default: the scenario's).")
@click.option("--engine", type=click.Choice(ENGINES), default="batched", show_default=True)
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a scenario value, e.g. conditions.INNOV.reliability=0.7.")
@click.option("-o", "--output", default="-", show_default=True,
              help="Cohort CSV file ('-' for stdout).")
@click.option("--participants", "participants_out", default=None,
              help="Also write the participant-level CSV here.")
def simulate_command(scenario: str, seed: int, n_workers: int | None, engine: str,
                     sets: tuple[str, ...], output: str, participants_out: str | None) -> None:
    """Simulate one evaluation cohort (one row per worker) and write it as CSV."""
    overrides = _merge_n_workers(parse_set(sets), n_workers)
    files = check_outputs({"--output": output, "--participants": participants_out})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        try:
            result = simulate(scenario, seed=seed, engine=engine,
                              participants=participants_out is not None, **overrides)
        except ScenarioError as exc:
            raise BadInput(str(exc)) from None
    cohort, parts = result if isinstance(result, tuple) else (result, None)
    texts = {"--output": cohort.to_csv(index=False)}
    if parts is not None:
        texts["--participants"] = parts.to_csv(index=False)
    _write_all({files[opt]: text for opt, text in texts.items() if opt in files})
    for opt, text in texts.items():
        if opt not in files:
            click.echo(text, nl=False)
    for msg in dict.fromkeys(str(w.message) for w in caught
                             if issubclass(w.category, ScenarioWarning)):
        click.secho(f"qcasim: warning: {msg}", fg="yellow", err=True)


if __name__ == "__main__":  # pragma: no cover
    simulate_command()
