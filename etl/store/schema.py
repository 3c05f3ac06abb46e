"""The store's schema, its version in the file, and the upgrade of a file made by an older release.

The schema comes in parts (`SchemaPart`): the core (submissions, figures, targets, the audit
log, redactions) and each feature's own tables (benchmarks, and whatever a later feature
adds). Each part has a version recorded in the file's `schema_info` table (one row per
part). `etl.store.database.SCHEMA_HOOKS` lists the parts; opening a file brings each one up
to date:

- a part the file does not have yet is created (a new file, or a feature new to this file);
- a part at an older version is upgraded, step by step (`upgrades[n]` takes it from n to
  n + 1), all parts in **one transaction**, after a copy of the file is taken beside it
  (`<db>.before-upgrade-<old>-to-<new>.duckdb`): either every step lands or none does;
- a part at a newer version than this release knows means the file was made by a newer
  release: it is refused with a sentence, and nothing is written to it.

To add tables for a feature: write `create(con)` that makes them at version 1 (use
`CREATE ... IF NOT EXISTS`), and add `SchemaPart("feature", 1, create)` to SCHEMA_HOOKS. To
change them later: bump the version to 2, make `create` build the new shape, and add
`upgrades={1: step}` where `step(con)` turns a version-1 file into version 2 (an `ALTER
TABLE`, a new table, an `UPDATE`). A test that upgrades a file made by the previous release
(see tests/etl/store/test_schema_upgrade.py) shows it keeps every row.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.store import chain
from etl.store.errors import StoreError, StoreTooNew

Step = Callable[[duckdb.DuckDBPyConnection], object]

CORE = "core"
CORE_VERSION = 2  # 1: the release before issue 13; 2: audit chain, OS user, redactions

_AUDIT_LOG_V1 = """
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY DEFAULT nextval('audit_ids'),
    occurred_at TIMESTAMP NOT NULL,
    username VARCHAR NOT NULL,
    role VARCHAR,
    action VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    detail VARCHAR
"""
_REDACTIONS = """
CREATE SEQUENCE IF NOT EXISTS redaction_ids START 1;
CREATE TABLE IF NOT EXISTS redactions (
    id INTEGER PRIMARY KEY DEFAULT nextval('redaction_ids'),
    redacted_at TIMESTAMP NOT NULL,
    redacted_by VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    submission_id INTEGER NOT NULL,   -- the version the director pointed at
    indicator VARCHAR NOT NULL,
    period DATE NOT NULL,
    versions_changed INTEGER NOT NULL -- how many stored versions had their text replaced
);
"""
CORE_SQL = f"""
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
{_AUDIT_LOG_V1},
    os_user VARCHAR,   -- the operating-system account that wrote the row (CLI: the server login)
    row_hash VARCHAR   -- SHA-256 chained to the previous row: see etl.store.chain
);
{_REDACTIONS}
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


def create_core(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(CORE_SQL)


def core_1_to_2(con: duckdb.DuckDBPyConnection) -> None:
    """Audit rows gain the OS user and the hash chain (existing rows hashed in order)."""
    con.execute("ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS os_user VARCHAR")
    con.execute("ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS row_hash VARCHAR")
    con.execute(_REDACTIONS)
    chain.rehash(con)


@dataclass(frozen=True)
class SchemaPart:
    """One part of the schema: its name in schema_info, its version, how to make and upgrade it."""

    component: str
    version: int
    create: Step  # makes the part at `version` in a file that does not have it
    upgrades: Mapping[int, Step] = field(default_factory=dict)  # n -> step from n to n + 1

    @classmethod
    def of(cls, hook: SchemaPart | Sequence) -> SchemaPart:
        """A part from a SchemaPart or a (component, version, create[, upgrades]) tuple."""
        return hook if isinstance(hook, SchemaPart) else cls(*hook)


CORE_PART = SchemaPart(CORE, CORE_VERSION, create_core, {1: core_1_to_2})
_upgrade_guard = threading.Lock()


def installed(con: duckdb.DuckDBPyConnection) -> dict[str, int] | None:
    """The versions the file records, by part; None when it has no schema_info table."""
    has_info = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_info' "
        "AND schema_name = 'main'"
    ).fetchall()[0][0]
    if not has_info:
        return None
    return {str(k): int(v) for k, v in con.execute("SELECT * FROM schema_info").fetchall()}


