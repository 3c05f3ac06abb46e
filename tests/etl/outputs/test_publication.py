"""Small-number suppression for published extracts: the right cells, and only those.

The rules are pure functions of a tidy frame of figures, so each case is a few
rows; a property test checks that no breakdown is ever left with a single
suppressed cell (which subtraction from the total would reveal).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.catalogue import catalogue
from etl.outputs.publication import (
    DERIVED,
    PRIMARY,
    SECONDARY,
    UNCHECKED,
    PublicationRules,
    apply_suppression,
    suppression_reasons,
)

RULES = PublicationRules(suppress_max=5, symbol="c")
MONTH = dt.date(2016, 4, 1)
BANDS = catalogue().breakdown_values["distance_band"]


def frame(*rows: tuple) -> pd.DataFrame:
    """Rows of (indicator, breakdown, value[, numerator, denominator]) for one month."""
    records = [
        {
            "indicator": r[0],
            "period": r[5] if len(r) > 5 else MONTH,
            "breakdown": r[1],
            "value": float(r[2]),
            "numerator": r[3] if len(r) > 3 else None,
            "denominator": r[4] if len(r) > 4 else None,
        }
        for r in rows
    ]
    out = pd.DataFrame.from_records(records)
    out["numerator"] = out["numerator"].astype(float)
    out["denominator"] = out["denominator"].astype(float)
    return out


def reasons(*rows: tuple) -> list[str]:
    return suppression_reasons(frame(*rows), catalogue(), RULES).tolist()


def test_counts_of_children_from_one_to_five_are_suppressed_zero_and_six_are_not() -> None:
    got = reasons(*[("REFERRALS", "", v, None, None, dt.date(2016, m, 1)) for m, v in
                    [(1, 0), (2, 1), (3, 5), (4, 6), (5, 300)]])  # fmt: skip
    assert got == ["", PRIMARY, PRIMARY, "", ""]


def test_counts_of_social_workers_are_never_suppressed() -> None:
    assert reasons(("CASELOAD_OVER_22", "", 3), ("CASELOAD_OVER_22", "Team A", 1)) == ["", ""]


def test_a_percentage_of_one_to_five_children_is_suppressed() -> None:
    got = reasons(
        ("REF_24H", "", 1.0, 3, 300),  # numerator 3
        ("REREF_12M", "", 50.0, 2, 4),  # denominator 4
        ("ASSESS_45WD", "", 0.0, 0, 250),  # zero of 250: shown
        ("LAC_OOA", "", 35.0, 140, 400),
    )
    assert got == [DERIVED, DERIVED, "", ""]


def test_a_percentage_without_numbers_uses_its_denominator_indicator() -> None:
    got = reasons(
        ("REFERRALS", "", 300),
        ("REF_24H", "", 1.0),  # 1% of 300 referrals is 3 children
        ("REREF_12M", "", 25.0),  # 75 of 300: shown
    )
    assert got == ["", DERIVED, ""]


def test_a_percentage_of_children_whose_numbers_cannot_be_found_is_suppressed() -> None:
    assert reasons(("ASSESS_45WD", "", 85.0)) == [UNCHECKED]
    assert reasons(("CASELOAD_AVG", "", 18.0)) == [""]  # not about children


def test_a_lone_suppressed_band_takes_the_next_smallest_with_it() -> None:
    values = dict(zip(BANDS, (300, 40, 12, 3), strict=True))
    got = reasons(("LAC_COUNT", "", 355), *[("LAC_DISTANCE", b, v) for b, v in values.items()])
    assert got == ["", "", "", SECONDARY, PRIMARY]


def test_secondary_suppression_prefers_a_non_zero_cell() -> None:
    values = dict(zip(BANDS, (300, 0, 12, 3), strict=True))
    got = reasons(*[("LAC_DISTANCE", b, v) for b, v in values.items()])
    assert got == ["", "", SECONDARY, PRIMARY]


def test_two_suppressed_bands_need_no_secondary_suppression() -> None:
    values = dict(zip(BANDS, (300, 40, 2, 3), strict=True))
    got = reasons(*[("LAC_DISTANCE", b, v) for b, v in values.items()])
    assert got == ["", "", PRIMARY, PRIMARY]


def test_secondary_suppression_is_decided_month_by_month() -> None:
    april = [
        ("LAC_DISTANCE", b, v, None, None, MONTH)
        for b, v in zip(BANDS, (300, 40, 12, 3), strict=True)
    ]
    may = [
        ("LAC_DISTANCE", b, v, None, None, dt.date(2016, 5, 1))
        for b, v in zip(BANDS, (300, 40, 12, 9), strict=True)
    ]
    assert reasons(*april, *may) == ["", "", SECONDARY, PRIMARY, "", "", "", ""]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 60), min_size=4, max_size=4), min_size=1, max_size=6))
def test_no_breakdown_is_left_with_one_suppressed_cell(months: list[list[int]]) -> None:
    rows = [
        ("LAC_DISTANCE", band, value, None, None, dt.date(2016, 1 + m, 1))
        for m, values in enumerate(months)
        for band, value in zip(BANDS, values, strict=True)
    ]
    got = suppression_reasons(frame(*rows), catalogue(), RULES)
    data = frame(*rows).assign(reason=got)
    for _, month in data.groupby("period"):
        hidden = month[month["reason"] != ""]
        assert len(hidden) != 1
        small = month[(month["value"] >= 1) & (month["value"] <= 5)]
        assert (small["reason"] == PRIMARY).all()  # every small count is hidden
        assert ((month["reason"] == PRIMARY) == month["value"].between(1, 5)).all()


def test_suppressed_cells_hold_the_symbol_and_the_rest_stay_numbers() -> None:
    rows = frame(("REFERRALS", "", 3), ("REFERRALS", "", 0)).assign(rag=["", ""])
    out = apply_suppression(rows, pd.Series([PRIMARY, ""]), RULES)
    assert out["value"].tolist() == ["c", 0.0]
    assert isinstance(out["value"].iloc[1], float)
    assert out["rag"].tolist() == ["c", ""]


def test_which_indicators_count_children_is_data_in_the_catalogue() -> None:
    cat = catalogue()
    counted = {i.code for i in cat.indicators if i.counts_children}
    assert {"REFERRALS", "LAC_COUNT", "LAC_DISTANCE"} <= counted
    assert "CASELOAD_OVER_22" not in counted and "CASELOAD_AVG" not in counted
    for ind in cat.indicators:
        if ind.denominator_indicator:
            base = cat.get(ind.denominator_indicator)
            assert ind.unit == "percent" and base.unit == "count" and base.counts_children


def test_the_rules_come_from_settings() -> None:
    rules = PublicationRules.from_settings()
    assert (rules.suppress_max, rules.symbol) == (5, "c")
    assert "'c'" in rules.explanation() and "1 to 5" in rules.explanation()
