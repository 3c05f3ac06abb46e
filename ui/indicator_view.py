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
import streamlit as st

from analysis.breakdowns import left_out_sentence, only_shown
from analysis.indicator_month import indicator_months
from analysis.rag import RAG_ICONS, RAG_WORDS
from analysis.scorecard import headline_breakdown
from analysis.spc_view import (
    PLAIN_ENGLISH,
    current_segment,
    icon_text,
    spc_notes,
    too_few_message,
)
from analysis.summary import format_target, summary_sentence
from core.catalogue import WHOLE_AUTHORITY, Catalogue, Indicator, catalogue
from core.periods import (
    financial_year_label,
    financial_year_start,
    long_label,
    parse_financial_year,
)
from etl.benchmarks import chart_lines as benchmark_lines
from presentation.charts.comparator_lines import comparator_caption
from presentation.charts.layout import CHART_CONFIG, ReferenceLine, numbered_events
from presentation.markup import md
from ui import cached as data
from ui.figures import headline_rows, in_range
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


def _figures_table(indicator: Indicator, series: pd.DataFrame, targets: pd.DataFrame) -> None:
    """The whole-authority figures month by month, with target and status in words."""
    frame = indicator_months(indicator, series, targets).sort_values("period", ascending=False)
    frame = frame[frame["value"].notna()]
    statuses = list(frame["rag"])
    table = pd.DataFrame(
        {
            "Month": [long_label(p) for p in frame["period"]],
            "Financial year": [financial_year_label(p) for p in frame["period"]],
            "Figure": [indicator.format_value(v) for v in frame["value"]],
            "Target": [
                format_target(indicator, t) if pd.notna(t) else "No target" for t in frame["target"]
            ],
            "Status": [f"{RAG_ICONS[s]} {RAG_WORDS[s]}" for s in statuses],
            "Note": frame["commentary"].fillna("").tolist(),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=320)


def _breakdown_table(indicator: Indicator, parts: pd.DataFrame, order: list[str]) -> None:
    wide = parts.pivot(index="period", columns="breakdown", values="value")
    wide = wide[[c for c in order if c in wide.columns]].sort_index(ascending=False)
    wide.index = [long_label(p) for p in wide.index]
    st.dataframe(
        wide.rename_axis("Month").reset_index(),
        hide_index=True,
        width="stretch",
        height=320,
        column_config={
            c: st.column_config.NumberColumn(format=f"%.{indicator.decimals}f")
            for c in wide.columns
        },
    )


def _events_caption(cat: Catalogue, first: dt.date, last: dt.date) -> None:
    """The key events by the numbers the chart marks them with (`numbered_events`)."""
    shown = numbered_events(cat.events, first, last)
    if shown:
        st.caption(
            "Key events, numbered as on the chart: "
            + "; ".join(
                f"({n}) {long_label(e.month)}, {e.label}: {e.description.rstrip('.')}"
                for n, e in shown
            )
            + "."
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


def _comparator_caption(
    indicator: Indicator, path: str, data_version: str, first: dt.date, last: dt.date
) -> None:
    """Say which national figures the chart shows, with years and source, or why there are none."""
    lines = benchmark_lines.lines_known_by(
        data.comparators(path, data_version, indicator.code), last
    )
    text = comparator_caption(lines, first, last)
    # The sentence quotes area and source names from uploaded files: shown as plain text.
    st.caption(md(text) if text else benchmark_lines.comparator_note(indicator))


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
    cat = catalogue()
    values = data.current_values(path, data_version)
    targets = data.targets(path, data_version)
    mine = in_range(values, indicator, first, last)
    if mine.empty:
        st.info(f"There are no figures for {indicator.name} in the months chosen.")
        _about(indicator)
        return
    headline = headline_breakdown(indicator, cat)
    series = headline_rows(mine, indicator, headline)
    choice = data.team_choice(path, data_version, indicator.code, first, last)
    parts = only_shown(mine[mine["breakdown"] != WHOLE_AUTHORITY], indicator.code, choice)
    left_out = left_out_sentence(choice, "teams" if indicator.breakdown == "team" else "values")
    figures = data.indicator_figures(
        path, data_version, indicator.code, first, last, tuple(reference_lines or ())
    )

    view = st.segmented_control(
        "Chart view",
        VIEWS,
        default=RAG_VIEW,
        key=f"view_{indicator.code}",
        help="Red-amber-green compares each month with its target. Statistical process "
        "control asks whether a change is real or the usual month-to-month noise.",
    )
    label = f"{indicator.name} ({headline.lower()})" if headline else None
    if view == SPC_VIEW:
        _spc_block(indicator, path, data_version, first, last)
    else:
        st.plotly_chart(
            figures[0], width="stretch", config=CHART_CONFIG, key=f"chart_{indicator.code}"
        )
    st.markdown(f"**{summary_sentence(indicator, series, targets, last, label)}**")
    _comparator_caption(indicator, path, data_version, first, last)
    _events_caption(cat, first, last)
    for n, extra in enumerate(figures[1:], start=1):
        st.plotly_chart(
            extra, width="stretch", config=CHART_CONFIG, key=f"chart_{indicator.code}_{n}"
        )
    if left_out and len(figures) > 1:
        st.caption(left_out)  # the team chart is bounded to the cap: say what it leaves out
    # The table straight after the charts: from a chart's one tab stop (Streamlit's full-screen
    # button; the charts have no Plotly mode bar) the next is its table (issue 16 §6).
    with st.expander("The figures as a table", expanded=True):
        if indicator.breakdown == "distance_band":
            order = list(cat.breakdown_values.get(indicator.breakdown, ()))
            _breakdown_table(indicator, parts, order)
        else:
            if not series.empty:
                _figures_table(indicator, series, targets)
            if not parts.empty:
                st.markdown("**By team**")
                if left_out:
                    st.caption(left_out)
                _breakdown_table(indicator, parts, sorted(set(parts["breakdown"])))
    _about(indicator)
    render_linked_actions(indicator, path, data_version, last)  # the improvement plan's actions
