"""Issue 13 §2: months before the council's first financial year, or still to come, are refused.

The first financial year is `[figures] first_financial_year` in data/settings.toml;
the current month is the last that can have a figure. Each test writes the file and
shows the refusal, worded with the sheet, row, column and the month as read.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.periods import parse_financial_year
from core.settings import settings
from etl.ingest.bounds import first_month
from etl.ingest.load import commit, prepare
from etl.ingest.problems import Invalid
from etl.store.database import Store
from tests.etl.ingest.hostile_files import LONG, snapshot
from tests.workbooks import csv_bytes, xlsx

TODAY = dt.date(2017, 6, 15)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "cyps.duckdb")
    commit(
        store, prepare("a.xlsx", xlsx([LONG, ["LAC_COUNT", "2016-03", "", 410]]), today=TODAY), "d"
    )
    return store


def problems_in(content: bytes, name: str = "f.xlsx") -> list:
    with pytest.raises(Invalid) as refused:
        prepare(name, content, today=TODAY)
    return refused.value.problems


def test_the_first_month_is_april_of_the_configured_first_financial_year() -> None:
    configured = settings()["figures"]["first_financial_year"]
    assert first_month() == parse_financial_year(configured)[0]
    assert first_month().month == 4


def test_april_1916_is_refused_naming_the_first_financial_year(store: Store) -> None:
    before = snapshot(store)
    [problem] = problems_in(xlsx([LONG, ["LAC_COUNT", "1916-04", "", 400]]))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "data",
        2,
        "B (period)",
        "1916-04",
    )
    assert "April 1916 is before" in problem.message
    assert settings()["figures"]["first_financial_year"] in problem.message
    assert snapshot(store) == before


def test_a_two_digit_year_read_as_1930_is_refused_and_explained() -> None:
    [problem] = problems_in(csv_bytes([LONG[:4], ["LAC_COUNT", "Apr-30", "", 400]]), "f.csv")
    assert problem.value == "Apr-30" and "April 1930 is before" in problem.message
    assert "1930 to 1999" in problem.message


def test_the_month_before_the_first_financial_year_is_refused_and_its_first_month_loads() -> None:
    first = first_month()
    before = dt.date(first.year, 3, 1)
    [problem] = problems_in(
        xlsx(
            [
                LONG,
                ["LAC_COUNT", f"{before:%Y-%m}", "", 400],
                ["LAC_COUNT", f"{first:%Y-%m}", "", 401],
            ]
        )
    )
    assert problem.row == 2
    loaded = prepare("f.xlsx", xlsx([LONG, ["LAC_COUNT", f"{first:%Y-%m}", "", 401]]), today=TODAY)
    assert loaded.observations["period"].tolist() == [first]


def test_a_month_after_the_current_one_is_refused() -> None:
    [problem] = problems_in(xlsx([LONG, ["LAC_COUNT", "2017-07", "", 400]]))
    assert problem.row == 2 and "is in the future" in problem.message


def test_a_scorecard_column_for_1930_is_refused_on_every_figure_under_it() -> None:
    content = xlsx(
        [["indicator", "Mar-30", "Apr 2016"], ["LAC_COUNT", 400, 410], ["REFERRALS", 90, 95]]
    )
    problems = problems_in(content)
    assert [(p.row, p.column) for p in problems] == [(2, "B (Mar-30)"), (3, "B (Mar-30)")]
    assert all("March 1930 is before" in p.message for p in problems)
