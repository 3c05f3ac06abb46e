"""Chart builders: gaps stay gaps, targets step by financial year, RAG is shape and words."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from core.catalogue import Event, catalogue
from presentation.charts.indicator import (
    breakdown_lines_chart,
    indicator_chart,
    stacked_bands_chart,
)
from presentation.charts.layout import ReferenceLine, chart_title, complete_months
from presentation.palette import RAG_MARKERS

CAT = catalogue()
REREF = CAT.get("REREF_12M")
TARGETS = pd.DataFrame(
    {
        "indicator": ["REREF_12M", "REREF_12M"],
        "effective_from": [dt.date(2015, 4, 1), dt.date(2016, 4, 1)],
        "target": [23.0, 22.0],
        "amber_tolerance": [2.0, 2.0],
    }
)


def monthly(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"period": [dt.date.fromisoformat(k + "-01") for k in values], "value": list(values)}
    ).assign(value=list(values.values()))


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_complete_months_leaves_missing_months_as_nan_not_zero():
    frame = complete_months(monthly({"2016-01": 20.0, "2016-04": 21.0}))
    assert len(frame) == 4
    assert frame["value"].isna().tolist() == [False, True, True, False]


def test_missing_months_are_drawn_as_gaps():
    fig = indicator_chart(
        REREF, monthly({"2016-01": 24.0, "2016-03": 23.0}), TARGETS, council="Testshire"
    )
    line = next(t for t in fig.data if t.mode == "lines" and t.name == REREF.name)
    assert line.connectgaps is False
    assert math.isnan(line.y[1])  # February: a gap, never zero


def test_target_is_a_stepped_line_that_changes_in_april():
    fig = indicator_chart(REREF, monthly({"2016-02": 24.0, "2016-05": 23.0}), TARGETS)
    target = trace(fig, "Target")
    assert target.line.shape == "hv"
    assert list(target.y) == [23.0, 23.0, 22.0, 22.0]


def test_amber_band_sits_on_the_worse_side_of_the_target():
    fig = indicator_chart(REREF, monthly({"2016-04": 23.0}), TARGETS)
    band = trace(fig, "Amber: near target")
    assert band.fill == "tonexty"
    assert list(band.y) == [24.0]  # lower is better: the band runs from 22 up to 24


def test_rag_is_shown_by_marker_shape_and_words_not_colour_alone():
    series = monthly({"2016-04": 21.0, "2016-05": 23.5, "2016-06": 26.0})
    fig = indicator_chart(REREF, series, TARGETS)
    symbols = {t.name: t.marker.symbol for t in fig.data if t.mode == "markers"}
    assert symbols == {
        "✔ On target": RAG_MARKERS["green"]["symbol"],
        "▲ Near target": RAG_MARKERS["amber"]["symbol"],
        "✖ Off target": RAG_MARKERS["red"]["symbol"],
    }
    assert len(set(symbols.values())) == 3
    red = trace(fig, "✖ Off target")
    assert red.customdata[0][0] == "26.0%"
    assert "customdata[1]" in red.hovertemplate  # the status in words in the hover


def test_an_indicator_with_no_target_has_no_target_line():
    fig = indicator_chart(CAT.get("REFERRALS"), monthly({"2016-04": 300.0}), TARGETS)
    names = {t.name for t in fig.data}
    assert "Target" not in names and "Amber: near target" not in names


def test_title_says_what_where_and_when_and_axes_have_units():
    fig = indicator_chart(
        REREF, monthly({"2014-04": 25.0, "2017-03": 22.0}), TARGETS, council="Testshire Council"
    )
    assert fig.layout.title.text == "Re-referrals within 12 months"
    # Wrapped to a phone's width: the words are the same, over two lines.
    assert fig.layout.title.subtitle.text.replace("<br>", " ") == (
        "Testshire Council, monthly, April 2014 to March 2017"
    )
    assert fig.layout.yaxis.title.text == "Per cent (%)"
    assert fig.layout.xaxis.hoverformat == "%B %Y"  # hover names the month in full
    assert chart_title(REREF, "X", dt.date(2016, 4, 1), dt.date(2016, 6, 1), "by team")[0] == (
        "Re-referrals within 12 months, by team"
    )


def test_financial_years_are_labelled():
    fig = indicator_chart(REREF, monthly({"2015-01": 25.0, "2016-06": 22.0}), TARGETS)
    labels = {a.text for a in fig.layout.annotations}
    assert {"2014/15", "2015/16", "2016/17"} <= labels


def test_events_in_range_are_annotated_and_others_left_off():
    events = [
        Event(dt.date(2014, 11, 1), "Ofsted inspection", "Judged inadequate."),
        Event(dt.date(2019, 1, 1), "Later event", "Outside the range."),
    ]
    fig = indicator_chart(REREF, monthly({"2014-04": 25.0, "2015-03": 24.0}), TARGETS, events)
    hovers = " ".join(str(a.hovertext) for a in fig.layout.annotations)
    assert "November 2014: 1. Ofsted inspection" in hovers
    assert "Later event" not in hovers


def test_reference_lines_are_drawn_with_their_labels():
    fig = indicator_chart(
        CAT.get("CASELOAD_AVG"),
        monthly({"2016-04": 19.0}),
        TARGETS,
        reference_lines=[ReferenceLine(22.0, "22 cases"), ReferenceLine(16.1, "England")],
    )
    lines = [s for s in fig.layout.shapes if s.y0 == s.y1 and s.yref == "y"]
    assert sorted(s.y0 for s in lines) == [16.1, 22.0]
    assert {"22 cases", "England"} <= {a.text for a in fig.layout.annotations}


def test_team_chart_has_a_line_per_team_with_distinct_markers():
    frame = pd.DataFrame(
        {
            "period": [dt.date(2016, 4, 1)] * 3,
            "breakdown": ["", "North", "South"],
            "value": [18.0, 20.0, 16.0],
        }
    )
    fig = breakdown_lines_chart(CAT.get("CASELOAD_AVG"), frame, ["North", "South"])
    assert [t.name for t in fig.data] == ["North", "South"]
    assert fig.data[0].marker.symbol != fig.data[1].marker.symbol
    assert fig.layout.title.text.endswith("by team")


def test_distance_bands_stack_in_catalogue_order():
    order = list(CAT.breakdown_values["distance_band"])
    frame = pd.DataFrame(
        {
            "period": [dt.date(2016, 4, 1)] * 4,
            "breakdown": list(reversed(order)),
            "value": [8.0, 20.0, 50.0, 300.0],
        }
    )
    fig = stacked_bands_chart(CAT.get("LAC_DISTANCE"), frame, order)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == order
    assert len({t.marker.pattern.shape for t in fig.data}) == 4  # not colour alone


def test_empty_series_gives_an_empty_figure_not_an_error():
    assert len(indicator_chart(REREF, monthly({}), TARGETS).data) == 0


def test_a_directors_note_shows_under_its_month_and_on_hover() -> None:
    import datetime as dt

    import pandas as pd

    from core.catalogue import catalogue
    from presentation.charts.indicator import indicator_chart

    months = [dt.date(2016, m, 1) for m in (4, 5, 6)]
    series = pd.DataFrame(
        {"period": months, "value": [24.1, 23.0, 22.5], "commentary": [None, "Audit begun", ""]}
    )
    targets = pd.DataFrame(
        {
            "indicator": ["REREF_12M"],
            "effective_from": [dt.date(2016, 4, 1)],
            "target": [22.0],
            "amber_tolerance": [2.0],
        }
    )
    fig = indicator_chart(catalogue().get("REREF_12M"), series, targets, events=())
    marks = [a for a in fig.layout.annotations if a.text == "✎ note"]
    assert [(m.hovertext, pd.Timestamp(m.x).month) for m in marks] == [("Audit begun", 5)]
    hovers = [
        row[2] for trace in fig.data if trace.customdata is not None for row in trace.customdata
    ]
    assert "<br>Director's note: Audit begun" in hovers
