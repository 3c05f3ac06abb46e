"""Every cached read and build of the app, in one place.

Every cached function takes the store's data version as an argument, so a new
submission, a rollback, a target change or a benchmark load changes the key and the
next page run reads fresh figures; until then pages answer from memory. Streamlit's
caches are process-wide, so the first session to ask after a change does the work and
every other session gets the finished frames and figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import plan
from analysis.breakdowns import TeamChoice, choose_breakdowns, only_shown
from analysis.comparators import display_value
from analysis.scorecard import build_scorecard, display_table, headline_breakdown, months_with_data
from analysis.spc_view import SpcResult, headline_series, indicator_spc
from core.catalogue import catalogue
from core.periods import add_months, long_label
from core.settings import database_path
from etl.benchmarks import latest as benchmark_latest
from etl.benchmarks.chart_lines import comparator_lines
from etl.benchmarks.comparison import Comparison, comparison, rank_trend
from etl.benchmarks.published import CouncilArea, council_area, council_years_by_measure
from etl.ingest.breakdowns import max_distinct
from etl.outputs.extract import Extract, extract
from etl.outputs.extract_files import text_frame
from etl.outputs.extract_filter import ExtractFilter
from etl.outputs.report_figures import mask_summary, report_figures
from etl.sample.bundled import load_sample_if_empty, real_submitters, showing_sample
from etl.store import plan_snapshots, queries
from etl.store.database import Store
from presentation.charts import benchmark as benchmark_charts
from presentation.charts.layout import ReferenceLine
from presentation.indicator_block import IndicatorBlock, build_indicator_block
from presentation.overview import OverviewModel, build_overview
from presentation.report.html import SUMMARY_COLUMNS
from presentation.scorecard_html import plain_table_html
from ui.figures import build_indicator_figures, build_spc_figure, in_range
from ui.shared_figure import shared


def store() -> Store:
    return Store(database_path())


def version() -> str:
    """The store's current version, checked on every page run.

    Cheap: two `stat` calls while the database file is unchanged; the database is
    opened only after something wrote to it (see `Store.data_version`).
    """
    return store().data_version()


@st.cache_resource(show_spinner="Loading the illustrative sample data…")
def ensure_sample(path: str) -> bool:
    """Load the bundled sample into an empty database, once per process."""
    return load_sample_if_empty(Store(path))


@st.cache_data(show_spinner=False, max_entries=64)
def current_values(path: str, data_version: str, indicators: tuple[str, ...] = ()) -> pd.DataFrame:
    return queries.current_values(Store(path), indicators or None)


@st.cache_data(show_spinner=False, max_entries=16)
def targets(path: str, data_version: str) -> pd.DataFrame:
    return queries.targets(Store(path))


@st.cache_data(show_spinner=False, max_entries=16)
def last_updated(path: str, data_version: str) -> dt.datetime | None:
    return queries.last_updated(Store(path))


@st.cache_data(show_spinner=False, max_entries=16)
def sample_shown(path: str, data_version: str) -> bool:
    return showing_sample(Store(path))


@st.cache_data(show_spinner=False, max_entries=16)
def holds_real_figures(path: str, data_version: str) -> bool:
    return bool(real_submitters(Store(path)))


@st.cache_data(show_spinner=False, max_entries=16)
def submissions(path: str, data_version: str) -> pd.DataFrame:
    return queries.submissions(Store(path))


# What one submission did, and what rolling it back would restore: read on every click of the
# history page, so cached on (database, version, submission) like everything above.


@st.cache_data(show_spinner=False, max_entries=64)
def submission_changes(path: str, data_version: str, submission_id: int) -> pd.DataFrame:
    return queries.submission_changes(Store(path), submission_id)


@st.cache_data(show_spinner=False, max_entries=64)
def submission_targets(path: str, data_version: str, submission_id: int) -> pd.DataFrame:
    return queries.submission_targets(Store(path), submission_id)


@st.cache_data(show_spinner=False, max_entries=64)
def rollback_preview(path: str, data_version: str, submission_id: int) -> pd.DataFrame:
    return queries.rollback_preview(Store(path), submission_id)


@st.cache_data(show_spinner=False, max_entries=64)
def target_rollback_plan(path: str, data_version: str, submission_id: int) -> pd.DataFrame:
    return queries.target_rollback_plan(Store(path), submission_id)


# The improvement plan: every live snapshot's actions, and every snapshot (rolled back ones too).


@st.cache_data(show_spinner=False, max_entries=16)
def plan_actions(path: str, data_version: str) -> pd.DataFrame:
    return plan_snapshots.live_actions(Store(path))


@st.cache_data(show_spinner=False, max_entries=16)
def plan_snapshot_list(path: str, data_version: str) -> pd.DataFrame:
    return plan_snapshots.snapshots(Store(path))


@st.cache_data(show_spinner=False, max_entries=256)
def linked_actions(
    path: str, data_version: str, code: str, month: dt.date
) -> tuple[pd.DataFrame, dt.date | None]:
    """The plan's actions meant to move an indicator, as at `month`, and the snapshot month
    they come from (None: no plan loaded). Worked out once per data version (issue 17)."""
    every = plan_actions(path, data_version)
    if every.empty:
        return every, None
    state = plan.state_at(every, month)
    linked = plan.linked_actions(state, code) if not state.empty else state
    return linked, plan.snapshot_month(set(every["as_at"]), month) or month


# --- the model and its figures: built once per data version, shared by every session -------


@st.cache_data(show_spinner=False, max_entries=32)
def scorecard(path: str, data_version: str, as_at: dt.date) -> pd.DataFrame:
    """The scorecard for a month, built once per data version (the build is pure)."""
    cat = catalogue()
    values = current_values(path, data_version)
    return build_scorecard(values, targets(path, data_version), cat, as_at, cat.change_points)


@st.cache_data(show_spinner=False, max_entries=64)
def comparators(path: str, data_version: str, code: str) -> pd.DataFrame:
    """The published annual comparator lines for an indicator (empty for a local measure)."""
    return comparator_lines(Store(path), code)


@st.cache_data(show_spinner=False, max_entries=64)
def latest_benchmarks(path: str, data_version: str, as_at: dt.date | None = None) -> pd.DataFrame:
    """England, neighbour and quartile figures for the scorecard: the latest year the DfE had
    published by the month `as_at` (issue 12 §2)."""
    return benchmark_latest.latest_benchmarks(Store(path), as_at=as_at)


@st.cache_data(show_spinner=False, max_entries=16)
def months(path: str, data_version: str) -> list[dt.date]:
    """Every month with a figure, newest first: the Overview's "as at" choices."""
    return months_with_data(current_values(path, data_version))


