"""Static SVG charts for the printed committee report: no JavaScript, no fonts, no network.

The dashboard draws its charts with Plotly in the browser. A printed report cannot rely on
that: Plotly's static export needs Kaleido (not installed here), and embedding plotly.js makes
every report about 4.8 MB of script that many council mail systems strip or block. So the
report draws the same chart (the monthly figures, the stepped target, RAG markers by shape,
financial years, and the stepped annual comparator lines) as a small inline SVG, from the
same model the Plotly builders use (`analysis.indicator_month.indicator_months`,
`presentation.charts.comparator_lines.comparator_steps`), so the report and the dashboard
show the same figures. Shapes and dashes carry every meaning that colour does, and each chart has a
<title> and <desc> for screen readers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from html import escape

import pandas as pd

from analysis.indicator_month import indicator_months
from analysis.rag import AMBER, GREEN, RAG_WORDS, RED
from core.catalogue import Indicator
from core.periods import add_months, financial_year_label, month_range
from presentation.charts.comparator_lines import comparator_legend, comparator_steps
from presentation.charts.layout import ReferenceLine
from presentation.palette import (
    BLACK,
    COMPARATOR_STYLES,
    DARK_GREY,
    LIGHT_GREY,
    MID_GREY,
    OTHER_COMPARATOR_STYLE,
    RAG_MARKERS,
    SERIES_COLOUR,
)

WIDTH, HEIGHT = 680, 300
LEFT, RIGHT, TOP, BOTTOM = 58, 14, 26, 78  # plot margins; the legend sits under the axis
DASHES = {"dash": "6 4", "dot": "2 3", "dashdot": "7 3 2 3", "longdash": "10 4", "solid": ""}


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering low..high (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value <= high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _number(value: float, indicator: Indicator, step: float) -> str:
    decimals = 0 if float(step).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    return f"{text}%" if indicator.is_percent else text


def _marker(status: str | None, x: float, y: float, label: str) -> str:
    """A RAG marker: circle (green), triangle (amber), cross (red), small dot (no target)."""
    style = RAG_MARKERS[status]
    title = f"<title>{escape(label)}</title>"
    if status == AMBER:
        points = f"{x},{y - 6} {x - 5.5},{y + 4} {x + 5.5},{y + 4}"
        return (
            f'<polygon points="{points}" fill="{style["color"]}" stroke="{style["line"]}" '
            f'stroke-width="1.2">{title}</polygon>'
        )
    if status == RED:
        return (
            f'<path d="M{x - 4.5},{y - 4.5}L{x + 4.5},{y + 4.5}M{x - 4.5},{y + 4.5}'
            f'L{x + 4.5},{y - 4.5}" stroke="{style["color"]}" stroke-width="2.6">{title}</path>'
        )
    radius = 4.5 if status == GREEN else 3
    return f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{style["color"]}">{title}</circle>'


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """An SVG path through points, lifting the pen at None (a gap stays a gap)."""
    parts, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]:.1f},{point[1]:.1f}")
        pen_down = True
    return "".join(parts)


def line_chart_svg(
    indicator: Indicator,
    series: pd.DataFrame,
    targets: pd.DataFrame,
    first: dt.date,
    last: dt.date,
    *,
    title: str,
    description: str,
    comparators: pd.DataFrame | None = None,
    reference_lines: Sequence[ReferenceLine] = (),
) -> str:
    """The indicator's monthly chart as an inline <svg> element (a string)."""
    months = month_range(first, last)
    frame = indicator_months(indicator, series, targets, first=first, last=last)
    steps = comparator_steps(comparators, first, last)
    drawn = [*frame["value"].dropna(), *frame["target"].dropna()]
    drawn += [line.value for line in reference_lines]
    for _, _, rows in steps:
        drawn += list(rows["value"].dropna())
    if not drawn:
        drawn = [0.0, 1.0]
    low, high = min(drawn), max(drawn)
    if indicator.is_percent:
        low, high = max(0.0, low - 2), min(100.0, high + 2)
    elif low >= 0:
        low = 0.0
    ticks = nice_ticks(low, high)
    y_low, y_high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(months)

    def x_of(month: dt.date) -> float:
        return LEFT + slot * (months.index(month) + 0.5)

    def x_edge(month: dt.date, end: bool) -> float:
        clipped = min(max(month, first), last)
        return LEFT + slot * (months.index(clipped) + (1 if end else 0))

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - y_low) / (y_high - y_low))

    out = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" font-family="Arial, Helvetica, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]
    for tick in ticks:
        y = y_of(tick)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{LIGHT_GREY}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{BLACK}">'
            f"{_number(tick, indicator, ticks[1] - ticks[0])}</text>"
        )
    for month in months:  # financial years: a rule at each April and the year's label
        if month.month == 4 and month > first:
            x = x_edge(month, False)
            out.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                f'stroke="{MID_GREY}"/>'
            )
        if month == first or month.month == 4:
            end = min(add_months(month, 11 - (month.month - 4) % 12), last)
            mid = (x_edge(month, False) + x_edge(end, True)) / 2
            out.append(
                f'<text x="{mid:.1f}" y="{TOP - 8}" text-anchor="middle" fill="{DARK_GREY}">'
                f"{financial_year_label(month)}</text>"
            )
        if month.month in (4, 10):
            out.append(
                f'<text x="{x_of(month):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
                f'fill="{BLACK}">{month:%b %Y}</text>'
            )
    out.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        f'stroke="{BLACK}"/><line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" '
        f'stroke="{BLACK}"/>'
    )
    legend: list[tuple[str, str]] = []

    if frame["target"].notna().any():
        points: list[tuple[float, float] | None] = []
        for month, target in zip(frame["period"], frame["target"], strict=True):
            if pd.isna(target):
                points.append(None)
                continue
            y = y_of(float(target))
            points += [(x_edge(month, False), y), (x_edge(month, True), y)]
        out.append(
            f'<path d="{_path(points)}" fill="none" stroke="{BLACK}" stroke-width="1.8" '
            f'stroke-dasharray="{DASHES["dash"]}"/>'
        )
        legend.append((f"line:{BLACK}:dash", "Target"))

    for series_name, kind, rows in steps:
        style = COMPARATOR_STYLES.get(kind, OTHER_COMPARATOR_STYLE)
        points = []
        for row in rows.itertuples(index=False):
            if pd.isna(row.value):
                points.append(None)
                continue
            y = y_of(float(row.value))
            points += [(x_edge(row.start, False), y), (x_edge(row.end, True), y), None]
        out.append(
            f'<path d="{_path(points)}" fill="none" stroke="{style["color"]}" stroke-width="1.8" '
            f'stroke-dasharray="{DASHES[style["dash"]]}"/>'
        )
        legend.append(
            (f"line:{style['color']}:{style['dash']}", comparator_legend(series_name, rows))
        )

    for line in reference_lines:
        y = y_of(line.value)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{line.colour}" stroke-width="1.8" stroke-dasharray="{DASHES["dot"]}"/>'
        )
        legend.append((f"line:{line.colour}:dot", line.label))

    values = frame["value"]
    points = [
        None if pd.isna(v) else (x_of(m), y_of(float(v)))
        for m, v in zip(months, values, strict=True)
    ]
    out.append(
        f'<path d="{_path(points)}" fill="none" stroke="{SERIES_COLOUR}" stroke-width="2.2"/>'
    )
    seen: list[str | None] = []
    for month, value, status in zip(months, values, frame["rag"], strict=True):
        if pd.isna(value):
            continue
        words = RAG_WORDS[status] if status else "figure"
        label = f"{month:%B %Y}: {indicator.format_value(float(value))} ({words})"
        out.append(_marker(status, x_of(month), y_of(float(value)), label))
        if status not in seen:
            seen.append(status)
    for status in (GREEN, AMBER, RED, None):
        if status in seen:
            legend.append((f"marker:{status}", RAG_WORDS[status] if status else "Monthly figure"))

    key, bottom = _legend(legend, TOP + plot_h + 32)
    out.append(key)
    out.append("</svg>")
    # The legend wraps onto as many rows as it needs; the picture grows to fit it.
    out[0] = out[0].replace(f"0 0 {WIDTH} {HEIGHT}", f"0 0 {WIDTH} {max(HEIGHT, bottom + 10):.0f}")
    return "".join(out)


def _legend(items: list[tuple[str, str]], top: float) -> tuple[str, float]:
    """Legend entries in rows under the chart, each with its line or marker sample; returns
    the SVG and the y of the last row."""
    parts, x, y = [], float(LEFT), top
    for kind, label in items:
        width = 30 + 5.6 * len(label)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = float(LEFT), y + 16
        if kind.startswith("line:"):
            _, colour, dash = kind.split(":")
            parts.append(
                f'<line x1="{x:.1f}" x2="{x + 22:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-width="2" stroke-dasharray="{DASHES.get(dash, "")}"/>'
            )
        else:
            status = kind.split(":", 1)[1]
            parts.append(_marker(None if status == "None" else status, x + 11, y, label))
        parts.append(
            f'<text x="{x + 27:.1f}" y="{y + 4:.1f}" fill="{BLACK}">{escape(label)}</text>'
        )
        x += width
    return "".join(parts), y
