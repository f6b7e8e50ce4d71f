"""The ``qcasim`` command line: one click group.

Commands: ``run`` (the default KBOP recovery study and its report), ``benchmark`` (an experiment
TOML file), ``power`` (sample-size planning), ``report`` (HTML + terminal summary of a stored
run), ``export`` (CSV/Parquet), ``analyze`` (QCA of a user's CSV) and ``simulate`` (from
:mod:`sim.cli`, when present).

Errors: a bad input (file, option, configuration) prints one red line on stderr and exits with
status 2; a failed run exits with 1. ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import InputError
from .methods import output_names
from .metrics import metric_names

__all__ = ["cli", "main"]

DEFAULT_DIR = "qcasim-results"
DB_NAME = "qcasim.db"


def _user_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "your input is wrong" (exit 2); anything else is a failure of
    qcasim itself (exit 1), reported as such so that a bug never looks like a user mistake."""
    from qca import QcasimError

    # OSError: unreadable or unwritable paths given on the command line (missing directory,
    # permission denied, a directory where a file is expected).
    return (QcasimError, OSError)


class _Group(click.Group):
    """A group that turns exceptions into one red line and an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except click.ClickException as exc:
            # Usage errors too are one line (the command's --help says the rest).
            click.secho(f"qcasim: error: {exc.format_message()}", fg="red", err=True)
            ctx.exit(exc.exit_code)
        except Exception as exc:
            debug = bool(ctx.obj and ctx.obj.get("debug")) or "--debug" in sys.argv[1:2]
            if debug:
                raise
            code = 2 if isinstance(exc, _user_errors()) else 1
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if isinstance(exc, OSError) and exc.strerror and exc.filename:
                msg = f"{exc.strerror}: {exc.filename}"
            kind = "error" if code == 2 else f"failed ({type(exc).__name__})"
            click.secho(f"qcasim: {kind}: {msg}", fg="red", err=True)
            ctx.exit(code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="qcasim")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """qcasim: can QCA be trusted on your data? Simulate, analyse, benchmark."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _db_path(run: str | Path) -> Path:
    p = Path(run)
    if p.is_dir() or not p.suffix:
        p = p / DB_NAME
    return p


def _run_options(f: Any) -> Any:
    f = click.option("--jobs", "-j", default=-1, show_default=True,
                     help="Local worker processes (-1: all cores, 1: serial).")(f)
    f = click.option("--scheduler", default=None,
                     help="Dask distributed scheduler address (runs there instead).")(f)
    f = click.option("--progress/--no-progress", default=True, show_default=True)(f)
    return f


def _validate_cells(exp: Any) -> None:
    """Load every cell's scenario and analysis settings before anything is written, so that a
    bad scenario or setting fails at once and leaves the results store untouched."""
    from .pipeline import cell_setup

    for cell in exp.cells():
        cell_setup(cell.params)


def _execute(exp: Any, db: Path, jobs: int, scheduler: str | None, progress: bool) -> None:
    from .runner import run_experiment
    from .store import Store

    _validate_cells(exp)
    with Store(db) as store:
        s = run_experiment(exp, store, backend="joblib" if jobs != 1 else "serial",
                           n_jobs=jobs, scheduler=scheduler, progress=progress)
    click.echo(f"{s.experiment}: {s.n_run} replications run, {s.n_skipped} already stored "
               f"({s.n_total} in {s.n_cells} cells) in {s.seconds:.1f} s"
               f"{f' ({s.rate:.0f} reps/s)' if s.n_run else ''}; store {db}", err=True)


def _report(db: Path, experiment: str, out: Path | None) -> None:
    from .report import write_report
    from .store import Store

    with Store(db) as store:
        path, summary = write_report(store, experiment,
                                     out or db.parent / f"{experiment}.html")
    click.echo(summary)
    click.echo(f"\nReport: {path}")


@cli.command()
@click.option("--out", "-o", default=DEFAULT_DIR, show_default=True, type=click.Path(),
              help="Directory for the results store and the report.")
@click.option("--reps", type=click.IntRange(1), default=None,
              help="Replications per cell (default: the experiment's).")
@_run_options
def run(out: str, reps: int | None, jobs: int, scheduler: str | None, progress: bool) -> None:
    """Run the default KBOP recovery study (embedded defaults) and write its report."""
    import dataclasses

    from .design import load_experiment

    exp = load_experiment("kbop_default")
    if reps is not None:
        exp = dataclasses.replace(exp, replications=reps)
    db = _db_path(out)
    _execute(exp, db, jobs, scheduler, progress)
    _report(db, exp.name, None)


