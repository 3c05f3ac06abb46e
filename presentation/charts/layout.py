"""Chart furniture every indicator chart shares: layout, financial years, events, lines.

The charts are read on laptops and tablets and pasted into committee reports, so every
choice favours a printed page: white background, a title that says what and a subtitle
that says where and when, units on the axes, financial years marked, key events labelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from core.catalogue import Event, Indicator
from core.periods import add_months, financial_year_label, long_label, month_range
from presentation.palette import BLACK, DARK_GREY, EVENT_COLOUR, FONT, LIGHT_GREY, MID_GREY, PALETTE

UNIT_AXIS = {"percent": "Per cent (%)", "count": "Number", "number": "Average number"}


@dataclass(frozen=True)
class ReferenceLine:
    """A fixed horizontal line with its label: the 22-case rule, an ambition, a comparator.

    Comparator lines (England, statistical neighbours) are passed in the same way,
    so the chart builders need no change when they arrive.
    """

    value: float
    label: str
    colour: str = PALETTE[2]
    dash: str = "dot"


def complete_months(
    series: pd.DataFrame, first: dt.date | None = None, last: dt.date | None = None
) -> pd.DataFrame:
    """`series` (period, value, ...) reindexed to every month from first to last.

    Months with no figure get NaN, so the line breaks there instead of dipping to zero.
    """
    if series.empty and (first is None or last is None):
        return series.assign(period=pd.Series(dtype=object))
    first = first or min(series["period"])
    last = last or max(series["period"])
    months = pd.DataFrame({"period": month_range(first, last)})
    inside = series[(series["period"] >= first) & (series["period"] <= last)]
    return months.merge(inside, on="period", how="left")


def chart_title(
    indicator: Indicator, council: str, first: dt.date, last: dt.date, detail: str = ""
) -> tuple[str, str]:
    """(title, subtitle): what, then where and when, as a report caption needs."""
    title = indicator.name + (f", {detail}" if detail else "")
    return title, f"{council}, monthly, {long_label(first)} to {long_label(last)}"


def base_layout(fig: go.Figure, title: tuple[str, str], indicator: Indicator) -> None:
    fig.update_layout(
        template="simple_white",
        font={"family": FONT, "size": 14, "color": BLACK},
        title={
            "text": title[0],
            "subtitle": {"text": title[1], "font": {"size": 13, "color": DARK_GREY}},
            "x": 0,
            "xanchor": "left",
        },
        margin={"l": 60, "r": 20, "t": 110, "b": 60},
        height=480,
        legend={"orientation": "h", "y": -0.2, "x": 0, "yanchor": "top"},
        hovermode="x unified",
        hoverlabel={"font": {"family": FONT, "size": 14}},
    )
    # No x-axis title: the subtitle says "monthly", and on a tablet the title collided
    # with the legend. Ticks every six months from an April, so they mark half-years.
    fig.update_xaxes(
        tickformat="%b %Y",
        hoverformat="%B %Y",
        dtick="M6",
        tick0="2000-04-01",
        showgrid=False,
        ticks="outside",
    )
    fig.update_yaxes(
        title_text=UNIT_AXIS.get(indicator.unit, "Value"),
        showgrid=True,
        gridcolor=LIGHT_GREY,
        ticksuffix="%" if indicator.is_percent else "",
        tickformat=",",
    )


def dates(periods: Iterable[dt.date]) -> list[pd.Timestamp]:
    return [pd.Timestamp(p) for p in periods]


def financial_years(fig: go.Figure, first: dt.date, last: dt.date) -> None:
    """A faint line at each April and the year's label, so financial years can be read off."""
    for month in month_range(first, last):
        if month.month != 4:
            continue
        if month > first:
            fig.add_shape(
                type="line",
                xref="x",
                yref="paper",
                x0=pd.Timestamp(month) - pd.Timedelta(days=15),
                x1=pd.Timestamp(month) - pd.Timedelta(days=15),
                y0=0,
                y1=1,
                line={"color": MID_GREY, "width": 1},
                layer="below",
            )
    starts = sorted({add_months(m, -((m.month - 4) % 12)) for m in month_range(first, last)})
    for start in starts:
        middle = max(start, first) + (min(add_months(start, 11), last) - max(start, first)) / 2
        fig.add_annotation(
            x=pd.Timestamp(middle),
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            text=financial_year_label(start),
            showarrow=False,
            font={"size": 12, "color": DARK_GREY},
        )