@st.cache_resource(show_spinner=False, max_entries=32)
def overview_model(path: str, data_version: str, as_at: dt.date) -> OverviewModel:
    """The whole Overview for a month (headline, scorecards as HTML, comparisons), built
    once per data version and shared, unpickled, by every session: nothing may change it."""
    cat = catalogue()
    before = add_months(as_at, -1)
    current = scorecard(path, data_version, as_at)
    known = months(path, data_version)
    previous = scorecard(path, data_version, before) if before in known else current.iloc[0:0]
    national = latest_benchmarks(path, data_version, as_at)
    return build_overview(current, previous, national, cat, as_at, before)


@st.cache_resource(show_spinner=False, max_entries=32)
def report_summary(
    path: str, data_version: str, as_at: dt.date, exempt: bool
) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The report page's summary, built once per data version (shared): each family's title
    and table as HTML, and, for the public version, how small numbers were hidden."""
    cat = catalogue()
    card = scorecard(path, data_version, as_at)
    table = display_table(card, cat)
    explanation = None
    if not exempt:  # the public report's cells: every figure a published extract hides
        figures = report_figures(current_values(path, data_version), cat, exempt=False)
        table = mask_summary(table, card, figures, as_at)
        explanation = figures.rules.explanation() if figures.hidden else None
    families = []
    for family in cat.families:
        codes = [i.code for i in cat.in_family(family.key)]
        rows = table[table["code"].isin(codes)]
        if not rows.empty:
            caption = f"{family.title}: summary, {long_label(as_at)}"
            families.append((family.title, plain_table_html(rows[SUMMARY_COLUMNS], caption, {})))
    return tuple(families), explanation


@st.cache_data(show_spinner=False, max_entries=128)
def spc_result(path: str, data_version: str, code: str, as_at: dt.date) -> SpcResult:
    """An indicator's XmR chart and icons up to a month (computed on all earlier months)."""
    cat = catalogue()
    indicator = cat.get(code)
    series = headline_series(
        current_values(path, data_version), code, headline_breakdown(indicator, cat)
    )
    return indicator_spc(indicator, series, targets(path, data_version), as_at, cat.change_points)


@st.cache_resource(show_spinner=False, max_entries=256)
def spc_figure(path: str, data_version: str, code: str, first: dt.date, last: dt.date) -> go.Figure:
    """The SPC chart, kept as an object like `indicator_figures` (shared: never modify it)."""
    result = spc_result(path, data_version, code, last)
    return shared(build_spc_figure(result, targets(path, data_version), code, first, last))


