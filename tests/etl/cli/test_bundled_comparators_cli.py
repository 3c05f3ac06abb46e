"""Every database the command line creates starts with the national comparators (issue 16 §9).

Real DuckDB files and the real bundled DfE files (data/benchmarks/bundled.toml); the first
month of the illustrative sample stands for a council's own workbook.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.settings import ROOT, SAMPLE_DIR
from etl.benchmarks.bundled_releases import BUNDLED_BY, bundled_files, ensure_bundled
from etl.benchmarks.releases import load_file
from etl.cli.main import main
from etl.sample.generate import SAMPLE_FILES
from etl.store.database import Store

MONTH = str(SAMPLE_DIR / SAMPLE_FILES[0])


def releases(path: Path) -> list[tuple[str, str]]:
    frame = Store(path).query("SELECT file_name, loaded_by FROM benchmark_releases ORDER BY id")
    return list(frame.itertuples(index=False, name=None))


def test_a_database_created_by_etl_load_lists_the_dfe_releases(tmp_path: Path) -> None:
    db = str(tmp_path / "new.duckdb")
    loaded = subprocess.run(
        [sys.executable, "-m", "etl", "load", "--db", db, "--user", "officer", MONTH],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "etl", "benchmarks", "list", "--db", db],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    for path in bundled_files():
        assert path.name in listed.stdout
    assert "No benchmark files loaded yet" not in listed.stdout


def test_loading_twice_adds_no_release(tmp_path: Path, capsys) -> None:
    db = tmp_path / "twice.duckdb"
    assert main(["load", "--db", str(db), "--user", "officer", MONTH]) == 0
    first = releases(db)
    assert [name for name, _ in first] == [p.name for p in bundled_files()]
    assert {who for _, who in first} == {BUNDLED_BY}
    assert main(["load", "--db", str(db), "--user", "officer", MONTH]) == 0
    assert main(["benchmarks", "list", "--db", str(db)]) == 0
    assert releases(db) == first


def test_a_database_that_already_holds_a_release_is_left_alone(tmp_path: Path) -> None:
    """Only a new file gets them: the older bundled files loaded after a director's newer
    release would be recorded as revisions of it."""
    store = Store(tmp_path / "own.duckdb")
    own = bundled_files()[-1]
    with store.connect() as con:
        load_file(con, own, user="director")
    assert ensure_bundled(store) == 0
    assert main(["load", "--db", str(store.path), "--user", "officer", MONTH]) == 0
    assert releases(store.path) == [(own.name, "director")]


def test_a_new_database_gets_the_bundled_files_before_a_director_s_own(tmp_path: Path) -> None:
    db = tmp_path / "first.duckdb"
    own = bundled_files()[-1]
    assert main(["benchmarks", "load", "--db", str(db), "--user", "director", str(own)]) == 0
    assert [name for name, _ in releases(db)] == [p.name for p in bundled_files()]


def test_commands_that_only_read_still_refuse_a_missing_database(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "typo.duckdb"
    assert main(["submissions", "--db", str(missing)]) == 1
    assert not missing.exists()
