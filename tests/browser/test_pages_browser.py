"""Every page, as each role sees it, in real Chromium at 1440×900 and 390×844 (issue 16).

One browser page per role, opened once for the module: pick the role, then click through
every link in the sidebar (clicking keeps the Streamlit session, and so the role). Each
page is checked at a laptop's size and, by resizing the same window, a phone's: no error,
charts drawn, no sideways scroll, axe 0 serious or critical; a screenshot of each goes to
test-artifacts/pages/<role>-<page>-<1440|390>.png. Problems are collected across all the
pages and reported together, so one run shows everything that is wrong. The Overview's
scorecard and a family page's keyboard path have tests of their own on the same pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from core.catalogue import catalogue
from ui.indicator_view import RAG_VIEW  # the chart view control, just before the chart

from .accessibility import axe_violations, blocking, describe
from .harness import (
    ROLE_OPTION_LABELS,
    chart_count,
    choose_role,
    current_role_label,
    error_boxes,
    nav_links,
    open_app,
    screenshot,
    visit,
)
from .layout import (
    LAPTOP,
    SIZES,
    fit_to,
    focused,
    ring_problem,
    scorecard_names,
    sideways_problems,
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
PAGE_SHOTS = ARTIFACTS / "pages"
# Whole-page pictures (every chart, both sizes) of the pages issue 16 asks to compare.
FULL_SHOTS = {("director", "overview"), ("director", "rereferrals")}
HEADLINE = ".st-key-headline"
TABLES, CARDS = '[class*="st-key-scorecard-table"]', '[class*="st-key-scorecard-cards"]'
KEYBOARD_PAGE = "rereferrals"  # a family page with one indicator: a chart, then its table


@pytest.fixture(scope="module")
def as_role(browser, app_url: str) -> Iterator[Callable[[str], object]]:
    """`as_role(role)`: that role's page, opened at 1440×900 once and kept for the module."""
    contexts, pages = [], {}

    def get(role: str):
        if role not in pages:
            context = browser.new_context(base_url=app_url, viewport=LAPTOP)
            context.set_default_timeout(30_000)
            contexts.append(context)
            pages[role] = context.new_page()
            open_app(pages[role])
            choose_role(pages[role], role)
        return pages[role]

    yield get
    for context in contexts:
        context.close()


def _overview_problems(page, size: str) -> list[str]:
    """The headline on screen without scrolling at 1440; tables at 1440 and cards at 390."""
    if size == "1440":
        headline = page.locator(HEADLINE)
        box = headline.bounding_box() if headline.count() else None
        if box is None or not headline.is_visible() or box["y"] + 40 > LAPTOP["height"]:
            return [f"the headline is not on screen without scrolling ({box})"]
        if not page.locator(TABLES).first.is_visible() or page.locator(CARDS).first.is_visible():
            return ["the scorecard should be tables, not cards"]
    elif page.locator(TABLES).first.is_visible() or not page.locator(CARDS).first.is_visible():
        return ["the scorecard should be one card per indicator, not tables"]
    return []


def _problems_at(page, role: str, key: str, size: str) -> list[str]:
    """Everything wrong with the page as drawn now; saves its screenshot(s) on the way."""
    page.screenshot(path=str(PAGE_SHOTS / f"{role}-{key}-{size}.png"))
    problems = sideways_problems(page)
    if current_role_label(page) != ROLE_OPTION_LABELS[role]:
        problems.append(f"the role changed to {current_role_label(page)!r}")
    problems += [f"error box: {text}" for text in error_boxes(page)]
    if key in WITH_PLOTLY and chart_count(page) == 0:
        problems.append("no Plotly chart was drawn")
    if key == "overview":
        problems += _overview_problems(page, size)
    serious = blocking(axe_violations(page))
    if serious:
        problems.append(f"accessibility (WCAG 2.2 AA):\n{describe(serious)}")
    return [f"{key} at {size}: {p}" for p in problems]


@pytest.mark.parametrize("role", ["member", "officer", "director"])
def test_every_page_a_role_sees_is_clean_on_a_laptop_and_a_phone(
    as_role, request: pytest.FixtureRequest, role: str
) -> None:
    page = as_role(role)
    links = nav_links(page)
    shown, hidden = EXPECTED[role]
    assert not set(shown) - set(links), f"{role} should see {sorted(set(shown) - set(links))}"
    assert not set(hidden) & set(links), f"{role} must not see {sorted(set(hidden) & set(links))}"

    PAGE_SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for key, href in links.items():
        fit_to(page, LAPTOP)  # the sidebar's links are on screen at a laptop's size
        visit(page, href)
        for size, window in SIZES.items():  # the same page, resized: no second visit
            fit_to(page, window)
            problems += _problems_at(page, role, key, size)
            if (role, key) in FULL_SHOTS:
                screenshot(page, request, f"{key}-{size}-full")
    if any(": error box: " in p for p in problems):
        problems.append(f"Last traceback in the server log:\n{server_traceback(page)}")
    assert not problems, f"As {role}:\n" + "\n".join(problems)


def test_scorecard_names_are_whole_and_every_column_fits_at_1440(as_role) -> None:
    """Issue 16 §2: at 1440×900 every indicator name in the scorecard shows in full (long
    names wrap) and no table needs sideways scrolling to reach its last column."""
    page = as_role("director")
    fit_to(page, LAPTOP)
    visit(page, nav_links(page)["overview"])
    page.locator(TABLES).first.wait_for()
    names, problems = scorecard_names(page, TABLES)
    known = [i.name for i in catalogue().indicators]
    assert names, "no indicator names were found in the scorecard tables"
    problems += [  # a name, or a name and the breakdown shown ("...: over 100 miles")
        f'"{name}" is not an indicator\'s whole name'
        for name in names
        if not any(name == whole or name.startswith(f"{whole}: ") for whole in known)
    ]
    assert not problems, "In the scorecard at 1440×900:\n" + "\n".join(problems)


def test_a_chart_is_one_tab_stop_its_table_the_next_and_the_focus_ring_shows(as_role) -> None:
    """Issue 16 §6, by keyboard on a family page: Tab from the chart's view control lands
    on the chart, one more Tab leaves it for its data table, and every stop on the way
    shows a focus ring at least 2px thick with 3:1 contrast (ui/style.py)."""
    page = as_role("director")
    fit_to(page, LAPTOP)
    visit(page, nav_links(page)[KEYBOARD_PAGE])
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    page.get_by_role("radio", name=RAG_VIEW, exact=True).focus()
    stops = []
    for _ in range(2):
        page.keyboard.press("Tab")
        stops.append(focused(page))
    chart, after = stops
    assert chart is not None and chart["chart"] == 0, f"Tab did not reach the chart: {chart}"
    assert after is not None and after["chart"] == -1, (
        f"the chart takes more than one tab stop: after {chart['name']!r} came {after}"
    )
    assert after["table"], f"after the chart, Tab went to {after['name']!r}, not its data table"
    rings = [problem for stop in (chart, after) if (problem := ring_problem(stop))]
    assert not rings, "\n".join(rings)
