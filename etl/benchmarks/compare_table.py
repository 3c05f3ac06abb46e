"""How we compare, as rows: the page's comparison of one measure, one row per published year.

The command line's twin of the How we compare page (`python -m etl benchmarks compare`) for
officers and automation. It is built on the page's own functions (`comparison` for a year,
`council_years_in` for the years the page offers), so the two can never disagree: the same
council, England, region, neighbour mean and median, LAIT rank and quartile band. Figures are
written as the published figure to the measure's decimal places, with no unit, so a
spreadsheet reads them as numbers; a symbol (a suppressed or missing figure) stays a symbol.
"""

from __future__ import annotations

import re

import pandas as pd

from core.errors import CypsError, Kind
from core.periods import PeriodError, parse_financial_year
from etl.benchmarks.comparison import Comparison, comparison_in
from etl.benchmarks.published import (
    Measure,
    benchmark_measures,
    council_area_in,
    council_years_in,
)
from etl.store.database import Store

COLUMNS = (
    "indicator",
    "year",
    "council",
    "england",
    "region",
    "neighbours_mean",
    "neighbours_median",
    "rank",
    "ranked",
    "quartile_band",
)


class CompareError(CypsError, ValueError):
    """A question the published figures cannot answer, in one sentence."""

    kind = Kind.INVALID_REQUEST


def measure_for(code: str) -> Measure:
    """The benchmark measure for a catalogue indicator code or a DfE measure key (any case)."""
    wanted = code.strip().upper()
    offered = benchmark_measures()
    for m in offered:
        if m.catalogue_indicator == wanted or m.key == wanted:
            return m
    raise CompareError(
        f"'{code}' has no DfE comparator; choose one of "
        f"{', '.join(m.catalogue_indicator or m.key for m in offered)}."
    )


def year_number(text: str) -> int:
    """The stored year for '2016/17' (the year ending March 2017) or '2017'."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    try:
        return parse_financial_year(text)[1].year
    except PeriodError:
        raise CompareError(f"'{text}' is not a financial year: write it as 2016/17.") from None


def _figure(value: float | None, symbol: str | None, decimals: int) -> str:
    """The published figure as text to the measure's places, or its symbol, or ''."""
    if value is not None and value == value:
        return f"{value:.{decimals}f}"
    return symbol or ""


def compare_row(code: str, c: Comparison) -> dict[str, str]:
    """One year of the page's comparison as the command line writes it."""
    places = c.measure.decimals
    sn, p = c.neighbours, c.position
    return {
        "indicator": code,
        "year": c.period_label,
        "council": _figure(c.council_value, c.council_symbol, places),
        "england": _figure(*c.england, places),
        "region": _figure(*c.region, places),
        "neighbours_mean": _figure(sn.mean, None, places),
        "neighbours_median": _figure(sn.median, None, places),
        "rank": "" if p.rank is None else str(p.rank),
        "ranked": str(p.ranked) if p.ranked else "",
        "quartile_band": p.band or "",
    }


def compare_rows(store: Store, code: str, year: str | None = None) -> pd.DataFrame:
    """The comparison for `code` in `year`, or one row per published year (oldest first)."""
    m = measure_for(code)
    label = m.catalogue_indicator or m.key
    with store.connect() as con:
        years = sorted(council_years_in(con, m.key))
        if not years:
            raise CompareError(
                f"No DfE figures are loaded for {label} ({m.name}); load the published file "
                "with `python -m etl benchmarks load FILE`."
            )
        if year is not None:
            wanted = year_number(year)
            if wanted not in years:
                shown = ", ".join(str(y) for y in years)
                raise CompareError(
                    f"{label} has no published figure for the council in {year} "
                    f"(years ending {shown})."
                )
            years = [wanted]
        area = council_area_in(con)
        rows = [compare_row(label, comparison_in(con, m.key, y, area=area)) for y in years]
    return pd.DataFrame(rows, columns=list(COLUMNS))
