"""The statistical process control (SPC) view of an indicator: a pure Plotly builder.

It consumes the frame `analysis.spc.xmr` returns and draws the Making Data Count chart: the
monthly figures, the mean, and the upper and lower process limits, each stepped at a change
point (a new segment starts a new line, never joined to the old), plus the target. Points are
coloured as Making Data Count colours them (blue improvement, orange concern, purple special
cause where neither direction is better, grey common cause) *and* drawn in a different marker
shape for each, with the kind of variation and the rules that fired in the hover text, so the
chart can be read without colour. Where the limits were recalculated a solid rule is drawn and
labelled, with the recorded reason in its hover text (the page and report print it too).
Layout (title, fonts, financial years, events) is shared with `presentation.charts.indicator`,
so the two views of an indicator look like one product.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analysis.rag import with_targets
from analysis.spc_view import (
    VARIATION_WORDS,
    current_segment,
    point_description,
    too_few_message,
)
from core.catalogue import ChangePoint, Event, Indicator
from core.periods import long_label
from presentation.charts.layout import (
    GLUE,
    chart_title,
    complete_months,
    dates,
    finish_figure,
    frame_figure,
    months_shown,
    series_line,
    vertical_rule,
)
from presentation.palette import (
    BLACK,
    DARK_GREY,
    DARK_PINK,
    LINK_BLUE,
    MID_GREY,
    ORANGE,
    SECONDARY_GREY,
    TARGET_COLOUR,
)

LINE_COLOUR = DARK_GREY
MEAN_COLOUR = BLACK
RECALCULATION_COLOUR = BLACK
# Making Data Count colours, each with its own marker shape: colour is never the only cue.
VARIATION_MARKERS = {
    "improvement": {"symbol": "circle", "color": LINK_BLUE, "size": 11},
    "concern": {"symbol": "diamond", "color": ORANGE, "size": 12},
    "neither": {"symbol": "square", "color": DARK_PINK, "size": 10},
    "common": {"symbol": "circle-open", "color": SECONDARY_GREY, "size": 8},
}


def _segment_xy(frame: pd.DataFrame, column: str) -> tuple[list, list]:
    """x and y for a per-segment constant, with a break (None) between segments."""
    xs: list = []
    ys: list = []
    for _, part in frame.groupby("segment", sort=True):
        part = part[part[column].notna()]
        if part.empty:
            continue
        if xs:
            xs.append(None)
            ys.append(None)
        # Extend half a month either side so a one-month segment still shows as a step.
        xs += [
            pd.Timestamp(part["period"].iloc[0]) - pd.Timedelta(days=15),
            pd.Timestamp(part["period"].iloc[-1]) + pd.Timedelta(days=15),
        ]
        ys += [part[column].iloc[0], part[column].iloc[-1]]
    return xs, ys


def _recalculations(
    fig: go.Figure, points: Sequence[ChangePoint], first: dt.date, last: dt.date
) -> None:
    """A solid rule where the limits were recalculated, labelled, with the reason on hover."""
    for point in points:
        if not first <= point.month <= last:
            continue
        x = pd.Timestamp(point.month) - pd.Timedelta(days=15)  # between the two segments
        vertical_rule(fig, x, RECALCULATION_COLOUR, width=1.5)
        fig.add_annotation(
            x=x,
            y=0.03,
            xref="x",
            yref="paper",
            xanchor="left",
            text="Limits recalculated",
            hovertext=f"{long_label(point.month)}: {point.reason}",
            showarrow=False,
            font={"size": 11, "color": RECALCULATION_COLOUR},
            bgcolor="rgba(255,255,255,0.85)",
        )


def _hover_number(indicator: Indicator) -> str:
    return "%{y:,." + str(indicator.decimals) + "f}" + ("%" if indicator.is_percent else "")


def spc_chart(
    indicator: Indicator,
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    events: Sequence[Event] = (),
    *,
    recalculations: Sequence[ChangePoint] = (),
    council: str = "the council",
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> go.Figure:
    """The XmR chart of one indicator for the months first..last.

    `frame` is `analysis.spc.xmr`'s output for the indicator, computed over all its months up
    to `last` (so limits do not move when the view narrows); only first..last are drawn. A
    segment with fewer than `MIN_POINTS` months has no limits; when no segment has them, the
    figures are drawn with a note saying so, rather than limits from a handful of months.
    `recalculations` (`SpcResult.recalculations`) are marked where the limits step.
    """
    plotted = frame[frame["value"].notna()] if not frame.empty else frame
    if (span := months_shown(plotted, first, last)) is None:
        return go.Figure(_validate=False)
    first, last = span
    shown = frame[(frame["period"] >= first) & (frame["period"] <= last)]
    months = complete_months(shown, first, last)
    x = dates(months["period"])
    title, subtitle = chart_title(indicator, council, first, last)
    subtitle += ": " + GLUE.join(("statistical", "process", "control"))
    fig = frame_figure(indicator, (title, subtitle), first, last)
    enough = bool(plotted["mean"].notna().any()) if "mean" in plotted else False
    number = _hover_number(indicator)

    if enough:
        for column, name, dash, colour in (
            ("upper", "Upper process limit", "dash", LINE_COLOUR),
            ("lower", "Lower process limit", "dash", LINE_COLOUR),
            ("mean", "Mean", "solid", MEAN_COLOUR),
        ):
            xs, ys = _segment_xy(shown, column)
            fig.add_scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=name,
                line={"color": colour, "width": 1.5, "dash": dash},
                hovertemplate=f"{name}: {number}<extra></extra>",
                connectgaps=False,
            )
    target = with_targets(months[["period"]].assign(indicator=indicator.code), targets)
    if target["target"].notna().any():
        fig.add_scatter(
            x=x,
            y=target["target"],
            mode="lines",
            name="Target",
            line={"color": TARGET_COLOUR, "width": 2, "dash": "dot", "shape": "hv"},
            hovertemplate=f"Target: {number}<extra></extra>",
        )
    series_line(fig, x, months["value"], indicator.name, MID_GREY, 1.5)
    kinds = months["variation"].fillna("") if "variation" in months else pd.Series([""] * len(x))
    for kind in ("improvement", "concern", "neither", "common", ""):
        picked = [i for i, k in enumerate(kinds) if k == kind and pd.notna(months["value"][i])]
        if not picked:
            continue
        style = VARIATION_MARKERS.get(kind, VARIATION_MARKERS["common"])
        label = VARIATION_WORDS.get(kind, "Figure")
        fig.add_scatter(
            x=[x[i] for i in picked],
            y=[months["value"][i] for i in picked],
            mode="markers",
            name=label,
            marker={
                "symbol": style["symbol"],
                "color": style["color"],
                "size": style["size"],
                "line": {"color": style["color"], "width": 2},
            },
            customdata=[
                [indicator.format_value(months["value"][i]), point_description(months.iloc[i])]
                for i in picked
            ],
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<extra></extra>",
        )
    if not enough:
        fig.add_annotation(
            text=too_few_message(*current_segment(frame)),
            xref="paper",
            yref="paper",
            x=0,
            y=0.02,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 13, "color": BLACK},
            bgcolor="rgba(255,255,255,0.9)",
        )
    _recalculations(fig, recalculations, first, last)
    return finish_figure(fig, events, first, last)
