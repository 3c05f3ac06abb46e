"""The steps of the upload journey in Chromium: open as director, upload, tick, load, read back.

Shared by the upload browser tests; each step waits for the run it starts to finish,
and the readers (`figures_table`, `chart_value`, `current_value`) say what the page and
the database hold now.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from core.catalogue import catalogue
from etl.outputs.template import build_template
from etl.store.database import Store
from etl.store.queries import current_values, submissions
from ui.upload_flow import XLSX_MIME

from .harness import (
    NAV_LINKS,
    assert_no_error,
    choose_role,
    nav_links,
    open_app,
    rerun,
    visit,
    wait_ready,
)

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


def workbook_with(
    rows: Sequence[Sequence[object]],
    template: bytes | None = None,
    sheet: str = "data",
    date_format: str = "mmm yyyy",
) -> bytes:
    """A downloaded template (by default the figures template) with `rows` written on its
    `sheet` from row 2, dates shown as `date_format`, as a person would fill it in Excel."""
    book = load_workbook(io.BytesIO(template or build_template()))
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = book[sheet].cell(row=r, column=c, value=value)
            if isinstance(value, dt.date):
                cell.number_format = date_format
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
    target = page.locator('[data-testid="stCheckbox"] label').filter(has=box)
    target.scroll_into_view_if_needed()
    # A click while the page's previous run is still drawing can be redrawn away before
    # it reaches the server (CI under load, twice): let that run finish first.
    wait_ready(page)
    with rerun(page):
        target.click()
    assert box.is_checked()


def roll_back(page, button: str, confirm: str) -> None:
    """Press a rollback button, which stays disabled until its confirmation is ticked."""
    target = page.get_by_role("button", name=button, exact=True)
    assert target.is_disabled()
    tick(page, confirm)
    with rerun(page):
        target.click()
    assert_no_error(page)


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
    target.scroll_into_view_if_needed()  # a mouse press off screen reaches nothing
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
