"""The Overview sets beside a month only the DfE years published by then (issue 12 §2).

Driven through AppTest on the sample database with the bundled DfE files: at March 2017 the
"How we compare" tables show 2015/16 (published November 2016), never 2016/17 or 2024/25; at
October 2015 a measure whose first DfE year came out later says so in words.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.store.database import Store
from tests.pages.screens import app, html_tables


@pytest.fixture
def overview(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    return app("pages/overview.py", 90)


def comparators_at(at: AppTest, month: dt.date) -> pd.DataFrame:
    at.selectbox(key="as_at").set_value(month).run()
    assert not at.exception, at.exception
    tables = [t for t in html_tables(at) if "Published year" in t.columns]
    assert tables, "no How we compare table on the Overview"
    return pd.concat(tables, ignore_index=True).set_index("Indicator")


def test_march_2017_shows_no_comparator_year_published_after_march_2017(
    overview: AppTest,
) -> None:
    overview.run()
    table = comparators_at(overview, dt.date(2017, 3, 1))
    assert set(table["Published year"]) <= {"2015/16", "at 30 September 2016", "at 31 March 2016",
                                             "None yet"}  # fmt: skip
    reref = table.loc["Re-referrals within 12 months"]
    assert (reref["Published year"], reref["England"]) == ("2015/16", "22.5%")
    assert "published November 2016" in reref["Comparison"]


def test_october_2015_shows_the_year_published_by_then_or_says_none_was(
    overview: AppTest,
) -> None:
    overview.run()
    table = comparators_at(overview, dt.date(2015, 10, 1))
    assert table.loc["Re-referrals within 12 months", "Published year"] == "2014/15"
    caseload = table.loc["Average social worker caseload"]
    assert caseload["Published year"] == "None yet"
    assert caseload["Comparison"] == "No DfE figure had been published by October 2015"


def test_the_sources_beside_national_figures_name_publications_not_files(
    overview: AppTest,
) -> None:
    """Issue 16 §5: a councillor reads "DfE, Characteristics of children in need", never the
    import's file and column ("c1_children_in_need….csv, referral_count")."""
    overview.run()
    sources = [s for s in comparators_at(overview, dt.date(2017, 3, 1))["Source"] if s]
    assert sources and all(s.startswith("DfE, ") for s in sources), sources
    assert not [s for s in sources if ".csv" in s or ".xlsx" in s or "_" in s], list(sources)
