"""Figures revised since the previous committee report (issue 16 §7): real workbooks loaded
into a real DuckDB file, each submission dated as if sent on a given day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.ingest.load import commit, prepare
from etl.ingest.rollback import rollback
from etl.store.database import Store
from etl.store.queries import revised_since_report
from tests.workbooks import xlsx

HEADER = ["indicator", "period", "breakdown", "value"]


def _send(store: Store, rows: list[list[object]], who: str, on: dt.datetime) -> None:
    prepared = prepare(f"{on:%Y%m%d}.xlsx", xlsx([HEADER, *rows]), today=on.date())
    sid = commit(store, prepared, who).submission_id
    with store.writing() as con:
        con.execute("UPDATE submissions SET submitted_at = ? WHERE id = ?", [on, sid])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "cyps.duckdb")
    _send(
        store,
        [["REF_24H", "2017-01", "", 90], ["REF_24H", "2017-02", "", 91],
         ["LAC_COUNT", "2017-02", "", 400]],
        "dee", dt.datetime(2017, 3, 10, 9),
    )  # fmt: skip
    # revised before the March report was produced: the March report already showed 89
    _send(store, [["REF_24H", "2017-01", "", 89]], "dee", dt.datetime(2017, 3, 20, 9))
    _send(
        store,
        [["REF_24H", "2017-02", "", 93], ["REF_24H", "2017-03", "", 95],
         ["LAC_COUNT", "2017-02", "", 400]],
        "olu", dt.datetime(2017, 4, 5, 9),
    )  # fmt: skip
    return store


def test_only_figures_changed_after_the_previous_month_ended_are_listed(store: Store) -> None:
    revised = revised_since_report(store, dt.date(2017, 4, 1))
    assert revised[["indicator", "old_value", "new_value", "revised_by"]].values.tolist() == [
        ["REF_24H", 91.0, 93.0, "olu"]
    ]
    assert str(revised["period"].iloc[0])[:7] == "2017-02"


def test_a_report_month_with_nothing_sent_before_it_lists_nothing(store: Store) -> None:
    assert revised_since_report(store, dt.date(2017, 3, 1)).empty


def test_a_rolled_back_revision_is_not_listed(store: Store) -> None:
    rollback(store, 3, "dee")
    assert revised_since_report(store, dt.date(2017, 4, 1)).empty
