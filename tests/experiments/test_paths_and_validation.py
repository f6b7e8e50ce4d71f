"""Output-path safety and validation before any work (issue #22 items 1, 2, 8, 12, 14)."""

import warnings

import pandas as pd
import pytest

import qca
from experiments.design import MAX_CELLS, experiment_from_dict, load_experiment
from experiments.errors import DesignError
from experiments.paths import (
    OutputPathError,
    check_output_path,
    neutralise_csv_cell,
    neutralise_frame,
    output_file,
    printable,
    safe_filename,
)
from experiments.runner import check_scheduler
from qca import QcasimError

# ------------------------------------------------------------------ items 1, 2: paths


@pytest.mark.parametrize("name", ["../../x", "/etc/passwd", "a/b\\c", "..", ".", "", "   ",
                                  "=cmd|' /C calc'!A0", "a\x1b[31mred\x1b[0m", "con", "x" * 500,
                                  "naïve name", "a\x00b"])
def test_safe_filename_is_one_component_inside_the_folder(tmp_path, name):
    stem = safe_filename(name)
    assert stem and "/" not in stem and "\\" not in stem and stem not in (".", "..")
    assert not stem.startswith((".", "-", "=")) and len(stem) <= 110
    out = output_file(tmp_path, name, ".html")
    assert out.parent == tmp_path and out.name.endswith(".html")


def test_safe_filename_keeps_plain_names_and_separates_changed_ones():
    assert safe_filename("kbop_default") == "kbop_default"
    assert safe_filename("a/b") != safe_filename("a_b")
    assert safe_filename("../x") != safe_filename("./x")


def test_output_file_refuses_a_suffix_that_is_a_path(tmp_path):
    with pytest.raises(OutputPathError):
        output_file(tmp_path, "x", "/../../y")


def test_check_output_path_refuses_store_companions_inputs_and_outside(tmp_path):
    store = tmp_path / "R" / "qcasim.db"
    store.parent.mkdir()
    store.write_bytes(b"x")
    for target in (store, tmp_path / "R" / "qcasim.db-wal", tmp_path / "R" / "qcasim.db.lock",
                   tmp_path / "R" / "." / "qcasim.db"):
        with pytest.raises(OutputPathError, match="is the results store"):
            check_output_path(target, store=store)
    exp = tmp_path / "exp.toml"
    exp.write_text("")
    with pytest.raises(OutputPathError, match="input file"):
        check_output_path(tmp_path / "." / "exp.toml", store=store, inputs=[exp])
    with pytest.raises(OutputPathError, match="outside the output folder"):
        check_output_path(tmp_path / "R" / ".." / "x.html", inside=tmp_path / "R")
    with pytest.raises(OutputPathError, match="directory"):
        check_output_path(tmp_path / "R", store=store)
    assert check_output_path(tmp_path / "R" / "r.html", store=store, inputs=[exp],
                             inside=tmp_path / "R") == tmp_path / "R" / "r.html"


# ------------------------------------------------------------------ item 8: CSV and terminal


def test_formula_cells_are_neutralised_numbers_kept():
    assert [neutralise_csv_cell(v) for v in ("=1+1", "+1", "-A", "@SUM(A1)", "\t=1", "A*B", "~A",
                                              -1.5, 3)] == [
        "'=1+1", "'+1", "'-A", "'@SUM(A1)", "'\t=1", "A*B", "~A", -1.5, 3]
    df = pd.DataFrame({"experiment": ["=evil()"], "x": [-1.0], "=col": ["ok"]})
    out = neutralise_frame(df)
    assert out["experiment"].iloc[0] == "'=evil()" and out["x"].iloc[0] == -1.0
    assert list(out.columns) == ["experiment", "x", "'=col"]
    assert df["experiment"].iloc[0] == "=evil()"  # a copy


def test_printable_strips_escapes_and_controls():
    assert printable("\x1b]0;title\x07a\x1b[2Jb\rc\x00d\x9be") == "ab cde"
    assert printable("KBOP – naïve ✓") == "KBOP – naïve ✓"


# ------------------------------------------------------------------ item 12: validation first


def _raw(**changes):
    raw = {"experiment": {"name": "t", "replications": 2},
           "base": {"scenario": "boolean:A*B + C", "solutions": ["parsimonious"]},
           "grid": {"n_workers": [20]}}
    for dotted, value in changes.items():
        table, key = dotted.split("__")
        raw.setdefault(table, {})[key] = value
    return raw


