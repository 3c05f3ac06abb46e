"""Plan snapshots are versioned like submissions: one live per month, rollback is exact."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from etl.ingest.load import StalePreview
from etl.ingest.plan_load import (
    PlanAlreadyLoaded,
    PlanNotRolledBack,
    commit_plan,
    prepare_plan,
    preview_plan,
    rollback_snapshot,
)
from etl.sample.bundled import real_submitters
from etl.store.audit import events
from etl.store.database import SCHEMA_HOOKS, Store
from etl.store.plan_schema import COMPONENT, SCHEMA_VERSION, ensure_schema
from etl.store.plan_snapshots import live_actions, snapshots
from etl.store.schema import SchemaPart
from tests.plan_workbooks import SNAPSHOT_APR_2016, SNAPSHOT_JAN_2016, plan_xlsx

JAN, APR = dt.date(2016, 1, 1), dt.date(2016, 4, 1)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "cyps.duckdb")


def load(store: Store, rows: list, as_at: dt.date, name: str = "plan.xlsx") -> int:
    return commit_plan(store, prepare_plan(name, plan_xlsx(rows)), as_at, "dee@council").snapshot_id


def live(store: Store) -> dict[dt.date, list[tuple[str, str]]]:
    frame = live_actions(store)
    return {
        month: list(zip(rows["ref"], rows["status"], strict=True))
        for month, rows in frame.groupby("as_at")
    }


def test_the_plan_tables_are_a_registered_schema_part_and_creating_them_twice_is_harmless(
    store: Store,
) -> None:
    parts = [SchemaPart.of(h) for h in SCHEMA_HOOKS]
    assert (COMPONENT, SCHEMA_VERSION) in [(p.component, p.version) for p in parts]
    with store.connect() as con:
        ensure_schema(con)
        ensure_schema(con)
        recorded = dict(con.execute("SELECT component, version FROM schema_info").fetchall())
    assert recorded[COMPONENT] == SCHEMA_VERSION


def test_a_snapshot_records_who_when_which_file_and_its_sha256(store: Store) -> None:
    content = plan_xlsx(SNAPSHOT_JAN_2016)
    prepared = prepare_plan("jan.xlsx", content)
    result = commit_plan(store, prepared, JAN, "dee@council", role="director")
    row = snapshots(store).iloc[0]
    assert (row["id"], row["as_at"], row["file_name"], row["submitted_by"]) == (
        result.snapshot_id,
        JAN,
        "jan.xlsx",
        "dee@council",
    )
    assert row["sha256"] == hashlib.sha256(content).hexdigest()
    assert row["submitted_at"] is not None and bool(row["live"])
    assert "jan.xlsx: plan snapshot 1 loaded as at January 2016" in result.summary()
    event = events(store, ["plan_commit"]).iloc[0]
    assert (event["username"], event["role"], event["outcome"]) == (
        "dee@council",
        "director",
        "accepted",
    )
    assert json.loads(event["detail"])["as_at"] == "2016-01"


def test_a_second_snapshot_for_the_same_month_is_a_revision_and_its_rollback_is_exact(
    store: Store,
) -> None:
    first = load(store, SNAPSHOT_JAN_2016, JAN, "first.xlsx")
    before = live_actions(store)
    revised = [("1", "Alpha", "a1", "Lead A", dt.date(2015, 11, 1), "Complete", None, "", "")]
    second = load(store, revised, JAN, "revised.xlsx")
    assert live(store) == {JAN: [("1", "Complete")]}, "one live snapshot per month"
    listed = snapshots(store).set_index("id")
    assert listed.loc[second, "replaces"] == first and not listed.loc[first, "live"]

    undone = rollback_snapshot(store, second, "dee@council")
    assert (undone.as_at, undone.restored) == (JAN, first)
    after = live_actions(store)
    assert after.drop(columns="snapshot_id").equals(before.drop(columns="snapshot_id"))
    assert len(snapshots(store)) == 2, "rollback deletes nothing"


def test_the_preview_compares_with_the_snapshot_in_force_and_writes_nothing(store: Store) -> None:
    load(store, SNAPSHOT_JAN_2016, JAN)
    preview = preview_plan(store, prepare_plan("apr.xlsx", plan_xlsx(SNAPSHOT_APR_2016)), APR)
    assert preview.compared_with == JAN and preview.replaces is None
    kinds = {k: preview.count(k) for k in ("new", "status changed", "slipped", "withdrawn")}
    assert kinds == {"new": 1, "status changed": 1, "slipped": 1, "withdrawn": 1}
    assert (preview.counts.complete, preview.counts.actions) == (3, 6)
    assert len(snapshots(store)) == 1


def test_a_commit_after_another_load_landed_is_refused_as_stale(store: Store) -> None:
    prepared = prepare_plan("apr.xlsx", plan_xlsx(SNAPSHOT_APR_2016))
    preview = preview_plan(store, prepared, APR)
    load(store, SNAPSHOT_JAN_2016, JAN)
    with pytest.raises(StalePreview):
        commit_plan(store, prepared, APR, "dee", expected_version=preview.base_version)
    assert list(live(store)) == [JAN]


def test_the_same_file_for_the_same_month_twice_changes_nothing(store: Store) -> None:
    content = plan_xlsx(SNAPSHOT_JAN_2016)
    commit_plan(store, prepare_plan("a.xlsx", content), JAN, "dee")
    with pytest.raises(PlanAlreadyLoaded, match="identical to snapshot 1"):
        commit_plan(store, prepare_plan("a-copy.xlsx", content), JAN, "dee")
    assert len(snapshots(store)) == 1


def test_a_rolled_back_snapshot_cannot_be_rolled_back_again(store: Store) -> None:
    first = load(store, SNAPSHOT_JAN_2016, JAN)
    rollback_snapshot(store, first, "dee")
    assert live(store) == {}
    with pytest.raises(PlanNotRolledBack, match="already rolled back"):
        rollback_snapshot(store, first, "dee")
    with pytest.raises(PlanNotRolledBack, match="no plan snapshot 9"):
        rollback_snapshot(store, 9, "dee")
    assert list(events(store, ["plan_rollback"])["outcome"]) == ["done"]


def test_every_plan_load_and_rollback_changes_the_data_version(store: Store) -> None:
    with store.connect():
        pass
    seen = [store.data_version()]
    first = load(store, SNAPSHOT_JAN_2016, JAN)
    seen.append(store.data_version())
    load(store, SNAPSHOT_APR_2016, APR)
    seen.append(store.data_version())
    rollback_snapshot(store, first, "dee")
    seen.append(store.data_version())
    assert len(set(seen)) == len(seen), seen


def test_a_failed_commit_leaves_no_half_written_snapshot(store: Store) -> None:
    prepared = prepare_plan("jan.xlsx", plan_xlsx(SNAPSHOT_JAN_2016))
    prepared.actions.loc[1, "ref"] = prepared.actions.loc[0, "ref"]  # breaks the primary key
    with pytest.raises(duckdb.ConstraintException):
        commit_plan(store, prepared, JAN, "dee")
    assert snapshots(store).empty and events(store, ["plan_commit"]).empty


def test_a_plan_loaded_by_a_person_counts_as_real_data_so_demo_mode_is_refused(
    store: Store,
) -> None:
    load(store, SNAPSHOT_JAN_2016, JAN)
    assert real_submitters(store) == ["dee@council"]
