"""The page, the committee report and `extract --spc` read every month's SPC the same way.

Three places show an SPC reading: the indicator page and the Overview (through ui.cached), the
committee report (its summary table and each indicator's SPC paragraph), and the officers'
extract with `--spc`. Hypothesis picks an indicator and a month of the sample, built as the
dashboard builds it; all three must give the same variation, rule and icons.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from analysis.scorecard import headline_breakdown
from analysis.spc_view import icon_text
from core.catalogue import catalogue
from core.periods import add_months
from core.settings import ROOT
from etl.cli.main import main
from etl.outputs.extract import extract
from etl.outputs.extract_filter import build_filter
from etl.outputs.publication import PublicationRules
from etl.store.database import Store
from presentation.report import families
from presentation.report import html as report
from ui import cached as page  # the cached reads the indicator page and the Overview draw

CAT = catalogue()
SAMPLE_MONTHS = [add_months(dt.date(2014, 4, 1), n) for n in range(36)]
VERSION = "spc-agreement"  # the page's cache key: this test's database never changes


@pytest.fixture(scope="module")
def store(_sample_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("agreement") / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, path)
    return Store(path)


@pytest.fixture(scope="module")
def inputs(store: Store) -> report.ReportInputs:
    # The exempt version: every figure, so the readings compare like with like (the public
    # version leaves out what it suppresses; tests/presentation/test_report_disclosure.py).
    return report.read_inputs(store, CAT, exempt=True)


def icon_key(row: pd.Series) -> str:
    """The variation icon a chart row implies (the icon describes the latest month)."""
    if row["variation"] == "":
        return "too_few_points"
    return "common_cause" if row["variation"] == "common" else f"{row['variation']}_{row['side']}"


def report_paragraph(inputs: families.ReportInputs, code: str, as_at: dt.date) -> str:
    """The report's SPC paragraph for one indicator, as text."""
    card = report.report_scorecard(inputs, CAT, as_at).set_index("code")
    section = families.indicator_section(CAT.get(code), CAT, inputs, card.loc[code], as_at)
    found = re.search(r'<p class="spc"><strong>SPC, [^<]*</strong> (.*?)</p>', section)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.sampled_from(CAT.codes), as_at=st.sampled_from(SAMPLE_MONTHS))
def test_page_report_and_extract_give_the_same_spc_reading(store, inputs, code, as_at):
    indicator = CAT.get(code)
    part = headline_breakdown(indicator, CAT)
    shown = page.spc_result(str(store.path), VERSION, code, as_at)
    chart = shown.frame[shown.frame["value"].notna()]
    if chart.empty or chart["period"].iloc[-1] != as_at:
        return  # no figure that month: no reading to compare
    assert shown.variation.key == icon_key(chart.iloc[-1])

    overview = page.scorecard(str(store.path), VERSION, as_at).set_index("code").loc[code]
    summary = report.report_scorecard(inputs, CAT, as_at).set_index("code").loc[code]
    for card in (overview, summary):
        assert card["variation_key"] == shown.variation.key
        assert card["assurance_key"] == shown.assurance.key
    paragraph = report_paragraph(inputs, code, as_at)
    assert paragraph.startswith(icon_text(shown.variation))
    assert f"Assurance: {icon_text(shown.assurance)}" in paragraph

    flt = build_filter(indicators=[code], last=as_at, spc=True)
    rows = extract(store, flt).rows
    rows = rows[(rows["breakdown"] == part) & rows["value"].notna()].set_index("period")
    assert rows["spc_variation"].tolist() == chart["variation"].tolist()
    assert rows["spc_rule"].tolist() == chart["rule"].tolist()
    assert rows["spc_upper"].tolist() == pytest.approx(
        chart["upper"].tolist(), abs=0.01, nan_ok=True
    )


def test_extract_spc_on_the_command_line_writes_the_columns(store, tmp_path):
    out = tmp_path / "spc.csv"
    args = ["extract", "--db", str(store.path), "--indicator", "CASELOAD_AVG", "--spc"]
    args += ["--breakdown", "whole authority"]
    assert main([*args, "--output", str(out)]) == 0
    frame = pd.read_csv(out, keep_default_na=False)
    assert list(frame.columns[-5:]) == [
        "spc_mean",
        "spc_lower",
        "spc_upper",
        "spc_variation",
        "spc_rule",
    ]
    march = frame.set_index("period").loc["2017-03"]
    assert (march["spc_variation"], march["spc_rule"]) == ("improvement", "shift")
    assert float(march["spc_upper"]) == pytest.approx(17.88, abs=0.01)
    # The segment recalculated in April 2016 had fewer than 12 months before March 2017, so
    # on its own it is empty; here it is judged as at March 2017 with 12, so it is not.
    assert set(frame.set_index("period").loc["2016-04":"2017-03", "spc_variation"]) != {""}
    assert main([*args, "--to", "2016-12", "--output", str(out)]) == 0
    early = pd.read_csv(out, keep_default_na=False).set_index("period")
    assert set(early.loc["2016-04":"2016-12", "spc_variation"]) == {""}


def test_a_published_extract_gives_no_spc_reading_for_a_hidden_figure(store, monkeypatch):
    # The sample's smallest counts of children are 7 or more: suppress up to 12 to hide some.
    rules = PublicationRules(12, "c")
    monkeypatch.setattr(PublicationRules, "from_settings", classmethod(lambda cls: rules))
    rows = extract(store, build_filter(published=True, spc=True)).rows
    hidden = rows[rows["value"].astype(str) == "c"]
    assert not hidden.empty
    assert (hidden["spc_variation"] == "").all() and hidden["spc_mean"].isna().all()


def test_the_download_page_tick_box_adds_the_spc_columns(store, monkeypatch):
    monkeypatch.setenv("CYPS_DB", str(store.path))
    monkeypatch.setenv("CYPS_DEMO", "on")  # the demo opt-in, as `make run` sets it
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["demo_role"] = "officer"
    at.run()
    at.switch_page("pages/extract.py")
    at.run()
    assert "spc_variation" not in at.dataframe[0].value.columns
    at.checkbox(key="extract_spc").check().run()
    assert not at.exception
    preview = at.dataframe[0].value
    assert list(preview.columns[-5:]) == [
        "spc_mean",
        "spc_lower",
        "spc_upper",
        "spc_variation",
        "spc_rule",
    ]
