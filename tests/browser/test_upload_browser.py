"""Issue 4, end to end in real Chromium: a director loads figures and rolls them back.

As a director: download the template, fill it with openpyxl, upload it, see the
preview, double-click "Load the figures" (one submission, not two), see the new
value on the Re-referrals chart and table; upload a bad file and see every problem
(and download them), with nothing changed; roll the submission back and see the
old value again.

These tests write, so the module runs its own Streamlit server on its own copy of
the sample database (`app_url` below overrides the harness's shared, pristine one).
Between steps the test reads that database itself: the app opens and closes the
file per operation and `Store` retries while the other process holds it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from core.catalogue import catalogue
from etl.outputs.template import build_template
from etl.store.database import Store
from etl.store.queries import current_values, submissions
from ui.upload_flow import XLSX_MIME

from .conftest import (
    NAV_LINKS,
    _require_chromium,
    assert_no_error,
    choose_role,
    error_boxes,
    nav_links,
    open_app,
    rerun,
    screenshot,
    serve_app,
    visit,
    wait_ready,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CODE = "REREF_12M"
FAMILY_PAGE = "rereferrals"  # the sidebar link "Re-referrals"
CHANGED_MONTH = dt.date(2017, 3, 1)  # the sample's last month: a changed value
NEW_MONTH = dt.date(2017, 4, 1)  # past, and not in the sample: a new value
CHANGED_VALUE = 21.4
NEW_VALUE = 21.0
DOUBLE_CLICK_MS = 100  # between the two presses of a double click, as a person makes them
UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'
TEMPLATE_BUTTON = "Download the upload template (.xlsx)"
CONFIRM = "I have checked the preview and want to load these figures"
LOAD_BUTTON = "Load the figures"
HISTORY_LINK = "Submission history (and rollback)"
TABLE_EXPANDER = "The figures as a table"
# Every trace's y value at the month whose x starts with `month` (Plotly may hold y
# as a typed-array spec, {dtype, bdata, _inputArray}, rather than a plain array).
CHART_VALUES_JS = """(month) => {
    const chart = document.querySelector('.js-plotly-plot');
    if (!chart || !chart.data) return null;
    const found = {};
    for (const trace of chart.data) {
        const xs = Array.from(trace.x || []);
        const ys = Array.isArray(trace.y) ? trace.y
            : Array.from((trace.y && trace.y._inputArray) || trace.y || []);
        const i = xs.findIndex(x => String(x).startsWith(month));
        if (i >= 0) found[trace.name || ''] = ys[i];
    }
    return found;
}"""


# --- this module's own server -------------------------------------------------------


@pytest.fixture(scope="module")
def app_db(_sample_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's own copy of the sample database (the shared one stays pristine)."""
    db = tmp_path_factory.mktemp("upload-app") / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, db)
    return db


@pytest.fixture(scope="module")
def app_url(app_db: Path) -> Iterator[str]:
    """Overrides the harness's session server: the harness's `page` now opens this one."""
    _require_chromium()
    with serve_app(app_db) as url:
        yield url


@pytest.fixture
def store(app_db: Path) -> Store:
    return Store(app_db)


# --- helpers ------------------------------------------------------------------------


def start_as_director(page) -> dict[str, str]:
    """Open the app, wait for its first run to finish, and return the sidebar links.

    `open_app` can return before the first run has even started (the page loads as
    "notRunning"), when the sidebar still lists Streamlit's legacy pages/ folder: so
    wait for a link only the app's own navigation has, then for the run to end.
    """
    open_app(page)
    page.locator(f'{NAV_LINKS}[href$="/{FAMILY_PAGE}"]').wait_for()
    wait_ready(page)
    choose_role(page, "director")
    return nav_links(page)


def current_value(store: Store, month: dt.date) -> float | None:
    frame = current_values(store, [CODE], month, month)
    frame = frame[frame["breakdown"] == ""]
    return float(frame["value"].iloc[0]) if len(frame) else None


def shown(value: float) -> str:
    return catalogue().get(CODE).format_value(value)  # e.g. 22.3%


def figures_table(page) -> dict[str, dict[str, str]]:
    """The open "The figures as a table" expander as {month label: {column: text}}.

    st.dataframe draws on a canvas; its accessible grid (role=row/gridcell) holds the
    rows in view, newest month first, which is where the months under test are.
    """
    grid = (
        page.locator('[data-testid="stExpander"]')
        .filter(has_text=TABLE_EXPANDER)
        .locator('[data-testid="stDataFrame"]')
        .first
    )
    grid.locator('[role="gridcell"]').first.wait_for(state="attached")
    headers = grid.locator('[role="columnheader"]').all_inner_texts()
    table = {}
    for row in grid.locator('[role="row"]').all():
        cells = row.locator('[role="gridcell"]').all_inner_texts()
        if cells:
            table[cells[0]] = dict(zip(headers, cells, strict=False))
    return table


