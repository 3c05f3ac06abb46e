"""The DfE's annual comparator figures on a monthly chart: stepped lines, legend and caption.

Each published year is one flat step in its own place on the time axis, never joined
across a method change or a suppressed year, so a councillor reads which year a national
figure belongs to; the caption gives every year shown in words, with its source.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from core.periods import add_months
from presentation.charts.layout import LEGEND_CHARS, wrap
from presentation.palette import COMPARATOR_STYLES, OTHER_COMPARATOR_STYLE


def comparator_steps(
    lines: pd.DataFrame, first: dt.date, last: dt.date
) -> list[tuple[str, str, pd.DataFrame]]:
    """(series, kind, rows) for each comparator series with a figure inside first..last.

    `lines` is `etl.benchmarks.chart_lines.comparator_lines`; rows are clipped to the months shown.
    """
    if lines is None or lines.empty:
        return []
    inside = lines[(lines["end"] >= first) & (lines["start"] <= last)]
    out = []
    for series, rows in inside.groupby("series", sort=False):
        if rows["value"].notna().any():
            out.append((str(series), str(rows["kind"].iloc[0]), rows.sort_values("year")))
    return out


def add_comparators(
    fig: go.Figure, lines: pd.DataFrame | None, first: dt.date, last: dt.date
) -> None:
    """Stepped annual comparator lines, one flat step per published year, never joined across
    a method change or a suppressed year; the latest step shown is labelled with its year."""
    for series, kind, rows in comparator_steps(lines, first, last):
        style = COMPARATOR_STYLES.get(kind, OTHER_COMPARATOR_STYLE)
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
            name=wrap(comparator_legend(series, rows), LEGEND_CHARS),  # a phone's width
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
