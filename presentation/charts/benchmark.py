"""Plotly builders for the "How we compare" page: pure functions from tidy frames to figures.

Like `presentation.charts.indicator`, these are drawn for a printed committee report as much
as a screen: white background, a title that says what and a subtitle that says when and where from,
the GOV.UK /
DfE analytical palette. The council is picked out by colour *and* by a hatch pattern and the
words "this council" in its label, so it is found without colour. A figure the DfE did not
publish is written as its symbol beside an empty row, never drawn as a zero-length bar.
No Streamlit here: the page lays the figures out.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from presentation.palette import BLACK, DARK_BLUE, DARK_GREY, DARK_PINK, LIGHT_GREY, ORANGE, WHITE

COUNCIL_COLOUR = ORANGE  # orange: the council
NEIGHBOUR_COLOUR = DARK_BLUE  # dark blue: its neighbours
ENGLAND_COLOUR = BLACK
AVERAGE_COLOUR = DARK_PINK
RANK_COLOUR = DARK_BLUE
BREAK_COLOUR = DARK_GREY
FONT = "Arial, Helvetica, sans-serif"
UNIT_AXIS = {"percent": "Per cent (%)", "count": "Number", "number": "Average number"}
BETTER = {
    "lower": "lower is better",
    "higher": "higher is better",
    "neither": "neither higher nor lower is better",
}
THIS_COUNCIL = "this council"


def _layout(fig: go.Figure, title: str, subtitle: str, height: int) -> None:
    fig.update_layout(
        template="simple_white",
        font={"family": FONT, "size": 14, "color": BLACK},
        title={
            "text": title,
            "subtitle": {"text": subtitle, "font": {"size": 13, "color": DARK_GREY}},
            "x": 0,
            "xanchor": "left",
        },
        margin={"l": 20, "r": 30, "t": 110, "b": 50},
        height=height,
        showlegend=False,
        hoverlabel={"font": {"family": FONT, "size": 14}},
    )


def wrap_title(text: str, width: int = 70) -> str:
    """A long measure name over two lines: Plotly titles never wrap by themselves."""
    return "<br>".join(textwrap.wrap(text, width)) if len(text) > width else text


def council_label(name: str, is_council: bool) -> str:
    """The row label: the council's says so in words, so colour is not the only cue."""
    return f"<b>{name} ({THIS_COUNCIL})</b>" if is_council else name


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
    fig = go.Figure(
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
        )
    )
    for label, display, ok in zip(labels, bars["display"], has_value, strict=True):
        if not ok:  # a symbol, never a zero bar
            fig.add_annotation(
                x=0, y=label, text=display, showarrow=False, xanchor="left",
                font={"size": 13, "color": DARK_GREY},
            )  # fmt: skip
    for line, colour, dash, position in (
        (england, ENGLAND_COLOUR, "dash", "top"),
        (neighbour_average, AVERAGE_COLOUR, "dot", "bottom"),
    ):
        if line is None or line[0] is None:
            continue
        fig.add_vline(
            x=line[0],
            line={"color": colour, "dash": dash, "width": 2},
            annotation={
                "text": line[1],
                "font": {"color": colour, "size": 13},
                "bgcolor": "rgba(255,255,255,0.85)",
            },
            annotation_position=f"{position} right",
        )
    title = wrap_title(measure_name)
    _layout(
        fig,
        title,
        f"{council_name} and its statistical neighbours, {period_label}, best first "
        f"({BETTER.get(polarity, '')}). Source: DfE published figures.",
        height=140 + 38 * max(len(bars), 3),
    )
    if "<br>" in title:
        fig.update_layout(margin={"t": 130})
    fig.update_yaxes(autorange="reversed", title_text=None, ticks="")
    fig.update_xaxes(
        title_text=UNIT_AXIS.get(unit, "Value"),
        ticksuffix="%" if unit == "percent" else "",
        tickformat=",",
        showgrid=True,
        gridcolor=LIGHT_GREY,
        rangemode="tozero",
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
    labelled with the number of councils ranked that year; `highlight_year` (the year chosen
    on the page) gets a larger open marker.
    """
    fig = go.Figure()
    frame = trend.copy()
    frame["rank"] = frame["rank"].astype("float64")
    categories = list(frame["short_label"])
    for _, part in frame.groupby("segment", sort=True):
        text = [
            f"{int(r)} of {n}" if pd.notna(r) else ""
            for r, n in zip(part["rank"], part["ranked"], strict=True)
        ]
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
            )
        )
    if series_break_year is not None and frame["segment"].nunique() > 1:
        first_after = frame.index[frame["year"] >= series_break_year]
        position = categories.index(frame.loc[first_after[0], "short_label"]) - 0.5
        fig.add_vline(
            x=position,
            line={"color": BREAK_COLOUR, "dash": "dash"},
            annotation={"text": f"Method changed in {series_break_year}: not joined"},
            annotation_position="bottom right",
        )
    most = int(frame["ranked"].max()) if len(frame) else 150
    _layout(
        fig,
        wrap_title(f"{measure_name}: {council_name}'s national rank"),
        "Each year's rank among English councils with a figure, labelled 'rank of number "
        "ranked'; 1 = best, so up is better.",
        height=440,
    )
    ticks = [1, *range(25, most + 1, 25)]
    fig.update_yaxes(
        title_text="National rank (1 = best, up is better)",
        range=[most + 8, -8],
        tickvals=ticks,
        showgrid=True,
        gridcolor=LIGHT_GREY,
    )
    fig.update_xaxes(
        title_text="Year", type="category", categoryorder="array", categoryarray=categories
    )
    return fig
