"""The "How we compare" page, driven through the real app with Streamlit's AppTest.

The dashboard fills an empty database with the illustrative sample and the bundled DfE files
(about 3 s), so these tests use a real database in a temporary folder, choose measures and
years as a councillor would, and read what the page says.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.sample.bundled import load_sample_if_empty
from etl.store.database import Store
from tests.pages.screens import app, shown
from ui.navigation import NAVIGATION as NAVIGATION_TABLE

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/benchmarking.py"
# (measure key, year, text the page must show)
CHOICES = [
    ("REREF_12M", 2016, "worse than England (22.5%) and the statistical-neighbour mean (23.9%)"),
    ("ASSESS_45WD", 2016, "England (83.4%)"),
    ("CASELOAD_AVG", 2016, "The DfE changed how this is measured in 2017"),
    ("CASELOAD_AVG", 2020, "At 30 September 2020, Rotherham's figure"),
    ("DFE_LAC_OUTSIDE_BOUNDARY", 2016, "DfE measure, not a dashboard indicator"),
    ("DFE_LAC_OVER_20MI_OUTSIDE", 2016, "England (14%)"),
    ("DFE_SW_TURNOVER", 2019, "Rotherham's figure for social worker turnover rate"),
    ("REFERRALS", 2016, "This is a count"),
    ("LAC_COUNT", 2017, "This is a count"),
]


def _missing_dashboard_pages() -> list[str]:
    """Page files dashboard.py lists that are not (yet) in the tree: st.Page refuses those."""
    return [spec.source for spec in NAVIGATION_TABLE if not (ROOT / spec.source).exists()]


def _text(at: AppTest) -> str:
    parts = [shown(m.value) for m in at.markdown] + [shown(c.value) for c in at.caption]
    parts += [shown(i.value) for i in at.info] + [shown(w.value) for w in at.warning]
    return "\n".join(str(p) for p in parts)


def _choose(at: AppTest, key: str, year: int) -> None:
    at.selectbox(key="bm_measure").select(key).run()
    assert not at.exception, f"{key}: {at.exception}"
    at.selectbox(key=f"bm_year_{key}").select(year).run()
    assert not at.exception, f"{key} {year}: {at.exception}"


def _assert_page_for(at: AppTest, key: str, year: int, expected: str) -> None:
    text = _text(at)
    assert expected in text, f"{key} {year}: {expected!r} not on the page"
    assert "These are real published figures, not illustrative." in text
    assert "Symbols (DfE convention)" in text
    assert at.title[0].value == "How we compare"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cyps.duckdb"
    monkeypatch.setenv("CYPS_DB", str(path))
    monkeypatch.chdir(ROOT)
    return path


def test_benchmarking_page_through_the_dashboard(db_path: Path) -> None:
    missing = _missing_dashboard_pages()
    if missing:
        pytest.skip(f"dashboard.py lists pages not in the tree yet: {', '.join(missing)}")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()  # the default page (Overview) is another test's business; this one is ours
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "How we compare"
    for key, year, expected in CHOICES[:4]:
        _choose(at, key, year)
        _assert_page_for(at, key, year, expected)


@pytest.fixture(scope="module")
def _loaded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per module (about 4 s), then copied for each test."""
    path = tmp_path_factory.mktemp("loaded") / "cyps.duckdb"
    load_sample_if_empty(Store(path))
    return path


@pytest.fixture
def loaded(_loaded_file: Path, db_path: Path) -> Path:
    """The database as the dashboard leaves it: sample figures plus the bundled DfE files."""
    shutil.copyfile(_loaded_file, db_path)
    return db_path


def test_page_opens_on_the_latest_year_of_the_first_ranked_measure(loaded: Path) -> None:
    """Never on a count (referrals received, first in the list), which cannot be ranked: on
    the first measure with a national rank, assessments within 45 working days."""
    at = app(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="bm_measure").options[0] == "Referrals received"
    assert at.selectbox(key="bm_measure").value == "ASSESS_45WD"
    assert at.selectbox(key="bm_year_ASSESS_45WD").value == 2025
    assert "National rank (1 = best)" in " ".join(shown(c.value) for c in at.caption)
    assert "not ranked" not in _text(at).split("National rank")[0]


def test_a_count_says_why_it_is_not_ranked(loaded: Path) -> None:
    at = app(PAGE)
    at.run()
    _choose(at, "REFERRALS", 2025)
    assert "No rank or band: neither higher nor lower is better" in _text(at)


@pytest.mark.parametrize(("key", "year", "expected"), CHOICES)
def test_page_renders_each_measure_and_year(loaded: Path, key: str, year: int, expected) -> None:
    at = app(PAGE)
    at.run()
    _choose(at, key, year)
    _assert_page_for(at, key, year, expected)
    assert at.get("plotly_chart"), "the bar chart is drawn"
    assert len(at.dataframe) >= 2, "the chart's table and the comparators table are shown"


def test_median_choice_changes_the_sentence(loaded: Path) -> None:
    at = app(PAGE)
    at.run()
    _choose(at, "REREF_12M", 2016)
    at.radio(key="bm_stat").set_value("median").run()
    assert not at.exception, at.exception
    assert "the statistical-neighbour median (19.9%)" in _text(at)


def test_suppressed_neighbours_are_shown_by_symbol(loaded: Path) -> None:
    at = app(PAGE)
    at.run()
    _choose(at, "CASELOAD_AVG", 2016)
    table = at.dataframe[0].value
    wigan = table[table["Council"] == "Wigan"].iloc[0]
    assert wigan["Figure"].startswith("- (not available")
    assert wigan["National rank"] == "not ranked"


def test_page_says_so_when_no_dfe_figures_are_loaded(db_path: Path) -> None:
    Store(db_path).data_version()  # create the schema, load nothing
    with Store(db_path).connect():
        pass
    at = app(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert "No DfE comparator figures are loaded" in _text(at)
    assert "Upload figures" in _text(at) and "python -m etl" not in _text(at)


def test_the_page_does_not_call_real_dfe_figures_synthetic(sample_db, monkeypatch) -> None:
    """While the sample is loaded the banner says the monthly figures are illustrative and
    the national ones on this page are real, never that this page's figures are synthetic."""

    from ui.frame import ILLUSTRATIVE_BANNER, SAMPLE_BESIDE_REAL_BANNER

    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    at = app(PAGE)
    at.session_state["demo_role"] = "member"
    at.run()
    banners = [shown(w.value) for w in at.warning]
    assert SAMPLE_BESIDE_REAL_BANNER in banners
    assert ILLUSTRATIVE_BANNER not in banners
