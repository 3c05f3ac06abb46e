"""The improvement plan's tables: one part of the store's schema, registered in SCHEMA_HOOKS.

Kept apart from the plan's queries (`etl.store.plan_snapshots`) so that `etl.store.database`
can list it among its schema parts without importing anything that imports the store.
`ensure_schema` is idempotent (every statement is IF NOT EXISTS or OR REPLACE); the store calls
it once for a file that does not yet record the part `plan` at SCHEMA_VERSION.
"""

from __future__ import annotations

import duckdb

COMPONENT = "plan"
SCHEMA_VERSION = 1
NO_SNAPSHOTS = "plan-0-0-0"  # plan_version of a file with no snapshot yet

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS plan_snapshot_ids START 1;
CREATE TABLE IF NOT EXISTS plan_snapshots (
    id INTEGER PRIMARY KEY DEFAULT nextval('plan_snapshot_ids'),
    as_at DATE NOT NULL,            -- the month the snapshot describes (first of the month)
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    submitted_by VARCHAR NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    actions INTEGER NOT NULL,       -- rows in the file, withdrawn ones included
    replaces INTEGER,               -- the live snapshot for the same month it revised, if any
    rolled_back_at TIMESTAMP,
    rolled_back_by VARCHAR
);
CREATE TABLE IF NOT EXISTS plan_actions (
    snapshot_id INTEGER NOT NULL,
    ref VARCHAR NOT NULL,
    theme VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    lead VARCHAR NOT NULL,
    due DATE NOT NULL,              -- the due month (first of the month)
    status VARCHAR NOT NULL,
    completed DATE,
    indicators VARCHAR NOT NULL,    -- catalogue codes, comma-separated; '' for none
    evidence VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,    -- the row as Excel numbers it
    PRIMARY KEY (snapshot_id, ref)
);
CREATE OR REPLACE VIEW current_plan_snapshots AS
    SELECT * FROM plan_snapshots WHERE rolled_back_at IS NULL
    QUALIFY row_number() OVER (PARTITION BY as_at ORDER BY id DESC) = 1;
"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the plan tables and view if they are missing (safe to call every time)."""
    con.execute(SCHEMA)


def plan_version(con: duckdb.DuckDBPyConnection) -> str:
    """A fingerprint of the plan snapshots: changes with every load and rollback.

    `etl.store.database.version` adds it to the data version once a snapshot exists, so the
    pages' cached reads of the plan are read afresh after a load or a rollback.
    """
    row = con.execute(
        "SELECT count(*), coalesce(max(id), 0), count(rolled_back_at) FROM plan_snapshots"
    ).fetchall()[0]
    return fingerprint(*row)


def fingerprint(snapshots: int, last_id: int, rolled_back: int) -> str:
    """The plan version from its three counts (also worked out from a list of snapshots)."""
    return f"plan-{int(snapshots)}-{int(last_id)}-{int(rolled_back)}"
