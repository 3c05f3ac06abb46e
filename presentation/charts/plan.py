"""Plotly builders for the improvement plan: progress by status over time, all themes and each.

Pure functions from `analysis.plan.progress_over_time` to figures; no Streamlit. Each status is
told apart by a fill pattern and by its name in the legend and the hover text, not by colour
alone, and every bar has a dark outline so a pale fill still stands out from the page. The page
puts the same numbers in a table beside the chart (the accessible alternative).
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.plan import ALL_THEMES, PROGRESS_ORDER
from presentation.charts.layout import base_figure, fit_height
from presentation.palette import (
    BLACK,
    DARK_BLUE,
    DARK_PINK,
    ORANGE,
    PALE_MID_GREY,
    TURQUOISE,
)

# Complete, On track, At risk, Off track, Not started: the DfE analytical palette, then grey.
STATUS_STYLE = {
    "Complete": (DARK_BLUE, ""),
    "On track": (TURQUOISE, "/"),
    "At risk": (ORANGE, "."),
    "Off track": (DARK_PINK, "x"),
    "Not started": (PALE_MID_GREY, "-"),
}
OUTLINE = BLACK
# Two themes a row, so each panel keeps room for its bars and its name on a phone; a theme's
# name takes at most two lines of THEME_CHARS. Pixel heights: a panel, the gap under a row of
# panels (the snapshots' dates, on a slant, and the next row's names), the dates under the last.
COLUMNS = 2
THEME_CHARS = 24
PANEL_PX = 170
PANEL_GAP_PX = 110
DATES_PX = 75


def _labels(months: pd.Series) -> list[str]:
    return [f"{m:%b %Y}" for m in months]


def _bars(frame: pd.DataFrame, show_legend: bool) -> list[go.Bar]:
    """One stacked bar trace per status, best first, for one theme's snapshots."""
    x = _labels(frame["as_at"])
    traces = []
    for status in PROGRESS_ORDER:
        colour, pattern = STATUS_STYLE[status]
        traces.append(
            go.Bar(
                x=x,
                y=frame[status].tolist(),
                name=status,
                legendgroup=status,
                showlegend=show_legend,
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fgcolor": OUTLINE, "solidity": 0.25},
                    "line": {"color": OUTLINE, "width": 0.6},
                },
                hovertemplate=f"%{{x}}: %{{y}} {status.lower()}<extra>{status}</extra>",
            )
        )
    return traces


def _frame(title: str, subtitle: str) -> go.Figure:
    """The house frame (`layout.base_figure`) with stacked bars and slanted snapshot dates."""
    fig = base_figure(title, subtitle)
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_yaxes(rangemode="tozero", tickformat="d")
    fig.update_xaxes(showgrid=False, ticks="outside", tickangle=-45)
    return fig


def plan_progress_chart(progress: pd.DataFrame, council: str, plan_name: str = "") -> go.Figure:
    """Actions by status at every snapshot, all themes together."""
    mine = progress[progress["theme"] == ALL_THEMES].sort_values("as_at")
    fig = _frame(
        f"{plan_name or 'Improvement plan'}: actions by status at each snapshot",
        f"{council}, all themes, {_span(mine)}",
    )
    fig.add_traces(_bars(mine, show_legend=True))
    fig.update_yaxes(title_text="Actions")
    return fit_height(fig, axis_px=DATES_PX)


def theme_progress_chart(progress: pd.DataFrame, themes: list[str], council: str) -> go.Figure:
    """One small chart per theme: actions by status at every snapshot, on a shared scale."""
    rows = max(1, math.ceil(len(themes) / COLUMNS))
    every = progress[progress["theme"].isin(themes)]
    plot_px = rows * PANEL_PX + (rows - 1) * PANEL_GAP_PX
    fig = make_subplots(
        rows=rows,
        cols=COLUMNS,
        subplot_titles=[_short(t) for t in themes],
        shared_yaxes=True,
        vertical_spacing=PANEL_GAP_PX / plot_px if rows > 1 else 0.1,
        horizontal_spacing=0.06,
        figure=_frame(
            "Improvement plan: progress by theme",
            f"{council}, actions by status at each snapshot, {_span(every)}",
        ),
    )
    for n, theme in enumerate(themes):
        mine = progress[progress["theme"] == theme].sort_values("as_at")
        for trace in _bars(mine, show_legend=n == 0):
            fig.add_trace(trace, row=n // COLUMNS + 1, col=n % COLUMNS + 1)
    fig.update_annotations(font={"size": 13})
    # The first row's theme names stand above its panels, under the subtitle; the right-hand
    # panels' last slanted date needs room past the plot's edge.
    fig.update_layout(margin={"t": fig.layout.margin.t + 2 * 18, "r": 45})
    return fit_height(fig, plot_px=plot_px, axis_px=DATES_PX)


def _short(theme: str) -> str:
    """A theme's name over at most two lines that fit a phone's panel, cut with "…" after."""
    return "<br>".join(textwrap.wrap(theme, THEME_CHARS, max_lines=2, placeholder="…"))


def _span(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "no snapshots"
    first, last = min(frame["as_at"]), max(frame["as_at"])
    return f"{first:%B %Y}" if first == last else f"{first:%B %Y} to {last:%B %Y}"


def progress_table(progress: pd.DataFrame) -> pd.DataFrame:
    """The charts' numbers as a table, newest snapshot first: the accessible alternative."""
    frame = progress.sort_values(["as_at", "theme"], ascending=[False, True], kind="stable")
    table = pd.DataFrame(
        {
            "As at": [f"{m:%B %Y}" for m in frame["as_at"]],
            "Theme": frame["theme"].tolist(),
            **{status: frame[status].astype(int).tolist() for status in PROGRESS_ORDER},
            "Actions": frame["actions"].astype(int).tolist(),
            "Per cent complete": [
                "–" if p is None or p != p else f"{p:.1f}%" for p in frame["percent_complete"]
            ],
        }
    )
    return table.reset_index(drop=True)
