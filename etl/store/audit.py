"""The audit log: every sign-in, upload (accepted, refused or failed), commit, rollback, extract,
backup restore and redaction.

Commits and rollbacks write their event inside their own transaction (see
`etl.ingest.load` and `etl.ingest.rollback`); everything else calls `log`, which opens its
own short write. Every row records the operating-system account beside the user named, and
is chained to the one before by a hash (`etl.store.chain`), so a row changed or removed
afterwards is found by `python -m etl audit verify`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.store.database import Store, StoreError, record_event


def log(
    store: Store,
    username: str,
    action: str,
    outcome: str,
    detail: dict | None = None,
    role: str | None = None,
) -> None:
    """Record one event. Actions: sign_in, upload, commit, rollback, extract, template..."""
    with store.writing() as con:
        record_event(con, username, action, outcome, detail, role)


# Reasons are kept short in the log: enough to say why, not the whole report.
MAX_REASONS = 20


def log_upload(
    store: Store,
    username: str,
    file_name: str,
    accepted: bool,
    reasons: list[str] | tuple[str, ...] = (),
    role: str | None = None,
    detail: dict | None = None,
) -> None:
    """Record an upload checked by the page or the command line, accepted or refused.

    A refused upload writes nothing else, so this event is the only trace of it:
    it keeps the reasons (the first MAX_REASONS, and how many there were in all).
    """
    event = {"file": file_name, **(detail or {})}
    if reasons:
        event["reasons"] = [str(r) for r in reasons[:MAX_REASONS]]
        event["reason_count"] = len(reasons)
    log(store, username, "upload", "accepted" if accepted else "refused", event, role)


def log_attempt(
    store: Store,
    username: str,
    file_name: str,
    outcome: str,
    reasons: list[str] | tuple[str, ...] = (),
    role: str | None = None,
    via: str | None = None,
    action: str = "upload",
) -> bool:
    """Record a load that stored nothing: refused, failed, already_loaded or unchanged.

    For callers that report the outcome themselves (the command line prints it), so it
    never raises: when the store cannot be written either, False says it went unrecorded.
    """
    event: dict = {"file": file_name, **({"via": via} if via else {})}
    if reasons:
        event["reasons"] = [str(r) for r in reasons[:MAX_REASONS]]
        event["reason_count"] = len(reasons)
    try:
        log(store, username, action, outcome, event, role)
    except (StoreError, OSError):
        return False
    return True


def log_failure(
    store: Store,
    username: str,
    action: str,
    error: BaseException,
    role: str | None = None,
    detail: dict | None = None,
) -> bool:
    """Record an attempt that crashed (outcome `failed`), with the kind of error and its text.

    Called from an `except` block that re-raises, so it never raises itself: when the store
    cannot be written either (busy, damaged), the attempt goes unrecorded and False says so.
    """
    if isinstance(error, StoreError):  # the store itself is the trouble: it cannot record it
        return False
    event = {**(detail or {}), "error": type(error).__name__, "message": str(error)[:500]}
    try:
        log(store, username, action, "failed", event, role)
    except (StoreError, OSError):
        return False
    return True


def log_extract(
    store: Store,
    username: str,
    what: str,
    rows: int,
    file_format: str,
    role: str | None = None,
    detail: dict | None = None,
) -> None:
    """Record an extract (figures, template or audit log) handed to a user."""
    event = {"what": what, "rows": rows, "format": file_format, **(detail or {})}
    log(store, username, "extract", "done", event, role)


def events(
    store: Store,
    actions: list[str] | tuple[str, ...] = (),
    user_contains: str = "",
    first: dt.date | None = None,
    last: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Audit events, newest first, filtered by action, user (part of the name) and dates.

    Every matching row: no limit applies unless a caller asks for one (`limit`), and a
    caller that does must say so wherever it shows the rows.
    """
    where: list[str] = ["TRUE"]
    params: list[object] = []
    if actions:
        where.append(f"action IN ({', '.join('?' for _ in actions)})")
        params += list(actions)
    if user_contains.strip():
        where.append("contains(lower(username), ?)")
        params.append(user_contains.strip().lower())
    if first:
        where.append("occurred_at >= ?")
        params.append(dt.datetime.combine(first, dt.time.min))
    if last:
        where.append("occurred_at < ?")
        params.append(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    return store.query(
        "SELECT id, occurred_at, username, role, action, outcome, detail, os_user FROM audit_log "
        f"WHERE {' AND '.join(where)} ORDER BY id DESC" + ("" if limit is None else " LIMIT ?"),
        params if limit is None else [*params, limit],
    )
