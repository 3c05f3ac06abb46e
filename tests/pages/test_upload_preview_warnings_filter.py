"""The upload preview's filter (issue 16 §8): All · New · Changed · With warnings, each with
its count; "With warnings" narrows the list to the figures the preview warns about, each with
why, in full. A correction workbook on the sample database, AppTest on a real DuckDB file."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.outputs.template import build_template
from etl.store.database import Store
from tests.pages.screens import app
from ui import access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REF = "Referrals responded to within 24 hours"
FILTER = "upload_figures_filter"


def _correction() -> bytes:
    """March's 24-hour figure typed as 9.1 for 91 (a slip), February's set to its own value
    give or take a point (ordinary), and April's referrals, new."""
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    book["data"].append(["REF_24H", dt.date(2017, 3, 1), None, 9.1])
    book["data"].append(["REFERRALS", dt.date(2017, 4, 1), None, 333])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def at(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    page = app("pages/upload.py", 60)
    page.session_state[access.DEMO_ROLE_KEY] = "director"
    page.run()
    page.file_uploader[0].set_value(("correction.xlsx", _correction(), XLSX)).run()
    assert not page.exception, page.exception
    return page


def _listed(at: AppTest) -> pd.DataFrame:
    (table,) = [d.value for d in at.dataframe if "Figure" in d.value.columns]
    return table


def test_the_filter_offers_every_choice_with_its_count(at: AppTest) -> None:
    control = at.segmented_control(key=FILTER)
    assert control.value == "All"
    assert list(control.options) == ["All (2)", "New (1)", "Changed (1)", "With warnings (1)"]


def test_with_warnings_narrows_the_list_to_the_slip_and_says_why_in_full(at: AppTest) -> None:
    assert len(_listed(at)) == 2
    at.segmented_control(key=FILTER).set_value("With warnings").run()
    (row,) = _listed(at).to_dict("records")
    assert row["Indicator"] == REF and row["After loading"] == "9.1%"
    assert row["Worth a second look"].startswith("moved by ")
    assert "it usually moves by" in row["Worth a second look"]  # the reason, not cut
    at.segmented_control(key=FILTER).set_value("New").run()
    assert list(_listed(at)["Indicator"]) == ["Referrals received"]
    assert list(_listed(at)["Worth a second look"]) == [""]
