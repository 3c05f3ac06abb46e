"""The Streamlit block for one indicator: chart, summary sentence, about panel, data table.

Every family page is made of these blocks, so an indicator added to the
catalogue gets the same treatment everywhere. The order on screen follows what a
councillor needs: the chart, one sentence saying what it shows, the key events
marked on it, the figures as a table (the accessible alternative to the chart, open by
default, next after the chart for a keyboard), then "About this indicator".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.spc_view import (
    PLAIN_ENGLISH,
    current_segment,
    icon_text,
    spc_notes,
    too_few_message,
)
from core.catalogue import Indicator
from core.periods import (
    financial_year_label,
    financial_year_start,
    long_label,
    parse_financial_year,
)
from presentation.charts.layout import CHART_CONFIG, ReferenceLine
from presentation.markup import md
from ui import cached as data
from ui.plan_view import render_linked_actions

RAG_VIEW = "Red-amber-green view"
SPC_VIEW = "Statistical process control view"
VIEWS = (RAG_VIEW, SPC_VIEW)


def financial_years(periods: pd.Series) -> list[str]:
    """The financial years (`2015/16`) that the months in `periods` fall in, oldest first."""
    starts = sorted({financial_year_start(p) for p in periods})
    return [financial_year_label(s) for s in starts]


def period_picker(periods: pd.Series, key: str) -> tuple[dt.date, dt.date]:
    """A choice of financial years (April to March) to show; returns first and last month.

    With data in one financial year only there is nothing to choose, so no widget.
    """
    first, last = min(periods), max(periods)
    years = financial_years(periods)
    if len(years) < 2:
        return first, last
    chosen = st.select_slider(
        "Financial years shown (April to March)",
        options=years,
        value=(years[0], years[-1]),
        key=key,
        help="Drag either end to narrow the charts and tables to some financial years.",
    )
    start = max(first, parse_financial_year(chosen[0])[0])
    end = min(last, parse_financial_year(chosen[1])[1])
    return start, end


def about_markdown(indicator: Indicator) -> str:
    """The "About this indicator" text, shared by each chart and the About page."""
    return (
        f"**What it measures.** {indicator.definition}\n\n"
        f"**Why it matters.** {indicator.why_it_matters}\n\n"
        f"**Good performance is:** {indicator.better.lower()}.\n\n"
        f"**Official definition.** {indicator.official_definition}\n\n"
        f"**Source.** {indicator.source}\n\n"
        f"**National comparison.** {indicator.comparator_note}"
    )


def _about(indicator: Indicator) -> None:
    with st.expander("About this indicator"):
        st.markdown(about_markdown(indicator))


def _breakdown_table(table: pd.DataFrame, decimals: int) -> None:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=320,
        column_config={
            c: st.column_config.NumberColumn(format=f"%.{decimals}f")
            for c in table.columns
            if c != "Month"
        },
    )


def _spc_block(
    indicator: Indicator, path: str, data_version: str, first: dt.date, last: dt.date
) -> None:
    """The SPC chart, the two icons for the latest month in words, and what SPC means."""
    result = data.spc_result(path, data_version, indicator.code, last)
    st.plotly_chart(
        data.spc_figure(path, data_version, indicator.code, first, last),
        width="stretch",
        config=CHART_CONFIG,
        key=f"spc_{indicator.code}",
    )
    if not result.enough:
        st.info(too_few_message(*current_segment(result.frame)))
    else:
        st.markdown(
            f"**Variation, {long_label(last)}:** {icon_text(result.variation)}  \n"
            f"**Assurance against the target:** {icon_text(result.assurance)}"
        )
    for note in spc_notes(result):  # recalculations (reasons from a data file), and why
        st.markdown(md(note))
    with st.expander("What is a statistical process control chart?"):
        st.markdown(PLAIN_ENGLISH)


@st.fragment
def _chart_with_view(
    indicator: Indicator,
    path: str,
    data_version: str,
    first: dt.date,
    last: dt.date,
    figure: go.Figure,
) -> None:
    """The main chart and its switch between the RAG and SPC views. A fragment: switching
    the view reruns only this chart, not the page around it (issue 17)."""
    view = st.segmented_control(
        "Chart view",
        VIEWS,
        default=RAG_VIEW,
        key=f"view_{indicator.code}",
        help="Red-amber-green compares each month with its target. Statistical process "
        "control asks whether a change is real or the usual month-to-month noise.",
    )
    if view == SPC_VIEW:
        _spc_block(indicator, path, data_version, first, last)
    else:
        st.plotly_chart(figure, width="stretch", config=CHART_CONFIG, key=f"chart_{indicator.code}")


def render_indicator(
    indicator: Indicator,
    path: str,
    data_version: str,
    first: dt.date,
    last: dt.date,
    reference_lines: list[ReferenceLine] | None = None,
) -> None:
    """Draw one indicator's block for the months first..last.

    `reference_lines` lets a later page add comparator lines (England, statistical
    neighbours) without changing this block or the chart builders.
    """
    block = data.indicator_block(path, data_version, indicator.code, first, last)
    if not block.has_figures:
        st.info(f"There are no figures for {indicator.name} in the months chosen.")
        _about(indicator)
        return
    figures = data.indicator_figures(
        path, data_version, indicator.code, first, last, tuple(reference_lines or ())
    )

    _chart_with_view(indicator, path, data_version, first, last, figures[0])
    st.markdown(f"**{block.summary}**")
    st.caption(block.comparator_caption)
    if block.events_caption:
        st.caption(block.events_caption)
    for n, extra in enumerate(figures[1:], start=1):
        st.plotly_chart(
            extra, width="stretch", config=CHART_CONFIG, key=f"chart_{indicator.code}_{n}"
        )
    if block.left_out and len(figures) > 1:
        st.caption(block.left_out)  # the team chart is bounded to the cap: say what it leaves out
    # The table straight after the charts: from a chart's one tab stop (its mode bar's one
    # button, Download plot as a PNG) the next is its table (issue 16 §6).
    with st.expander("The figures as a table", expanded=True):
        if block.figures_table is not None:
            st.dataframe(block.figures_table, hide_index=True, width="stretch", height=320)
        if block.breakdown_table is not None:
            if indicator.breakdown != "distance_band":
                st.markdown("**By team**")
                if block.left_out:
                    st.caption(block.left_out)
            _breakdown_table(block.breakdown_table, block.breakdown_decimals)
    _about(indicator)
    render_linked_actions(indicator, path, data_version, last)  # the improvement plan's actions
