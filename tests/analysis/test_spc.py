"""XmR charts against worked examples, each reasoned from the reference implementation.

The reference is the NHS-R Community's NHSRplotthedots (which follows NHS England's Making Data
Count Excel tool); each docstring names the function and line whose behaviour it pins:
`ptd_spc_standard` (R/ptd_spc_standard.R) for limits, `ptd_special_cause_type` and its helpers
(R/ptd_calculate_point_type.R) for the rules, `ptd_calculate_assurance_type` for assurance.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from analysis.spc import (
    change_points_for,
    variation_icon,
    xmr,
)
from core.catalogue import ChangePoint

NAN = math.nan
# Twelve months whose limits are easy to work by hand, ending below the mean so that points
# appended after them start their own runs:
#   values 12, 10, 12, 10, ... (12 points); mean = (6 × 12 + 6 × 10) / 12 = 11
#   every moving range = 2, so the mean moving range = 2
#   limits = 11 ± 2.66 × 2 = 11 ± 5.32 -> upper 16.32, lower 5.68
#   "close" = beyond 11 ± (2/3 × 5.32) = 11 ± 3.5467 -> above 14.5467, below 7.4533
# Rule tests append months to it and fix the limits on these twelve (the reference's
# `fix_after_n_points = 12`), so the arithmetic above holds however many months follow.
BASELINE = [12.0, 10.0] * 6
FIXED = 12


def monthly(values: list[float], start: dt.date = dt.date(2020, 1, 1)) -> pd.DataFrame:
    """A tidy series of consecutive months from `start`."""
    periods = [
        dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(len(values))
    ]
    return pd.DataFrame({"period": periods, "value": values})


def appended(run: list[float], polarity: str = "higher") -> pd.DataFrame:
    """BASELINE then `run`, limits fixed on BASELINE."""
    return xmr(monthly(BASELINE + run), polarity, baseline_points=FIXED)


def tail(frame: pd.DataFrame, column: str, n: int) -> list:
    return frame[column].tolist()[-n:]


# Limits ------------------------------------------------------------------------------------


def test_limits_come_from_every_month_of_the_segment_by_default():
    """ptd_spc_standard: `fix_y = ifelse(row_number() <= (fix_after_n_points %||% Inf), y, NA)`
    with no fixed length keeps every row, so later months move the mean and limits.

    10 12 11 13 12 14 13 12 11 13 12 11 then 30 40: sum 144 + 70 = 214, mean 214 / 14;
    moving ranges 2 1 2 1 2 1 1 1 2 1 1 (15), |30 - 11| = 19, |40 - 30| = 10: 44 / 13.
    """
    values = [10.0, 12, 11, 13, 12, 14, 13, 12, 11, 13, 12, 11, 30, 40]
    chart = xmr(monthly(values), "higher")
    mean, width = 214 / 14, 2.66 * 44 / 13
    assert chart["mean"].tolist() == pytest.approx([mean] * 14)
    assert chart["upper"].iloc[0] == pytest.approx(mean + width)
    assert chart["lower"].iloc[-1] == pytest.approx(mean - width)
    assert math.isnan(chart["moving_range"].iloc[0])
    assert chart["moving_range"].tolist()[1:] == [2, 1, 2, 1, 2, 1, 1, 1, 2, 1, 1, 19, 10]
    assert tail(chart, "rule_outside", 2) == [True, True]  # 30 and 40 > 15.29 + 9.00
    assert (chart["segment"] == 0).all()


def test_a_large_moving_range_is_not_screened_out():
    """ptd_spc_standard: `mr` is only dropped `!options$screen_outliers`-false, and screening is
    off by default (as in the Excel tool).

    Eleven 10s and one 20: moving ranges 0 × 5, 10, 10, 0 × 4, mean 20 / 11. Screening would
    drop both 10s (10 >= 3.267 × 20 / 11 = 5.94) and leave limits of zero width.
    """
    chart = xmr(monthly([10.0] * 6 + [20.0] + [10.0] * 5), "higher")
    assert chart["upper"].iloc[0] == pytest.approx(130 / 12 + 2.66 * 20 / 11)
    assert chart["rule_outside"].tolist() == [False] * 6 + [True] + [False] * 5


def test_a_fixed_baseline_holds_the_limits_on_its_first_months():
    """ptd_spc_standard with `fix_after_n_points = 4`: mean and moving ranges of rows 1-4 only.

    10 10 10 10 then eight 12s: mean 10, moving ranges 0, so limits 10 ± 0 and every 12 is
    outside; from all twelve months the mean would be 136 / 12 and the limits 11.33 ± 0.48.
    """
    chart = xmr(monthly([10.0] * 4 + [12.0] * 8), "higher", baseline_points=4)
    assert chart["mean"].iloc[-1] == 10 and chart["upper"].iloc[-1] == 10
    assert chart["rule_outside"].tolist() == [False] * 4 + [True] * 8
    every = xmr(monthly([10.0] * 4 + [12.0] * 8), "higher")
    assert every["mean"].iloc[-1] == pytest.approx(136 / 12)
    assert every["upper"].iloc[-1] == pytest.approx(136 / 12 + 2.66 * 2 / 11)


# Rule: outside the limits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "expected"),
    [([17.0], True), ([16.0], False), ([5.0], True), ([6.0], False)],
)
def test_rule_outside_the_limits(run, expected):
    """ptd_spc_standard: `outside_limits = (y > upl | y < lpl)`; 17 > 16.32, 16 < 16.32,
    5 < 5.68, 6 > 5.68."""
    chart = appended(run)
    assert chart["rule_outside"].iloc[-1] == expected
    assert chart["rule"].iloc[-1] == ("outside" if expected else "")


# Rule: shift of 7 on one side of the mean ---------------------------------------------------


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        # six above the mean of 11 (the baseline's last point, 10, is below): not yet a shift
        ([13.0] * 6, [False] * 6),
        # seven above: a shift, and every point of the run is flagged, not only the seventh
        ([13.0] * 7, [True] * 7),
        # the baseline's final 10 plus six 9s make seven below
        ([9.0] * 6, [True] * 6),
        # a point exactly on the mean breaks the run: 3 + 3 above (and 3 + 4 below the mean
        # would be no shift either)
        ([13.0] * 3 + [11.0] + [13.0] * 3, [False] * 7),
        ([13.0] * 3 + [11.0] + [13.0] * 7, [False] * 4 + [True] * 7),
    ],
)
def test_rule_shift_needs_seven_points_on_one_side(run, expected):
    """ptd_seven_point_one_side_mean: `all(vp[[i]] == vp[i - 1:6]) & vp[[i]] != 0`, the point
    and the six before it on one side (a point on the mean has relative_to_mean 0, so it is in
    no run); ptd_part_of_seven_trend then flags the six before it too."""
    chart = appended(run)
    assert tail(chart, "rule_shift", len(run)) == expected
    assert chart["rule_shift"].iloc[11] == (run[0] == 9)  # the baseline's 10 joins a low run
    assert not chart["rule_shift"].iloc[:11].any()


def test_a_shift_with_limits_from_every_month():
    """Default limits: 9 13 9 13 9 13 then seven 13s: mean (3 × 9 + 10 × 13) / 13 = 12.08,
    moving ranges 4 × 5 and 0 × 7 (20 / 12), limits 12.08 ± 4.43. The 13 at month 6 and the
    seven after it are eight in a row above; the 9s are close below (9 < 12.08 - 2.955) but
    each window of three mixes sides, so ptd_two_in_three's `abs(sum(rtm)) == 3` is false."""
    chart = xmr(monthly([9.0, 13, 9, 13, 9, 13] + [13.0] * 7), "higher")
    assert chart["mean"].iloc[0] == pytest.approx(157 / 13)
    assert chart["upper"].iloc[0] == pytest.approx(157 / 13 + 2.66 * 20 / 12)
    assert chart["rule_shift"].tolist() == [False] * 5 + [True] * 8
    assert not chart["rule_two_of_three"].any()
    assert chart["variation"].tolist() == ["common"] * 5 + ["improvement"] * 8


