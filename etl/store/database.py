"""The DuckDB store: submissions, versioned figures, targets and the audit log.

Figures are never overwritten. Each accepted file is a submission, and the
current value of (indicator, period, breakdown) is the one from the latest
submission that gave it and has not been rolled back. Rolling back marks a
submission; it deletes nothing, so history is always complete.

DuckDB lets only one process hold the file for writing, so every operation
opens the file, works and closes it, retrying briefly if another process (the
command line, say, while the dashboard is running) holds it at that moment.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from core.settings import database_path
from etl.benchmarks import SCHEMA_VERSION as BENCHMARK_SCHEMA_VERSION
from etl.store.benchmark_releases import ensure_schema as ensure_benchmark_schema

SCHEMA_VERSION = 1
BUSY_RETRY_SECONDS = 10.0
# A file changed this recently may change again without its timestamps moving (they
# tick in steps: a few ms on ext4, 1-2 s on some filesystems), so its version is not
# remembered until it has been quiet this long. See Store.data_version.
SETTLED_NS = 2_000_000_000

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS submission_ids START 1;
CREATE SEQUENCE IF NOT EXISTS audit_ids START 1;
CREATE TABLE IF NOT EXISTS schema_info (component VARCHAR PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY DEFAULT nextval('submission_ids'),
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    submitted_by VARCHAR NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    layout VARCHAR,
    values_added INTEGER NOT NULL,
    values_changed INTEGER NOT NULL,
    values_unchanged INTEGER NOT NULL,
    values_skipped INTEGER NOT NULL,
    targets_changed INTEGER NOT NULL,
    rolled_back_at TIMESTAMP,
    rolled_back_by VARCHAR
);
CREATE TABLE IF NOT EXISTS observations (
    submission_id INTEGER NOT NULL,
    indicator VARCHAR NOT NULL,
    period DATE NOT NULL,
    breakdown VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    numerator DOUBLE,
    denominator DOUBLE,
    commentary VARCHAR,
    source_sheet VARCHAR,
    source_row INTEGER,
    PRIMARY KEY (submission_id, indicator, period, breakdown)
);
CREATE TABLE IF NOT EXISTS target_revisions (
    submission_id INTEGER NOT NULL,
    indicator VARCHAR NOT NULL,
    effective_from DATE NOT NULL,
    target DOUBLE NOT NULL,
    amber_tolerance DOUBLE,
    PRIMARY KEY (submission_id, indicator, effective_from)
);
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY DEFAULT nextval('audit_ids'),
    occurred_at TIMESTAMP NOT NULL,
    username VARCHAR NOT NULL,
    role VARCHAR,
    action VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    detail VARCHAR
);
CREATE OR REPLACE VIEW active_observations AS
    SELECT o.*, s.submitted_at, s.submitted_by, s.file_name
    FROM observations o JOIN submissions s ON s.id = o.submission_id
    WHERE s.rolled_back_at IS NULL;
CREATE OR REPLACE VIEW current_observations AS
    SELECT * FROM active_observations
    QUALIFY row_number() OVER (
        PARTITION BY indicator, period, breakdown ORDER BY submission_id DESC) = 1;
CREATE OR REPLACE VIEW current_target_revisions AS
    SELECT t.*
    FROM target_revisions t JOIN submissions s ON s.id = t.submission_id
    WHERE s.rolled_back_at IS NULL
    QUALIFY row_number() OVER (
        PARTITION BY indicator, effective_from ORDER BY submission_id DESC) = 1;
"""

_write_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()
# path -> (file_stamp, version): the last version read while the file was settled.
_known_versions: dict[Path, tuple[tuple, str]] = {}
_versions_guard = threading.Lock()


class StoreBusy(RuntimeError):
    """Another program holds the database; the message says what to do."""