@pytest.mark.parametrize(("changes", "words"), [
    ({"base__scenario": "boolean:SBW*~SBW"}, "no term"),
    ({"base__scenario": "boolean:" + "*".join(f"C{i}" for i in range(40))}, "at most 30"),
    ({"experiment__replications": 2**63 - 1}, "replications must be an integer in [1, 1,000,000]"),
    ({"experiment__name": "a\x00b"}, "control character"),
    ({"experiment__name": "a\x1b[31m"}, "control character"),
    ({"report__headline_n": "x"}, "report.headline_n must be an integer"),
    ({"base__recipe_hazard_ratio": 10**400}, "recipe_hazard_ratio must be a number"),
    ({"base__scenario": "kbop", "base__solutions": ["parsimonious"],
      "base__overrides": {"conditions.SBW.items": 10**8}},
     "conditions.SBW.items must be an integer in [1, 1000], got 100000000"),
    ({"base__scenario": "kbop", "base__overrides": {"conditions.SBW.prevalence": 1e-300}},
     "conditions.SBW.prevalence must be in [1e-09, 1 - 1e-09], got 1e-300"),
])
def test_bad_experiment_inputs_are_refused_before_any_work(changes, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a scenario's advisories on small cohorts
        with pytest.raises(DesignError) as err:
            experiment_from_dict(_raw(**changes), "t.toml")
    assert words in str(err.value), str(err.value)


@pytest.mark.parametrize(("deletions", "words"), [([-1], "must be in 0..7"), ([True], "integers"),
                                                  ([], "non-empty"), ([7], None)])
def test_limited_diversity_deletions_are_checked(deletions, words):
    raw = {"experiment": {"name": "l", "kind": "limited_diversity"},
           "limited_diversity": {"truth": "A*B", "conditions": ["A", "B", "C"],
                                 "deletions": deletions}}
    if words is None:
        assert experiment_from_dict(raw, "l.toml").kind == "limited_diversity"
        return
    with pytest.raises(DesignError, match=words):
        experiment_from_dict(raw, "l.toml")


def test_grid_size_is_refused_before_expanding():
    grid = {k: list(range(2, 2 + 20)) for k in ("n_workers", "n_cut", "max_models", "n_conditions")}
    raw = {"experiment": {"name": "big"}, "base": {"scenario": "boolean:A*B + C"}, "grid": grid}
    with pytest.raises(DesignError, match=f"160,000 cells, more than the {MAX_CELLS:,}"):
        experiment_from_dict(raw, "big.toml")


def test_unreadable_experiment_files_are_design_errors(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[experiment]\nname = "caf\xe9"\n')
    with pytest.raises(DesignError, match="not UTF-8"):
        load_experiment(bad)
    deep = tmp_path / "deep.toml"
    deep.write_text("[experiment]\nname = 'd'\n[base]\noverrides = {a = " + "[" * 5000
                    + "]" * 5000 + "}\n")
    with pytest.raises(DesignError, match="nested too deeply"):
        load_experiment(deep)


@pytest.mark.parametrize("address", ["not a url", "tcp://", "http://x:1", "tcp://host",
                                     "tcp://h:notaport"])
def test_bad_scheduler_addresses_are_refused(address):
    from experiments.errors import InputError

    with pytest.raises(InputError, match="not a Dask scheduler address"):
        check_scheduler(address)
    assert check_scheduler("tcp://10.0.0.1:8786") == "tcp://10.0.0.1:8786"


# ------------------------------------------------------------------ item 14: API errors


@pytest.fixture
def d():
    return pd.DataFrame({"A": [0, 1, 1, 0, 1], "B": [1, 1, 0, 0, 1], "Y": [0, 1, 1, 0, 1]})


@pytest.mark.parametrize("call", [
    lambda d: qca.pof("A*~A", "Y", data=d),
    lambda d: qca.pof("A", 5, data=d),
    lambda d: qca.pof("A", [[0.1]], data=d),
    lambda d: qca.cna(d, outcome=3),
    lambda d: qca.cna(d, outcome=[3]),
    lambda d: qca.parse("(" * 5000 + "A" + ")" * 5000),
    lambda d: qca.parse("~" * 5000 + "A"),
])
def test_api_misuse_raises_qcasim_errors(d, call):
    with pytest.raises(QcasimError):
        call(d)


def test_cna_refuses_unbounded_work_quickly():
    import numpy as np

    rng = np.random.default_rng(1)
    wide = pd.DataFrame({f"F{i}": rng.integers(0, 2, 60) for i in range(40)})
    with pytest.raises(QcasimError, match="budget"):
        qca.cna(wide)
    mv = pd.DataFrame({f"F{i}": rng.integers(0, 10, 10) for i in range(5)})
    with pytest.raises(QcasimError, match="budget"):
        qca.cna(mv)
