"""The committee report: renders for the sample, for an empty month and an empty database,
opens offline (nothing fetched), and its summary table says what the scorecard says."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.scorecard import build_scorecard, display_table
from core.catalogue import catalogue
from etl.sample.bundled import load_bundled_benchmarks
from etl.store import queries
from etl.store.database import Store
from presentation.report.html import SUMMARY_COLUMNS, build_report_html, report_filename
from presentation.report.pdf import find_chromium, html_to_pdf
from tests.conftest import build_sample_db

CAT = catalogue()
MARCH_2017 = dt.date(2017, 3, 1)
PRODUCED = dt.datetime(2017, 4, 10, 9, 0)


class Tables(HTMLParser):
    """Each <table>'s caption and rows of cell text, as a reader would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._in_caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[dict]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture(scope="module")
def with_benchmarks(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The sample plus the bundled DfE files, as the dashboard loads them; built once, read only."""
    store = build_sample_db(tmp_path_factory.mktemp("report") / "bench.duckdb")
    load_bundled_benchmarks(store)
    return store


def test_report_for_the_sample_month_has_every_section(with_benchmarks):
    html = build_report_html(with_benchmarks, MARCH_2017, produced=PRODUCED)
    assert "Figures as at March 2017" in html
    assert "Illustrative sample data" in html
    assert 'id="summary"' in html and 'id="notes"' in html
    for family in CAT.families:
        assert f'id="family-{family.key}"' in html
        assert f'href="#family-{family.key}"' in html
    assert html.count("<svg") == len(CAT.indicators)  # one chart per indicator
    assert "Directors' commentary, March 2017" in html
    assert "more children came into care after the inspection" in html  # LAC_COUNT's note
    assert "No commentary was given for March 2017." in html
    assert "Produced 10 April 2017 at 09:00" in html


@pytest.mark.parametrize("exempt", [False, True], ids=["public", "exempt"])
def test_report_draws_comparators_with_year_and_source_and_says_when_there_are_none(
    with_benchmarks, exempt
):
    html = build_report_html(with_benchmarks, MARCH_2017, exempt=exempt)
    # 2016/17 (21.9%) was published in November 2017, after the report's month (issue 12 §2)
    assert "England (2014/15: 24.2%, 2015/16: 22.5%)" in html and "21.9%" not in html
    assert "Characteristics of children in need, table C1" in html
    assert "No national comparator. This is a local measure." in html
    bench = next(t for t in tables(html) if t["caption"] == "Latest DfE figures")
    assert any(r[0] == "Re-referrals within 12 months" for r in bench["rows"][1:])


def test_summary_table_matches_the_scorecard(sample_db):
    # The exempt version prints every figure; the public one puts c in place of small numbers
    # of children (tests/presentation/test_report_disclosure.py).
    html = build_report_html(sample_db, MARCH_2017, exempt=True)
    card = build_scorecard(
        queries.current_values(sample_db),
        queries.targets(sample_db),
        CAT,
        MARCH_2017,
        CAT.change_points,
    )
    expected = display_table(card, CAT).set_index("Indicator")[SUMMARY_COLUMNS[1:]]
    found = {}
    for table in tables(html):
        if table["rows"] and table["rows"][0] == SUMMARY_COLUMNS:
            for row in table["rows"][1:]:
                found[row[0]] = row[1:]
    assert set(found) == set(expected.index)
    for name, cells in found.items():
        assert cells == list(expected.loc[name]), name
    reref = dict(zip(SUMMARY_COLUMNS[1:], found["Re-referrals within 12 months"], strict=True))
    assert reref["Latest"] == "22.3%" and reref["Status"] == "▲ Near target"  # hand-checked


def test_report_for_a_month_with_no_figures_says_so(sample_db):
    html = build_report_html(sample_db, dt.date(2019, 6, 1))
    assert "Figures as at June 2019" in html
    assert "No figure this month" in html
    assert "There is no figure for re-referrals within 12 months for June 2019" in html
    assert "<svg" in html  # earlier months still chart, up to the month chosen


def test_report_for_an_empty_database(empty_db):
    html = build_report_html(empty_db)
    assert "There are no figures in the database yet" in html
    assert "Illustrative sample data" not in html
    assert 'id="notes"' in html


SRC_OR_HREF = re.compile(r"""\b(?:src|href|action|poster|data)\s*=\s*["']?([^"'\s>]+)""", re.I)


@pytest.mark.parametrize("month", [MARCH_2017, dt.date(2019, 6, 1), None])
def test_report_is_self_contained(with_benchmarks, month):
    html = build_report_html(with_benchmarks, month)
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"<i?frame\b|<object\b|<embed\b", html, re.I)
    assert not re.search(r"@import|url\(", html, re.I)
    for target in SRC_OR_HREF.findall(html):
        assert target.startswith("#"), f"only in-document links are allowed: {target}"
    assert "http://" not in html and "https://" not in html


def test_report_file_names_sort_by_month():
    assert report_filename(MARCH_2017, "html") == "cyps-committee-report-2017-03.html"
    assert report_filename(None, "pdf") == "cyps-committee-report-no-figures.pdf"


def test_report_prints_to_pdf_where_chromium_exists(sample_db):
    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required under CI to check the PDF report")
        pytest.skip("Chromium is not installed: the page offers the HTML report only")
    pdf = html_to_pdf(build_report_html(sample_db, MARCH_2017))
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 1 + len(CAT.families)  # the cover and summary, then a page per family


def test_no_chromium_gives_a_reason(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("presentation.report.pdf.CANDIDATES", ("chromium",))
    from presentation.report.pdf import PdfError, pdf_unavailable_reason

    assert "Chromium is not installed" in pdf_unavailable_reason()
    with pytest.raises(PdfError):
        html_to_pdf("<p>x</p>")
    assert shutil.which("chromium") is None
