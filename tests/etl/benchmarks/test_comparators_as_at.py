"""Comparators of the year a month could know (issue 12 §2).

For a month M the comparator beside it is the latest DfE year published on or before M: the
children in need figures for 2015/16 were published in November 2016, so the March 2017 report
shows 2015/16, not 2016/17 (published November 2017) nor 2024/25. Publication dates are data
(data/benchmarks/release_dates.csv and releases.csv), checked here against the bundled files.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from analysis.comparators import period_span
from etl.benchmarks.chart_lines import comparator_lines, lines_known_by
from etl.benchmarks.latest import latest_benchmarks
from etl.benchmarks.mapping import mapping
from etl.benchmarks.published import benchmark_measures, measure_values
from etl.benchmarks.release_dates import known_by, publication
from etl.store.database import Store
from presentation.report.html import build_report_html

MARCH_2017 = dt.date(2017, 3, 1)
OCTOBER_2015 = dt.date(2015, 10, 1)


def test_publication_dates_are_data_with_a_source_or_the_usual_month() -> None:
    cin = publication("REREF_12M", 2016)  # 2015/16
    assert cin is not None and cin.month == dt.date(2016, 11, 1) and cin.confirmed
    assert cin.words == "published November 2016"
    assert publication("REREF_12M", 2015).words == "published 22 October 2015"
    workforce = publication("CASELOAD_AVG", 2016)  # at 30 September 2016, via LAIT
    assert workforce is not None and workforce.month == dt.date(2017, 2, 1)
    usual = publication("REREF_12M", 2017)  # no date recorded: the release's usual month
    assert usual is not None and not usual.confirmed and "usual month" in usual.words
    releases = {"cin", "csww", "cla", "cla_sfr_underlying", "cla_outcomes"}  # + issue 14's
    assert {row.release for row in mapping()} <= releases


def test_every_stored_year_has_a_publication_month_after_its_period_ends(bench: Store) -> None:
    for m in benchmark_measures():
        for year in sorted(set(measure_values(bench, m.key)["year"])):
            found = publication(m.key, int(year))
            assert found is not None, (m.key, year)
            assert found.month > period_span(int(year), m.period_basis)[1], (m.key, year)


def test_a_month_counts_a_release_published_during_it() -> None:
    assert known_by(dt.date(2016, 11, 1), dt.date(2016, 11, 1))
    assert not known_by(dt.date(2016, 11, 1), dt.date(2016, 10, 1))
    assert not known_by(None, dt.date(2030, 1, 1))


def test_march_2017_gets_the_years_published_by_march_2017(bench: Store) -> None:
    latest = latest_benchmarks(bench, as_at=MARCH_2017).set_index("code")
    assert all(p <= MARCH_2017 for p in latest["published"].dropna())
    reref = latest.loc["REREF_12M"]
    assert (reref["period_label"], reref["council"], reref["england"]) == ("2015/16", 28.0, 22.5)
    assert reref["label"] == "DfE, Characteristics of children in need, published November 2016"
    assert latest.loc["ASSESS_45WD", "period_label"] == "2015/16"
    assert latest.loc["CASELOAD_AVG", "period_label"] == "at 30 September 2016"
    assert latest.loc["LAC_COUNT", "period_label"] == "at 31 March 2016"  # data: February 2017


def test_october_2015_gets_the_year_published_by_then_or_says_none_was(bench: Store) -> None:
    latest = latest_benchmarks(bench, as_at=OCTOBER_2015).set_index("code")
    reref = latest.loc["REREF_12M"]  # 2014/15 came out on 22 October 2015
    assert (reref["period_label"], reref["england"]) == ("2014/15", 24.2)
    for code in ("ASSESS_45WD", "CASELOAD_AVG"):  # LAIT's series start with 2015/16
        assert pd.isna(latest.loc[code, "year"])
        assert latest.loc[code, "note"] == "No DfE figure had been published by October 2015"
    september = latest_benchmarks(bench, as_at=dt.date(2015, 9, 1)).set_index("code")
    assert september.loc["REREF_12M", "period_label"] == "2013/14"


def test_without_a_month_the_latest_year_held_is_given(bench: Store) -> None:
    latest = latest_benchmarks(bench).set_index("code")
    assert latest.loc["REREF_12M", "period_label"] == "2024/25"
    assert (latest["note"] == "").all()


def test_chart_lines_keep_every_year_published_by_the_month_in_its_own_place(
    bench: Store,
) -> None:
    every = comparator_lines(bench, "REREF_12M")
    march = comparator_lines(bench, "REREF_12M", as_at=MARCH_2017)
    assert march.equals(lines_known_by(every, MARCH_2017))
    england = march[march["kind"] == "england"].set_index("year")
    assert list(england.index) == [2013, 2014, 2015, 2016]  # 2016/17 came out in November 2017
    assert england.loc[2016, "value"] == 22.5
    for year, row in england.iterrows():
        assert (row["start"], row["end"]) == period_span(int(year), "year to 31 March")
    assert all(p <= MARCH_2017 for p in march["published"])


def test_the_march_2017_report_shows_no_comparator_year_published_later(sample_db: Store) -> None:
    html = build_report_html(sample_db, MARCH_2017)
    table = html[html.index("Latest DfE figures") :]
    table = table[: table.index("</table>")]
    shown = set(re.findall(r"20\d\d/\d\d|at 3\d \w+ 20\d\d", table))
    assert shown == {"2015/16", "at 30 September 2016", "at 31 March 2016"}
    assert "published November 2016" in table
    captions = re.findall(r"Comparator lines, one step per published year: [^<]*", html)
    assert len(captions) >= 3  # the percentages and the caseload
    assert any("2015/16: 22.5%" in c for c in captions)  # England's re-referrals, 2015/16
    for late in ("2016/17", "2017/18", "2024/25", "at 30 September 2017", "at 31 March 2017"):
        assert all(late not in text for text in [table, *captions]), late
