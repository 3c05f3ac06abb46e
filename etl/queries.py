"""Read-only questions the pages, extracts and command line ask of the store.

Each function returns a tidy DataFrame; none draws anything, so the same answer
feeds a chart, a table, a download and a test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from etl.catalogue import Catalogue, catalogue
from etl.layouts import LONG_COLUMNS
from etl.load import current_targets, rollback_plan
from etl.store import Store

VALUE_COLUMNS = [*LONG_COLUMNS, "submission_id", "submitted_at", "submitted_by"]


def current_values(
    store: Store,
    indicators: Sequence[str] | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> pd.DataFrame:
    """The current figure for each indicator, month and breakdown, oldest month first."""
    where, params = ["TRUE"], []
    if indicators:
        where.append(f"indicator IN ({', '.join('?' for _ in indicators)})")
        params += list(indicators)
    if first:
        where.append("period >= ?")
        params.append(first)
    if last:
        where.append("period <= ?")
        params.append(last)
    frame = store.query(
        f"SELECT {', '.join(VALUE_COLUMNS)} FROM current_observations "
        f"WHERE {' AND '.join(where)} ORDER BY indicator, breakdown, period",
        params,
    )
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame


def targets(store: Store, cat: Catalogue | None = None) -> pd.DataFrame:
    """Targets in force by effective-from month (catalogue defaults plus uploaded ones)."""
    with store.connect() as con:
        frame = current_targets(con, cat or catalogue())
    frame["effective_from"] = pd.to_datetime(frame["effective_from"]).dt.date
    return frame


def submissions(store: Store) -> pd.DataFrame:
    """Every submission, newest first, including rolled-back ones."""
    return store.query(
        """SELECT id, file_name, submitted_by, submitted_at, layout, values_added,
                  values_changed, values_unchanged, values_skipped, targets_changed,
                  rolled_back_at, rolled_back_by, sha256
           FROM submissions ORDER BY id DESC"""
    )


def submission_changes(store: Store, submission_id: int) -> pd.DataFrame:
    """What a submission stored, with the value each figure had just before it."""
    return store.query(
        """
        SELECT o.indicator, o.period, o.breakdown, prev.value AS previous_value,
               o.value AS new_value, o.commentary
        FROM observations o
        LEFT JOIN LATERAL (
            SELECT a.value FROM active_observations a
            WHERE a.indicator = o.indicator AND a.period = o.period
              AND a.breakdown = o.breakdown AND a.submission_id < o.submission_id
            ORDER BY a.submission_id DESC LIMIT 1
        ) prev ON TRUE
        WHERE o.submission_id = ?
        ORDER BY o.indicator, o.breakdown, o.period
        """,
        [submission_id],
    )


def rollback_preview(store: Store, submission_id: int) -> pd.DataFrame:
    """What rolling back would restore: each figure's value now and afterwards."""
    with store.connect() as con:
        return rollback_plan(con, submission_id)


def last_updated(store: Store) -> dt.datetime | None:
    """When the figures last changed (a submission or a rollback)."""
    if not store.path.exists():
        return None
    value = store.query(
        "SELECT max(greatest(submitted_at, coalesce(rolled_back_at, submitted_at))) AS t "
        "FROM submissions"
    )["t"].iloc[0]
    return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def audit_log(store: Store, limit: int = 1000) -> pd.DataFrame:
    return store.query(
        "SELECT id, occurred_at, username, role, action, outcome, detail FROM audit_log "
        "ORDER BY id DESC LIMIT ?",
        [limit],
    )