@cli.command()
@click.argument("experiment_file")
@click.option("--out", "-o", default=DEFAULT_DIR, show_default=True, type=click.Path())
@click.option("--report/--no-report", "make_report", default=True, show_default=True)
@_run_options
def benchmark(experiment_file: str, out: str, make_report: bool, jobs: int,
              scheduler: str | None, progress: bool) -> None:
    """Run an experiment declared in a TOML file (resumes an interrupted run)."""
    from .design import load_experiment

    exp = load_experiment(experiment_file)
    db = _db_path(out)
    if exp.kind == "limited_diversity":
        from .limited_diversity import limited_diversity

        ld = exp.limited_diversity
        res = limited_diversity(ld.get("truth", "~A*B + B*~C + D"),
                                ld.get("conditions", ["A", "B", "C", "D"]),
                                ld.get("deletions", [1, 2]))
        db.parent.mkdir(parents=True, exist_ok=True)
        res.records.to_csv(db.parent / f"{exp.name}.csv", index=False)
        table = res.table.copy()
        for c in ("any_correct", "all_correct", "exact", "no_solution"):
            table[c] = (100 * table[c]).round(2)
        click.echo(f"{exp.name}: share (%) of deletion patterns whose solution contains a "
                   f"correct model (truth {ld.get('truth', '~A*B + B*~C + D')})")
        click.echo(table.to_string())
        click.echo(f"\nRecords: {db.parent / (exp.name + '.csv')}")
        return
    _execute(exp, db, jobs, scheduler, progress)
    if make_report:
        _report(db, exp.name, None)


@cli.command()
@click.option("--scenario", default="kbop", show_default=True,
              help="Built-in scenario, scenario TOML, or 'boolean:<recipe>'.")
@click.option("--target", default=0.8, show_default=True, type=click.FloatRange(0, 1,
              min_open=True, max_open=True))
@click.option("--criterion", default="any_exact", show_default=True,
              type=click.Choice(metric_names()), help="The recovery metric (registered metrics).")
@click.option("--solution", default="parsimonious", show_default=True,
              type=click.Choice(output_names()), help="The analysis output scored.")
@click.option("--ns", default="15,20,30,40,50,65,80,100,130,160,200,250", show_default=True,
              help="Comma-separated N grid.")
@click.option("--reps", default=100, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0))
@click.option("--reliability", default=None, type=float, help="Measurement reliability.")
@click.option("--out", "-o", default=DEFAULT_DIR, show_default=True, type=click.Path())
@_run_options
def power(scenario: str, target: float, criterion: str, solution: str, ns: str, reps: int,
          seed: int, reliability: float | None, out: str, jobs: int, scheduler: str | None,
          progress: bool) -> None:
    """Smallest N at which a recovery criterion reaches the target, with its curve."""
    from .power import power_experiment, power_from_curve
    from .stats import aggregate, long_scores
    from .store import Store

    try:
        grid = [int(v) for v in ns.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"must be comma-separated integers, got {ns!r}",
                                param_hint="--ns") from None
    base: dict[str, Any] = {"solutions": [solution]}
    if reliability is not None:
        base["reliability"] = reliability
    exp = power_experiment(scenario, grid, reps, seed, base)
    db = _db_path(out)
    _execute(exp, db, jobs, scheduler, progress)
    with Store(db) as store:
        frame = store.frame(exp.name)
    frame = frame[frame["cell"].isin({c.key for c in exp.cells()})]
    long = long_scores(frame, [solution])
    curve = aggregate(long, ["n_workers"], criterion)
    res = power_from_curve(curve, target)
    click.echo(res.summary(criterion, solution))


@cli.command()
@click.argument("run", default=DEFAULT_DIR)
@click.option("--experiment", "-e", default=None, help="Experiment name (default: the last).")
@click.option("--out", "-o", default=None, type=click.Path(), help="HTML file.")
def report(run: str, experiment: str | None, out: str | None) -> None:
    """HTML report and terminal summary of a stored run (directory or .db file)."""
    from .store import Store

    db = _db_path(run)
    if not db.is_file():
        raise FileNotFoundError(f"no results store at {db}")
    with Store(db) as store:
        names = store.experiments()
    if not names:
        raise InputError(f"{db} holds no experiment")
    name = experiment or names[-1]
    if name not in names:
        raise InputError(f"no experiment {name!r} in {db}; it has {', '.join(names)}")
    _report(db, name, Path(out) if out else None)


@cli.command()
@click.argument("run", default=DEFAULT_DIR)
@click.argument("output")
@click.option("--experiment", "-e", default=None)
def export(run: str, output: str, experiment: str | None) -> None:
    """Export stored replications to OUTPUT (.csv, or .parquet with pyarrow)."""
    from .store import Store

    db = _db_path(run)
    if not db.is_file():
        raise FileNotFoundError(f"no results store at {db}")
    with Store(db) as store:
        if experiment is not None and experiment not in store.experiments():
            raise InputError(f"no experiment {experiment!r} in {db}; it has "
                             f"{', '.join(store.experiments()) or 'none'}")
        path = store.export(output, experiment)
        n = store.count(experiment)
    click.echo(f"{n} replications -> {path}")


@cli.command()
@click.argument("csv", type=click.Path(dir_okay=False))
@click.option("--outcome", "-y", required=True, help="Outcome column.")
@click.option("--conditions", "-c", default=None, help="Comma-separated condition columns.")
@click.option("--index", "index_col", default=None, help="Column holding the case names.")
@click.option("--calibrate", "cal", default="none", show_default=True,
              type=click.Choice(["none", "fuzzy", "crisp"]))
