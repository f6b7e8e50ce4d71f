"""Every simulated array equals the engine's at commit 8de4d26 (before the throughput work).

The simulator at that commit is extracted with ``git archive`` and run in a subprocess; the
populations (latent values, memberships, raw scores, allocation, needs, hazards), outcomes (the
week arrays included) and cohort columns of crisp and fuzzy truth, both built-in scenarios,
N = 65, 1,000 and 10,000, several seeds and batch splits must be byte-identical. Skipped where
the repository history is not available (e.g. an sdist).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = "8de4d26"

DUMP = r'''
import sys, warnings
sys.path.insert(0, sys.argv[1])
warnings.simplefilter("ignore")
import numpy as np
import sim
from sim.cohort import cohort_arrays
from sim.generators import GeneratorSettings, make_generator
from sim.kernel import run_batch

out = {}
for scen in ("kbop", "gmbop"):
    for truth in ("crisp", "fuzzy"):
        for n, seeds, batches in ((65, (0, 7), ((0, 1), (3, 17))), (1000, (1,), ((0, 3), (5, 12))),
                                  (10_000, (2,), ((4, 2),))):
            s = sim.load_scenario(scen).with_overrides({"programme.n_workers": n, "truth": truth})
            for seed in seeds:
                for start, n_reps in batches:
                    tag = f"{scen}|{truth}|{n}|{seed}|{start}|{n_reps}"
                    b = run_batch(s, seed, n_reps, start=start)
                    p, o = b.population, b.outcomes
                    for f in ("org", "latent", "true", "paths", "in_recipe", "worker",
                              "referral_week", "needs", "rel_hazard", "log_q", "log_u", "log_v"):
                        out[f"{tag}|{f}"] = np.asarray(getattr(p, f))
                    for k, v in p.observed.items():
                        out[f"{tag}|observed.{k}"] = np.asarray(v)
                    for f in ("housed", "housing_week", "failed", "failure_week", "sustained",
                              "exit_week", "n_meetings"):
                        out[f"{tag}|{f}"] = np.asarray(getattr(o, f))
                    for k, v in cohort_arrays(s, p, o).items():
                        out[f"{tag}|cohort.{k}"] = np.asarray(v)
        g = make_generator(scen, GeneratorSettings(n_cases=300, overrides={"truth": truth}))
        for i, c in enumerate(g.cohorts(11, [0, 1, 2, 5, 9])):
            for k, v in c.items():
                out[f"generator|{scen}|{truth}|{i}|{k}"] = np.asarray(v)
np.savez(sys.argv[2], **out)
'''


def _dump(tree: Path, target: Path, script: Path) -> dict[str, np.ndarray]:
    subprocess.run([sys.executable, str(script), str(tree), str(target)], check=True,
                   cwd=script.parent)
    with np.load(target) as data:
        return {k: data[k] for k in data.files}


@pytest.mark.slow
def test_simulation_is_bit_identical_to_8de4d26(tmp_path: Path) -> None:
    archive = tmp_path / "base.tar"
    res = subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), BASE, "sim", "qca"],
                         capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"git archive {BASE} unavailable: {res.stderr.decode().strip()[:200]}")
    base = tmp_path / "base"
    with tarfile.open(archive) as tar:
        tar.extractall(base, filter="data")
    script = tmp_path / "dump.py"
    script.write_text(DUMP)
    old = _dump(base, tmp_path / "old.npz", script)
    new = _dump(ROOT, tmp_path / "new.npz", script)
    assert old.keys() == new.keys()
    differ = [k for k in old if old[k].dtype != new[k].dtype or old[k].shape != new[k].shape
              or old[k].tobytes() != new[k].tobytes()]
    assert not differ, f"{len(differ)} of {len(old)} arrays differ, e.g. {differ[:5]}"
