"""Key-event marks never collide: numbers above the plot, staggered, words in a list (issue 16 §4).

The catalogue's events crowd into 2014/15 (August, October, November, two in February,
May), which is where the old word labels ran into each other and into the line.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pandas as pd

from core.catalogue import Event, catalogue
from presentation.charts.indicator import indicator_chart
from presentation.charts.layout import EVENT_GAP_MONTHS, event_rows, numbered_events

CAT = catalogue()
FIRST, LAST = dt.date(2014, 4, 1), dt.date(2017, 3, 1)
TARGETS = pd.DataFrame(
    {
        "indicator": ["REREF_12M"],
        "effective_from": [FIRST],
        "target": [22.0],
        "amber_tolerance": [2.0],
    }
)


def months(text: str) -> list[dt.date]:
    return [dt.date(int(m[:4]), int(m[5:]), 1) for m in text.split()]


def series() -> pd.DataFrame:
    periods = pd.date_range("2014-04-01", "2017-03-01", freq="MS").date
    return pd.DataFrame({"period": periods, "value": [25.0] * len(periods), "commentary": ""})


def event_labels(fig) -> list:
    return [a for a in fig.layout.annotations if a.hovertext and ". " in str(a.hovertext)]


def test_months_too_close_for_one_row_are_staggered_into_rows() -> None:
    assert event_rows(months("2014-08 2014-10 2014-11 2015-02 2015-05")) == [0, 1, 2, 0, 1]
    assert event_rows(months("2014-04 2015-04 2016-04")) == [0, 0, 0]


def test_no_two_numbers_in_a_row_are_closer_than_the_gap() -> None:
    shown = months("2014-08 2014-09 2014-10 2014-12 2015-01 2015-02 2015-06 2015-07")
    placed: dict[int, list[dt.date]] = {}
    for month, row in zip(shown, event_rows(shown), strict=True):
        placed.setdefault(row, []).append(month)
    for row in placed.values():
        gaps = [(b.year - a.year) * 12 + b.month - a.month for a, b in pairwise(row)]
        assert all(gap >= EVENT_GAP_MONTHS for gap in gaps), row


def test_the_chart_numbers_each_event_above_the_plot_and_same_months_share_a_mark() -> None:
    fig = indicator_chart(CAT.get("REREF_12M"), series(), TARGETS, CAT.events, first=FIRST,
                          last=LAST)  # fmt: skip
    numbered = numbered_events(CAT.events, FIRST, LAST)
    labels = event_labels(fig)
    texts = [a.text for a in labels]
    assert ", ".join(texts).split(", ") == [str(n) for n, _ in numbered]
    assert all(a.yref == "paper" and a.y == 1.0 and a.yshift > 0 for a in labels)  # above
    same_month = [a for a in labels if "," in a.text]
    assert len(same_month) == 1 and "Casey report" in same_month[0].hovertext
    assert fig.layout.margin.t > 110  # the rows of numbers have room above the plot


def test_an_event_outside_the_range_is_neither_numbered_nor_drawn() -> None:
    late = Event(dt.date(2019, 1, 1), "Later event", "Outside the range.")
    assert numbered_events([late], FIRST, LAST) == []
    fig = indicator_chart(CAT.get("REREF_12M"), series(), TARGETS, [late], first=FIRST, last=LAST)
    assert event_labels(fig) == []


def test_a_directors_note_marker_sits_beside_its_point_on_a_white_ground() -> None:
    notes = series().assign(commentary=["Audit begun" if i == 5 else "" for i in range(36)])
    fig = indicator_chart(CAT.get("REREF_12M"), notes, TARGETS, (), first=FIRST, last=LAST)
    (mark,) = [a for a in fig.layout.annotations if a.text == "✎ note"]
    assert (mark.y, mark.xanchor, mark.yshift) == (25.0, "left", None)  # at the point's height
    assert mark.xshift > 0 and mark.bgcolor
