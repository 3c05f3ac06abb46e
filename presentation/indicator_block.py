"""What one indicator's block on a family page says, built once per data version and months.

The block (`ui.indicator_view.render_indicator`) draws a chart, a summary sentence, the
comparator and key-event captions, the figures month by month and, for indicators with
teams, a table by team. Everything in it depends only on the stored figures, the months
chosen and the catalogue, so `ui.cached.indicator_block` builds it once per data version
and shares it with every session (issue 17); the page only draws. Before, each run of
each session recomputed the indicator-month model twice (for the sentence and for the
table), which was most of a family page's time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analysis.breakdowns import TeamChoice, left_out_sentence, only_shown
from analysis.indicator_month import indicator_months
from analysis.rag import RAG_ICONS, RAG_WORDS
from analysis.scorecard import headline_breakdown
from analysis.summary import format_target, summary_sentence
from core.catalogue import WHOLE_AUTHORITY, Catalogue, Indicator
from core.periods import financial_year_label, long_label
from etl.benchmarks import chart_lines as benchmark_lines
from presentation.charts.comparator_lines import comparator_caption
from presentation.charts.layout import numbered_events
from presentation.markup import md


@dataclass(frozen=True)
class IndicatorBlock:
    """One indicator's words and tables for months first..last (shared: never modify)."""

    has_figures: bool
    summary: str  # one sentence, plain text (the page bolds it)
    comparator_caption: str  # markdown, data-derived names already escaped
    events_caption: str | None
    figures_table: pd.DataFrame | None  # whole authority, month by month, newest first
    breakdown_table: pd.DataFrame | None  # one column per team or band, newest first
    breakdown_decimals: int
    left_out: str | None  # when the cap left teams out of the chart and table


def _figures_table(
    indicator: Indicator, series: pd.DataFrame, targets: pd.DataFrame
) -> pd.DataFrame:
    """The whole-authority figures month by month, with target and status in words."""
    frame = indicator_months(indicator, series, targets).sort_values("period", ascending=False)
    frame = frame[frame["value"].notna()]
    return pd.DataFrame(
        {
            "Month": [long_label(p) for p in frame["period"]],
            "Financial year": [financial_year_label(p) for p in frame["period"]],
            "Figure": [indicator.format_value(v) for v in frame["value"]],
            "Target": [
                format_target(indicator, t) if pd.notna(t) else "No target" for t in frame["target"]
            ],
            "Status": [f"{RAG_ICONS[s]} {RAG_WORDS[s]}" for s in frame["rag"]],
            "Note": frame["commentary"].fillna("").tolist(),
        }
    )


def _breakdown_table(parts: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    wide = parts.pivot(index="period", columns="breakdown", values="value")
    wide = wide[[c for c in order if c in wide.columns]].sort_index(ascending=False)
    wide.index = [long_label(p) for p in wide.index]
    return wide.rename_axis("Month").reset_index()


def _events_caption(cat: Catalogue, first: dt.date, last: dt.date) -> str | None:
    """The key events by the numbers the chart marks them with (`numbered_events`)."""
    shown = numbered_events(cat.events, first, last)
    if not shown:
        return None
    return (
        "Key events, numbered as on the chart: "
        + "; ".join(
            f"({n}) {long_label(e.month)}, {e.label}: {e.description.rstrip('.')}" for n, e in shown
        )
        + "."
    )


def build_indicator_block(
    indicator: Indicator,
    cat: Catalogue,
    mine: pd.DataFrame,
    targets: pd.DataFrame,
    comparators: pd.DataFrame,
    choice: TeamChoice,
    first: dt.date,
    last: dt.date,
) -> IndicatorBlock:
    """The block for `indicator` from its figures in first..last (`mine`), the targets, its
    published comparator lines and the teams chosen for it (at most the cap's)."""
    if mine.empty:
        return IndicatorBlock(False, "", "", None, None, None, indicator.decimals, None)
    headline = headline_breakdown(indicator, cat)
    series = mine[mine["breakdown"] == headline][["period", "value", "commentary"]]
    parts = only_shown(mine[mine["breakdown"] != WHOLE_AUTHORITY], indicator.code, choice)
    left_out = left_out_sentence(choice, "teams" if indicator.breakdown == "team" else "values")
    label = f"{indicator.name} ({headline.lower()})" if headline else None
    lines = benchmark_lines.lines_known_by(comparators, last)
    caption = comparator_caption(lines, first, last)
    # The sentence quotes area and source names from uploaded files: shown as plain text.
    comparator_text = md(caption) if caption else benchmark_lines.comparator_note(indicator)
    if indicator.breakdown == "distance_band":
        order = list(cat.breakdown_values.get(indicator.breakdown, ()))
        figures, by_part = None, _breakdown_table(parts, order)
    else:
        figures = _figures_table(indicator, series, targets) if not series.empty else None
        by_part = (
            _breakdown_table(parts, sorted(set(parts["breakdown"]))) if not parts.empty else None
        )
    return IndicatorBlock(
        has_figures=True,
        summary=summary_sentence(indicator, series, targets, last, label),
        comparator_caption=comparator_text,
        events_caption=_events_caption(cat, first, last),
        figures_table=figures,
        breakdown_table=by_part,
        breakdown_decimals=indicator.decimals,
        left_out=left_out,
    )
