"""The synthetic placements: looked-after children, out of authority and distance from home.

Kept apart from the other series because its figures must agree with each other
(the distance bands sum to the count) as well as with the public facts.
"""

from __future__ import annotations

import numpy as np

from core.catalogue import catalogue
from etl.sample.shape import MONTHS, curve, numerator_for, percent, ratio_rows, rng, row


def _over_100_miles(draw: np.random.Generator) -> list[int]:
    """9-12 children placed over 100 miles in 2014 and 2015, 8 in 2016, 7 in 2017."""
    by_year = {2014: (10, 13), 2015: (9, 11), 2016: (8, 9), 2017: (7, 8)}
    return [int(draw.integers(*by_year[m.year])) for m in MONTHS]


def placements() -> list[dict]:
    """Looked-after children, the local out-of-authority rate and distance from home.

    The distance bands sum to the count, and LAC_20MI is the under-20 band as a
    percentage of the count, so the placements page agrees with itself.
    """
    draw = rng(4)
    level = np.round(curve([(0, 400), (8, 405), (20, 440), (30, 476), (35, 487)]))
    lac = [int(n) for n in level + np.round(draw.normal(0, 2.5, len(MONTHS)))]
    ooa = curve([(0, 39.5), (8, 39.0), (20, 36.5), (21, 35.2), (32, 34.8), (35, 33.8)])
    near = curve([(0, 77.0), (8, 77.5), (20, 81.5), (32, 85.5), (35, 86.5)])
    near += draw.normal(0, 0.5, len(MONTHS))
    far = _over_100_miles(draw)
    ooa_rows = ratio_rows("LAC_OOA", ooa + draw.normal(0, 0.4, len(MONTHS)), lac)
    rows = [row("LAC_COUNT", p, n) for p, n in zip(MONTHS, lac, strict=True)] + ooa_rows
    bands = catalogue().breakdown_values["distance_band"]
    for period, count, pct, over100 in zip(MONTHS, lac, near, far, strict=True):
        under20 = numerator_for(pct, count)
        mid = round(0.28 * (count - under20 - over100))
        sizes = (under20, count - under20 - over100 - mid, mid, over100)
        rows.append(row("LAC_20MI", period, percent(under20, count), "", under20, count))
        rows += [row("LAC_DISTANCE", period, n, band) for band, n in zip(bands, sizes, strict=True)]
    return rows
