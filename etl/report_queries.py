"""The national-comparison reads the indicator charts, the scorecard and the report share.

Thin wrappers over `etl.benchmark_queries` (owned by the benchmarking page) that answer with
an empty frame, rather than an error, when no published DfE file has been loaded yet: a
council's own monthly figures must still chart and print before anyone imports benchmarks.
"""

from __future__ import annotations

import pandas as pd

from etl import benchmark_queries as bq
from etl.store import Store


def has_benchmarks(store: Store) -> bool:
    """True once any published DfE file has been loaded."""
    if not store.path.exists():
        return False
    return int(store.query("SELECT count(*) AS n FROM benchmark_releases")["n"].iloc[0]) > 0


def comparator_lines(store: Store, code: str, loaded: bool | None = None) -> pd.DataFrame:
    """`bq.comparator_lines` (neighbours' mean), or an empty frame with no benchmarks loaded.

    `loaded` is `has_benchmarks(store)` when the caller already knows it (saves an open).
    """
    if not (has_benchmarks(store) if loaded is None else loaded):
        return pd.DataFrame(columns=bq.LINE_COLUMNS)
    return bq.comparator_lines(store, code)


def latest_benchmarks(store: Store) -> pd.DataFrame:
    """`bq.latest_benchmarks`, or an empty frame with no benchmarks loaded."""
    if not has_benchmarks(store):
        return pd.DataFrame(columns=bq.LATEST_COLUMNS)
    return bq.latest_benchmarks(store)
