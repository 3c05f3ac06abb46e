"""Months are read the way UK users write them, and never silently misread."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.periods import (
    PeriodError,
    financial_year_label,
    financial_year_start,
    format_period,
    month_range,
    parse_financial_year,
    parse_period,
)

APRIL_2015 = dt.date(2015, 4, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2015-04",
        "Apr-15",
        "Apr 2015",
        "April 2015",
        "01/04/2015",
        "30/04/2015",
        "apr 15",
        "APRIL-2015",
        "2015-04-17",
        "1/4/15",
        "2015/04",
    ],
)
def test_accepted_text_forms_read_as_april_2015(text: str) -> None:
    assert parse_period(text) == APRIL_2015


def test_uk_dates_are_day_first() -> None:
    assert parse_period("04/01/2015") == dt.date(2015, 1, 1)
    assert parse_period("12/11/2014") == dt.date(2014, 11, 1)


def test_date_cells_and_excel_serials_give_the_month() -> None:
    assert parse_period(dt.datetime(2015, 4, 30, 13, 5)) == APRIL_2015
    assert parse_period(dt.date(2015, 4, 9)) == APRIL_2015
    assert parse_period(42095.0) == APRIL_2015  # Excel's serial for 1 April 2015


@pytest.mark.parametrize(
    "bad", ["", "Aprl 15", "13/13/2015", "31/02/2015", "2015-13", "2015", 12.0, True, "Q1 2015"]
)
def test_unreadable_periods_are_refused_with_the_accepted_forms(bad: object) -> None:
    with pytest.raises(PeriodError) as err:
        parse_period(bad)
    assert "2015-04" in str(err.value) or "empty" in str(err.value) or "real" in str(err.value)


months = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


@given(months)
def test_every_written_form_of_a_month_reads_back_as_that_month(day: dt.date) -> None:
    first = day.replace(day=1)
    two_digit = [day.strftime("%b-%y")] if 1930 <= day.year <= 2029 else []
    for text in (
        *two_digit,
        format_period(day),
        day.strftime("%b %Y"),
        day.strftime("%B %Y"),
        day.strftime("%d/%m/%Y"),
    ):
        assert parse_period(text) == first, text
    assert parse_period(day) == first


@given(months)
def test_financial_year_contains_its_months(day: dt.date) -> None:
    first, last = parse_financial_year(financial_year_label(day))
    assert first <= day.replace(day=1) <= last
    assert first.month == 4 and last.month == 3 and last.year == first.year + 1
    assert financial_year_start(day) == first.year
    assert len(month_range(first, last)) == 12


def test_two_digit_years_follow_excel() -> None:
    assert parse_period("Apr-29") == dt.date(2029, 4, 1)
    assert parse_period("Apr-30") == dt.date(1930, 4, 1)


def test_financial_year_labels_follow_dfe_style() -> None:
    assert financial_year_label(dt.date(2016, 3, 1)) == "2015/16"
    assert financial_year_label(dt.date(2016, 4, 1)) == "2016/17"
    assert financial_year_label(1999) == "1999/00"
    assert parse_financial_year("2015-16") == (APRIL_2015, dt.date(2016, 3, 1))
    with pytest.raises(PeriodError):
        parse_financial_year("2015/17")
