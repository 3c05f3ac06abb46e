"""The published DfE files every new database starts with (data/benchmarks/bundled.toml).

A council that signs in, or an officer who creates the database with `python -m etl load`,
should find *How we compare* filled with the national figures, not only a demo with the
sample. The store cannot do it when it creates a file (etl.store sits below etl.benchmarks),
so the paths that open or create the database from above call `ensure_bundled`: the command
line before a command that may create the file, and the app once per process.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from core.settings import DATA_DIR
from etl.benchmarks.releases import LoadResult, load_file
from etl.store.database import Store

# Who the bundled releases are recorded as loaded by: published statistics, not illustrative.
BUNDLED_BY = "Bundled with the application (DfE published statistics)"


def bundled_files() -> list[Path]:
    """The files data/benchmarks/bundled.toml lists, in the order they are loaded."""
    with open(DATA_DIR / "benchmarks" / "bundled.toml", "rb") as fh:
        names = tomllib.load(fh)["files"]
    return [DATA_DIR / "dfe" / str(name) for name in names]


def load_bundled(store: Store, user: str = BUNDLED_BY) -> list[LoadResult]:
    """Load every bundled file as a release (a file already loaded adds nothing)."""
    with store.connect() as con:
        return [load_file(con, path, user=user) for path in bundled_files()]


def holds_releases(store: Store) -> bool:
    """True when the database exists and holds any benchmark release."""
    if not store.path.exists():
        return False
    frame = store.query("SELECT count(*) AS n FROM benchmark_releases")
    return bool(frame["n"].iloc[0])


def ensure_bundled(store: Store) -> int:
    """Create a database that does not exist yet with the bundled DfE files; how many loaded.

    Only a new file: one that exists is the council's, and is never written here (it may be
    damaged or held by another program, which the command that meets it reports; it may hold
    a director's newer release, which the older bundled files would be recorded as revising).
    Two processes creating the same file at once load each file once: a file already loaded
    (same SHA-256) adds no release.
    """
    if store.path.exists():
        return 0
    return sum(r.release_id is not None for r in load_bundled(store))
