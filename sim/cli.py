"""Command line: ``qcasim simulate`` (registered by the top-level ``qcasim`` group).

Example::

    qcasim simulate --scenario kbop --seed 1 -o cohort.csv --participants participants.csv
    qcasim simulate --scenario gmbop --set recipe_hazard_ratio=0.6 \\
        --set conditions.ACT.reliability=0.7 -o gmbop.csv

Bad input prints one line (``qcasim: error: ...``) to stderr and exits with status 2; a scenario
that QCA can hardly analyse (:class:`~sim.errors.ScenarioWarning`) prints one
``qcasim: warning: ...`` line per reason after the cohort is written.
"""

from __future__ import annotations

import tomllib
import warnings
from typing import Any

import click

from .api import ENGINES, simulate
from .errors import ScenarioError, ScenarioWarning

__all__ = ["simulate_command", "parse_set"]


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
    overrides = parse_set(sets)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        try:
            result = simulate(scenario, n_workers=n_workers, seed=seed, engine=engine,
                              participants=participants_out is not None, **overrides)
        except ScenarioError as exc:
            raise BadInput(str(exc)) from None
    cohort, parts = result if isinstance(result, tuple) else (result, None)
    try:
        if output == "-":
            click.echo(cohort.to_csv(index=False), nl=False)
        else:
            cohort.to_csv(output, index=False)
        if parts is not None:
            parts.to_csv(participants_out, index=False)
    except OSError as exc:
        raise BadInput(f"cannot write output: {exc}") from None
    for msg in dict.fromkeys(str(w.message) for w in caught
                             if issubclass(w.category, ScenarioWarning)):
        click.secho(f"qcasim: warning: {msg}", fg="yellow", err=True)


if __name__ == "__main__":  # pragma: no cover
    simulate_command()
