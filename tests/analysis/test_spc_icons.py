"""SPC icons, assurance, a sustained change, gaps and bad input: worked examples.

Split from test_spc.py (the limits and rules); the same reference applies: NHSRplotthedots'
`ptd_calculate_assurance_type` (R/ptd_calculate_assurance_type.R) for assurance, and its
`ptd_spc_standard` for how a missing month (an NA) leaves no moving range.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from analysis.spc import MIN_POINTS, assurance_icon, sustained_change, variation_icon, xmr

NAN = math.nan
# Limits 11 ± 5.32 (5.68 to 16.32), worked out in test_spc.py.
BASELINE = [12.0, 10.0] * 6


def monthly(values: list[float], start: dt.date = dt.date(2020, 1, 1)) -> pd.DataFrame:
    periods = [
        dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(len(values))
    ]
    return pd.DataFrame({"period": periods, "value": values})


def appended(run: list[float], polarity: str = "higher") -> pd.DataFrame:
    """BASELINE then `run`, limits fixed on BASELINE (`fix_after_n_points = 12`)."""
    return xmr(monthly(BASELINE + run), polarity, baseline_points=12)


def tail(frame: pd.DataFrame, column: str, n: int) -> list:
    return frame[column].tolist()[-n:]


# Too few points and gaps ---------------------------------------------------------------------


def test_too_few_points_gives_a_status_not_an_error():
    chart = xmr(monthly(BASELINE[:11]), "higher")
    assert chart["mean"].isna().all() and chart["upper"].isna().all()
    assert not chart[["rule_outside", "rule_shift", "rule_trend"]].any().any()
    assert set(chart["variation"]) == {""}
    for icon in (variation_icon(chart, "higher"), assurance_icon(chart, 50, "higher")):
        assert icon.key == "too_few_points"
        assert f"{MIN_POINTS} months are needed and there are 11" in icon.label


def test_a_missing_month_does_not_count_towards_the_minimum():
    chart = xmr(monthly([*BASELINE[:11], NAN, 12.0]), "higher")  # 13 rows, 12 values
    assert chart["mean"].notna().all()
    chart = xmr(monthly([*BASELINE[:11], NAN]), "higher")  # 12 rows, 11 values
    assert variation_icon(chart, "higher").key == "too_few_points"


@pytest.mark.parametrize("gap", ["blank value", "missing row"])
def test_a_missing_month_breaks_the_moving_range(gap):
    """As the reference's `abs(diff(fix_y))` gives NA next to an NA month: 10 12 10 12 [gap]
    12 10 12 10 12 10 12 10 has ten ranges of 2 (none across the gap), limits 11 ± 5.32."""
    frame = monthly([10.0, 12, 10, 12, NAN, 12, 10, 12, 10, 12, 10, 12, 10])
    if gap == "missing row":
        frame = frame.drop(index=4)
    chart = xmr(frame, "higher").set_index("period")
    after_gap = dt.date(2020, 6, 1)
    assert math.isnan(chart.loc[after_gap, "moving_range"])
    assert chart["moving_range"].notna().sum() == 10
    assert chart.loc[after_gap, "upper"] == pytest.approx(16.32)


def test_runs_count_plotted_points_across_a_missing_month():
    chart = appended([13.0] * 4 + [NAN] + [13.0] * 3)
    assert tail(chart, "rule_shift", 8) == [True] * 4 + [False] + [True] * 3
    assert tail(chart, "variation", 8) == ["improvement"] * 4 + [""] + ["improvement"] * 3


@pytest.mark.filterwarnings("error")
def test_flat_series_has_limits_on_the_mean_and_flags_any_departure():
    chart = xmr(monthly([5.0] * 12 + [5.0, 6.0]), "higher", baseline_points=12)
    assert chart["upper"].tolist() == [5.0] * 14 and chart["lower"].tolist() == [5.0] * 14
    assert chart["rule_outside"].tolist() == [False] * 13 + [True]
    assert chart["variation"].tolist() == ["common"] * 13 + ["improvement"]


def test_output_is_sorted_by_period_and_keeps_other_columns():
    frame = monthly(BASELINE).assign(indicator="REF_24H").iloc[::-1]
    chart = xmr(frame, "higher")
    assert chart["period"].is_monotonic_increasing
    assert (chart["indicator"] == "REF_24H").all()


@pytest.mark.parametrize(
    ("frame", "polarity", "message"),
    [
        (pd.DataFrame({"period": [dt.date(2020, 1, 1)]}), "higher", "missing column.*value"),
        (monthly(BASELINE), "up", "unknown polarity 'up'"),
        (monthly(BASELINE).assign(value="high"), "higher", "value must hold numbers"),
        (pd.concat([monthly(BASELINE)] * 2), "higher", "appears more than once"),
        (
            monthly(BASELINE).assign(period=lambda f: f["period"] + dt.timedelta(days=1)),
            "higher",
            "not the first day of its month",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_saying_what_to_fix(frame, polarity, message):
    with pytest.raises(ValueError, match=message):
        xmr(frame, polarity)


# Icons ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "polarity", "key"),
    [
        (11.0, "higher", "common_cause"),
        (17.0, "higher", "improvement_high"),
        (5.0, "lower", "improvement_low"),
        (17.0, "lower", "concern_high"),
        (5.0, "higher", "concern_low"),
        (17.0, "neither", "neither_high"),
        (5.0, "neither", "neither_low"),
    ],
)
def test_variation_icon_describes_the_latest_month(last, polarity, key):
    icon = variation_icon(appended([last], polarity), polarity)
    assert icon.key == key
    assert icon.label and icon.symbol


@pytest.mark.parametrize(
    ("target", "polarity", "key"),
    [
        # limits 5.68 to 16.32
        (17.0, "higher", "fail"),  # target > upl, increasing: consistent_fail
        (5.0, "higher", "pass"),  # target < lpl, increasing: consistent_pass
        (11.0, "higher", "hit_and_miss"),
        (17.0, "lower", "pass"),  # target > upl, decreasing: consistent_pass
        (5.0, "lower", "fail"),
        (11.0, "lower", "hit_and_miss"),
        (None, "higher", "none"),  # no target: NA
        (11.0, "neither", "none"),  # neutral: NA
    ],
)
def test_assurance_icon_compares_the_limits_with_the_target(target, polarity, key):
    """ptd_calculate_assurance_type: `target > upl ~ ifelse(is_increasing, "consistent_fail",
    "consistent_pass")`, `target < lpl ~ ...pass/fail`, otherwise "inconsistent"."""
    icon = assurance_icon(xmr(monthly(BASELINE), polarity), target, polarity)
    assert icon.key == key
    assert icon.label and icon.symbol


def test_a_target_exactly_on_a_limit_is_hit_and_miss():
    """ptd_calculate_assurance_type compares strictly (`target > upl`, `target < lpl`): twelve
    5s give limits 5 to 5, and a target of 5 is neither above nor below them."""
    chart = xmr(monthly([5.0] * 12), "higher")
    assert assurance_icon(chart, 5, "higher").key == "hit_and_miss"
    assert assurance_icon(chart, 5, "lower").key == "hit_and_miss"


def test_assurance_uses_the_current_segments_limits_only():
    """ptd_calculate_assurance_type takes `slice_tail(n = 1)`: the last row's limits, which are
    its rebase group's. First segment 5.68-16.32, second 15.68-26.32: a target of 15 is hit and
    miss for the first but below the current lower limit, so a pass when higher is better."""
    frame = monthly(BASELINE + [22.0, 20.0] * 6)
    chart = xmr(frame, "higher", change_points=[frame["period"].iloc[12]])
    assert assurance_icon(chart, 15, "higher").key == "pass"
    assert assurance_icon(chart.iloc[:12], 15, "higher").key == "hit_and_miss"


def test_assurance_labels_speak_plainly():
    chart = xmr(monthly(BASELINE), "higher")
    assert assurance_icon(chart, 5, "higher").label == "Consistently meets the target"
    assert "miss the target" in assurance_icon(chart, 17, "higher").label


# A sustained change --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "since"),
    [
        ([13.0] * 6, None),  # six months above: not yet sustained
        ([13.0] * 7, dt.date(2021, 1, 1)),  # seven: since the first of them
        ([13.0] * 7 + [9.0], None),  # the run has ended
        ([13.0] * 3 + [11.0] + [13.0] * 7, dt.date(2021, 5, 1)),  # the mean broke the first
    ],
)
def test_a_shift_still_holding_is_a_sustained_change(run, since):
    assert sustained_change(appended(run)) == since
