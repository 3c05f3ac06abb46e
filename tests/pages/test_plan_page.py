"""The Improvement plan page and the plan's upload, driven through AppTest for each role.

A real DuckDB copy of the demo database per test: the illustrative sample, whose plan has a
snapshot each quarter from June 2015 to March 2017 (24 of its 50 actions complete in March
2016). The upload is driven through the page's own file uploader, as a director would.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from core.roles import DIRECTOR, MEMBER, OFFICER, ROLES, NotAllowed
from etl.store.database import Store
from etl.store.plan_snapshots import live_actions, snapshots
from tests.pages.screens import screen
from tests.plan_workbooks import SNAPSHOT_APR_2016, plan_xlsx
from ui import access
from ui.plan_flow import plan_extract_for, rollback_plan_snapshot
from ui.plan_upload import LOAD_BUTTON, MONTH_KEY

TIMEOUT = 90
MARCH_2016 = dt.date(2016, 3, 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    return sample_db


def _screen(url_path: str, role: str) -> AppTest:
    at = screen(url_path, TIMEOUT)
    at.session_state[access.DEMO_ROLE_KEY] = role
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.caption, *at.subheader, *at.info])


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_headline_progress_and_the_late_actions(db: Store, role: str) -> None:
    at = _screen("plan", role)
    assert at.title[0].value == "Improvement plan"
    at.selectbox(key="plan_month").set_value(MARCH_2016).run()
    assert not at.exception and not at.error
    headings = [s.value for s in at.subheader]
    assert headings[0] == "24 of 50 actions complete (48%), as at March 2016"
    assert "Up from 17 of 50 (34%) in December 2015." in _texts(at)
    assert {"By theme, March 2016", "Overdue actions, March 2016"} <= set(headings)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Per cent complete"], metrics["Overdue"]) == ("48%", "4")
    assert any("Illustrative sample plan" in w.value for w in at.warning)
    downloads = "Download the action list" in headings
    assert downloads == (role in (OFFICER, DIRECTOR))
    assert ("Plan snapshots" in headings) == (role == DIRECTOR)


def test_a_month_without_its_own_snapshot_uses_the_one_before(db: Store) -> None:
    at = _screen("plan", MEMBER)
    at.selectbox(key="plan_month").set_value(dt.date(2016, 5, 1)).run()
    assert at.subheader[0].value == "24 of 50 actions complete (48%), as at May 2016"
    assert "from the snapshot as at March 2016, the latest before it" in _texts(at)


def test_the_theme_table_and_the_every_action_table_agree_with_the_counts(db: Store) -> None:
    at = _screen("plan", MEMBER)
    at.selectbox(key="plan_month").set_value(MARCH_2016).run()
    themes = at.dataframe[1].value  # after the progress table
    last = themes.iloc[-1]
    assert (last["Theme"], last["Actions"], last["Complete"], last["Per cent complete"]) == (
        "All themes",
        50,
        24,
        "48%",
    )
    every = at.dataframe[-1].value
    assert len(every) == 50 and "Indicators (status now)" in every.columns
    linked = every[every["Ref"] == "2.2"]["Indicators (status now)"].iloc[0]
    assert linked.startswith("Referrals responded to within 24 hours: ")


def test_members_and_officers_may_not_roll_back_and_members_may_not_extract(db: Store) -> None:
    with pytest.raises(NotAllowed):
        rollback_plan_snapshot(db, access.demo_user(OFFICER), 1)
    with pytest.raises(NotAllowed):
        plan_extract_for(access.demo_user(MEMBER), db, None, [], "csv")
    download = plan_extract_for(access.demo_user(OFFICER), db, MARCH_2016, ["Off track"], "csv")
    assert download.rows == 4 and download.file_name == "cyps-improvement-plan-2016-03.csv"


def test_a_director_rolls_back_the_latest_snapshot_from_the_page(db: Store) -> None:
    latest = int(snapshots(db)["id"].max())
    at = _screen("plan", DIRECTOR)
    button = at.button(key=f"plan_rollback_{latest}")
    assert button.disabled
    at.checkbox(key=f"plan_rollback_confirm_{latest}").check().run()
    at.button(key=f"plan_rollback_{latest}").click().run()
    assert not at.exception
    assert any(
        f"Plan snapshot {latest} (as at March 2017) was rolled back" in s.value for s in at.success
    )
    assert max(live_actions(db)["as_at"]) == dt.date(2016, 12, 1)
    assert at.subheader[0].value.endswith("as at March 2017")
    assert "from the snapshot as at December 2016" in _texts(at)


def test_with_every_snapshot_rolled_back_the_page_says_how_to_load_one(db: Store) -> None:
    director = access.demo_user(DIRECTOR)
    for snapshot_id in snapshots(db)["id"]:
        rollback_plan_snapshot(db, director, int(snapshot_id))
    at = _screen("plan", MEMBER)
    assert "No improvement plan has been loaded yet" in at.info[0].value


def test_an_indicator_page_lists_the_actions_meant_to_move_it(db: Store) -> None:
    at = _screen("rereferrals", MEMBER)
    labels = [e.label for e in at.expander]
    linked = [label for label in labels if label.startswith("Actions meant to move this measure")]
    assert linked == ["Actions meant to move this measure (4 of 5 complete)"]
    assert "Early help assessment for families stepped down" in _texts(at)


def test_a_director_uploads_a_plan_fixes_a_bad_status_previews_and_loads_it(db: Store) -> None:
    before = len(snapshots(db))
    at = _screen("upload", DIRECTOR)
    bad_rows = [list(r) for r in SNAPSHOT_APR_2016]
    bad_rows[2][5] = "Nearly there"
    at.file_uploader[0].set_value([("plan-bad.xlsx", plan_xlsx(bad_rows), XLSX)]).run()
    assert not at.exception
    assert "1 problem found in plan\\-bad\\.xlsx" in at.error[0].value
    problems = at.dataframe[0].value
    assert problems.iloc[0]["Row"] == 4 and problems.iloc[0]["Value"] == "Nearly there"
    assert len(snapshots(db)) == before

    at.file_uploader[0].set_value([("plan-apr-2017.xlsx", plan_xlsx(SNAPSHOT_APR_2016), XLSX)])
    at.run()
    assert not at.error
    at.selectbox(key=MONTH_KEY).set_value(dt.date(2017, 4, 1)).run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["New actions"], metrics["Withdrawn"]) == ("8", "0")
    assert "Changes compared with the snapshot as at March 2017" in _texts(at)
    assert len(snapshots(db)) == before, "the preview writes nothing"
    load = at.button(key="plan_commit")
    assert load.label == LOAD_BUTTON and load.disabled
    at.checkbox(key="plan_confirm").check().run()
    at.button(key="plan_commit").click().run()
    assert not at.exception
    assert any("loaded as at April 2017" in s.value for s in at.success)
    assert len(snapshots(db)) == before + 1
    assert max(live_actions(db)["as_at"]) == dt.date(2017, 4, 1)
