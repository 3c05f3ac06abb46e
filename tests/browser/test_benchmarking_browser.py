"""How we compare, in real Chromium (issue 8): several measures and years, no errors.

The session's server holds the sample database as a new demo install fills it: the
illustrative sample and the bundled DfE files. What the page should say is computed with
`etl.benchmarks.queries` on the file the server's copy was made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.benchmarks.comparison import comparison, rank_trend
from etl.benchmarks.published import council_years_by_measure
from etl.store.database import Store

from .accessibility import axe_violations, blocking, describe
from .harness import assert_no_error, nav_links, open_app, rerun, screenshot, visit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Measure key -> earlier years to choose. Each measure is first seen in the year the page
# opens it on (its latest), so every selection reruns the page exactly once.
CHOICES = {
    "REREF_12M": [2020, 2016],  # a dashboard indicator, ranked
    "ASSESS_45WD": [2017],  # from the LAIT extract
    "CASELOAD_AVG": [2016],  # before the DfE's 2017 method change (the latest is after it)
    "DFE_LAC_OVER_20MI_OUTSIDE": [2016],  # a DfE-only looked-after measure
    "LAC_COUNT": [2014],  # a count: not ranked, no England line
}


@dataclass(frozen=True)
class Expected:
    label: str  # the Measure option
    year_label: str  # the Year option
    sentence: str  # the bold summary sentence
    ranked: bool
    dfe_only: bool
    method_change: bool  # the page warns about the DfE's change of method


@pytest.fixture(scope="module")
def expected(_sample_db_file: Path) -> dict[str, list[tuple[int, Expected]]]:
    """What the page should say for each choice: measure key -> [(year, Expected)]."""
    store = Store(_sample_db_file)  # the server reads a copy, so this never meets its lock
    years = council_years_by_measure(store)
    found: dict[str, list[tuple[int, Expected]]] = {}
    for key, earlier in CHOICES.items():
        assert set(earlier) <= set(years.get(key, ())), f"{key}: no DfE figures for {earlier}"
        trend = rank_trend(store, key)
        labels = dict(zip(trend["year"], trend["period_label"], strict=True))
        found[key] = []
        for year in [years[key][0], *earlier]:  # the page opens a measure on its latest year
            c = comparison(store, key, year, "mean")
            want = Expected(
                label=c.measure.label,
                year_label=labels[year],
                sentence=c.sentence,
                ranked=not trend["rank"].isna().all(),
                dfe_only=c.measure.dfe_only,
                method_change=bool(c.notes),
            )
            found[key].append((year, want))
    return found


def select(page, label: str, option: str) -> None:
    """Choose in a select box; a choice it already shows does not rerun the page.

    The option's text is typed first, so the list holds only it: a click on an option far
    down a long list can miss while the list scrolls.
    """
    box = page.get_by_role("combobox", name=label, exact=True)
    if box.input_value() == option:
        return
    box.click()
    box.fill(option)
    with rerun(page):
        page.get_by_role("option", name=option, exact=True).click()
    assert box.input_value() == option


def drawn(page, key: str) -> bool:
    """The Plotly chart with this key has drawn its SVG."""
    return page.locator(f".st-key-{key} .js-plotly-plot .main-svg").count() > 0


def test_benchmarking_renders_for_several_measures_and_years(page, request, expected) -> None:
    found = expected
    open_app(page, "/about")  # a light page to start on; the role stays the default
    visit(page, nav_links(page)["benchmarking"])
    assert_no_error(page)
    assert page.get_by_role("heading", name="How we compare").count() == 1

    problems: list[str] = []
    for key, years in found.items():
        for n, (year, want) in enumerate(years):
            if n == 0:
                select(page, "Measure", want.label)
            else:
                select(page, "Year", want.year_label)
            assert page.get_by_role("combobox", name="Year").input_value() == want.year_label
            assert_no_error(page)
            where = f"{key} {year}"
            if not page.get_by_text(want.sentence, exact=True).count():
                problems.append(f"{where}: the summary sentence is missing: {want.sentence!r}")
            if not drawn(page, "comparison_bars"):
                problems.append(f"{where}: the comparison chart did not draw")
            if want.ranked != drawn(page, "rank_trend"):
                problems.append(f"{where}: rank chart drawn is {not want.ranked}")
            if (
                not want.ranked
                and not page.get_by_text("is not ranked, so there is no rank").count()
            ):
                problems.append(f"{where}: no sentence saying it is not ranked")
            dfe_note = page.get_by_text("DfE measure, not a dashboard indicator.").count() > 0
            if dfe_note != want.dfe_only:
                problems.append(f"{where}: 'DfE measure' note shown is {dfe_note}")
            warned = page.get_by_text("The DfE changed how this is measured").count() > 0
            if warned != want.method_change:
                problems.append(f"{where}: method-change warning shown is {warned}")
            screenshot(page, request, f"{key}-{year}")
        serious = blocking(axe_violations(page))
        if serious:
            problems.append(f"{key}: accessibility (WCAG 2.2 AA):\n{describe(serious)}")
    assert not problems, "\n".join(problems)
