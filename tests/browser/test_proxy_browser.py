"""Through the shipped nginx configuration in real Chromium: the page, its websocket, an upload.

The dashboard runs in two Streamlit processes behind nginx with deploy/nginx/cyps.conf
(tests/deploy/proxy_fixtures.py), over this module's own copy of the sample database, in
demo mode. The browser is the harness's Chromium; each session gets its own context.

- The Overview and a chart page work over HTTPS through the proxy, their websocket is the
  proxy's (wss://), and the Content-Security-Policy blocks nothing the page needs.
- Issue 17's integration test: a director uploads through the proxy (the session's page,
  websocket and upload all reach one process), and a session held on the *other* process
  sees the new figure. The two sessions are put on different processes with routing cookies
  chosen for that, and nginx's access log proves which process served each request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.serve import Running
from etl.store.database import Store
from tests.deploy.proxy_fixtures import ROUTE_COOKIE, proxied_app, route_keys, served_by
from tests.deploy.proxy_fixtures import wait_for_log as logged_for

from .harness import (
    READY_MS,
    assert_no_error,
    chart_count,
    nav_links,
    open_app,
    rerun,
    visit,
)
from .server import _require_chromium
from .upload_steps import (
    CHANGED_MONTH,
    CODE,
    CONFIRM,
    FAMILY_PAGE,
    LOAD_BUTTON,
    chart_value,
    current_value,
    settle,
    start_as_director,
    tick,
    upload,
    workbook_with,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

UPLOADED = 24.6  # Re-referrals, March 2017: not the sample's figure
VIOLATIONS_JS = """
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
        window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture(scope="module")
def deployment(own_db: Path) -> Iterator[Running]:
    _require_chromium()  # no point starting a deployment nobody can visit
    with proxied_app(own_db) as running:
        yield running


def every_nav_link(page) -> dict[str, str]:
    """The sidebar's links, all of them: past ten pages Streamlit folds the rest under a
    "View N more" button, which is opened first if it is there."""
    more = page.get_by_text(re.compile(r"^View \d+ more$"))
    if more.count():
        more.first.click()
        page.get_by_text(re.compile(r"^View less$")).first.wait_for()
    return nav_links(page)


def session(browser, deployment: Running, route: str | None = None):
    """A browser context (one device) on the proxy; `route` pins it to one process."""
    context = browser.new_context(
        base_url=deployment.url, ignore_https_errors=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(READY_MS)
    context.add_init_script(VIOLATIONS_JS)
    if route:
        context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": deployment.url}])
    return context


def test_the_overview_and_a_chart_page_work_through_the_proxy_within_its_policy(
    browser, deployment: Running
) -> None:
    context = session(browser, deployment)
    try:
        page = context.new_page()
        sockets: list[str] = []
        console: list[str] = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        open_app(page)
        assert_no_error(page)
        page.get_by_role("heading", name="Overview").first.wait_for()
        visit(page, nav_links(page)[FAMILY_PAGE])
        assert_no_error(page)
        page.wait_for_function("() => document.querySelector('.js-plotly-plot .main-svg')")
        assert chart_count(page) > 0
        violations = page.evaluate("window.__cspViolations")
    finally:
        context.close()
    assert sockets == [f"{deployment.url.replace('https', 'wss')}/_stcore/stream"]
    assert violations == []
    assert not [m for m in console if "Content Security Policy" in m], console


def test_a_figure_uploaded_on_one_process_is_seen_by_a_session_on_the_other(
    browser, deployment: Running, own_db: Path
) -> None:
    store = Store(own_db)
    before = current_value(store, CHANGED_MONTH)
    assert before is not None and before != pytest.approx(UPLOADED)
    (director_process, director_route), (member_process, member_route) = sorted(
        route_keys(deployment).items()
    )
    director_context = session(browser, deployment, director_route)
    member_context = session(browser, deployment, member_route)
    try:
        # A councillor on the other process has the chart open before the upload.
        member = member_context.new_page()
        open_app(member)
        member_links = nav_links(member)
        visit(member, member_links[FAMILY_PAGE])
        assert chart_value(member, CHANGED_MONTH) == pytest.approx(before)

        # The director uploads and loads a new figure through the proxy.
        director = director_context.new_page()
        start_as_director(director)
        visit(director, every_nav_link(director)["upload"])
        correction = workbook_with([(CODE, CHANGED_MONTH, None, UPLOADED)])
        upload(director, "march-correction.xlsx", correction)
        director.get_by_role("heading", name="3. Check the preview").wait_for()
        tick(director, CONFIRM)
        with rerun(director):
            director.get_by_role("button", name=LOAD_BUTTON, exact=True).click()
        settle(director)
        assert_no_error(director)
        assert current_value(store, CHANGED_MONTH) == pytest.approx(UPLOADED)

        # The councillor's session, on the other process, moves on and comes back.
        visit(member, member_links["overview"])
        visit(member, member_links[FAMILY_PAGE])
        assert_no_error(member)
        assert chart_value(member, CHANGED_MONTH) == pytest.approx(UPLOADED)
    finally:
        director_context.close()
        member_context.close()

    # nginx's log: the upload, and each session's every request, stayed on its own process;
    # and the two sessions' websockets (logged when they close) were on different processes.
    assert director_process != member_process
    assert served_by(deployment, director_route, "PUT /_stcore/upload_file/") == {director_process}
    assert logged_for(deployment, director_route, "GET /_stcore/stream") == {director_process}
    assert logged_for(deployment, member_route, "GET /_stcore/stream") == {member_process}
    assert served_by(deployment, director_route) == {director_process}
    assert served_by(deployment, member_route) == {member_process}