def refuse_newer(have: Mapping[str, int], parts: Sequence[SchemaPart]) -> None:
    """StoreTooNew if any part of the file is newer than this release reads."""
    for part in parts:
        found = have.get(part.component, 0)
        if found > part.version:
            which = "" if part.component == CORE else f"{part.component} "
            raise StoreTooNew(
                f"This database was made by a newer release ({which}schema {found}); this "
                f"release reads up to {part.version}. Upgrade the application. Nothing was "
                "changed."
            )


def ensure(con: duckdb.DuckDBPyConnection, path: Path, hooks: Sequence) -> None:
    """Bring the file's schema up to date (see the module docstring).

    A file already up to date is only read, never written.
    """
    parts = [SchemaPart.of(h) for h in hooks]
    have = installed(con)
    if have is not None:
        refuse_newer(have, parts)
        if all(have.get(p.component) == p.version for p in parts):
            return
    elif con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()[0][0]:
        raise StoreError(
            f"The file {path} is a DuckDB database, but not one this application made (it has "
            "tables and no schema_info). Nothing was changed. Check --db (or CYPS_DB)."
        )
    with _upgrade_guard:  # another thread of this process may have upgraded it meanwhile
        have = installed(con) or {}
        refuse_newer(have, parts)
        older = [p for p in parts if have.get(p.component, p.version) < p.version]
        backup = _copy_before_upgrade(con, path, have, older) if older else None
        con.execute("BEGIN TRANSACTION")
        try:
            if not have:
                create_core(con)  # schema_info first: every other part records itself there
            for part in parts:
                _bring_up_to_date(con, part, have.get(part.component))
            con.execute("COMMIT")
        except Exception as err:
            con.execute("ROLLBACK")
            if backup is None:
                raise
            raise StoreError(
                f"The upgrade of {path.name} to this release's schema failed ({err}); it was "
                f"undone, so the file is as it was. A copy taken before is at {backup}. Keep "
                "running the previous release and report this."
            ) from err


def _bring_up_to_date(con: duckdb.DuckDBPyConnection, part: SchemaPart, have: int | None) -> None:
    if have == part.version:
        return
    if have is None:
        part.create(con)
    else:
        for step in range(have, part.version):
            if step not in part.upgrades:
                raise StoreError(f"no upgrade of {part.component} from schema {step}")
            part.upgrades[step](con)
    con.execute("INSERT OR REPLACE INTO schema_info VALUES (?, ?)", [part.component, part.version])


def backup_name(
    path: Path, have: Mapping[str, int], older: Sequence[SchemaPart], n: int = 1
) -> str:
    """`<db>.before-upgrade-<old>-to-<new>.duckdb`: the core's versions, or the part's.

    `n` > 1 numbers a second copy for the same step (an earlier one is never overwritten).
    """
    core = next((p for p in older if p.component == CORE), None)
    if core is not None:
        step = f"{have[CORE]}-to-{core.version}"
    else:
        p = older[0]
        step = f"{p.component}{have[p.component]}-to-{p.component}{p.version}"
    return f"{path.name}.before-upgrade-{step}{'' if n == 1 else f'-{n}'}.duckdb"


def _copy_before_upgrade(
    con: duckdb.DuckDBPyConnection, path: Path, have: Mapping[str, int], older: Sequence
) -> Path:
    """Checkpoint (so the file alone holds everything) and copy it beside itself, owner-only."""
    con.execute("CHECKPOINT")
    n = 1
    while (target := path.with_name(backup_name(path, have, older, n))).exists():
        n += 1  # never overwrite an earlier copy
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(path, partial)
    partial.chmod(0o600)
    partial.replace(target)
    return target
