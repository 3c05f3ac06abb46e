"""How the council's annual published figures compare: pure helpers for lines, tables and words.

The DfE publishes one figure per authority per year; the dashboard is monthly. These functions
turn the published annual figures (one tidy frame of `benchmark_current` rows) into what the
pages need, without touching the database or drawing anything:

- `period_span`: which months an annual figure stands beside on a monthly chart.
  A year to 31 March (or a snapshot at 31 March) covers its financial year, April to March.
  The workforce snapshot at 30 September covers the year to 30 September, October to September:
  the figure describes the position reached at that date, so it is drawn across the twelve
  months that lead up to it, just as a financial-year figure is drawn across its year.
- `segments`: a method change (mapping `series_break_year`) starts a new segment, and a line
  must never join two segments.
- GSS symbols: a suppressed or unavailable figure keeps its symbol and meaning and is never
  shown as zero (zero means the figure submitted was zero).
- `comparison_sentence`: the plain summary a councillor reads under the chart.

Ranks and quartile bands come from `analysis.benchmarking` (LAIT's rules); nothing here redoes
them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeGuard

import pandas as pd

from analysis.benchmarking import national_position, neighbour_summary

# What a symbol means depends on the file it came from, so each stored figure keeps the
# convention of its source (etl.benchmarks.published: `symbol_convention`).
# "gss": the GSS symbols as DfE open data (Explore Education Statistics tidy files), LAIT and the
# council's own comparators use them; the legacy symbols some older tables used come after.
GSS_MEANINGS = {
    "c": "confidential: suppressed to protect children's identities",
    "x": "not available",
    "z": "not applicable (for example, no children to take a percentage of)",
    "low": "rounds to zero, but is not zero",
    "k": "rounds to zero, but is not zero",
    "u": "low reliability",
    "..": "not available (legacy symbol)",
    ":": "not available (legacy symbol)",
    "-": "not available (legacy symbol)",
}
# "sfr": the DfE's SFR underlying-data tables of 2013-2017, where "numbers from one to five
# inclusive have been suppressed and replaced by a cross (x)", other figures are suppressed
# when they would let a suppressed one be worked out, and "where data is not available it is
# reported as '..'" (SFR50_2017_MetaData.txt, line 19). A percentage worked out from a
# suppressed count keeps the count's symbol, so it reads the same way.
SFR_MEANINGS = {
    **GSS_MEANINGS,
    "x": "1 to 5, suppressed (or suppressed so that a count of 1 to 5 cannot be worked out)",
    "..": "not available",
}
SYMBOL_CONVENTIONS = {"gss": GSS_MEANINGS, "sfr": SFR_MEANINGS}
CONVENTION_NAMES = {
    "gss": "DfE open data and LAIT",
    "sfr": "the DfE's SFR tables of 2013 to 2017",
}
SYMBOL_MEANINGS = GSS_MEANINGS  # the convention of any figure whose source does not say
NO_FIGURE = "no figure published"
COUNT_CAVEAT = (
    "This is a count: councils differ in size, so it is not compared with England or ranked "
    "(compare rates per 10,000 children instead)."
)
BASES = ("year to 31 March", "at 31 March", "at 30 September")


def period_span(year: int, period_basis: str) -> tuple[dt.date, dt.date]:
    """First and last month (first-of-month dates, both inclusive) an annual figure covers."""
    if period_basis in ("year to 31 March", "at 31 March"):
        return dt.date(year - 1, 4, 1), dt.date(year, 3, 1)
    if period_basis == "at 30 September":
        return dt.date(year - 1, 10, 1), dt.date(year, 9, 1)
    raise ValueError(f"period_basis must be one of {BASES}, not {period_basis!r}")


def short_period_label(year: int, period_basis: str) -> str:
    """A chart-axis label: '2015/16' for a year to 31 March, 'Mar 2016' / 'Sep 2016' for a
    snapshot (the full 'at 30 September 2016' does not fit under a tick)."""
    if period_basis == "year to 31 March":
        return f"{year - 1}/{year % 100:02d}"
    return f"{'Sep' if period_basis == 'at 30 September' else 'Mar'} {year}"


def segments(years: Iterable[int], series_break_year: int | None) -> list[int]:
    """0 before a method change, 1 from the change on: a line may join only within a segment."""
    if series_break_year is None:
        return [0 for _ in years]
    return [int(y >= series_break_year) for y in years]


def symbol_meaning(symbol: object, convention: object = "gss") -> str:
    """What a symbol means in its source's convention ('gss' or 'sfr'), in words; '' for a
    published number (no symbol). An unknown convention reads as GSS."""
    if not isinstance(symbol, str) or not symbol:
        return ""
    meanings = SYMBOL_CONVENTIONS.get(convention if isinstance(convention, str) else "gss")
    return (meanings or GSS_MEANINGS).get(symbol, f"'{symbol}' (symbol as published)")


def is_number(value: object) -> TypeGuard[float]:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def round_half_up(value: float, decimals: int) -> float:
    """Round as the DfE does (a half goes up): a neighbour mean of 23.85 reads 23.9.

    Python's own rounding works on the binary fraction, where 23.85 is 23.8499999..., and
    would print 23.8 beside LAIT's 23.9. Rounding to twelve places first removes that noise.
    """
    exact = Decimal(repr(round(float(value), 12)))
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def format_figure(value: float, unit: str, decimals: int) -> str:
    """A published number as councillors read it: 22.5%, 1,234, 16.1."""
    text = f"{round_half_up(value, decimals):,.{decimals}f}"
    return f"{text}%" if unit == "percent" else text


def display_value(
    value: object, symbol: object, unit: str, decimals: int, convention: object = "gss"
) -> str:
    """The figure, or its symbol with the meaning in its source's convention; never a zero
    standing in for a gap."""
    if is_number(value):
        return format_figure(float(value), unit, decimals)
    if isinstance(symbol, str) and symbol:
        return f"{symbol} ({symbol_meaning(symbol, convention)})"
    return NO_FIGURE


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 140th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_phrase(rank: int | None, ranked: int, tied: int = 1) -> str:
    """'ranked 140th of 151 councils (1 = best)', saying so when councils share a rank."""
    if rank is None:
        return ""
    shared = f", level with {tied - 1} other{'s' if tied > 2 else ''}" if tied > 1 else ""
    return f"ranked {ordinal(rank)} of {ranked} councils (1 = best{shared})"


def compare_word(mine: float, other: float, polarity: str, decimals: int) -> str:
    """'better than', 'worse than' or 'the same as', judged at the published precision.

    Compared as shown (rounded), so the sentence never says 'worse than 22.5%' beside a
    figure that also reads 22.5%. Without a better direction it is 'higher than' or 'lower than'.
    """
    a, b = round_half_up(mine, decimals), round_half_up(other, decimals)
    if a == b:
        return "the same as"
    if polarity == "neither":
        return "higher than" if a > b else "lower than"
    better = a < b if polarity == "lower" else a > b
    return "better than" if better else "worse than"


def area_rows(values: pd.DataFrame, level: str) -> pd.DataFrame:
    """The rows of one geographic level (National, Regional, Local authority)."""
    return values[values["geographic_level"] == level]


def one_value(values: pd.DataFrame, level: str, area_code: str) -> tuple[float | None, str | None]:
    """(value, symbol) of one area in a single-year frame; (None, None) when it has no row."""
    rows = area_rows(values, level)
    rows = rows[rows["area_code"].astype(str) == str(area_code)]
    if rows.empty:
        return None, None
    row = rows.iloc[0]
    value = float(row["value"]) if is_number(row["value"]) else None
    symbol = row["symbol"] if isinstance(row.get("symbol"), str) and row["symbol"] else None
    return value, symbol


def neighbour_lines(
    values: pd.DataFrame, neighbour_codes: list[str], polarity: str
) -> pd.DataFrame:
    """Per year: the neighbours' mean and median over those with a figure, and how many had one.

    `values` holds every year of one measure; England and regions are ignored.
    """
    rows = []
    councils = area_rows(values, "Local authority")
    for year, one_year in councils.groupby("year", sort=True):
        summary = neighbour_summary(one_year, neighbour_codes, polarity)
        rows.append(
            {
                "year": int(year),
                "period_label": one_year["period_label"].iloc[0],
                "mean": summary.mean,
                "median": summary.median,
                "with_values": summary.with_values,
                "neighbours": summary.neighbours,
            }
        )
    return pd.DataFrame(
        rows, columns=["year", "period_label", "mean", "median", "with_values", "neighbours"]
    )


def rank_by_year(values: pd.DataFrame, la_code: str, polarity: str) -> pd.DataFrame:
    """The council's national rank, number ranked and quartile band, one row per year."""
    rows = []
    councils = area_rows(values, "Local authority")
    for year, one_year in councils.groupby("year", sort=True):
        position = national_position(one_year, la_code, polarity)
        value, symbol = one_value(one_year, "Local authority", la_code)
        rows.append(
            {
                "year": int(year),
                "period_label": one_year["period_label"].iloc[0],
                "value": value,
                "symbol": symbol,
                "rank": position.rank,
                "ranked": position.ranked,
                "band": position.band,
                "reason": position.reason,
            }
        )
    columns = ["year", "period_label", "value", "symbol", "rank", "ranked", "band", "reason"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


def tied_with(ranked: pd.DataFrame, rank: int | None) -> int:
    """How many councils share `rank` (1 when it is not shared) in a `rank_councils` frame."""
    if rank is None:
        return 0
    return int((ranked["rank"] == rank).sum())


def order_best_first(frame: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """Best figure first by polarity (ascending when neither); no figure goes last."""
    ascending = polarity != "higher"
    return frame.sort_values(
        ["value", "area_name"], ascending=[ascending, True], na_position="last", kind="stable"
    )


def period_phrase(period_label: str) -> str:
    """'In 2015/16,' for a year; 'At 30 September 2016,' for a snapshot."""
    if period_label.startswith("at "):
        return f"At {period_label[3:]},"
    return f"In {period_label},"


def comparison_sentence(
    *,
    period_label: str,
    measure_name: str,
    council_name: str,
    council: tuple[float | None, str | None],
    england: float | None,
    neighbour_average: float | None,
    neighbour_stat: str,
    unit: str,
    decimals: int,
    polarity: str,
    rank: str = "",
    band: str | None = None,
    convention: str = "gss",
) -> str:
    """The sentence under the chart, e.g. 'In 2015/16 Rotherham's figure for re-referrals
    within 12 months was 28.0%, worse than England (22.5%) and the statistical-neighbour mean
    (23.9%); ranked 140th of 151 councils (1 = best), quartile band D.'"""
    what = measure_name[:1].lower() + measure_name[1:]
    when = period_phrase(period_label)
    value, symbol = council
    if value is None:
        shown = display_value(None, symbol, unit, decimals, convention)
        return f"{when} {council_name}'s figure for {what} is not published: {shown}."
    fmt = lambda v: format_figure(v, unit, decimals)  # noqa: E731
    if unit == "count":
        return f"{when} {council_name}'s figure for {what} was {fmt(value)}. {COUNT_CAVEAT}"
    parts = []
    if england is not None:
        parts.append(
            (compare_word(value, england, polarity, decimals), f"England ({fmt(england)})")
        )
    if neighbour_average is not None:
        parts.append(
            (
                compare_word(value, neighbour_average, polarity, decimals),
                f"the statistical-neighbour {neighbour_stat} ({fmt(neighbour_average)})",
            )
        )
    text = f"{when} {council_name}'s figure for {what} was {fmt(value)}"
    if len(parts) == 2 and parts[0][0] == parts[1][0]:
        text += f", {parts[0][0]} {parts[0][1]} and {parts[1][1]}"
    elif len(parts) == 2:
        joiner = " and " if "than" not in parts[0][0] or polarity == "neither" else " but "
        text += f", {parts[0][0]} {parts[0][1]}{joiner}{parts[1][0]} {parts[1][1]}"
    elif parts:
        text += f", {parts[0][0]} {parts[0][1]}"
    tail = [p for p in (rank, f"quartile band {band}" if band else "") if p]
    return text + (f"; {', '.join(tail)}." if tail else ".")