class Store:
    """One DuckDB file, opened per operation."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(database_path(path)).resolve()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._open()
        try:
            yield con
        finally:
            con.close()

    def _open(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + BUSY_RETRY_SECONDS
        while True:
            try:
                con = duckdb.connect(str(self.path), config={"threads": 2})
                break
            except duckdb.IOException as err:
                if "lock" not in str(err).lower():
                    raise
                if time.monotonic() > deadline:
                    raise StoreBusy(
                        f"The database {self.path.name} is in use by another program "
                        "(perhaps a load from the command line). Try again in a minute."
                    ) from None
                time.sleep(0.2)
        _ensure_schema(con)
        return con

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction, serialised with other writers in this process.

        Everything done inside is committed together or not at all.
        """
        try:
            with _write_lock(self.path), self.connect() as con:
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
        finally:
            _forget_version(self.path)  # belt and braces: the file stamp changes anyway

    def query(self, sql: str, params: list | tuple = ()) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params).df()

    def data_version(self) -> str:
        """Changes whenever a submission lands or is rolled back: a cache key for readers.

        "empty" while the file does not exist. Cheap when nothing was written: the
        version is read from the database (opening it costs 40-70 ms) only when the
        file's stamp (see `file_stamp`) differs from the one it was last read under.

        It cannot go stale. Every commit, in this process or another, writes the WAL
        or the database file, which moves that file's size or its change times; the
        stamp is taken *before* the version is read, so a write landing in between
        only costs one more read next time. Timestamps tick in steps, so two writes
        close together could leave them unchanged: a version is only remembered once
        the file has been quiet for `SETTLED_NS` (until then every call reads it).
        """
        stamp = self.file_stamp()
        if stamp is None:
            return "empty"
        with _versions_guard:
            known = _known_versions.get(self.path)
        if known is not None and known[0] == stamp:
            return known[1]
        read_at = time.time_ns()
        with self.connect() as con:
            current = version(con)
        if _settled(stamp, read_at):
            with _versions_guard:
                _known_versions[self.path] = (stamp, current)
        return current

    def file_stamp(self) -> tuple | None:
        """The database file's and its WAL's (inode, size, mtime_ns, ctime_ns); None if no file.

        DuckDB appends each commit to `<file>.wal` and checkpoints it into the file
        (then deletes the WAL), so any committed change moves this stamp. One stat per
        file: microseconds.
        """
        main = _stat(self.path)
        if main is None:
            return None
        return main, _stat(self.path.with_name(self.path.name + ".wal"))


def version(con: duckdb.DuckDBPyConnection) -> str:
    """A fingerprint of submissions and benchmark releases: every change passes through them."""
    row = con.execute(
        "SELECT count(*), coalesce(max(id), 0), count(rolled_back_at), "
        "(SELECT count(*) FROM benchmark_releases) FROM submissions"
    ).fetchall()[0]
    return "-".join(str(int(v)) for v in row)


def _stat(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _settled(stamp: tuple, read_at_ns: int) -> bool:
    """True when no part of the stamp changed within SETTLED_NS before the read began.

    A later write then stamps a time after `read_at_ns - SETTLED_NS`, which no time
    in this stamp reaches, so the stamp is bound to differ.
    """
    times = [t for part in stamp if part is not None for t in part[2:]]
    return max(times) < read_at_ns - SETTLED_NS


def _forget_version(path: Path) -> None:
    with _versions_guard:
        _known_versions.pop(path, None)


def _write_lock(path: Path) -> threading.Lock:
    with _locks_guard:
        return _write_locks.setdefault(path, threading.Lock())


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables; a database that has them all is only read, never written."""
    has_info = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_info'"
    ).fetchall()[0][0]
    installed = (
        dict(con.execute("SELECT component, version FROM schema_info").fetchall())
        if has_info
        else {}
    )
    wanted = [
        ("core", SCHEMA_VERSION, lambda c: c.execute(SCHEMA)),
        ("benchmarks", BENCHMARK_SCHEMA_VERSION, ensure_benchmark_schema),
    ]
    for component, version, create in wanted:
        if installed.get(component) == version:
            continue
        create(con)
        con.execute("INSERT OR REPLACE INTO schema_info VALUES (?, ?)", [component, version])


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def record_event(
    con: duckdb.DuckDBPyConnection,
    username: str,
    action: str,
    outcome: str,
    detail: dict | None = None,
    role: str | None = None,
) -> None:
    """Append to the audit log: who did what, when, and how it ended."""
    con.execute(
        "INSERT INTO audit_log (occurred_at, username, role, action, outcome, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [now(), username, role, action, outcome, json.dumps(detail or {}, default=str)],
    )
