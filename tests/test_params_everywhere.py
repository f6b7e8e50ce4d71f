"""One parameter-declaration API (:mod:`qca.params`), one message format, everywhere: every
registered method parameter and every generator setting refuses invalid values the same way."""

from __future__ import annotations

import pytest

from experiments.errors import DesignError
from experiments.methods import methods
from experiments.params import normalise_params
from qca.params import Param
from sim.boolean import BOOLEAN_PARAMS
from sim.errors import ScenarioError
from sim.generators import GeneratorSettings, make_generator


def invalid_values(p: Param) -> list[object]:
    """Values ``p`` must refuse: the wrong type, and just outside each bound."""
    wrong_type = {"int": ["x", 1.5, True], "float": ["x", True], "str": [3], "bool": ["yes", 1],
                  "str_list": ["abc", [1]], "mapping": [[1, 2]], "any": []}[p.kind]
    out: list[object] = list(wrong_type)
    if p.low is not None:
        out.append(p.low if p.low_open else p.low - 1)
    if p.high is not None:
        out.append(p.high if p.high_open else p.high + 1)
    if p.choices is not None and p.kind == "str":
        out.append("no-such-choice")
    if not p.nullable:
        out.append(None)
    return out


METHOD_CASES = [(m.name, m.outputs[0], p, v) for m in methods() for p in m.params
                for v in invalid_values(p)]


@pytest.mark.parametrize(("method", "output", "param", "value"), METHOD_CASES,
                         ids=[f"{c[0]}-{c[2].name}-{c[3]!r}" for c in METHOD_CASES])
def test_every_method_parameter_refuses_invalid_values(method, output, param, value):
    with pytest.raises(DesignError, match=f"{param.name} must be "):
        normalise_params({"solutions": [output], param.name: value})


GENERATOR_CASES = [(p, v) for p in BOOLEAN_PARAMS for v in invalid_values(p)
                   if not (p.name == "observed" and v is None)]


@pytest.mark.parametrize(("param", "value"), GENERATOR_CASES,
                         ids=[f"{c[0].name}-{c[1]!r}" for c in GENERATOR_CASES])
def test_every_boolean_generator_setting_refuses_invalid_values(param, value):
    settings = (GeneratorSettings(n_cases=value) if param.name == "n_cases"
                else GeneratorSettings(overrides={param.name: value}))
    with pytest.raises(ScenarioError, match=f"^boolean scenario: {param.name} must be "):
        make_generator("boolean:A*B + C", settings)


def test_there_is_something_to_check():
    assert len(METHOD_CASES) > 10 and len(GENERATOR_CASES) > 10
