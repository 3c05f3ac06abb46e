"""The Committee report page lists what changed since the last report (issue 16 §7): on a
real DuckDB file whose submissions are dated, a revision sent after March ended shows on the
April report with old → new and who revised it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.store.database import Store
from tests.etl.store.test_revised_since_report import _send as send  # dated submissions
from tests.pages.screens import screen


def test_the_april_report_lists_the_revision_sent_in_april(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "cyps.duckdb")
    send(store, [["REF_24H", "2017-02", "", 91]], "dee@example.invalid",
         dt.datetime(2017, 3, 10, 9))  # fmt: skip
    send(store, [["REF_24H", "2017-02", "", 93]], "olu@example.invalid",
         dt.datetime(2017, 4, 5, 9))  # fmt: skip
    send(
        store, [["REF_24H", "2017-04", "", 92]], "dee@example.invalid", dt.datetime(2017, 5, 2, 9)
    )  # April
    monkeypatch.setenv("CYPS_DB", str(store.path))
    at = screen("report", timeout=120)
    at.session_state["demo_role"] = "director"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (public,) = [d.value for d in at.dataframe if "Revised by" in d.value.columns]
    # the public version (the default) hides what the public report hides: a percentage of
    # children whose numbers cannot be checked (this file gave none) shows the symbol
    assert public[["Was", "Now"]].values.tolist() == [["c", "c"]]
    at.radio(key="report_version").set_value("Exempt").run()
    (table,) = [d.value for d in at.dataframe if "Revised by" in d.value.columns]
    assert table.to_dict("records") == [
        {
            "Indicator": "Referrals responded to within 24 hours",
            "Month": "February 2017",
            "Breakdown": "Whole authority",
            "Was": "91.0%",
            "Now": "93.0%",
            "Revised by": "olu@example.invalid",
            "When": "05 Apr 2017",
        }
    ]
