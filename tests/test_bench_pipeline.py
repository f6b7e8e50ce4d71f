"""The throughput benchmark's serial timing (benchmarks/bench_pipeline.py): two engine processes
timed in alternating chunks give a rate for every cell and the same record digests when they
are the same engine, and a failing engine is reported with its error, not a hang."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_pipeline", ROOT / "benchmarks" / "bench_pipeline.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules.setdefault("bench_pipeline", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_interleaved_engines_time_every_cell_and_agree_on_the_records() -> None:
    bench = _bench()
    todo = [(n, p) for n, p in bench.cells(quick=True) if n in ("crisp 7c N=65 pars", "fuzzy 7c N=65 cons")]
    one, two = bench.interleaved([ROOT, ROOT], todo, reps=7, seconds=0.005)
    for name, _ in todo:
        assert one[name]["rate"] > 0 and two[name]["rate"] > 0
        assert one[name]["digest"] == two[name]["digest"]  # the same replications, in chunks
        assert one[name]["incomplete"] == two[name]["incomplete"] == 0
    assert one[todo[0][0]]["digest"] != one[todo[1][0]]["digest"]


@pytest.mark.slow
def test_a_failing_engine_is_reported_with_its_error(tmp_path: Path) -> None:
    bench = _bench()
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "__init__.py").write_text("raise ImportError('no engine here')\n")
    todo = [(n, p) for n, p in bench.cells(quick=True) if n == "crisp 7c N=65 pars"]
    with pytest.raises(SystemExit, match="no engine here"):
        bench.interleaved([ROOT, tmp_path], todo, reps=3, seconds=0.005)


@pytest.mark.slow
def test_this_tree_alone_prints_its_own_columns_only() -> None:
    import subprocess

    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_pipeline.py"), "--no-baseline", "--only",
         "crisp 7c N=65 cons", "--reps", "4", "--jobs", "2", "--runner-reps", "8"],
        capture_output=True, text=True, cwd=ROOT, check=True, timeout=600,
    ).stdout
    assert "this tree alone" in out
    head = next(line for line in out.splitlines() if line.startswith("| cell |"))
    assert head.count("|") - 1 == 7 and "baseline" not in head and "ratio" not in head
    row = next(line for line in out.splitlines() if line.startswith("| crisp 7c N=65 cons |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert len(cells) == 7 and float(cells[1]) > 0 and cells[2] == "0"  # no search stopped
    assert float(cells[3]) > 0 and float(cells[4]) > 0 and cells[5].endswith("x")
    assert "geometric mean" not in out
