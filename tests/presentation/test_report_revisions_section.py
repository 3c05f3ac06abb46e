"""The committee report's "What changed since the last report" section (issue 16 §7): real
workbooks loaded into a real DuckDB file, each submission dated as if sent on a given day, then
the report built for April 2017 (whose previous report, March's, was produced after March)."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from html import unescape
from pathlib import Path

import pytest

from etl.store.database import Store
from presentation.report.cli import main as report_cli
from presentation.report.html import build_report_html
from presentation.report.pdf import find_chromium, html_to_pdf
from tests.etl.store.test_revised_since_report import _send as send  # dated submissions

APRIL, MARCH = dt.date(2017, 4, 1), dt.date(2017, 3, 1)
VACANCY = "Social worker vacancy rate (FTE)"
CSE = "Children open to children's social care with child sexual exploitation identified as a risk"


@pytest.fixture
def revised(tmp_path: Path) -> Store:
    """March's figures sent in March; in April, three of them corrected by olu."""
    store = Store(tmp_path / "cyps.duckdb")
    send(
        store,
        [["SW_VACANCY", "2017-02", "", 12], ["CSE_RISK", "2017-02", "", 12],
         ["CSE_RISK", "2017-01", "", 3], ["SW_VACANCY", "2017-03", "", 11]],
        "dee@example.invalid", dt.datetime(2017, 3, 10, 9),
    )  # fmt: skip
    send(
        store,
        [["SW_VACANCY", "2017-02", "", 14], ["CSE_RISK", "2017-02", "", 4],
         ["CSE_RISK", "2017-01", "", 9]],
        "olu@example.invalid", dt.datetime(2017, 4, 5, 9),
    )  # fmt: skip
    send(store, [["SW_VACANCY", "2017-04", "", 10]], "dee@example.invalid", dt.datetime(2017, 5, 2))
    return store


def section(html: str) -> str:
    start = html.index('<section class="revisions" id="revisions">')
    return html[start : html.index("</section>", start)]


def rows(html: str) -> list[list[str]]:
    """The section's table as text: one list of cells per revised figure."""
    body = section(html).split("<tbody>", 1)[1]
    return [
        [unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_the_exempt_report_lists_every_revision_by_name_with_was_now_who_and_when(
    revised: Store,
) -> None:
    html = build_report_html(revised, APRIL, exempt=True)
    assert rows(html) == [
        [CSE, "January 2017", "Whole authority", "3", "9", "olu@example.invalid", "05 Apr 2017"],
        [CSE, "February 2017", "Whole authority", "12", "4", "olu@example.invalid", "05 Apr 2017"],
        [
            VACANCY,
            "February 2017",
            "Whole authority",
            "12.0%",
            "14.0%",
            "olu@example.invalid",
            "05 Apr 2017",
        ],
    ]  # fmt: skip  (catalogue order: safeguarding before the workforce)
    assert "SW_VACANCY" not in section(html) and "CSE_RISK" not in section(html)
    assert '<a href="#revisions">What changed since the last report</a>' in html


def test_the_public_report_suppresses_a_small_old_or_new_value_as_the_rest_of_it_does(
    revised: Store,
) -> None:
    html = build_report_html(revised, APRIL)
    assert [r[:5] for r in rows(html)] == [
        [CSE, "January 2017", "Whole authority", "c", "9"],  # the 3 children stay hidden
        [CSE, "February 2017", "Whole authority", "12", "c"],  # and so do the 4
        [VACANCY, "February 2017", "Whole authority", "12.0%", "14.0%"],
    ]
    assert "suppressed to protect children" in unescape(section(html))


def test_a_report_with_nothing_revised_says_so_in_a_sentence(revised: Store) -> None:
    text = unescape(section(build_report_html(revised, MARCH)))
    assert "No figure has been revised since the report for February 2017 was produced." in text
    assert "<table" not in text


def test_the_command_line_report_carries_the_section(revised: Store, tmp_path: Path) -> None:
    out = tmp_path / "april.html"
    code = report_cli(
        ["--month", "2017-04", "--output", str(out), "--db", str(revised.path), "--user", "ann"]
    )
    assert code == 0
    assert rows(out.read_text(encoding="utf-8"))[1][3:5] == ["12", "c"]


def _pdf_text(pdf: bytes) -> bytes:
    """Every stream of the PDF inflated, with the file's plain parts (names, outline)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(parts)


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium to print the PDF")
def test_the_pdf_carries_the_section_and_its_contents_link(revised: Store) -> None:
    with_section = _pdf_text(html_to_pdf(build_report_html(revised, APRIL)))
    assert b"revisions" in with_section  # the named destination the contents link points to