@click.option("--anchors", default="percentile",
              help="'percentile' (10/50/90) or COL=e,c,i;COL2=e,c,i (theory anchors).")
@click.option("--incl-cut", default=0.8, show_default=True, type=float)
@click.option("--n-cut", default=1, show_default=True, type=int)
@click.option("--pri-cut", default=0.0, show_default=True, type=float)
@click.option("--solution", default="all", show_default=True,
              type=click.Choice(["all", "conservative", "parsimonious", "intermediate"]))
@click.option("--dir-exp", default=None,
              help="Directional expectations for the intermediate solution, e.g. 'DEV,~IND'.")
def analyze(csv: str, outcome: str, conditions: str | None, cal: str, anchors: str,
            incl_cut: float, n_cut: int, pri_cut: float, solution: str,
            dir_exp: str | None, index_col: str | None = None) -> None:
    """QCA of your own CSV: calibrate, truth table, minimize, print."""
    import warnings

    import numpy as np
    import pandas as pd

    import qca

    data = _read_csv(csv)
    if index_col is not None:
        if index_col not in data.columns:
            raise InputError(f"{csv}: --index {index_col!r} is not a column; "
                             f"it has {', '.join(map(str, data.columns))}")
        data = data.set_index(index_col)
    conds = [c.strip() for c in conditions.split(",")] if conditions else [
        c for c in data.columns if c != outcome]
    missing = [c for c in [*conds, outcome] if c not in data.columns]
    if missing:
        raise InputError(f"{csv}: no column(s) {', '.join(missing)}; "
                         f"it has {', '.join(map(str, data.columns))}")
    data = data[[*conds, outcome]]
    if cal != "none":
        given: dict[str, tuple[float, ...]] = {}
        if anchors != "percentile":
            for part in anchors.split(";"):
                if not part.strip():
                    continue
                name, _, vals = part.partition("=")
                try:
                    given[name.strip()] = tuple(float(v) for v in vals.split(","))
                except ValueError:
                    raise InputError(f"--anchors: cannot read {part!r}; "
                                     "use COL=e,c,i") from None
                if len(given[name.strip()]) != 3:
                    raise InputError(f"--anchors: {part!r} needs three numbers "
                                     "(exclusion, crossover, inclusion): COL=e,c,i")
            unknown = sorted(set(given) - {*conds, outcome})
            if unknown:
                raise InputError(f"--anchors: no analysed column {', '.join(unknown)}")
        for col in [*conds, outcome]:
            x = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
            if np.isnan(x).any():
                bad = data[col][np.isnan(x)]
                raise InputError(f"{csv}: column {col!r} has {len(bad)} missing or non-numeric "
                                 f"value(s) (first: {bad.iloc[0]!r}); calibration needs numbers")
            e, c, i = given.get(col, tuple(np.percentile(x, [10, 50, 90])))
            if cal == "fuzzy":
                data[col] = qca.calibrate(x, "fuzzy", thresholds=(e, c, i))
            else:
                data[col] = qca.calibrate(x, "crisp", thresholds=[c])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tt = qca.truth_table(data, outcome, conds, incl_cut=incl_cut, n_cut=n_cut,
                             pri_cut=pri_cut)
        kinds = ["conservative", "parsimonious"] if solution == "all" else [solution]
        if solution == "all" and dir_exp:
            kinds.append("intermediate")
        if "intermediate" in kinds and not dir_exp:
            raise InputError("--solution intermediate needs --dir-exp, e.g. --dir-exp 'A,~B'")
        sols = [qca.minimize(tt, include=None if kind == "conservative" else "?",
                             dir_exp=dir_exp if kind == "intermediate" else None)
                for kind in kinds]
    for w in caught:  # one line each, no source line
        click.secho(f"qcasim: warning: {w.message}", fg="yellow", err=True)
    click.echo(str(tt))
    click.echo("")
    for sol in sols:
        click.echo(str(sol))
        click.echo("")


def _read_csv(csv: str) -> Any:
    """Read a user's CSV, with one clear message for each way it can be unusable."""
    import csv as csvlib

    import pandas as pd

    path = Path(csv)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {csv}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csvlib.reader(fh), [])
    except UnicodeDecodeError:
        raise InputError(f"{csv}: not a text (UTF-8) CSV file") from None
    if not header:
        raise InputError(f"{csv}: the file is empty (no header line)")
    seen: set[str] = set()
    dups = sorted({h for h in header if h in seen or seen.add(h)})  # type: ignore[func-returns-value]
    if dups:
        raise InputError(f"{csv}: duplicate column name(s) {', '.join(dups)}")
    try:
        return pd.read_csv(path, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{csv}: malformed CSV: {detail}") from None


try:  # the simulator's command, registered when sim provides it
    from sim.cli import simulate_command

    cli.add_command(simulate_command, "simulate")
except ImportError:
    pass


def main() -> None:
    """Entry point of the ``qcasim`` console script."""
    cli(prog_name="qcasim")


if __name__ == "__main__":
    main()
