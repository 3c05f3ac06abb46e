"""The comparators set beside a month: each indicator's latest DfE year published by then.

The scorecard, the committee report and the indicator page join `latest_benchmarks`: one row per
catalogue indicator with a national counterpart, the council's figure beside England, the
region, the neighbours and the national rank, all for one year. Given a month (`as_at`), that
year is the latest the DfE had published by the end of that month (`release_dates`), so the
March 2017 report never shows a year published later; a month before any year was published
gets a row that says so in words.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.benchmarks.comparison import comparison_in
from etl.benchmarks.published import (
    benchmark_measures,
    council_area_in,
    council_years_in,
    measure_values_in,
)
from etl.benchmarks.release_dates import known_by, not_yet_published, publication
from etl.store.database import Connection, Store

LATEST_COLUMNS = [
    "code", "measure", "year", "period_label", "council", "council_symbol", "england",
    "region", "sn_mean", "sn_median", "sn_with_figure", "best_neighbour", "best_neighbour_value",
    "top_quartile_threshold", "rank", "ranked", "band", "source", "published", "label", "note",
]  # fmt: skip


def latest_benchmarks(store: Store, as_at: dt.date | None = None) -> pd.DataFrame:
    """One row per catalogue indicator with a national counterpart: its latest published year.

    The latest year is the newest with a published row for the council (else for England), so
    the council figure, England, region, neighbours and rank all describe the same year. With
    `as_at` (a month), only years the DfE had published by the end of that month count; when
    none had been, the row has no year and `note` says so ("No DfE figure had been published
    by October 2015"). `published` is the first of the month the year was published; `label`
    names the release and when it came out.
    """
    with store.connect() as con:
        return _latest_benchmarks(con, as_at)


def _known(key: str, years: list[int], as_at: dt.date | None) -> list[int]:
    if as_at is None:
        return years
    return [y for y in years if known_by(_published(key, y), as_at)]


def _published(key: str, year: int) -> dt.date | None:
    found = publication(key, year)
    return found.month if found else None


def _latest_benchmarks(con: Connection, as_at: dt.date | None) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    area = council_area_in(con)
    for m in benchmark_measures():
        if m.dfe_only:
            continue
        held = sorted({int(y) for y in measure_values_in(con, m.key, None)["year"]}, reverse=True)
        if not held:
            continue
        years = _known(m.key, council_years_in(con, m.key), as_at) or _known(m.key, held, as_at)
        if not years:  # only with a month: without one, every year held counts
            if as_at is not None:
                note = not_yet_published(as_at)
                rows.append({"code": m.catalogue_indicator, "measure": m.key, "note": note})
            continue
        c = comparison_in(con, m.key, years[0], area=area)
        found = publication(m.key, c.year)
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
                "published": found.month if found else None,
                "label": f"{found.release.title}, {found.words}" if found else "DfE",
                "note": "",
            }
        )
    frame = pd.DataFrame(rows, columns=LATEST_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    frame["rank"] = frame["rank"].astype("Int64")
    frame["note"] = frame["note"].fillna("")
    return frame
