"""Shared fixtures: real DuckDB files in a temporary folder, never mocks.

`sample_db` holds the illustrative sample exactly as the dashboard loads it (every
file in `SAMPLE_FILES` order through `etl.load.prepare` and `commit`); `empty_db`
has the schema and no figures. Each test gets its own copy, so tests may write.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.config import SAMPLE_DIR
from etl.load import commit, prepare
from etl.sample import SAMPLE_FILES
from etl.sample_load import SAMPLE_SUBMITTER
from etl.store import Store


def build_sample_db(path: Path) -> Store:
    """Load every sample workbook into a new database at `path`, as the dashboard would."""
    store = Store(path)
    for name in SAMPLE_FILES:
        commit(store, prepare(name, (SAMPLE_DIR / name).read_bytes()), SAMPLE_SUBMITTER)
    return store


@pytest.fixture(scope="session")
def _sample_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per test process (about 0.4 s), then copied for each test."""
    return build_sample_db(tmp_path_factory.mktemp("sample") / "sample.duckdb").path


@pytest.fixture
def sample_db(_sample_db_file: Path, tmp_path: Path) -> Store:
    """A database holding the four illustrative sample submissions (its own copy)."""
    path = tmp_path / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, path)
    return Store(path)


@pytest.fixture
def empty_db(tmp_path: Path) -> Store:
    """A database with every table and no submissions."""
    store = Store(tmp_path / "cyps.duckdb")
    with store.connect():
        pass  # opening creates the schema
    return store
