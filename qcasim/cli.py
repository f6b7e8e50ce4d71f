"""The ``qcasim`` command line: one click group, each command a thin face over a library call.

Commands: ``run`` (the default KBOP recovery study and its report), ``benchmark`` (an experiment
TOML file), ``power`` (sample-size planning, :mod:`experiments.power`), ``ceiling``
(:mod:`experiments.ceiling`), ``report`` (HTML + terminal summary of a stored run,
:mod:`experiments.report`), ``export`` (CSV/Parquet, :class:`experiments.store.Store`), ``audit``
(evidence of a reported solution, :mod:`experiments.audit`), ``analyze`` (QCA of a user's CSV,
:func:`experiments.analyze.analyze`) and ``simulate`` (:mod:`sim.cli`).

The library modules are imported inside the commands, so that ``qcasim --help`` and a usage error
do not pay for numpy, pandas and Mesa (start-up time); option choices that come from a registry
(metrics, analysis outputs) are read when a command's options are parsed.

Errors: a bad input (file, option, configuration, a usage error) prints one red line on stderr
and exits with status 2; a failed run (every replication of an experiment failed, or an internal
error) exits with 1. ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from . import __version__

__all__ = ["cli", "main"]

DEFAULT_DIR = "qcasim-results"
DB_NAME = "qcasim.db"


def InputError(message: str) -> Exception:  # noqa: N802 (reads as the exception it builds)
    """:class:`experiments.errors.InputError`, imported when raised (start-up time)."""
    from experiments.errors import InputError as _InputError

    return _InputError(message)


class _RegistryChoice(click.Choice):
    """A choice among the names of a registry, read when an option is parsed or its help shown,
    so that defining the command line imports no registry (start-up time)."""

    def __init__(self, names: Any) -> None:
        self._names = names
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return tuple(self._names())

    @choices.setter
    def choices(self, value: Any) -> None:
        pass


def _metric_names_binary() -> tuple[str, ...]:
    from experiments.metrics import metric_names

    return metric_names("binary")


def _output_names() -> tuple[str, ...]:
    from experiments.methods import output_names

    return output_names()


def _user_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "your input is wrong" (exit 2); anything else is a failure of
    qcasim itself (exit 1), reported as such so that a bug never looks like a user mistake."""
    from qca import QcasimError

    # OSError: unreadable or unwritable paths given on the command line (missing directory,
    # permission denied, a directory where a file is expected).
    return (QcasimError, OSError)


def _warning_key(msg: str) -> str:
    """One reason, whichever part of a command said it: the scenario's name ("kbop" or
    "kbop.toml") and the decimals of an expected count (the study's cells and the plan's
    population estimate it slightly differently) do not make another warning."""
    import re

    msg = re.sub(r"^[^:\s]+?(\.toml)?: ", "", msg)
    return re.sub(r"\d+\.\d+", "#", msg)


def _usage_line(exc: click.UsageError) -> str:
    """A usage error as one line: the message and where help is."""
    msg = " ".join(exc.format_message().split())
    sub = exc.ctx.command_path.split()[1:] if exc.ctx is not None else []
    return f"qcasim: error: {msg} (see '{' '.join(['qcasim', *sub])} --help')"


