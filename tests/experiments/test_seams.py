"""The extension seams: a method, a count metric and a generator registered at run time are seen
by every consumer: serial and joblib runs, the stored records, the report (formatted by the
metric's kind), power planning and the command line's choices."""

import warnings
from importlib.metadata import EntryPoint

import pytest
from click.testing import CliRunner

from experiments import methods as method_registry
from experiments import metrics as metric_registry
from experiments.design import experiment_from_dict
from experiments.methods import AnalysisMethod, MethodResult, MethodResults, register_method
from experiments.metrics import metric
from experiments.report import build_report_data, html_report, text_summary
from experiments.runner import run_experiment
from experiments.store import Store
from qca.registry import PluginWarning, Registry
from qcasim.cli import cli
from sim import generators as generator_registry
from sim.boolean import BooleanGenerator
from sim.generators import register_generator

TIMING = ("elapsed", "sim_seconds", "analysis_seconds")


# Module-level functions: a joblib worker unpickles them by importing this module; the
# registrations themselves reach the worker only through the runner's registry snapshot.
def _oracle(inp, params, outputs):
    return MethodResults({o: MethodResult((inp.truth,), 1, "ok", str(inp.truth)) for o in outputs},
                         {})


def _literals(o):
    return sum(len(t) for t in o.models[0].terms) if o.models else 0


def _seam_factory(spec, settings):
    return BooleanGenerator(spec, settings.n_cases, 1.0 if settings.reliability is None
                            else settings.reliability)


@pytest.fixture
def registered():
    register_method(AnalysisMethod(name="seam_oracle", outputs=("seam_oracle",), params=(),
                                   analyse=_oracle, description="returns the truth"))
    metric("seam_literals", "count", "literals of the first model (seam test)",
           direction="neither")(_literals)
    register_generator("seamgen", _seam_factory, "test generator")
    yield
    method_registry._REGISTRY.pop("seam_oracle")
    metric_registry._REGISTRY.pop("seam_literals")
    generator_registry._REGISTRY.pop("seamgen")


def _experiment(name):
    return experiment_from_dict({
        "experiment": {"name": name, "replications": 4, "seed": 5, "batch_size": 2},
        "base": {"scenario": "seamgen:A*B + C", "cal_type": "crisp",
                 "solutions": ["parsimonious", "seam_oracle"]},
        "grid": {"n_workers": [20, 40]},
        "report": {"solution": "seam_oracle", "criterion": "seam_literals", "headline_n": 40},
    })


def test_runtime_registrations_reach_serial_and_joblib_runs_records_and_report(tmp_path,
                                                                               registered):
    frames = {}
    for backend in ("serial", "joblib"):
        with Store(tmp_path / f"{backend}.db") as store:
            run_experiment(_experiment("seam"), store, backend=backend, n_jobs=2, progress=False)
            frames[backend] = store.frame("seam")
            if backend == "joblib":
                data = build_report_data(store, "seam")
    for frame in frames.values():
        assert frame["error"].isna().all() or (frame["error"].fillna("") == "").all()
        assert (frame["seam_oracle.seam_literals"] == 3).all()  # A*B + C
        assert frame["seam_oracle.any_exact"].astype(bool).all()
        assert "parsimonious.seam_literals" in frame
    cols = [c for c in frames["serial"].columns if c not in TIMING]
    ser = frames["serial"][cols].sort_values(["cell", "rep"]).reset_index(drop=True)
    job = frames["joblib"][cols].sort_values(["cell", "rep"]).reset_index(drop=True)
    assert ser.equals(job)
    text, page = text_summary(data), html_report(data)
    # A count is displayed as a number, never as a percentage, and gets no rate target.
    assert "seam_literals 3 [" in text and "300 %" not in text and "300 %" not in page
    assert "(mean) over 4 replications" in text
    assert "not planned: the target is a share and seam_literals is a count" in text
    assert "With 40 cases" in text and "literals of the first model (seam test)" in page


def test_runtime_registrations_reach_the_command_line_and_power(tmp_path, registered):
    runner = CliRunner()
    helptext = runner.invoke(cli, ["power", "--help"]).output
    assert "seam_oracle" in helptext
    r = runner.invoke(cli, ["power", "--scenario", "seamgen:A*B + C", "--solution", "seam_oracle",
                            "--criterion", "any_exact", "--ns", "20,40", "--reps", "3", "-j", "1",
                            "--no-progress", "--no-explain", "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "seam_oracle" in r.output
    # Count metrics are scored but are no power criterion (a rate target needs a share).
    bad = runner.invoke(cli, ["power", "--criterion", "seam_literals"])
    assert bad.exit_code == 2 and "seam_literals" in bad.stderr


def test_a_plugin_that_fails_to_load_is_one_warning(monkeypatch):
    reg = Registry("test thing", "qcasim.test_seam_group")
    broken = EntryPoint(name="broken", value="no_such_module_xyz:thing", group=reg.group)
    monkeypatch.setattr("importlib.metadata.entry_points",
                        lambda group=None: [broken] if group == reg.group else [])
    with pytest.warns(PluginWarning, match="'broken'.*could not be loaded"):
        reg.discover()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert reg.names() == ()  # discovered once; the registry still works