def chart_value(page, month: dt.date) -> float | None:
    """The indicator's own line on the page's Plotly chart, at `month` (None if absent)."""
    values = page.evaluate(CHART_VALUES_JS, f"{month:%Y-%m}")
    assert values is not None, "no Plotly chart on the page"
    return values.get(catalogue().get(CODE).name)


def month_label(month: dt.date) -> str:
    return f"{month:%B %Y}"


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator(
            '[data-testid="stMetricLabel"]', has_text=re.compile(rf"^{re.escape(label)}$")
        )
    )
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def workbook_with(rows: list[tuple], template: bytes | None = None) -> bytes:
    """The upload template with `rows` written on its data sheet, from row 2."""
    book = load_workbook(io.BytesIO(template or build_template()))
    sheet = book["data"]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "mmm yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(page, name: str, content: bytes) -> None:
    with rerun(page):
        page.set_input_files(
            UPLOADER, files=[{"name": name, "mimeType": XLSX_MIME, "buffer": content}]
        )


def download(page, button: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return Path(info.value.path()).read_bytes()


def tick(page, label: str) -> None:
    """Tick a Streamlit checkbox by its label (the styled label, not the hidden input, takes
    the click) and wait for the rerun."""
    box = page.get_by_role("checkbox", name=label, exact=True)
    with rerun(page):
        page.locator('[data-testid="stCheckbox"] label').filter(has=box).click()
    assert box.is_checked()


def new_submissions(store: Store, before: pd.DataFrame) -> pd.DataFrame:
    after = submissions(store)
    return after[~after["id"].isin(before["id"])]


def frames_sent(page) -> list[float]:
    """Times (monotonic) of every websocket frame the page sends from now on.

    Each Streamlit rerun request is one frame: counting them shows whether both clicks
    of a double click reached the server.
    """
    sent: list[float] = []
    page.on(
        "websocket", lambda ws: ws.on("framesent", lambda _frame: sent.append(time.monotonic()))
    )
    return sent


def double_click(page, target) -> None:
    """A person's double click: two presses DOUBLE_CLICK_MS apart, the second with detail 2.

    (Playwright's `dblclick()` fires both presses in one go, and Streamlit sends only one
    rerun for it, so it never tests a second submission.)
    """
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down(click_count=1)
    page.mouse.up(click_count=1)
    page.wait_for_timeout(DOUBLE_CLICK_MS)
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)


def settle(page, ms: int = 1500) -> None:
    """Let any run a second click may have queued start and finish."""
    page.wait_for_timeout(ms)
    wait_ready(page)


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
    roll_back = page.get_by_role("button", name=f"Roll back submission {new_id}", exact=True)
    assert roll_back.is_disabled()
    tick(page, f"I want to roll back submission {new_id} and restore the values above")
    with rerun(page):
        roll_back.click()
    assert_no_error(page)
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


def load_with_double_click(page, store: Store, value: float) -> tuple[int, list[float]]:
    """Upload March 2017 = `value`, confirm, double-click "Load the figures".

    Asserts that both clicks reached the server and that exactly one submission was
    stored; returns its id and the time from the first click to each frame sent.
    """
    before = submissions(store)
    sent = frames_sent(page)
    links = start_as_director(page)
    visit(page, links["upload"])
    upload(page, f"march-{value}.xlsx", workbook_with([(CODE, CHANGED_MONTH, None, value)]))
    page.get_by_role("heading", name="3. Check the preview").wait_for()
    tick(page, CONFIRM)
    load = page.get_by_role("button", name=LOAD_BUTTON, exact=True)
    with rerun(page):
        start = time.monotonic()
        double_click(page, load)
    settle(page)
    assert_no_error(page)
    clicks = [round(t - start, 3) for t in sent if t >= start]
    assert len(clicks) >= 2, f"only one click reached the server ({clicks}): nothing tested"
    added = new_submissions(store, before)
    assert len(added) == 1, f"a double click stored {len(added)} submissions:\n{added}"
    assert current_value(store, CHANGED_MONTH) == pytest.approx(value)
    return int(added["id"].iloc[0]), clicks


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