# Rule: trend of 7 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "fires"),
    [
        # the baseline ends 12, 10; 9 falls again, then the rise begins at 9
        ([9.0, 9.5, 10, 10.5, 11, 11.5], False),  # six rising points: five rises
        ([9.0, 9.5, 10, 10.5, 11, 11.5, 12], True),  # seven rising points: six rises
        ([9.0, 9.5, 10, 10, 10.5, 11, 11.5, 12], False),  # an equal neighbour breaks it
    ],
)
def test_rule_trend_needs_seven_points_each_rising(run, fires):
    """ptd_seven_point_trend: `d <- sign(diff(y[i - 0:6])) * -1; all(d == 1)`, i.e. seven
    points y[i-6..i] with six rises; a zero step fails `all`. ptd_part_of_seven_trend flags
    all seven."""
    chart = appended(run)
    assert tail(chart, "rule_trend", len(run)) == [fires] * len(run)
    assert not chart[["rule_outside", "rule_two_of_three", "rule_shift"]].any().any()


def test_a_rising_trend_is_high_even_below_the_mean():
    """ptd_point_type: "7 Point Trend (Increasing)" matches "Increasing" -> +1, whatever side
    of the mean the point is on: 9, 9.5 and 10 are below 11 but rising."""
    run = [9.0, 9.5, 10, 10.5, 11, 11.5, 12]
    assert tail(appended(run, "higher"), "variation", 7) == ["improvement"] * 7
    assert tail(appended(run, "lower"), "variation", 7) == ["concern"] * 7
    assert tail(appended(run, "neither"), "side", 7) == ["high"] * 7


