"""The national-comparison reads the indicator charts, the scorecard and the report share.

`etl.benchmark_queries` (owned by the benchmarking page) answers with an empty frame when no
published DfE file has been loaded yet, so a council's own monthly figures still chart and
print before anyone imports benchmarks; these names are kept so the charts and the report
read comparators through one door.
"""

from __future__ import annotations

import pandas as pd

from etl import benchmark_queries as bq
from etl.store import Store


def has_benchmarks(store: Store) -> bool:
    """True once any benchmark file (DfE or the council's own comparators) has been loaded."""
    if not store.path.exists():
        return False
    return int(store.query("SELECT count(*) AS n FROM benchmark_releases")["n"].iloc[0]) > 0


def comparator_lines(store: Store, code: str) -> pd.DataFrame:
    """`bq.comparator_lines` with the neighbours' mean: DfE lines and the council's own."""
    return bq.comparator_lines(store, code)


def latest_benchmarks(store: Store) -> pd.DataFrame:
    """`bq.latest_benchmarks`: one row per indicator with a national counterpart."""
    return bq.latest_benchmarks(store)
