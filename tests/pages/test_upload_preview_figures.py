"""The upload preview a director can read (issue 16 §8): a correction file on the sample
database lists each figure by indicator name with old → new and the status it will have, and
the filter shows only new or only changed figures. AppTest on a real DuckDB file."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from etl.outputs.template import build_template
from etl.store.database import Store
from etl.store.queries import current_values
from tests.pages.screens import app
from ui import access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REF = "Referrals responded to within 24 hours"


def _correction() -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    book["data"].append(["REF_24H", dt.date(2017, 3, 1), None, 61.0, None, None, "Audit"])
    book["data"].append(["REFERRALS", dt.date(2017, 4, 1), None, 333])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def at(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    monkeypatch.setenv("CYPS_DEMO", "on")
    page = app("pages/upload.py", 60)
    page.session_state[access.DEMO_ROLE_KEY] = "director"
    page.run()
    page.file_uploader[0].set_value(("correction.xlsx", _correction(), XLSX)).run()
    assert not page.exception, page.exception
    return page


def _listed(at: AppTest) -> list[dict]:
    (table,) = [d.value for d in at.dataframe if "Status" in d.value.columns]
    return table.to_dict("records")


def test_a_correction_shows_old_to_new_and_the_status_it_will_have(
    at: AppTest, sample_db: Store
) -> None:
    now = current_values(sample_db, ["REF_24H"])
    march = now[(now["period"].astype(str) == "2017-03-01") & (now["breakdown"] == "")]
    old = f"{float(march['value'].iloc[0]):.1f}%"
    rows = {r["Indicator"]: r for r in _listed(at)}
    assert rows[REF]["Month"] == "March 2017" and rows[REF]["Figure"] == "Changed"
    assert (rows[REF]["Now"], rows[REF]["After loading"]) == (old, "61.0%")
    assert rows[REF]["Status"] == "Off target"  # far below any target the sample sets
    assert (
        rows["Referrals received"]["Figure"] == "New"
        and rows["Referrals received"]["Now"] == "no figure"
    )


def test_the_filter_shows_only_the_changed_figures(at: AppTest) -> None:
    at.segmented_control(key="upload_figures_filter").set_value("Changed").run()
    assert [r["Indicator"] for r in _listed(at)] == [REF]
    at.segmented_control(key="upload_figures_filter").set_value("New").run()
    assert [r["Indicator"] for r in _listed(at)] == ["Referrals received"]
