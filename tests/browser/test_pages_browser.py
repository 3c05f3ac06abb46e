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
)
from .server import server_traceback

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
