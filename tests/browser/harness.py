"""The real-browser harness's helpers: waiting for runs, moving between pages, errors, pictures.

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
- **Accessibility**: `accessibility.axe_violations` runs axe-core's WCAG 2.2 A/AA rules;
  tests fail on "serious" and "critical" findings. Findings inside Streamlit's own markup
  that no app code can change are listed in `STREAMLIT_MARKUP` and set aside there, only there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.roles import ROLE_LABELS

from .server import ARTIFACTS, server_traceback

SCREENSHOTS = ARTIFACTS / "screenshots"
READY_MS = 30_000
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SKELETON = '[data-testid="stSkeleton"]'
NAV_LINKS = '[data-testid="stSidebarNav"] a'
ROLE_SELECT_LABEL = "View the dashboard as"
ROLE_OPTION_LABELS = ROLE_LABELS  # role -> the label the select box shows
CONTENT_HEIGHT_JS = """() => Math.max(0, ...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stSidebarContent"]')].map(e => e.scrollHeight))"""


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
