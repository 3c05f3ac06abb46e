"""Issue 14's families on the pages, from the catalogue alone: AppTest on the sample database.

The Overview groups the new measures under their families, each family has its page, the
derived rates show beside the uploaded figures (worked out from the sample's counts and
population), the About page defines every new measure with its national definition, and the
committee report's summary has a section per new family.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from core.catalogue import catalogue
from tests.pages.screens import html_tables, screen, shown

CAT = catalogue()
NEW_FAMILIES = ["child_protection", "exploitation", "social_workers", "children_in_care",
                "care_leavers", "quality", "population"]  # fmt: skip
TIMEOUT = 90


@pytest.fixture
def on_sample(sample_db, monkeypatch):
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    return sample_db


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return shown("\n".join(parts))


def scorecard_row(at: AppTest, name: str) -> dict:
    for table in [*html_tables(at), *(frame.value for frame in at.dataframe)]:  # Overview, report
        if "Indicator" in table.columns and name in set(table["Indicator"]):
            return table.set_index("Indicator").loc[name].to_dict()
    raise AssertionError(f"{name} not in any scorecard table")


def test_the_catalogue_has_the_new_families_beside_the_old() -> None:
    keys = [f.key for f in CAT.families]
    assert keys.index("social_workers") == keys.index("caseloads") + 1
    assert keys.index("children_in_care") == keys.index("placements") + 1
    assert set(NEW_FAMILIES) <= set(keys)
    for key in NEW_FAMILIES:
        assert CAT.in_family(key), key


def test_the_overview_groups_the_new_measures_and_shows_the_worked_out_rates(on_sample):
    at = screen("overview", TIMEOUT).run()
    assert not at.exception
    titles = [h.value for h in at.subheader]
    for key in NEW_FAMILIES:
        assert CAT.family(key).title in titles
    # 367 children on a plan and 56,550 children in March 2017: 64.9 per 10,000, as published
    assert scorecard_row(at, CAT.get("CP_RATE").name)["Latest"] == "64.9"
    assert scorecard_row(at, CAT.get("CL_EET").name)["Latest"] == "42.0%"
    agency = scorecard_row(at, CAT.get("SW_AGENCY").name)
    assert agency["Latest"] == "19.7%" and agency["Target"] == "15%"


@pytest.mark.parametrize("code", ["CP_RATE", "LAC_RATE", "REF_RATE", "CSE_VISITS", "CL_IN_TOUCH"])
def test_each_new_measure_has_its_chart_on_its_family_page(on_sample, code: str):
    ind = CAT.get(code)
    at = screen(CAT.family(ind.family).url_path, TIMEOUT)
    at.query_params["indicator"] = ind.name
    at.run()
    assert not at.exception
    assert at.get("plotly_chart"), "a chart is drawn"
    assert any(m.value.startswith(f"**{ind.name}") for m in at.markdown)
    assert "in March 2017" in texts(at)


def test_the_child_protection_rate_reads_as_the_published_march_2017_figure(on_sample):
    at = screen("child-protection", TIMEOUT)
    at.query_params["indicator"] = CAT.get("CP_RATE").name
    at.run()
    summary = next(m.value for m in at.markdown if m.value.startswith("**Children subject"))
    assert "64.9 in March 2017" in summary
    table = next(d.value for d in at.dataframe if "Month" in d.value.columns)
    assert table.set_index("Month").loc["March 2016", "Figure"] == "65.3"


def test_the_about_page_defines_every_new_measure_with_its_national_definition(on_sample):
    at = screen("about", TIMEOUT).run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    text = texts(at)
    first_new = CAT.codes.index("REF_RATE")
    for ind in CAT.indicators[first_new:]:
        assert ind.name in labels, ind.code
        assert shown(ind.official_definition)[:60] in text, ind.code
    assert "100 minus that percentage" in text  # CL_IN_TOUCH: where the local measure differs
    assert "never uploaded" in text  # the derived rates say how they are worked out


def test_the_report_page_summary_has_a_section_for_each_new_family(on_sample):
    at = screen("report", TIMEOUT).run()
    assert not at.exception
    assert at.selectbox(key="report_month").value == dt.date(2017, 3, 1)
    bold = [m.value for m in at.markdown]
    for key in NEW_FAMILIES:
        if key == "population":  # no figure in March 2017: entered each April
            continue
        assert f"**{CAT.family(key).title}**" in bold, key
    assert scorecard_row(at, CAT.get("LAC_RATE").name)["Latest"] == "86.3"


@pytest.mark.parametrize(
    ("key", "year", "expected"),
    [
        ("CL_EET", 2017, "In 2016/17, Rotherham's figure for care leavers aged 19 to 21 in "
         "education, employment or training was 42%, worse than England (50%)"),
        ("CP_ICPC_15WD", 2016, "was 84.3%, better than England (76.7%)"),
        ("CP_RATE", 2016, "65.3"),
    ],
)  # fmt: skip
def test_how_we_compare_offers_the_new_measures_with_lait_s_figures(
    on_sample, key: str, year: int, expected: str
) -> None:
    at = screen("benchmarking", TIMEOUT).run()
    at.selectbox(key="bm_measure").select(key).run()
    at.selectbox(key=f"bm_year_{key}").select(year).run()
    assert not at.exception
    assert expected in texts(at)
