"""The synthetic placements: looked-after children, out of authority and distance from home.

Kept apart from the other series because its figures must agree with each other as
well as with the public facts. Every child is counted once:

- children placed in authority are all within 20 miles of home (a borough is small);
- of the children placed out of authority (LAC_OOA's numerator), LAC_OOA_20MI's share
  are within 20 miles, and the rest fill the three bands beyond 20 miles;
- so the distance bands sum to LAC_COUNT, the bands beyond 20 miles sum to the children
  placed out of authority and further away, and LAC_20MI is the first band over the count.
"""

from __future__ import annotations

import numpy as np

from core.catalogue import catalogue
from etl.sample.shape import (
    MONTHS,
    PAPERS_MONTH,
    PAPERS_OOA_WITHIN_20_MILES,
    curve,
    numerator_for,
    percent,
    ratio_rows,
    rng,
    row,
)

SHARE_50_TO_100 = 0.28  # of the children over 20 miles but not over 100, those over 50


def _over_100_miles(draw: np.random.Generator) -> list[int]:
    """9-12 children placed over 100 miles in 2014 and 2015, 8 in 2016, 7 in 2017."""
    by_year = {2014: (10, 13), 2015: (9, 11), 2016: (8, 9), 2017: (7, 8)}
    return [int(draw.integers(*by_year[m.year])) for m in MONTHS]


def _within_20_miles_of_those_placed_out(draw: np.random.Generator) -> np.ndarray:
    """About 55% in 2014, rising to the papers' 65% by March 2016, then holding near 66%."""
    near = curve([(0, 55.0), (8, 55.5), (20, 62.0), (23, 65.0), (32, 66.0), (35, 66.5)])
    near += draw.normal(0, 1.0, len(MONTHS))
    near[MONTHS.index(PAPERS_MONTH)] = PAPERS_OOA_WITHIN_20_MILES
    return near


def placements() -> list[dict]:
    """Looked-after children, placed out of authority, within 20 miles, and by distance band.

    The generator draws in the same order as it always has (count, within 20 miles,
    over 100 miles, out of authority), so the count and the out-of-authority series
    keep the figures the hand-checked tests were written against.
    """
    draw = rng(4)
    level = np.round(curve([(0, 400), (8, 405), (20, 440), (30, 476), (35, 487)]))
    lac = [int(n) for n in level + np.round(draw.normal(0, 2.5, len(MONTHS)))]
    ooa = curve([(0, 39.5), (8, 39.0), (20, 36.5), (21, 35.2), (32, 34.8), (35, 33.8)])
    near = _within_20_miles_of_those_placed_out(draw)
    far = _over_100_miles(draw)
    ooa_rows = ratio_rows("LAC_OOA", ooa + draw.normal(0, 0.4, len(MONTHS)), lac)
    rows = [row("LAC_COUNT", p, n) for p, n in zip(MONTHS, lac, strict=True)] + ooa_rows
    bands = catalogue().breakdown_values["distance_band"]
    for period, count, out, pct, over100 in zip(MONTHS, lac, ooa_rows, near, far, strict=True):
        placed_out = out["numerator"]
        close = numerator_for(pct, placed_out)
        beyond = placed_out - close
        over50 = round(SHARE_50_TO_100 * (beyond - over100))
        within20 = count - placed_out + close
        sizes = (within20, beyond - over100 - over50, over50, over100)
        rows.append(row("LAC_20MI", period, percent(within20, count), "", within20, count))
        rows.append(row("LAC_OOA_20MI", period, percent(close, placed_out), "", close, placed_out))
        rows += [row("LAC_DISTANCE", period, n, band) for band, n in zip(bands, sizes, strict=True)]
    return rows
