"""The scorecard gives the RAG and direction councillors would work out by hand.

Small hand-made frames for the rules, then the sample database for cases checked
against the figures in data/sample (March 2017 and April 2016).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.scorecard import (
    NO_FIGURE,
    SPARKLINE_MONTHS,
    build_scorecard,
    display_table,
    headline_breakdown,
    latest_month,
    months_with_data,
)
from core.catalogue import catalogue
from etl.store import queries

CAT = catalogue()
APR16, MAR16, APR15 = dt.date(2016, 4, 1), dt.date(2016, 3, 1), dt.date(2015, 4, 1)


def frame(rows: list[tuple[str, dt.date, float]], breakdown: str = "") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"indicator": c, "period": p, "breakdown": breakdown, "value": v, "commentary": None}
            for c, p, v in rows
        ]
    )


TARGETS = pd.DataFrame(
    {
        "indicator": ["REREF_12M", "REREF_12M", "ASSESS_45WD"],
        "effective_from": [dt.date(2015, 4, 1), dt.date(2016, 4, 1), dt.date(2014, 4, 1)],
        "target": [23.0, 22.0, 85.0],
        "amber_tolerance": [2.0, 2.0, 5.0],
    }
)


def row(card: pd.DataFrame, code: str) -> pd.Series:
    return card.set_index("code").loc[code]


@pytest.mark.parametrize(
    ("value", "expected", "label"),
    [
        (24.1, "red", "Off target"),  # 2.1 points worse than 22: beyond the 2-point tolerance
        (24.0, "amber", "Near target"),  # exactly at the edge of the tolerance
        (22.0, "green", "On target"),  # meeting the target is on target
        (19.5, "green", "On target"),
    ],
)
def test_rag_for_a_lower_is_better_indicator(value, expected, label):
    card = build_scorecard(frame([("REREF_12M", APR16, value)]), TARGETS, CAT, APR16)
    assert row(card, "REREF_12M")["rag"] == expected
    assert row(card, "REREF_12M")["rag_label"] == label


def test_target_follows_the_financial_year_of_the_month():
    march = build_scorecard(frame([("REREF_12M", MAR16, 22.5)]), TARGETS, CAT, MAR16)
    april = build_scorecard(frame([("REREF_12M", APR16, 22.5)]), TARGETS, CAT, APR16)
    assert row(march, "REREF_12M")["target"] == 23.0
    assert row(march, "REREF_12M")["rag"] == "green"
    assert row(april, "REREF_12M")["target"] == 22.0
    assert row(april, "REREF_12M")["rag"] == "amber"


def test_direction_of_travel_is_judged_by_polarity():
    values = frame(
        [
            ("REREF_12M", APR15, 28.1),
            ("REREF_12M", MAR16, 23.0),
            ("REREF_12M", APR16, 24.1),
            ("ASSESS_45WD", APR15, 80.0),
            ("ASSESS_45WD", MAR16, 85.0),
            ("ASSESS_45WD", APR16, 85.0),
        ]
    )
    card = build_scorecard(values, TARGETS, CAT, APR16)
    reref = row(card, "REREF_12M")
    assert reref["direction_month"] == "worsening"  # rose, and lower is better
    assert reref["direction_year"] == "improving"  # down from 28.1
    assessments = row(card, "ASSESS_45WD")
    assert assessments["direction_month"] == "no change"
    assert assessments["direction_year"] == "improving"  # up, and higher is better


def test_an_indicator_with_no_polarity_goes_up_or_down_and_has_no_rag():
    values = frame([("REFERRALS", APR15, 300.0), ("REFERRALS", APR16, 361.0)])
    referrals = row(build_scorecard(values, TARGETS, CAT, APR16), "REFERRALS")
    assert referrals["rag"] is None
    assert referrals["rag_label"] == "No target"
    assert referrals["direction_year"] == "increase"
    assert referrals["direction_month"] is None  # no March figure to compare


def test_a_missing_month_is_a_gap_never_zero():
    values = frame([("REREF_12M", APR15, 28.1), ("REREF_12M", MAR16, 23.0)])
    reref = row(build_scorecard(values, TARGETS, CAT, APR16), "REREF_12M")
    assert pd.isna(reref["value"])
    assert reref["rag"] is None
    assert reref["rag_label"] == NO_FIGURE
    assert len(reref["sparkline"]) == SPARKLINE_MONTHS
    assert reref["sparkline"][0] == 28.1 and reref["sparkline"][-2] == 23.0
    assert reref["sparkline"][1:-2] == [None] * 10 and reref["sparkline"][-1] is None


def test_every_indicator_has_a_row_in_catalogue_order_even_with_no_figures():
    card = build_scorecard(frame([]).reindex(columns=["indicator", "period", "breakdown",
                                                      "value", "commentary"]),
                           TARGETS, CAT, APR16)  # fmt: skip
    assert card["code"].tolist() == CAT.codes
    assert card["value"].isna().all()


def test_distance_bands_are_represented_by_the_furthest_band():
    assert headline_breakdown(CAT.get("LAC_DISTANCE"), CAT) == "Over 100 miles"
    assert headline_breakdown(CAT.get("CASELOAD_AVG"), CAT) == ""
    values = pd.concat(
        [
            frame([("LAC_DISTANCE", APR16, 300.0)], "Under 20 miles"),
            frame([("LAC_DISTANCE", APR16, 8.0)], "Over 100 miles"),
        ]
    )
    distance = row(build_scorecard(values, TARGETS, CAT, APR16), "LAC_DISTANCE")
    assert distance["value"] == 8.0
    assert distance["breakdown"] == "Over 100 miles"


def test_display_table_says_status_and_direction_in_words():
    values = frame([("REREF_12M", APR15, 28.1), ("REREF_12M", APR16, 24.1)])
    table = display_table(build_scorecard(values, TARGETS, CAT, APR16), CAT).set_index("code")
    reref = table.loc["REREF_12M"]
    assert reref["Latest"] == "24.1%"
    assert reref["Target"] == "22%"
    assert reref["Status"] == "✖ Off target"
    assert reref["On a year ago"] == "↑ better (was 28.1%)"
    assert reref["On last month"] == "No figure to compare"
    assert reref["Better if"] == "Lower"
    assert table.loc["REFERRALS", "Target"] == "No target"


# Hand-checked against the sample workbooks (data/sample/README.md tells their story).
@pytest.fixture
def sample(sample_db):
    return queries.current_values(sample_db), queries.targets(sample_db)


def test_months_and_default_as_at_come_from_the_data(sample):
    values, _ = sample
    assert latest_month(values) == dt.date(2017, 3, 1)
    assert months_with_data(values)[-1] == dt.date(2014, 4, 1)
    assert latest_month(values.iloc[0:0]) is None


@pytest.mark.parametrize(
    ("code", "as_at", "value", "rag", "month", "year"),
    [
        # 22.3% against 22% (tolerance 2): near target; down from 23.3% and from 27.0%.
        ("REREF_12M", dt.date(2017, 3, 1), 22.3, "amber", "improving", "improving"),
        # 33.8% against 30% (tolerance 3): off target, though better than 34.2% in February.
        ("LAC_OOA", dt.date(2017, 3, 1), 33.8, "red", "improving", "improving"),
        # 91.0% against 90%: on target; 91.1% the month before, so slightly worse.
        ("ASSESS_45WD", dt.date(2017, 3, 1), 91.0, "green", "worsening", "improving"),
        # The example: 24.1% in April 2016 against the new 22% target.
        ("REREF_12M", dt.date(2016, 4, 1), 24.1, "red", "improving", "improving"),
        # The Ofsted inspection month: 37% within 24 hours against 80%.
        ("REF_24H", dt.date(2014, 11, 1), 37.0, "red", None, None),
    ],
)
def test_sample_scorecard_matches_hand_checked_cases(sample, code, as_at, value, rag, month, year):
    values, targets = sample
    got = row(build_scorecard(values, targets, CAT, as_at), code)
    assert got["value"] == pytest.approx(value)
    assert got["rag"] == rag
    if month is not None:
        assert got["direction_month"] == month
        assert got["direction_year"] == year


def test_sample_revision_is_the_figure_shown(sample):
    """January 2017 re-referrals were revised from 22.7% to 23.0% by the scorecard file."""
    values, targets = sample
    got = row(build_scorecard(values, targets, CAT, dt.date(2017, 1, 1)), "REREF_12M")
    assert got["value"] == pytest.approx(23.0)


def test_benchmark_table_tells_local_measures_from_figures_not_yet_loaded() -> None:
    from analysis.scorecard import LOCAL_MEASURE, NOT_LOADED, benchmark_table

    table = benchmark_table(pd.DataFrame(), catalogue()).set_index("code")["Comparison"]
    assert table["REREF_12M"] == NOT_LOADED
    assert table["ASSESS_45WD"] == NOT_LOADED
    assert table["REF_24H"] == LOCAL_MEASURE
    assert table["LAC_DISTANCE"] == LOCAL_MEASURE
