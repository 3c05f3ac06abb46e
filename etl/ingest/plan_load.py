"""From an uploaded plan workbook to a stored snapshot: prepare, preview, commit, roll back.

The plan's twin of `etl.ingest.load`: the command line (`python -m etl plan load`) and the
upload page both call these, so the same file gets the same verdict. `prepare` checks the whole
file and raises `Invalid` with every problem; `preview` says what loading it as at a month would
change since the snapshot in force then; `commit` stores it in one transaction with its audit
event, refusing a preview another load has made stale; `rollback_snapshot` withdraws one,
making the snapshot it revised (if any) live again. Nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.plan import PlanCounts, action_changes, counts
from core.catalogue import Catalogue, catalogue
from core.errors import CypsError, Kind
from core.periods import long_label
from core.settings import UploadLimits
from etl.ingest.filecheck import sniff_kind
from etl.ingest.layouts import HIDDEN
from etl.ingest.load import StalePreview
from etl.ingest.plan_sheet import ACTIONS_SHEET, actions_part, check_actions
from etl.ingest.problems import FileRefused, Invalid, Problem
from etl.ingest.workbook import read_workbook
from etl.store import plan_snapshots as plan_store
from etl.store.database import Store, now, record_event

COMMIT_ACTION = "plan_commit"
ROLLBACK_ACTION = "plan_rollback"


class PlanAlreadyLoaded(CypsError):
    """This exact file is already the live snapshot for that month."""

    kind = Kind.CONFLICT

    def __init__(self, snapshot_id: int, file_name: str, as_at: dt.date):
        super().__init__(
            f"'{file_name}' is identical to snapshot {snapshot_id}, already loaded as at "
            f"{long_label(as_at)}. Nothing was changed."
        )
        self.snapshot_id = snapshot_id


class PlanNotRolledBack(CypsError):
    """A rollback that cannot be done; the message says why."""

    kind = Kind.CONFLICT


@dataclass
class PreparedPlan:
    """A plan file that passed every check."""

    file_name: str
    sha256: str
    sheet: str
    actions: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class PlanPreview:
    """What loading a prepared plan as at `as_at` would do, against the plan version seen."""

    prepared: PreparedPlan
    as_at: dt.date
    base_version: str
    compared_with: dt.date | None  # the as-at month of the snapshot compared with
    replaces: int | None  # the live snapshot for the same month, which this would revise
    already_loaded: int | None
    changes: pd.DataFrame  # analysis.plan.action_changes
    counts: PlanCounts
    before: PlanCounts | None

    def count(self, kind: str) -> int:
        return int((self.changes["change"] == kind).sum())


@dataclass
class PlanCommitResult:
    snapshot_id: int
    file_name: str
    as_at: dt.date
    actions: int
    replaces: int | None
    counts: PlanCounts

    def summary(self) -> str:
        revision = f", replacing snapshot {self.replaces}" if self.replaces else ""
        c = self.counts
        return (
            f"{self.file_name}: plan snapshot {self.snapshot_id} loaded as at "
            f"{long_label(self.as_at)}{revision}: {self.actions} actions in the file; "
            f"{c.complete} of {c.actions} complete, {c.overdue} overdue, "
            f"{c.at_risk_or_off_track} at risk or off track."
        )


def prepare_plan(
    file_name: str,
    content: bytes,
    cat: Catalogue | None = None,
    limits: UploadLimits | None = None,
) -> PreparedPlan:
    """Read and check a whole plan file. Raises FileRefused, or Invalid with every problem."""
    cat = cat or catalogue()
    kind = sniff_kind(file_name, content, limits)
    book = read_workbook(file_name, content, kind)
    if kind == "csv":
        sheet = book.read(book.parts[0])
    else:
        part = actions_part(book)
        if part is None:
            raise Invalid(
                [
                    Problem(
                        "",
                        None,
                        "",
                        "",
                        f"has no '{ACTIONS_SHEET}' sheet. A plan "
                        "snapshot is one row per action on a sheet named actions: "
                        "use the plan template.",
                    )
                ]
            )
        if not part.visible:
            raise Invalid([Problem(part.name, None, "", "", HIDDEN)])
        sheet = book.read(part)
    checked = check_actions(sheet, cat)
    if checked.problems:
        raise Invalid(checked.problems)
    return PreparedPlan(
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        sheet=checked.sheet,
        actions=checked.actions,
        warnings=checked.warnings,
        ignored_columns=checked.ignored_columns,
    )


def _compare(con: Any, prepared: PreparedPlan, as_at: dt.date) -> PlanPreview:
    """The preview, asked inside the caller's connection (the store's, passed through)."""
    base = plan_store.snapshot_in_force(con, as_at)
    before = plan_store.actions_of(con, base) if base is not None else None
    row = plan_store.snapshot_row(con, base) if base is not None else None
    compared = row["as_at"] if row is not None else None
    return PlanPreview(
        prepared=prepared,
        as_at=as_at,
        base_version=plan_store.plan_version(con),
        compared_with=compared,
        replaces=plan_store.live_snapshot(con, as_at),
        already_loaded=plan_store.loaded_as(con, prepared.sha256, as_at),
        changes=action_changes(before, prepared.actions),
        counts=counts(prepared.actions, as_at),
        before=counts(before, as_at) if before is not None else None,
    )


def preview_plan(store: Store, prepared: PreparedPlan, as_at: dt.date) -> PlanPreview:
    """What committing `prepared` as at `as_at` would change, without writing anything."""
    with store.connect() as con:
        return _compare(con, prepared, dt.date(as_at.year, as_at.month, 1))


def commit_plan(
    store: Store,
    prepared: PreparedPlan,
    as_at: dt.date,
    user: str,
    expected_version: str | None = None,
    role: str | None = None,
) -> PlanCommitResult:
    """Store `prepared` as the snapshot as at `as_at`, with its audit event, in one transaction.

    `expected_version` is the plan version the user previewed against: if another snapshot
    landed or was rolled back since, nothing is stored (StalePreview).
    """
    as_at = dt.date(as_at.year, as_at.month, 1)
    with store.writing() as con:
        if expected_version is not None and plan_store.plan_version(con) != expected_version:
            raise StalePreview(
                "The plan changed after your preview (another snapshot was loaded or rolled "
                "back). Nothing was loaded: check the preview again, then confirm."
            )
        seen = _compare(con, prepared, as_at)
        if seen.already_loaded is not None:
            raise PlanAlreadyLoaded(seen.already_loaded, prepared.file_name, as_at)
        snapshot_id = plan_store.insert_snapshot(
            con,
            as_at,
            prepared.file_name,
            prepared.sha256,
            user,
            prepared.actions,
            seen.replaces,
            now(),
        )
        record_event(
            con,
            user,
            COMMIT_ACTION,
            "accepted",
            {
                "snapshot": snapshot_id,
                "file": prepared.file_name,
                "as_at": f"{as_at:%Y-%m}",
                "actions": len(prepared.actions),
                "replaces": seen.replaces,
            },
            role,
        )
    return PlanCommitResult(
        snapshot_id, prepared.file_name, as_at, len(prepared.actions), seen.replaces, seen.counts
    )


@dataclass
class PlanRollback:
    """What a rollback withdrew and which snapshot (if any) is now in force for that month."""

    snapshot_id: int
    as_at: dt.date
    restored: int | None  # the snapshot live again for the month (the one it had revised)


def rollback_snapshot(
    store: Store,
    snapshot_id: int,
    user: str,
    role: str | None = None,
    expected_version: str | None = None,
) -> PlanRollback:
    """Withdraw a snapshot (nothing is deleted); the one it revised, if any, is live again."""
    with store.writing() as con:
        if expected_version is not None and plan_store.plan_version(con) != expected_version:
            raise StalePreview(
                "The plan changed after the confirmation was shown (another snapshot was "
                "loaded or rolled back). Nothing was rolled back: look again, then confirm."
            )
        row = plan_store.snapshot_row(con, snapshot_id)
        if row is None:
            raise PlanNotRolledBack(f"There is no plan snapshot {snapshot_id}.")
        if not pd.isna(row["rolled_back_at"]):
            raise PlanNotRolledBack(
                f"Plan snapshot {snapshot_id} was already rolled back on "
                f"{pd.Timestamp(row['rolled_back_at']):%d %B %Y}."
            )
        plan_store.mark_rolled_back(con, snapshot_id, user, now())
        restored = plan_store.live_snapshot(con, row["as_at"])
        record_event(
            con,
            user,
            ROLLBACK_ACTION,
            "done",
            {"snapshot": snapshot_id, "as_at": f"{row['as_at']:%Y-%m}", "restored": restored},
            role,
        )
    return PlanRollback(snapshot_id, row["as_at"], restored)


def is_plan_file(file_name: str, content: bytes) -> bool:
    """True for a workbook with a sheet named `actions`: the upload page reads it as a plan."""
    try:
        kind = sniff_kind(file_name, content)
        if kind != "xlsx":
            return False
        return actions_part(read_workbook(file_name, content, kind)) is not None
    except FileRefused:
        return False
