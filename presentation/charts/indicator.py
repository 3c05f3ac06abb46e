"""Plotly figure builders: pure functions from tidy DataFrames to figures, no Streamlit.

The charts are read on laptops and tablets and pasted into committee reports, so
every choice favours a printed page: white background, a title that says what and
where and a subtitle that says when, units on the axes, the GOV.UK / DfE
analytical palette (distinguishable for colour-blind readers), and RAG shown by
marker *shape* and in the hover text as well as by colour. Missing months are
left as gaps (NaN with connectgaps off): a gap is never drawn as zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analysis.rag import AMBER, GREEN, RAG_ICONS, RAG_WORDS, RED, rag, with_targets
from core.catalogue import Event, Indicator
from core.periods import add_months, financial_year_label, long_label, month_range

# GOV.UK / DfE analytical palette, in the order series take colours.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
SERIES_COLOUR = PALETTE[0]
TARGET_COLOUR = "#0B0C0C"
EVENT_COLOUR = "#505A5F"
AMBER_BAND = "rgba(255, 221, 0, 0.30)"
# Marker shape, fill and outline per RAG status: shape carries the meaning without colour.
RAG_MARKERS = {
    GREEN: {"symbol": "circle", "color": "#00703C", "line": "#00703C"},
    AMBER: {"symbol": "triangle-up", "color": "#FFDD00", "line": "#0B0C0C"},
    RED: {"symbol": "x", "color": "#D4351C", "line": "#D4351C"},
    None: {"symbol": "circle", "color": SERIES_COLOUR, "line": SERIES_COLOUR},
}
SERIES_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "star"]
BAR_PATTERNS = ["", "/", ".", "x", "-", "+"]
UNIT_AXIS = {"percent": "Per cent (%)", "count": "Number", "number": "Average number"}
FONT = "Arial, Helvetica, sans-serif"


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


def _base_layout(fig: go.Figure, title: tuple[str, str], indicator: Indicator) -> None:
    fig.update_layout(
        template="simple_white",
        font={"family": FONT, "size": 14, "color": "#0B0C0C"},
        title={
            "text": title[0],
            "subtitle": {"text": title[1], "font": {"size": 13, "color": "#505A5F"}},
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
        gridcolor="#E5E5E5",
        ticksuffix="%" if indicator.is_percent else "",
        tickformat=",",
    )


def _x(periods: Iterable[dt.date]) -> list[pd.Timestamp]:
    return [pd.Timestamp(p) for p in periods]


def _financial_years(fig: go.Figure, first: dt.date, last: dt.date) -> None:
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
                line={"color": "#B1B4B6", "width": 1},
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
            font={"size": 12, "color": "#505A5F"},
        )


def _events(fig: go.Figure, events: Sequence[Event], first: dt.date, last: dt.date) -> None:
    """Key events as dotted lines with labels, staggered so neighbouring labels don't collide."""
    shown = [e for e in events if first <= e.month <= last]
    for n, event in enumerate(shown):
        x = pd.Timestamp(event.month)
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
            y=0.97 - 0.08 * (n % 3),
            xref="x",
            yref="paper",
            xanchor="left",
            text=event.label,
            hovertext=f"{long_label(event.month)}: {event.description}",
            showarrow=False,
            font={"size": 11, "color": EVENT_COLOUR},
            bgcolor="rgba(255,255,255,0.85)",
        )


def _reference_lines(fig: go.Figure, lines: Sequence[ReferenceLine]) -> None:
    for line in lines:
        fig.add_hline(
            y=line.value,
            line={"color": line.colour, "width": 2, "dash": line.dash},
            annotation_text=line.label,
            annotation_position="top right",
            annotation_font={"size": 12, "color": line.colour},
        )


# Comparator series: each its own colour *and* dash, apart from the target's black dash.
COMPARATOR_STYLES = {
    "england": {"color": "#801650", "dash": "dashdot"},
    "region": {"color": "#28A197", "dash": "longdash"},
    "neighbours": {"color": "#F46A25", "dash": "dot"},
}


