"""The plan's numbers exactly as the issue defines them, counted by hand on small plans."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import plan

D = dt.date
COLUMNS = ["ref", "theme", "action", "lead", "due", "status", "completed", "indicators", "evidence"]


def actions(*rows: tuple, as_at: dt.date | None = None) -> pd.DataFrame:
    """Rows of (ref, theme, due, status[, indicators]) as an action frame."""
    records = []
    for n, row in enumerate(rows, start=2):
        ref, theme, due, status, *codes = row
        records.append(
            (ref, theme, f"do {ref}", "Lead", due, status, None, codes[0] if codes else "", "", n)
        )
    frame = pd.DataFrame(records, columns=[*COLUMNS, "row"])
    return frame.assign(as_at=as_at) if as_at else frame


MARCH = D(2016, 3, 1)


def test_withdrawn_actions_are_not_counted_and_the_percentage_has_one_decimal() -> None:
    frame = actions(
        ("1", "A", D(2016, 6, 1), "Complete"),
        ("2", "A", D(2016, 6, 1), "On track"),
        ("3", "A", D(2016, 6, 1), "Not started"),
        ("4", "A", D(2016, 6, 1), "Withdrawn"),
    )
    counted = plan.counts(frame, MARCH)
    assert (counted.actions, counted.complete, counted.percent_complete) == (3, 1, 33.3)


def test_percent_complete_rounds_a_half_up_as_people_do() -> None:
    assert plan.percent(1, 8) == 12.5
    assert plan.percent(1, 16) == 6.3  # 6.25: a binary float would round it to 6.2
    assert plan.percent(24, 50) == 48.0
    assert plan.percent(0, 0) is None


def test_the_headline_reads_as_the_leader_said_it() -> None:
    counted = plan.PlanCounts(50, 24, 48.0, 3, 4)
    assert plan.headline(counted) == "24 of 50 actions complete (48%)"
    assert plan.percent_text(58.8) == "58.8%"


def test_an_action_due_in_the_month_itself_is_not_overdue_but_one_due_before_is() -> None:
    frame = actions(
        ("due-this-month", "A", MARCH, "On track"),
        ("due-last-month", "A", D(2016, 2, 1), "On track"),
        ("complete-late", "A", D(2015, 1, 1), "Complete"),
        ("withdrawn-late", "A", D(2015, 1, 1), "Withdrawn"),
        ("not-started-late", "A", D(2015, 12, 1), "Not started"),
    )
    late = plan.overdue_actions(frame, MARCH)
    assert list(late["ref"]) == ["not-started-late", "due-last-month"]  # longest overdue first
    assert plan.counts(frame, MARCH).overdue == 2


def test_at_risk_or_off_track_counts_both_statuses_and_lists_off_track_first() -> None:
    frame = actions(
        ("1", "A", D(2016, 6, 1), "At risk"),
        ("2", "A", D(2016, 9, 1), "Off track"),
        ("3", "A", D(2016, 6, 1), "On track"),
    )
    assert plan.counts(frame, MARCH).at_risk_or_off_track == 2
    assert list(plan.at_risk_actions(frame)["ref"]) == ["2", "1"]


def test_the_state_at_a_month_is_the_latest_snapshot_as_at_that_month_or_earlier() -> None:
    jan = actions(("1", "A", D(2016, 6, 1), "On track"), as_at=D(2016, 1, 1))
    apr = actions(("1", "A", D(2016, 6, 1), "Complete"), as_at=D(2016, 4, 1))
    both = pd.concat([jan, apr], ignore_index=True)
    assert plan.state_at(both, D(2015, 12, 1)).empty
    assert list(plan.state_at(both, D(2016, 3, 1))["status"]) == ["On track"]
    assert list(plan.state_at(both, D(2016, 4, 1))["status"]) == ["Complete"]
    assert list(plan.state_at(both, D(2017, 1, 1))["status"]) == ["Complete"]


def test_status_by_theme_lists_themes_in_sheet_order_then_all_themes() -> None:
    frame = actions(
        ("1", "Workforce", D(2016, 1, 1), "Complete"),
        ("2", "Front door", D(2016, 1, 1), "Off track"),
        ("3", "Workforce", D(2016, 2, 1), "At risk"),
        ("4", "Front door", D(2016, 1, 1), "Withdrawn"),
    )
    table = plan.status_by_theme(frame, MARCH)
    assert list(table.columns) == plan.STATUS_COLUMNS
    assert table.values.tolist() == [
        ["Workforce", 2, 1, 50.0, 1, 1],
        ["Front door", 1, 0, 0.0, 1, 1],
        ["All themes", 3, 1, 33.3, 2, 2],
    ]


def test_a_theme_whose_actions_were_all_withdrawn_has_no_percentage() -> None:
    frame = actions(("1", "Gone", D(2016, 1, 1), "Withdrawn"))
    row = plan.status_by_theme(frame, MARCH).iloc[0]
    assert row["actions"] == 0 and row["percent_complete"] is None


def test_changes_name_new_actions_status_changes_slips_withdrawals_and_removals() -> None:
    before = actions(
        ("1", "A", D(2016, 1, 1), "On track"),
        ("2", "A", D(2016, 1, 1), "On track"),
        ("3", "A", D(2016, 1, 1), "At risk"),
        ("4", "A", D(2016, 1, 1), "Not started"),
    )
    after = actions(
        ("1", "A", D(2016, 1, 1), "Complete"),
        ("2", "A", D(2016, 6, 1), "Off track"),  # slipped and changed status: two rows
        ("3", "A", D(2016, 1, 1), "Withdrawn"),
        ("5", "A", D(2016, 9, 1), "Not started"),
    )
    changes = plan.action_changes(before, after)
    assert changes[["ref", "change", "before", "after"]].values.tolist() == [
        ["1", "status changed", "On track", "Complete"],
        ["2", "status changed", "On track", "Off track"],
        ["2", "slipped", "January 2016", "June 2016"],
        ["3", "withdrawn", "At risk", "Withdrawn"],
        ["5", "new", "", "Not started"],
        ["4", "no longer listed", "Not started", ""],
    ]
    assert set(plan.action_changes(None, after)["change"]) == {"new"}


def test_progress_over_time_counts_each_status_per_snapshot_and_theme() -> None:
    jan = actions(
        ("1", "A", D(2016, 6, 1), "On track"),
        ("2", "B", D(2016, 6, 1), "Withdrawn"),
        ("3", "B", D(2016, 6, 1), "Not started"),
        as_at=D(2016, 1, 1),
    )
    apr = actions(("1", "A", D(2016, 6, 1), "Complete"), as_at=D(2016, 4, 1))
    progress = plan.progress_over_time(pd.concat([jan, apr], ignore_index=True))
    rows = {(r["as_at"], r["theme"]): r for r in progress.to_dict("records")}
    assert rows[(D(2016, 1, 1), "All themes")]["actions"] == 2  # the withdrawn one left out
    assert rows[(D(2016, 1, 1), "B")]["Not started"] == 1
    assert rows[(D(2016, 4, 1), "A")]["Complete"] == 1
    assert rows[(D(2016, 4, 1), "A")]["percent_complete"] == 100.0
    assert (D(2016, 4, 1), "B") not in rows


@pytest.mark.parametrize(
    ("cell", "codes"),
    [("REF_24H, REREF_12M", ["REF_24H", "REREF_12M"]), ("", []), (None, [])],
)
def test_linked_actions_find_an_indicator_among_the_codes_listed(cell, codes) -> None:
    assert plan.indicator_codes(cell) == codes
    frame = actions(("1", "A", D(2016, 6, 1), "On track", "REF_24H, REREF_12M"))
    assert list(plan.linked_actions(frame, "REREF_12M")["ref"]) == ["1"]
    assert plan.linked_actions(frame, "REF").empty
