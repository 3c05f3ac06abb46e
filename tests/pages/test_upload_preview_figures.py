"""The upload preview a director can read (issue 16 §8): a correction file on the sample
database lists each figure by indicator name with old → new and the status it will have, and
the filter shows only new or only changed figures. AppTest on a real DuckDB file."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from etl.store.database import Store
from etl.store.queries import current_values
from tests.pages.screens import upload_preview
from tests.workbooks import filled_template

REF = "Referrals responded to within 24 hours"


def _correction() -> bytes:
    return filled_template(
        [
            ["REF_24H", dt.date(2017, 3, 1), None, 61.0, None, None, "Audit"],
            ["REFERRALS", dt.date(2017, 4, 1), None, 333],
        ]
    )


@pytest.fixture
def at(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    monkeypatch.setenv("CYPS_DEMO", "on")
    page = upload_preview(_correction())
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