def comparator_steps(
    lines: pd.DataFrame, first: dt.date, last: dt.date
) -> list[tuple[str, str, pd.DataFrame]]:
    """(series, kind, rows) for each comparator series with a figure inside first..last.

    `lines` is `etl.benchmarks.queries.comparator_lines`; rows are clipped to the months shown.
    """
    if lines is None or lines.empty:
        return []
    inside = lines[(lines["end"] >= first) & (lines["start"] <= last)]
    out = []
    for series, rows in inside.groupby("series", sort=False):
        if rows["value"].notna().any():
            out.append((str(series), str(rows["kind"].iloc[0]), rows.sort_values("year")))
    return out


def _comparators(fig: go.Figure, lines: pd.DataFrame | None, first: dt.date, last: dt.date) -> None:
    """Stepped annual comparator lines, one flat step per published year, never joined across
    a method change or a suppressed year; the latest step shown is labelled with its year."""
    for series, kind, rows in comparator_steps(lines, first, last):
        style = COMPARATOR_STYLES.get(kind, {"color": PALETTE[4], "dash": "dot"})
        xs: list = []
        ys: list = []
        text: list = []
        previous = None
        for row in rows.itertuples(index=False):
            start = max(row.start, first)
            end = min(row.end, last)
            joined = previous is not None and previous == (row.segment, add_months(row.start, -1))
            if xs and not (joined and pd.notna(row.value)):
                xs.append(None)  # a break: a new segment, a gap year or a suppressed figure
                ys.append(None)
                text.append("")
            value = None if pd.isna(row.value) else float(row.value)
            xs += [
                pd.Timestamp(start) - pd.Timedelta(days=15),
                pd.Timestamp(end) + pd.Timedelta(days=15),
            ]
            ys += [value, value]
            text += [row.label, row.label]
            previous = (row.segment, row.end) if value is not None else None
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            name=comparator_legend(series, rows),
            line={"color": style["color"], "width": 2, "dash": style["dash"]},
            connectgaps=False,
            customdata=text,
            hovertemplate="%{customdata}<extra></extra>",
        )


def comparator_legend(series: str, rows: pd.DataFrame) -> str:
    """A comparator line's legend entry: whose figure, whether it is the DfE's, and the latest
    year shown with its value (labels on the lines themselves collided where lines are close)."""
    latest = rows[rows["value"].notna()]
    shown = f", latest {latest['label'].iloc[-1][len(series) :].strip()}" if len(latest) else ""
    national = rows["kind"].iloc[0] in ("england", "region", "neighbours") if len(rows) else True
    return f"{series} ({'DfE annual' if national else 'annual'}{shown})"


def _notes(series: pd.DataFrame, periods: Iterable[dt.date]) -> list[str]:
    """The director's commentary for each month shown ('' where there is none)."""
    if "commentary" not in series.columns:
        return ["" for _ in periods]
    given = {
        p: c.strip()
        for p, c in zip(series["period"], series["commentary"], strict=True)
        if isinstance(c, str) and c.strip()
    }
    return [given.get(p, "") for p in periods]


def _note_hover(note: str) -> str:
    return f"<br>Director's note: {note}" if note else ""


def _note_marks(fig: go.Figure, x: list, values: pd.Series, notes: list[str]) -> None:
    """A small "note" label under each month that has commentary; the note itself on hover."""
    for when, value, note in zip(x, values, notes, strict=True):
        if note and pd.notna(value):
            fig.add_annotation(
                x=when,
                y=value,
                text="✎ note",
                hovertext=note,
                showarrow=False,
                yshift=-18,
                font={"size": 10, "color": "#0b0c0c"},
            )


