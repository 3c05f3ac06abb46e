"""The pages' shared models follow the data (issue 17): every cached Overview, scorecard and
indicator block is keyed on the store's data version, so a commit, a rollback, a change of
target or a comparator load made in one session is what every session shows at its next run.

AppTest sessions in one process share Streamlit's process-wide caches as a server's sessions
do. Each test opens a session, changes the database the way the upload page does (the same
functions, on a real DuckDB file), then checks a session opened afterwards and the one that
was already open. They fail if any cache key stops changing with the data version.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from etl.benchmarks.releases import load_bytes
from etl.ingest.load import commit, prepare
from etl.ingest.rollback import rollback
from etl.store.database import Store
from tests.pages.screens import html_tables, screen, shown
from tests.workbooks import LONG_HEADER, xlsx

TIMEOUT = 120
DIRECTOR = "demo-director@example.invalid"  # a demo user: demo mode stays allowed
REREF = "Re-referrals within 12 months"
MARCH_2017 = dt.datetime(2017, 3, 1)
CLUB = "Regional benchmarking club"


@pytest.fixture
def db(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    return sample_db


def _session(url_path: str) -> AppTest:
    at = screen(url_path, TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _reref(at: AppTest) -> dict:
    """The Re-referrals row of the Overview's scorecard, as a reader sees it."""
    for table in html_tables(at):
        if "Status" in table.columns and REREF in set(table["Indicator"]):
            return table.set_index("Indicator").loc[REREF].to_dict()
    raise AssertionError("Re-referrals is not on the Overview")


def _rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _correct_march(db: Store) -> int:
    """A director's correction: Re-referrals in March 2017 was 25.0% (90 of 360)."""
    rows = [LONG_HEADER, ["REREF_12M", MARCH_2017, None, 25.0, 90, 360, None]]
    return commit(db, prepare("correction.xlsx", xlsx(rows)), DIRECTOR).submission_id


def test_a_commit_in_one_session_is_what_every_session_shows_next(db: Store) -> None:
    open_before = _session("overview")
    assert _reref(open_before)["Latest"] == "22.3%"

    _correct_march(db)

    assert _reref(_session("overview"))["Latest"] == "25.0%"  # a session opened after
    assert _reref(_rerun(open_before))["Latest"] == "25.0%"  # the one already open


def test_a_rollback_brings_every_session_back_to_the_figure_before(db: Store) -> None:
    submission = _correct_march(db)
    at = _session("overview")
    assert _reref(at)["Latest"] == "25.0%"

    rollback(db, submission, DIRECTOR)

    assert _reref(_rerun(at))["Latest"] == "22.3%"
    assert _reref(_session("overview"))["Latest"] == "22.3%"


def test_a_new_target_changes_the_scorecard_and_the_family_page_at_once(db: Store) -> None:
    overview, family = _session("overview"), _session("rereferrals")
    assert _reref(overview)["Target"] == "22%"
    targets = [
        ["indicator", "effective from", "target", "amber tolerance"],
        ["REREF_12M", "2016-04", 30, 2],
    ]
    header_only = [LONG_HEADER]
    commit(db, prepare("targets.xlsx", xlsx(header_only, extra_sheets={"targets": targets})),
           DIRECTOR)  # fmt: skip

    row = _reref(_rerun(overview))
    assert (row["Target"], row["Status"]) == ("30%", "✔ On target")
    table = next(d.value for d in _rerun(family).dataframe if "Month" in d.value.columns)
    assert table.set_index("Month").loc["March 2017", "Target"] == "30%"


def test_a_comparator_load_reaches_the_family_page_at_its_next_run(db: Store) -> None:
    at = _session("rereferrals")
    assert CLUB not in shown(" ".join(c.value for c in at.caption))
    club = (
        "indicator,year,area,value,source\n"
        f"REREF_12M,2015/16,{CLUB},21.0,Benchmarking club return\n"
        f"REREF_12M,2016/17,{CLUB},20.5,Benchmarking club return\n"
    ).encode()
    with db.connect() as con:
        load_bytes(con, "club.csv", club, user=DIRECTOR)

    captions = shown(" ".join(c.value for c in _rerun(at).caption))
    assert CLUB in captions
    assert CLUB in " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
