"""Improvement plan (every role): how much of the plan is done, what is late, what is at risk.

The headline as the leader gave it ("24 of 50 actions complete (48%)") for the month chosen,
with the change since the previous snapshot; progress by theme at every snapshot; the overdue
actions and those at risk or off track; every action with the indicators it should move and
their status now. Officers can download the action list; directors see every snapshot and can
roll one back. Snapshots are uploaded on the Upload figures page.
"""

from __future__ import annotations

import streamlit as st

from core.periods import long_label
from ui import plan_cached as model
from ui.frame import in_frame
from ui.plan_admin import SnapshotsView, render_downloads, render_snapshots
from ui.plan_view import (
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
    """Everything drawn comes from `ui.plan_cached`, worked out once per data version (and
    month) for every session: this run only issues the st.* calls."""
    frame = in_frame()
    path, version, user = frame.path, frame.version, frame.user

    def snapshots() -> SnapshotsView:
        return model.snapshots(path, version)

    page = model.page(path, version)
    if not page.months:
        st.info(NO_PLAN)
        render_snapshots(user, snapshots)
        return
    as_at = st.selectbox(
        "Plan as at the month",
        page.months,
        index=0,
        format_func=long_label,
        key="plan_month",
        help="The plan's state in a month is its latest snapshot as at that month or earlier.",
    )
    view = model.month(path, version, as_at)
    render_headline(view)
    render_progress(page, model.figures(path, version))
    if view.notice:
        render_snapshots(user, snapshots)
        return
    render_themes(view)
    render_lists(view)
    render_all_actions(view)
    render_downloads(user, path, as_at)
    render_snapshots(user, snapshots)


main()
