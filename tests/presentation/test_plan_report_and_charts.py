"""The committee report's plan section and the plan charts say what analysis.plan counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis import plan
from etl.ingest.plan_load import commit_plan, prepare_plan
from etl.store.database import Store
from etl.store.plan_snapshots import live_actions
from presentation.charts.plan import (
    STATUS_STYLE,
    plan_progress_chart,
    progress_table,
    theme_progress_chart,
)
from presentation.report.html import build_report_html
from presentation.report.plan import plan_section, plan_section_html
from tests.plan_workbooks import SNAPSHOT_APR_2016, SNAPSHOT_JAN_2016, plan_xlsx
from tests.presentation.test_report import tables

JAN, APR = dt.date(2016, 1, 1), dt.date(2016, 4, 1)


def two_snapshots(tmp_path: Path) -> Store:
    store = Store(tmp_path / "plan.duckdb")
    for rows, month in ((SNAPSHOT_JAN_2016, JAN), (SNAPSHOT_APR_2016, APR)):
        commit_plan(store, prepare_plan("p.xlsx", plan_xlsx(rows)), month, "dee")
    return store


def test_the_section_gives_the_headline_each_theme_and_the_overdue_list(tmp_path: Path) -> None:
    html = plan_section(two_snapshots(tmp_path), APR)
    assert "3 of 6 actions complete (50%)</strong> as at April 2016" in html
    assert "Up from 2 of 6 (33.3%) in January 2016." in html
    by_theme, overdue = tables(html)
    assert by_theme["caption"] == "By theme, April 2016"
    assert by_theme["rows"][1:] == [
        ["Alpha", "3", "2", "66.7%", "0", "1"],
        ["Beta", "3", "1", "33.3%", "1", "1"],
        ["All themes", "6", "3", "50%", "1", "2"],
    ]
    assert overdue["rows"][1:] == [["5", "Beta", "b1", "Lead B", "March 2016", "Off track"]]


def test_a_month_before_the_first_snapshot_says_so_and_no_plan_adds_nothing(tmp_path) -> None:
    store = two_snapshots(tmp_path)
    assert "nothing to report for this month" in plan_section(store, dt.date(2015, 6, 1))
    assert plan_section_html(live_actions(store).iloc[0:0], APR) == ""


def test_the_report_lists_the_plan_in_its_contents_when_there_is_one(sample_db: Store) -> None:
    html = build_report_html(sample_db, dt.date(2016, 3, 1))
    assert '<a href="#plan">Improvement plan</a>' in html
    assert "24 of 50 actions complete (48%)</strong> as at March 2016" in html
    assert html.index('id="plan"') < html.index('id="notes"')


def test_the_report_without_a_plan_has_no_plan_section(tmp_path: Path) -> None:
    store = Store(tmp_path / "none.duckdb")
    with store.connect():
        pass
    assert 'id="plan"' not in build_report_html(store, dt.date(2016, 3, 1))


def test_every_status_is_a_trace_with_its_own_pattern_and_a_legend_entry(tmp_path: Path) -> None:
    progress = plan.progress_over_time(live_actions(two_snapshots(tmp_path)))
    fig = plan_progress_chart(progress, "Testshire")
    assert [t.name for t in fig.data] == list(plan.PROGRESS_ORDER)
    assert len({t.marker.pattern.shape for t in fig.data}) == len(STATUS_STYLE)
    complete = fig.data[0]
    assert list(complete.x) == ["Jan 2016", "Apr 2016"] and list(complete.y) == [2, 3]
    themes = theme_progress_chart(progress, ["Alpha", "Beta"], "Testshire")
    assert len(themes.data) == 2 * len(plan.PROGRESS_ORDER)
    assert [a.text for a in themes.layout.annotations] == ["Alpha", "Beta"]
    assert sum(t.showlegend is not False for t in themes.data) == len(plan.PROGRESS_ORDER)


def test_the_progress_table_has_the_charts_numbers_newest_first(tmp_path: Path) -> None:
    progress = plan.progress_over_time(live_actions(two_snapshots(tmp_path)))
    table = progress_table(progress)
    first = table.iloc[0]
    assert (first["As at"], first["Theme"], first["Complete"], first["Per cent complete"]) == (
        "April 2016",
        "All themes",
        3,
        "50.0%",
    )
    assert isinstance(table, pd.DataFrame) and len(table) == 6
