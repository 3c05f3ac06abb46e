"""Derived rates per 10,000 children, worked out from current figures (analysis.derived).

Hand-worked examples on small frames: the population in force is the latest at or before the
month, a 12-month rate needs 12 months, and the result is rounded to the catalogue's places.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.derived import derived_codes, derived_figures, input_codes, with_derived
from core.catalogue import catalogue

CAT = catalogue()
COLUMNS = ["indicator", "period", "breakdown", "value", "numerator", "denominator", "commentary",
           "submission_id", "submitted_at", "submitted_by"]  # fmt: skip


def figures(*rows: tuple[str, dt.date, float, int]) -> pd.DataFrame:
    """(indicator, month, value, submission id) as current figures; later ids later in time."""
    records = []
    for code, month, value, sid in rows:
        when = pd.Timestamp(2017, 1, 1) + pd.Timedelta(days=sid)
        records.append((code, month, "", value, None, None, None, sid, when, f"user {sid}"))
    return pd.DataFrame(records, columns=COLUMNS)


def m(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def rate(frame: pd.DataFrame, code: str, month: dt.date) -> float | None:
    found = frame[(frame.indicator == code) & (frame.period == month)]
    return None if found.empty else float(found.value.iloc[0])


def test_the_derived_rates_are_catalogue_data_with_their_inputs() -> None:
    assert derived_codes(CAT) == ["REF_RATE", "CP_RATE", "LAC_RATE"]
    assert input_codes(CAT, ["CP_RATE", "REF_RATE"]) == ["CP_PLANS", "POP_0_17", "REFERRALS"]
    assert derived_codes(CAT, ["CP_RATE", "REF_24H"]) == ["CP_RATE"]


def test_350_children_on_a_plan_of_56000_is_a_rate_of_62_point_5() -> None:
    frame = figures(("POP_0_17", m(2016, 4), 56_000, 1), ("CP_PLANS", m(2016, 4), 350, 2))
    out = derived_figures(frame, CAT, ["CP_RATE"])
    row = out.iloc[0]
    assert (row.indicator, row.period, row.breakdown, row.value) == (
        "CP_RATE",
        m(2016, 4),
        "",
        62.5,
    )
    assert (row.numerator, row.denominator) == (350, 56_000)
    assert row.submission_id == 2 and row.submitted_by == "user 2"  # its newest input


def test_the_population_in_force_is_the_latest_at_or_before_the_month() -> None:
    frame = figures(
        ("POP_0_17", m(2015, 4), 50_000, 1),
        ("POP_0_17", m(2016, 4), 56_000, 2),
        ("LAC_COUNT", m(2015, 3), 400, 3),  # before any population figure: no rate
        ("LAC_COUNT", m(2016, 3), 400, 3),  # the 2015 estimate: 80.0
        ("LAC_COUNT", m(2016, 4), 448, 3),  # the 2016 estimate: 80.0
        ("LAC_COUNT", m(2017, 3), 450, 3),  # still the 2016 estimate: 80.357... -> 80.4
    )
    out = derived_figures(frame, CAT, ["LAC_RATE"])
    assert rate(out, "LAC_RATE", m(2015, 3)) is None
    assert rate(out, "LAC_RATE", m(2016, 3)) == 80.0
    assert rate(out, "LAC_RATE", m(2016, 4)) == 80.0
    assert rate(out, "LAC_RATE", m(2017, 3)) == 80.4


def test_referrals_rate_sums_twelve_months_and_is_empty_with_fewer() -> None:
    months = [m(2015, 4 + i) if i < 9 else m(2016, i - 8) for i in range(12)]
    rows = [("REFERRALS", month, 300 + i, 1) for i, month in enumerate(months)]
    frame = figures(("POP_0_17", m(2015, 4), 56_000, 1), *rows)
    out = derived_figures(frame, CAT, ["REF_RATE"])
    assert list(out.period) == [m(2016, 3)]  # the first month with 12 months behind it
    total = sum(300 + i for i in range(12))  # 3,666
    assert out.value.iloc[0] == round(total / 56_000 * 10_000, 1) == 654.6
    assert out.numerator.iloc[0] == total


def test_a_gap_in_the_twelve_months_leaves_no_referral_rate() -> None:
    months = [m(2015, 4 + i) if i < 9 else m(2016, i - 8) for i in range(13)]
    rows = [("REFERRALS", month, 300, 1) for month in months if month != m(2015, 10)]
    frame = figures(("POP_0_17", m(2015, 1), 56_000, 1), *rows)
    assert derived_figures(frame, CAT, ["REF_RATE"]).empty


def test_team_figures_and_a_zero_population_give_no_rate() -> None:
    frame = figures(("POP_0_17", m(2016, 4), 0, 1), ("CP_PLANS", m(2016, 4), 350, 1))
    assert derived_figures(frame, CAT, ["CP_RATE"]).empty
    teams = figures(("POP_0_17", m(2016, 4), 56_000, 1), ("CP_PLANS", m(2016, 4), 350, 1))
    teams.loc[1, "breakdown"] = "Child Protection North"
    assert derived_figures(teams, CAT, ["CP_RATE"]).empty


def test_with_derived_keeps_only_what_was_asked_in_store_order() -> None:
    frame = figures(
        ("POP_0_17", m(2015, 4), 56_000, 1),
        ("CP_PLANS", m(2016, 3), 350, 2),
        ("CP_PLANS", m(2016, 4), 364, 2),
    )
    asked = with_derived(frame, CAT, ["CP_RATE"], first=m(2016, 4))
    assert list(asked.indicator) == ["CP_RATE"]  # the inputs were read only to work it out
    assert asked.value.tolist() == [65.0]
    everything = with_derived(frame, CAT)
    assert list(everything.indicator) == ["CP_PLANS", "CP_PLANS", "CP_RATE", "CP_RATE", "POP_0_17"]
    assert list(everything.columns) == COLUMNS


@pytest.mark.parametrize("code", ["CP_RATE", "LAC_RATE", "REF_RATE"])
def test_the_derived_rates_are_never_uploadable(code: str) -> None:
    assert code not in [i.code for i in CAT.uploadable]
    assert CAT.get(code).unit == "number" and CAT.get(code).decimals == 1
