"""The indicator-month model: status and direction worked out once, for every view.

Hand-checked months of one indicator with a stepped target: the model must give the
status a councillor would (on, near or off target by the tolerance), compare with the
calendar month before and a year before (a gap is no comparison), and keep gaps as gaps.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from analysis.indicator_month import NO_FIGURE, indicator_months, month_of, statuses_by_row
from core.catalogue import catalogue

CAT = catalogue()
REREF = CAT.get("REREF_12M")  # lower is better, one decimal place
REFERRALS = CAT.get("REFERRALS")  # a count: neither direction is better
TARGETS = pd.DataFrame(
    {
        "indicator": ["REREF_12M", "REREF_12M"],
        "effective_from": [dt.date(2015, 4, 1), dt.date(2016, 4, 1)],
        "target": [25.0, 22.0],
        "amber_tolerance": [2.0, 2.0],
    }
)


def _series(values: dict[dt.date, float]) -> pd.DataFrame:
    return pd.DataFrame({"period": list(values), "value": list(values.values())})


def test_status_follows_the_target_in_force_each_month() -> None:
    model = indicator_months(
        REREF,
        _series({dt.date(2016, 3, 1): 24.0, dt.date(2016, 4, 1): 24.0, dt.date(2016, 5, 1): 21.0}),
        TARGETS,
    )
    # March: target 25, 24 beats it. April: target 22, 24 misses by 2 = the tolerance.
    assert list(model["rag"]) == ["green", "amber", "green"]
    assert list(model["rag_label"]) == ["On target", "Near target", "On target"]
    assert list(model["target"]) == [25.0, 22.0, 22.0]


def test_beyond_the_tolerance_is_off_target() -> None:
    model = indicator_months(REREF, _series({dt.date(2016, 4, 1): 24.5}), TARGETS)
    assert model["rag"].iloc[0] == "red"


def test_direction_is_judged_by_polarity_against_last_month_and_a_year_ago() -> None:
    model = indicator_months(
        REREF,
        _series({dt.date(2015, 4, 1): 20.0, dt.date(2016, 3, 1): 23.0, dt.date(2016, 4, 1): 22.0}),
        TARGETS,
    )
    april = month_of(model, dt.date(2016, 4, 1))
    assert april is not None
    assert april["previous_value"] == 23.0 and april["direction_month"] == "improving"
    assert april["year_ago_value"] == 20.0 and april["direction_year"] == "worsening"


def test_a_count_with_no_better_direction_rises_or_falls_and_has_no_status() -> None:
    model = indicator_months(
        REFERRALS, _series({dt.date(2016, 3, 1): 300.0, dt.date(2016, 4, 1): 320.0}), TARGETS
    )
    april = month_of(model, dt.date(2016, 4, 1))
    assert april is not None
    assert april["direction_month"] == "increase"
    assert april["rag"] is None and april["rag_label"] == "No target"


def test_a_missing_month_stays_a_gap_and_is_never_a_comparison() -> None:
    model = indicator_months(
        REREF,
        _series({dt.date(2016, 2, 1): 23.0, dt.date(2016, 4, 1): 22.0}),
        TARGETS,
        first=dt.date(2016, 2, 1),
        last=dt.date(2016, 4, 1),
    )
    march = month_of(model, dt.date(2016, 3, 1))
    april = month_of(model, dt.date(2016, 4, 1))
    assert march is not None and april is not None
    assert math.isnan(march["value"]) and march["rag_label"] == NO_FIGURE and march["rag"] is None
    assert math.isnan(april["previous_value"]) and april["direction_month"] is None


def test_a_change_too_small_to_show_is_no_change() -> None:
    model = indicator_months(
        REREF, _series({dt.date(2016, 3, 1): 22.04, dt.date(2016, 4, 1): 22.01}), TARGETS
    )
    assert model["direction_month"].iloc[-1] == "no change"


def test_an_extract_gets_the_same_status_as_the_model_row_by_row() -> None:
    series = _series({dt.date(2016, 3, 1): 24.0, dt.date(2016, 4, 1): 24.0})
    model = indicator_months(REREF, series, TARGETS)
    rows = model[["indicator", "value", "target", "amber_tolerance"]]
    assert statuses_by_row(rows, {"REREF_12M": "lower"}) == list(model["rag"])
