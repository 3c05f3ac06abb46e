"""The real-browser harness: the real app, served by Streamlit, driven in real Chromium.

One Streamlit server (on a free loopback port, over a copy of the sample database)
and one Chromium serve the whole session; each test gets a fresh browser context.

What works with Streamlit 1.67 (checked on this app):

- **Readiness**: a run has finished when `[data-testid="stApp"]` carries
  `data-test-script-state="notRunning"` and no `[data-testid="stSkeleton"]` is left.
  After a click that starts a rerun, that attribute still reads "notRunning" for
  a few milliseconds, so actions that rerun the app go inside `with rerun(page):`,
  which waits until the state has left "notRunning" and come back.
- **Roles**: demo mode keeps the chosen role in `st.session_state`, which lives as
  long as the browser's websocket session. `page.goto(url)` opens a new session and
  the role resets to the default (director). So choose the role once with
  `choose_role(page, role)` and then move between pages by clicking the sidebar links
  (`visit`), which keeps the session and the role.
- **Errors**: `st.exception` and uncaught exceptions render `[data-testid="stException"]`
  (redacted to a generic sentence by `showErrorDetails = "none"`: `assert_no_error`
  quotes the last traceback from the server's log, test-artifacts/streamlit-<port>.log);
  `st.error` renders `[data-testid="stAlertContentError"]` inside `.stAlert`.
- **Screenshots**: Streamlit scrolls inside its main block, so `screenshot` grows the
  window to the content's height first; files go to test-artifacts/screenshots/.
- **Accessibility**: `axe_violations` runs axe-core's WCAG 2.2 A/AA rules; tests fail
  on "serious" and "critical" findings. Findings inside Streamlit's own markup that no
  app code can change are listed in `STREAMLIT_MARKUP` and not run there, only there.

Chromium is Debian's (`/usr/bin/chromium`): Playwright cannot download its own here.
Without it, browser tests skip on a developer's machine and fail under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.roles import ROLE_LABELS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_SECONDS = 60
READY_MS = 30_000
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SKELETON = '[data-testid="stSkeleton"]'
NAV_LINKS = '[data-testid="stSidebarNav"] a'
ROLE_SELECT_LABEL = "View the dashboard as"
ROLE_OPTION_LABELS = ROLE_LABELS  # role -> the label the select box shows
# axe-core rule tags for WCAG 2.2 level A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# axe findings inside Streamlit's own widgets, which no app code can change (checked
# with streamlit 1.67): element -> the axe rules not run inside it.
STREAMLIT_MARKUP = {
    # Sectioned navigation puts its section headings (<div>) straight inside the <ul>.
    '[data-testid="stSidebarNavItems"]': ("list", "listitem"),
    # st.date_input's day/month/year segments are 18x20 px (WCAG 2.5.8 wants 24 px).
    '[data-testid="stDateInput"]': ("target-size",),
}
CONTENT_HEIGHT_JS = """() => Math.max(0, ...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stSidebarContent"]')].map(e => e.scrollHeight))"""
_SERVER_LOGS: dict[str, Path] = {}  # base URL -> the server's log file


# --- Chromium -----------------------------------------------------------------------


def chromium_path() -> str | None:
    """Debian's Chromium; CYPS_CHROMIUM=/path/to/chromium points elsewhere."""
    if os.environ.get("CYPS_CHROMIUM"):
        wanted = Path(os.environ["CYPS_CHROMIUM"])
        return str(wanted) if wanted.is_file() else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _require_chromium() -> str:
    path = chromium_path()
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed, and CI must run the browser tests.")
    pytest.skip("Chromium not installed: sudo apt-get install chromium")


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


# --- the app ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


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


@contextmanager
def serve_app(db: Path) -> Iterator[str]:
    """Serve dashboard.py over the database file `db` until the block ends; yields the URL.

    `app_url` uses it for the session's server; a test module that needs other data (for
    example the DfE benchmarks) can override `app_url` with a server of its own.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "CYPS_DEMO"}
    env |= {"CYPS_DB": str(db), "PYTHONUNBUFFERED": "1"}
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-{port}.log"
    _SERVER_LOGS[url] = log_path
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"Streamlit did not start (exit code {server.poll()}):\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.25)
        yield url
    finally:
        _stop(server)


def warm_up(browser, url: str) -> None:
    """Visit a server that has just started, and wait until its first page has drawn.

    The first session after a start runs the script twice (ui.legacy_pages turns
    Streamlit's legacy pages mode off and reruns), with a moment of "notRunning" between
    the runs that `wait_ready` takes for the end; a test that acts in that moment waits
    for a rerun that never comes. Later sessions run once.
    """
    context = browser.new_context(base_url=url)
    try:
        tab = context.new_page()
        tab.goto("/")
        tab.locator(NAV_LINKS).first.wait_for(timeout=2 * READY_MS)
        wait_ready(tab)
    finally:
        context.close()


def server_traceback(page, chars: int = 3000) -> str:
    """The last traceback in the server's log: what a redacted error box is hiding."""
    log = next((p for url, p in _SERVER_LOGS.items() if page.url.startswith(url)), None)
    text = log.read_text(errors="replace") if log and log.exists() else ""
    start = text.rfind("Traceback (most recent call last)")
    return text[start:][-chars:] if start >= 0 else ""


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and anything it started (its whole process group)."""
    if server.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# --- helpers for tests --------------------------------------------------------------


def wait_ready(page, timeout: float = READY_MS) -> None:
    """Wait until the script run has finished and every placeholder has been replaced."""
    page.wait_for_selector(READY, state="attached", timeout=timeout)
    page.wait_for_function(
        f"() => document.querySelectorAll('{SKELETON}').length === 0", timeout=timeout
    )


def open_app(page, path: str = "/") -> None:
    """A fresh page load (and so a fresh Streamlit session, role director).

    The "not running" signal can show before the first run has even started, so wait
    first for the demo role choice, which only dashboard.py draws: then the app's own
    navigation is in place, not Streamlit's automatic list of the pages/ folder.
    """
    page.goto(path)
    page.get_by_role("combobox", name=ROLE_SELECT_LABEL).wait_for(timeout=READY_MS)
    wait_ready(page)


def nav_links(page) -> dict[str, str]:
    """The sidebar navigation as {page key: href}; the default page's href is the root.

    The key is the URL path without slashes ('referrals'); the root is 'overview'.
    """
    links = page.locator(NAV_LINKS)
    links.first.wait_for()
    found = {}
    for link in links.all():
        href = link.get_attribute("href") or ""
        found[urlparse(href).path.strip("/").rsplit("/", 1)[-1] or "overview"] = href
    return found


def current_role_label(page) -> str:
    return page.get_by_role("combobox", name=ROLE_SELECT_LABEL).input_value()


@contextmanager
def rerun(page, timeout: float = READY_MS) -> Iterator[None]:
    """Wrap an action that makes the app run again; returns when that new run has finished.

    A click returns before the browser has told the server, so for a few milliseconds
    the app still reads "notRunning" from the previous run. A mutation observer notes
    when the state changes after the action, and only after that does `wait_ready` count.
    A page may still be finishing a run of its own (a follow-up rerun) when the action
    comes; the state then never leaves "running" for our run to be seen starting, so a
    run in progress counts as started too, and callers wait for what they expect next.
    """
    page.evaluate(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            window.__cypsRunStarted =
                app.getAttribute('data-test-script-state') !== 'notRunning';
            if (window.__cypsObserved === app) return;
            window.__cypsObserved = app;
            new MutationObserver(() => { window.__cypsRunStarted = true; })
                .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
        }"""
    )
    yield
    page.wait_for_function("() => window.__cypsRunStarted === true", timeout=timeout)
    wait_ready(page, timeout)


def choose_role(page, role: str) -> None:
    """Pick a demo role in the sidebar select box and wait for the rerun to finish."""
    label = ROLE_OPTION_LABELS[role]
    if current_role_label(page) == label:
        return
    with rerun(page):
        page.get_by_role("combobox", name=ROLE_SELECT_LABEL).click()
        page.get_by_role("option", name=label, exact=True).click()
    assert current_role_label(page) == label


def visit(page, href: str) -> None:
    """Go to a page by clicking its sidebar link (keeps the session, so keeps the role)."""
    if page.url == href:
        return
    link = page.locator(f'{NAV_LINKS}[href="{href}"]')
    # The address changes when the server starts the new page's run, so it is the sign
    # that the click was taken. A click that lands while the app is busy with a run of
    # its own can be dropped by Streamlit; then, and only then, click once more.
    link.click()
    try:
        page.wait_for_url(href, timeout=READY_MS / 3)
    except PlaywrightTimeoutError:
        link.click()
        page.wait_for_url(href, timeout=READY_MS)
    wait_ready(page)


def error_boxes(page) -> list[str]:
    """The text of every exception and error box on the page (none is good)."""
    boxes = page.locator(
        '[data-testid="stException"], .stAlert:has([data-testid="stAlertContentError"])'
    )
    return [box.inner_text().strip()[:500] for box in boxes.all()]


def assert_no_error(page) -> None:
    errors = error_boxes(page)
    assert not errors, (
        f"{page.url} shows an error:\n"
        + "\n---\n".join(errors)
        + f"\nLast traceback in the server log:\n{server_traceback(page)}"
    )


def chart_count(page) -> int:
    """Plotly charts that have actually drawn (an SVG main layer inside the chart element)."""
    return page.locator(
        '[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg, .js-plotly-plot .main-svg'
    ).count()


def screenshot(page, request: pytest.FixtureRequest, name: str) -> Path:
    """Save a PNG of the whole page as test-artifacts/screenshots/<test>-<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    path = SCREENSHOTS / f"{test}-{name}.png"
    # Streamlit scrolls inside its main block, not the document, so `full_page` alone
    # stops at the window: grow the window to the content's height for the picture.
    size = page.viewport_size
    height = page.evaluate(CONTENT_HEIGHT_JS)
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 6000)})
    try:
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
    return path


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it stands.

    A few findings are in Streamlit's own markup, which the app cannot change
    (`STREAMLIT_MARKUP`): those rules alone are not run inside those elements. Every
    other rule runs there, and those rules run everywhere else.
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    run_only = {"type": "tag", "values": WCAG_TAGS}
    known = [sel for sel in STREAMLIT_MARKUP if page.locator(sel).count()]
    violations = axe.run(
        page,
        context={"exclude": [[sel] for sel in known]} if known else None,
        options={"runOnly": run_only, "resultTypes": ["violations"]},
    ).response["violations"]
    for selector in known:
        violations += axe.run(
            page,
            context={"include": [[selector]]},
            options={
                "runOnly": run_only,
                "rules": {rule: {"enabled": False} for rule in STREAMLIT_MARKUP[selector]},
                "resultTypes": ["violations"],
            },
        ).response["violations"]
    return violations


def describe(violations: list[dict]) -> str:
    """One line per rule, with the first offending element and why it fails."""
    lines = []
    for v in violations:
        node = v["nodes"][0]
        why = " ".join(node.get("failureSummary", "").split())[:200]
        lines.append(
            f"  {v['id']} ({v['impact']}, {len(v['nodes'])} element(s)): {v['help']}\n"
            f"    e.g. {node['html'][:160]}\n    {why}"
        )
    return "\n".join(lines)


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
