"""The benchmark's seams: a new analysis method is one registration, a new metric one function,
and both flow through an experiment into the stored records, the summary and the HTML report."""

import numpy as np
import pytest

from experiments import methods as method_registry
from experiments import metrics as metric_registry
from experiments.design import DesignError, experiment_from_dict
from experiments.methods import AnalysisMethod, MethodResult, MethodResults, register_method
from experiments.metrics import metric
from experiments.params import normalise_params
from experiments.report import build_report_data, html_report, text_summary
from experiments.runner import run_experiment
from experiments.store import Store
from qca.params import Param


@pytest.fixture
def dummy_method_and_metric():
    def analyse(inp, params, outputs):
        # An oracle that returns the truth when asked to, and a single wrong literal otherwise.
        model = inp.truth if params["oracle_honest"] else type(inp.truth)(inp.truth.terms[:1])
        assert inp.values.shape == (len(inp.data[inp.outcome]), len(inp.conditions))
        return MethodResults({o: MethodResult((model,), 1, "ok", str(model)) for o in outputs},
                             {"oracle_cases": len(inp.data[inp.outcome])})

    register_method(AnalysisMethod(
        name="oracle", outputs=("oracle",), analyse=analyse,
        params=(Param("oracle_honest", True, "bool", doc="Return the truth."),),
        description="test double", diagnostics=("oracle_cases",)))

    @metric("n_terms_first", "count", "terms in the first model (test metric)")
    def n_terms_first(o):
        return len(o.models[0].terms) if o.models else 0

    yield
    method_registry._REGISTRY.pop("oracle")
    metric_registry._REGISTRY.pop("n_terms_first")


def test_dummy_method_and_metric_flow_to_records_summary_and_report(tmp_path,
                                                                    dummy_method_and_metric):
    exp = experiment_from_dict({
        "experiment": {"name": "seams", "replications": 4, "seed": 3, "batch_size": 2},
        "base": {"scenario": "boolean:A*B + ~C*D", "cal_type": "crisp",
                 "solutions": ["parsimonious", "oracle"]},
        "grid": {"n_workers": [20, 40]},
        "report": {"solution": "oracle", "criterion": "n_terms_first", "headline_n": 40},
    })
    with Store(tmp_path / "s.db") as store:
        run_experiment(exp, store, backend="serial", progress=False)
        frame = store.frame("seams")
        assert len(frame) == 8
        assert frame["oracle.any_exact"].astype(bool).all()
        assert (frame["oracle.n_terms_first"] == 2).all()
        assert (frame["parsimonious.n_terms_first"] >= 0).all()
        assert (frame["oracle_cases"].isin([20, 40])).all()
        data = build_report_data(store, "seams")
    summary = text_summary(data)
    assert "oracle" in summary and "n_terms_first" in summary
    page = html_report(data)
    assert "terms in the first model (test metric)" in page


def test_method_parameters_only_with_their_outputs(dummy_method_and_metric):
    p = normalise_params({"solutions": ["oracle"], "oracle_honest": False})
    assert p["oracle_honest"] is False and "incl_cut" not in p
    with pytest.raises(DesignError, match="parameter of analysis method 'oracle'"):
        normalise_params({"oracle_honest": False})
    with pytest.raises(DesignError, match="oracle_honest must be true or false"):
        normalise_params({"solutions": ["oracle"], "oracle_honest": "yes"})


def test_unknown_output_prefix_is_never_dropped_silently():
    import pandas as pd

    from experiments.stats import long_scores

    frame = pd.DataFrame({"rep": [0], "cna.any_correct": [True], "parsimonious.any_correct": [False]})
    with pytest.raises(ValueError, match="cna"):
        long_scores(frame)


def test_registered_clashes_are_refused(dummy_method_and_metric):
    with pytest.raises(ValueError, match="already belongs to method 'qca'"):
        register_method(AnalysisMethod("other", ("parsimonious",), (), lambda *a: None))
    with pytest.raises(ValueError, match="kind must be one of"):
        metric("bad", "ratio", "x")(lambda o: 0)


def test_metric_intervals_by_kind():
    m = metric_registry.get_metric("recall")
    mean, lo, hi = m.interval(np.array([0.0, 1.0, 1.0, 1.0]))
    assert mean == 0.75 and 0 <= lo < 0.75 < hi <= 1
    assert metric_registry.get_metric("n_models").kind == "count"


def test_dir_exp_string_is_rejected_not_split():
    with pytest.raises(DesignError, match="a single string is not split"):
        normalise_params({"dir_exp": "FOO,~BAR"})
    with pytest.raises(DesignError, match="dir_exp names 'FOO'"):
        from experiments.pipeline import cell_setup

        cell_setup({"dir_exp": ["FOO", "~CASELOAD"]})
