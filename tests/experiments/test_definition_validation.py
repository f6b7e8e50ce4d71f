"""A bad experiment definition is rejected at load, naming the culprit, before any store exists."""

import pytest
from click.testing import CliRunner

from qcasim.cli import cli

BASE = ('[experiment]\nname = "v"\nreplications = 1\n[base]\nscenario = "boolean:A*B + C"\n'
        '{extra}\n[grid]\nn_workers = [20]\n')


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        ('dir_exp = "FOO,~BAR"', ["dir_exp", "a single string is not split", "'FOO,~BAR'"]),
        ('dir_exp = ["A", "~Z"]', ["dir_exp names 'Z'", "analysed: A, B, C"]),
        ('conditions = ["NOPE"]', ["NOPE", "observed: A, B, C"]),
        ('solutions = ["magic"]', ["solutions must be", "conservative", "'magic'"]),
        ("incl_cut = 1.5", ["incl_cut", "1.5"]),
        ("n_cut = 0", ["n_cut", "got 0"]),
        ("n_conditions = 9", ["n_conditions"]),
    ],
)
def test_rejected_before_the_store(tmp_path, extra, fragments):
    f = tmp_path / "v.toml"
    f.write_text(BASE.format(extra=extra))
    r = CliRunner().invoke(cli, ["benchmark", str(f), "-o", str(tmp_path / "out"), "-j", "1",
                                 "--no-progress"])
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("qcasim: error: "), r.stderr
    for frag in fragments:
        assert frag in lines[0], (frag, lines[0])
    assert not (tmp_path / "out").exists()


def test_reliability_one_is_accepted_for_boolean_scenarios(tmp_path):
    f = tmp_path / "v.toml"
    f.write_text(BASE.format(extra="reliability = 1.0"))
    r = CliRunner().invoke(cli, ["benchmark", str(f), "-o", str(tmp_path / "out"), "-j", "1",
                                 "--no-progress", "--no-report"])
    assert r.exit_code == 0, r.output
