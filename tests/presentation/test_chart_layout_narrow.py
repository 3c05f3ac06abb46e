"""Every chart fits a 390 px phone as well as a laptop: wrapped text, legend below, room kept.

Plotly never wraps a title or a legend entry and places a legend where it is told, so these
pin the rules that keep a chart's words inside a phone's screen (issue 16 §2, §4): each
chart built from the real sample database, as the pages build them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import plan
from analysis.scorecard import headline_breakdown
from analysis.spc_view import headline_series, indicator_spc
from core.catalogue import Event, catalogue
from core.periods import month_range
from etl.benchmarks.chart_lines import comparator_lines
from etl.benchmarks.comparison import comparison, rank_trend
from etl.benchmarks.published import benchmark_measures, council_years_by_measure
from etl.store import plan_snapshots, queries
from etl.store.database import Store
from presentation.charts import benchmark
from presentation.charts.indicator import indicator_chart
from presentation.charts.layout import (
    CHART_CONFIG,
    EVENT_GAP_MONTHS,
    GLUE,
    LEGEND_CHARS,
    PLOT_PX,
    SUBTITLE_CHARS,
    TITLE_CHARS,
    event_rows,
    header_px,
    wrap,
)
from presentation.charts.plan import plan_progress_chart, theme_progress_chart
from ui.figures import build_indicator_figures, build_spc_figure

CAT = catalogue()


@pytest.fixture(scope="module")
def figures(_sample_db_file: Path) -> dict[str, go.Figure]:
    """Every kind of chart the dashboard draws, from the sample database."""
    store = Store(_sample_db_file)
    values, targets = queries.current_values(store), queries.targets(store)
    first, last = min(values["period"]), max(values["period"])
    built: dict[str, go.Figure] = {}
    for code in ("REREF_12M", "CASELOAD_OVER_22", "LAC_DISTANCE"):
        lines = comparator_lines(store, code)
        for n, fig in enumerate(build_indicator_figures(values, targets, lines, code, first, last)):
            built[f"{code} {n}"] = fig
    ind = CAT.get("REREF_12M")
    series = headline_series(values, ind.code, headline_breakdown(ind, CAT))
    result = indicator_spc(ind, series, targets, last, CAT.change_points)
    built["SPC"] = build_spc_figure(result, targets, ind.code, first, last)
    years = council_years_by_measure(store)
    m = next(m for m in benchmark_measures() if years.get(m.key) and m.unit == "percent")
    c = comparison(store, m.key, years[m.key][-1], "mean")
    built["bars"] = benchmark.comparison_bar_chart(
        c.bars, measure_name=m.name, unit=m.unit, polarity=m.polarity,
        period_label=c.period_label, council_name=c.council.name,
        england=(c.england[0], f"England {c.display(c.england)}"),
        neighbour_average=(c.neighbours.mean, "Neighbour mean"),
    )  # fmt: skip
    built["rank"] = benchmark.rank_trend_chart(
        rank_trend(store, m.key), measure_name=m.name, council_name=c.council.name,
        series_break_year=m.series_break_year, highlight_year=c.year,
    )  # fmt: skip
    every = plan_snapshots.live_actions(store)
    progress = plan.progress_over_time(every)
    built["plan"] = plan_progress_chart(progress, "Example Metropolitan Borough Council")
    built["themes"] = theme_progress_chart(progress, plan.themes(every), "Example Council")
    return built


def _lines(text: str | None) -> list[str]:
    return (text or "").split("<br>")


def test_the_sample_gives_every_kind_of_chart(figures: dict[str, go.Figure]) -> None:
    assert {"REREF_12M 0", "CASELOAD_OVER_22 1", "LAC_DISTANCE 0", "SPC", "bars", "rank"} <= set(
        figures
    )
    assert all(fig.data for fig in figures.values()), "every chart has something drawn"


def test_no_title_subtitle_or_legend_line_is_wider_than_a_phone(figures) -> None:
    for name, fig in figures.items():
        title = fig.layout.title
        assert all(len(line) <= TITLE_CHARS for line in _lines(title.text)), (name, title.text)
        subtitle = title.subtitle.text
        assert subtitle, f"{name} has a subtitle saying where and when"
        assert all(len(line) <= SUBTITLE_CHARS for line in _lines(subtitle)), (name, subtitle)
        for trace in fig.data:
            if trace.showlegend is not False and trace.name:
                assert all(len(line) <= LEGEND_CHARS for line in _lines(trace.name)), trace.name


def test_a_long_comparator_legend_entry_is_wrapped_not_cut(figures) -> None:
    names = [t.name for t in figures["REREF_12M 0"].data if t.name and "DfE annual" in t.name]
    assert names and any("<br>" in n for n in names), names


def test_the_legend_is_horizontal_below_the_plot_area(figures) -> None:
    for name, fig in figures.items():
        legend = fig.layout.legend
        assert legend.orientation == "h" and legend.yanchor == "top", name
        assert legend.y < 0 and legend.x == 0, f"{name}: legend below the plot, from the left"


def test_the_top_margin_holds_the_title_and_the_plot_keeps_its_height(figures) -> None:
    for name, fig in figures.items():
        layout = fig.layout
        assert layout.title.yref == "container" and layout.title.yanchor == "top", name
        assert layout.margin.t >= header_px(layout.title.text, layout.title.subtitle.text), name
        assert layout.height, f"{name} has a fixed height, not Plotly's 450 default"
        plot = layout.height - layout.margin.t - layout.margin.b
        assert plot >= PLOT_PX, f"{name}: the plot area keeps {PLOT_PX} px after the legend"


def test_every_axis_makes_room_for_its_own_labels(figures) -> None:
    for name, fig in figures.items():
        for axis in ("xaxis", "yaxis"):
            assert fig.layout[axis].automargin is True, f"{name} {axis}"


def test_monthly_ticks_put_the_year_under_the_month_so_they_fit_a_phone(figures) -> None:
    for name in ("REREF_12M 0", "CASELOAD_OVER_22 1", "LAC_DISTANCE 0", "SPC"):
        assert figures[name].layout.xaxis.tickformat == "%b<br>%Y", name


def test_comparison_lines_are_named_in_the_legend_not_written_on_the_bars(figures) -> None:
    bars = figures["bars"]
    assert not [a for a in bars.layout.annotations if "England" in str(a.text)]
    legend = [t.name for t in bars.data if t.showlegend is not False]
    assert legend[0].startswith("England") and legend[1] == "Neighbour mean"
    assert len(bars.layout.shapes) == 2, "the two lines are still drawn on the chart"


def test_the_rank_chart_labels_each_point_with_its_rank_only(figures) -> None:
    labels = [t for t in figures["rank"].data[0].text if t]
    assert labels and all(t.isdigit() for t in labels), labels


def test_the_mode_bar_is_one_download_button_so_each_chart_is_one_tab_stop() -> None:
    assert CHART_CONFIG["modeBarButtons"] == [["toImage"]]
    assert CHART_CONFIG["displayModeBar"] is True, "always shown, so its focus can be seen"
    assert CHART_CONFIG["displaylogo"] is False


def test_wrap_keeps_glued_words_together_and_leaves_no_word_alone_on_the_last_line() -> None:
    assert wrap("Average social worker caseload, by team", 38) == (
        "Average social worker caseload,<br>by team"
    )
    spc = "the council, monthly, April 2014 to March 2017: " + GLUE.join(
        ("statistical", "process", "control")
    )
    assert any("statistical process control" in line for line in wrap(spc, 30).split("<br>"))
    assert wrap("Short", 38) == "Short"


def test_event_numbers_spread_further_apart_on_a_long_range() -> None:
    months = [dt.date(2010, 4, 1), dt.date(2010, 9, 1), dt.date(2011, 2, 1)]
    assert event_rows(months) == [0, 0, 0]  # five months apart: room in one row
    assert event_rows(months, gap=8) == [0, 1, 0]
    assert EVENT_GAP_MONTHS == 4


def test_ten_years_of_events_never_share_a_row_closer_than_a_phone_allows() -> None:
    first, last = dt.date(2010, 4, 1), dt.date(2020, 3, 1)
    events = [Event(dt.date(2010 + n // 2, 4 + 5 * (n % 2), 1), f"E{n}", "") for n in range(10)]
    months = month_range(first, last)
    series = pd.DataFrame({"period": months, "value": [20.0] * len(months)})
    targets = pd.DataFrame(
        {"indicator": ["REREF_12M"], "effective_from": [first], "target": [22.0],
         "amber_tolerance": [2.0]}
    )  # fmt: skip
    fig = indicator_chart(CAT.get("REREF_12M"), series, targets, events, first=first, last=last)
    marks = [a for a in fig.layout.annotations if a.yshift]  # the events' numbers
    assert len(marks) == 10 and len({a.yshift for a in marks}) > 1, "five months is too close"
    assert fig.layout.xaxis.dtick == "M24", "a tick every two years on a ten-year range"
    years = [a.text for a in fig.layout.annotations if not a.yshift]
    assert len(years) == 10 and all(len(y) == 5 for y in years), years  # "14/15", not "2014/15"
