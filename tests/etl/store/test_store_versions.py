"""Figures are versioned: reloading changes nothing, revisions keep history, rollback is exact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.ingest.load import AlreadyLoaded, StalePreview, commit, prepare, preview
from etl.ingest.rollback import NotRolledBack, rollback
from etl.store.database import Store, StoreBusy
from etl.store.queries import current_values, submission_changes, submissions
from tests.workbooks import xlsx

TODAY = dt.date(2017, 6, 15)
HEADER = ["indicator", "period", "value", "commentary"]


def upload(store: Store, rows: list[list[object]], name: str = "r.xlsx") -> int | None:
    return commit(
        store, prepare(name, xlsx([HEADER, *rows]), today=TODAY), "director"
    ).submission_id


def current(store: Store) -> dict[tuple[str, str], float]:
    frame = current_values(store)
    return {(r.indicator, f"{r.period:%Y-%m}"): r.value for r in frame.itertuples()}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "cyps.duckdb")


def test_database_file_and_schema_are_created_on_first_use(store: Store) -> None:
    assert not store.path.exists()
    assert store.data_version() == "empty"
    upload(store, [["LAC_COUNT", "2015-04", 410]])
    assert store.path.exists()
    with duckdb.connect(str(store.path), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"submissions", "observations", "target_revisions", "audit_log"} <= tables


def test_loading_an_identical_file_changes_nothing_and_says_so(store: Store) -> None:
    content = xlsx([HEADER, ["LAC_COUNT", "2015-04", 410]])
    commit(store, prepare("a.xlsx", content, today=TODAY), "director")
    version = store.data_version()
    with pytest.raises(AlreadyLoaded, match="identical to submission 1"):
        commit(store, prepare("a-copy.xlsx", content, today=TODAY), "director")
    assert store.data_version() == version and len(submissions(store)) == 1


def test_a_different_file_with_the_same_figures_makes_no_submission(store: Store) -> None:
    upload(store, [["LAC_COUNT", "2015-04", 410]], "a.xlsx")
    result = commit(
        store,
        prepare(
            "b.xlsx",
            xlsx([["indicator", "period", "value"], ["LAC_COUNT", "Apr-15", 410]]),
            today=TODAY,
        ),
        "director",
    )
    assert result.submission_id is None and result.unchanged == 1
    assert len(submissions(store)) == 1


def test_latest_submission_gives_the_current_value_and_history_is_kept(store: Store) -> None:
    first = upload(store, [["LAC_COUNT", "2015-04", 410], ["LAC_COUNT", "2015-05", 415]])
    second = upload(store, [["LAC_COUNT", "2015-05", 417]])
    assert current(store) == {("LAC_COUNT", "2015-04"): 410, ("LAC_COUNT", "2015-05"): 417}
    changes = submission_changes(store, second)
    assert changes[["previous_value", "new_value"]].values.tolist() == [[415.0, 417.0]]
    assert len(submission_changes(store, first)) == 2


def test_rollback_restores_exactly_the_values_current_before(store: Store) -> None:
    upload(store, [["LAC_COUNT", "2015-04", 410], ["LAC_COUNT", "2015-05", 415]])
    before = current(store)
    revision = upload(store, [["LAC_COUNT", "2015-05", 417], ["LAC_COUNT", "2015-06", 420]])
    restored = rollback(store, revision, "director")
    assert current(store) == before
    assert restored[["current_value", "restored_value"]].fillna(-1).values.tolist() == [
        [417.0, 415.0],
        [420.0, -1.0],
    ]


def test_rollback_never_deletes_history(store: Store) -> None:
    upload(store, [["LAC_COUNT", "2015-04", 410]])
    revision = upload(store, [["LAC_COUNT", "2015-04", 412]])
    rollback(store, revision, "director")
    listed = submissions(store).set_index("id")
    assert listed.loc[revision, "rolled_back_by"] == "director"
    assert len(submission_changes(store, revision)) == 1
    with pytest.raises(NotRolledBack, match="already rolled back"):
        rollback(store, revision, "director")
    with pytest.raises(NotRolledBack, match="no submission 99"):
        rollback(store, 99, "director")


def test_rolling_back_an_older_submission_keeps_later_revisions(store: Store) -> None:
    upload(store, [["LAC_COUNT", "2015-04", 410]])
    middle = upload(store, [["LAC_COUNT", "2015-04", 411], ["LAC_COUNT", "2015-05", 415]])
    upload(store, [["LAC_COUNT", "2015-04", 412]])
    rollback(store, middle, "director")
    assert current(store) == {("LAC_COUNT", "2015-04"): 412}


def test_a_rolled_back_file_can_be_loaded_again(store: Store) -> None:
    content = xlsx([HEADER, ["LAC_COUNT", "2015-04", 410]])
    first = commit(store, prepare("a.xlsx", content, today=TODAY), "director").submission_id
    rollback(store, first, "director")
    again = commit(store, prepare("a.xlsx", content, today=TODAY), "director")
    assert again.submission_id == first + 1 and again.added == 1


def test_a_scorecard_without_numerators_keeps_them_for_unchanged_values(store: Store) -> None:
    rows = [
        ["indicator", "period", "value", "numerator", "denominator"],
        ["REF_24H", "2015-04", 37.5, 75, 200],
        ["REF_24H", "2015-05", 40, 80, 200],
    ]
    commit(store, prepare("a.xlsx", xlsx(rows), today=TODAY), "director")
    wide = xlsx([["indicator", "Apr-15", "May-15"], ["REF_24H", 37.5, 41]])
    result = commit(store, prepare("wide.xlsx", wide, today=TODAY), "director")
    assert (result.added, result.changed, result.unchanged) == (0, 1, 1)
    frame = current_values(store).set_index("period")
    assert frame.loc[dt.date(2015, 4, 1), ["numerator", "denominator"]].tolist() == [75, 200]
    assert frame.loc[dt.date(2015, 5, 1), ["numerator", "denominator"]].isna().all()


def test_commentary_is_kept_when_a_correction_gives_none(store: Store) -> None:
    upload(store, [["REREF_12M", "2015-04", 24.0, "Audit of closures under way"]])
    upload(store, [["REREF_12M", "2015-04", 24.2, None]])
    frame = current_values(store)
    assert frame["commentary"].iloc[0] == "Audit of closures under way"


def test_commit_refuses_a_stale_preview(store: Store) -> None:
    prepared = prepare("a.xlsx", xlsx([HEADER, ["LAC_COUNT", "2015-04", 410]]), today=TODAY)
    seen = preview(store, prepared)
    upload(store, [["LAC_COUNT", "2015-05", 415]], "other.xlsx")
    with pytest.raises(StalePreview, match="changed after your preview"):
        commit(store, prepared, "director", expected_version=seen.base_version)
    assert len(submissions(store)) == 1


def test_a_database_held_by_another_process_gives_a_clear_sentence(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    upload(store, [["LAC_COUNT", "2015-04", 410]])
    ready, release = (multiprocessing.get_context("spawn").Event() for _ in range(2))
    holder = multiprocessing.get_context("spawn").Process(
        target=_hold_database, args=(str(store.path), ready, release)
    )
    holder.start()
    try:
        assert ready.wait(30)
        monkeypatch.setattr("etl.store.database.BUSY_RETRY_SECONDS", 0.5)
        with pytest.raises(StoreBusy, match="in use by another program"):
            current_values(store)
    finally:
        release.set()
        holder.join(30)


def _hold_database(path: str, ready, release) -> None:  # runs in another process
    con = duckdb.connect(path)
    ready.set()
    release.wait(30)
    con.close()


def test_rollback_refuses_a_stale_confirmation(store: Store) -> None:
    first = upload(store, [["LAC_COUNT", "2015-04", 410]])
    shown = store.data_version()
    upload(store, [["LAC_COUNT", "2015-05", 415]], "later.xlsx")
    with pytest.raises(StalePreview, match="confirmation was shown"):
        rollback(store, first, "director", expected_version=shown)
    assert submissions(store)["rolled_back_at"].isna().all()
