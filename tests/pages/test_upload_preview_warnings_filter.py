"""The upload preview's filter (issue 16 §8): All · New · Changed · With warnings, each with
its count; "With warnings" narrows the list to the figures the preview warns about, each with
why, in full. A correction workbook on the sample database, AppTest on a real DuckDB file."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.store.database import Store
from tests.pages.screens import upload_preview
from tests.workbooks import filled_template

REF = "Referrals responded to within 24 hours"
FILTER = "upload_figures_filter"


def _correction() -> bytes:
    """March's 24-hour figure typed as 9.1 for 91 (a slip), February's set to its own value
    give or take a point (ordinary), and April's referrals, new."""
    return filled_template(
        [["REF_24H", dt.date(2017, 3, 1), None, 9.1], ["REFERRALS", dt.date(2017, 4, 1), None, 333]]
    )


@pytest.fixture
def at(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    page = upload_preview(_correction())
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
