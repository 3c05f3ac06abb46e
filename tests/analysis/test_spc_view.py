"""The SPC view: the chart builder draws limits, marks variation by shape, and says when there
are too few points; the indicator wrapper judges the same series the scorecard does."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.spc import MIN_POINTS, xmr
from analysis.spc_view import (
    SPC_COLUMNS,
    assurance_text,
    current_segment,
    icon_text,
    indicator_spc,
    point_description,
    recalculation_notes,
    rules_fired,
    spc_columns,
    spc_notes,
    too_few_message,
)
from core.catalogue import ChangePoint, catalogue
from core.periods import add_months
from presentation.charts.spc import VARIATION_MARKERS, spc_chart

CAT = catalogue()
REREF = CAT.get("REREF_12M")
START = dt.date(2015, 4, 1)
TARGETS = pd.DataFrame(
    {
        "indicator": ["REREF_12M"],
        "effective_from": [dt.date(2014, 4, 1)],
        "target": [22.0],
        "amber_tolerance": [2.0],
    }
)


def monthly(values: list[float | None], start: dt.date = START) -> pd.DataFrame:
    return pd.DataFrame(
        {"period": [add_months(start, n) for n in range(len(values))], "value": values}
    )


# Twelve steady months then a drop well below the lower limit: the last point is special cause,
# and lower is better for re-referrals, so it is an improvement.
STEADY = [25.0, 26.0, 24.5, 25.5, 25.0, 26.5, 24.0, 25.0, 25.5, 24.5, 26.0, 25.0]
SERIES = monthly([*STEADY, 25.2, 14.0])


def names(fig) -> list[str]:
    return [t.name for t in fig.data]


def test_chart_draws_mean_and_both_process_limits():
    fig = spc_chart(REREF, xmr(SERIES, "lower"), TARGETS)
    assert {"Mean", "Upper process limit", "Lower process limit", "Target"} <= set(names(fig))
    upper = next(t for t in fig.data if t.name == "Upper process limit")
    lower = next(t for t in fig.data if t.name == "Lower process limit")
    assert upper.y[0] > lower.y[0]


def test_points_are_shaped_as_well_as_coloured_by_variation():
    fig = spc_chart(REREF, xmr(SERIES, "lower"), TARGETS)
    improvement = next(t for t in fig.data if t.name == "Special cause: improvement")
    common = next(t for t in fig.data if t.name == "Common cause: no significant change")
    assert improvement.marker.symbol == VARIATION_MARKERS["improvement"]["symbol"]
    assert common.marker.symbol == VARIATION_MARKERS["common"]["symbol"]
    symbols = {style["symbol"] for style in VARIATION_MARKERS.values()}
    assert len(symbols) == len(VARIATION_MARKERS), "every kind of variation has its own shape"


def test_hover_text_names_the_rule_that_fired():
    fig = spc_chart(REREF, xmr(SERIES, "lower"), TARGETS)
    improvement = next(t for t in fig.data if t.name == "Special cause: improvement")
    assert "outside the process limits" in improvement.customdata[-1][1]


def test_limits_step_at_a_change_point_and_are_not_joined():
    values = [*STEADY, *[v - 10 for v in STEADY]]
    frame = xmr(monthly(values), "lower", change_points=[add_months(START, 12)])
    fig = spc_chart(REREF, frame, TARGETS)
    mean = next(t for t in fig.data if t.name == "Mean")
    assert None in mean.y, "a new segment starts a new line"
    levels = {round(y, 6) for y in mean.y if y is not None}
    assert len(levels) == 2


def test_too_few_points_draws_no_limits_and_says_so():
    fig = spc_chart(REREF, xmr(monthly(STEADY[:5]), "lower"), TARGETS)
    assert "Mean" not in names(fig) and "Upper process limit" not in names(fig)
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert f"it needs {MIN_POINTS} months" in notes and "there are 5" in notes


def test_an_empty_frame_gives_an_empty_figure():
    assert not spc_chart(REREF, xmr(monthly([]), "lower"), TARGETS).data


def test_rules_and_descriptions_are_words():
    row = {"variation": "concern", "rule_outside": True, "rule_shift": True}
    assert rules_fired(row)[0] == "outside the process limits"
    assert point_description(row).startswith("Special cause: concern (outside the process limits;")
    assert point_description({"variation": ""}) == ""


def test_indicator_spc_uses_the_target_in_force_and_only_months_up_to_as_at():
    result = indicator_spc(REREF, SERIES, TARGETS, add_months(START, 12), ())
    assert result.target == 22.0
    assert len(result.frame) == 13  # the drop in month 14 is after the month chosen
    assert result.variation.key == "common_cause"
    assert icon_text(result.assurance).endswith(f"({result.assurance.symbol})")
    later = indicator_spc(REREF, SERIES, TARGETS, add_months(START, 13), ())
    assert later.variation.key == "improvement_low"


def test_indicator_spc_with_too_few_points_has_too_few_icons():
    result = indicator_spc(REREF, SERIES.head(4), TARGETS, add_months(START, 3), ())
    assert not result.enough
    assert result.assurance.key == "too_few_points"


# Recalculation on the chart, and the words under it ------------------------------------------

ASSESS = CAT.get("ASSESS_45WD")


def targets_for(code: str, target: float, tolerance: float = 2.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": [code],
            "effective_from": [dt.date(2014, 4, 1)],
            "target": [target],
            "amber_tolerance": [tolerance],
        }
    )


def test_the_chart_marks_where_the_limits_were_recalculated_and_why():
    values = [*STEADY, *[v - 10 for v in STEADY]]
    point = ChangePoint("REREF_12M", add_months(START, 12), "New audit of closed cases")
    result = indicator_spc(REREF, monthly(values), TARGETS, add_months(START, 23), [point])
    assert result.recalculations == (point,)
    fig = spc_chart(REREF, result.frame, TARGETS, recalculations=result.recalculations)
    marks = [a for a in fig.layout.annotations if a.text == "Limits recalculated"]
    assert len(marks) == 1 and marks[0].hovertext == "April 2016: New audit of closed cases"
    assert recalculation_notes(result) == [
        "Limits recalculated from April 2016: New audit of closed cases"
    ]


def test_a_segment_too_short_for_limits_says_so_since_the_recalculation():
    values = [*STEADY, *[v - 10 for v in STEADY[:5]]]
    point = ChangePoint("REREF_12M", add_months(START, 12), "New audit of closed cases")
    result = indicator_spc(REREF, monthly(values), TARGETS, add_months(START, 16), [point])
    assert not result.enough
    assert current_segment(result.frame) == (5, add_months(START, 12))
    fig = spc_chart(REREF, result.frame, TARGETS, recalculations=result.recalculations)
    mean = next(t for t in fig.data if t.name == "Mean")
    assert None not in mean.y, "only the first segment has a mean line"
    message = too_few_message(*current_segment(result.frame))
    assert "there are 5 since the limits were recalculated in April 2016" in message


def alternating(low: float, high: float, months: int) -> list[float]:
    return [low if n % 2 == 0 else high for n in range(months)]


def test_a_fail_in_a_month_that_met_the_target_says_why():
    """24 months of 25, 26 (lower is better) then 21: mean (24 × 25.5 + 21) / 25 = 25.32,
    moving ranges 23 × 1 and 5 (28 / 24), lower limit 25.32 - 3.10 = 22.22 > 22: the target is
    beyond the lower limit, a fail, yet 21 met it (it is outside the limits)."""
    series = monthly([*alternating(25, 26, 24), 21.0])
    result = indicator_spc(REREF, series, targets_for("REREF_12M", 22), add_months(START, 24), ())
    assert result.assurance.key == "fail"
    assert result.assurance_note.startswith(
        "Why this differs from the status: April 2017 met the target, but it lies outside the "
        "process limits (22.2% to 28.4%)"
    )
    assert assurance_text(result).endswith(result.assurance_note)


def test_a_pass_in_a_month_that_missed_the_target_says_why():
    """24 months of 90, 91 (higher is better) then 80: mean 90.08, moving ranges 23 × 1 and
    11 (34 / 24), lower limit 90.08 - 3.77 = 86.31 > 85: a pass, yet 80 missed 85."""
    series = monthly([*alternating(90, 91, 24), 80.0])
    result = indicator_spc(
        ASSESS, series, targets_for("ASSESS_45WD", 85), add_months(START, 24), ()
    )
    assert result.assurance.key == "pass"
    assert "April 2017 missed the target, but it lies outside" in result.assurance_note


def test_hit_and_miss_after_twelve_months_on_target_says_why():
    """25, 26 alternating: limits 25.5 ± 2.66; a target of 26 lies within them (hit and miss)
    though every month met it (lower is better)."""
    series = monthly(alternating(25, 26, 24))
    result = indicator_spc(REREF, series, targets_for("REREF_12M", 26), add_months(START, 23), ())
    assert result.assurance.key == "hit_and_miss"
    assert "the last twelve months all met the target, but the target lies within" in (
        result.assurance_note
    )


def test_a_verdict_that_agrees_with_the_status_needs_no_note():
    series = monthly(alternating(25, 26, 24))
    result = indicator_spc(REREF, series, targets_for("REREF_12M", 30), add_months(START, 23), ())
    assert result.assurance.key == "pass" and result.assurance_note == ""
    assert assurance_text(result) == icon_text(result.assurance)


def test_a_shift_with_no_recalculation_point_is_named_in_words():
    """Twelve months around 25, then eight at 20: the latest eight are a shift below the mean
    of all twenty, so the page asks for a recalculation rather than re-basing by itself."""
    series = monthly([*STEADY, *[20.0] * 8])
    result = indicator_spc(REREF, series, TARGETS, add_months(START, 19), ())
    assert result.sustained_since == add_months(START, 12)
    assert any(
        note.startswith("A sustained change since April 2016: consider recalculating the limits")
        for note in spc_notes(result)
    )
    assert (result.frame["segment"] == 0).all(), "no silent re-basing"


# The officers' per-month columns --------------------------------------------------------------


def values_frame(code: str, values: list[float | None], breakdown: str = "") -> pd.DataFrame:
    return monthly(values).assign(indicator=code, breakdown=breakdown)


def test_spc_columns_give_each_month_the_charts_reading():
    cat = replace(CAT, change_points=(ChangePoint("REREF_12M", add_months(START, 12), "Audit"),))
    values = pd.concat(
        [
            values_frame("REREF_12M", [*STEADY, *[v - 10 for v in STEADY[:5]]]),
            values_frame("ASSESS_45WD", [*STEADY, 40.0]),
        ]
    )
    columns = spc_columns(values, cat).set_index(["indicator", "period"])
    reref = columns.loc["REREF_12M"]
    assert reref["spc_mean"].iloc[:12].notna().all() and reref["spc_mean"].iloc[12:].isna().all()
    assert set(reref["spc_variation"].iloc[12:]) == {""}
    assessed = columns.loc["ASSESS_45WD"]
    assert assessed["spc_variation"].iloc[-1] == "improvement"  # higher is better
    assert assessed["spc_rule"].iloc[-1] == "outside"
    assert set(assessed["spc_rule"].iloc[:-1]) == {""}
    assert list(columns.columns) == ["breakdown", *SPC_COLUMNS]


@given(
    values=st.lists(
        st.one_of(*[st.integers(0, 30).map(float)] * 5, st.none()), min_size=1, max_size=30
    ),
    months_to_change=st.one_of(st.none(), st.integers(1, 29)),
    as_at=st.integers(0, 29),
)
def test_spc_columns_agree_with_the_indicator_view_at_every_month(values, months_to_change, as_at):
    points = (
        (ChangePoint("REREF_12M", add_months(START, months_to_change), "Audit"),)
        if months_to_change is not None
        else ()
    )
    cat = replace(CAT, change_points=points)
    last = add_months(START, min(as_at, len(values) - 1))
    frame = values_frame("REREF_12M", values)
    columns = spc_columns(frame, cat, last).set_index("period")
    result = indicator_spc(REREF, frame, TARGETS, last, points)
    chart = result.frame.set_index("period")
    assert list(columns.index) == list(chart.index)
    assert columns["spc_variation"].tolist() == chart["variation"].tolist()
    assert columns["spc_rule"].tolist() == chart["rule"].tolist()
    pd.testing.assert_series_equal(columns["spc_upper"], chart["upper"], check_names=False)
