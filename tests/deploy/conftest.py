"""The proxy tests' deployment: two Streamlit processes behind the shipped nginx configuration.

Started once per test process over a copy of the sample database (`proxy_fixtures` says
how, and where its logs go); skipped off CI when nginx is missing, failed under CI=true.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.serve import Running
from tests.deploy.proxy_fixtures import proxied_app


@pytest.fixture(scope="session")
def deployment(
    _sample_db_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("deploy") / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, db)
    with proxied_app(db) as running:
        yield running
