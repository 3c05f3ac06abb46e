"""Issue 12 §5 on the Committee report page: only roles that may produce the exempt version are
offered it, its downloads are named for it, and the builders check the role again when run."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.roles import NotAllowed, User
from etl.outputs.report_figures import EXEMPT_MARKING
from pages.report import _html_builder, _pdf_builder
from tests.pages.screens import screen

MARCH_2017 = dt.date(2017, 3, 1)


def report_page(role: str, db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CYPS_DB", str(db))
    at = screen("report", timeout=120)
    at.session_state["demo_role"] = role
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def db(_sample_db_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, path)
    return path


def download_names(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_a_member_is_not_offered_the_exempt_version(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = report_page("member", db, monkeypatch)
    assert not [r for r in at.radio if r.label == "Version"]
    assert not any(EXEMPT_MARKING in w.value for w in at.warning)
    assert "Download report (HTML)" in download_names(at)


def test_an_officer_may_choose_the_exempt_version_which_is_marked(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = report_page("officer", db, monkeypatch)
    version = at.radio(key="report_version")
    assert version.value == "Public" and version.options == ["Public", "Exempt"]
    version.set_value("Exempt").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(EXEMPT_MARKING in w.value for w in at.warning)


def test_the_page_builders_refuse_a_member_the_exempt_report(db: Path) -> None:
    member = User("Councillor", "cllr@example.gov.uk", "member", demo=True)
    for builder in (_html_builder, _pdf_builder):
        with pytest.raises(NotAllowed):
            builder(member, str(db), MARCH_2017, True)()
    officer = User("Officer", "officer@example.gov.uk", "officer", demo=True)
    assert EXEMPT_MARKING in _html_builder(officer, str(db), MARCH_2017, True)().decode()
    assert EXEMPT_MARKING not in _html_builder(member, str(db), MARCH_2017)().decode()
