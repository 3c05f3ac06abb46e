"""What the synthetic sample is shaped on: its months, pinned public figures, teams and arithmetic.

Every series module draws from here, so the calendar, the seed and the one rounding
rule are written once and a published figure is pinned in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from core.catalogue import WHOLE_AUTHORITY
from core.periods import month_range

FIRST_MONTH = dt.date(2014, 4, 1)
LAST_MONTH = dt.date(2017, 3, 1)
MONTHS = tuple(month_range(FIRST_MONTH, LAST_MONTH))
SEED = 20141117  # the week of the inspection; any fixed number would do

# Published figures the series must hit exactly (indicator, month) -> value.
PINNED = {
    ("REF_24H", dt.date(2014, 11, 1)): 37.0,  # "about 37%" at the November 2014 inspection
    ("REF_24H", dt.date(2014, 12, 1)): 36.7,  # 36.7% at the end of 2014
    ("REF_24H", dt.date(2015, 12, 1)): 98.6,  # 98.6% by December 2015
    ("REREF_12M", dt.date(2016, 4, 1)): 24.1,  # the worked example
}

# The 2016 papers' placement figures, read at this month: about 35% of looked-after
# children placed out of authority, about 65% of those within 20 miles of home, and
# 8 children placed more than 100 miles away.
PAPERS_MONTH = dt.date(2016, 3, 1)
PAPERS_OOA_WITHIN_20_MILES = 65.0

# Aggregate notes only: never anything about an individual child or worker.
COMMENTARY = {
    ("REFERRALS", dt.date(2014, 8, 1), ""): "Seasonal dip over the school summer holidays.",
    ("REF_24H", dt.date(2014, 11, 1), ""): (
        "Ofsted inspection month; new duty team rota from December."
    ),
    ("CASELOAD_AVG", dt.date(2015, 2, 1), ""): (
        "Commissioners took over the council's executive functions; "
        "additional social worker posts approved."
    ),
    ("REF_24H", dt.date(2015, 12, 1), ""): "Improvement plan milestone met: 98.6% within 24 hours.",
    ("LAC_OOA_20MI", PAPERS_MONTH, ""): (
        "About 65% of out-of-authority placements within 20 miles; the ambition is all of them."
    ),
    ("LAC_DISTANCE", dt.date(2016, 1, 1), "Over 100 miles"): (
        "Every placement over 100 miles reviewed by the head of service this quarter."
    ),
    ("REREF_12M", dt.date(2016, 4, 1), ""): (
        "Down from the 2015/16 peak; audit of cases closed after assessment under way."
    ),
    ("LAC_COUNT", dt.date(2017, 3, 1), ""): (
        "Year-end figure; more children came into care after the inspection."
    ),
}


@dataclass(frozen=True)
class Team:
    """A social work team: average caseload and headcount at the start and the end."""

    name: str
    load_from: float
    load_to: float
    workers_from: int
    workers_to: int


TEAMS = (
    Team("Duty and Assessment", 30.0, 19.0, 14, 22),
    Team("Child Protection North", 28.0, 18.0, 12, 17),
    Team("Child Protection South", 26.0, 17.5, 12, 17),
    Team("Children in Care", 23.0, 16.5, 11, 14),
    Team("Leaving Care", 20.0, 15.0, 8, 10),
    Team("Disabled Children", 17.0, 14.0, 7, 8),
)


def rng(component: int) -> np.random.Generator:
    """One generator per series, so changing one series leaves the others' bytes alone."""
    return np.random.default_rng([SEED, component])


def curve(knots: Iterable[tuple[int, float]]) -> np.ndarray:
    """A smooth-enough path through (month index, level) knots, one value per month."""
    xs, ys = zip(*knots, strict=True)
    return np.interp(np.arange(len(MONTHS)), xs, ys)


def percent(numerator: int, denominator: int) -> float:
    """The one rounding rule, shared by the generator and the tests."""
    return round(100 * numerator / denominator, 1)


def numerator_for(percentage: float, denominator: int) -> int:
    """The whole number of `denominator` nearest to `percentage` of it."""
    return round(percentage * denominator / 100)


def fit(target: float, near: int) -> tuple[int, int]:
    """A numerator and denominator close to `near` whose percentage is exactly `target`."""
    for step in range(60):
        for den in (near + step, near - step):
            for num in range(numerator_for(target, den) - 1, numerator_for(target, den) + 2):
                if 0 <= num <= den and percent(num, den) == target:
                    return num, den
    raise ValueError(f"no fraction near {near} gives {target}")


def row(
    code: str,
    period: dt.date,
    value: float,
    breakdown: str = WHOLE_AUTHORITY,
    numerator: int | None = None,
    denominator: int | None = None,
) -> dict:
    """One figure as a row of the long layout (commentary is added when the frame is built)."""
    return {
        "indicator": code,
        "period": period,
        "breakdown": breakdown,
        "value": float(value),
        "numerator": numerator,
        "denominator": denominator,
    }


def ratio_rows(code: str, percents: np.ndarray, denominators: list[int]) -> list[dict]:
    """Rows of a percentage built from counts, honouring any pinned published figure."""
    rows = []
    for period, pct, den in zip(MONTHS, percents, denominators, strict=True):
        num = numerator_for(pct, den)
        if (code, period) in PINNED:
            num, den = fit(PINNED[code, period], den)
        rows.append(row(code, period, percent(num, den), numerator=num, denominator=den))
    return rows