def test_the_peak_between_two_trends_takes_the_later_ones_direction():
    """ptd_special_cause_type: "if a point is part of a trend either side, use right side":
    8 .. 14 rises (seven points), 14 .. 8 falls (seven); the peak 14 reads as decreasing."""
    run = [8.0, 9, 10, 11, 12, 13, 14, 13, 12, 11, 10, 9, 8]
    chart = appended(run)
    assert tail(chart, "rule_trend", 13) == [True] * 13
    assert tail(chart, "side", 13) == ["high"] * 6 + ["low"] * 7


# Rule: two of three close to a limit ---------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        # 15 > 14.5467 twice, and 12 > 11: all three above the mean. Both 15s, not the 12.
        ([15.0, 12, 15], [True, False, True]),
        # the same two close points, but 10 is below the mean: sides split, no flag
        ([15.0, 10, 15, 10], [False] * 4),
        # 15 close above, 7 close below (7 < 7.4533): not on the same side
        ([15.0, 7, 12], [False] * 3),
        # 7, 9, 7: two close below, all three below
        ([7.0, 9, 7], [True, False, True]),
        # three close above: all three
        ([15.0, 15, 15], [True] * 3),
    ],
)
def test_rule_two_of_three_close_on_the_same_side(run, expected):
    """ptd_two_in_three: `(sum(vp[i + 0:2]) >= 2) & (abs(sum(rtmp[i + 0:2])) == 3)`, two of
    three close and all three on one side of the mean; ptd_part_of_two_in_three flags only the
    close points."""
    chart = appended(run)
    assert tail(chart, "rule_two_of_three", len(run)) == expected
    assert not chart["rule_outside"].any()


def test_a_point_outside_the_limits_does_not_count_as_close():
    """ptd_spc_standard: `close_to_limits = !outside_limits & (...)`. 17 (outside), 15 (close),
    12: one close point, so no two of three and 15 is common cause; 15, 17, 15 has two close
    points with all three above, so both 15s are flagged."""
    chart = appended([17.0, 15, 12])
    assert tail(chart, "rule", 3) == ["outside", "", ""]
    assert tail(chart, "variation", 3) == ["improvement", "common", "common"]
    chart = appended([15.0, 17, 15])
    assert tail(chart, "rule", 3) == ["two_of_three", "outside", "two_of_three"]


# Precedence and polarity ---------------------------------------------------------------------


