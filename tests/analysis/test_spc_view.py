"""The SPC view: the chart builder draws limits, marks variation by shape, and says when there
are too few points; the indicator wrapper judges the same series the scorecard does."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.spc import MIN_POINTS, xmr
from analysis.spc_view import icon_text, indicator_spc, point_description, rules_fired
from core.catalogue import catalogue
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
    result = indicator_spc(REREF, SERIES, TARGETS, add_months(START, 12), {})
    assert result.target == 22.0
    assert len(result.frame) == 13  # the drop in month 14 is after the month chosen
    assert result.variation.key == "common_cause"
    assert icon_text(result.assurance).endswith(f"({result.assurance.symbol})")
    later = indicator_spc(REREF, SERIES, TARGETS, add_months(START, 13), {})
    assert later.variation.key == "improvement_low"


def test_indicator_spc_with_too_few_points_has_too_few_icons():
    result = indicator_spc(REREF, SERIES.head(4), TARGETS, add_months(START, 3), {})
    assert not result.enough
    assert result.assurance.key == "too_few_points"
