"""Comparators: the pure helpers on small hand-made frames, then the queries on a real database
holding the bundled DfE files, checked against figures the DfE published (and against
data/dfe/rotherham_comparators_2013_2025.csv, derived independently from the same files)."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import comparators as cmp
from core.catalogue import catalogue
from core.settings import DATA_DIR
from etl.benchmarks.chart_lines import LINE_COLUMNS, comparator_lines, comparator_note
from etl.benchmarks.comparison import comparison, rank_trend
from etl.benchmarks.latest import latest_benchmarks
from etl.benchmarks.published import benchmark_measures, council_area, council_years, measure
from etl.store.database import Store

NAN = float("nan")


# --- pure helpers -------------------------------------------------------------------------


def test_financial_year_figure_spans_april_to_march() -> None:
    assert cmp.period_span(2016, "year to 31 March") == (dt.date(2015, 4, 1), dt.date(2016, 3, 1))
    assert cmp.period_span(2016, "at 31 March") == (dt.date(2015, 4, 1), dt.date(2016, 3, 1))


def test_workforce_snapshot_spans_the_year_to_30_september() -> None:
    assert cmp.period_span(2016, "at 30 September") == (dt.date(2015, 10, 1), dt.date(2016, 9, 1))


def test_unknown_period_basis_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="year to 31 March"):
        cmp.period_span(2016, "calendar year")


def test_series_break_starts_a_new_segment() -> None:
    assert cmp.segments([2015, 2016, 2017, 2018], 2017) == [0, 0, 1, 1]
    assert cmp.segments([2015, 2016], None) == [0, 0]


def test_suppressed_figure_shows_its_symbol_and_meaning_never_zero() -> None:
    text = cmp.display_value(None, "c", "percent", 1)
    assert text.startswith("c (confidential")
    assert "0" not in text
    assert cmp.display_value(NAN, "x", "count", 0) == "x (not available)"
    assert cmp.display_value(NAN, None, "count", 0) == cmp.NO_FIGURE


def test_a_published_zero_is_a_zero() -> None:
    assert cmp.display_value(0.0, None, "percent", 1) == "0.0%"


@pytest.mark.parametrize("symbol", ["c", "x", "z", "low", "k", "u", "..", ":", "-"])
def test_every_gss_symbol_has_a_meaning(symbol: str) -> None:
    assert cmp.symbol_meaning(symbol)


def test_halves_round_up_as_the_dfe_rounds() -> None:
    # the ten neighbours' re-referral rates in 2015/16 average 23.85: LAIT shows 23.9
    assert cmp.round_half_up(23.85, 1) == 23.9
    assert cmp.format_figure(238.5 / 10, "percent", 1) == "23.9%"
    assert cmp.format_figure(2909, "count", 0) == "2,909"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 3))
def test_rounding_moves_a_figure_by_at_most_half_a_unit(value: float, decimals: int) -> None:
    assert abs(cmp.round_half_up(value, decimals) - value) <= 0.5 * 10**-decimals + 1e-9


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th"), (140, "140th")],
)  # fmt: skip
def test_ordinals(n: int, text: str) -> None:
    assert cmp.ordinal(n) == text


def test_rank_phrase_says_when_councils_share_a_rank() -> None:
    assert cmp.rank_phrase(140, 151) == "ranked 140th of 151 councils (1 = best)"
    assert "level with 2 others" in cmp.rank_phrase(22, 136, tied=3)
    assert cmp.rank_phrase(None, 151) == ""


def test_comparison_is_judged_at_the_published_precision() -> None:
    assert cmp.compare_word(22.54, 22.5, "lower", 1) == "the same as"
    assert cmp.compare_word(28.0, 22.5, "lower", 1) == "worse than"
    assert cmp.compare_word(28.0, 22.5, "higher", 1) == "better than"
    assert cmp.compare_word(28.0, 22.5, "neither", 1) == "higher than"


def test_summary_sentence_reads_like_the_scorecard() -> None:
    text = cmp.comparison_sentence(
        period_label="2015/16",
        measure_name="Re-referrals within 12 months",
        council_name="Rotherham",
        council=(28.0, None),
        england=22.5,
        neighbour_average=23.85,
        neighbour_stat="mean",
        unit="percent",
        decimals=1,
        polarity="lower",
        rank=cmp.rank_phrase(140, 151),
        band="D",
    )
    assert text == (
        "In 2015/16, Rotherham's figure for re-referrals within 12 months was 28.0%, worse than "
        "England (22.5%) and the statistical-neighbour mean (23.9%); ranked 140th of 151 "
        "councils (1 = best), quartile band D."
    )


def test_summary_sentence_for_a_suppressed_council_figure_names_the_symbol() -> None:
    text = cmp.comparison_sentence(
        period_label="at 31 March 2016", measure_name="Looked-after children",
        council_name="X", council=(None, "c"), england=40.0, neighbour_average=None,
        neighbour_stat="mean", unit="percent", decimals=0, polarity="lower",
    )  # fmt: skip
    assert text.startswith("At 31 March 2016, X's figure")
    assert "c (confidential" in text


def test_a_count_is_not_compared_with_england() -> None:
    text = cmp.comparison_sentence(
        period_label="2015/16", measure_name="Referrals received", council_name="X",
        council=(4599.0, None), england=621470.0, neighbour_average=4000.0,
        neighbour_stat="mean", unit="count", decimals=0, polarity="neither",
    )  # fmt: skip
    assert "England (" not in text and "621,470" not in text
    assert "not compared with England or ranked" in text


def _frame(year: int, values: dict[str, float], symbols: dict[str, str] | None = None):
    rows = [
        {"year": year, "period_label": f"{year - 1}/{year % 100:02d}",
         "geographic_level": "Local authority", "area_code": code, "area_name": f"LA {code}",
         "value": value, "symbol": (symbols or {}).get(code)}
        for code, value in values.items()
    ]  # fmt: skip
    rows.append(
        {"year": year, "period_label": "", "geographic_level": "National",
         "area_code": "E92000001", "area_name": "England", "value": 1.0, "symbol": None}
    )  # fmt: skip
    return pd.DataFrame(rows)


def test_neighbour_average_uses_only_neighbours_with_a_figure() -> None:
    values = pd.concat(
        [
            _frame(2016, {"1": 10.0, "2": NAN, "3": 20.0, "9": 99.0}, {"2": "c"}),
            _frame(2017, {"1": 12.0, "2": 14.0, "3": 16.0, "9": 1.0}),
        ]
    )
    lines = cmp.neighbour_lines(values, ["1", "2", "3"], "lower")
    first, second = lines.to_dict("records")
    assert (first["mean"], first["with_values"], first["neighbours"]) == (15.0, 2, 3)
    assert (second["mean"], second["median"], second["with_values"]) == (14.0, 14.0, 3)


def test_rank_by_year_follows_lait_ties_and_skips_symbols() -> None:
    values = pd.concat(
        [
            _frame(2016, {"1": 10.0, "2": 10.0, "3": 20.0, "4": NAN}, {"4": "c"}),
            _frame(2017, {"1": 5.0, "2": NAN, "3": 20.0, "4": 30.0}, {"2": "x"}),
        ]
    )
    trend = cmp.rank_by_year(values, "2", "lower")
    assert list(trend["rank"].astype(object).where(trend["rank"].notna(), None)) == [1, None]
    assert list(trend["ranked"]) == [3, 3]
    assert trend["symbol"].iloc[1] == "x"


def test_best_first_puts_suppressed_last_for_both_polarities() -> None:
    frame = pd.DataFrame({"area_name": list("abc"), "value": [2.0, NAN, 1.0]})
    assert list(cmp.order_best_first(frame, "lower")["area_name"]) == ["c", "a", "b"]
    assert list(cmp.order_best_first(frame, "higher")["area_name"]) == ["a", "c", "b"]


# --- queries on a real database with the bundled DfE files ---------------------------------


# `bench` (tests/etl/benchmarks/conftest.py): the bundled DfE files, as the dashboard loads them.


def test_the_council_is_named_and_placed_from_the_published_data(bench: Store) -> None:
    area = council_area(bench)
    assert (area.la_code, area.name) == ("372", "Rotherham")
    assert (area.region_code, area.region_name) == ("E12000003", "Yorkshire and The Humber")
    assert len(area.neighbour_codes) == 10
    assert area.neighbour_names[0] == "Doncaster"


def test_rereferral_lines_give_england_and_neighbour_mean_for_2015_16(bench: Store) -> None:
    lines = comparator_lines(bench, "REREF_12M")
    assert list(lines.columns) == LINE_COLUMNS
    england = lines[(lines["kind"] == "england") & (lines["year"] == 2016)].iloc[0]
    assert england["series"] == "England"
    assert england["value"] == 22.5
    assert england["period_label"] == "2015/16"
    assert (england["start"], england["end"]) == (dt.date(2015, 4, 1), dt.date(2016, 3, 1))
    assert "Characteristics of children in need" in england["source"]
    sn = lines[(lines["kind"] == "neighbours") & (lines["year"] == 2016)].iloc[0]
    assert sn["series"] == "Statistical neighbours (mean of 10)"
    assert cmp.round_half_up(sn["value"], 1) == 23.9
    assert sn["label"].endswith("23.9%")
    region = lines[(lines["kind"] == "region") & (lines["year"] == 2016)].iloc[0]
    assert (region["series"], region["value"]) == ("Yorkshire and The Humber", 30.4)


def test_neighbour_median_is_labelled_median(bench: Store) -> None:
    lines = comparator_lines(bench, "REREF_12M", neighbour_stat="median")
    assert "Statistical neighbours (median of 10)" in set(lines["series"])


def test_local_measure_has_no_lines_and_says_so(bench: Store) -> None:
    lines = comparator_lines(bench, "REF_24H")
    assert lines.empty
    assert list(lines.columns) == LINE_COLUMNS
    note = comparator_note("REF_24H")
    assert note.startswith("No national comparator")
    assert "not collected nationally" in note


def test_counts_get_no_lines_because_councils_differ_in_size(bench: Store) -> None:
    assert comparator_lines(bench, "REFERRALS").empty
    assert "per 10,000 children" in comparator_note("REFERRALS")


def test_caseload_lines_break_at_the_2017_method_change(bench: Store) -> None:
    lines = comparator_lines(bench, "CASELOAD_AVG")
    england = lines[lines["kind"] == "england"].set_index("year")
    assert england.loc[2016, "segment"] != england.loc[2017, "segment"]
    assert bool(england.loc[2017, "break_before"]) and not bool(england.loc[2018, "break_before"])
    assert (england.loc[2016, "start"], england.loc[2016, "end"]) == (
        dt.date(2015, 10, 1),
        dt.date(2016, 9, 1),
    )
    # two neighbours published '-' for 2016: the mean is over the other eight, and says so
    sn2016 = lines[(lines["kind"] == "neighbours") & (lines["year"] == 2016)].iloc[0]
    assert sn2016["neighbours_with_figure"] == 8
    assert "8 of 10 with a figure" in sn2016["label"]
    assert "2017" in comparator_note("CASELOAD_AVG")


def _derived_reference() -> list[dict[str, str]]:
    with open(DATA_DIR / "dfe" / "rotherham_comparators_2013_2025.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


DERIVED_CODES = {
    "rereferral_12m_pct": "REREF_12M",
    "assessments_45wd_pct": "ASSESS_45WD",
    "caseload_per_fte": "CASELOAD_AVG",
}


@pytest.mark.parametrize("derived_code", sorted(DERIVED_CODES))
def test_lines_match_the_independently_derived_comparators(bench: Store, derived_code) -> None:
    lines = comparator_lines(bench, DERIVED_CODES[derived_code])
    keys = zip(lines["kind"], lines["year"], lines["value"], strict=True)
    by = {(k, int(y)): v for k, y, v in keys}
    checked = 0
    for row in _derived_reference():
        if row["indicator_code"] != derived_code:
            continue
        year = int(row["year"])
        for kind, column in (("england", "england"), ("region", "yorkshire_and_the_humber"),
                             ("neighbours", "sn_mean_2021_model")):  # fmt: skip
            ours = by[(kind, year)]
            # the file rounds to one place, so ours (unrounded) is within half a unit of it
            assert abs(ours - float(row[column])) <= 0.05 + 1e-9, (kind, year, ours)
            checked += 1
    assert checked >= 27


def test_latest_benchmarks_one_row_per_indicator_with_a_counterpart(bench: Store) -> None:
    latest = latest_benchmarks(bench).set_index("code")
    # Issue 14 gave 16 more indicators a LAIT counterpart (data/benchmarks/mapping.csv).
    assert set(latest.index) == {"REFERRALS", "ASSESS_45WD", "REREF_12M", "CASELOAD_AVG",
                                 "LAC_COUNT", "LAC_20MI", "LAC_OOA_20MI", "REF_RATE",
                                 "CP_PLANS", "CP_RATE", "CP_ICPC_15WD", "CP_2YRS", "SW_AGENCY",
                                 "SW_VACANCY", "SW_TURNOVER", "LAC_RATE", "LAC_STABILITY_3PL",
                                 "LAC_STABILITY_LT", "LAC_HEALTH", "LAC_DENTAL", "CL_EET",
                                 "CL_ACCOM", "CL_IN_TOUCH"}  # fmt: skip
    for column in ("year", "period_label", "council", "england", "region", "sn_mean",
                   "sn_median", "rank", "ranked", "band"):  # fmt: skip
        assert column in latest.columns
    reref = latest.loc["REREF_12M"]
    assert reref["band"] in {"A", "B", "C", "D"}
    assert 1 <= int(reref["rank"]) <= int(reref["ranked"])
    assert reref["ranked"] > 140
    assert reref["year"] == max(council_years(bench, "REREF_12M"))
    assert pd.isna(latest.loc["REFERRALS", "rank"])  # a count is not ranked


def test_comparison_for_rereferrals_2015_16(bench: Store) -> None:
    c = comparison(bench, "REREF_12M", 2016)
    assert c.council_value == 28.0
    assert c.england == (22.5, None)
    assert "worse than England (22.5%) and the statistical-neighbour mean (23.9%)" in c.sentence
    assert f"of {c.position.ranked} councils (1 = best)" in c.sentence
    assert c.position.band == "D"
    assert len(c.bars) == 11 and c.bars["is_council"].sum() == 1
    shown = c.bars["value"].dropna().tolist()
    assert shown == sorted(shown)  # lower is better: best first
    assert c.neighbours.best_name == "Redcar and Cleveland"


def test_comparison_shows_symbols_not_zeros_and_warns_of_the_break(bench: Store) -> None:
    c = comparison(bench, "CASELOAD_AVG", 2016)
    wigan = c.bars[c.bars["area_name"] == "Wigan"].iloc[0]
    assert math.isnan(wigan["value"])
    assert wigan["display"].startswith("- (not available")
    assert list(c.bars["area_name"])[-2:] == ["Redcar and Cleveland", "Wigan"]
    assert any("2017" in note for note in c.notes)
    assert "level with 2 others" in c.sentence  # three councils share 22nd


def test_dfe_only_measure_is_labelled_as_the_dfes(bench: Store) -> None:
    m = measure("DFE_LAC_OUTSIDE_BOUNDARY")
    assert m.dfe_only and m.label.endswith("(DfE measure)")
    assert "outside the council's boundary" in m.definition_note
    c = comparison(bench, "DFE_LAC_OUTSIDE_BOUNDARY", 2016)
    assert c.period_label == "at 31 March 2016"
    assert c.sentence.startswith("At 31 March 2016, Rotherham's figure")


def test_rank_trend_keeps_years_either_side_of_the_break_apart(bench: Store) -> None:
    trend = rank_trend(bench, "CASELOAD_AVG")
    assert trend.set_index("year").loc[2016, "segment"] == 0
    assert set(trend[trend["year"] >= 2017]["segment"]) == {1}
    assert trend["short_label"].iloc[0] == "Sep 2016"
    assert (trend["ranked"] > 100).all()


def test_measures_list_catalogue_indicators_first(bench: Store) -> None:
    measures = benchmark_measures()
    indicators = [m.catalogue_indicator for m in measures if not m.dfe_only]
    # catalogue order, issue 14's measures among them (data/indicators.toml)
    assert indicators == [i.code for i in catalogue().indicators if i.code in indicators]
    assert indicators[:7] == ["REFERRALS", "ASSESS_45WD", "REREF_12M", "CASELOAD_AVG",
                              "LAC_COUNT", "LAC_20MI", "LAC_OOA_20MI"]  # fmt: skip
    assert {"REF_RATE", "CP_RATE", "CL_EET", "SW_AGENCY"} <= set(indicators[7:])
    assert [m.dfe_only for m in measures] == sorted(m.dfe_only for m in measures)  # mine first
    assert all(m.key.startswith("DFE_") for m in measures if m.dfe_only)
    assert Path(DATA_DIR / "benchmarks" / "mapping.csv").exists()
