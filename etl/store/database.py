"""The DuckDB store: submissions, versioned figures, targets and the audit log.

Figures are never overwritten. Each accepted file is a submission, and the
current value of (indicator, period, breakdown) is the one from the latest
submission that gave it and has not been rolled back. Rolling back marks a
submission; it deletes nothing, so history is always complete.

DuckDB lets only one process hold the file for writing, so every operation
opens the file, works and closes it, retrying briefly if another process (the
command line, say, while the dashboard is running) holds it at that moment.

A file that is damaged, held too long, made by a newer release or not this
application's is reported with the store's own errors (`etl.store.errors`),
sentences that say what to do, never DuckDB's traceback. The schema and its
upgrades are `etl.store.schema`; features add their tables in SCHEMA_HOOKS.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NoReturn

import duckdb
import pandas as pd

from core.settings import database_path
from etl.store import chain, plan_schema, schema
from etl.store.benchmark_releases import SCHEMA_VERSION as BENCHMARK_SCHEMA_VERSION
from etl.store.benchmark_releases import ensure_schema as ensure_benchmark_schema
from etl.store.errors import StoreBusy, StoreDamaged, StoreError, StoreTooNew, busy, translate
from etl.store.schema import SchemaPart

__all__ = ["SchemaPart", "Store", "StoreBusy", "StoreDamaged", "StoreError", "StoreTooNew"]

SCHEMA_VERSION = schema.CORE_VERSION
# What every other package names a database connection by: only etl.store imports duckdb.
Connection = duckdb.DuckDBPyConnection
# Every part of the schema, created or upgraded when a file is opened (etl.store.schema says
# how). A feature adds its tables with one entry: SchemaPart("name", version, create[,
# {old_version: upgrade_step}]), or the tuple ("name", version, create).
SCHEMA_HOOKS: list[SchemaPart | tuple] = [
    schema.CORE_PART,
    SchemaPart("benchmarks", BENCHMARK_SCHEMA_VERSION, ensure_benchmark_schema),
    SchemaPart(plan_schema.COMPONENT, plan_schema.SCHEMA_VERSION, plan_schema.ensure_schema),
]
BUSY_RETRY_SECONDS = 10.0
OWNER_ONLY = 0o600  # a new database file: read and written by the application's account only
# A file changed this recently may change again without its timestamps moving (they
# tick in steps: a few ms on ext4, 1-2 s on some filesystems), so its version is not
# remembered until it has been quiet this long. See Store.data_version.
SETTLED_NS = 2_000_000_000


_write_locks: dict[Path, threading.Lock] = {}
_connect_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()
# path -> (file_stamp, version): the last version read while the file was settled.
_known_versions: dict[Path, tuple[tuple, str]] = {}
_versions_guard = threading.Lock()


class Store:
    """One DuckDB file, opened per operation."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(database_path(path)).resolve()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """An open connection to an up-to-date schema; DuckDB's errors about the file itself
        (damage, a full disk) become the store's sentences."""
        con = self._open()
        try:
            yield con
        except duckdb.Error as err:
            _reraise(err, self.path)
        finally:
            con.close()

    @contextmanager
    def inspect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection that changes nothing, not even an old schema (for checks).

        Refuses a file made by a newer release; a missing file is an OSError.
        """
        if not self.path.is_file():
            raise FileNotFoundError(2, "No such database file", str(self.path))
        con = self._open(read_only=True)
        try:
            schema.refuse_newer(schema.installed(con) or {}, _parts())
            yield con
        except duckdb.Error as err:
            _reraise(err, self.path)
        finally:
            con.close()

    def _open(self, read_only: bool = False, upgrade: bool = True) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting up to BUSY_RETRY_SECONDS while another program holds it.

        A file this call creates is made owner-only. With `upgrade` (not read-only), the
        schema is brought up to date (`etl.store.schema.ensure`); backups open without it.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        deadline = time.monotonic() + BUSY_RETRY_SECONDS
        while True:
            try:
                # One connect at a time per file in this process: DuckDB's instance cache
                # raises "Unique file handle conflict ... already attached" when two
                # threads open the same file at the same moment (30 sessions did, measured).
                with _connect_lock(self.path):
                    con = duckdb.connect(str(self.path), read_only, config={"threads": 2})
                break
            except duckdb.IOException as err:
                if "lock" not in str(err).lower():
                    _reraise(err, self.path)
                if time.monotonic() > deadline:
                    raise busy(self.path) from None
                time.sleep(0.2)
            except duckdb.Error as err:
                _reraise(err, self.path)
        if created:
            self.path.chmod(OWNER_ONLY)
        if read_only or not upgrade:
            return con
        try:
            schema.ensure(con, self.path, SCHEMA_HOOKS)
        except BaseException as err:
            con.close()
            if isinstance(err, duckdb.Error):
                _reraise(err, self.path)
            raise
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
                    with suppress(duckdb.Error):  # a damaged file may refuse even this
                        con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
        finally:
            _forget_version(self.path)  # belt and braces: the file stamp changes anyway

    def query(self, sql: str, params: list | tuple = ()) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params).df()

    def data_version(self) -> str:
        """Changes whenever a submission lands or is rolled back, or commentary is redacted:
        a cache key for readers.

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
    """A fingerprint of submissions, benchmark releases and redactions: every change of what
    the pages show passes through one of them."""
    row = con.execute(
        "SELECT count(*), coalesce(max(id), 0), count(rolled_back_at), "
        "(SELECT count(*) FROM benchmark_releases) FROM submissions"
    ).fetchall()[0]
    redacted = con.execute("SELECT count(*) FROM redactions").fetchall()[0][0]
    if redacted:  # only then, so versions taken before any redaction keep their meaning
        row = (*row, redacted)
    plan = plan_schema.plan_version(con)  # improvement plan snapshots, once there are any
    return "-".join(str(int(v)) for v in row) + ("" if plan == plan_schema.NO_SNAPSHOTS else plan)


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


def _reraise(err: duckdb.Error, path: Path) -> NoReturn:
    """Raise the store's sentence for a DuckDB error about the file (DuckDB's as its cause),
    or the error itself when it is about something else (a bug to see and fix)."""
    problem = translate(err, path)
    if problem is None:
        raise err
    raise problem from err


def _parts() -> list[SchemaPart]:
    return [SchemaPart.of(h) for h in SCHEMA_HOOKS]


def _write_lock(path: Path) -> threading.Lock:
    with _locks_guard:
        return _write_locks.setdefault(path, threading.Lock())


def _connect_lock(path: Path) -> threading.Lock:
    with _locks_guard:
        return _connect_locks.setdefault(path, threading.Lock())


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
    """Append to the audit log: who did what, when, and how it ended.

    The row also records the operating-system account of this process (for the command
    line, the person logged in to the server, whatever --user says) and its link in the
    hash chain (`etl.store.chain`). Call it inside `Store.writing`.
    """
    chain.append(con, now(), username, role, action, outcome, json.dumps(detail or {}, default=str))
