"""Backup, restore and compaction of the database file.

- `backup` takes a consistent snapshot while the app runs: it opens the file (waiting, as
  every operation does, while another program holds it), writes everything pending into
  it (`CHECKPOINT`), copies it while still holding it, so nothing can change mid-copy, and
  checks the copy. The app waits at most the copy's duration (well under a second for a
  council's figures).
- `restore` puts a backup in place only after checking it (it opens, its schema is one this
  release knows, `etl.store.integrity` passes), never over a database that holds anything
  unless forced, and keeps the database it replaces beside it. It is recorded in the
  restored database's audit log.
- `compact` rewrites the file into a fresh one, so text replaced by a redaction does not
  linger in blocks DuckDB has freed but not overwritten.

Every file written here is readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.errors import CypsError, Kind
from etl.store import schema
from etl.store.audit import log
from etl.store.database import OWNER_ONLY, Store, _forget_version, _parts, _write_lock
from etl.store.errors import StoreBusy, StoreError
from etl.store.integrity import Report, check


class NotRestored(CypsError):
    """A restore that was refused; the message says why and what to do. Nothing changed."""

    kind = Kind.CONFLICT


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    report: Report  # the check of the copy

    def summary(self) -> str:
        counts = self.report.counts
        return (
            f"Backup written to {self.path} ({self.size / 1e6:.1f} MB): "
            f"{counts.get('submissions', 0)} submission(s), {counts.get('figures', 0):,} "
            f"current figures, {counts.get('audit_rows', 0):,} audit rows."
        )


def backup(store: Store, output: Path) -> BackupResult:
    """Snapshot `store` to `output` (a file, or a folder for a dated name); never overwrites."""
    if not store.path.is_file():
        raise FileNotFoundError(2, "No such database file", str(store.path))
    if output.is_dir():
        output = output / f"{store.path.stem}-{dt.datetime.now():%Y-%m-%d-%H%M%S}.duckdb"
    if output.exists():
        raise FileExistsError(
            17, "A file is already there, and backups are never overwritten", str(output)
        )
    if output.resolve() == store.path:
        raise FileExistsError(17, "That is the database itself", str(output))
    partial = output.with_name(output.name + ".partial")
    _snapshot(store, partial)
    try:
        report = check(Store(partial))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    report.path = output
    return BackupResult(output, output.stat().st_size, report)


def _snapshot(store: Store, target: Path) -> None:
    """Checkpoint and copy the file while holding it (no other process can write meanwhile)."""
    with _write_lock(store.path):
        con = store._open(upgrade=False)
        try:
            schema.refuse_newer(schema.installed(con) or {}, _parts())
            con.execute("CHECKPOINT")
            _copy_owner_only(store.path, target)
        except duckdb.Error as err:
            target.unlink(missing_ok=True)
            raise StoreError(f"The backup could not be taken: {err}") from err
        finally:
            con.close()


def _copy_owner_only(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    target.chmod(OWNER_ONLY)


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    backup: Path
    replaced: Path | None  # where the database it replaced was kept
    report: Report  # the check of the restored database

    def summary(self) -> str:
        counts = self.report.counts
        kept = f" The database it replaced is kept at {self.replaced}." if self.replaced else ""
        return (
            f"Restored {self.path} from {self.backup}: {counts.get('submissions', 0)} "
            f"submission(s), {counts.get('figures', 0):,} current figures, "
            f"{counts.get('audit_rows', 0):,} audit rows.{kept}"
        )


def restore(
    backup_file: Path, store: Store, user: str, force: bool = False, role: str | None = None
) -> RestoreResult:
    """Check `backup_file`, then put it in place of `store`'s file; see the module docstring."""
    if not backup_file.is_file():
        raise NotRestored(f"There is no backup at {backup_file}. Nothing was changed.")
    if backup_file.resolve() == store.path:
        raise NotRestored("That backup is the database itself. Nothing was changed.")
    verdict = check(Store(backup_file))
    if not verdict.ok:
        _log_refusal(store, user, role, backup_file, "the backup failed its check")
        raise NotRestored(
            f"The backup {backup_file} did not pass its check, so it was not restored. Nothing "
            f"was changed. Try an earlier backup.\n{verdict.text()}"
        )
    held = _contents(store)
    if held and not force:
        _log_refusal(store, user, role, backup_file, f"the database holds {held}")
        raise NotRestored(
            f"The database {store.path} is not empty ({held}); restoring would replace it. "
            "Nothing was changed. Take a backup of it first (python -m etl backup --db "
            f"{store.path} --output FOLDER), then run the restore again with --force."
        )
    incoming = store.path.with_name(store.path.name + ".restoring")
    _copy_owner_only(backup_file, incoming)
    replaced = _set_aside(store) if held else None
    # A WAL left beside an empty database holds nothing, and must not be replayed onto the backup.
    store.path.with_name(store.path.name + ".wal").unlink(missing_ok=True)
    incoming.replace(store.path)
    _forget_version(store.path)
    detail = {
        "backup": str(backup_file),
        "backup_sha256": _sha256(backup_file),
        "replaced": str(replaced) if replaced else None,
        "forced": force,
    }
    log(store, user, "restore", "done", detail, role)  # upgrades an older backup first
    return RestoreResult(store.path, backup_file, replaced, check(store))


