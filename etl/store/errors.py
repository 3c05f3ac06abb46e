"""The store's own errors: what went wrong with the database file, in sentences to act on.

DuckDB's messages name C++ internals and byte offsets. The store catches them where it opens
and uses the file (`Store.connect`) and raises one of these instead, so the command line
prints the sentence and every page shows it, and nobody sees a traceback. The original
DuckDB error stays attached (`__cause__`) for the server's log.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.errors import CypsError, Kind

# Words in DuckDB's messages that mean the file itself is not a sound database.
_DAMAGE_SIGNS = (
    "not a valid duckdb database file",
    "could not read enough bytes",
    "corrupt database file",
    "checksum",
    "failed to deserialize",
    "serialization error",
    "invalid block",
    "database has been invalidated",
    "unsupported version",
    "not a duckdb database",
)
_FULL_SIGNS = ("no space left on device", "disk quota exceeded")
_DENIED_SIGNS = ("permission denied", "read-only file system", "operation not permitted")


class StoreError(CypsError, RuntimeError):
    """The database cannot be used right now; the message says what happened and what to do."""

    kind = Kind.DATABASE_DAMAGED


class StoreBusy(StoreError):
    """Another program holds the database; the message says what to do."""

    kind = Kind.DATABASE_BUSY


class StoreDamaged(StoreError):
    """The database file is damaged or is not a database: restore the latest backup."""


class StoreTooNew(StoreError):
    """The file was made by a newer release of the application than this one."""


def busy(path: Path) -> StoreBusy:
    return StoreBusy(
        f"The database {path.name} is in use by another program (perhaps a load from the "
        "command line). Try again in a minute."
    )


def damaged(path: Path) -> StoreDamaged:
    return StoreDamaged(
        f"The database file {path} is damaged or is not a database, so nothing can be read "
        "from it or saved to it. Nothing was changed. Ask IT to restore the latest backup "
        f"(python -m etl restore BACKUP --db {path} --force, as the README's deployment "
        "section describes) and then check it with: python -m etl check."
    )


def translate(err: duckdb.Error, path: Path) -> StoreError | None:
    """The store's error for a DuckDB error about the file itself; None for anything else.

    Mistakes in SQL (a missing column, a broken constraint) are bugs, not conditions of the
    file, and are left as they are so they are seen and fixed.
    """
    text = str(err).lower()
    if isinstance(err, duckdb.FatalException) or any(s in text for s in _DAMAGE_SIGNS):
        return damaged(path)
    if not isinstance(err, duckdb.IOException):
        return None
    if any(s in text for s in _FULL_SIGNS):
        return StoreError(
            f"The database {path.name} could not be written: the disk it is on is full. "
            "Nothing was changed. Free some space (or ask IT to), then try again."
        )
    if any(s in text for s in _DENIED_SIGNS):
        return StoreError(
            f"The database {path} cannot be opened: this program's account may not read or "
            "write it. Nothing was changed. Ask IT to check the file's owner and permissions "
            "(the application's account should own it, mode 600)."
        )
    return StoreError(
        f"The database {path} could not be opened or read ({err.__class__.__name__}). "
        "Nothing was changed. Try again in a minute; if it happens again, run "
        "python -m etl check and restore the latest backup if the check fails."
    )
