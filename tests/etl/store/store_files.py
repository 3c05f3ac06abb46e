"""Database files the store tests write: figures loaded, damaged copies, a file held elsewhere."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from core.settings import ROOT
from etl.ingest.load import commit, prepare
from etl.store.database import Store
from tests.workbooks import xlsx

TODAY = dt.date(2017, 6, 15)
HEADER = ["indicator", "period", "value", "commentary"]


def load(store: Store, rows: list[list[object]], name: str = "r.xlsx", user: str = "dee") -> int:
    """Commit one workbook of `rows` as `user`; the new submission's id."""
    result = commit(store, prepare(name, xlsx([HEADER, *rows]), today=TODAY), user)
    assert result.submission_id is not None
    return result.submission_id


# A demo user's address: demo mode (which page tests use) is refused beside a named person's.
DEMO_DIRECTOR = "demo-director@example.invalid"


def figures_store(path: Path, user: str = "dee") -> Store:
    """A database with two submissions: one figure revised, one note, one audit row each."""
    store = Store(path)
    rows = [["LAC_COUNT", "2015-04", 410, "Start of year"], ["LAC_COUNT", "2015-05", 415]]
    load(store, rows, user=user)
    load(store, [["LAC_COUNT", "2015-05", 418, "Revised after audit"]], "revision.xlsx", user)
    return store


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def random_bytes_file(path: Path, size: int = 300_000) -> Path:
    """A file of random bytes named like a database (a bad copy, a disk error, a stray file)."""
    path.write_bytes(os.urandom(size))
    return path


def truncated_copy(source: Path, path: Path) -> Path:
    """`source` cut off halfway (a copy that ran out of disk, or was interrupted)."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def overwritten_block(source: Path, path: Path, table: str) -> Path:
    """A copy of `source` with 4 KB of zeros inside the block that holds `table`'s rows.

    The block's checksum no longer matches: DuckDB opens the file, and fails only when it
    reads that table (`pragma_storage_info` says which block; blocks are 256 KiB after three
    4 KiB headers).
    """
    con = duckdb.connect(str(source), read_only=True)
    block = con.execute(
        f"SELECT min(block_id) FROM pragma_storage_info('{table}') WHERE block_id >= 0"
    ).fetchall()[0][0]
    con.close()
    data = bytearray(source.read_bytes())
    at = 3 * 4_096 + block * 262_144 + 64
    data[at : at + 4_096] = bytes(4_096)
    path.write_bytes(bytes(data))
    return path


def checkpointed(store: Store) -> Path:
    """Write everything pending into the file itself, so the file alone is the database."""
    with store.connect() as con:
        con.execute("CHECKPOINT")
    return store.path


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SELECT count(*) FROM submissions").fetchall()
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold(path: Path, seconds: float = 60) -> subprocess.Popen:
    """Another program holding the database open read-write, as DuckDB's own CLI would."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.kill()
    holder.wait(30)
    time.sleep(0.1)  # the lock goes with the process
