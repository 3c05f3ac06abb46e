"""Issue 15, end to end in real Chromium: a director loads an improvement plan snapshot.

As a director: download the plan template, fill it with openpyxl, upload it with one bad
status and see the problem (nothing stored), fix it and upload again, choose the month, check
the preview, load it, then see the headline and the theme chart on the Improvement plan page
(axe clean), and roll the snapshot back from that page.

The test writes, so the module runs its own Streamlit server on its own copy of the sample
database, as `test_upload_browser` does; between steps it reads that database itself.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import pytest
from openpyxl import load_workbook

from etl.store.plan_snapshots import live_actions, snapshots
from tests.plan_workbooks import SNAPSHOT_APR_2016

from .accessibility import axe_violations, blocking, describe
from .harness import assert_no_error, rerun, screenshot, visit
from .upload_steps import (
    download,
    metric,
    roll_back,
    start_as_director,
    tick,
    upload,
    workbook_with,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TEMPLATE_BUTTON = "Download the improvement plan template (.xlsx)"
MONTH_LABEL = "The month this snapshot is as at"
AS_AT = dt.date(2017, 4, 1)  # after the sample plan's last snapshot (March 2017)
CONFIRM = "I have checked the preview and want to load this plan snapshot"
LOAD_BUTTON = "Load the plan snapshot"
# SNAPSHOT_APR_2016 counted as at April 2017: 3 of its 6 live actions complete; a3, b1 and b4
# are due before April 2017 and not complete, so overdue.
HEADLINE = "3 of 6 actions complete (50%), as at April 2017"
SUBPLOT_TITLES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .map(chart => ((chart.layout || {}).annotations || []).map(a => a.text))"""
TRACE_NAMES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .map(chart => (chart.data || []).map(t => t.name))"""


@pytest.fixture(scope="module")
def app_url(own_server: str) -> str:
    """Overrides the harness's session server: the harness's `page` now opens this one."""
    return own_server


def filled(template: bytes, rows: Sequence[Sequence[object]]) -> bytes:
    """The downloaded plan template with `rows` on its actions sheet, dates as dd/mm/yyyy."""
    return workbook_with(rows, template, sheet="actions", date_format="dd/mm/yyyy")


def choose_month(page, label: str) -> None:
    """Pick an option in the as-at select box by typing its label, and wait for the rerun."""
    box = page.get_by_role("combobox", name=MONTH_LABEL)
    with rerun(page):
        box.click()
        box.fill(label)
        page.get_by_role("option", name=label, exact=True).click()


def test_director_loads_a_plan_sees_it_on_the_plan_page_and_rolls_it_back(
    page, request, store
) -> None:
    before = len(snapshots(store))
    links = start_as_director(page)

    # 1. The plan template from the upload page, filled in with openpyxl: one bad status.
    visit(page, links["upload"])
    assert_no_error(page)
    template = download(page, TEMPLATE_BUTTON)
    assert "actions" in load_workbook(io.BytesIO(template), read_only=True).sheetnames
    rows = [list(r) for r in SNAPSHOT_APR_2016]
    rows[2][5] = "Nearly done"
    upload(
        page,
        "plan-bad.xlsx",
        filled(template, rows),
    )
    page.get_by_text("1 problem found in plan-bad.xlsx. Nothing was loaded.").wait_for()
    assert page.get_by_role("heading", name="3. Check the preview").count() == 0
    assert len(snapshots(store)) == before
    screenshot(page, request, "1-problem")

    # 2. Fixed and uploaded again: checked, the month chosen, then the preview.
    rows[2][5] = "At risk"
    upload(
        page,
        "plan-april-2017.xlsx",
        filled(template, rows),
    )
    assert_no_error(page)
    page.get_by_text("Checked: every action meets the rules").wait_for()
    choose_month(page, "April 2017")
    page.get_by_role("heading", name="3. Check the preview").wait_for()
    assert metric(page, "New actions") == "8"  # its refs are not the sample plan's
    assert len(snapshots(store)) == before, "the preview must not write anything"
    screenshot(page, request, "2-preview")

    # 3. Confirm, load: one snapshot as at April 2017.
    load = page.get_by_role("button", name=LOAD_BUTTON, exact=True)
    assert load.is_disabled()
    tick(page, CONFIRM)
    with rerun(page):
        load.click()
    assert_no_error(page)
    page.get_by_text("loaded as at April 2017").wait_for()
    listed = snapshots(store)
    assert len(listed) == before + 1
    new_id = int(listed["id"].max())
    assert max(live_actions(store)["as_at"]) == AS_AT

    # 4. The plan page: the headline, the theme chart, and nothing axe calls serious.
    visit(page, links["plan"])
    assert_no_error(page)
    page.get_by_role("heading", name=HEADLINE).wait_for()
    assert metric(page, "Overdue") == "3"
    page.locator(".js-plotly-plot .main-svg").nth(1).wait_for()
    titles = page.evaluate(SUBPLOT_TITLES_JS)
    # The theme chart has a panel per theme across every snapshot: the sample plan's
    # themes and this file's two.
    assert any({"Alpha", "Beta"} <= set(panel) for panel in titles), titles
    names = page.evaluate(TRACE_NAMES_JS)
    assert names[1][:5] == ["Complete", "On track", "At risk", "Off track", "Not started"]
    serious = blocking(axe_violations(page))
    assert not serious, describe(serious)
    screenshot(page, request, "3-plan-page")

    # 5. Roll it back from the plan page: the sample's March 2017 snapshot is in force again.
    page.get_by_role("heading", name="Plan snapshots").wait_for()
    roll_back(
        page, f"Roll back plan snapshot {new_id}", f"I want to roll back plan snapshot {new_id}"
    )
    page.get_by_text(f"Plan snapshot {new_id} (as at April 2017) was rolled back").wait_for()
    page.get_by_role("heading", name="44 of 50 actions complete (88%), as at March 2017").wait_for()
    rolled = snapshots(store).set_index("id").loc[new_id]
    assert str(rolled["rolled_back_at"]) != "NaT" and not rolled["live"]
    assert len(snapshots(store)) == before + 1, "rollback deletes nothing"
    assert max(live_actions(store)["as_at"]) == dt.date(2017, 3, 1)
    screenshot(page, request, "4-rolled-back")
