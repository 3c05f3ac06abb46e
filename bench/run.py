"""`make bench`: run every bench/bench_*.py in turn and print what each reports.

Each script runs as `python -m bench.<name>` from the repository root in its own
process, so one benchmark's imports, caches and memory cannot flatter the next.
A script that fails is reported and the rest still run; the exit code is 1 if any
failed. Benchmarks print figures and verdicts; they are not tests.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(names: list[str]) -> int:
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem in names or s.stem.removeprefix("bench_") in names]
    if not scripts:
        print("No benchmarks found (bench/bench_*.py).")
        return 1
    failed = []
    for script in scripts:
        print(f"=== {script.stem} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"bench.{script.stem}"], cwd=ROOT)
        took = time.perf_counter() - start
        if code:
            failed.append(script.stem)
            print(f"--- {script.stem} FAILED (exit code {code}) after {took:.1f} s\n", flush=True)
        else:
            print(f"--- {script.stem} finished in {took:.1f} s\n", flush=True)
    if failed:
        print(f"Failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
