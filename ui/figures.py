"""An indicator's charts built from its figures: pure builders, cached by `ui.cached`.

Nothing here reads the database or keeps anything: `ui.cached` fetches the figures once
per data version, calls these, and shares the finished figures between sessions.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from analysis.scorecard import headline_breakdown
from analysis.spc_view import SpcResult
from core.catalogue import WHOLE_AUTHORITY, Indicator, catalogue
from core.settings import council_name
from etl.benchmarks.chart_lines import lines_known_by
from presentation.charts import indicator as charts
from presentation.charts.layout import ReferenceLine
from presentation.charts.spc import spc_chart


def in_range(
    values: pd.DataFrame, indicator: Indicator, first: dt.date, last: dt.date
) -> pd.DataFrame:
    return values[
        (values["indicator"] == indicator.code)
        & (values["period"] >= first)
        & (values["period"] <= last)
    ]


def reference_lines(indicator: Indicator) -> list[ReferenceLine]:
    if indicator.reference_line is None:
        return []
    return [ReferenceLine(indicator.reference_line, indicator.reference_label)]


def headline_rows(values: pd.DataFrame, indicator: Indicator, part: str) -> pd.DataFrame:
    rows = values[(values["indicator"] == indicator.code) & (values["breakdown"] == part)]
    return rows[["period", "value", "commentary"]]


def build_indicator_figures(
    values: pd.DataFrame,
    targets: pd.DataFrame,
    comparator_lines: pd.DataFrame,
    code: str,
    first: dt.date,
    last: dt.date,
    extra_lines: tuple[ReferenceLine, ...] = (),
) -> list[go.Figure]:
    """An indicator's charts (whole authority, then by team if it has teams).

    `values` and `targets` are the current figures and targets; `comparator_lines` the
    published annual lines for the indicator. `ui.cached.indicator_figures` keeps the
    result per data version: see there why, and why nothing may modify a figure.
    """
    cat = catalogue()
    indicator = cat.get(code)
    council = council_name()
    lines = reference_lines(indicator) + list(extra_lines)
    mine = in_range(values, indicator, first, last)
    if indicator.breakdown == "distance_band":
        order = list(cat.breakdown_values.get(indicator.breakdown, ()))
        fig = charts.stacked_bands_chart(
            indicator, mine, order, council=council, first=first, last=last, events=cat.events
        )
        return [fig]
    series = headline_rows(mine, indicator, headline_breakdown(indicator, cat))
    figures = [
        charts.indicator_chart(
            indicator,
            series,
            targets,
            cat.events,
            council=council,
            first=first,
            last=last,
            reference_lines=lines,
            comparators=lines_known_by(comparator_lines, last),
        )
    ]
    parts = mine[mine["breakdown"] != WHOLE_AUTHORITY]
    if indicator.breakdown == "team" and not parts.empty:
        figures.append(
            charts.breakdown_lines_chart(
                indicator,
                mine,
                sorted(set(parts["breakdown"])),
                council=council,
                first=first,
                last=last,
                reference_lines=lines,
            )
        )
    return figures


def build_spc_figure(
    result: SpcResult, targets: pd.DataFrame, code: str, first: dt.date, last: dt.date
) -> go.Figure:
    """The SPC chart of an indicator's XmR result."""
    cat = catalogue()
    return spc_chart(
        cat.get(code),
        result.frame,
        targets,
        cat.events,
        council=council_name(),
        first=first,
        last=last,
        recalculations=result.recalculations,
    )
