"""The improvement plan's actions for the pages: check, preview, commit, roll back, extract.

Like `ui.upload_flow`, each action takes the user who is acting and calls `require` itself, so a
hidden button is never the only protection; nothing here draws anything, so every step can be
tested without a browser. The same `etl.ingest.plan_load` functions as `python -m etl plan load`
give the verdicts, so the page and the command line always agree on the same file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.errors import CypsError, Kind
from core.roles import User, require
from etl.ingest.load import StalePreview
from etl.ingest.plan_load import (
    PlanCommitResult,
    PlanPreview,
    PlanRollback,
    PreparedPlan,
    commit_plan,
    prepare_plan,
    preview_plan,
    rollback_snapshot,
)
from etl.ingest.problems import FileRefused, Invalid, Problem
from etl.outputs.extract_files import Download
from etl.outputs.plan_extract import plan_download
from etl.outputs.plan_template import build_plan_template
from etl.store.audit import log
from etl.store.database import Store
from ui.access import reconfirm

REASONS_IN_AUDIT = 3


class PlanChangedSinceShown(CypsError):
    """A confirmation was shown against a plan that has since changed."""

    kind = Kind.CONFLICT


@dataclass
class PlanCheck:
    """The verdict on one uploaded plan file: refused, invalid (with problems) or prepared."""

    file_name: str
    sha256: str
    prepared: PreparedPlan | None = None
    problems: list[Problem] = field(default_factory=list)
    refused: str | None = None

    @property
    def ok(self) -> bool:
        return self.prepared is not None


def check_plan(store: Store, user: User | None, file_name: str, content: bytes) -> PlanCheck:
    """Read and check a plan file without writing anything but the audit event."""
    user = require(user, "upload")
    check = PlanCheck(file_name, hashlib.sha256(content).hexdigest())
    try:
        check.prepared = prepare_plan(file_name, content)
    except FileRefused as err:
        check.refused = str(err)
        _audit(store, user, "refused", {"file": file_name, "problems": 1, "reasons": [str(err)]})
        return check
    except Invalid as err:
        check.problems = err.problems
        reasons = [p.describe() for p in err.problems[:REASONS_IN_AUDIT]]
        detail = {"file": file_name, "problems": len(err.problems), "reasons": reasons}
        _audit(store, user, "refused", detail)
        return check
    _audit(store, user, "checked", {"file": file_name, "actions": len(check.prepared.actions)})
    return check


def _audit(store: Store, user: User, outcome: str, detail: dict) -> None:
    log(
        store, user.audit_name, "upload", outcome, {"kind": "improvement plan", **detail}, user.role
    )


def preview_for(
    store: Store, user: User | None, prepared: PreparedPlan, as_at: dt.date
) -> PlanPreview:
    """What loading the checked plan as at `as_at` would change (nothing is written)."""
    require(user, "upload")
    return preview_plan(store, prepared, as_at)


def commit_preview(store: Store, user: User | None, preview: PlanPreview) -> PlanCommitResult:
    """Store a previewed plan as a snapshot; StalePreview if the plan changed since the preview."""
    user = require(user, "commit")
    return commit_plan(
        store,
        preview.prepared,
        preview.as_at,
        user.audit_name,
        expected_version=preview.base_version,
        role=user.role,
    )


def rollback_plan_snapshot(
    store: Store, user: User | None, snapshot_id: int, expected_version: str | None = None
) -> PlanRollback:
    """Withdraw a plan snapshot (nothing is deleted); the one it had revised is live again."""
    user = require(user, "rollback")
    try:
        return rollback_snapshot(
            store, snapshot_id, user.audit_name, role=user.role, expected_version=expected_version
        )
    except StalePreview as err:
        raise PlanChangedSinceShown(str(err)) from None


def plan_template_for(user: User | None, store: Store | None = None) -> bytes:
    """The plan template for a director (a download callable: the role is checked again now)."""
    user = require(reconfirm(user), "download_template")
    if store is not None:
        log(
            store,
            user.audit_name,
            "template",
            "downloaded",
            {"kind": "improvement plan"},
            user.role,
        )
    return build_plan_template()


def plan_extract_for(
    user: User | None,
    store: Store,
    as_at: dt.date | None,
    statuses: Sequence[str],
    file_format: str,
) -> Download:
    """The action list for an officer or director, recorded in the audit log."""
    user = require(reconfirm(user), "extract")
    return plan_download(store, as_at, statuses, file_format, user.audit_name, "page", user.role)
