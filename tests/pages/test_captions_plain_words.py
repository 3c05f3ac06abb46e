"""Plain words for councillors (issue 16 §5): no caption on any page, as any role, names a
file or a column. Every screen the role may open is run on the sample database (with the
bundled DfE files) in its frame, and every caption it draws is read; the public committee
report's notes and captions are held to the same rule."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from core.roles import ROLES, User
from etl.benchmarks.sources import publications
from etl.store.database import Store
from presentation.report.html import build_report_html
from tests.pages.screens import screen, shown
from ui import access
from ui.navigation import specs_for

FILE = re.compile(r"\.(csv|xlsx|xls|ods|toml|parquet|txt)\b", re.I)
COLUMN = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")  # rereferral_percent, CLA_Mar2014


def technical(text: str) -> list[str]:
    """The file names and underscore-joined column names in `text`."""
    return FILE.findall(text) + COLUMN.findall(text)


def test_the_rule_catches_a_file_name_and_a_column_name() -> None:
    assert technical("Source: DfE (c1_census_2016.csv, rereferral_percent).")
    assert not technical("Source: DfE, Characteristics of children in need, 2016.")


def _captions(at: AppTest) -> list[str]:
    return [shown(c.value) for c in at.caption]


@pytest.mark.parametrize("role", ROLES)
def test_no_caption_on_any_page_names_a_file_or_a_column(
    role: str, sample_db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    found: dict[str, list[str]] = {}
    seen = 0
    for spec in specs_for(User("Someone", "someone@example.invalid", role)):
        at = screen(spec.url_path, timeout=120)
        at.session_state[access.DEMO_ROLE_KEY] = role
        at.run()
        assert not at.exception, (spec.url_path, [e.value for e in at.exception])
        captions = _captions(at)
        seen += len(captions)
        bad = [c for c in captions if technical(c)]
        if bad:
            found[spec.url_path] = bad
    assert seen > 0  # the pages do draw captions: the rule was applied to something
    assert not found, found


def test_the_public_report_names_no_file_or_column_in_its_notes(sample_db: Store) -> None:
    html = build_report_html(sample_db)
    notes = re.findall(r'<p class="note">(.*?)</p>', html) + re.findall(
        r"<caption>(.*?)</caption>", html
    )
    notes += re.findall(r"<dd>(.*?)</dd>", html)  # the notes and sources at the end
    assert notes
    assert not [n for n in notes if technical(n)]


def test_the_about_page_links_every_publication_the_captions_name(
    sample_db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    at = screen("about", timeout=120)
    at.session_state[access.DEMO_ROLE_KEY] = "member"
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    for publication in publications():
        assert f"[{publication.name}]({publication.url})" in text
    assert "DfE, Characteristics of children in need" in text  # named from releases.csv
