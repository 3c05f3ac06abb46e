"""The synthetic children in care and care leavers series (issue 14).

Shaped on the model council's published figures (LAIT, `data/dfe/`): 12% of children in care
with three or more placements in the year at 31 March 2016 and 2017; care leavers aged 19 to
21 in education, employment or training falling from 61% in 2015/16 to 42% in 2016/17 (both
pinned at March), in suitable accommodation 92% and 95%; about 110 to 115 care leavers of that
age. Reviews on time "had dipped" in the papers: the sample dips in the autumn of 2015. The
health, dental, long-term stability and education-plan paths are invented (LAIT publishes the
first three only from 2018).
"""

from __future__ import annotations

import numpy as np

from etl.sample.measures import counts_of, denominators, month, percent_rows
from etl.sample.placements import placements
from etl.sample.shape import MONTHS, curve, rng

CARE_LEAVERS_EET = {month(2016, 3): 61.0, month(2017, 3): 42.0}  # LAIT CareLeaverEET


def looked_after() -> list[int]:
    """The sample's looked-after children each month (`placements`' LAC_COUNT)."""
    return counts_of([r for r in placements() if r["indicator"] == "LAC_COUNT"])


def _share(counts: list[int], fraction: float, draw: np.random.Generator) -> list[int]:
    """A subgroup of the children in care (looked after 12 months, of school age...)."""
    noise = draw.normal(0, 0.01, len(counts))
    return [max(round(c * (fraction + e)), 1) for c, e in zip(counts, noise, strict=True)]


def children_in_care() -> list[dict]:
    """Placement stability, reviews, health and dental checks and education plans."""
    draw = rng(14_3)
    n = len(MONTHS)
    lac = looked_after()
    moves = curve([(0, 13.5), (12, 13.0), (23, 12.2), (35, 11.8)])
    moves = np.clip(moves + draw.normal(0, 0.5, n), 0, 100)

    settled_base = _share(lac, 0.30, draw)  # under 16, looked after 2½ years or more
    settled = curve([(0, 62), (23, 66), (35, 68)])
    settled = np.clip(settled + draw.normal(0, 1.5, n), 0, 100)

    due = denominators(draw, 78, 10, 50)
    reviews = curve([(0, 88), (10, 92), (17, 93), (19, 82), (21, 84), (24, 94), (35, 96)])
    reviews = np.clip(reviews + draw.normal(0, 1.5, n), 0, 100)

    year_in_care = _share(lac, 0.72, draw)  # looked after for 12 months or more
    health = np.clip(
        curve([(0, 80), (12, 84), (24, 90), (35, 93)]) + draw.normal(0, 1.5, n), 0, 100
    )
    dental = np.clip(curve([(0, 70), (12, 75), (24, 83), (35, 86)]) + draw.normal(0, 2, n), 0, 100)

    school_age = _share(lac, 0.62, draw)
    plans = np.clip(curve([(0, 65), (10, 72), (20, 88), (35, 94)]) + draw.normal(0, 2, n), 0, 100)
    return (
        percent_rows("LAC_STABILITY_3PL", moves, lac)
        + percent_rows("LAC_STABILITY_LT", settled, settled_base)
        + percent_rows("LAC_REVIEWS", reviews, due)
        + percent_rows("LAC_HEALTH", health, year_in_care)
        + percent_rows("LAC_DENTAL", dental, year_in_care)
        + percent_rows("LAC_PEP", plans, school_age)
    )


def care_leavers() -> list[dict]:
    """Care leavers aged 19 to 21: in education, employment or training; housed; in touch.

    One group of young people each month (about 105 rising to 115), so the three
    percentages share a denominator, as the DfE's do.
    """
    draw = rng(14_4)
    n = len(MONTHS)
    group = np.round(curve([(0, 104), (23, 110), (35, 115)]) + draw.normal(0, 1.5, n))
    leavers = [int(g) for g in group]
    eet = curve([(0, 55), (11, 57), (17, 60), (23, 61), (29, 50), (35, 42)])
    eet = np.clip(eet + draw.normal(0, 1.5, n), 0, 100)
    housed = curve([(0, 86), (23, 92), (35, 95)])
    housed = np.clip(housed + draw.normal(0, 1.5, n), 0, 100)
    touch = curve([(0, 88), (23, 93), (35, 95)])
    touch = np.clip(touch + draw.normal(0, 1.5, n), 0, 100)
    in_work = percent_rows("CL_EET", eet, leavers, CARE_LEAVERS_EET)
    leavers = [int(r["denominator"]) for r in in_work]  # a pinned month's group, for all three
    return (
        in_work
        + percent_rows("CL_ACCOM", housed, leavers)
        + percent_rows("CL_IN_TOUCH", touch, leavers)
    )
