"""The comparators set beside the monthly scorecard: each indicator's latest published year.

The scorecard, the committee report and the indicator page join `latest_benchmarks`: one row per
catalogue indicator with a national counterpart, the council's figure beside England, the
region, the neighbours and the national rank, all for one year.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.benchmarks.comparison import comparison_in
from etl.benchmarks.published import (
    benchmark_measures,
    council_area_in,
    council_years_in,
    measure_values_in,
)
from etl.store.database import Store

LATEST_COLUMNS = [
    "code", "measure", "year", "period_label", "council", "council_symbol", "england",
    "region", "sn_mean", "sn_median", "sn_with_figure", "best_neighbour", "best_neighbour_value",
    "top_quartile_threshold", "rank", "ranked", "band", "source",
]  # fmt: skip


def latest_benchmarks(store: Store) -> pd.DataFrame:
    """One row per catalogue indicator with a national counterpart: its latest published year.

    The latest year is the newest with a published row for the council (else for England), so
    the council figure, England, region, neighbours and rank all describe the same year.
    """
    with store.connect() as con:
        return _latest_benchmarks(con)


def _latest_benchmarks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    rows = []
    area = council_area_in(con)
    for m in benchmark_measures():
        if m.dfe_only:
            continue
        years = council_years_in(con, m.key) or sorted(
            {int(y) for y in measure_values_in(con, m.key, None)["year"]}, reverse=True
        )
        if not years:
            continue
        c = comparison_in(con, m.key, years[0], area=area)
        rows.append(
            {
                "code": m.catalogue_indicator,
                "measure": m.key,
                "year": c.year,
                "period_label": c.period_label,
                "council": c.council_value,
                "council_symbol": c.council_symbol,
                "england": c.england[0],
                "region": c.region[0],
                "sn_mean": c.neighbours.mean,
                "sn_median": c.neighbours.median,
                "sn_with_figure": c.neighbours.with_values,
                "best_neighbour": c.neighbours.best_name,
                "best_neighbour_value": c.neighbours.best_value,
                "top_quartile_threshold": c.position.top_quartile_threshold,
                "rank": c.position.rank,
                "ranked": c.position.ranked,
                "band": c.position.band,
                "source": c.source,
            }
        )
    frame = pd.DataFrame(rows, columns=LATEST_COLUMNS)
    frame["rank"] = frame["rank"].astype("Int64")
    return frame
