"""The app gives a new database the national comparators in every mode (issue 16 §9).

A configured deployment (no demo, no sample) starts empty of figures, yet *How we compare*
must show the DfE's published figures: the dashboard creates the database with the bundled
DfE releases, once, and leaves a database that already exists alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.benchmarks.bundled_releases import bundled_files
from etl.store.database import Store
from tests.pages.screens import app


def releases(db: Path) -> list[str]:
    return list(
        Store(db).query("SELECT file_name FROM benchmark_releases ORDER BY id")["file_name"]
    )


def test_a_configured_deployment_creates_its_database_with_the_dfe_releases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "council.duckdb"
    monkeypatch.setenv("CYPS_DB", str(db))
    monkeypatch.delenv("CYPS_DEMO", raising=False)  # sign-in not configured: nobody gets in
    at = app("dashboard.py", 120).run()
    assert not at.exception, at.exception
    assert releases(db) == [p.name for p in bundled_files()]
    assert Store(db).query("SELECT count(*) AS n FROM submissions")["n"].iloc[0] == 0
    app("dashboard.py", 120).run()  # another session: nothing loaded twice
    assert releases(db) == [p.name for p in bundled_files()]


def test_an_existing_database_without_releases_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "existing.duckdb"
    with Store(db).connect():
        pass  # the council's file, made before: never written by this
    monkeypatch.setenv("CYPS_DB", str(db))
    monkeypatch.delenv("CYPS_DEMO", raising=False)
    at = app("dashboard.py", 120).run()
    assert not at.exception, at.exception
    assert releases(db) == []
