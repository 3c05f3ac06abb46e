"""The months and magnitudes a figure can plausibly have, from data/ (never from code).

A month before the council's first financial year (`[figures]` in data/settings.toml)
is a slip such as April 1916, or Apr-30 read as 1930; a month after the current one
has not happened. A value above the indicator's `max_value` in data/indicators.toml
(or 100 for a percentage) is a pasted total or a misplaced decimal point.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from core.catalogue import Indicator
from core.periods import current_month, financial_year_label, parse_financial_year
from core.settings import settings


@cache
def first_month() -> dt.date:
    """April of the council's first financial year."""
    return parse_financial_year(str(settings()["figures"]["first_financial_year"]))[0]


def first_year_label() -> str:
    return financial_year_label(first_month())


def latest_month(today: dt.date | None = None) -> dt.date:
    """The current month: the last one a figure can be for."""
    return current_month(today)


def upper_bound(indicator: Indicator) -> float | None:
    """The largest plausible value for one month, or None for no bound."""
    return 100.0 if indicator.is_percent else indicator.max_value
