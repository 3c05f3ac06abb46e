"""Issue 4, end to end in real Chromium: a director loads figures and rolls them back.

As a director: download the template, fill it with openpyxl, upload it, see the
preview, double-click "Load the figures" (one submission, not two), see the new
value on the Re-referrals chart and table; upload a bad file and see every problem
(and download them), with nothing changed; roll the submission back and see the
old value again.

These tests write, so the module runs its own Streamlit server on its own copy of
the sample database (`app_url` below overrides the harness's shared, pristine one).
Between steps the test reads that database itself: the app opens and closes the
file per operation and `Store` retries while the other process holds it. The steps
(upload, tick, load, read the chart and table back) are in `upload_steps`.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from etl.store.queries import current_values, submissions

from .harness import assert_no_error, error_boxes, rerun, screenshot, visit
from .upload_steps import (
    CHANGED_MONTH,
    CHANGED_VALUE,
    CODE,
    CONFIRM,
    FAMILY_PAGE,
    HISTORY_LINK,
    LOAD_BUTTON,
    NEW_MONTH,
    NEW_VALUE,
    TEMPLATE_BUTTON,
    chart_value,
    current_value,
    download,
    figures_table,
    load_with_double_click,
    metric,
    month_label,
    new_submissions,
    roll_back,
    shown,
    start_as_director,
    tick,
    upload,
    workbook_with,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# --- this module's own server -------------------------------------------------------


@pytest.fixture(scope="module")
def app_url(own_server: str) -> str:
    """Overrides the harness's session server: the harness's `page` now opens this one."""
    return own_server


# --- the tests ----------------------------------------------------------------------


def test_director_loads_figures_sees_them_charted_and_rolls_back(page, request, store) -> None:
    old = current_value(store, CHANGED_MONTH)
    assert old is not None and old != CHANGED_VALUE, "the sample should have March 2017"
    assert current_value(store, NEW_MONTH) is None, "the sample should end at March 2017"
    before = submissions(store)
    links = start_as_director(page)

    # The chart and table before: the sample's value.
    visit(page, links[FAMILY_PAGE])
    assert_no_error(page)
    assert figures_table(page)[month_label(CHANGED_MONTH)]["Figure"] == shown(old)
    assert chart_value(page, CHANGED_MONTH) == pytest.approx(old)
    screenshot(page, request, "1-chart-before")

    # 1. The template, as the director downloads it, filled in with openpyxl.
    visit(page, links["upload"])
    assert_no_error(page)
    template = download(page, TEMPLATE_BUTTON)
    assert {"instructions", "data", "targets", "indicators"} <= set(
        load_workbook(io.BytesIO(template), read_only=True).sheetnames
    )
    filled = workbook_with(
        [
            (CODE, CHANGED_MONTH, None, CHANGED_VALUE, None, None, "Corrected after audit."),
            (CODE, NEW_MONTH, None, NEW_VALUE),
        ],
        template,
    )

    # 2-3. Upload it: checked, then the preview; nothing written yet.
    upload(page, "april-2017.xlsx", filled)
    assert_no_error(page)
    page.get_by_text("Checked: every rule is met").wait_for()
    page.get_by_role("heading", name="3. Check the preview").wait_for()
    assert metric(page, "New values") == "1"
    assert metric(page, "Changed values") == "1"
    assert metric(page, "Unchanged values") == "0"
    assert len(submissions(store)) == len(before), "the preview must not write anything"
    screenshot(page, request, "2-preview")

    # 4. Confirm, then load: one submission, and the page says so.
    load = page.get_by_role("button", name=LOAD_BUTTON, exact=True)
    assert load.is_disabled(), "the button must wait for the confirmation"
    tick(page, CONFIRM)
    assert load.is_enabled()
    with rerun(page):
        load.click()
    assert_no_error(page)
    added = new_submissions(store, before)
    assert len(added) == 1, added
    new_id = int(added["id"].iloc[0])
    assert added["file_name"].iloc[0] == "april-2017.xlsx"
    assert (int(added["values_added"].iloc[0]), int(added["values_changed"].iloc[0])) == (1, 1)
    page.get_by_text(re.compile(rf"submission {new_id} loaded: 1 new, 1 changed")).wait_for()
    page.get_by_role("link", name=HISTORY_LINK).wait_for()
    screenshot(page, request, "3-loaded")
    assert current_value(store, CHANGED_MONTH) == pytest.approx(CHANGED_VALUE)
    assert current_value(store, NEW_MONTH) == pytest.approx(NEW_VALUE)

    # The new values on the Re-referrals chart and in its table.
    visit(page, links[FAMILY_PAGE])
    assert_no_error(page)
    table = figures_table(page)
    assert table[month_label(CHANGED_MONTH)]["Figure"] == shown(CHANGED_VALUE)
    assert table[month_label(CHANGED_MONTH)]["Note"] == "Corrected after audit."
    assert table[month_label(NEW_MONTH)]["Figure"] == shown(NEW_VALUE)
    assert chart_value(page, CHANGED_MONTH) == pytest.approx(CHANGED_VALUE)
    assert chart_value(page, NEW_MONTH) == pytest.approx(NEW_VALUE)
    screenshot(page, request, "4-chart-after-load")

    # Roll it back from the history page (the newest submission is chosen first).
    visit(page, links["history"])
    assert_no_error(page)
    page.get_by_role("heading", name=f"Roll back submission {new_id}").wait_for()
    confirm = f"I want to roll back submission {new_id} and restore the values above"
    roll_back(page, f"Roll back submission {new_id}", confirm)
    page.get_by_text(f"Submission {new_id} was rolled back").wait_for()
    screenshot(page, request, "5-rolled-back")
    rolled = submissions(store).set_index("id").loc[new_id]
    assert rolled["rolled_back_at"] is not None and str(rolled["rolled_back_at"]) != "NaT"
    assert len(submissions(store)) == len(before) + 1, "rollback deletes nothing"
    assert current_value(store, CHANGED_MONTH) == pytest.approx(old)
    assert current_value(store, NEW_MONTH) is None

    # The old value is back on the chart and in the table; April 2017 has gone.
    visit(page, links[FAMILY_PAGE])
    assert_no_error(page)
    table = figures_table(page)
    assert table[month_label(CHANGED_MONTH)]["Figure"] == shown(old)
    assert month_label(NEW_MONTH) not in table
    assert chart_value(page, CHANGED_MONTH) == pytest.approx(old)
    assert chart_value(page, NEW_MONTH) is None
    screenshot(page, request, "6-chart-after-rollback")


class ConfirmationLost(AssertionError):
    """The figures were loaded but the page does not say so."""


def test_double_click_on_load_stores_one_submission(page, request, store) -> None:
    load_with_double_click(page, store, 21.7)
    screenshot(page, request, "after-double-click")


def test_double_click_on_load_still_says_the_figures_were_loaded(page, request, store) -> None:
    new_id, clicks = load_with_double_click(page, store, 21.8)
    screenshot(page, request, "after-double-click")
    if not page.get_by_text(re.compile(rf"submission {new_id} loaded")).count():
        alerts = [a.strip() for a in page.locator(".stAlert").all_inner_texts()]
        raise ConfirmationLost(
            f"Submission {new_id} was loaded (once), but after a double click "
            f"(frames sent at {clicks} s) the page does not say so. It shows: {alerts}"
        )


def test_bad_file_lists_every_problem_and_loads_nothing(page, request, store) -> None:
    before = submissions(store)
    values_before = current_values(store)
    links = start_as_director(page)
    visit(page, links["upload"])
    assert_no_error(page)

    bad = workbook_with(
        [
            ("NOT_AN_INDICATOR", dt.date(2017, 3, 1), None, 10),
            (CODE, dt.date(2017, 2, 1), None, 150),  # a percentage over 100
        ]
    )
    upload(page, "bad-figures.xlsx", bad)
    page.get_by_text("2 problems found in bad-figures.xlsx. Nothing was loaded.").wait_for()
    assert page.get_by_role("heading", name="3. Check the preview").count() == 0
    assert page.get_by_role("button", name=LOAD_BUTTON).count() == 0
    screenshot(page, request, "problems")

    # The problems table on the page: both rows, with their row numbers.
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator('[role="gridcell"]').first.wait_for(state="attached")
    headers = grid.locator('[role="columnheader"]').all_inner_texts()
    rows = [
        dict(zip(headers, cells, strict=False))
        for row in grid.locator('[role="row"]').all()
        if (cells := row.locator('[role="gridcell"]').all_inner_texts())
    ]
    by_row = {r["Row"]: r for r in rows}
    assert set(by_row) == {"2", "3"}, rows
    assert by_row["2"]["Value"] == "NOT_AN_INDICATOR"
    assert "not an indicator" in by_row["2"]["What is wrong and how to fix it"]
    assert by_row["3"]["Value"] == "150"
    assert "outside 0 to 100" in by_row["3"]["What is wrong and how to fix it"]

    # The same problems as a spreadsheet to keep or forward.
    book = load_workbook(io.BytesIO(download(page, "Download the problems as a spreadsheet")))
    assert "problems" in book.sheetnames
    sheet = list(book["problems"].iter_rows(values_only=True))
    assert "Nothing was loaded" in sheet[0][0]
    header, body = sheet[1], sheet[2:]
    listed = {(r[header.index("Row")], r[header.index("Value")]) for r in body}
    assert listed == {(2, "NOT_AN_INDICATOR"), (3, "150")}, body

    # The problems box is the only error box (no exception); nothing changed.
    unexpected = [e for e in error_boxes(page) if "Nothing was loaded" not in e]
    assert not unexpected, unexpected
    assert len(submissions(store)) == len(before)
    assert current_values(store).equals(values_before)
