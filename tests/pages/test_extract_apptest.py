"""The Download figures page, driven through Streamlit's AppTest.

AppTest cannot hand over a download's bytes, so the files themselves are tested
in test_extract.py; here: the page's widgets, preview, empty-match message,
publication note, and the download callable's own role check.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.roles import NotAllowed, User
from core.settings import ROOT
from etl.outputs.extract_filter import build_filter
from etl.store.database import Store
from pages.extract import _maker

TIMEOUT = 120


@pytest.fixture
def page(_sample_db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The extract page as an officer sees it, over a copy of the sample database."""
    path = tmp_path / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, path)
    monkeypatch.setenv("CYPS_DB", str(path))
    monkeypatch.setenv("CYPS_DEMO", "on")  # the demo opt-in, as `make run` sets it
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.session_state["demo_role"] = "officer"
    at.run()
    at.switch_page("pages/extract.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [m.value for m in at.warning] + [m.value for m in at.info]
    parts += [b.proto.help for b in at.get("download_button")]  # "Saved as <file name>"
    return "\n".join(parts)


def test_an_officer_sees_the_filters_a_preview_and_two_downloads(page: AppTest) -> None:
    assert page.title[0].value == "Download figures"
    labels = {w.label for w in page.multiselect}
    assert {"Indicator families", "Individual indicators", "Breakdowns"} <= labels
    assert page.radio(key="extract_period_mode").value == "Months"
    assert page.selectbox(key="extract_from").label == "From month"
    # 1,900 since issue 14: 601 sample rows a year (1,803) and the 97 derived rates worked out
    # from them (CP_RATE and LAC_RATE every month, REF_RATE once 12 months of referrals are held)
    assert "**1,900 rows** match these filters." in texts(page)
    assert len(page.dataframe) == 1
    buttons = page.get("download_button")
    assert [b.proto.label for b in buttons] == ["Download CSV", "Download Excel (.xlsx)"]
    assert buttons[0].proto.help == (
        "Saved as cyps-extract_all-indicators_2014-04_2017-03_illustrative.csv"
    )


def test_choosing_a_financial_year_and_indicators_narrows_the_preview(page: AppTest) -> None:
    page.multiselect(key="extract_indicators").set_value(["REF_24H", "REREF_12M"]).run()
    page.radio(key="extract_period_mode").set_value("Financial years").run()
    page.multiselect(key="extract_years").set_value([2015]).run()
    assert "**24 rows** match these filters." in texts(page)
    assert "cyps-extract_REF_24H-REREF_12M_2015-04_2016-03_illustrative.csv" in texts(page)


def test_a_filter_that_matches_nothing_says_so_and_offers_no_file(page: AppTest) -> None:
    page.multiselect(key="extract_indicators").set_value(["REF_24H"]).run()
    page.multiselect(key="extract_breakdowns").set_value([("kind", "team")]).run()
    assert "No figures match these filters" in texts(page)
    assert len(page.get("download_button")) == 0


def test_months_the_wrong_way_round_are_explained(page: AppTest) -> None:
    page.selectbox(key="extract_from").select_index(10).run()
    page.selectbox(key="extract_to").select_index(2).run()
    assert "is after the last month" in page.error[0].value


def test_a_published_extract_explains_its_suppression(page: AppTest) -> None:
    page.checkbox(key="extract_published").check().run()
    assert "'c' marks a figure suppressed" in texts(page)
    assert "_published_illustrative.csv" in texts(page)


def test_the_download_callable_checks_the_role_again(_sample_db_file: Path) -> None:
    store = Store(_sample_db_file)
    member = User("Councillor", "cllr@example.gov.uk", "member", demo=True)
    with pytest.raises(NotAllowed):
        _maker(member, store, build_filter(), "csv")()
