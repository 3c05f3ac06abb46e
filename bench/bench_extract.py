"""How long an officer waits for the biggest extract: `python -m bench.bench_extract`.

Builds the scaled dataset (ten years, every indicator, twenty teams; see
bench/scaled_data.py) in a temporary folder, then times `etl.extract.produce`
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
from etl.extract import build_filter, produce
from etl.store import Store

AIM_SECONDS = 3.0
REPEATS = 3


def _time(store: Store, file_format: str, published: bool) -> tuple[float, int, int]:
    flt = build_filter(published=published)
    runs, rows, size = [], 0, 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        download = produce(store, flt, file_format, "benchmark", via="benchmark")
        runs.append(time.perf_counter() - start)
        rows, size = download.rows, len(download.content)
    return statistics.median(runs), rows, size


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for label, stress in (("scaled", False), ("stress: every indicator by team", True)):
            path = Path(folder) / f"{'stress' if stress else 'scaled'}.duckdb"
            start = time.perf_counter()
            build_scaled_db(path, every_indicator_by_team=stress)
            print(f"\n{label}: built in {time.perf_counter() - start:.1f} s")
            store = Store(path)
            print(f"{'format':<6} {'extract':<10} {'rows':>7} {'bytes':>10} {'median s':>9}  aim")
            for file_format in ("xlsx", "csv"):
                for published in (False, True):
                    seconds, rows, size = _time(store, file_format, published)
                    kind = "published" if published else "internal"
                    verdict = "ok" if seconds < AIM_SECONDS else "SLOW"
                    print(
                        f"{file_format:<6} {kind:<10} {rows:>7,} {size:>10,} {seconds:>9.2f}  "
                        f"{verdict}"
                    )


if __name__ == "__main__":
    main()
