"""Improvement plan snapshots in DuckDB: every snapshot kept, one live per as-at month.

A plan workbook is loaded as a snapshot "as at" a month, versioned like a figures submission:
who, when, which file and its SHA-256. Nothing is overwritten or deleted. A second snapshot for
the same month is a revision: the live snapshot for a month is the latest one not rolled back
(`current_plan_snapshots`), so rolling a revision back makes the one it replaced live again,
exactly as it was. The tables are made by `etl.store.plan_schema`, one of the store's schema
hooks (`etl.store.database.SCHEMA_HOOKS`).
"""

from __future__ import annotations

import contextlib
import datetime as dt

import duckdb
import pandas as pd

from analysis.plan import ACTION_COLUMNS
from etl.store.database import Store
from etl.store.plan_schema import fingerprint, plan_version

__all__ = ["plan_version"]  # re-exported: the ingest and the pages ask this module

SNAPSHOT_COLUMNS = [
    "id",
    "as_at",
    "file_name",
    "submitted_by",
    "submitted_at",
    "actions",
    "replaces",
    "rolled_back_at",
    "rolled_back_by",
    "sha256",
]


def live_snapshot(con: duckdb.DuckDBPyConnection, as_at: dt.date) -> int | None:
    """The live snapshot as at exactly this month, if any (the one a new load would revise)."""
    row = con.execute("SELECT max(id) FROM current_plan_snapshots WHERE as_at = ?", [as_at])
    return row.fetchall()[0][0]


def snapshot_in_force(con: duckdb.DuckDBPyConnection, as_at: dt.date) -> int | None:
    """The live snapshot the plan's state comes from at `as_at`: the latest as at or before."""
    row = con.execute(
        "SELECT id FROM current_plan_snapshots WHERE as_at <= ? ORDER BY as_at DESC LIMIT 1",
        [as_at],
    ).fetchall()
    return row[0][0] if row else None


def loaded_as(con: duckdb.DuckDBPyConnection, sha256: str, as_at: dt.date) -> int | None:
    """The live snapshot that loaded this exact file as at this month, if any."""
    row = con.execute(
        "SELECT max(id) FROM current_plan_snapshots WHERE sha256 = ? AND as_at = ?",
        [sha256, as_at],
    ).fetchall()
    return row[0][0]


def actions_of(con: duckdb.DuckDBPyConnection, snapshot_id: int | None) -> pd.DataFrame:
    """One snapshot's actions as analysis.plan expects them (dates as dates)."""
    frame = con.execute(
        f"SELECT {', '.join(ACTION_COLUMNS)}, source_row AS row FROM plan_actions "
        "WHERE snapshot_id = ? ORDER BY source_row",
        [snapshot_id],
    ).df()
    return _dates(frame)


def insert_snapshot(
    con: duckdb.DuckDBPyConnection,
    as_at: dt.date,
    file_name: str,
    sha256: str,
    user: str,
    actions: pd.DataFrame,
    replaces: int | None,
    at: dt.datetime,
) -> int:
    """Write one snapshot and its actions inside the caller's transaction; returns its id."""
    snapshot_id = con.execute(
        """INSERT INTO plan_snapshots (as_at, file_name, sha256, submitted_by, submitted_at,
                                       actions, replaces)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        [as_at, file_name, sha256, user, at, len(actions), replaces],
    ).fetchall()[0][0]
    rows = actions.assign(snapshot_id=snapshot_id).rename(columns={"row": "source_row"})
    con.register("plan_rows", rows)
    try:
        con.execute(
            """INSERT INTO plan_actions BY NAME
               SELECT CAST(snapshot_id AS INTEGER) AS snapshot_id, CAST(ref AS VARCHAR) AS ref,
                      CAST(theme AS VARCHAR) AS theme, CAST(action AS VARCHAR) AS action,
                      CAST(lead AS VARCHAR) AS lead, CAST(due AS DATE) AS due,
                      CAST(status AS VARCHAR) AS status, CAST(completed AS DATE) AS completed,
                      CAST(indicators AS VARCHAR) AS indicators,
                      CAST(evidence AS VARCHAR) AS evidence,
                      CAST(source_row AS INTEGER) AS source_row
               FROM plan_rows"""
        )
    finally:
        with contextlib.suppress(duckdb.Error):  # an aborted transaction refuses even this
            con.unregister("plan_rows")
    return int(snapshot_id)


def snapshot_row(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict | None:
    """One snapshot's record, rolled back or not; None when there is no such snapshot."""
    frame = con.execute(
        f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM plan_snapshots WHERE id = ?", [snapshot_id]
    ).df()
    return None if frame.empty else _dates(frame, ("as_at",)).iloc[0].to_dict()


def mark_rolled_back(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, user: str, at: dt.datetime
) -> None:
    con.execute(
        "UPDATE plan_snapshots SET rolled_back_at = ?, rolled_back_by = ? WHERE id = ?",
        [at, user, snapshot_id],
    )


# --- reads for the pages, the report and the command line --------------------------------


def snapshots(store: Store) -> pd.DataFrame:
    """Every snapshot, newest first, rolled back ones included, with whether each is live."""
    frame = store.query(
        f"""SELECT {", ".join(f"s.{c}" for c in SNAPSHOT_COLUMNS)},
                   c.id IS NOT NULL AS live
            FROM plan_snapshots s LEFT JOIN current_plan_snapshots c ON c.id = s.id
            ORDER BY s.id DESC"""
    )
    return _dates(frame, ("as_at",))


def version_of(listed: pd.DataFrame) -> str:
    """The plan version a list of every snapshot (`snapshots`) was read at."""
    if listed.empty:
        return fingerprint(0, 0, 0)
    return fingerprint(len(listed), listed["id"].max(), listed["rolled_back_at"].notna().sum())


def live_actions(store: Store) -> pd.DataFrame:
    """The actions of every live snapshot (one per month), with its as-at month and id."""
    frame = store.query(
        f"""SELECT c.as_at, c.id AS snapshot_id, c.submitted_by,
                   {", ".join(f"a.{c}" for c in ACTION_COLUMNS)}, a.source_row AS row
            FROM current_plan_snapshots c JOIN plan_actions a ON a.snapshot_id = c.id
            ORDER BY c.as_at, a.source_row"""
    )
    return _dates(frame, ("as_at", "due", "completed"))


def _dates(frame: pd.DataFrame, columns: tuple[str, ...] = ("due", "completed")) -> pd.DataFrame:
    """DuckDB's dates as Python dates (None when missing), as analysis.plan compares them."""
    for column in columns:
        if column in frame:
            frame[column] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[column]]
            frame[column] = frame[column].astype(object)
    return frame
