"""Shared fixtures: real DuckDB files in a temporary folder, never mocks.

`sample_db` holds what the dashboard loads into an empty database in demo use (the
illustrative sample, then the bundled DfE benchmark files); `empty_db` has the schema
and no figures. Each test gets its own copy, so tests may write.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from etl.sample.bundled import load_sample_if_empty
from etl.store.database import Store

# Property tests judge behaviour, never speed: timing goals live in `make bench`. Hypothesis's
# per-example deadline and its "too slow" check would otherwise flake on a busy 2-core machine.
settings.register_profile("cyps", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cyps")


@pytest.fixture(autouse=True)
def _demo_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Demo mode is an explicit opt-in (CYPS_DEMO=on, as `make run` sets it): tests of the
    app run as the demo does unless they say otherwise (tests of sign-in unset it)."""
    monkeypatch.setenv("CYPS_DEMO", "on")


def build_sample_db(path: Path) -> Store:
    """A new database at `path` filled as the dashboard fills an empty one in demo use:
    every sample workbook, then the bundled DfE benchmark files."""
    store = Store(path)
    assert load_sample_if_empty(store)
    return store


@pytest.fixture(scope="session")
def _sample_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per test process (about 2 s), then copied for each test."""
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
