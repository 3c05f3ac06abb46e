"""Months and financial years, read the way UK users write them.

A period is always stored as the first day of its month. Financial years run
April to March and are written `2015/16`.
"""

from __future__ import annotations

import datetime as dt
import re

from core.errors import CypsError, Kind

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[ T]00:00(?::00)?)?$")
_NAMED_MONTH = re.compile(r"^([a-z]+)[\s\-/.']*(\d{2}|\d{4})$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
# Excel stores dates as days since 1899-12-30; accept serials from 1990 to 2100 only,
# so that a stray count is never mistaken for a date.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (32874, 73051)


class PeriodError(CypsError, ValueError):
    """A period that cannot be read as a month; the message says which forms work."""

    kind = Kind.INVALID_REQUEST


ACCEPTED_FORMS = "2015-04, Apr-15, Apr 2015, April 2015, 01/04/2015 (day first) or a date cell"


def _year(text: str) -> int:
    """Two-digit years follow Excel's rule: 00-29 are 2000-2029, 30-99 are 1930-1999."""
    year = int(text)
    if len(text) == 2:
        return 2000 + year if year < 30 else 1900 + year
    return year


def _month_start(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        raise PeriodError(f"is not a real month; use a form such as {ACCEPTED_FORMS}")
    return dt.date(year, month, 1)


def parse_period(value: object) -> dt.date:
    """Read a month from a cell value: a date, an Excel serial number, or text.

    Any day of the month is accepted and the first of the month returned; text
    dates are day first (01/04/2015 is April 2015), as UK users write them.
    """
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, bool):
        raise PeriodError(f"is not a month; use a form such as {ACCEPTED_FORMS}")
    if isinstance(value, int | float):
        if value == int(value) and _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
            return dt.date(day.year, day.month, 1)
        raise PeriodError(f"is a number, not a month; use a form such as {ACCEPTED_FORMS}")
    text = str(value).strip().lower()
    if not text:
        raise PeriodError("is empty; every row needs the month its figure is for")
    if m := _ISO_MONTH.match(text):
        iso_year, iso_month, iso_day = m.groups()
        start = _month_start(int(iso_year), int(iso_month))
        if iso_day is not None:
            _check_day(start, int(iso_day))
        return start
    if m := _UK_DATE.match(text):
        uk_day, uk_month, uk_year = m.groups()
        start = _month_start(_year(uk_year), int(uk_month))
        _check_day(start, int(uk_day))
        return start
    if m := _NAMED_MONTH.match(text):
        name, year = m.groups()
        if name in MONTHS:
            return _month_start(_year(year), MONTHS[name])
    raise PeriodError(f"cannot be read as a month; use a form such as {ACCEPTED_FORMS}")


def _check_day(start: dt.date, day: int) -> None:
    try:
        start.replace(day=day)
    except ValueError:
        raise PeriodError(f"is not a real date; use a form such as {ACCEPTED_FORMS}") from None


def format_period(period: dt.date) -> str:
    """`YYYY-MM`, the form used in extracts and on the command line."""
    return f"{period.year:04d}-{period.month:02d}"


def long_label(period: dt.date) -> str:
    """`April 2016`, the GOV.UK way of writing a month."""
    return period.strftime("%B %Y")


def financial_year_start(period: dt.date) -> int:
    """The calendar year in which `period`'s financial year began (April 2016 -> 2016)."""
    return period.year if period.month >= 4 else period.year - 1


def financial_year_label(period_or_start: dt.date | int) -> str:
    """`2015/16` for any month from April 2015 to March 2016 (or for the start year 2015)."""
    start = (
        period_or_start
        if isinstance(period_or_start, int)
        else financial_year_start(period_or_start)
    )
    return f"{start}/{(start + 1) % 100:02d}"


def parse_financial_year(text: str) -> tuple[dt.date, dt.date]:
    """First and last month of a financial year written `2015/16` (or `2015-16`)."""
    m = _FINANCIAL_YEAR.match(text.strip())
    if not m:
        raise PeriodError(f"'{text}' is not a financial year; write it like 2015/16")
    start, end = int(m.group(1)), m.group(2)
    end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if end_year < start:
        end_year += 100
    if end_year != start + 1:
        raise PeriodError(f"'{text}' is not a financial year; write it like 2015/16")
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 1)


def add_months(period: dt.date, months: int) -> dt.date:
    index = period.year * 12 + period.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from `first` to `last` inclusive."""
    months = []
    current = dt.date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def current_month(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return dt.date(today.year, today.month, 1)
