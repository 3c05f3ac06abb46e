"""Loading a published file as a benchmark release: read it, then store it, all or nothing.

The readers (`dfe_files`, `dfe_values`, `neighbour_models`, `comparators_file`) turn a file
into rows; `etl.store.benchmark_releases` writes them as one release with its history. The
same file twice adds nothing; a revised figure never hides the one it replaced.
"""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass
from pathlib import Path

from etl.benchmarks.comparators_file import read_comparators
from etl.benchmarks.dfe_files import KIND_DESCRIPTIONS, sniff_kind
from etl.benchmarks.dfe_values import read_values
from etl.benchmarks.mapping import MappingRow, mapping
from etl.benchmarks.neighbour_models import read_neighbours
from etl.store.benchmark_releases import (
    count_release,
    existing_release,
    new_release,
    store_neighbours,
    store_values,
)
from etl.store.database import Connection


@dataclass(frozen=True)
class LoadResult:
    file_name: str
    file_kind: str
    status: str  # 'loaded' | 'no change' | 'already loaded'
    release_id: int | None
    rows_read: int = 0
    rows_added: int = 0
    rows_changed: int = 0
    blanks: int = 0
    model: str | None = None

    def summary(self) -> str:
        """One line for the command line and the upload page."""
        what = KIND_DESCRIPTIONS.get(self.file_kind, self.file_kind)
        if self.status == "already loaded":
            return f"{self.file_name}: already loaded (release {self.release_id}); nothing changed."
        subject = f"neighbour model {self.model}" if self.model else what
        blanks = f", {self.blanks} blank cells skipped" if self.blanks else ""
        return (
            f"{self.file_name}: {subject}, release {self.release_id}: {self.rows_read} rows read, "
            f"{self.rows_added} added, {self.rows_changed} revised{blanks}."
        )


def load_file(
    con: Connection,
    path: str | Path,
    user: str | None = None,
    model: str | None = None,
    rows: tuple[MappingRow, ...] | None = None,
    own_transaction: bool = True,
) -> LoadResult:
    """Import one published file as a release, all or nothing.

    Raises `BenchmarkFileError` (one sentence, nothing loaded) for a file we cannot read.
    `model` names a statistical-neighbour model when the file name has no year in it. Pass
    `own_transaction=False` when the caller already holds a transaction (`Store.writing()`),
    which DuckDB cannot nest; the caller's commit or rollback then covers this load.
    """
    path = Path(path)
    return load_bytes(con, path.name, path.read_bytes(), user, model, rows, own_transaction)


def load_bytes(
    con: Connection,
    file_name: str,
    content: bytes,
    user: str | None = None,
    model: str | None = None,
    rows: tuple[MappingRow, ...] | None = None,
    own_transaction: bool = True,
) -> LoadResult:
    """`load_file` for a file that is not on disk (an upload): its name and its bytes."""
    user = user or getpass.getuser() or "unknown"
    rows = mapping() if rows is None else rows
    sha = hashlib.sha256(content).hexdigest()
    kind = sniff_kind(file_name, content)
    existing = existing_release(con, sha)
    if existing is not None:
        return LoadResult(file_name, kind, "already loaded", existing)
    blanks, model_name = 0, None
    if kind == "sn_model":
        model_name, incoming = read_neighbours(file_name, model, content)
    elif kind == "comparators":
        incoming = read_comparators(file_name, content)
    else:
        kind, incoming, blanks = read_values(file_name, rows, content)
    if own_transaction:
        con.execute("BEGIN TRANSACTION")
    try:
        release_id = new_release(con, file_name, kind, sha, user, len(incoming))
        if kind == "sn_model" and model_name is not None:
            added, changed = store_neighbours(con, release_id, model_name, incoming)
        else:
            added, changed = store_values(con, release_id, incoming)
        count_release(con, release_id, added, changed)
        if own_transaction:
            con.execute("COMMIT")
    except BaseException:
        if own_transaction:
            con.execute("ROLLBACK")
        raise
    status = "loaded" if added or changed else "no change"
    return LoadResult(
        file_name, kind, status, release_id, len(incoming), added, changed, blanks, model_name
    )
