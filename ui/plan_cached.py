"""The Improvement plan page's model and figures, cached process-wide per data version and month.

Beside `ui.cached` (kept under the 400-line limit) and built the same way: every function takes
the database path and its data version, so a plan upload, a rollback or any other write changes
the key and the next run works the page out afresh; until then every session answers from
memory and the page's run only issues its st.* calls. Frames and sentences are kept with
`st.cache_data` (each session gets its own copy); the Plotly figures with `st.cache_resource`,
as objects, because unpickling a figure costs as much as building it: they are shared between
sessions, so nothing may modify them. No function takes a DataFrame: hashing one for the key
would cost more than the work it saves.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import streamlit as st

from analysis import plan
from analysis.scorecard import months_with_data
from core.catalogue import catalogue
from ui import cached as data
from ui.plan_admin import SnapshotsView, snapshots_view
from ui.plan_view import (
    MonthView,
    PlanPage,
    indicator_status,
    month_view,
    plan_page,
    progress_figures,
)
from ui.shared_figure import shared


@st.cache_data(show_spinner=False, max_entries=16)
def figure_months(path: str, data_version: str) -> list[dt.date]:
    """Every month with a figure, newest first (they lengthen the months the page offers)."""
    return months_with_data(data.current_values(path, data_version))


@st.cache_data(show_spinner=False, max_entries=16)
def page(path: str, data_version: str) -> PlanPage:
    """The months to choose from and the progress at each snapshot (empty: no plan loaded)."""
    return plan_page(data.plan_actions(path, data_version), figure_months(path, data_version))


@st.cache_resource(show_spinner=False, max_entries=16)
def figures(path: str, data_version: str) -> tuple[go.Figure, go.Figure]:
    """The two progress charts, all themes then each theme (shared: never modify them)."""
    every = data.plan_actions(path, data_version)
    whole, by_theme = progress_figures(page(path, data_version).progress, plan.themes(every))
    return shared(whole), shared(by_theme)  # each drawn from one dictionary (ui.shared_figure)


@st.cache_data(show_spinner=False, max_entries=128)
def month(path: str, data_version: str, as_at: dt.date) -> MonthView:
    """Everything the page writes for the month chosen, with each linked indicator's status
    from the scorecard of the latest month with figures at or before it."""
    every = data.plan_actions(path, data_version)
    rag_month = max([m for m in figure_months(path, data_version) if m <= as_at], default=None)
    statuses: dict[str, str] = {}
    if rag_month and not plan.state_at(every, as_at).empty:
        statuses = indicator_status(data.scorecard(path, data_version, rag_month), catalogue())
    return month_view(every, as_at, statuses)


@st.cache_data(show_spinner=False, max_entries=16)
def snapshots(path: str, data_version: str) -> SnapshotsView:
    """Every snapshot and what rolling back each one in force would leave, for directors."""
    return snapshots_view(data.plan_snapshot_list(path, data_version))
