"""Plotly builders for an indicator: its monthly chart, its teams, its distance bands.

Pure functions from tidy frames to figures, no Streamlit. RAG is shown by marker *shape*
and in the hover text as well as by colour, in the palette of `presentation.palette`.
Missing months are left as gaps (NaN with connectgaps off): a gap is never drawn as zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analysis.indicator_month import indicator_months
from analysis.rag import AMBER, GREEN, RAG_ICONS, RAG_WORDS, RED
from core.catalogue import Event, Indicator
from presentation.charts.comparator_lines import add_comparators
from presentation.charts.layout import (
    ReferenceLine,
    add_reference_lines,
    chart_title,
    complete_months,
    dates,
    finish_figure,
    frame_figure,
    months_shown,
    series_line,
)
from presentation.palette import (
    AMBER_BAND,
    BAR_PATTERNS,
    BLACK,
    PALETTE,
    RAG_MARKERS,
    SERIES_COLOUR,
    SERIES_SYMBOLS,
    TARGET_COLOUR,
)


def _notes(frame: pd.DataFrame) -> list[str]:
    """The director's commentary for each month shown ('' where there is none)."""
    return [c.strip() if isinstance(c, str) else "" for c in frame["commentary"]]


def _note_hover(note: str) -> str:
    return f"<br>Director's note: {note}" if note else ""


def _note_marks(fig: go.Figure, x: list, values: pd.Series, notes: list[str]) -> None:
    """A small "note" label beside each month's point that has commentary (on a white
    ground, so the line behind it cannot hide it); the note itself on hover."""
    for when, value, note in zip(x, values, notes, strict=True):
        if note and pd.notna(value):
            fig.add_annotation(
                x=when,
                y=value,
                text="✎ note",
                hovertext=note,
                showarrow=False,
                xanchor="left",
                xshift=7,
                font={"size": 10, "color": BLACK},
                bgcolor="rgba(255,255,255,0.9)",
            )


def indicator_chart(
    indicator: Indicator,
    series: pd.DataFrame,
    targets: pd.DataFrame,
    events: Sequence[Event] = (),
    *,
    council: str = "the council",
    first: dt.date | None = None,
    last: dt.date | None = None,
    reference_lines: Sequence[ReferenceLine] = (),
    comparators: pd.DataFrame | None = None,
) -> go.Figure:
    """The monthly series with its stepped target, amber band, RAG markers and key events.

    `series` has columns period (date) and value for one indicator and breakdown;
    `targets` is `etl.store.queries.targets`. first/last choose the months shown (a
    financial-year range); by default the months the series covers. `comparators`
    (`etl.benchmarks.chart_lines.comparator_lines`) adds the annual England, region and
    statistical-neighbour figures as stepped lines.
    """
    if (span := months_shown(series, first, last)) is None:
        return go.Figure(_validate=False)
    first, last = span
    frame = indicator_months(indicator, series, targets, first=first, last=last)
    x = dates(frame["period"])
    fig = frame_figure(indicator, chart_title(indicator, council, first, last), first, last)

    if frame["target"].notna().any():
        tolerance = frame["amber_tolerance"].fillna(0)
        sign = -1 if indicator.polarity == "higher" else 1
        edge = frame["target"] + sign * tolerance
        if indicator.polarity in ("higher", "lower") and (tolerance > 0).any():
            fig.add_scatter(
                x=x, y=frame["target"], mode="lines", line={"width": 0, "shape": "hv"},
                hoverinfo="skip", showlegend=False,
            )  # fmt: skip
            fig.add_scatter(
                x=x,
                y=edge,
                mode="lines",
                line={"width": 0, "shape": "hv"},
                fill="tonexty",
                fillcolor=AMBER_BAND,
                name="Amber: near target",
                hoverinfo="skip",
            )
        fig.add_scatter(
            x=x,
            y=frame["target"],
            mode="lines",
            name="Target",
            line={"color": TARGET_COLOUR, "width": 2, "dash": "dash", "shape": "hv"},
            hovertemplate="Target: %{y:,."
            + str(indicator.decimals)
            + "f}"
            + ("%" if indicator.is_percent else "")
            + "<extra></extra>",
        )

    series_line(fig, x, frame["value"], indicator.name, SERIES_COLOUR, 2.5)
    statuses = list(frame["rag"])  # the model's status: the one place RAG is worked out
    text = [indicator.format_value(v) for v in frame["value"]]
    notes = _notes(frame)
    for status in (GREEN, AMBER, RED, None):
        picked = [i for i, s in enumerate(statuses) if s == status and pd.notna(frame["value"][i])]
        if not picked:
            continue
        style = RAG_MARKERS[status]
        label = "Figure" if status is None else f"{RAG_ICONS[status]} {RAG_WORDS[status]}"
        fig.add_scatter(
            x=[x[i] for i in picked],
            y=[frame["value"][i] for i in picked],
            mode="markers",
            name=label,
            marker={
                "symbol": style["symbol"],
                "color": style["color"],
                "size": 10 if status else 7,
                "line": {"color": style["line"], "width": 1.5},
            },
            customdata=[[text[i], label, _note_hover(notes[i])] for i in picked],
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}%{customdata[2]}<extra></extra>"
            if status
            else "<b>%{customdata[0]}</b>%{customdata[2]}<extra></extra>",
        )
    _note_marks(fig, x, frame["value"], notes)
    add_reference_lines(fig, reference_lines)
    add_comparators(fig, comparators, first, last)
    return finish_figure(fig, events, first, last)


