"""How long a 100,000-row workbook takes to check and load: `python -m bench.bench_load`.

Writes a 100,000-row upload in the long layout (indicator, period, breakdown,
value; many teams, twenty years of past months, every indicator, so every key is
unique and the file is valid) to bench/out/ (kept for the next run), then measures, each in a fresh
child process so one cannot warm or bloat the other:

- openpyxl alone reading every cell in read-only mode (the yardstick), and
- `etl.ingest.load.prepare` (read and check every cell) then `etl.ingest.load.commit` into a new
  DuckDB file, timed separately, with the child's peak resident memory.

The aims (issue: "make bench"): the whole load in under half of openpyxl's bare
read, under 3 s, and under 500 MB, on a 2-core machine. Prints a table and a verdict;
it is not a test and always exits 0 unless something crashes.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = 100_000
FIRST_MONTH = dt.date(2005, 1, 1)
MONTHS = 240  # January 2005 to December 2024: all in the past
AIM_SECONDS = 3.0
AIM_FRACTION_OF_OPENPYXL = 0.5
AIM_MB = 500
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"  # gitignored


def _months() -> list[dt.datetime]:
    return [
        dt.datetime(FIRST_MONTH.year + (FIRST_MONTH.month - 1 + n) // 12,
                    (FIRST_MONTH.month - 1 + n) % 12 + 1, 1)
        for n in range(MONTHS)
    ]  # fmt: skip


def _rows() -> list[tuple]:
    """Exactly ROWS valid rows: every indicator by month, then teams until the count is met."""
    from core.catalogue import catalogue

    cat = catalogue()
    months = _months()
    rows: list[tuple] = []
    for ind in cat.indicators:
        if ind.breakdown == "team":
            continue
        breakdowns = cat.breakdown_values.get(ind.breakdown, ()) or ("",)
        for month in months:
            for n, breakdown in enumerate(breakdowns):
                rows.append((ind.code, month, breakdown, _value(ind.unit, n + month.month)))
    team_codes = [ind for ind in cat.indicators if ind.breakdown == "team"]
    team = 0
    while len(rows) < ROWS:
        team += 1
        for ind in team_codes:
            for month in months:
                rows.append((ind.code, month, f"Team {team:03d}", _value(ind.unit, team)))
    return rows[:ROWS]


def _value(unit: str, seed: int) -> float | int:
    if unit == "count":
        return 10 + seed % 90
    if unit == "percent":
        return round(50 + (seed * 7) % 450 / 10, 1)
    return round(12 + (seed * 3) % 100 / 10, 1)


def write_workbook(path: Path) -> int:
    """The upload, written with openpyxl's write-only mode; returns the data rows written."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(["indicator", "period", "breakdown", "value"])
    rows = _rows()
    for row in rows:
        sheet.append(row)
    book.save(path)
    return len(rows)


# --- the children -------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu() -> float:
    """CPU seconds used so far (all threads): unlike wall time, barely moved by other load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_openpyxl(path: str) -> dict:
    from openpyxl import load_workbook

    baseline, cpu = _peak_mb(), _cpu()
    start = time.perf_counter()
    book = load_workbook(path, read_only=True)
    cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
    book.close()
    return {"read_s": time.perf_counter() - start, "read_cpu": _cpu() - cpu, "cells": cells,
            "baseline_mb": baseline, "peak_mb": _peak_mb()}  # fmt: skip


def child_load(path: str, db: str) -> dict:
    from etl.ingest.load import commit, prepare
    from etl.store.database import Store

    baseline = _peak_mb()
    content = Path(path).read_bytes()
    cpu0, start = _cpu(), time.perf_counter()
    prepared = prepare(Path(path).name, content)
    cpu1, prepared_at = _cpu(), time.perf_counter()
    result = commit(Store(db), prepared, "benchmark")
    cpu2, done = _cpu(), time.perf_counter()
    return {"prepare_s": prepared_at - start, "commit_s": done - prepared_at,
            "prepare_cpu": cpu1 - cpu0, "commit_cpu": cpu2 - cpu1,
            "added": result.added, "baseline_mb": baseline, "peak_mb": _peak_mb()}  # fmt: skip


def _in_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_load", "--child", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode:
        raise SystemExit(f"bench_load child {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the report ---------------------------------------------------------------------


def main() -> None:
    path = OUT / f"bench-load-{ROWS}-rows.xlsx"
    if path.exists():
        made = "reused from an earlier run; delete it to write it again"
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        write_workbook(path)
        made = f"written in {time.perf_counter() - start:.1f} s"
    size_mb = path.stat().st_size / 1e6
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        bare = _in_child("openpyxl", str(path))
        load = _in_child("load", str(path), str(Path(folder) / "bench.duckdb"))

    total = load["prepare_s"] + load["commit_s"]
    aim_fraction = bare["read_s"] * AIM_FRACTION_OF_OPENPYXL
    print(f"Load benchmark: {ROWS:,} rows, long layout, {size_mb:.1f} MB xlsx "
          f"({path.relative_to(ROOT)}, {made})")  # fmt: skip
    cpu_total = load["prepare_cpu"] + load["commit_cpu"]
    print(f"{'step':<44}{'seconds':>9}{'CPU s':>8}{'peak MB':>9}")
    print(f"{'openpyxl read-only, every cell (yardstick)':<44}{bare['read_s']:>9.2f}"
          f"{bare['read_cpu']:>8.2f}{bare['peak_mb']:>9.0f}")  # fmt: skip
    print(f"{'  prepare: read and check every cell':<44}{load['prepare_s']:>9.2f}"
          f"{load['prepare_cpu']:>8.2f}")  # fmt: skip
    print(f"{'  commit: store in a new DuckDB file':<44}{load['commit_s']:>9.2f}"
          f"{load['commit_cpu']:>8.2f}")  # fmt: skip
    print(f"{'whole load (prepare + commit)':<44}{total:>9.2f}{cpu_total:>8.2f}"
          f"{load['peak_mb']:>9.0f}")  # fmt: skip
    print("(seconds are wall-clock; CPU s counts every thread and is barely moved by other")
    print(" programs sharing the cores; peak MB is the child process's peak resident memory,")
    print(f" of which the interpreter and its imports alone take {load['baseline_mb']:.0f} MB;"
          f" {load['added']:,} figures stored)")  # fmt: skip
    checks = [
        (f"under half of openpyxl's bare read ({aim_fraction:.2f} s)", total < aim_fraction,
         f"{total / bare['read_s']:.0%} of it"),
        (f"under {AIM_SECONDS:.0f} s", total < AIM_SECONDS, f"{total:.2f} s"),
        (f"under {AIM_MB} MB", load["peak_mb"] < AIM_MB, f"{load['peak_mb']:.0f} MB"),
    ]  # fmt: skip
    for aim, met, figure in checks:
        print(f"  {'MET ' if met else 'MISSED'} whole load {aim}: {figure}")
    verdict = "meets every aim" if all(met for _, met, _ in checks) else "misses an aim"
    print(f"Verdict: the load {verdict}.")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        task = {"openpyxl": child_openpyxl, "load": child_load}[sys.argv[2]]
        print(json.dumps(task(*sys.argv[3:])))
    else:
        main()