def _contents(store: Store) -> str:
    """What the database holds, in words ('' for nothing: no file, or an empty one)."""
    if not store.path.exists():
        return ""
    try:
        with store.inspect() as con:
            subs, events, releases = con.execute(
                "SELECT (SELECT count(*) FROM submissions), (SELECT count(*) FROM audit_log), "
                "(SELECT count(*) FROM benchmark_releases)"
            ).fetchall()[0]
    except StoreBusy:
        raise
    except (StoreError, duckdb.Error):
        return "it cannot be read: damaged, or not a database"
    if not (subs or events or releases):
        return ""
    return f"{subs} submission(s), {events} audit row(s) and {releases} benchmark release(s)"


def _set_aside(store: Store) -> Path:
    """Move the current file (and any WAL) to `<db>.replaced-<time>.duckdb`, owner-only."""
    stamp = f"{dt.datetime.now():%Y-%m-%d-%H%M%S}"
    aside = store.path.with_name(f"{store.path.name}.replaced-{stamp}.duckdb")
    wal = store.path.with_name(store.path.name + ".wal")
    with _write_lock(store.path):
        store.path.replace(aside)
        if wal.exists():
            wal.replace(aside.with_name(aside.name + ".wal"))
    aside.chmod(OWNER_ONLY)
    return aside


def _log_refusal(store: Store, user: str, role: str | None, backup_file: Path, why: str) -> None:
    """Record a refused restore in the database it would have replaced, if that one is sound."""
    if not store.path.exists():
        return
    # A damaged database cannot record it; the refusal is still printed.
    with suppress(StoreError, duckdb.Error, OSError):
        log(store, user, "restore", "refused", {"backup": str(backup_file), "reason": why}, role)


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def compact(store: Store) -> None:
    """Rewrite the file into a fresh one and put it in place, holding the file throughout.

    DuckDB leaves replaced values in freed blocks until they are reused; a copy made with
    `COPY FROM DATABASE` holds only what is current, so redacted text is gone from disk.
    """
    fresh = store.path.with_name(store.path.name + ".compacting")
    fresh.unlink(missing_ok=True)
    with _write_lock(store.path), store.connect() as con:
        con.execute("CHECKPOINT")
        name = con.execute("SELECT current_database()").fetchall()[0][0]
        con.execute(f"ATTACH '{_sql_text(fresh)}' AS compacted")
        try:
            con.execute(f'COPY FROM DATABASE "{name}" TO compacted')
        finally:
            con.execute("DETACH compacted")
        fresh.chmod(OWNER_ONLY)
        fresh.replace(store.path)  # while still held: nobody can write the old file meanwhile
    _forget_version(store.path)
