"""How long an officer waits for the biggest extract: `python -m bench.bench_extract`.

Builds the scaled dataset (ten years, every indicator, twenty teams; see
bench/scaled_data.py) in a temporary folder, then times `etl.outputs.extract_files.produce`
for everything, to Excel and CSV, internal and published, from the store to
the finished bytes (query, targets, RAG, suppression, writing). The aim is under
3 s for everything to Excel. Prints a table; it is not a test.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.scaled_data import build_scaled_db
from etl.outputs.extract_files import produce
from etl.outputs.extract_filter import build_filter
from etl.store.database import Store

AIM_SECONDS = 3.0
REPEATS = 3


def _time(store: Store, file_format: str, published: bool) -> tuple[float, float, int, int]:
    """Median wall-clock and CPU seconds (CPU is steadier on a busy shared machine)."""
    flt = build_filter(published=published)
    walls, cpus, rows, size = [], [], 0, 0
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        download = produce(store, flt, file_format, "benchmark", via="benchmark")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        rows, size = download.rows, len(download.content)
    return statistics.median(walls), statistics.median(cpus), rows, size


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for label, stress in (("scaled", False), ("stress: every indicator by team", True)):
            path = Path(folder) / f"{'stress' if stress else 'scaled'}.duckdb"
            start = time.perf_counter()
            build_scaled_db(path, every_indicator_by_team=stress)
            print(f"\n{label}: built in {time.perf_counter() - start:.1f} s")
            store = Store(path)
            print(f"{'format':<6} {'extract':<10} {'rows':>7} {'bytes':>10}", end="")
            print(f" {'wall s':>7} {'cpu s':>6}  aim")
            for file_format in ("xlsx", "csv"):
                for published in (False, True):
                    seconds, cpu, rows, size = _time(store, file_format, published)
                    kind = "published" if published else "internal"
                    verdict = "ok" if seconds < AIM_SECONDS else "SLOW"
                    print(
                        f"{file_format:<6} {kind:<10} {rows:>7,} {size:>10,} {seconds:>7.2f} "
                        f"{cpu:>6.2f}  "
                        f"{verdict}"
                    )


if __name__ == "__main__":
    main()
