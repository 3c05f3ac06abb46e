"""The real-browser harness's fixtures: one Streamlit server and one Chromium per session.

One Streamlit server (on a free loopback port, over a copy of the sample database)
and one Chromium serve the whole session; each test gets a fresh browser context.
What works with Streamlit 1.67, and the helpers tests use, are in `harness`; the
server and Chromium in `server`; the accessibility checks in `accessibility`.

Chromium is Debian's (`/usr/bin/chromium`): Playwright cannot download its own here.
Without it, browser tests skip on a developer's machine and fail under CI=true.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.store.database import Store

from .harness import READY_MS
from .server import CHROMIUM_ARGS, _require_chromium, serve_app


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_url: str) -> Iterator:
    """A new browser context (own cookies, own Streamlit session) on a 1280×900 window."""
    context = browser.new_context(base_url=app_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(READY_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def app_url(_sample_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve dashboard.py over a copy of the sample database; yields the base URL.

    The server's output goes to test-artifacts/streamlit-<port>.log, quoted on failure.
    """
    _require_chromium()  # no point starting a server nobody can visit
    db = tmp_path_factory.mktemp("app") / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, db)
    with serve_app(db) as url:
        yield url


@pytest.fixture(scope="module")
def own_db(
    _sample_db_file: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Path:
    """A copy of the sample database for one test module whose tests write (the session's
    server's copy stays pristine); such a module serves it by overriding `app_url`."""
    db = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]) / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, db)
    return db


@pytest.fixture(scope="module")
def own_server(own_db: Path) -> Iterator[str]:
    """dashboard.py served over this module's `own_db`; yields the base URL."""
    _require_chromium()  # no point starting a server nobody can visit
    with serve_app(own_db) as url:
        yield url


@pytest.fixture
def store(own_db: Path) -> Store:
    """This module's own database, read by the test between steps in the browser."""
    return Store(own_db)