@st.cache_resource(show_spinner=False, max_entries=256)
def indicator_figures(
    path: str,
    data_version: str,
    code: str,
    first: dt.date,
    last: dt.date,
    extra_lines: tuple[ReferenceLine, ...] = (),
) -> list[go.Figure]:
    """An indicator's charts (whole authority, then by team if it has teams).

    Building a Plotly figure costs about 100 ms, most of it Plotly's own object
    machinery, so finished figures are kept per data version and period range and
    a page revisited, or rerun by a widget, draws from memory. They are held as
    objects (cache_resource), not pickled: unpickling a figure, or handing
    st.plotly_chart a dict, rebuilds and revalidates it at the same cost. The
    figures are shared between sessions, so nothing may modify them.
    """
    values = current_values(path, data_version)
    choice = team_choice(path, data_version, code, first, last)  # at most the cap's teams
    figures = build_indicator_figures(
        only_shown(values, code, choice),
        targets(path, data_version),
        comparators(path, data_version, code),
        code,
        first,
        last,
        extra_lines,
    )
    return [shared(f) for f in figures]  # each drawn from one dictionary (ui.shared_figure)


@st.cache_data(show_spinner=False, max_entries=256)
def team_choice(
    path: str, data_version: str, code: str, first: dt.date, last: dt.date
) -> TeamChoice:
    """The teams an indicator's chart and table show for first..last: at most
    `[breakdowns] max_distinct`, chosen by `analysis.breakdowns.choose_breakdowns`."""
    indicator = catalogue().get(code)
    mine = in_range(current_values(path, data_version), indicator, first, last)
    return choose_breakdowns(mine, indicator.polarity, max_distinct())


@st.cache_resource(show_spinner=False, max_entries=256)
def indicator_block(
    path: str, data_version: str, code: str, first: dt.date, last: dt.date
) -> IndicatorBlock:
    """An indicator's sentence, captions and tables for first..last, built once per data
    version and shared by every session (issue 17): nothing may change it."""
    cat = catalogue()
    indicator = cat.get(code)
    return build_indicator_block(
        indicator,
        cat,
        in_range(current_values(path, data_version), indicator, first, last),
        targets(path, data_version),
        comparators(path, data_version, code),
        team_choice(path, data_version, code, first, last),
        first,
        last,
    )


# --- How we compare and the extract preview -------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def council_area_of(path: str, data_version: str) -> CouncilArea:
    return council_area(Store(path))


@st.cache_data(show_spinner=False, max_entries=16)
def benchmark_years(path: str, data_version: str) -> dict[str, list[int]]:
    return council_years_by_measure(Store(path))


@st.cache_data(show_spinner=False, max_entries=128)
def benchmark_comparison(
    path: str, data_version: str, key: str, year: int, stat: str
) -> Comparison:
    return comparison(Store(path), key, year, stat)


@st.cache_data(show_spinner=False, max_entries=64)
def benchmark_rank_trend(path: str, data_version: str, key: str) -> pd.DataFrame:
    return rank_trend(Store(path), key)


@st.cache_resource(show_spinner=False, max_entries=128)
def benchmark_bars_figure(
    path: str, data_version: str, key: str, year: int, stat: str
) -> go.Figure:
    """How we compare's bar chart for a measure, year and neighbour average, built once per
    data version and shared (issue 17): never modify it."""
    c = benchmark_comparison(path, data_version, key, year, stat)
    m = c.measure
    average = c.neighbours.mean if stat == "mean" else c.neighbours.median
    shown = display_value(average, None, m.unit, m.decimals)
    return shared(
        benchmark_charts.comparison_bar_chart(
            c.bars,
            measure_name=m.name,
            unit=m.unit,
            polarity=m.polarity,
            period_label=c.period_label,
            council_name=council_area_of(path, data_version).name,
            england=None
            if m.unit == "count"
            else (c.england[0], f"England {c.display(c.england)}"),
            neighbour_average=(average, f"Neighbour {stat} {shown}"),
        )
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def benchmark_rank_figure(path: str, data_version: str, key: str, year: int) -> go.Figure:
    """The council's national rank over the years, the chosen year highlighted (shared)."""
    c = benchmark_comparison(path, data_version, key, year, "mean")
    return shared(
        benchmark_charts.rank_trend_chart(
            benchmark_rank_trend(path, data_version, key),
            measure_name=c.measure.name,
            council_name=c.council.name,
            series_break_year=c.measure.series_break_year,
            highlight_year=c.year,
        )
    )


@st.cache_data(show_spinner=False, max_entries=32)
def extract_preview(path: str, data_version: str, flt: ExtractFilter) -> Extract:
    return extract(Store(path), flt)


@st.cache_data(show_spinner=False, max_entries=32)
def extract_preview_text(
    path: str, data_version: str, flt: ExtractFilter, rows: int
) -> pd.DataFrame:
    """The first `rows` rows of an extract as they will be in the file: formatted once per
    data version and filter, and only those rows (at scale an extract has 50,000)."""
    ex = extract_preview(path, data_version, flt)
    return text_frame(replace(ex, rows=ex.rows.head(rows)))