def test_precedence_is_outside_then_trend_then_two_of_three_then_shift():
    """ptd_special_cause_type's case_when: outside, then trend, then 2 in 3, then 7 points.

    After the baseline's 10: 17 16 15 14 13 12 11.5 falls seven times in a row (a trend,
    decreasing), all seven sit above the mean of 11 (a shift, above), 16 and 15 are two of
    three close above, and 17 is outside. 17 takes outside (high); the other six take the
    trend (low), though two of three and the shift say high.
    """
    chart = appended([17.0, 16, 15, 14, 13, 12, 11.5])
    assert tail(chart, "rule_shift", 7) == [True] * 7
    assert tail(chart, "rule_two_of_three", 7) == [False, True, True] + [False] * 4
    assert tail(chart, "rule", 7) == ["outside"] + ["trend"] * 6
    assert tail(chart, "side", 7) == ["high"] + ["low"] * 6
    assert tail(chart, "variation", 7) == ["improvement"] + ["concern"] * 6


def test_two_of_three_takes_precedence_over_a_shift():
    """Seven above the mean (a shift), two of them close: the close ones are "2 in 3 Above CL",
    the rest "7 Points Above CL"."""
    chart = appended([13.0, 13, 13, 15, 13, 15, 13])
    assert tail(chart, "rule", 7) == ["shift"] * 3 + ["two_of_three", "shift"] * 2
    assert tail(chart, "side", 7) == ["high"] * 7


@pytest.mark.parametrize(
    ("value", "polarity", "variation", "side"),
    [
        (17.0, "higher", "improvement", "high"),
        (17.0, "lower", "concern", "high"),
        (17.0, "neither", "neither", "high"),
        (5.0, "higher", "concern", "low"),
        (5.0, "lower", "improvement", "low"),
        (5.0, "neither", "neither", "low"),
    ],
)
def test_polarity_decides_improvement_concern_or_neither(value, polarity, variation, side):
    """ptd_point_type: with improvement_direction 0 the type is special_cause_neutral_high or
    _low, never improvement or concern; otherwise the sign times the direction decides."""
    chart = appended([value], polarity)
    assert chart["variation"].iloc[-1] == variation
    assert chart["side"].iloc[-1] == side
    assert set(chart["variation"].iloc[:-1]) == {"common"}


# Recalculation -------------------------------------------------------------------------------


def test_a_change_point_recalculates_mean_and_limits_from_its_own_months():
    """ptd_spc_standard groups by `rebase_group = cumsum(rebase)`: each group its own mean and
    moving ranges, and no moving range across the change (diff within the group only).

    Months 1-12: 12, 10, ... (mean 11); months 13-24: 22, 20, ... (mean 21, ranges 2), so the
    second segment's limits are 21 ± 5.32 = 26.32 / 15.68.
    """
    frame = monthly(BASELINE + [22.0, 20.0] * 6)
    change = ChangePoint("REF_24H", frame["period"].iloc[12], "New front door")
    chart = xmr(frame, "higher", change_points=[change])
    assert chart["segment"].tolist() == [0] * 12 + [1] * 12
    assert chart["mean"].tolist() == pytest.approx([11.0] * 12 + [21.0] * 12)
    assert chart["upper"].iloc[-1] == pytest.approx(26.32)
    assert chart["lower"].iloc[-1] == pytest.approx(15.68)
    assert math.isnan(chart["moving_range"].iloc[12])
    assert set(chart["variation"]) == {"common"}
    # Without it the months after are a shift above one mean of 16 (and the first twelve one
    # below it), so everything is special cause.
    assert set(xmr(frame, "higher")["variation"]) == {"improvement", "concern"}