class _Group(click.Group):
    """A group that turns exceptions into one red line and an exit status.

    Commands defined in another package are loaded when invoked (``lazy``: name -> (module,
    attribute, one-line help)), so that ``qcasim --help`` does not import Mesa (start-up time).
    A command that fails to import fails loudly, never by vanishing from the list.
    """

    lazy: dict[str, tuple[str, str, str]] = {"simulate": ("sim.cli", "simulate_command",
                         "Simulate one evaluation cohort (one row per worker) and write it as CSV.")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, attr, _ = self.lazy[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            cmd = self.commands.get(name)
            shown = cmd if cmd is not None else click.Command(name, help=self.lazy[name][2])
            help_text = shown.get_short_help_str(limit)
            if cmd is None or not cmd.hidden:
                rows.append((name, help_text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(self, args: Any = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        """Click's entry point, with usage errors printed as one line (exit status 2)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            click.secho(_usage_line(exc), fg="red", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        import warnings

        def scenario_warning(category: type[Warning]) -> bool:
            # sim.errors.ScenarioWarning, recognised without importing sim (and Mesa) here, so
            # that `qcasim CMD --help` stays fast
            return any(c.__name__ == "ScenarioWarning" and c.__module__ == "sim.errors"
                       for c in category.__mro__)

        try:
            # A scenario that QCA can hardly analyse is worth one line per reason, said once
            # (cells of a grid repeat them), after the command's own output. Every warning is
            # recorded; the others are issued again through the filters in force.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                out = super().invoke(ctx)
            said: dict[str, str] = {}
            for w in caught:
                if scenario_warning(w.category):
                    said.setdefault(_warning_key(str(w.message)), str(w.message))
            for msg in said.values():
                click.secho(f"qcasim: warning: {_clean(msg)}", fg="yellow", err=True)
            for w in caught:
                if not scenario_warning(w.category):
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            return out
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except click.UsageError as exc:
            # Usage errors too are one line (the command's --help says the rest).
            click.secho(_usage_line(exc), fg="red", err=True)
            ctx.exit(exc.exit_code)
        except click.ClickException as exc:
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
            click.secho(f"qcasim: {kind}: {_clean(msg)}", fg="red", err=True)
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


def _check_jobs(ctx: click.Context, param: click.Parameter, value: int) -> int:
    """-j: the library's rule (experiments.runner.check_jobs), checked while parsing."""
    from experiments.runner import check_jobs

    check_jobs(value, error=click.BadParameter)
    return value


def _cap_jobs(jobs: int) -> int:
    """More processes than cores only wait on each other: cap -j at the CPU count, saying so."""
    import os

    cores = os.cpu_count() or 1
    if jobs > cores:
        click.secho(f"qcasim: warning: -j {jobs} capped at {cores} (the number of CPU cores)",
                    fg="yellow", err=True)
        return cores
    return jobs


def _run_options(f: Any) -> Any:
    f = click.option("--jobs", "-j", default=-1, show_default=True, type=int,
                     callback=_check_jobs,
                     help="Local worker processes (-1: all cores, 1: serial; at most the "
                          "number of cores). Not with --scheduler.")(f)
    f = click.option("--scheduler", default=None,
                     help="Dask distributed scheduler address, e.g. tcp://HOST:8786 (runs "
                          "there instead of local processes).")(f)
    f = click.option("--overwrite", is_flag=True,
                     help="Delete stored results of an experiment of the same name (or a "
                          "store written by an older qcasim) and run it anew, instead of "
                          "refusing a changed definition.")(f)
    f = click.option("--progress/--no-progress", default=True, show_default=True)(f)
    return f


def _check_backend(jobs: int, scheduler: str | None) -> None:
    """Reject -j together with --scheduler (the cluster decides its workers)."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    if scheduler is not None and ctx.get_parameter_source("jobs") == ParameterSource.COMMANDLINE:
        raise click.UsageError("-j/--jobs sets local processes and --scheduler runs on a Dask "
                               "cluster; give one of them", ctx=ctx)
    if scheduler is not None:
        from experiments.runner import check_scheduler

        check_scheduler(scheduler)


def _validate_cells(exp: Any) -> None:
    """Every cell's scenario and analysis settings (the library's check,
    experiments.design.check_cells) before anything is written: the store stays untouched."""
    from experiments.design import check_cells

    check_cells(exp)


class ExperimentFailed(RuntimeError):  # not a user error: exit status 1
    """Every replication of an experiment ended in an error (exit status 1)."""


def _prepare_engine() -> None:
    """Load the compiled cover searches, saying so first when this machine must build them."""
    from qca.cover import compiled_searches_need_building, load_compiled_searches

    if compiled_searches_need_building():
        click.echo("qcasim: building the compiled cover searches for this machine (once, about 35 s)",
                   err=True)
    load_compiled_searches()


def _execute(exp: Any, db: Path, jobs: int, scheduler: str | None, progress: bool,
             overwrite: bool = False) -> None:
    from experiments.runner import run_experiment
    from experiments.store import Store

    _check_backend(jobs, scheduler)
    jobs = _cap_jobs(jobs)
    _validate_cells(exp)
    _prepare_engine()
    with Store(db, replace_legacy=overwrite) as store:
        s = run_experiment(exp, store, backend="joblib" if jobs != 1 else "serial",
                           n_jobs=jobs, scheduler=scheduler, progress=progress,
                           overwrite=overwrite)
    for note in s.notes:
        click.echo(f"qcasim: {_clean(note)}", err=True)
    cov = s.coverage
    failed = ""
    if cov is not None and cov.n_failed:
        failed = (f"; {cov.n_failed} of {cov.n_stored} failed "
                  f"(first: {cov.first_error})")
    elif cov is not None and cov.n_no_output:
        failed = (f"; no output computed in {cov.n_no_output} of {cov.n_stored} "
                  f"(first: {cov.first_error})")
    click.echo(_clean(f"{s.experiment}: {s.n_run} replications run, {s.n_skipped} already "
                      f"stored ({s.n_total} in {s.n_cells} cells) in {s.seconds:.1f} s"
                      f"{f' ({_rate(s.rate)} reps/s)' if s.n_run else ''}{failed}; store {db}"),
               err=True)
    if cov is not None and cov.n_stored and cov.n_ok == 0:
        raise ExperimentFailed(f"all {cov.n_stored} replications of {s.experiment!r} failed; "
                               f"first error: {cov.first_error}")
    if cov is not None and cov.n_stored and cov.n_no_output == cov.n_stored:
        raise ExperimentFailed(f"no output could be computed in any of the {cov.n_stored} "
                               f"replications of {s.experiment!r}; first error: "
                               f"{cov.first_error}")


def _rate(rate: float) -> str:
    """Replications per second as printed: whole numbers, two digits below 10 (not "0")."""
    return f"{rate:.0f}" if rate >= 10 else f"{rate:.2g}"


def _warn(msg: str) -> None:
    """One yellow warning line on stderr (data-derived text made printable)."""
    click.secho(f"qcasim: warning: {_clean(msg)}", fg="yellow", err=True)


def _report_path(db: Path, experiment: str, out: str | Path | None,
                 inputs: tuple[str | Path, ...] = ()) -> Path:
    """The report's HTML file: ``-o`` checked against the store and the inputs, or
    ``<store folder>/<safe experiment name>.html``."""
    from experiments.paths import check_output_path, output_file

    path = Path(out) if out is not None else output_file(db.parent, experiment, ".html")
    return check_output_path(path, store=db, inputs=inputs)


def _report(db: Path, experiment: str, out: Path | None,
            inputs: tuple[str | Path, ...] = ()) -> None:
    from experiments.report import write_report
    from experiments.store import Store

    target = _report_path(db, experiment, out, inputs)
    with Store(db, readonly=True) as store:
        for note in store.check(experiment):
            _warn(note)
        path, summary = write_report(store, experiment, target)
        covers = store.coverage(experiment).describe()
    click.echo(_clean_lines(summary))
    click.echo(f"\nCovers {_clean(covers)}.")
    click.echo(f"Report: {_clean(path)}")


#: The plan ``qcasim run`` answers with (keywords of :func:`experiments.plan.plan`).
RUN_PLAN: dict[str, Any] = {"seed": 1, "n_pop": 100_000, "n_draws": 400, "verify": True,
                            "robust": True}


def _run_plan(exp: Any, db: Path, progress: bool, arguments: dict[str, Any] | None = None,
              jobs: int = 1, scheduler: str | None = None) -> tuple[dict[str, Any], Path, bool]:
    """The default study's plan, computed or reused (written before the report, which embeds
    ``<out>/<experiment>.plan.json``); its work is kept in the study's store, so an interrupted
    plan resumes, on the study's workers (``-j``, ``--scheduler``)."""
    from experiments.plan_files import cached_plan

    _prepare_engine()
    with _plan_progress(progress, db) as bar:
        return cached_plan(db.parent, exp.name, str(exp.base.get("scenario", "kbop")),
                           arguments if arguments is not None else RUN_PLAN, progress=bar,
                           store=db, jobs=jobs, scheduler=scheduler)


@contextlib.contextmanager
def _plan_progress(progress: bool, db: Path | None) -> Iterator[_Progress]:
    """A plan's progress bar, closed at the end; on Ctrl-C, says where the finished work is."""
    bar = _Progress(progress)
    try:
        yield bar
    except KeyboardInterrupt:
        bar.close()
        _interrupted(db)
        raise
    finally:
        bar.close()


def _interrupted(db: Path | None) -> None:
    """Say where an interrupted plan's finished work is (and how to resume it)."""
    if db is None:
        click.echo("\nqcasim: plan interrupted; nothing was stored (give --out DIR or --store "
                   "FILE to make a plan resumable)", err=True)
    else:
        click.echo(f"\nqcasim: plan interrupted; its finished work is stored in {_clean(db)}: "
                   "run the same command again to resume", err=True)


def _plan_headline(exp: Any, db: Path, planned: tuple[dict[str, Any], Path, bool]) -> None:
    """The planner's answer under the default study: the recovery at the reported design (from
    the study's own replications) and the plan's cheapest design reaching the target, with its
    cost and fragility; the plan is read from ``<out>/<experiment>.plan.json`` when its
    fingerprint matches (:func:`experiments.plan_files.cached_plan`)."""
    from experiments.plan_files import reported_design_text
    from experiments.store import Store

    doc, path, reused = planned
    scenario = str(exp.base.get("scenario", "kbop"))
    rep = exp.report
    ref = dict(rep.get("reference") or {})
    n = int(rep.get("headline_n", 65))
    with Store(db, readonly=True) as store:
        frame = store.frame(exp.name)
    at = reported_design_text(frame, ref, n, rep.get("criterion", "any_exact"),
                              rep.get("solution", "parsimonious"))
    design = (f"N = {n}, every observed condition, {ref.get('cal_type', 'crisp')} at the "
              f"scenario's theory anchors, cut-off {ref.get('incl_cut', 0.8):g}")
    lines = ["", f"The planner's answer ({_clean(scenario)}, target {doc.get('target_text')}):"]
    lines.append(f"  At the reported design ({design}): recovered exactly in "
                 f"{at or 'no stored replications'} if the recipe is true.")
    rec = doc.get("recommended")
    unit = (doc.get("cost") or {}).get("unit", "cost units")
    if rec:
        rb = doc.get("robustness") or {}
        frag = ("robustness not assessed" if not rb else
                f"FRAGILE to {', '.join(rb.get('fragile_to') or []) or 'joint variation'}"
                if rb.get("fragile") else "robust over the plausible ranges")
        lines.append(f"  Cheapest design reaching the target: N = {int(rec['n']):,}, cost "
                     f"{rec['cost']:,.0f} {unit}; {frag}.")
    else:
        lines.append("  No design in the searched space reaches the target.")
    lines.append(f"  {doc.get('sentence', '')}")
    how = "reused: same scenario, settings and results version" if reused else "computed"
    lines.append(f"  Plan: {path} ({how}; --no-plan skips it)")
    click.echo(_clean_lines("\n".join(lines)))


@cli.command()
@click.option("--out", "-o", default=DEFAULT_DIR, show_default=True, type=click.Path(),
              help="Directory for the results store and the report.")
@click.option("--reps", type=click.IntRange(1), default=None,
              help="Replications per cell (default: the experiment's).")
@click.option("--plan/--no-plan", "with_plan", default=True, show_default=True,
              help="Also answer the planner: the cheapest design reaching 80 %% exact recovery "
                   "(qcasim plan kbop; ~100 s the first time, then reused from "
                   "<out>/kbop_default.plan.json).")
@_run_options
def run(out: str, reps: int | None, jobs: int, scheduler: str | None, overwrite: bool,
        progress: bool, with_plan: bool = True) -> None:
    """Run the default KBOP recovery study (embedded defaults), write its report and answer
    the planner (the cheapest design that would recover the recipe)."""
    import dataclasses

    from experiments.design import load_experiment

    exp = load_experiment("kbop_default")
    if reps is not None:
        exp = dataclasses.replace(exp, replications=reps)
    db = _db_path(out)
    _report_path(db, exp.name, None)
    _execute(exp, db, jobs, scheduler, progress, overwrite)
    planned = (_run_plan(exp, db, progress, jobs=jobs if scheduler is None else 1,
                         scheduler=scheduler) if with_plan else None)
    _report(db, exp.name, None)
    if planned is not None:
        _plan_headline(exp, db, planned)


@cli.command()
@click.argument("experiment_file")
@click.option("--out", "-o", default=DEFAULT_DIR, show_default=True, type=click.Path(),
              help="Directory for the results store (qcasim.db) and the report, or a .db "
                   "file.")
@click.option("--report/--no-report", "make_report", default=True, show_default=True,
              help="Write the HTML report after the run.")
@_run_options
def benchmark(experiment_file: str, out: str, make_report: bool, jobs: int,
              scheduler: str | None, overwrite: bool, progress: bool) -> None:
    """Run an experiment declared in a TOML file (resumes an interrupted run)."""
    from experiments.design import load_experiment

    _check_backend(jobs, scheduler)
    exp = load_experiment(experiment_file)
    db = _db_path(out)
    if make_report and exp.kind != "limited_diversity":
        _report_path(db, exp.name, None, (experiment_file,))  # refused before any work
    if exp.kind == "limited_diversity":
        from experiments.limited_diversity import run_study

        res, truth, path = run_study(exp.limited_diversity, exp.name, db.parent)
        click.echo(_clean_lines(res.summary(truth, exp.name)))
        click.echo(f"\nRecords: {_clean(path)}")
        return
    _execute(exp, db, jobs, scheduler, progress, overwrite)
    if make_report:
        _report(db, exp.name, None, (experiment_file,))


def _parse_value(text: str) -> Any:
    """A --set value: a TOML literal (number, true/false, [list], "string") or a bare string."""
    import tomllib

    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _parse_sets(sets: tuple[str, ...], option: str = "--set") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in sets:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not key:
            raise InputError(f"{option} {item!r}: use key=value")
        if key in out:
            raise InputError(f"{option}: {key!r} given twice")
        out[key] = _parse_value(value.strip())
    return out


def _analysis_options(f: Any) -> Any:
    """Options shared by power and ceiling: the cell's replication parameters."""
    opts = [
        click.option("--scenario", default="kbop", show_default=True,
                     help="Built-in scenario, scenario TOML, or 'boolean:<recipe>'."),
        click.option("--cal-type", type=click.Choice(["crisp", "fuzzy"]), default=None,
                     help="Calibration type (default: crisp at the scenario's theory anchors, "
                          "the default study's analysis)."),
        click.option("--conditions", default=None,
                     help="Comma-separated conditions to analyse (default: all observed)."),
        click.option("--incl-cut", type=float, default=None, help="Consistency cut-off."),
        click.option("--reliability", default=None, type=float,
                     help="Measurement reliability of every measured condition."),
        click.option("--hazard-ratio", "hazard_ratio", default=None, type=float,
                     help="The recipe's hazard ratio (effect size; 1 = null)."),
        click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                     help="Any replication parameter (repeatable), e.g. --set n_cut=2 "
                          "--set 'overrides={\"participants.frailty_sd\" = 0}'."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _base_params(scenario: str, cal_type: str | None, conditions: str | None,
                 incl_cut: float | None, reliability: float | None, hazard_ratio: float | None,
                 sets: tuple[str, ...]) -> dict[str, Any]:
    base = _parse_sets(sets)
    named = {"cal_type": cal_type, "incl_cut": incl_cut, "reliability": reliability,
             "recipe_hazard_ratio": hazard_ratio,
             "conditions": [c.strip() for c in conditions.split(",") if c.strip()]
             if conditions else None}
    for key, value in named.items():
        if value is None:
            continue
        if key in base:
            raise InputError(f"{key} is given both by its option and by --set")
        base[key] = value
    if "scenario" in base:
        raise InputError("give the scenario with --scenario, not --set")
    base["scenario"] = scenario
    return base


def _int_list(text: str, option: str) -> list[int]:
    return list(_number_list(text, option, int, "integers"))


def _number_list(text: str, option: str, cast: Any, what: str) -> tuple[Any, ...]:
    try:
        vals = tuple(cast(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise click.BadParameter(f"must be comma-separated {what}, got {text!r}",
                                 param_hint=option) from None
    if not vals:
        raise click.BadParameter("needs at least one value", param_hint=option)
    return vals


@cli.command()
@_analysis_options
@click.option("--target", default=0.8, show_default=True, type=click.FloatRange(0, 1,
              min_open=True, max_open=True), help="Rate the criterion must reach.")
@click.option("--criterion", default="any_exact", show_default=True,
              type=_RegistryChoice(_metric_names_binary),
              help="The recovery criterion (a binary metric).")
@click.option("--solution", default="parsimonious", show_default=True,
              type=_RegistryChoice(_output_names), help="The analysis output scored.")
@click.option("--ns", default=",".join(str(n) for n in (15, 30, 65, 130, 250, 500, 1000)),
              show_default=True, help="Comma-separated N grid.")
@click.option("--over", default=None, metavar="PARAM=V1,V2,...",
              help="A parameter whose values are searched separately, e.g. reliability=0.8,0.9,1 "
                   "or recipe_hazard_ratio=0.7,0.4,0.2.")
@click.option("--mde", "mde_n", type=click.IntRange(2), default=None, metavar="N",
              help="Minimum detectable effect at this N instead of a sample size "
                   "(searches --effects).")
@click.option("--effects", default=None,
              help="Effects searched by --mde: recipe hazard ratios for programme scenarios "
                   "(default 0.9,0.7,0.4,0.2,0.1), outcome gaps (high - low) for boolean: "
                   "scenarios (default 0.02,0.05,0.1,0.25).")
@click.option("--reps", default=100, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0))
@click.option("--explain/--no-explain", default=True, show_default=True,
              help="When the target is never reached, say why (population ceiling).")
@click.option("--out", "-o", default=DEFAULT_DIR, show_default=True, type=click.Path(),
              help="Directory of the results store.")
@_run_options
def power(scenario: str, cal_type: str | None, conditions: str | None, incl_cut: float | None,
          reliability: float | None, hazard_ratio: float | None, sets: tuple[str, ...],
          target: float, criterion: str, solution: str, ns: str, over: str | None,
          mde_n: int | None, effects: str, reps: int, seed: int, explain: bool, out: str,
          jobs: int, scheduler: str | None, overwrite: bool, progress: bool) -> None:
    """Sample size (or minimum detectable effect) at which a recovery criterion reaches the target.

    The rate is fitted as a monotone curve with a ceiling (logistic in log N); when the ceiling
    is below the target the answer is "never", with the cause from the population ceiling.
    """
    import math

    from experiments.power import answers_from_frame, power_experiment
    from experiments.store import Store

    if not math.isfinite(target):
        raise click.BadParameter(f"{target} is not a rate between 0 and 1", param_hint="--target")
    _check_backend(jobs, scheduler)
    base = _base_params(scenario, cal_type, conditions, incl_cut, reliability, hazard_ratio, sets)
    base["solutions"] = [solution]
    grid: dict[str, list[Any]] = {}
    over_names: list[str] = []
    if over is not None:
        name, eq, values = over.partition("=")
        name = name.strip()
        if not eq or not values.strip():
            raise click.BadParameter("use PARAM=V1,V2,...", param_hint="--over")
        if name in base or name == "n_workers":
            raise InputError(f"--over {name} conflicts with a fixed value of {name}")
        grid[name] = [_parse_value(v.strip()) for v in values.split(",") if v.strip()]
        over_names = [name]
    if mde_n is not None:
        from experiments.power import effect_variable, mde_experiment

        default = ("0.9,0.7,0.4,0.2,0.1" if effect_variable(scenario) == "recipe_hazard_ratio"
                   else "0.02,0.05,0.1,0.25")
        exp, variable = mde_experiment(
            scenario, mde_n, _number_list(effects or default, "--effects", float, "numbers"),
            reps, seed, {k: v for k, v in base.items() if k != "scenario"}, grid=grid)
    else:
        if effects is not None:
            raise click.UsageError("--effects is searched by --mde N; give --mde too")
        exp = power_experiment(scenario, _int_list(ns, "--ns"), reps, seed,
                               {k: v for k, v in base.items() if k != "scenario"}, grid=grid)
        variable = "n_workers"
    db = _db_path(out)
    _execute(exp, db, jobs, scheduler, progress, overwrite)
    with Store(db, readonly=True) as store:
        frame = store.frame(exp.name)
    frame = frame[frame["cell"].isin({c.key for c in exp.cells()})]
    for ans in answers_from_frame(frame, variable, over_names, criterion, solution, target, base,
                                  explain=explain):
        click.echo(_clean_lines(ans.summary(criterion, solution)))
        click.echo("")


def _load_space(path: str | None) -> dict[str, Any] | None:
    """A design space TOML: its ``[space]`` table (or the whole file when it has none)."""
    import tomllib

    if path is None:
        return None
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"space file {str(p)!r}: not a UTF-8 text file") from None
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError(f"space file {str(p)!r}: invalid TOML: {exc}") from None
    space = raw.get("space", raw)
    if not isinstance(space, dict):
        raise InputError(f"space file {str(p)!r}: [space] must be a table of lever = [levels]")
    return space


class _Progress:
    """A tqdm bar over the planner's steps (its ``progress`` callback): one tick per message,
    the message as the bar's description."""

    def __init__(self, enabled: bool) -> None:
        self.bar: Any = None
        if enabled:
            from tqdm.auto import tqdm

            class _Bar(tqdm):  # type: ignore[misc, valid-type]
                monitor_interval = 0  # no monitor thread: the plan's workers fork from here

            self.bar = _Bar(desc="plan", unit=" steps", file=sys.stderr, leave=False,
                            bar_format="{desc} [{elapsed}, {n_fmt} steps]")

    def __call__(self, msg: str) -> None:
        if self.bar is not None:
            self.bar.set_description_str(f"plan: {_clean(msg)[:90]}")
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _plan_arguments(target: str | None, space: str | None, cost: str | None,
                    sets: tuple[str, ...], seed: int, n_pop: int, draws: int, verify: bool,
                    robust: bool) -> dict[str, Any]:
    """Keywords of :func:`experiments.plan.plan` from the command line's options (validated
    by the planner itself before any work)."""
    args: dict[str, Any] = {"seed": seed, "n_pop": n_pop, "n_draws": draws, "verify": verify,
                            "robust": robust}
    if target is not None:
        args["target"] = target
    if space is not None:
        args["space"] = _load_space(space)
    if cost is not None:
        args["cost"] = cost
    base = _parse_sets(sets)
    if base:
        args["base"] = base
    return args


@cli.command("plan")
@click.argument("scenario", default="kbop")
@click.option("--target", default=None,
              help="What the design must reach, e.g. 'exact >= 0.8 and null_claim <= 0.05' "
                   "(the default) or 'paths >= 0.9'.")
@click.option("--space", "space_file", default=None, type=click.Path(dir_okay=False),
              help="TOML file with a [space] table: the levers and their levels (n_grid, "
                   "conditions, incl_cut, n_cut, pri_cut, cal_type, reliability, participants, "
                   "solution, outcome_anchors).")
@click.option("--cost", "cost_file", default=None, type=click.Path(dir_okay=False),
              help="TOML file with a [cost] table (per_case, per_condition, per_item, "
                   "per_followup, fixed, unit).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="A replication parameter fixed for every design (repeatable), e.g. "
                   "--set recipe_hazard_ratio=0.2.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0))
@click.option("--n-pop", default=100_000, show_default=True, type=click.IntRange(1000),
              help="Cases in each screening population.")
@click.option("--draws", default=400, show_default=True, type=click.IntRange(50),
              help="Truth tables drawn per design and N.")
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="Verify the recommendation by full simulation.")
@click.option("--robust/--no-robust", default=True, show_default=True,
              help="Stress the recommendation over the scenario's illustrative ranges.")
@click.option("--json", "json_out", default=None, type=click.Path(dir_okay=False),
              help="Write the plan as JSON to this file.")
@click.option("--html", "html_out", default=None, type=click.Path(dir_okay=False),
              help="Write the plan as an HTML section to this file.")
@click.option("--figures", "figures_dir", default=None, type=click.Path(file_okay=False),
              help="Write the Pareto and tornado figures (PNG) into this folder.")
@click.option("--out", "-o", default=None, type=click.Path(file_okay=False),
              help="Write <out>/<scenario>.plan.json, .plan.html and the figures here.")
@click.option("--store", "store_file", default=None, type=click.Path(dir_okay=False),
              help="Results store keeping the plan's finished work (default with --out: "
                   "<out>/qcasim.db): an interrupted plan run again resumes there.")
@click.option("--jobs", "-j", default=-1, show_default=True, type=int, callback=_check_jobs,
              help="Local worker processes for the verification simulations and the "
                   "populations (-1: all cores, 1: serial), as in benchmark. Not with "
                   "--scheduler.")
@click.option("--scheduler", default=None,
              help="Dask distributed scheduler address, e.g. tcp://HOST:8786 (runs there "
                   "instead of local processes).")
@click.option("--progress/--no-progress", default=None,
              help="A progress bar on stderr (default: when stderr is a terminal).")
def plan_command(scenario: str, target: str | None, space_file: str | None,
                 cost_file: str | None, sets: tuple[str, ...], seed: int, n_pop: int, draws: int,
                 verify: bool, robust: bool, json_out: str | None, html_out: str | None,
                 figures_dir: str | None, out: str | None, store_file: str | None, jobs: int,
                 scheduler: str | None, progress: bool | None) -> None:
    """The cheapest study design that recovers the recipe (if it is true) at the target rate.

    Screens the design space with a truth-table surrogate, verifies the recommendation by full
    simulation and stresses it over the scenario's illustrative ranges (fragile or robust).
    Seeded and reproducible (the answer does not depend on -j or --scheduler); with --out or
    --store its finished work is stored as it completes, and the same command run again after
    an interruption (Ctrl-C, kill -9) resumes and gives the answer the uninterrupted plan would
    have. The planner's own errors exit with status 2.
    """
    from experiments.cost import cost_model
    from experiments.plan import DesignSpace, Target, plan
    from experiments.plan_files import plan_fingerprint, plan_paths, write_plan

    args = _plan_arguments(target, space_file, cost_file, sets, seed, n_pop, draws, verify,
                           robust)
    # everything the planner reads is checked before the (long) work starts
    Target.parse(args.get("target", "exact >= 0.8 and null_claim <= 0.05"))
    DesignSpace.build(args.get("space"))
    cost_model(args.get("cost"))
    inputs = tuple(p for p in (space_file, cost_file, scenario) if p and Path(p).is_file())
    name = Path(scenario).stem if Path(scenario).suffix == ".toml" else scenario
    figures: dict[str, Path] = {}
    json_path: Path | None = Path(json_out) if json_out else None
    html_path: Path | None = Path(html_out) if html_out else None
    if out is not None:
        paths = plan_paths(out, name)
        json_path = json_path or paths["json"]
        html_path = html_path or paths["html"]
        figures = {"pareto": paths["pareto"], "tornado": paths["tornado"]}
    if figures_dir is not None:
        from experiments.paths import output_file

        figures = {k: output_file(figures_dir, name, f".plan-{k}.png")
                   for k in ("pareto", "tornado")}
    from experiments.paths import check_output_path

    _check_backend(jobs, scheduler)
    jobs = _cap_jobs(jobs) if scheduler is None else 1
    db = _db_path(store_file) if store_file else (_db_path(out) if out is not None else None)
    for p in (json_path, html_path, *figures.values()):
        if p is not None:
            check_output_path(p, store=db, inputs=inputs)
    _prepare_engine()
    with _plan_progress(sys.stderr.isatty() if progress is None else progress, db) as bar:
        result = plan(scenario, **args, progress=bar, store=db, name=name, jobs=jobs,
                      scheduler=scheduler)
    click.echo(_clean_lines(str(result)))
    if json_path or html_path or figures:
        for p in (json_path, html_path, *figures.values()):
            if p is not None:
                p.parent.mkdir(parents=True, exist_ok=True)
        written = write_plan(result, json_path=json_path, html_path=html_path, figures=figures,
                             fingerprint=plan_fingerprint(scenario, args), inputs=inputs)
        for p in written:
            click.echo(f"Wrote {_clean(p)}", err=True)


@cli.command()
@_analysis_options
@click.option("--population", default=100_000, show_default=True, type=click.IntRange(1000),
              help="Cases in the simulated population.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0))
def ceiling(scenario: str, cal_type: str | None, conditions: str | None, incl_cut: float | None,
            reliability: float | None, hazard_ratio: float | None, sets: tuple[str, ...],
            population: int, seed: int) -> None:
    """Can QCA recover the recipe at ANY sample size? The population ceiling and its causes."""
    from experiments.ceiling import population_ceiling

    base = _base_params(scenario, cal_type, conditions, incl_cut, reliability, hazard_ratio, sets)
    click.echo(population_ceiling(base, n_population=population, seed=seed).summary())


def _float_list(text: str | None, option: str) -> tuple[float, ...] | None:
    return None if text is None else _number_list(text, option, float, "numbers")


@cli.command()
@click.argument("reported")
@click.option("--scenario", default="kbop", show_default=True,
              help="Built-in scenario, scenario TOML, or 'boolean' (the solution's conditions as "
                   "a Boolean structure).")
@click.option("--n", "n_cases", default=65, show_default=True, type=click.IntRange(2),
              help="Number of cases analysed in the study.")
@click.option("--conditions", default=None,
              help="Comma-separated conditions analysed (default: all the scenario observes).")
@click.option("--cal-type", type=click.Choice(["crisp", "fuzzy"]), default="crisp",
              show_default=True)
@click.option("--incl-cut", default=0.8, show_default=True, type=click.FloatRange(0, 1))
@click.option("--n-cut", default=1, show_default=True, type=click.IntRange(1))
@click.option("--solution", default="parsimonious", show_default=True,
              type=click.Choice(["parsimonious", "conservative", "intermediate"]))
@click.option("--reliability", default=None, type=click.FloatRange(0, 1, min_open=True),
              help="Assumed measurement reliability (default: the scenario's).")
@click.option("--effects", default=None,
              help="Effect sizes under which the solution is taken as true (hazard ratios; "
                   "outcome gaps for Boolean scenarios).")
@click.option("--sensitivity-reliabilities", "sens_rel", default="0.7,0.85,0.98", show_default=True,
              help="Reliabilities of the sensitivity table.")
@click.option("--reps", default=100, show_default=True, type=click.IntRange(1),
              help="Replications per truth.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0))
@click.option("--html", "html_out", default=None, type=click.Path(),
              help="Also write the audit as an HTML section to this file.")
def audit(reported: str, scenario: str, n_cases: int, conditions: str | None, cal_type: str,
          incl_cut: float, n_cut: int, solution: str, reliability: float | None,
          effects: str | None, sens_rel: str, reps: int, seed: int,
          html_out: str | None) -> None:
    """How much evidence is a REPORTED QCA solution, given its design and data quality?"""
    from experiments.audit import AuditDesign, DataQuality, audit_html
    from experiments.audit import audit as run_audit

    design = AuditDesign(scenario=scenario, n_cases=n_cases, conditions=tuple(
        c.strip() for c in conditions.split(",") if c.strip()) if conditions else None,
        cal_type=cal_type, incl_cut=incl_cut, n_cut=n_cut, solution=solution)
    quality = DataQuality(reliability=reliability, effects=_float_list(effects, "--effects"),
                          sensitivity_reliabilities=_float_list(
                              sens_rel, "--sensitivity-reliabilities") or ())
    result = run_audit(reported, design, quality, reps=reps, seed=seed)
    click.echo(result.summary())
    if html_out:
        Path(html_out).write_text(audit_html(result), encoding="utf-8")


@cli.command()
@click.argument("run", default=DEFAULT_DIR)
@click.option("--experiment", "-e", default=None, help="Experiment name (default: the last).")
@click.option("--out", "-o", default=None, type=click.Path(), help="HTML file.")
def report(run: str, experiment: str | None, out: str | None) -> None:
    """HTML report and terminal summary of a stored run (directory or .db file).

    The store is opened read-only; the report never overwrites the store or its files."""
    db = _db_path(run)
    name = _stored_experiment(db, experiment)
    _report(db, name, Path(out) if out else None)


def _stored_experiment(db: Path, experiment: str | None) -> str:
    """The experiment to read from the store at ``db`` (read-only): the given one, or the last."""
    from experiments.store import Store

    if not db.is_file():
        raise FileNotFoundError(f"no results store at {db}")
    with Store(db, readonly=True) as store:
        names = store.experiments()
    if not names:
        raise InputError(f"{_clean(db)} holds no experiment")
    name = experiment or names[-1]
    if name not in names:
        raise InputError(f"no experiment {_clean(name)!r} in {_clean(db)}; it has "
                         f"{', '.join(_clean(n) for n in names)}")
    return name


@cli.command()
@click.argument("paths", nargs=-1, metavar="[RUN] OUTPUT")
@click.option("--experiment", "-e", default=None,
              help="Experiment name (default: every experiment in the store).")
def export(paths: tuple[str, ...], experiment: str | None) -> None:
    """Export the stored replications of the current experiment definitions to OUTPUT (.csv, or
    .parquet with pyarrow), one row per replication, failed ones included (column ``error``).

    RUN is the results directory or .db file (default: qcasim-results)."""
    from experiments.paths import check_output_path
    from experiments.store import Store

    if len(paths) not in (1, 2):
        raise click.UsageError(f"export takes [RUN] OUTPUT, got {len(paths)} argument(s)")
    run, output = (DEFAULT_DIR, paths[0]) if len(paths) == 1 else paths
    db = _db_path(run)
    if not db.is_file():
        raise FileNotFoundError(f"no results store at {db}")
    check_output_path(output, store=db)
    with Store(db, readonly=True) as store:
        names = store.experiments()
        if experiment is not None and experiment not in names:
            raise InputError(f"no experiment {_clean(experiment)!r} in {_clean(db)}; it has "
                             f"{', '.join(_clean(n) for n in names) or 'none'}")
        for name in [experiment] if experiment else names:
            for note in store.check(name):
                _warn(note)
        path = store.export(output, experiment)
        covers = [store.coverage(name).describe() for name in ([experiment] if experiment
                                                                 else names)]
    click.echo(_clean(f"{path}: " + "; ".join(covers) if covers else f"{path}: no replications"))


@cli.command()
@click.argument("csv", type=click.Path(dir_okay=False))
@click.option("--outcome", "-y", required=True, help="Outcome column.")
@click.option("--conditions", "-c", default=None,
              help='Comma-separated condition columns; quote names holding spaces or commas: '
                   '\'"per capita GNP",URB\'.')
@click.option("--index", "index_col", default=None, help="Column holding the case names.")
@click.option("--calibrate", "cal", default="none", show_default=True,
              type=click.Choice(["none", "fuzzy", "crisp"]),
              help="Calibrate the analysed columns (0/1 columns are kept as they are).")
@click.option("--thresholds", default=None, metavar="'COL=e:N,c:N,i:N;...'",
              help="Calibration thresholds per column, as R's calibrate(thresholds=): "
                   "'DEV=e:400,c:550,i:900; URB=25,50,65; STB=e:15,c:9.5,i:5' (fuzzy), "
                   "'DEV=c:550' (crisp), 'COL=none' (keep as it is).")
@click.option("--calibration", "calibration_file", default=None,
              type=click.Path(dir_okay=False),
              help="A TOML/JSON calibration file: type, idm and a [thresholds] table "
                   "(COL = [e, c, i]).")
@click.option("--idm", default=None, type=float,
              help="Membership at the outer fuzzy anchors (R's idm; default 0.95).")
@click.option("--anchors", default=None,
              help="'percentile': take missing thresholds from the data (10/50/90 "
                   "percentiles; crisp: the median), said in the calibration table; or "
                   "COL=e,c,i;COL2=e,c,i. Crisp calibration needs thresholds or this.")
@click.option("--round", "round_digits", default=None, type=click.IntRange(0, 12),
              help="Round calibrated memberships to this many decimals (R's LF: 2).")
@click.option("--save-calibration", default=None, type=click.Path(dir_okay=False),
              help="Write the calibration table (column, type, thresholds, idm, source) "
                   "to this CSV file.")
@click.option("--incl-cut", default=0.8, show_default=True, type=float)
@click.option("--n-cut", default=1, show_default=True, type=int)
@click.option("--pri-cut", default=0.0, show_default=True, type=float)
@click.option("--solution", default="all", show_default=True,
              type=click.Choice(["all", "conservative", "parsimonious", "intermediate"]))
@click.option("--dir-exp", default=None,
              help="Directional expectations for the intermediate solution, e.g. 'DEV,~IND' "
                   "(quoted names allowed; with --solution intermediate or all).")
@click.option("--max-models", default=None, type=click.IntRange(1),
              help="Tied models kept per solution (default: the engine's, 1000); all tied "
                   "models are still counted.")
@click.option("--time-limit", default=10.0, show_default=True,
              type=click.FloatRange(0, 3600, min_open=True),
              help="Seconds each minimization may take; on a hard table the best cover found "
                   "is returned with bounds on the minimum and a note of what is proven. A "
                   "fuzzy truth table too large to build in about a minute is refused.")
@click.option("--progress/--no-progress", default=None,
              help="Say what is being computed and how long it took (default: when stderr is "
                   "a terminal).")
def analyze(csv: str, outcome: str, conditions: str | None, cal: str, anchors: str | None,
            incl_cut: float, n_cut: int, pri_cut: float, solution: str,
            dir_exp: str | None, index_col: str | None = None, max_models: int | None = None,
            progress: bool | None = None, time_limit: float = 10.0,
            thresholds: str | None = None, calibration_file: str | None = None,
            idm: float | None = None, round_digits: int | None = None,
            save_calibration: str | None = None) -> None:
    """QCA of your own CSV: calibrate, truth table, minimize, print.

    Calibration is explicit: thresholds per column (--thresholds or --calibration), printed
    with the result and optionally saved (--save-calibration). Every minimization is bounded
    (--max-models, --time-limit), so every call returns, saying how complete its answer is.
    """
    from experiments.analyze import analyze as run_analysis
    from experiments.analyze import split_names
    from experiments.paths import check_output_path, neutralise_frame

    ctx = click.get_current_context()
    if cal == "none" and calibration_file is None and (anchors is not None or thresholds
                                                        is not None or idm is not None):
        raise click.UsageError("--anchors, --thresholds and --idm set calibration; they need "
                               "--calibrate fuzzy or crisp", ctx=ctx)
    if dir_exp and solution in ("conservative", "parsimonious"):
        raise click.UsageError(f"--dir-exp applies to the intermediate solution only, not to "
                               f"--solution {solution}; use --solution intermediate or all",
                               ctx=ctx)
    inputs = [csv, *([calibration_file] if calibration_file else [])]
    if save_calibration is not None:
        check_output_path(save_calibration, inputs=inputs)
        if cal == "none" and calibration_file is None:
            raise click.UsageError("--save-calibration needs --calibrate fuzzy or crisp",
                                   ctx=ctx)
    show = sys.stderr.isatty() if progress is None else progress
    _prepare_engine()
    result = run_analysis(
        csv, outcome, split_names(conditions) if conditions else None,
        index=index_col, calibrate=cal, anchors=anchors, thresholds=thresholds,
        calibration=calibration_file, idm=idm, round_digits=round_digits, incl_cut=incl_cut,
        n_cut=n_cut, pri_cut=pri_cut, solution=solution, dir_exp=dir_exp, max_models=max_models,
        time_limit=time_limit, progress=(lambda msg: click.echo(f"qcasim: {msg}", err=True))
        if show else None)
    for msg in result.warnings:  # one line each; the engine's knobs are options here
        msg = msg.replace("raise max_models", "raise --max-models").replace(
            "raise time_limit", "raise --time-limit")
        click.secho(f"qcasim: warning: {_clean(msg)}", fg="yellow", err=True)
    click.echo(_clean_lines(result.summary()))
    if save_calibration is not None and result.calibration is not None:
        neutralise_frame(result.calibration.reset_index()).to_csv(save_calibration, index=False)
        click.echo(f"Calibration table: {_clean(save_calibration)}", err=True)


def _clean(text: object) -> str:
    """Data-derived text made safe for the terminal (:func:`experiments.paths.printable`)."""
    from experiments.paths import printable

    return printable(text)


def _clean_lines(text: str) -> str:
    """:func:`_clean` line by line (a multi-line summary keeps its lines)."""
    return "\n".join(_clean(line) for line in text.split("\n"))


def main() -> None:
    """Entry point of the ``qcasim`` console script."""
    cli(prog_name="qcasim")


if __name__ == "__main__":
    main()
