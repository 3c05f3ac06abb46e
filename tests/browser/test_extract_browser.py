"""Download figures, end to end in real Chromium (issue 5): choose filters, download, read the file.

An officer picks indicators, financial years, breakdowns and "published" on the real page,
presses the real download buttons, and the files Chromium saves are opened and checked
against `etl.outputs.extract` run on the same database with the page's own `choices_to_filter`.

This module serves the app over its own database rather than the session's: the sample
plus one small submission that puts a count of 3 children in one distance band, because
the illustrative sample holds no count from 1 to 5 and so would never exercise
suppression. Expected rows are computed before the server starts, so the test process
never opens the database while the app holds it.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from core.catalogue import catalogue
from etl.ingest.load import commit, prepare, preview
from etl.outputs.extract import EXTRACT_COLUMNS, PUBLISHED_COLUMNS, Extract, extract
from etl.outputs.extract_files import csv_bytes, file_name
from etl.store.database import Store
from pages.extract import YEARS, PageChoices, choices_to_filter
from tests.workbooks import LONG_HEADER
from tests.workbooks import csv_bytes as upload_csv

from .harness import (
    assert_no_error,
    choose_role,
    nav_links,
    open_app,
    rerun,
    screenshot,
    visit,
    warm_up,
)
from .server import _require_chromium, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CAT = catalogue()
BOM = b"\xef\xbb\xbf"
SUBMISSION_COLUMNS = {"numerator", "denominator", "commentary", "submission_id",
                      "submission_file", "submitted_by"}  # fmt: skip
# The issue's example: two indicators, one financial year.
ISSUE = PageChoices(indicators=["REF_24H", "REREF_12M"], period_mode=YEARS, years=[2015])
ISSUE_FILE = "cyps-extract_REF_24H-REREF_12M_2015-04_2016-03_illustrative.csv"
# Counts of children by distance band in 2016/17 (the page's default year), published.
PUBLISHED = PageChoices(indicators=["LAC_DISTANCE"], period_mode=YEARS, years=[2016],
                        published=True)  # fmt: skip
# A small count (3: suppressed) and a zero (shown as 0) added on top of the sample.
SMALL_COUNTS = [
    ["LAC_DISTANCE", "2016-06", "Over 100 miles", 3, "", "", "browser test: a small count"],
    ["LAC_DISTANCE", "2016-07", "Over 100 miles", 0, "", "", "browser test: a zero"],
]


@dataclass(frozen=True)
class Served:
    url: str
    db: Path
    expected: dict[str, Extract]  # what etl.outputs.extract gives for ISSUE and PUBLISHED


def label(code: str) -> str:
    """The option text of the "Individual indicators" multiselect."""
    return f"{CAT.get(code).name} ({code})"


@pytest.fixture(scope="module")
def served(browser, _sample_db_file: Path, tmp_path_factory: pytest.TempPathFactory):
    _require_chromium()
    db = tmp_path_factory.mktemp("extract") / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, db)
    store = Store(db)
    small = prepare("small_counts.csv", upload_csv([LONG_HEADER, *SMALL_COUNTS]))
    # A demo director's load: demo mode is refused beside figures loaded by a named person.
    commit(store, small, "demo-director@example.invalid", preview(store, small).base_version)
    expected = {
        "issue": extract(store, choices_to_filter(ISSUE, CAT), CAT),
        "published": extract(store, choices_to_filter(PUBLISHED, CAT), CAT),
    }
    with serve_app(db) as url:
        warm_up(browser, url)
        yield Served(url, db, expected)


@pytest.fixture(scope="module")
def app_url(served: Served) -> str:
    """This module's pages come from its own server (see the module docstring)."""
    return served.url


# --- driving the page -----------------------------------------------------------------


def open_extract_page(page) -> None:
    open_app(page)
    choose_role(page, "officer")
    links = nav_links(page)
    assert "extract" in links, f"an officer should see Download figures; sidebar: {list(links)}"
    visit(page, links["extract"])
    assert_no_error(page)


def widget(page, key: str):
    return page.locator(f".st-key-{key}")


def pick(page, key: str, option: str) -> None:
    """Add one option to a multiselect; its list stays open, so close it afterwards.

    The option's text is typed first, so the list holds only it: clicking an option far
    down a long list scrolled it, and the click sometimes missed (no rerun followed).
    """
    box = widget(page, key).get_by_role("combobox")
    box.click()
    box.fill(option)
    with rerun(page):
        page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def unpick(page, key: str, option: str) -> None:
    with rerun(page):
        widget(page, key).get_by_role("button", name=f"Remove {option}", exact=True).click()


def chosen(page, key: str) -> list[str]:
    """The options a multiselect holds, as its chips name them."""
    tags = widget(page, key).locator('[role="group"][aria-label="Selected values"] [data-tag]')
    return [t.get_attribute("aria-label") for t in tags.all()]


def choose_financial_years(page, wanted: list[str]) -> None:
    with rerun(page):
        widget(page, "extract_period_mode").get_by_text("Financial years", exact=True).click()
    for year in wanted:
        if year not in chosen(page, "extract_years"):
            pick(page, "extract_years", year)
    for year in chosen(page, "extract_years"):  # the page starts on the latest year
        if year not in wanted:
            unpick(page, "extract_years", year)
    assert chosen(page, "extract_years") == wanted


def preview_sentence(page) -> str:
    return page.locator(
        '[data-testid="stMarkdownContainer"] p', has_text="match these filters"
    ).inner_text()