def test_a_change_point_with_a_fixed_baseline_uses_its_first_months():
    """ptd_spc_standard `fix_after_n_points` within the new rebase group: 20 22 20 22 give
    mean 21 and moving ranges 2, limits 21 ± 5.32, so the 30s after them are outside; from
    every month of the segment (mean 27, ranges 2 2 2 8 0 ... = 14 / 11, limits 27 ± 3.39)
    they are inside and the first four months are the ones outside."""
    frame = monthly(BASELINE + [20.0, 22, 20, 22] + [30.0] * 8)
    month = frame["period"].iloc[12]
    fixed = xmr(frame, "higher", [ChangePoint("*", month, "New system", baseline_months=4)])
    assert fixed["mean"].iloc[-1] == pytest.approx(21) and fixed["upper"].iloc[-1] == 26.32
    assert tail(fixed, "rule_outside", 8) == [True] * 8
    every = xmr(frame, "higher", [ChangePoint("*", month, "New system")])
    assert every["mean"].iloc[-1] == pytest.approx(27)
    assert every["upper"].iloc[-1] == pytest.approx(27 + 2.66 * 14 / 11)
    assert every["rule_outside"].tolist()[12:] == [True] * 4 + [False] * 8


def test_a_change_point_at_the_first_month_can_fix_the_first_segments_baseline():
    frame = monthly([10.0] * 4 + [12.0] * 8)
    point = ChangePoint("*", frame["period"].iloc[0], "Counting began", baseline_months=4)
    chart = xmr(frame, "higher", [point])
    assert (chart["segment"] == 0).all() and chart["mean"].iloc[-1] == 10


def test_a_segment_with_fewer_than_twelve_months_has_no_limits():
    """Eleven months after the change point: that segment has no mean, limits or reading
    (the reference would warn, ptd_add_short_group_warnings); the first keeps its own."""
    frame = monthly(BASELINE + [22.0, 20.0] * 5 + [22.0])
    chart = xmr(frame, "higher", change_points=[frame["period"].iloc[12]])
    assert chart["segment"].tolist() == [0] * 12 + [1] * 11
    assert chart["mean"].iloc[:12].tolist() == pytest.approx([11.0] * 12)
    assert chart["mean"].iloc[12:].isna().all() and chart["upper"].iloc[12:].isna().all()
    assert set(chart["variation"].iloc[12:]) == {""} and set(chart["rule"].iloc[12:]) == {""}
    icon = variation_icon(chart, "higher")
    assert icon.key == "too_few_points"
    assert "there are 11 since the limits were recalculated in January 2021" in icon.label


def test_change_points_for_one_indicator_include_those_for_all():
    april, january = dt.date(2015, 4, 1), dt.date(2016, 1, 1)
    points = [
        ChangePoint("*", april, "New system"),
        ChangePoint("REF_24H", january, "Front door"),
        ChangePoint("REF_24H", april, "Own reason", 12),
        ChangePoint("LAC_COUNT", january, "Other"),
    ]
    mine = change_points_for("REF_24H", points)
    assert [(p.month, p.reason) for p in mine] == [(april, "Own reason"), (january, "Front door")]
    assert change_points_for("REREF_12M", points) == [points[0]]


# Properties ----------------------------------------------------------------------------------


@given(
    # Gaps are one draw in five, so nearly every list has the 16 plotted points assumed below.
    values=st.lists(st.one_of(*[st.integers(-50, 50)] * 4, st.none()), min_size=20, max_size=40),
    constant=st.integers(-1000, 1000),
)
def test_shifting_every_value_shifts_mean_and_limits_and_keeps_flags(values, constant):
    # Integer values with a 16-point baseline keep the mean exact in floating point, so a
    # flag can only change if the logic, not rounding, depends on the level.
    plotted = [v for v in values if v is not None]
    assume(len(plotted) >= 16)
    raw = [NAN if v is None else float(v) for v in values]
    chart = xmr(monthly(raw), "higher", baseline_points=16)
    moved = xmr(monthly([v + constant for v in raw]), "higher", baseline_points=16)

    limits = chart.dropna(subset=["upper"])
    assert (limits["lower"] <= limits["mean"]).all() and (limits["mean"] <= limits["upper"]).all()
    for column in ("mean", "upper", "lower"):
        np.testing.assert_allclose(moved[column], chart[column] + constant, atol=1e-9)
    flags = ["rule_outside", "rule_shift", "rule_trend", "rule_two_of_three", "rule", "variation"]
    pd.testing.assert_frame_equal(moved[flags], chart[flags])
    assert not chart.loc[chart["value"].isna(), flags[:4]].any().any()
