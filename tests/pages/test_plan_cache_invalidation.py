"""The Improvement plan page's cached model follows the data: a snapshot committed or rolled back
in this process is on the page at the next run, in a new session and in one already open.

The page's frames and figures are kept process-wide per (database, data version, month)
(`ui.plan_cached`); AppTest sessions share those caches as a server's sessions do, so these
tests fail if a key ever stops changing with the data version. A real copy of the demo database
per test; the plan is committed and rolled back through the same functions as the pages use.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from core.roles import DIRECTOR, MEMBER
from etl.ingest.plan_load import prepare_plan
from etl.store.database import Store
from tests.pages.screens import screen
from tests.plan_workbooks import SNAPSHOT_APR_2016, plan_xlsx
from ui import access
from ui.plan_flow import commit_preview, preview_for, rollback_plan_snapshot

TIMEOUT = 90
APRIL_2017 = dt.date(2017, 4, 1)
BEFORE = "as at March 2017"  # the sample plan's latest snapshot
AFTER = "3 of 6 actions complete (50%), as at April 2017"  # SNAPSHOT_APR_2016, hand-counted


@pytest.fixture
def db(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    return sample_db


def _session(role: str) -> AppTest:
    at = screen("plan", TIMEOUT)
    at.session_state[access.DEMO_ROLE_KEY] = role
    at.run()
    assert not at.exception, at.exception
    return at


def _charts(at: AppTest) -> str:
    """Every Plotly chart's specification on the page, as sent to the browser."""
    return " ".join(chart.proto.spec for chart in at.get("plotly_chart"))


def _commit_april_2017(db: Store) -> int:
    """What a director's upload of a snapshot as at April 2017 does, confirmed."""
    prepared = prepare_plan("plan-apr-2017.xlsx", plan_xlsx(SNAPSHOT_APR_2016))
    director = access.demo_user(DIRECTOR)
    return commit_preview(db, director, preview_for(db, director, prepared, APRIL_2017)).snapshot_id


def test_a_new_session_sees_a_snapshot_committed_after_the_page_was_cached(db: Store) -> None:
    first = _session(MEMBER)
    assert first.subheader[0].value.endswith(BEFORE)
    assert "Apr 2017" not in _charts(first)
    version = db.data_version()

    _commit_april_2017(db)

    assert db.data_version() != version
    second = _session(MEMBER)
    assert second.subheader[0].value == AFTER
    assert "Apr 2017" in _charts(second)
    assert second.selectbox(key="plan_month").options[0] == "April 2017"


def test_an_open_session_sees_a_commit_and_then_its_rollback_at_its_next_run(db: Store) -> None:
    at = _session(MEMBER)
    assert "Apr 2017" not in _charts(at)

    snapshot_id = _commit_april_2017(db)
    at.run()
    assert not at.exception
    assert "Apr 2017" in _charts(at)
    at.selectbox(key="plan_month").set_value(APRIL_2017).run()
    assert at.subheader[0].value == AFTER

    rollback_plan_snapshot(db, access.demo_user(DIRECTOR), snapshot_id)
    at.run()
    assert not at.exception
    assert "Apr 2017" not in _charts(at)
    assert at.subheader[0].value.endswith(BEFORE)
