"""Scenario loading and validation errors."""

import pytest

import sim
from sim import ScenarioError, load_scenario
from sim.scenario import builtin_scenarios

KBOP = load_scenario("kbop")


def write(tmp_path, text):
    p = tmp_path / "mine.toml"
    p.write_text(text)
    return p


def kbop_text():
    from importlib import resources

    return (resources.files("sim") / "scenarios" / "kbop.toml").read_text()


def test_builtins_load():
    assert set(builtin_scenarios()) >= {"kbop", "gmbop"}
    for name in builtin_scenarios():
        scen = load_scenario(name)
        assert scen.name == name
        assert scen.recipe_conditions


def test_user_file_loads(tmp_path):
    scen = load_scenario(write(tmp_path, kbop_text().replace('name = "kbop"', 'name = "mine"')))
    assert scen.name == "mine"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("n_workers = 65", "n_workers = 65\nn_wrokers = 3", "unknown parameter 'programme.n_wrokers'"),
        ("reliability = 0.88", "reliability = 1.5",
         "conditions.INNOV.reliability must be a number in (0, 1], got 1.5"),
        ("n_workers = 65", "n_workers = 1", "programme.n_workers must be an integer in [2, 100,000], got 1"),
        ("n_workers = 65", "n_workers = 6.5", "programme.n_workers must be an integer"),
        ("items = 20", "items = 20\ncolour = 1", "unknown parameter 'conditions.INNOV.colour'"),
        ("scale = [1, 5]", "scale = [5, 1]", "conditions.INNOV.scale"),
        ('kind = "caseload"', 'kind = "count"',
         "conditions.CASELOAD.kind must be one of 'likert', 'recorded', 'caseload', got 'count'"),
        ("+ WORKLOAD*INNOV*LONGMEET", "+ WORKLOAD*INNOV*MOOD", "'MOOD'"),
        ("+ WORKLOAD*INNOV*LONGMEET", "+ WORKLOAD*(INNOV", "recipe"),
        ('["SBW", "REFLECT", 0.40]', '["SBW", "REFLECT", 1.40]', "correlations entry"),
        ('["SBW", "REFLECT", 0.40]', '["SBW", "NOPE", 0.40]', "unknown condition 'NOPE'"),
        ("baseline_sustain = 0.70", "baseline_sustain = 0",
         "hazard.baseline_sustain must be a number in (0, 1), got 0"),
        ("[hazard]", "[hazzard]", "unknown parameter 'hazzard'"),
    ],
)
def test_validation_errors_name_key_and_file(tmp_path, old, new, message):
    text = kbop_text()
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert message in msg
    assert "mine.toml" in msg
    assert "\n" not in msg


def test_messages_follow_the_common_parameter_format(tmp_path):
    """qca.params' format: <file>: <dotted key> must be <what>, got <value>; a missing key and a
    table that is not one are named the same way."""
    cases = [
        ("median = 37.5", "median = inf", r"conditions\.\w+\.median must be a finite number, got inf"),
        ("n_orgs = 8", "#", r"missing required parameter 'programme\.n_orgs' \(an integer in"),
    ]
    text = kbop_text()
    for old, new, pattern in cases:
        assert old in text, old
        with pytest.raises(ScenarioError, match=r"mine\.toml: " + pattern):
            load_scenario(write(tmp_path, text.replace(old, new, 1)))
    with pytest.raises(ScenarioError, match=r"^mine\.toml: hazard must be a table of name = value, got 3"):
        sim.scenario.scenario_from_dict({**KBOP.raw, "hazard": 3}, source="mine.toml")


def test_not_positive_definite(tmp_path):
    text = kbop_text().replace('["SBW", "REFLECT", 0.40]', '["SBW", "REFLECT", 0.95]').replace(
        '["SBW", "SELFEFF", 0.30]', '["SBW", "SELFEFF", -0.95]')
    with pytest.raises(ScenarioError, match="positive-definite"):
        load_scenario(write(tmp_path, text))


def test_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="invalid TOML"):
        load_scenario(write(tmp_path, "name = "))
    with pytest.raises(ScenarioError, match="neither a built-in"):
        load_scenario(tmp_path / "absent.toml")


def test_overrides():
    scen = KBOP.with_overrides({"n_workers": 30, "conditions.INNOV.reliability": 0.7,
                                "recipe": "INNOV*~CASELOAD"})
    assert scen.programme.n_workers == 30
    assert next(c for c in scen.conditions if c.name == "INNOV").reliability == 0.7
    assert scen.n_paths == 1
    assert KBOP.programme.n_workers == 65  # the original is untouched
    with pytest.raises(ScenarioError, match="override key 'bogus'"):
        KBOP.with_overrides({"bogus": 1})
    with pytest.raises(ScenarioError,
                       match=r"programme\.n_workers must be an integer in \[2, 100,000\], got -3"):
        sim.simulate(n_workers=-3)
    with pytest.raises(ScenarioError, match="crisp literal"):
        KBOP.with_overrides({"recipe": "INNOV[2]"})


def test_bad_arguments():
    with pytest.raises(ScenarioError, match="engine"):
        sim.simulate(engine="fast")
    with pytest.raises(ScenarioError, match="seed"):
        sim.simulate(seed=-1)
    with pytest.raises(ScenarioError, match="n_reps"):
        sim.simulate_many(n_reps=0)


def test_defaults_documented_with_sources():
    text = kbop_text()
    for line in text.splitlines():
        if "=" in line and not line.startswith("#") and not line.startswith("["):
            key = line.split("=")[0].strip()
            if key in {"n_workers", "n_orgs", "sustain_weeks", "referrals_per_worker",
                       "baseline_sustain", "recipe_hazard_ratio"}:
                assert "[" in line.split("#", 1)[1], line
    for c in KBOP.conditions:
        assert c.source and c.label
