import pytest

TOY = "boolean:~A*B + B*~C + D"


@pytest.fixture
def toy_raw():
    return {
        "experiment": {"name": "toy", "replications": 6, "seed": 7, "batch_size": 2},
        "base": {"scenario": TOY, "solutions": ["conservative", "parsimonious"],
                 "overrides": {"extra": 1}},
        "grid": {"n_workers": [20, 40], "reliability": [0.8, 0.95]},
    }
