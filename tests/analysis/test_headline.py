"""The Overview's headline counts statuses and tells each changed status as a sentence.

Hand-made scorecards (the columns `build_scorecard` gives), so each rule is checked on
figures a reader can work out by hand.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.headline import build_headline
from core.catalogue import catalogue

CAT = catalogue()
NOV14, OCT14, DEC13, JAN14 = (
    dt.date(2014, 11, 1),
    dt.date(2014, 10, 1),
    dt.date(2013, 12, 1),
    dt.date(2014, 1, 1),
)


def card(rows: list[tuple[str, float | None, str | None, str | None]]) -> pd.DataFrame:
    """A scorecard of (code, value, rag, direction_month) rows."""
    return pd.DataFrame(
        {
            "code": [r[0] for r in rows],
            "name": [CAT.get(r[0]).name for r in rows],
            "breakdown": ["" for _ in rows],
            "value": pd.Series([r[1] for r in rows], dtype=float),
            "rag": pd.Series([r[2] for r in rows], dtype=object),
            "direction_month": pd.Series([r[3] for r in rows], dtype=object),
        }
    )


def test_counts_statuses_and_directions_of_the_month() -> None:
    now = card(
        [
            ("REF_24H", 37.0, "red", "worsening"),
            ("ASSESS_45WD", 80.0, "amber", "improving"),
            ("REREF_12M", 20.0, "green", "improving"),
            ("CASELOAD_AVG", 18.0, "green", "no change"),
            ("REFERRALS", 350.0, None, "increase"),
        ]
    )
    headline = build_headline(now, pd.DataFrame(), CAT, NOV14, OCT14)
    assert (headline.on_target, headline.near_target, headline.off_target) == (2, 1, 1)
    assert (headline.improved, headline.worsened) == (2, 1)
    assert headline.changes == ()
    assert headline.counts_sentence() == (
        "In November 2014, 2 indicators were on target, 1 near target and 1 off target. "
        "On last month, 2 indicators got better and 1 got worse."
    )


def test_a_changed_status_reads_as_the_papers_write_it() -> None:
    now = card([("REF_24H", 37.0, "red", "worsening"), ("REREF_12M", 20.0, "green", None)])
    before = card([("REF_24H", 41.0, "amber", None), ("REREF_12M", 20.0, "green", None)])
    headline = build_headline(now, before, CAT, NOV14, OCT14)
    name = CAT.get("REF_24H").name
    assert [c.sentence for c in headline.changes] == [
        f"{name}: 37.0% in November 2014, off target (was near target in October)"
    ]
    assert headline.changes[0].worse


def test_slips_are_listed_before_recoveries_and_a_new_year_names_the_year() -> None:
    now = card([("REREF_12M", 20.0, "green", "improving"), ("ASSESS_45WD", 70.0, "red", None)])
    before = card([("REREF_12M", 26.0, "red", None), ("ASSESS_45WD", 86.0, "green", None)])
    headline = build_headline(now, before, CAT, JAN14, DEC13)
    assert [c.code for c in headline.changes] == ["ASSESS_45WD", "REREF_12M"]
    assert headline.changes[1].sentence.endswith("on target (was off target in December 2013)")
    assert not headline.changes[1].worse


def test_no_figure_or_no_target_in_either_month_is_not_a_change() -> None:
    now = card([("REF_24H", None, None, None), ("REREF_12M", 20.0, "green", None)])
    before = card([("REF_24H", 41.0, "amber", None), ("REREF_12M", None, None, None)])
    headline = build_headline(now, before, CAT, NOV14, OCT14)
    assert headline.changes == ()
    assert (headline.on_target, headline.near_target, headline.off_target) == (1, 0, 0)


def test_a_month_with_no_rated_figure_says_so() -> None:
    headline = build_headline(card([("REFERRALS", 350.0, None, "increase")]), card([]), CAT,
                              NOV14, OCT14)  # fmt: skip
    assert headline.counts_sentence() == (
        "In November 2014 no indicator with a target had a figure."
    )
