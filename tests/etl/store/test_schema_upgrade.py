"""A council's database from the previous release upgrades itself safely; a newer one is refused.

fixtures/release-34f1ca4.duckdb.gz is a real database made by the release before schema
versions 2 (commit 34f1ca4): `python -m etl load` of cyps-sample-2014-15.xlsx then `python -m
etl extract`, run with that commit's code (see fixtures/README.md). It is gzipped: 14 KB
instead of 2.3 MB.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.cli.main import main
from etl.store import database, schema
from etl.store.database import SchemaPart, Store, StoreError, StoreTooNew
from etl.store.integrity import check
from etl.store.queries import current_values
from tests.etl.store.store_files import figures_store, sha256

FIXTURE = Path(__file__).parent / "fixtures" / "release-34f1ca4.duckdb.gz"
TABLES_KEPT = ["submissions", "observations", "target_revisions", "benchmark_releases"]


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "cyps.duckdb"
    path.write_bytes(gzip.decompress(FIXTURE.read_bytes()))
    return path


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    """Every row of the tables that hold history, read without the store (nothing upgraded)."""
    con = duckdb.connect(str(path), read_only=True)
    found = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in TABLES_KEPT}
    found["audit_log"] = con.execute(
        "SELECT id, occurred_at, username, role, action, outcome, detail FROM audit_log ORDER BY id"
    ).df()
    found["schema_info"] = con.execute("SELECT * FROM schema_info ORDER BY ALL").df()
    con.close()
    return found


def test_the_previous_release_file_upgrades_keeping_every_row(old_file: Path, capsys) -> None:
    before = _tables(old_file)
    assert dict(before["schema_info"].values.tolist()) == {"core": 1, "benchmarks": 1}
    assert len(before["observations"]) == 300 and len(before["audit_log"]) == 2
    original = sha256(old_file)

    figures = current_values(Store(old_file))  # the first open upgrades it

    after = _tables(old_file)
    for table in [*TABLES_KEPT, "audit_log"]:
        pd.testing.assert_frame_equal(after[table], before[table], check_dtype=False)
    assert len(figures) == 300
    installed = dict(after["schema_info"].values.tolist())
    assert installed["core"] == schema.CORE_VERSION == 2
    copy = old_file.with_name("cyps.duckdb.before-upgrade-1-to-2.duckdb")
    assert sha256(copy) == original  # the copy is the file exactly as the old release left it
    assert copy.stat().st_mode & 0o777 == 0o600
    report = check(Store(old_file))
    assert report.ok, report.text()
    assert main(["audit", "verify", "--db", str(old_file)]) == 0
    assert "intact: 2 rows" in capsys.readouterr().out


def test_an_upgraded_file_takes_new_figures_and_rows_chain_on(old_file: Path, capsys) -> None:
    from tests.etl.store.store_files import load

    store = Store(old_file)
    load(store, [["LAC_COUNT", "2017-04", 470]], "later.xlsx")
    assert check(store).ok
    assert main(["check", "--db", str(old_file)]) == 0
    assert "Check passed" in capsys.readouterr().out


def test_the_check_reads_an_old_file_without_upgrading_it(old_file: Path) -> None:
    original = sha256(old_file)
    report = check(Store(old_file))
    assert report.ok, report.text()
    assert "upgraded (core 1 to 2)" in report.text()
    assert sha256(old_file) == original
    assert not list(old_file.parent.glob("*.before-upgrade-*"))


def test_a_file_from_a_newer_release_is_refused_with_a_sentence(tmp_path: Path, capsys) -> None:
    store = figures_store(tmp_path / "cyps.duckdb")
    with store.writing() as con:
        con.execute("UPDATE schema_info SET version = 7 WHERE component = 'core'")
    original = sha256(store.path)
    with pytest.raises(StoreTooNew) as refused:
        current_values(store)
    assert str(refused.value).startswith(
        f"This database was made by a newer release (schema 7); this release reads up to "
        f"{schema.CORE_VERSION}. Upgrade the application."
    )
    assert main(["submissions", "--db", str(store.path)]) == 1
    err = capsys.readouterr().err
    assert "made by a newer release (schema 7)" in err and "Traceback" not in err
    assert sha256(store.path) == original


def _widgets_v1(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS widgets (name VARCHAR)")


def test_a_feature_registers_its_tables_and_its_upgrade_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = figures_store(tmp_path / "cyps.duckdb")
    hooks = list(database.SCHEMA_HOOKS)
    monkeypatch.setattr(database, "SCHEMA_HOOKS", [*hooks, ("widgets", 1, _widgets_v1)])
    store.query("SELECT count(*) FROM submissions")  # a new feature's tables: simply created
    assert not list(tmp_path.glob("*.before-upgrade-*"))
    with store.writing() as con:
        con.execute("INSERT INTO widgets VALUES ('kept')")

    def add_colour(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("ALTER TABLE widgets ADD COLUMN colour VARCHAR DEFAULT 'blue'")

    widgets_v2 = SchemaPart("widgets", 2, _widgets_v1, {1: add_colour})
    monkeypatch.setattr(database, "SCHEMA_HOOKS", [*hooks, widgets_v2])
    assert store.query("SELECT * FROM widgets").values.tolist() == [["kept", "blue"]]
    assert (tmp_path / "cyps.duckdb.before-upgrade-widgets1-to-widgets2.duckdb").exists()


def test_an_upgrade_that_fails_halfway_changes_nothing_and_says_where_the_copy_is(
    old_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def core_then_fail(con: duckdb.DuckDBPyConnection) -> None:
        schema.core_1_to_2(con)  # the real step runs, then something goes wrong
        raise RuntimeError("disk quota reached during the upgrade")

    broken = SchemaPart("core", 2, schema.create_core, {1: core_then_fail})
    monkeypatch.setattr(database, "SCHEMA_HOOKS", [broken, *database.SCHEMA_HOOKS[1:]])
    before = _tables(old_file)
    with pytest.raises(StoreError, match="it was undone, so the file is as it was") as failed:
        Store(old_file).query("SELECT 1")
    assert "before-upgrade-1-to-2.duckdb" in str(failed.value)
    after = _tables(old_file)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(after[table], frame, check_dtype=False)
    con = duckdb.connect(str(old_file), read_only=True)
    columns = {r[0] for r in con.execute("DESCRIBE audit_log").fetchall()}
    con.close()
    assert "row_hash" not in columns  # the ALTER TABLE was rolled back with the rest