# Key-event numbers sit in rows above the plot area (never on the line): a number closer
# than this many months to the one before it in a row moves up to the next row.
EVENT_GAP_MONTHS = 4
EVENT_ROW_PX = 18


def numbered_events(
    events: Sequence[Event], first: dt.date, last: dt.date
) -> list[tuple[int, Event]]:
    """The events inside the range, numbered from 1 in date order: the chart shows the
    number, and the list below the chart (`ui.indicator_view`) the same number and words."""
    shown = sorted((e for e in events if first <= e.month <= last), key=lambda e: e.month)
    return list(enumerate(shown, start=1))


def _months_between(a: dt.date, b: dt.date) -> int:
    return abs((b.year - a.year) * 12 + b.month - a.month)


def event_rows(months: Sequence[dt.date]) -> list[int]:
    """The row (0 nearest the plot) for each marked month, in order, so no two numbers in a
    row are closer than `EVENT_GAP_MONTHS`: the lowest row that has room, else a new one."""
    last_in_row: list[dt.date] = []
    rows = []
    for month in months:
        row = next(
            (r for r, m in enumerate(last_in_row) if _months_between(m, month) >= EVENT_GAP_MONTHS),
            len(last_in_row),
        )
        if row == len(last_in_row):
            last_in_row.append(month)
        last_in_row[row] = month
        rows.append(row)
    return rows


def event_marks(fig: go.Figure, events: Sequence[Event], first: dt.date, last: dt.date) -> None:
    """Key events as dotted lines, each numbered in a row above the plot area.

    Labels in words collided with each other and with the line (issue 16 §4), so the chart
    carries only the event's number (its words on hover) and the list under the chart
    gives each number's date and words. Events in the same month share a line and a label
    ("4, 5"); numbers too close for one row are staggered into rows above it, and the top
    margin grows to hold them.
    """
    by_month: dict[dt.date, list[int]] = {}
    words: dict[dt.date, list[str]] = {}
    for number, event in numbered_events(events, first, last):
        by_month.setdefault(event.month, []).append(number)
        words.setdefault(event.month, []).append(f"{number}. {event.label}")
    months = sorted(by_month)
    rows = event_rows(months)
    for month, row in zip(months, rows, strict=True):
        x = pd.Timestamp(month)
        fig.add_shape(
            type="line",
            xref="x",
            yref="paper",
            x0=x,
            x1=x,
            y0=0,
            y1=1,
            line={"color": EVENT_COLOUR, "width": 1, "dash": "dot"},
        )
        fig.add_annotation(
            x=x,
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            yshift=EVENT_ROW_PX * (row + 1),
            text=", ".join(str(n) for n in by_month[month]),
            hovertext=f"{long_label(month)}: " + "; ".join(words[month]),
            showarrow=False,
            font={"size": 12, "color": EVENT_COLOUR},
            bgcolor="white",
            bordercolor=EVENT_COLOUR,
            borderwidth=1,
            borderpad=1,
        )
    if rows:
        top = fig.layout.margin.t or 110
        fig.update_layout(
            margin={"t": top + EVENT_ROW_PX * (max(rows) + 1)},
            title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
        )


def add_reference_lines(fig: go.Figure, lines: Sequence[ReferenceLine]) -> None:
    for line in lines:
        fig.add_hline(
            y=line.value,
            line={"color": line.colour, "width": 2, "dash": line.dash},
            annotation_text=line.label,
            annotation_position="top right",
            annotation_font={"size": 12, "color": line.colour},
        )


def x_range(fig: go.Figure, first: dt.date, last: dt.date) -> None:
    fig.update_xaxes(
        range=[
            pd.Timestamp(first) - pd.Timedelta(days=20),
            pd.Timestamp(last) + pd.Timedelta(days=20),
        ]
    )