def _x_range(fig: go.Figure, first: dt.date, last: dt.date) -> None:
    fig.update_xaxes(
        range=[
            pd.Timestamp(first) - pd.Timedelta(days=20),
            pd.Timestamp(last) + pd.Timedelta(days=20),
        ]
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
    (`etl.benchmarks.queries.comparator_lines`) adds the annual England, region and
    statistical-neighbour figures as stepped lines.
    """
    fig = go.Figure(_validate=False)  # built from known-good literals: validation cost ~5x
    if series.empty and (first is None or last is None):
        return fig
    first = first or min(series["period"])
    last = last or max(series["period"])
    frame = complete_months(series[["period", "value"]], first, last)
    frame = with_targets(frame.assign(indicator=indicator.code), targets)
    x = _x(frame["period"])
    _base_layout(fig, chart_title(indicator, council, first, last), indicator)
    _financial_years(fig, first, last)

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

    fig.add_scatter(
        x=x,
        y=frame["value"],
        mode="lines",
        name=indicator.name,
        line={"color": SERIES_COLOUR, "width": 2.5},
        connectgaps=False,
        hoverinfo="skip",
        showlegend=False,
    )
    statuses = [
        rag(v, t, a, indicator.polarity)
        for v, t, a in zip(frame["value"], frame["target"], frame["amber_tolerance"], strict=True)
    ]
    text = [indicator.format_value(v) for v in frame["value"]]
    notes = _notes(series, frame["period"])
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
    _events(fig, events, first, last)
    _reference_lines(fig, reference_lines)
    _comparators(fig, comparators, first, last)
    _x_range(fig, first, last)
    return fig


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
    fig = go.Figure(_validate=False)  # built from known-good literals: validation cost ~5x
    parts = frame[frame["breakdown"] != ""]
    if parts.empty:
        return fig
    first = first or min(parts["period"])
    last = last or max(parts["period"])
    names = [n for n in order if n in set(parts["breakdown"])] or sorted(set(parts["breakdown"]))
    _base_layout(fig, chart_title(indicator, council, first, last, detail), indicator)
    _financial_years(fig, first, last)
    for n, name in enumerate(names):
        one = complete_months(parts[parts["breakdown"] == name][["period", "value"]], first, last)
        fig.add_scatter(
            x=_x(one["period"]),
            y=one["value"],
            mode="lines+markers",
            name=name,
            connectgaps=False,
            line={"color": PALETTE[n % len(PALETTE)], "width": 2},
            marker={"symbol": SERIES_SYMBOLS[n % len(SERIES_SYMBOLS)], "size": 7},
            hovertemplate=f"{name}: %{{y:,.{indicator.decimals}f}}<extra></extra>",
        )
    _events(fig, events, first, last)
    _reference_lines(fig, reference_lines)
    _x_range(fig, first, last)
    fig.update_layout(height=500)
    return fig


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
    fig = go.Figure(_validate=False)  # built from known-good literals: validation cost ~5x
    parts = frame[frame["breakdown"] != ""]
    if parts.empty:
        return fig
    first = first or min(parts["period"])
    last = last or max(parts["period"])
    names = [n for n in order if n in set(parts["breakdown"])] or sorted(set(parts["breakdown"]))
    _base_layout(fig, chart_title(indicator, council, first, last), indicator)
    _financial_years(fig, first, last)
    for n, name in enumerate(names):
        one = complete_months(parts[parts["breakdown"] == name][["period", "value"]], first, last)
        fig.add_bar(
            x=_x(one["period"]),
            y=one["value"],
            name=name,
            marker={
                "color": PALETTE[n % len(PALETTE)],
                "pattern": {"shape": BAR_PATTERNS[n % len(BAR_PATTERNS)], "fgcolor": "white"},
                "line": {"color": "white", "width": 0.5},
            },
            hovertemplate=f"{name}: %{{y:,.0f}}<extra></extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.15, legend={"traceorder": "normal"})
    fig.update_yaxes(title_text="Number of children")
    _events(fig, events, first, last)
    _x_range(fig, first, last)
    return fig


def comparator_caption(lines: pd.DataFrame | None, first: dt.date, last: dt.date) -> str:
    """The comparator figures drawn on a chart, year by year, with their source, in words.

    The chart labels only the latest step of each line; this sentence gives every year shown,
    so a printed chart (or a screen reader) has them all.
    """
    parts, sources = [], []
    for series, _, rows in comparator_steps(lines, first, last):
        years = ", ".join(label[len(series) :].strip() for label in rows["label"])
        parts.append(f"{series} ({years})")
        for source in rows["source"]:
            if source not in sources:
                sources.append(source)
    if not parts:
        return ""
    return (
        "Comparator lines, one step per published year: "
        + "; ".join(parts)
        + ". Source: "
        + "; ".join(sources)
        + "."
    )
