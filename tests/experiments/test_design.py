import numpy as np
import pytest

from experiments.design import DesignError, builtin_experiments, experiment_from_dict, load_experiment


def test_builtin_experiments_load():
    names = builtin_experiments()
    assert {"kbop_default", "null_fpr", "limited_diversity"} <= set(names)
    exp = load_experiment("kbop_default")
    cells = exp.cells()
    assert len(cells) <= sum(int(np.prod([len(v) for v in b.values()])) for b in exp.blocks)
    assert cells[0].params["incl_cut"] == 0.8
    assert len({c.key for c in cells}) == len(cells)
    assert load_experiment("limited_diversity").kind == "limited_diversity"
    assert load_experiment("null_fpr").base["recipe_hazard_ratio"] == 1.0


def test_cell_seed_depends_on_params_not_position(toy_raw):
    a = experiment_from_dict(toy_raw)
    toy_raw["grid"]["n_workers"] = [10, 20, 40]
    b = experiment_from_dict(toy_raw)
    seeds_a = {c.key: c.seed for c in a.cells()}
    seeds_b = {c.key: c.seed for c in b.cells()}
    assert all(seeds_b[k] == s for k, s in seeds_a.items())


@pytest.mark.parametrize("mutate, words", [
    (lambda r: r["experiment"].update(colour="red"), ["unknown parameter 'experiment.colour'", "my.toml"]),
    (lambda r: r["base"].update(inclcut=0.9), ["unknown parameter 'base.inclcut'", "my.toml"]),
    (lambda r: r.update(extra={}), ["unknown parameter 'extra'", "my.toml"]),
    (lambda r: r["grid"].update(n_cut=3), ["grid.n_cut must be a non-empty list"]),
    (lambda r: r["experiment"].update(replications=0), ["replications"]),
    (lambda r: r["base"].update(calibration="magic"), ["calibration", "my.toml"]),
    (lambda r: r["experiment"].pop("name"), ["experiment.name is required"]),
])
def test_validation_errors_name_key_and_file(toy_raw, mutate, words):
    mutate(toy_raw)
    with pytest.raises(DesignError) as info:
        experiment_from_dict(toy_raw, "my.toml")
    msg = str(info.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg


def test_load_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[experiment\nname=1")
    with pytest.raises(DesignError, match="invalid TOML"):
        load_experiment(bad)
    with pytest.raises(DesignError, match="neither a file"):
        load_experiment(tmp_path / "missing.toml")


def test_cells_differing_in_effect_or_analysis_share_cohorts():
    exp = experiment_from_dict({
        "experiment": {"name": "crn", "replications": 2, "seed": 11},
        "base": {"scenario": "kbop", "n_workers": 30},
        "grid": {"recipe_hazard_ratio": [1.0, 0.4], "incl_cut": [0.7, 0.9],
                 "cal_type": ["crisp", "fuzzy"]},
    })
    cells = exp.cells()
    assert len({c.key for c in cells}) == 8 and len({c.seed for c in cells}) == 1
    other = experiment_from_dict({
        "experiment": {"name": "crn", "replications": 2, "seed": 11},
        "base": {"scenario": "kbop", "n_workers": 40}})
    assert other.cells()[0].seed != cells[0].seed


def test_grid_blocks_union_without_duplicates():
    exp = experiment_from_dict({
        "experiment": {"name": "blocks", "replications": 2, "seed": 1},
        "base": {"scenario": "boolean:A*B + ~C*D", "cal_type": "crisp"},
        "grid": [{"n_workers": [20, 40], "incl_cut": [0.8]},
                 {"n_workers": [40], "incl_cut": [0.8, 0.6]}],
    })
    cells = exp.cells()
    assert [(c.params["n_workers"], c.params["incl_cut"]) for c in cells] == [
        (20, 0.8), (40, 0.8), (40, 0.6)]
    with pytest.raises(DesignError, match=r"grid\[2\].n_cut must be a non-empty list"):
        experiment_from_dict({"experiment": {"name": "b"}, "grid": [{"n_workers": [20]},
                                                                    {"n_cut": 2}]})


def test_check_cells_is_the_one_cell_check():
    """A cell that cannot be built is refused by experiments.design.check_cells (which the
    loader and the command line call), naming the file and the cell, even for an Experiment
    built directly."""
    from experiments.design import Experiment, check_cells

    exp = Experiment(name="x", base={"scenario": "kbop", "solutions": ["parsimonious"]},
                     grid={"overrides": [{}, {"programme.n_orgs": 0}]}, source="direct.toml")
    with pytest.raises(DesignError, match=r"^direct\.toml: cell 2 \(overrides=.*n_orgs must be an integer"):
        check_cells(exp)


def test_jobs_rule_is_the_runners():
    from experiments.runner import check_jobs

    assert check_jobs(1) == 1
    for bad in (0, -2, True, 1.5):
        with pytest.raises(ValueError, match="jobs must be -1 \\(every core\\) or a positive number"):
            check_jobs(bad, error=ValueError)
