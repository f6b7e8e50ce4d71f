"""md5 of the records of a fixed small experiment, for byte-identity checks across refactors.

Usage: ``python benchmarks/records_fingerprint.py [OUTDIR]``. Runs
``benchmarks/records_fingerprint.toml`` serially (``qcasim benchmark -j 1 --no-report``) into a fresh
store, exports its records to CSV and prints the md5 of that CSV without its wall-clock columns
(``elapsed``, ``*_seconds``), rows sorted by cell and replication. Compare the printed md5 before
and after a change: equal means every stored record (every score, every solution string) is
unchanged.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="fingerprint-"))
    shutil.rmtree(out, ignore_errors=True)
    qcasim = [sys.executable, "-m", "qcasim"]
    subprocess.run([*qcasim, "benchmark", str(HERE / "records_fingerprint.toml"), "-o", str(out),
                    "-j", "1", "--no-report", "--no-progress"], check=True)
    csv = out / "records.csv"
    subprocess.run([*qcasim, "export", str(out), str(csv)], check=True)
    import pandas as pd

    records = pd.read_csv(csv, dtype=str, keep_default_na=False)
    timing = [c for c in records.columns if c == "elapsed" or c.endswith("_seconds")]
    canonical = records.drop(columns=timing).sort_values(["cell", "rep"]).to_csv(index=False)
    print(hashlib.md5(canonical.encode()).hexdigest(), csv, f"({len(records)} records)")


if __name__ == "__main__":
    main()
