"""The audit log's hash chain: each row carries a SHA-256 over the previous row's hash and its own.

A row edited or deleted with SQL after it was written no longer matches the hash stored in it
(or in the row after it), so `python -m etl audit verify` can name the first broken link.
The chain proves the log was not quietly changed inside the file; someone able to rewrite the
whole chain from the changed row onward could hide that too, which is why the nightly backup
and `audit verify` both print the newest hash (the head): a head kept elsewhere anchors the log.

Rows are hashed in id order. Writers append inside the store's write transaction
(`Store.writing`, serialised within a process; DuckDB lets one process write at a time), so
two rows never claim the same predecessor.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import duckdb
import pandas as pd

GENESIS = ""  # the "previous hash" of the first row
# The columns a row's hash covers, in this order; `row_hash` itself is not among them.
HASHED_COLUMNS = (
    "id",
    "occurred_at",
    "username",
    "role",
    "action",
    "outcome",
    "detail",
    "os_user",
)
_BATCH = 5_000  # rows read at a time when verifying or re-hashing


@cache
def os_user() -> str:
    """The operating-system account of this process: the person at a server's command line,
    or the service account the web app runs as. Recorded beside every audit row."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        return f"uid {os.getuid()}"


def canonical(row: Sequence[object]) -> str:
    """One row's hashed content as text: the HASHED_COLUMNS values, JSON, times ISO."""
    values = [v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v for v in row]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)


def link(previous: str, row: Sequence[object]) -> str:
    return hashlib.sha256((previous + canonical(row)).encode("utf-8")).hexdigest()


def head(con: duckdb.DuckDBPyConnection) -> str:
    """The newest row's hash (GENESIS while the log is empty)."""
    found = con.execute("SELECT row_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchall()
    return (found[0][0] or GENESIS) if found else GENESIS


def append(
    con: duckdb.DuckDBPyConnection,
    occurred_at: dt.datetime,
    username: str,
    role: str | None,
    action: str,
    outcome: str,
    detail: str,
) -> int:
    """Write one audit row chained to the newest; returns its id. Call inside a transaction."""
    row_id = con.execute("SELECT nextval('audit_ids')").fetchall()[0][0]
    row = [row_id, occurred_at, username, role, action, outcome, detail, os_user()]
    con.execute(
        f"INSERT INTO audit_log ({', '.join(HASHED_COLUMNS)}, row_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*row, link(head(con), row)],
    )
    return int(row_id)


def rehash(con: duckdb.DuckDBPyConnection) -> int:
    """Chain every row in id order (the upgrade of a log written before the chain existed)."""
    previous, hashes = GENESIS, []
    for row in list(_rows(con)):
        previous = link(previous, row[:-1])
        hashes.append((row[0], previous))
    if hashes:
        con.register("chain_hashes", pd.DataFrame(hashes, columns=["id", "row_hash"]))
        con.execute(
            "UPDATE audit_log SET row_hash = c.row_hash FROM chain_hashes c "
            "WHERE audit_log.id = c.id"
        )
        con.unregister("chain_hashes")
    return len(hashes)


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head: str  # the newest row's hash
    newest: tuple[int, dt.datetime] | None  # the newest row's id and time
    broken_at: tuple[int, dt.datetime] | None  # the first row whose link does not hold

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    def sentence(self) -> str:
        if self.broken_at is not None:
            row_id, when = self.broken_at
            return (
                f"The audit log has been altered: the chain breaks at row {row_id} (written "
                f"{when:%d %B %Y at %H:%M:%S}). That row, or the row just before it, was "
                "changed or removed after it was written. Compare with the latest backup "
                "(python -m etl check --db BACKUP) to see what changed."
            )
        if self.newest is None:
            return "The audit log is empty, so there is nothing to verify."
        row_id, when = self.newest
        return (
            f"The audit log is intact: {self.rows:,} rows, each linked to the one before. "
            f"Newest row {row_id} ({when:%d %B %Y at %H:%M:%S}), hash {self.head}."
        )


def verify(con: duckdb.DuckDBPyConnection) -> ChainReport:
    """Check every link against the stored hash of the row before; report the first break."""
    previous, count, newest, broken = GENESIS, 0, None, None
    for row in _rows(con):
        count += 1
        stored = row[-1]
        newest = (int(row[0]), row[1])
        if broken is None and (stored is None or stored != link(previous, row[:-1])):
            broken = newest
        previous = stored or ""
    return ChainReport(count, previous, newest, broken)


def _rows(con: duckdb.DuckDBPyConnection) -> Iterator[tuple]:
    """Every row in id order, a batch at a time (on `con`: it may be inside a transaction)."""
    con.execute(f"SELECT {', '.join(HASHED_COLUMNS)}, row_hash FROM audit_log ORDER BY id")
    while batch := con.fetchmany(_BATCH):
        yield from batch
