"""Plotly builders for the "How we compare" page: pure functions from tidy frames to figures.

Like `presentation.charts.indicator`, they share the house frame (`layout.base_figure`): white
background, a title that says what and a subtitle that says when and where from, the GOV.UK /
DfE analytical palette, sized to read on a phone as on a laptop. The council is picked out by
colour *and* by a hatch pattern and the words "this council" in its label, so it is found
without colour. A figure the DfE did not
publish is written as its symbol beside an empty row, never drawn as a zero-length bar.
No Streamlit here: the page lays the figures out.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from presentation.charts.layout import LEGEND_CHARS, UNIT_AXIS, base_figure, fit_height, wrap
from presentation.palette import BLACK, DARK_BLUE, DARK_GREY, DARK_PINK, LIGHT_GREY, ORANGE, WHITE

COUNCIL_COLOUR = ORANGE  # orange: the council
NEIGHBOUR_COLOUR = DARK_BLUE  # dark blue: its neighbours
ENGLAND_COLOUR = BLACK
AVERAGE_COLOUR = DARK_PINK
RANK_COLOUR = DARK_BLUE
BREAK_COLOUR = DARK_GREY
BETTER = {
    "lower": "lower is better",
    "higher": "higher is better",
    "neither": "neither higher nor lower is better",
}
THIS_COUNCIL = "this council"
# Each area's row in the bar chart is this tall; an area's name longer than AREA_CHARS goes over
# two lines, so the bars keep room beside the names on a phone.
BAR_ROW_PX = 40
AREA_CHARS = 18
# The value axis's tick labels and title; the rank chart's year labels stand on end on a phone.
BAR_AXIS_PX = 62
RANK_AXIS_PX = 100


def legend_line(fig: go.Figure, name: str, colour: str, dash: str) -> None:
    """A legend entry for a line drawn as a shape (a reference line or a method change), so
    its words sit in the legend below the chart instead of on the plot, where they collided
    with the bars' figures and ran off a phone's screen (issue 16 §4)."""
    fig.add_scatter(
        x=[None], y=[None], mode="lines", name=wrap(name, LEGEND_CHARS), hoverinfo="skip",
        line={"color": colour, "dash": dash, "width": 2},
    )  # fmt: skip


def council_label(name: str, is_council: bool) -> str:
    """The row label: the council's says so in words, so colour is not the only cue. A long
    name goes over two lines, so the bars keep room beside it on a phone."""
    return (
        f"<b>{wrap(f'{name} ({THIS_COUNCIL})', AREA_CHARS)}</b>"
        if is_council
        else wrap(name, AREA_CHARS)
    )


def comparison_bar_chart(
    bars: pd.DataFrame,
    *,
    measure_name: str,
    unit: str,
    polarity: str,
    period_label: str,
    council_name: str,
    england: tuple[float | None, str] | None = None,
    neighbour_average: tuple[float | None, str] | None = None,
) -> go.Figure:
    """The council beside its statistical neighbours, best first, England as a reference line.

    `bars` is `Comparison.bars` (area_name, is_council, value, display), already best first.
    `england` and `neighbour_average` are (value, label text) pairs; a None value draws no line.
    """
    labels = [
        council_label(n, c) for n, c in zip(bars["area_name"], bars["is_council"], strict=True)
    ]
    has_value = bars["value"].notna()
    fig = base_figure(
        measure_name,
        f"{council_name} and its statistical neighbours, {period_label}, best first "
        f"({BETTER.get(polarity, '')}). Source: DfE published figures.",
    )
    fig.add_trace(
        go.Bar(
            x=bars["value"].where(has_value, None),
            y=labels,
            orientation="h",
            marker={
                "color": [COUNCIL_COLOUR if c else NEIGHBOUR_COLOUR for c in bars["is_council"]],
                "pattern": {
                    "shape": ["/" if c else "" for c in bars["is_council"]],
                    "fgcolor": WHITE,
                    "solidity": 0.35,
                },
            },
            text=[d if v else "" for d, v in zip(bars["display"], has_value, strict=True)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
            name=measure_name,
            showlegend=False,
        )
    )
    for label, display, ok in zip(labels, bars["display"], has_value, strict=True):
        if not ok:  # a symbol, never a zero bar
            fig.add_annotation(
                x=0, y=label, text=display, showarrow=False, xanchor="left",
                font={"size": 13, "color": DARK_GREY},
            )  # fmt: skip
    highest = [v for v in bars["value"] if pd.notna(v)]
    for line, colour, dash in (
        (england, ENGLAND_COLOUR, "dash"),
        (neighbour_average, AVERAGE_COLOUR, "dot"),
    ):
        if line is None or line[0] is None:
            continue
        fig.add_vline(x=line[0], line={"color": colour, "dash": dash, "width": 2})
        legend_line(fig, line[1], colour, dash)
        highest.append(line[0])
    fit_height(fig, plot_px=BAR_ROW_PX * max(len(bars), 3), axis_px=BAR_AXIS_PX)
    fig.update_yaxes(autorange="reversed", title_text=None, ticks="", showgrid=False)
    fig.update_xaxes(
        title_text=UNIT_AXIS.get(unit, "Value"),
        ticksuffix="%" if unit == "percent" else "",
        tickformat=",",
        showgrid=True,
        gridcolor=LIGHT_GREY,
        # Room to the right of the longest bar for its figure, written outside it.
        range=[1.25 * min(0, *highest), 1.25 * max(highest, default=1) or 1],
        nticks=5,
    )
    return fig


def rank_trend_chart(
    trend: pd.DataFrame,
    *,
    measure_name: str,
    council_name: str,
    series_break_year: int | None = None,
    highlight_year: int | None = None,
) -> go.Figure:
    """The council's national rank by year, 1 at the top so a rising line is an improvement.

    `trend` is `rank_trend()`: year, short_label, rank, ranked, band, segment. Each segment is
    its own line, so years either side of a method change are never joined. Each point is
    labelled with its rank (the number of councils ranked is in the hover text: "32 of 152" on
    every point collided on a phone); `highlight_year` (the year chosen on the page) gets a
    larger open marker.
    """
    fig = base_figure(
        f"{measure_name}: {council_name}'s national rank",
        "Each year's rank among English councils with a figure; 1 = best, so up is better.",
    )
    frame = trend.copy()
    frame["rank"] = frame["rank"].astype("float64")
    categories = list(frame["short_label"])
    for _, part in frame.groupby("segment", sort=True):
        text = [f"{int(r)}" if pd.notna(r) else "" for r in part["rank"]]
        fig.add_trace(
            go.Scatter(
                x=part["short_label"],
                y=part["rank"],
                mode="lines+markers+text",
                text=text,
                textposition="top center",
                textfont={"size": 12},
                line={"color": RANK_COLOUR, "width": 3},
                marker={"size": 9, "symbol": "circle"},
                connectgaps=False,
                showlegend=False,
                customdata=list(zip(part["ranked"], part["band"].fillna("none"), strict=True)),
                hovertemplate=(
                    "%{x}: ranked %{y} of %{customdata[0]} (1 = best), "
                    "quartile band %{customdata[1]}<extra></extra>"
                ),
            )
        )
    chosen = frame[(frame["year"] == highlight_year) & frame["rank"].notna()]
    if not chosen.empty:
        fig.add_trace(
            go.Scatter(
                x=chosen["short_label"],
                y=chosen["rank"],
                mode="markers",
                marker={
                    "size": 20,
                    "symbol": "circle-open",
                    "color": COUNCIL_COLOUR,
                    "line": {"width": 3},
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    if series_break_year is not None and frame["segment"].nunique() > 1:
        first_after = frame.index[frame["year"] >= series_break_year]
        position = categories.index(frame.loc[first_after[0], "short_label"]) - 0.5
        fig.add_vline(x=position, line={"color": BREAK_COLOUR, "dash": "dash"})
        legend_line(
            fig, f"Method changed in {series_break_year}: years either side not joined",
            BREAK_COLOUR, "dash",
        )  # fmt: skip
    most = int(frame["ranked"].max()) if len(frame) else 150
    fit_height(fig, axis_px=RANK_AXIS_PX)
    ticks = [1, *range(25, most + 1, 25)]
    fig.update_yaxes(
        title_text="National rank (1 = best)",
        range=[most + 8, -8],
        tickvals=ticks,
        showgrid=True,
        gridcolor=LIGHT_GREY,
    )
    fig.update_xaxes(
        title_text="Year", type="category", categoryorder="array", categoryarray=categories
    )
    return fig
