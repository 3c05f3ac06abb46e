"""Every page, as each role sees it, in real Chromium: no error, charts drawn, accessible.

One test per role: pick the role once, then click through every link in the sidebar
(clicking keeps the Streamlit session, and so the role). Problems are collected across
all the pages and reported together, so one run shows everything that is wrong.
"""

from __future__ import annotations

import pytest

from core.catalogue import catalogue

from .accessibility import axe_violations, blocking, describe
from .harness import (
    ROLE_OPTION_LABELS,
    assert_no_error,
    chart_count,
    choose_role,
    current_role_label,
    error_boxes,
    nav_links,
    open_app,
    screenshot,
    visit,
    wait_ready,
)
from .server import ARTIFACTS, server_traceback

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FAMILY_PAGES = [f.url_path for f in catalogue().families]
EVERY_ROLE = ["overview", *FAMILY_PAGES, "benchmarking", "plan", "report", "about"]
ALL_PAGES = [*EVERY_ROLE, "extract", "upload", "history", "audit"]
EXPECTED = {
    "member": (EVERY_ROLE, ["upload", "history", "extract", "audit"]),
    "officer": ([*EVERY_ROLE, "extract", "audit"], ["upload", "history"]),
    "director": (ALL_PAGES, []),
}
WITH_PLOTLY = {*FAMILY_PAGES, "plan"}
# The overview is a scorecard table whose "last 13 months" column draws sparklines
# (st.dataframe), not a Plotly chart.
WITH_TABLE = {"overview"}


@pytest.mark.parametrize("role", ["member", "officer", "director"])
def test_every_page_renders_cleanly_for_role(page, request, role: str) -> None:
    open_app(page)
    assert_no_error(page)
    choose_role(page, role)

    links = nav_links(page)
    shown, hidden = EXPECTED[role]
    assert not set(shown) - set(links), f"{role} should see {sorted(set(shown) - set(links))}"
    assert not set(hidden) & set(links), f"{role} must not see {sorted(set(hidden) & set(links))}"

    problems: list[str] = []
    for key, href in links.items():
        visit(page, href)
        screenshot(page, request, key)
        if current_role_label(page) != ROLE_OPTION_LABELS[role]:
            problems.append(f"{key}: the role changed to {current_role_label(page)!r}")
        problems += [f"{key}: error box: {text}" for text in error_boxes(page)]
        if key in WITH_PLOTLY and chart_count(page) == 0:
            problems.append(f"{key}: no Plotly chart was drawn")
        if key in WITH_TABLE and not page.locator('[data-testid="stDataFrame"]').count():
            problems.append(f"{key}: no table was drawn")
        serious = blocking(axe_violations(page))
        if serious:
            problems.append(f"{key}: accessibility (WCAG 2.2 AA):\n{describe(serious)}")
    if any(": error box: " in p for p in problems):
        problems.append(f"Last traceback in the server log:\n{server_traceback(page)}")
    assert not problems, f"As {role}:\n" + "\n".join(problems)


LAPTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL_JS = """() => {
    const e = document.scrollingElement;
    return [e.scrollWidth, e.clientWidth];
}"""
HEADLINE = ".st-key-headline"
TABLES, CARDS = '[class*="st-key-scorecard-table"]', '[class*="st-key-scorecard-cards"]'


def _overview_problems(page, size: str) -> list[str]:
    """What is wrong with the Overview as drawn at this size (issue 16 §1, §2, §6)."""
    problems = []
    wide, visible = page.evaluate(NO_SIDEWAYS_SCROLL_JS)
    if wide > visible + 1:
        problems.append(f"{size}: the page scrolls sideways ({wide}px of content in {visible}px)")
    problems += [f"{size}: error box: {text}" for text in error_boxes(page)]
    serious = blocking(axe_violations(page))
    if serious:
        problems.append(f"{size}: accessibility (WCAG 2.2 AA):\n{describe(serious)}")
    return problems


def _fold_sidebar(page) -> None:
    """On a phone the sidebar opens over the page, as a person would close it: fold it."""
    page.wait_for_timeout(800)  # a sidebar Streamlit folds itself on resizing slides away
    sidebar = page.locator('[data-testid="stSidebar"]')
    button = page.locator('[data-testid="stSidebarCollapseButton"] button')
    if button.count() and sidebar.is_visible():
        sidebar.hover()
        button.first.click()
        page.wait_for_timeout(800)


def test_overview_headline_above_the_fold_and_no_sideways_scroll_on_laptop_and_phone(
    page, request
) -> None:
    """At 1440×900 the headline is on screen without scrolling and the scorecard is tables;
    at 390×844 the scorecard is cards; neither size scrolls sideways or fails axe."""
    page.set_viewport_size(LAPTOP)
    open_app(page)
    assert_no_error(page)
    problems = _overview_problems(page, "1440×900")
    headline = page.locator(HEADLINE)
    box = headline.bounding_box() if headline.count() else None
    if box is None or not headline.is_visible() or box["y"] + 40 > LAPTOP["height"]:
        problems.append(f"1440×900: the headline is not on screen without scrolling ({box})")
    if not page.locator(TABLES).first.is_visible() or page.locator(CARDS).first.is_visible():
        problems.append("1440×900: the scorecard should be tables, not cards")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-1440.png"))
    screenshot(page, request, "overview-1440-full")

    page.set_viewport_size(PHONE)
    page.reload()
    page.locator(HEADLINE).wait_for()
    wait_ready(page)
    _fold_sidebar(page)
    problems += _overview_problems(page, "390×844")
    if page.locator(TABLES).first.is_visible() or not page.locator(CARDS).first.is_visible():
        problems.append("390×844: the scorecard should be one card per indicator, not tables")
    page.screenshot(path=str(ARTIFACTS / "overview-390.png"))
    screenshot(page, request, "overview-390-full")
    assert not problems, "On the Overview:\n" + "\n".join(problems)


def test_a_family_page_does_not_scroll_sideways_on_laptop_or_phone(page, request) -> None:
    """The Re-referrals page (a chart with key events, its table and summary) at both sizes:
    no sideways scroll, axe 0 serious or critical; screenshots to compare the event marks."""
    problems = []
    page.set_viewport_size(LAPTOP)
    open_app(page)
    visit(page, nav_links(page)["rereferrals"])
    for size, name in ((LAPTOP, "1440"), (PHONE, "390")):
        page.set_viewport_size(size)
        if size is PHONE:
            _fold_sidebar(page)
        page.locator(".js-plotly-plot .main-svg").first.wait_for()  # Plotly draws late
        problems += _overview_problems(page, name)
        page.screenshot(path=str(ARTIFACTS / f"rereferrals-{name}.png"))
        screenshot(page, request, f"rereferrals-{name}-full")
    assert not problems, "On Re-referrals:\n" + "\n".join(problems)
