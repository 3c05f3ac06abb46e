"""The upload and history pages' actions: check, commit, roll back, template.

Each action (check, commit, roll back, template) takes the user who is acting
and calls `require` itself, so hiding a page is never the only protection: a
member who reached one of these functions by any route is refused here. Nothing
in this module draws anything, so every step can be tested without a browser;
`pages/upload.py` and `pages/history.py` only lay out what it returns (with the
tables in `ui.upload_tables`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from core.catalogue import Catalogue, Family, catalogue
from core.errors import CypsError, Kind
from core.roles import User, require
from etl.ingest.isolated import prepare_isolated
from etl.ingest.load import (
    AlreadyLoaded,
    CommitResult,
    Preview,
    StalePreview,
    commit,
    preview,
)
from etl.ingest.problems import FileRefused, Invalid, Problem
from etl.ingest.rollback import rollback
from etl.outputs.template import build_template
from etl.store import queries
from etl.store.audit import log, log_attempt, log_failure
from etl.store.database import Store
from ui.access import reconfirm

TEMPLATE_FILE_NAME = "cyps-upload-template.xlsx"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASONS_IN_AUDIT = 3


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class UploadCheck:
    """The verdict on one uploaded file: refused, invalid (with problems) or a preview."""

    file_name: str
    sha256: str
    preview: Preview | None = None
    problems: list[Problem] = field(default_factory=list)
    refused: str | None = None  # why the file could not be read at all

    @property
    def ok(self) -> bool:
        return self.preview is not None


def check_upload(
    store: Store,
    user: User | None,
    file_name: str,
    content: bytes,
    progress: Callable[[str], None] | None = None,
    cat: Catalogue | None = None,
) -> UploadCheck:
    """Read, check and preview a file without writing any figure; audit the outcome.

    The same `prepare` and `preview` as `python -m etl load`, so the page and
    the command line always reach the same verdict on the same file; here the file
    is read in a worker process with limits (`prepare_isolated`), so a file that
    makes the reader run away stops only that worker, and is refused and audited.
    """
    user = require(user, "upload")
    step = progress or (lambda _message: None)
    check = UploadCheck(file_name, sha256_of(content))
    step(f"Reading '{file_name}' and checking every cell…")
    try:
        prepared = prepare_isolated(file_name, content, cat)
    except FileRefused as err:
        check.refused = str(err)
        _audit_refused(store, user, file_name, [str(err)], 1)
        return check
    except Invalid as err:
        check.problems = err.problems
        reasons = [p.describe() for p in err.problems[:REASONS_IN_AUDIT]]
        _audit_refused(store, user, file_name, reasons, len(err.problems))
        return check
    except Exception as err:  # a crash is recorded too, then shown as the app shows errors
        log_failure(store, user.audit_name, "upload", err, user.role, {"file": file_name})
        raise
    step("Comparing with the figures already loaded…")
    try:
        check.preview = preview(store, prepared, cat)
    except Invalid as err:  # too many teams, counting those already stored
        check.problems = err.problems
        reasons = [p.describe() for p in err.problems[:REASONS_IN_AUDIT]]
        _audit_refused(store, user, file_name, reasons, len(err.problems))
        return check
    except Exception as err:
        log_failure(store, user.audit_name, "upload", err, user.role, {"file": file_name})
        raise
    log(
        store,
        user.audit_name,
        "upload",
        "checked",
        {
            "file": file_name,
            "new": check.preview.count("new"),
            "changed": check.preview.count("changed"),
            "unchanged": check.preview.count("unchanged"),
            "targets_changed": check.preview.targets_changed,
            "already_loaded": check.preview.already_loaded,
        },
        user.role,
    )
    return check


def _audit_refused(
    store: Store, user: User, file_name: str, reasons: list[str], count: int
) -> None:
    detail = {"file": file_name, "problems": count, "reasons": reasons}
    log(store, user.audit_name, "upload", "refused", detail, user.role)


def commit_upload(store: Store, user: User | None, checked: Preview) -> CommitResult:
    """Store a previewed file as one submission.

    Refuses (AlreadyLoaded) a file already loaded, and (StalePreview) one whose
    preview is out of date because another submission or a rollback landed since.
    """
    user = require(user, "commit")
    try:
        return commit(
            store,
            checked.prepared,
            user.audit_name,
            expected_version=checked.base_version,
            role=user.role,
        )
    except (AlreadyLoaded, StalePreview) as err:  # refused: recorded, then shown by the page
        name = checked.prepared.file_name
        log_attempt(store, user.audit_name, name, "refused", [str(err)], user.role, action="commit")
        raise
    except Exception as err:
        detail = {"file": checked.prepared.file_name}
        log_failure(store, user.audit_name, "commit", err, user.role, detail)
        raise


class ChangedSinceShown(CypsError):
    """A confirmation was shown against figures that have since changed."""

    kind = Kind.CONFLICT


def rollback_submission(
    store: Store, user: User | None, submission_id: int, expected_version: str | None = None
) -> pd.DataFrame:
    """Withdraw a submission's figures and targets (history is kept); returns what was restored.

    `expected_version` is the store version the confirmation was shown against:
    if anything landed since, the director is asked to look again rather than
    confirm a list of restorations that is no longer true.
    """
    user = require(user, "rollback")
    try:
        return rollback(
            store, submission_id, user.audit_name, role=user.role, expected_version=expected_version
        )
    except StalePreview as err:  # checked inside the rollback's own transaction
        raise ChangedSinceShown(str(err)) from None


def template_for(user: User | None, store: Store | None = None) -> bytes:
    """The current template, for a user allowed to download it (recorded in the audit log).

    A download button runs this on another thread, after the page was drawn, so
    the user's role is worked out again now (`reconfirm`), not trusted from then.
    """
    user = require(reconfirm(user), "download_template")
    if store is not None:
        log(store, user.audit_name, "template", "downloaded", {}, user.role)
    return build_template()


JUST_LOADED = dt.timedelta(minutes=2)


def just_loaded(
    store: Store, submission_id: int, user: User | None, now: dt.datetime | None = None
) -> CommitResult | None:
    """The result of a live submission this user made moments ago, rebuilt from the store.

    A quick second click on "Load the figures" can land while the first click's
    confirmation is still being drawn; the file is then checked again and found
    already loaded. Asking the store (not session state, which an interrupted run
    may not keep) lets the page still say "loaded" rather than "nothing to do".
    """
    if user is None:
        return None
    rows = queries.submissions(store)
    row = rows[rows["id"] == submission_id]
    if row.empty:
        return None
    row = row.iloc[0]
    moments_ago = (now or dt.datetime.now()) - pd.Timestamp(row["submitted_at"]).to_pydatetime()
    if (
        row["submitted_by"] != user.audit_name
        or not pd.isna(row["rolled_back_at"])
        or moments_ago > JUST_LOADED
    ):
        return None
    changed = queries.submission_changes(store, submission_id)
    return CommitResult(
        submission_id,
        str(row["file_name"]),
        int(row["values_added"]),
        int(row["values_changed"]),
        int(row["values_unchanged"]),
        int(row["values_skipped"]),
        int(row["targets_changed"]),
        sorted(set(changed["indicator"])),
    )


def affected_families(indicators: list[str], cat: Catalogue | None = None) -> list[Family]:
    """The family pages that show any of `indicators`, in menu order: where to look next."""
    cat = cat or catalogue()
    keys = {cat.get(code).family for code in indicators}
    return [f for f in cat.families if f.key in keys]
