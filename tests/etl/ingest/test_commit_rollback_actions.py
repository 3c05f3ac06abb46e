"""Committing and rolling back through the upload and history pages' actions.

Real workbooks (openpyxl) and a real DuckDB file per test: one submission per
confirmed file, every attempt audited, and a rollback that restores exactly the
figures and targets in force before, deleting nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from core.catalogue import catalogue
from core.roles import User
from etl.ingest.load import AlreadyLoaded, StalePreview, commit, prepare
from etl.ingest.problems import Problem
from etl.ingest.rollback import rollback
from etl.store.database import Store
from etl.store.queries import (
    current_values,
    rollback_preview,
    submission_changes,
    submissions,
    target_rollback_plan,
    targets,
)
from tests.workbooks import xlsx
from ui.upload_flow import (
    ChangedSinceShown,
    affected_families,
    check_upload,
    commit_upload,
    just_loaded,
    rollback_submission,
)
from ui.upload_tables import (
    changes_table,
    problems_frame,
    problems_xlsx,
    restore_table,
    submissions_table,
)

TODAY = dt.date(2017, 6, 15)
HEADER = ["indicator", "period", "breakdown", "value", "numerator", "denominator", "commentary"]
DIRECTOR = User("Dee Director", "dee@council.gov.uk", "director")
CAT = catalogue()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "cyps.duckdb")


def _file(rows: list[list[object]], targets: list[list[object]] | None = None) -> bytes:
    header = ["indicator", "effective from", "target", "amber tolerance"]
    extra = {"targets": [header, *targets]} if targets else None
    return xlsx([HEADER, *rows], extra_sheets=extra)


def _load(store: Store, rows: list[list[object]], name: str = "f.xlsx", **kw) -> int | None:
    prepared = prepare(name, _file(rows, kw.get("targets")), today=TODAY)
    return commit(store, prepared, "dee@council.gov.uk").submission_id


def _now(store: Store) -> dict[tuple[str, str, str], float]:
    return {
        (r.indicator, f"{r.period:%Y-%m}", r.breakdown): r.value
        for r in current_values(store).itertuples()
    }


# --- commit and rollback through the page's actions -------------------------------------


def test_a_checked_file_commits_once_and_records_who(store: Store) -> None:
    check = check_upload(store, DIRECTOR, "a.xlsx", _file([["LAC_COUNT", "2016-04", "", 410]]))
    assert check.ok
    result = commit_upload(store, DIRECTOR, check.preview)
    assert result.submission_id == 1 and result.added == 1
    with pytest.raises(AlreadyLoaded, match="identical to submission 1"):
        commit_upload(store, DIRECTOR, check.preview)
    sub = submissions(store).iloc[0]
    assert sub["submitted_by"] == "dee@council.gov.uk"
    events = store.query("SELECT action, outcome, role FROM audit_log ORDER BY id")
    assert events.values.tolist() == [
        ["upload", "checked", "director"],
        ["commit", "accepted", "director"],
        ["commit", "refused", "director"],  # the second click: every attempt is on record
    ]


def test_a_preview_made_stale_by_another_submission_is_refused(store: Store) -> None:
    mine = check_upload(store, DIRECTOR, "a.xlsx", _file([["LAC_COUNT", "2016-04", "", 410]]))
    _load(store, [["LAC_COUNT", "2016-04", "", 999]], "someone-else.xlsx")
    with pytest.raises(StalePreview):
        commit_upload(store, DIRECTOR, mine.preview)
    assert len(submissions(store)) == 1


def test_a_refused_file_is_audited_with_its_first_reasons(store: Store) -> None:
    rows = [["NOPE", "2016-04", "", 1]] * 5
    check = check_upload(store, DIRECTOR, "bad.xlsx", _file(rows))
    assert not check.ok and len(check.problems) == 5
    event = store.query("SELECT outcome, detail FROM audit_log").iloc[0]
    assert event["outcome"] == "refused"
    assert '"problems": 5' in event["detail"] and event["detail"].count("not an indicator") == 3
    assert submissions(store).empty


def test_an_unreadable_file_is_refused_in_a_sentence(store: Store) -> None:
    check = check_upload(store, DIRECTOR, "notes.xlsx", b"not a spreadsheet at all")
    assert check.refused and "not a real Excel workbook" in check.refused


def test_the_problems_report_neutralises_formula_like_text() -> None:
    problems = [
        Problem("data", 2, "A (indicator)", '=HYPERLINK("http://x")', "is not an indicator."),
        Problem("", None, "", "", "has no sheet of figures (name it 'data')."),
    ]
    frame = problems_frame(problems)
    assert frame.columns.tolist() == [
        "Sheet",
        "Row",
        "Column",
        "Value",
        "What is wrong and how to fix it",
    ]
    book = openpyxl.load_workbook(io.BytesIO(problems_xlsx(problems, "bad.xlsx")))
    ws = book["problems"]
    assert ws["D3"].value == '\'=HYPERLINK("http://x")'
    assert ws["D3"].data_type == "s"
    assert ws["B4"].value is None  # a whole-file problem has no row


def test_rollback_restores_exactly_the_previous_values(store: Store) -> None:
    _load(store, [["LAC_COUNT", "2016-04", "", 410], ["LAC_COUNT", "2016-05", "", 415]], "a")
    before = _now(store)
    second = _load(
        store, [["LAC_COUNT", "2016-05", "", 420], ["LAC_COUNT", "2016-06", "", 425]], "b"
    )
    plan = restore_table(rollback_preview(store, second))
    assert plan.to_dict("records") == [
        {
            "Indicator": "Looked-after children",
            "Month": "May 2016",
            "Breakdown": "Whole authority",
            "Now": "420",
            "After rollback": "415",
        },
        {
            "Indicator": "Looked-after children",
            "Month": "June 2016",
            "Breakdown": "Whole authority",
            "Now": "425",
            "After rollback": "no figure",
        },
    ]
    restored = rollback_submission(store, DIRECTOR, second)
    assert len(restored) == 2
    assert _now(store) == before


def test_rollback_of_overlapping_submissions_restores_each_layer(store: Store) -> None:
    a = _load(store, [["LAC_COUNT", "2016-04", "", 410], ["LAC_COUNT", "2016-05", "", 415]], "a")
    after_a = _now(store)
    b = _load(store, [["LAC_COUNT", "2016-05", "", 420]], "b")
    after_b = _now(store)
    c = _load(store, [["LAC_COUNT", "2016-04", "", 411], ["LAC_COUNT", "2016-05", "", 430]], "c")
    # Rolling back b (hidden under c) changes no current figure...
    assert rollback_preview(store, b).empty
    rollback_submission(store, DIRECTOR, b)
    assert _now(store)[("LAC_COUNT", "2016-05", "")] == 430
    # ...and then rolling back c falls back past b (rolled back) to a.
    rollback_submission(store, DIRECTOR, c)
    assert _now(store) == after_a != after_b
    assert a == 1


def test_rollback_never_deletes_history(store: Store) -> None:
    first = _load(store, [["LAC_COUNT", "2016-04", "", 410]], "a")
    second = _load(store, [["LAC_COUNT", "2016-04", "", 420]], "b")
    rollback_submission(store, DIRECTOR, second)
    listed = submissions(store).set_index("id")
    assert listed.index.tolist() == [second, first]
    assert listed.loc[second, "rolled_back_by"] == "dee@council.gov.uk"
    assert pd.notna(listed.loc[second, "rolled_back_at"])
    assert submission_changes(store, second)["new_value"].tolist() == [420.0]
    shown = submissions_table(submissions(store)).set_index("Submission")["Status"]
    assert shown[first] == "Live" and shown[second].startswith("Rolled back")
    assert shown[second].endswith("by dee@council.gov.uk")
    table = changes_table(submission_changes(store, second))
    assert table[["Before", "This submission"]].values.tolist() == [["410", "420"]]


def test_a_rollback_confirmed_against_changed_figures_is_refused(store: Store) -> None:
    first = _load(store, [["LAC_COUNT", "2016-04", "", 410]], "a")
    shown_at = store.data_version()
    _load(store, [["LAC_COUNT", "2016-05", "", 415]], "b")
    with pytest.raises(ChangedSinceShown):
        rollback_submission(store, DIRECTOR, first, shown_at)
    assert submissions(store)["rolled_back_at"].isna().all()


def test_rolling_back_targets_restores_the_targets_in_force_before(store: Store) -> None:
    before = targets(store)
    sub = _load(
        store,
        [["LAC_COUNT", "2016-04", "", 410]],
        targets=[["REF_24H", "2016-04", 99, 1], ["REF_24H", "2017-04", 96, 4]],
    )
    plan = target_rollback_plan(store, sub)
    assert plan[["target", "restored_target"]].fillna(-1).values.tolist() == [
        [99.0, 98.0],  # back to targets.csv
        [96.0, -1],  # no target started that month before
    ]
    rollback_submission(store, DIRECTOR, sub)
    assert targets(store).drop(columns="submission_id").equals(before.drop(columns="submission_id"))


def test_the_charts_to_look_at_are_the_affected_families() -> None:
    families = affected_families(["LAC_COUNT", "REF_24H", "LAC_OOA"], CAT)
    assert [f.key for f in families] == ["referrals", "placements"]
    assert all(f.url_path for f in families)


def test_just_loaded_rebuilds_a_recent_live_submission_for_its_own_director(tmp_path) -> None:
    """A quick second click finds the file loaded: the page can still report the first load."""
    store = Store(tmp_path / "cyps.duckdb")
    director = User("Dee", "dee@council.gov.uk", "director")
    content = xlsx([["indicator", "period", "value"], ["LAC_COUNT", "2015-04", 410]])
    done = commit(store, prepare("a.xlsx", content), director.audit_name)
    again = just_loaded(store, done.submission_id, director)
    assert (again.submission_id, again.added) == (done.submission_id, 1)
    assert again.indicators == ["LAC_COUNT"]
    other = User("Ola", "ola@council.gov.uk", "director")
    assert just_loaded(store, done.submission_id, other) is None
    later = dt.datetime.now() + dt.timedelta(minutes=5)
    assert just_loaded(store, done.submission_id, director, now=later) is None
    rollback(store, done.submission_id, director.audit_name)
    assert just_loaded(store, done.submission_id, director) is None