def breakdown_lines_chart(
    indicator: Indicator,
    frame: pd.DataFrame,
    order: Sequence[str] = (),
    *,
    council: str = "the council",
    first: dt.date | None = None,
    last: dt.date | None = None,
    events: Sequence[Event] = (),
    reference_lines: Sequence[ReferenceLine] = (),
    detail: str = "by team",
) -> go.Figure:
    """One line per breakdown value (team), each with its own colour *and* marker shape."""
    parts = frame[frame["breakdown"] != ""]
    if parts.empty or (span := months_shown(parts, first, last)) is None:
        return go.Figure(_validate=False)
    first, last = span
    names = [n for n in order if n in set(parts["breakdown"])] or sorted(set(parts["breakdown"]))
    title = chart_title(indicator, council, first, last, detail)
    fig = frame_figure(indicator, title, first, last)
    for n, name in enumerate(names):
        one = complete_months(parts[parts["breakdown"] == name][["period", "value"]], first, last)
        fig.add_scatter(
            x=dates(one["period"]),
            y=one["value"],
            mode="lines+markers",
            name=name,
            connectgaps=False,
            line={"color": PALETTE[n % len(PALETTE)], "width": 2},
            marker={"symbol": SERIES_SYMBOLS[n % len(SERIES_SYMBOLS)], "size": 7},
            hovertemplate=f"{name}: %{{y:,.{indicator.decimals}f}}<extra></extra>",
        )
    add_reference_lines(fig, reference_lines)
    return finish_figure(fig, events, first, last)


def stacked_bands_chart(
    indicator: Indicator,
    frame: pd.DataFrame,
    order: Sequence[str],
    *,
    council: str = "the council",
    first: dt.date | None = None,
    last: dt.date | None = None,
    events: Sequence[Event] = (),
) -> go.Figure:
    """Counts by band (distance from home) stacked month by month, nearest band at the bottom.

    Each band has its own colour and fill pattern, and its name in the hover text.
    """
    parts = frame[frame["breakdown"] != ""]
    if parts.empty or (span := months_shown(parts, first, last)) is None:
        return go.Figure(_validate=False)
    first, last = span
    names = [n for n in order if n in set(parts["breakdown"])] or sorted(set(parts["breakdown"]))
    fig = frame_figure(indicator, chart_title(indicator, council, first, last), first, last)
    for n, name in enumerate(names):
        one = complete_months(parts[parts["breakdown"] == name][["period", "value"]], first, last)
        fig.add_bar(
            x=dates(one["period"]),
            y=one["value"],
            name=name,
            marker={
                "color": PALETTE[n % len(PALETTE)],
                "pattern": {"shape": BAR_PATTERNS[n % len(BAR_PATTERNS)], "fgcolor": "white"},
                "line": {"color": "white", "width": 0.5},
            },
            hovertemplate=f"{name}: %{{y:,.0f}}<extra></extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.15)
    fig.update_yaxes(title_text="Number of children")
    return finish_figure(fig, events, first, last)
