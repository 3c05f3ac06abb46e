"""The sentence under each chart says what a councillor would say, in every edge case."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.summary import format_target, summary_sentence
from core.catalogue import catalogue

CAT = catalogue()
APR16, MAR16, APR15 = dt.date(2016, 4, 1), dt.date(2016, 3, 1), dt.date(2015, 4, 1)
TARGETS = pd.DataFrame(
    {
        "indicator": ["REREF_12M", "REREF_12M"],
        "effective_from": [dt.date(2015, 4, 1), dt.date(2016, 4, 1)],
        "target": [23.0, 22.0],
        "amber_tolerance": [2.0, 2.0],
    }
)
NO_TARGETS = TARGETS.iloc[0:0]


def series(points: dict[dt.date, float]) -> pd.DataFrame:
    return pd.DataFrame({"period": list(points), "value": list(points.values())})


def test_the_issue_example():
    text = summary_sentence(
        CAT.get("REREF_12M"), series({APR15: 26.4, APR16: 24.1}), TARGETS, APR16
    )
    assert text == (
        "Re-referrals within 12 months stood at 24.1% in April 2016, worse than the 22% "
        "target and better than a year earlier (26.4%)."
    )


def test_worse_than_a_year_earlier_and_amber():
    text = summary_sentence(
        CAT.get("REREF_12M"), series({APR15: 21.0, APR16: 23.5}), TARGETS, APR16
    )
    assert "a little worse than the 22% target (within the amber tolerance)" in text
    assert text.endswith("worse than a year earlier (21.0%).")


def test_no_target_says_so():
    text = summary_sentence(CAT.get("REREF_12M"), series({APR16: 24.1}), NO_TARGETS, APR16)
    assert text == (
        "Re-referrals within 12 months stood at 24.1% in April 2016; there is no target "
        "for this measure."
    )


def test_no_year_ago_falls_back_to_the_month_before():
    text = summary_sentence(
        CAT.get("REREF_12M"), series({MAR16: 25.0, APR16: 24.1}), TARGETS, APR16
    )
    assert text.endswith("better than the month before (25.0%).")


def test_no_polarity_rose_or_fell():
    referrals = CAT.get("REFERRALS")
    rose = summary_sentence(referrals, series({APR15: 303, APR16: 361}), NO_TARGETS, APR16)
    fell = summary_sentence(referrals, series({APR15: 400, APR16: 361}), NO_TARGETS, APR16)
    same = summary_sentence(referrals, series({APR15: 361, APR16: 361}), NO_TARGETS, APR16)
    assert rose == "Referrals received rose to 361 in April 2016, from 303 a year earlier."
    assert fell == "Referrals received fell to 361 in April 2016, from 400 a year earlier."
    assert same == "Referrals received stood at 361 in April 2016, the same as a year earlier."
    assert "better" not in rose + fell and "worse" not in rose + fell


def test_missing_month_points_to_the_latest_figure_not_zero():
    text = summary_sentence(CAT.get("REREF_12M"), series({MAR16: 25.0}), TARGETS, APR16)
    assert text == (
        "There is no figure for re-referrals within 12 months for April 2016; the latest "
        "before then was 25.0% in March 2016."
    )
    nothing = summary_sentence(CAT.get("REREF_12M"), series({}), TARGETS, APR16)
    assert nothing == "There is no figure for re-referrals within 12 months for April 2016."


def test_a_gap_counts_as_missing_not_zero():
    text = summary_sentence(
        CAT.get("REREF_12M"), series({APR15: float("nan"), APR16: 24.1}), TARGETS, APR16
    )
    assert "year earlier" not in text


def test_targets_are_written_as_people_write_them():
    assert format_target(CAT.get("REREF_12M"), 22.0) == "22%"
    assert format_target(CAT.get("REREF_12M"), 22.5) == "22.5%"
    assert format_target(CAT.get("CASELOAD_AVG"), 18.0) == "18"
