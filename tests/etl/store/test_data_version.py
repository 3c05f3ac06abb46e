"""The per-run version check is cheap and never stale.

`Store.data_version()` remembers the version under the database file's stamp
(`os.stat` of the file and its WAL) and opens DuckDB again only when the stamp
moves. These tests write through the real paths (etl.ingest commit and rollback,
the bundled benchmarks load, a WAL checkpoint) against real DuckDB files, with the
in-process "forget after a write" shortcut switched off, so the stamp alone must
catch every change, as it must for a write from another process (the command line).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

import etl.store.database
from etl.benchmarks.releases import load_bytes
from etl.ingest.load import commit, prepare
from etl.ingest.rollback import rollback
from etl.store.database import Store, version
from tests.workbooks import xlsx
from ui import cached as data

TODAY = dt.date(2017, 6, 15)
HEADER = ["indicator", "period", "value"]


def exact(store: Store) -> str:
    with store.connect() as con:
        return version(con)


def upload(store: Store, month: str, value: float) -> int:
    prepared = prepare(
        f"{month}-{value}.xlsx", xlsx([HEADER, ["LAC_COUNT", month, value]]), today=TODAY
    )
    return commit(store, prepared, "director").submission_id


@pytest.fixture
def store(sample_db, monkeypatch) -> Store:
    """The sample database as CYPS_DB, with only the file stamp to detect writes."""
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    monkeypatch.setattr(etl.store.database, "_forget_version", lambda path: None)
    monkeypatch.setattr(etl.store.database, "SETTLED_NS", 0)  # remember at once; see the racy test
    return sample_db


def check(store: Store, seen: set[tuple], versions: list[str], wrote: bool = True) -> None:
    """After a write the stamp is new; ui.cached.version() always gives the exact version."""
    stamp = store.file_stamp()
    if wrote:
        assert stamp not in seen, "a write left the file stamp unchanged"
    seen.add(stamp)
    assert data.version() == exact(store)
    versions.append(data.version())


def test_every_commit_rollback_and_benchmarks_load_moves_the_stamp_and_the_version(store):
    seen, versions = set(), []
    check(store, seen, versions)
    for n in range(4):
        submission = upload(store, f"2015-0{n + 4}", 400 + n)
        check(store, seen, versions)
        rollback(store, submission, "director")
        check(store, seen, versions)
    club = b"indicator,year,area,value,source\nREF_24H,2015/16,Club,88.0,Club return 2016\n"
    with store.connect() as con:  # a benchmark release lands
        assert load_bytes(con, "club.csv", club, user="director").status == "loaded"
    check(store, seen, versions)
    assert len(set(versions)) == len(versions), "each write gave a new version"


def test_a_commit_while_another_connection_is_open_goes_to_the_wal_then_checkpoints(store):
    wal = store.path.with_name(store.path.name + ".wal")
    seen, versions = set(), []
    check(store, seen, versions)
    with store.connect() as reader:  # keeps the database open: no checkpoint on close
        submission = upload(store, "2015-09", 455)
        assert wal.exists(), "the commit waits in the WAL"
        check(store, seen, versions)
        reader.execute("CHECKPOINT")  # into the main file, and the WAL goes
        assert not wal.exists()
        check(store, seen, versions)
        rollback(store, submission, "director")
        check(store, seen, versions)
    check(store, seen, versions, wrote=False)  # closing may checkpoint: either way, exact
    assert len(set(versions)) == 3  # before, after the commit, after the rollback


def test_an_unchanged_file_is_answered_without_opening_the_database(store, monkeypatch):
    first = data.version()

    def refuse(self):
        raise AssertionError("opened the database although nothing changed")

    monkeypatch.setattr(Store, "connect", refuse)
    assert [data.version() for _ in range(3)] == [first] * 3


def test_a_write_just_after_the_read_is_not_hidden(store, monkeypatch):
    """The stamp is taken before the version is read, so a write landing just after
    the read leaves the old version under the old stamp, which the write moves. (Read
    first and stamp second, and the old version would sit under the new stamp.)"""
    monkeypatch.setattr(etl.store.database, "SETTLED_NS", -(10**18))  # trust even a fresh stamp
    submission = upload(store, "2015-10", 470)
    real_version = etl.store.database.version
    writes = []

    def read_then_write(con):
        found = real_version(con)
        if not writes:
            writes.append(rollback(Store(store.path), submission, "director"))
        return found

    monkeypatch.setattr(etl.store.database, "version", read_then_write)
    assert data.version() != exact(store)  # the read came before the rollback
    assert writes
    assert data.version() == exact(store)


def test_a_recently_written_file_is_read_every_time_until_it_settles(store, monkeypatch):
    """Timestamps tick in steps, so a just-written file's version is not remembered."""
    monkeypatch.setattr(etl.store.database, "SETTLED_NS", 3_600 * 10**9)  # an hour: never settled
    upload(store, "2015-11", 480)
    opened = []
    real_connect = Store.connect

    def counting(self):
        opened.append(1)
        return real_connect(self)

    monkeypatch.setattr(Store, "connect", counting)
    for _ in range(3):
        assert data.version() == exact(store)
    assert len(opened) == 6  # each data.version() and each exact() opened it


def test_a_settled_file_is_remembered_after_the_default_quiet_time(sample_db, monkeypatch):
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    upload(sample_db, "2015-12", 490)
    first = data.version()
    assert first == exact(sample_db)
    last_write = max(t for part in sample_db.file_stamp() if part for t in part[2:])
    while time.time_ns() < last_write + etl.store.database.SETTLED_NS + 10**8:
        time.sleep(0.1)
    assert data.version() == first  # read and remembered now that the file is quiet
    monkeypatch.setattr(Store, "connect", lambda self: pytest.fail("opened again"))
    assert data.version() == first


def test_a_missing_file_is_empty(tmp_path):
    store = Store(tmp_path / "none.duckdb")
    assert store.file_stamp() is None
    assert store.data_version() == "empty"
    assert not store.path.exists()


def test_replacing_the_file_moves_the_stamp(store, tmp_path):
    """Copying another database over the path (a restore) is noticed too."""
    before = data.version()
    other = Store(tmp_path / "other.duckdb")
    upload(other, "2015-04", 401)
    stamp = store.file_stamp()
    store.path.write_bytes(other.path.read_bytes())
    assert store.file_stamp() != stamp
    assert data.version() == exact(store) != before
