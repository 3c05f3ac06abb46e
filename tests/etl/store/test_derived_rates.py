"""Derived rates follow their inputs in a real database: uploads, revisions and rollbacks.

Real workbooks through `prepare` and `commit`, a real DuckDB file, `rollback` as the History
page calls it: the rate per 10,000 is never stored, so whatever the current count and
population are, the rate every reader gets (current figures, the extract, SPC) is theirs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.ingest.load import commit, prepare
from etl.ingest.rollback import rollback
from etl.outputs.extract import extract
from etl.outputs.extract_filter import build_filter
from etl.store.database import Store
from etl.store.queries import current_values
from tests.workbooks import LONG_HEADER, xlsx

TODAY = dt.date(2017, 6, 15)
APRIL_2016 = dt.date(2016, 4, 1)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "cyps.duckdb")


def load(store: Store, name: str, rows: list[list[object]]) -> int:
    """Commit one long-layout workbook; its submission id."""
    prepared = prepare(name, xlsx([LONG_HEADER, *rows]), today=TODAY)
    result = commit(store, prepared, "Dee Director")
    assert result.submission_id is not None
    return result.submission_id


def rate(store: Store, code: str, month: dt.date = APRIL_2016) -> float | None:
    found = current_values(store, [code])
    found = found[found["period"] == month]
    return None if found.empty else float(found["value"].iloc[0])


def test_population_56000_and_350_plans_give_62_5_and_rolling_back_restores_70(
    store: Store,
) -> None:
    load(store, "april.xlsx", [
        ["CP_PLANS", APRIL_2016, None, 350],
        ["LAC_COUNT", APRIL_2016, None, 448],
        ["POP_0_17", APRIL_2016, None, 50_000],
    ])  # fmt: skip
    assert rate(store, "CP_RATE") == 70.0  # 350 / 50,000 x 10,000
    assert rate(store, "LAC_RATE") == 89.6

    population = load(store, "population.xlsx", [["POP_0_17", APRIL_2016, None, 56_000]])
    assert rate(store, "CP_RATE") == 62.5  # 350 / 56,000 x 10,000
    assert rate(store, "LAC_RATE") == 80.0

    rollback(store, population, "Dee Director")
    assert rate(store, "CP_RATE") == 70.0
    assert rate(store, "LAC_RATE") == 89.6


def test_a_revised_count_changes_its_rate_and_the_rate_names_its_newest_input(
    store: Store,
) -> None:
    load(store, "april.xlsx", [
        ["CP_PLANS", APRIL_2016, None, 350],
        ["POP_0_17", APRIL_2016, None, 56_000],
    ])  # fmt: skip
    revised = load(store, "revised.xlsx", [["CP_PLANS", APRIL_2016, None, 364]])
    row = current_values(store, ["CP_RATE"]).iloc[0]
    assert row["value"] == 65.0 and row["numerator"] == 364 and row["denominator"] == 56_000
    assert row["submission_id"] == revised


def test_the_latest_population_at_or_before_each_month_is_used(store: Store) -> None:
    may = dt.date(2016, 5, 1)
    load(store, "year.xlsx", [
        ["POP_0_17", dt.date(2015, 4, 1), None, 50_000],
        ["CP_PLANS", dt.date(2016, 3, 1), None, 350],
        ["POP_0_17", APRIL_2016, None, 56_000],
        ["CP_PLANS", may, None, 350],
    ])  # fmt: skip
    assert rate(store, "CP_RATE", dt.date(2016, 3, 1)) == 70.0
    assert rate(store, "CP_RATE", may) == 62.5
    # asked for May only, the rate still finds the April population before it
    only_may = current_values(store, ["CP_RATE"], first=may, last=may)
    assert only_may["value"].tolist() == [62.5]


def test_the_referral_rate_needs_twelve_months_of_referrals(store: Store) -> None:
    months = [dt.date(2015 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(13)]
    rows = [["REFERRALS", month, None, 350] for month in months]  # April 2015 to April 2016
    load(store, "referrals.xlsx", [["POP_0_17", dt.date(2015, 4, 1), None, 56_000], *rows])
    rates = current_values(store, ["REF_RATE"])
    assert rates["period"].tolist() == [dt.date(2016, 3, 1), APRIL_2016]
    assert rates["value"].tolist() == [750.0, 750.0]  # 12 x 350 / 56,000 x 10,000


def test_the_rate_is_in_the_extract_exactly_and_follows_a_rollback(store: Store) -> None:
    load(store, "april.xlsx", [
        ["CP_PLANS", APRIL_2016, None, 350],
        ["POP_0_17", APRIL_2016, None, 50_000],
    ])  # fmt: skip
    population = load(store, "population.xlsx", [["POP_0_17", APRIL_2016, None, 56_000]])
    wanted = build_filter(indicators=["CP_RATE"])
    rows = extract(store, wanted).rows
    assert rows[["indicator", "value"]].values.tolist() == [["CP_RATE", 62.5]]
    rollback(store, population, "Dee Director")
    assert extract(store, wanted).rows["value"].tolist() == [70.0]


def test_small_numbers_of_children_hide_their_rate_in_a_published_extract(store: Store) -> None:
    load(store, "april.xlsx", [
        ["CP_PLANS", APRIL_2016, None, 3],
        ["POP_0_17", APRIL_2016, None, 56_000],
    ])  # fmt: skip
    published = extract(store, build_filter(indicators=["CP_PLANS", "CP_RATE"], published=True))
    assert set(published.rows["value"]) == {"c"}  # the count 3, and the 0.5 it would give away