def download(page, key: str) -> tuple[str, bytes]:
    """Press a download button; the name Chromium was given and the bytes it saved."""
    with page.expect_download() as info:
        widget(page, key).locator("button:visible").first.click()  # not its hover text's
    got = info.value
    assert got.failure() is None, got.failure()
    return got.suggested_filename, Path(got.path()).read_bytes()


def read_csv(content: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str, keep_default_na=False)


# --- the tests ------------------------------------------------------------------------


def test_officer_downloads_the_issue_example_as_csv_and_excel(page, request, served) -> None:
    expected = served.expected["issue"]
    assert len(expected.rows) == 24  # the issue's example, on the sample data
    open_extract_page(page)
    pick(page, "extract_indicators", label("REF_24H"))
    pick(page, "extract_indicators", label("REREF_12M"))
    choose_financial_years(page, ["2015/16"])
    assert_no_error(page)
    assert preview_sentence(page) == "24 rows match these filters."
    # The file name is the button's hover text and the saved file's name, never a caption.
    assert page.get_by_text(ISSUE_FILE).count() == 0
    screenshot(page, request, "issue-example")

    name, content = download(page, "extract_download_csv")
    assert name == ISSUE_FILE == file_name(expected, "csv")
    assert content.startswith(BOM), "the CSV needs a byte-order mark so Excel reads accents"
    rows = read_csv(content)
    assert len(rows) == 24
    assert list(rows.columns) == EXTRACT_COLUMNS
    assert set(rows["indicator"]) == {"REF_24H", "REREF_12M"}
    assert all(re.fullmatch(r"2015-(0[4-9]|1[0-2])|2016-0[1-3]", p) for p in rows["period"])
    assert set(rows["breakdown"]) == set(expected.rows["breakdown"])
    want = expected.rows
    assert list(rows["indicator"]) == list(want["indicator"])
    assert list(rows["period"]) == [f"{p:%Y-%m}" for p in want["period"]]
    assert list(rows["breakdown"]) == list(want["breakdown"])
    assert [float(v) for v in rows["value"]] == list(want["value"].astype(float))
    assert content == csv_bytes(expected, CAT), (
        "the download differs from etl.outputs.extract's CSV"
    )

    name, content = download(page, "extract_download_xlsx")
    assert name == ISSUE_FILE.replace(".csv", ".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["data", "definitions", "about"]
    data = list(book["data"].iter_rows())
    header = [c.value for c in data[0]]
    assert header == EXTRACT_COLUMNS
    body = data[1:]
    assert len(body) == 24
    period, value = header.index("period"), header.index("value")
    for cell_row, (_, want_row) in zip(body, want.iterrows(), strict=True):
        assert cell_row[period].is_date, f"period {cell_row[period].value!r} is not a date"
        assert cell_row[period].value.date() == want_row["period"]
        assert "%" in cell_row[value].number_format, cell_row[value].number_format
        assert cell_row[value].value == pytest.approx(want_row["value"] / 100)
    about = " ".join(str(c.value) for row in book["about"].iter_rows() for c in row)
    assert "illustrative" in about.lower()
    definitions = [c.value for c in book["definitions"]["A"]][1:]
    assert definitions == ["REF_24H", "REREF_12M"]
    assert_no_error(page)


def test_published_extract_suppresses_small_counts(page, request, served) -> None:
    expected = served.expected["published"]
    assert sum(expected.suppressed.values()) == 2  # the 3, and one more to stop subtraction
    open_extract_page(page)
    pick(page, "extract_indicators", label("LAC_DISTANCE"))
    choose_financial_years(page, ["2016/17"])
    with rerun(page):
        widget(page, "extract_published").get_by_text("Published extract", exact=False).click()
    assert_no_error(page)
    assert preview_sentence(page) == f"{len(expected.rows)} rows match these filters."
    assert page.get_by_text("2 figures suppressed in this extract.", exact=True).is_visible()
    screenshot(page, request, "published")

    name, content = download(page, "extract_download_csv")
    assert name == "cyps-extract_LAC_DISTANCE_2016-04_2017-03_published_illustrative.csv"
    rows = read_csv(content)
    assert list(rows.columns) == PUBLISHED_COLUMNS
    assert not SUBMISSION_COLUMNS & set(rows.columns)
    small = [
        f"{r.period} {r.breakdown}: {r.value}"
        for r in rows.itertuples()
        if r.value.isdigit() and 1 <= int(r.value) <= 5
    ]
    assert not small, f"counts of 1 to 5 children in a published extract: {small}"
    by_cell = rows.set_index(["period", "breakdown"])["value"]
    assert by_cell[("2016-06", "Over 100 miles")] == "c"
    # secondary suppression; the band is named as the DfE writes it since issue 12
    assert by_cell[("2016-06", "Over 50 to 100 miles")] == "c"
    assert by_cell[("2016-07", "Over 100 miles")] == "0"  # zero is a figure, never a symbol
    assert (rows["value"] == "c").sum() == 2
    assert content == csv_bytes(expected, CAT), (
        "the download differs from etl.outputs.extract's CSV"
    )


def test_filters_that_match_nothing_offer_no_download(page, request, served) -> None:
    open_extract_page(page)
    pick(page, "extract_indicators", label("REF_24H"))  # whole authority only
    pick(page, "extract_breakdowns", "All teams")
    assert_no_error(page)
    warning = page.locator(
        '[data-testid="stAlertContentWarning"]', has_text="No figures match these filters"
    )
    assert warning.count() == 1
    assert "nothing to download" in warning.inner_text()
    assert widget(page, "extract_download_csv").count() == 0
    assert widget(page, "extract_download_xlsx").count() == 0
    assert page.get_by_role("button", name=re.compile("^Download")).count() == 0
    screenshot(page, request, "no-match")
