"""Every chart the pages draw has a one-button mode bar, and an indicator's table follows it.

The mode bar's six buttons were six tab stops inside each chart (issue 16 §6): a chart is
one tab stop (its "Download plot as a PNG" button), with its figures as a table next.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.screens import screen

TIMEOUT = 120


@pytest.fixture
def on_sample(sample_db, monkeypatch):
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    return sample_db


def _configs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.config) for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("url_path", ["rereferrals", "caseloads", "benchmarking", "plan"])
def test_every_chart_on_the_page_has_only_the_download_button(on_sample, url_path: str) -> None:
    at = screen(url_path, TIMEOUT).run()
    assert not at.exception
    configs = _configs(at)
    assert configs, f"/{url_path} draws a chart"
    assert all(c.get("modeBarButtons") == [["toImage"]] for c in configs), configs


def test_an_indicators_table_comes_straight_after_its_chart_before_about(on_sample) -> None:
    at = screen("rereferrals", TIMEOUT).run()
    labels = [e.label for e in at.expander]
    table, about = labels.index("The figures as a table"), labels.index("About this indicator")
    assert table < about, labels
