"""Chart furniture every chart shares: figure frame, financial years, events, lines, sizes.

Charts are read on laptops and 390 px phones, and Plotly never wraps text: titles, subtitles
and long legend entries are wrapped here at what fits a phone, the legend sits below the plot,
axes make room for their labels, and heights are fixed so the plot keeps `PLOT_PX` on a phone.
White background, a title that says what and a subtitle where and when, units on the axes.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from core.catalogue import Event, Indicator
from core.periods import add_months, financial_year_label, long_label, month_range
from presentation.palette import (
    BLACK,
    DARK_GREY,
    EVENT_COLOUR,
    FONT,
    LIGHT_GREY,
    MID_GREY,
    PALETTE,
)

UNIT_AXIS = {"percent": "Per cent (%)", "count": "Number", "number": "Average number"}

# What fits a 390 px phone (about 358 px of chart once the page's padding is taken): Plotly
# draws text on one line however long, so longer text is wrapped at these many characters.
TITLE_CHARS = 38
SUBTITLE_CHARS = 50
LEGEND_CHARS = 42
# Pixel sizes of the frame: a title line, a subtitle line, the space round them, a legend row.
TITLE_SIZE = 17
TITLE_LINE_PX = 23
SUBTITLE_LINE_PX = 18
HEADER_PAD_PX = 18
# Plotly sets a title of two or more lines this much higher than one of a single line (its
# first line was cut at the top edge): it is pushed down again by as much.
MULTILINE_TITLE_PX = 14
LEGEND_ROW_PX = 21
PLOT_PX = 300  # the plot area's least height at a phone's width
TIME_AXIS_PX = 50  # two-line month ticks ("Apr" over "2016") below a time axis
FY_ROW_PX = 22  # the financial years' labels above the plot
# How each chart is drawn in the browser: Plotly's mode bar with one button, "Download plot
# as a PNG", always shown (ui/style.py sets it in a strip above the chart, never on it). Its
# six buttons were six tab stops before the chart's table (issue 16 §6): now the chart is one
# tab stop and its table is the next.
CHART_CONFIG = {
    "displayModeBar": True,
    "modeBarButtons": [["toImage"]],
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "responsive": True,
}


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


GLUE = "\u00a0"  # between words `wrap` must keep on one line ("statistical process control")


def wrap(text: str, width: int) -> str:
    """`text` over as many lines (Plotly's `<br>`) as it needs to be no wider than `width`.

    Words joined by `GLUE` stay on one line, and the last line is never one word alone
    ("…caseload, by" over "team" read badly), so a phrase a reader looks for stays whole.
    """
    head, _, last = text.rpartition(" ")
    glued = f"{head}{GLUE}{last}" if head and GLUE not in last else text
    wrapped = "<br>".join(textwrap.wrap(glued, width, break_long_words=False)) or text
    return wrapped.replace(GLUE, " ")


def line_count(text: str | None) -> int:
    return 0 if not text else text.count("<br>") + 1


def base_figure(title: str, subtitle: str, *, legend: bool = True) -> go.Figure:
    """A figure with the house frame: palette font, wrapped title and subtitle at the top
    left with room kept for them, axes that make room for their labels, a light grid, and
    (with `legend`) a horizontal legend at the foot, below the plot and its axis labels."""
    fig = go.Figure(_validate=False)  # built from known-good literals: validation cost ~5x
    title, subtitle = wrap(title, TITLE_CHARS), wrap(subtitle, SUBTITLE_CHARS)
    fig.update_layout(
        # The template itself, not its name: a figure built without validation keeps a name
        # as a bare string, which the browser ignores (bars lost their colour under patterns).
        template=pio.templates["simple_white"],
        font={"family": FONT, "size": 14, "color": BLACK},
        title={
            "text": title,
            "font": {"size": TITLE_SIZE},
            "subtitle": {"text": subtitle, "font": {"size": 13, "color": DARK_GREY}},
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 10 + _multiline(title), "l": 6},
        },
        margin={"l": 10, "r": 24, "t": header_px(title, subtitle), "b": 10},
        showlegend=legend,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 13},
            "traceorder": "normal",
        },
        hoverlabel={"font": {"family": FONT, "size": 14}},
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True, showgrid=True, gridcolor=LIGHT_GREY)
    return fig


def header_px(title: str, subtitle: str) -> int:
    """The top margin that holds the (wrapped) title and subtitle."""
    return (
        HEADER_PAD_PX
        + _multiline(title)
        + TITLE_LINE_PX * line_count(title)
        + SUBTITLE_LINE_PX * line_count(subtitle)
    )


def _multiline(title: str) -> int:
    return MULTILINE_TITLE_PX if line_count(title) > 1 else 0


def legend_px(fig: go.Figure) -> int:
    """The legend's height at a phone's width, where each entry takes a row of its own."""
    if fig.layout.showlegend is False:
        return 0
    shown = [t for t in fig.data if t.showlegend is not False and t.name]
    return LEGEND_ROW_PX * sum(line_count(t.name) for t in shown) + (8 if shown else 0)


def fit_height(fig: go.Figure, plot_px: int = PLOT_PX, axis_px: int = TIME_AXIS_PX) -> go.Figure:
    """Fix the height so the plot area keeps `plot_px` at a phone's width, with the legend
    just below the axis labels (`axis_px`) as a phone lays it out. The legend pushes the
    bottom margin down as far as it needs: a wide screen lays it in fewer rows, and the plot
    area is that much taller."""
    top = fig.layout.margin.t or 0
    fig.update_layout(
        height=top + plot_px + axis_px + legend_px(fig),
        margin={"b": axis_px},
        legend={"yref": "paper", "y": -axis_px / plot_px, "yanchor": "top"},
    )
    return fig


def vertical_rule(
    fig: go.Figure, x: object, colour: str, width: float = 1, dash: str = "solid", **extra: object
) -> None:
    """A line from the foot to the top of the plot area at `x` (a date on the time axis)."""
    fig.add_shape(
        type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
        line={"color": colour, "width": width, "dash": dash}, **extra,
    )  # fmt: skip


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


def months_shown(
    frame: pd.DataFrame, first: dt.date | None, last: dt.date | None
) -> tuple[dt.date, dt.date] | None:
    """first..last, by default the months `frame` (period, ...) covers; None when there is
    nothing to draw."""
    if frame.empty and (first is None or last is None):
        return None
    return first or min(frame["period"]), last or max(frame["period"])


def chart_title(
    indicator: Indicator, council: str, first: dt.date, last: dt.date, detail: str = ""
) -> tuple[str, str]:
    """(title, subtitle): what, then where and when, as a report caption needs."""
    title = indicator.name + (f", {detail}" if detail else "")
    return title, f"{council}, monthly, {long_label(first)} to {long_label(last)}"


# A phone shows about this many pixels of plot across; a label (an event's number, a
# financial year) needs about the other many, so on a long range they are spaced further.
PHONE_PLOT_WIDTH_PX = 300
EVENT_LABEL_PX = 32
FY_LABEL_PX = 60


def _months(first: dt.date, last: dt.date) -> int:
    return _months_between(first, last) + 1


def frame_figure(
    indicator: Indicator, title: tuple[str, str], first: dt.date, last: dt.date
) -> go.Figure:
    """A monthly chart's frame for first..last: `base_figure`, the time axis, the unit on the
    value axis and the financial years; the builder adds its lines, then `finish_figure`.

    No x-axis title: the subtitle says "monthly". Ticks fall every six months from an April
    (every year or two on a long range, so a phone has room for them), month over year.
    """
    fig = base_figure(*title)
    fig.update_layout(hovermode="x unified", margin={"t": fig.layout.margin.t + FY_ROW_PX})
    fig.update_xaxes(
        tickformat="%b<br>%Y",
        hoverformat="%B %Y",
        dtick=f"M{6 * math.ceil(_months(first, last) / 36)}",
        tick0="2000-04-01",
        showgrid=False,
        ticks="outside",
    )
    fig.update_yaxes(
        title_text=UNIT_AXIS.get(indicator.unit, "Value"),
        ticksuffix="%" if indicator.is_percent else "",
        tickformat=",",
    )
    financial_years(fig, first, last)
    return fig


def finish_figure(
    fig: go.Figure, events: Sequence[Event], first: dt.date, last: dt.date
) -> go.Figure:
    """The key events numbered above the plot, the months first..last shown, the height fitted."""
    event_marks(fig, events, first, last)
    x_range(fig, first, last)
    return fit_height(fig)


def dates(periods: Iterable[dt.date]) -> list[pd.Timestamp]:
    return [pd.Timestamp(p) for p in periods]


def financial_years(fig: go.Figure, first: dt.date, last: dt.date) -> None:
    """A faint line at each April and the year's label, so financial years can be read off.

    Where a phone has no room for "2014/15" over every year the labels shorten to "14/15".
    """
    for month in month_range(first, last):
        if month.month == 4 and month > first:
            x = pd.Timestamp(month) - pd.Timedelta(days=15)
            vertical_rule(fig, x, MID_GREY, layer="below")
    starts = sorted({add_months(m, -((m.month - 4) % 12)) for m in month_range(first, last)})
    short = len(starts) * FY_LABEL_PX > PHONE_PLOT_WIDTH_PX
    for start in starts:
        middle = max(start, first) + (min(add_months(start, 11), last) - max(start, first)) / 2
        label = financial_year_label(start)
        fig.add_annotation(
            x=pd.Timestamp(middle),
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            text=label[2:] if short else label,
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


def event_rows(months: Sequence[dt.date], gap: int = EVENT_GAP_MONTHS) -> list[int]:
    """The row (0 nearest the plot) for each marked month, in order, so no two numbers in a
    row are closer than `gap` months: the lowest row that has room, else a new one."""
    last_in_row: list[dt.date] = []
    rows = []
    for month in months:
        row = next(
            (r for r, m in enumerate(last_in_row) if _months_between(m, month) >= gap),
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
    ("4, 5"); numbers too close for one row at a phone's width are staggered into rows
    above it, and the top margin grows to hold them.
    """
    by_month: dict[dt.date, list[int]] = {}
    words: dict[dt.date, list[str]] = {}
    for number, event in numbered_events(events, first, last):
        by_month.setdefault(event.month, []).append(number)
        words.setdefault(event.month, []).append(f"{number}. {event.label}")
    months = sorted(by_month)
    spread = math.ceil(_months(first, last) * EVENT_LABEL_PX / PHONE_PLOT_WIDTH_PX)
    rows = event_rows(months, max(EVENT_GAP_MONTHS, spread))
    for month, row in zip(months, rows, strict=True):
        x = pd.Timestamp(month)
        vertical_rule(fig, x, EVENT_COLOUR, dash="dot")
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
        fig.update_layout(margin={"t": fig.layout.margin.t + EVENT_ROW_PX * (max(rows) + 1)})


def series_line(
    fig: go.Figure, x: list, values: pd.Series, name: str, colour: str, width: float
) -> None:
    """The line joining the monthly figures, broken where a month is missing; the markers
    drawn over it carry the hover text and the legend entries."""
    fig.add_scatter(
        x=x, y=values, mode="lines", name=name, line={"color": colour, "width": width},
        connectgaps=False, hoverinfo="skip", showlegend=False,
    )  # fmt: skip


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
