"""What the director sees before and after confirming: the preview, the diff and rollback.

Real workbooks (openpyxl) and a real DuckDB file per test; the upload page's
tables come from `ui.upload_flow`, so they are checked here without a browser.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from core.catalogue import catalogue
from core.periods import add_months
from core.roles import User
from etl.ingest.load import AlreadyLoaded, Preview, StalePreview, commit, prepare, preview
from etl.ingest.problems import Problem
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
    changed_values,
    changes_table,
    check_upload,
    commit_upload,
    counts_by_indicator,
    problems_frame,
    problems_xlsx,
    restore_table,
    rollback_submission,
    submissions_table,
    target_changes,
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


def _preview(store: Store, rows: list[list[object]], **kw) -> Preview:
    return preview(store, prepare("p.xlsx", _file(rows, kw.get("targets")), today=TODAY))


def _load(store: Store, rows: list[list[object]], name: str = "f.xlsx", **kw) -> int | None:
    prepared = prepare(name, _file(rows, kw.get("targets")), today=TODAY)
    return commit(store, prepared, "dee@council.gov.uk").submission_id


def _status(pv: Preview) -> dict[tuple[str, str, str], str]:
    return {
        (r.indicator, f"{pd.Timestamp(r.period):%Y-%m}", r.breakdown): r.status
        for r in pv.diff.itertuples()
    }


def _now(store: Store) -> dict[tuple[str, str, str], float]:
    return {
        (r.indicator, f"{r.period:%Y-%m}", r.breakdown): r.value
        for r in current_values(store).itertuples()
    }


# --- the diff: new, changed, details, unchanged -------------------------------------------


def test_every_figure_gets_exactly_one_status(store: Store) -> None:
    _load(store, [["LAC_COUNT", "2016-04", "", 410], ["LAC_COUNT", "2016-05", "", 415]])
    pv = _preview(
        store,
        [
            ["LAC_COUNT", "2016-04", "", 410],  # same value
            ["LAC_COUNT", "2016-05", "", 420],  # revised
            ["LAC_COUNT", "2016-06", "", 425],  # a month never loaded
            ["REF_24H", "2016-04", "", 97.5, 195, 200],
        ],
    )
    assert _status(pv) == {
        ("LAC_COUNT", "2016-04", ""): "unchanged",
        ("LAC_COUNT", "2016-05", ""): "changed",
        ("LAC_COUNT", "2016-06", ""): "new",
        ("REF_24H", "2016-04", ""): "new",
    }
    assert (pv.count("new"), pv.count("changed"), pv.count("unchanged")) == (2, 1, 1)
    assert pv.changes_anything and pv.already_loaded is None


def test_a_new_note_or_ratio_on_an_unchanged_value_is_a_details_change(store: Store) -> None:
    _load(store, [["REF_24H", "2016-04", "", 97.5], ["REF_24H", "2016-05", "", 98.0]])
    pv = _preview(
        store,
        [
            ["REF_24H", "2016-04", "", 97.5, 195, 200],
            ["REF_24H", "2016-05", "", 98.0, None, None, "Half-term staffing"],
        ],
    )
    assert set(_status(pv).values()) == {"details"}
    assert pv.changes_anything


def test_breakdowns_are_separate_figures(store: Store) -> None:
    _load(store, [["LAC_DISTANCE", "2016-04", "Over 100 miles", 8]])
    pv = _preview(
        store,
        [
            ["LAC_DISTANCE", "2016-04", "over 100 miles", 8],  # matched whatever the case
            ["LAC_DISTANCE", "2016-04", "Under 20 miles", 300],
        ],
    )
    assert _status(pv) == {
        ("LAC_DISTANCE", "2016-04", "Over 100 miles"): "unchanged",
        ("LAC_DISTANCE", "2016-04", "Under 20 miles"): "new",
    }


def test_commentary_is_carried_forward_when_a_correction_gives_none(store: Store) -> None:
    _load(store, [["REF_24H", "2016-04", "", 97.5, None, None, "Inspection month"]])
    pv = _preview(store, [["REF_24H", "2016-04", "", 96.0]])
    row = pv.diff.iloc[0]
    assert row["status"] == "changed"
    assert row["commentary"] == "Inspection month"
    assert row["old_value"] == 97.5


def test_the_changed_values_table_shows_old_and_new_as_the_indicator_writes_them(
    store: Store,
) -> None:
    _load(store, [["REF_24H", "2016-04", "", 97.5], ["LAC_COUNT", "2016-04", "", 410]])
    pv = _preview(
        store,
        [
            ["REF_24H", "2016-04", "", 96.0],
            ["LAC_COUNT", "2016-04", "", 410],
            ["LAC_COUNT", "2016-05", "", 1412],
        ],
    )
    table = changed_values(pv)
    assert table.to_dict("records") == [
        {
            "Indicator": "REF_24H",
            "Month": "April 2016",
            "Breakdown": "Whole authority",
            "Now": "97.5%",
            "After loading": "96.0%",
        }
    ]
    counts = counts_by_indicator(pv).set_index("Indicator")
    assert counts.loc["LAC_COUNT: Looked-after children"].to_dict() == {
        "New": 1,
        "Changed": 0,
        "Notes only": 0,
        "Unchanged": 1,
    }


def test_an_identical_file_says_which_submission_already_holds_it(store: Store) -> None:
    content = _file([["LAC_COUNT", "2016-04", "", 410]])
    first = commit(store, prepare("a.xlsx", content, today=TODAY), "dee").submission_id
    pv = preview(store, prepare("a again.xlsx", content, today=TODAY))
    assert pv.already_loaded == first
    assert not pv.changes_anything


def test_a_file_that_repeats_current_figures_changes_nothing(store: Store) -> None:
    _load(store, [["LAC_COUNT", "2016-04", "", 410]], "a.xlsx")
    pv = _preview(store, [["Looked-after children", "April 2016", "", 410]])
    assert pv.already_loaded is None  # a different file...
    assert not pv.changes_anything  # ...with nothing new in it


# --- warnings worth a second look ---------------------------------------------------------


def test_percentages_typed_as_fractions_are_flagged(store: Store) -> None:
    pv = _preview(store, [["REF_24H", "2016-04", "", 0.97], ["REF_24H", "2016-05", "", 0.98]])
    assert any("look like fractions" in w and w.startswith("REF_24H") for w in pv.warnings)


def test_real_small_percentages_mixed_with_larger_ones_are_not_flagged(store: Store) -> None:
    pv = _preview(store, [["REF_24H", "2016-04", "", 0.5], ["REF_24H", "2016-05", "", 37]])
    assert not any("fractions" in w for w in pv.warnings)


def test_a_value_that_moves_far_more_than_usual_is_flagged(store: Store) -> None:
    start = dt.date(2015, 4, 1)
    history = [["LAC_COUNT", f"{add_months(start, i):%Y-%m}", "", 400 + (i % 3)] for i in range(12)]
    _load(store, history)
    pv = _preview(store, [["LAC_COUNT", "2016-04", "", 520]])
    unusual = [w for w in pv.warnings if "far more than its usual monthly change" in w]
    assert len(unusual) == 1 and "April 2016" in unusual[0]
    ordinary = _preview(store, [["LAC_COUNT", "2016-04", "", 402]])
    assert not any("far more" in w for w in ordinary.warnings)


def test_columns_ignored_in_a_wide_scorecard_are_listed(store: Store) -> None:
    content = xlsx(
        [
            ["Children's services scorecard"],
            ["indicator", "Apr 2016", "May 2016", "Target", "RAG"],
            ["LAC_COUNT", 410, 415, 400, "Amber"],
        ]
    )
    pv = preview(store, prepare("scorecard.xlsx", content, today=TODAY))
    assert pv.prepared.layout == "wide"
    ignored = [w for w in pv.warnings if "were ignored" in w]
    assert ignored and "D (Target)" in ignored[0] and "E (RAG)" in ignored[0]


def test_empty_cells_are_reported_as_skipped_not_zero(store: Store) -> None:
    pv = _preview(store, [["LAC_COUNT", "2016-04", "", "n/a"], ["LAC_COUNT", "2016-05", "", 5]])
    assert pv.prepared.skipped == 1
    assert any("1 cell(s) had no figure" in w for w in pv.warnings)


# --- targets --------------------------------------------------------------------------------


def test_target_rows_are_new_changed_or_unchanged(store: Store) -> None:
    pv = _preview(
        store,
        [["LAC_COUNT", "2016-04", "", 410]],
        targets=[
            ["REF_24H", "2017-04", 96, 4],  # no target starts that month yet
            ["ASSESS_45WD", "2016-04", 90, None],  # as in targets.csv (default tolerance 5)
            ["REREF_12M", "2016-04", 21, 2],  # targets.csv says 22
        ],
    )
    statuses = dict(zip(pv.target_diff["indicator"], pv.target_diff["status"], strict=True))
    assert statuses == {"REF_24H": "new", "ASSESS_45WD": "unchanged", "REREF_12M": "changed"}
    assert pv.targets_changed == 2
    assert target_changes(pv).to_dict("records") == [
        {
            "Indicator": "REF_24H",
            "From": "April 2017",
            "Now": "none set from this month",
            "After loading": "96.0% (amber within 4.0%)",
            "Status": "new from this month",
        },
        {
            "Indicator": "REREF_12M",
            "From": "April 2016",
            "Now": "22.0% (amber within 2.0%)",
            "After loading": "21.0% (amber within 2.0%)",
            "Status": "changed",
        },
    ]


def test_an_uploaded_target_is_compared_with_the_last_upload_not_the_catalogue(
    store: Store,
) -> None:
    _load(store, [["LAC_COUNT", "2016-04", "", 410]], targets=[["REF_24H", "2016-04", 96, 4]])
    pv = _preview(
        store, [["LAC_COUNT", "2016-04", "", 410]], targets=[["REF_24H", "2016-04", 96, 4]]
    )
    assert pv.target_diff["status"].tolist() == ["unchanged"]
    assert not pv.changes_anything


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
            "Indicator": "LAC_COUNT",
            "Month": "May 2016",
            "Breakdown": "Whole authority",
            "Now": "420",
            "After rollback": "415",
        },
        {
            "Indicator": "LAC_COUNT",
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
    import datetime as dt

    from core.roles import User
    from etl.ingest.load import commit, prepare, rollback
    from etl.store.database import Store
    from tests.workbooks import xlsx
    from ui.upload_flow import just_loaded

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
