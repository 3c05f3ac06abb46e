"""Thirty councillors at once, at scale: `python -m bench.bench_concurrency_scaled`.

The same measurement as `bench.bench_concurrency`, on ten years of every indicator with
twenty teams (bench/scaled_data.py) instead of the sample, at N = 30 only: issue 17 asks
for the ratios, and memory under 1 GB a process, with the new families and at scale. A
quicker run than the full table, so `make bench` can afford both.
"""

from __future__ import annotations

import sys

from bench.bench_concurrency import main

if __name__ == "__main__":
    sys.exit(main(["--data", "scaled", "--levels", "30", *sys.argv[1:]]))
