"""Fixtures for the benchmark tests: a real database holding the bundled DfE files."""

from __future__ import annotations

import pytest

from etl.sample.bundled import load_bundled_benchmarks
from etl.store.database import Store


@pytest.fixture(scope="session")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The published DfE files exactly as the dashboard loads them (read-only in these tests)."""
    store = Store(tmp_path_factory.mktemp("bench") / "bench.duckdb")
    load_bundled_benchmarks(store)
    return store
