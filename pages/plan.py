"""Improvement plan (every role): how much of the plan is done, what is late, what is at risk.

The headline as the leader gave it ("24 of 50 actions complete (48%)") for the month chosen,
with the change since the previous snapshot; progress by theme at every snapshot; the overdue
actions and those at risk or off track; every action with the indicators it should move and
their status now. Officers can download the action list; directors see every snapshot and can
roll one back. Snapshots are uploaded on the Upload figures page.
"""

from __future__ import annotations

import streamlit as st

from analysis.scorecard import months_with_data
from core.catalogue import catalogue
from core.periods import long_label
from ui import cached as data
from ui.frame import in_frame
from ui.plan_admin import render_downloads, render_snapshots
from ui.plan_view import (
    indicator_status,
    plan_months,
    render_all_actions,
    render_headline,
    render_lists,
    render_progress,
    render_themes,
)

NO_PLAN = (
    "No improvement plan has been loaded yet. A director can upload a snapshot (a workbook "
    "with an `actions` sheet: download the plan template there) on the **Upload figures** "
    "page, or from the command line: `python -m etl plan load --as-at YYYY-MM FILE.xlsx`."
)


def main() -> None:
    frame = in_frame()
    path, version, user = frame.path, frame.version, frame.user
    every = data.plan_actions(path, version)
    if every.empty:
        st.info(NO_PLAN)
        render_snapshots(user, path, version)
        return
    figures = months_with_data(data.current_values(path, version))
    as_at = st.selectbox(
        "Plan as at the month",
        plan_months(every, figures),
        index=0,
        format_func=long_label,
        key="plan_month",
        help="The plan's state in a month is its latest snapshot as at that month or earlier.",
    )
    state = render_headline(every, as_at)
    render_progress(every)
    if state.empty:
        render_snapshots(user, path, version)
        return
    render_themes(state, as_at)
    render_lists(state, as_at)
    rag_month = max([m for m in figures if m <= as_at], default=None)
    statuses = (
        indicator_status(data.scorecard(path, version, rag_month), catalogue()) if rag_month else {}
    )
    render_all_actions(state, statuses)
    render_downloads(user, path, as_at)
    render_snapshots(user, path, version)


main()
