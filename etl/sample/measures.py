"""Building blocks for the sample's issue-14 series: percentages of counts, plain figures, pins.

The series modules (`protection`, `care`, `workforce`) describe each measure as a path of
knots; these helpers turn a path into rows of the long layout the same way every time, with
the one rounding rule of `shape.percent`, so a percentage always equals its numerator over its
denominator and a pinned published figure is hit exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np

from etl.sample.shape import MONTHS, fit, numerator_for, percent, row

Pins = Mapping[dt.date, float]


def month(year: int, number: int) -> dt.date:
    return dt.date(year, number, 1)


def denominators(draw: np.random.Generator, mean: float, spread: float, low: int) -> list[int]:
    """Monthly counts of cases (conferences, audits, reviews due) around `mean`, at least `low`."""
    drawn = np.round(draw.normal(mean, spread, len(MONTHS)))
    return [int(n) for n in np.clip(drawn, low, None)]


def percent_rows(
    code: str,
    percents: np.ndarray,
    dens: Sequence[int],
    pins: Pins | None = None,
) -> list[dict]:
    """A percentage with its numerator and denominator each month, pinned months exact.

    The numerator is the whole number nearest the path's percentage (never below 0 or above
    the denominator); a pinned month gets the nearest fraction giving the pinned figure.
    """
    pins = pins or {}
    rows = []
    for period, pct, den in zip(MONTHS, percents, dens, strict=True):
        num = min(max(numerator_for(float(pct), den), 0), den)
        if period in pins:
            num, den = fit(pins[period], den)
        rows.append(row(code, period, percent(num, den), numerator=num, denominator=den))
    return rows


def value_rows(code: str, values: np.ndarray, places: int, pins: Pins | None = None) -> list[dict]:
    """A figure with no numerator or denominator (a workforce rate), to `places` decimals."""
    pins = pins or {}
    return [
        row(code, period, pins.get(period, round(float(v), places)))
        for period, v in zip(MONTHS, values, strict=True)
    ]


def count_rows(code: str, values: np.ndarray, pins: Pins | None = None) -> list[dict]:
    """A count each month: whole, never below zero, pinned months exact."""
    pins = pins or {}
    return [
        row(code, period, int(pins.get(period, max(round(float(v)), 0))))
        for period, v in zip(MONTHS, values, strict=True)
    ]


def counts_of(rows: list[dict]) -> list[int]:
    """The monthly whole-authority counts of a count series, oldest first."""
    return [int(r["value"]) for r in rows if r["breakdown"] == ""]
