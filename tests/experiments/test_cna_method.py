"""CNA as a registered analysis method: outputs cna_fixed and cna_frscore flow through run_one."""

import pytest

from experiments.methods import get_method, method_of_output
from experiments.methods.cna_methods import asf_expression
from experiments.params import normalise_params
from experiments.pipeline import run_one
from qca import parse


def test_registered_with_two_outputs():
    m = get_method("cna")
    assert m.outputs == ("cna_fixed", "cna_frscore")
    assert method_of_output("cna_frscore").name == "cna"


def test_asf_antecedent_to_expression():
    assert asf_expression("A*b + C") == parse("A*~B + C")
    assert asf_expression("~A*B") == parse("~A*B")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recovers_boolean_recipe_on_clean_data(seed):
    rec = run_one(
        {
            "scenario": "boolean:A*B + ~C*D",
            "n_workers": 80,
            "cal_type": "crisp",
            "solutions": ["cna_fixed", "cna_frscore"],
        },
        seed=seed,
    )
    for out in ("cna_fixed", "cna_frscore"):
        assert rec[f"{out}.status"] == "ok"
        assert rec[f"{out}.any_correct"], rec[f"{out}.model"]
        assert rec[f"{out}.recall"] > 0


def test_parameters_validated():
    p = normalise_params({"solutions": ["cna_fixed"], "cna_con": 0.9})
    assert p["cna_con"] == 0.9 and p["cna_maxstep"] == [3, 4, 10]
    with pytest.raises(Exception, match="cna_maxstep"):
        normalise_params({"solutions": ["cna_fixed"], "cna_maxstep": [3, 4]})
    with pytest.raises(Exception, match="cna_con"):
        normalise_params({"solutions": ["cna_fixed"], "cna_con": 1.5})
