"""The plan page's sections for officers and directors: the action list to download, and the
snapshots with their rollback.

Each button's action calls `require` again through `ui.plan_flow`, so the section being hidden
from a member is not the only lock. A rollback names what will be in force afterwards and is
refused if another snapshot landed or was rolled back after the confirmation was drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analysis.plan import STATUSES, snapshot_month
from core.periods import long_label
from core.roles import NotAllowed, User, may
from etl.ingest.plan_load import PlanNotRolledBack
from etl.store.database import Store, StoreBusy
from etl.store.plan_snapshots import version_of
from presentation.markup import md
from ui import cached as data
from ui.access import current_user
from ui.plan_flow import PlanChangedSinceShown, plan_extract_for, rollback_plan_snapshot

NOTICE_KEY = "plan_admin_notice"
CONFIRM_KEY = "plan_rollback_confirm"


def _extract(
    user: User | None, path: str, as_at: dt.date, statuses: list[str], fmt: str
) -> Callable[[], bytes]:
    def build() -> bytes:
        return plan_extract_for(user, Store(path), as_at, statuses, fmt).content

    return build


def render_downloads(user: User | None, path: str, as_at: dt.date) -> None:
    """The officer's extract of the action list, as CSV or Excel (the `plan actions` twin)."""
    if not may(user, "extract"):
        return
    st.subheader("Download the action list")
    chosen = st.multiselect(
        "Statuses to include (none chosen: every action)",
        STATUSES,
        key="plan_extract_statuses",
    )
    stamp = f"{as_at:%Y-%m}"
    with st.container(horizontal=True, gap="small"):
        for fmt, mime, label in (
            ("csv", "text/csv", "Download the actions (CSV)"),
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "Download the actions (Excel)",
            ),
        ):
            st.download_button(
                label,
                data=_extract(user, path, as_at, list(chosen), fmt),
                file_name=f"cyps-improvement-plan-{stamp}.{fmt}",
                mime=mime,
                on_click="ignore",
                icon=":material/download:",
                key=f"plan_extract_{fmt}",
            )
    st.caption(
        "The same rows as `python -m etl plan actions --as-at "
        f"{stamp} --format csv`. Text that a spreadsheet could run as a formula is made inert."
    )


def _state_word(row: pd.Series) -> str:
    if not pd.isna(row["rolled_back_at"]):
        return f"Rolled back {pd.Timestamp(row['rolled_back_at']):%d %B %Y}"
    return "In force" if row["live"] else "Replaced by a revision"


def snapshots_table(listed: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Snapshot": listed["id"].astype(int),
            "As at": [long_label(m) for m in listed["as_at"]],
            "File": listed["file_name"],
            "Loaded by": listed["submitted_by"],
            "Loaded": [f"{pd.Timestamp(t):%d %B %Y %H:%M}" for t in listed["submitted_at"]],
            "Actions": listed["actions"].astype(int),
            "State": [_state_word(r) for _, r in listed.iterrows()],
        }
    )


def after_rollback(listed: pd.DataFrame, snapshot_id: int) -> str:
    """What will be in force for that month once `snapshot_id` is rolled back, in words."""
    row = listed[listed["id"] == snapshot_id].iloc[0]
    month = row["as_at"]
    earlier = listed[
        (listed["as_at"] == month) & (listed["id"] < snapshot_id) & listed["rolled_back_at"].isna()
    ]
    if not earlier.empty:
        back, when = int(earlier["id"].max()), long_label(month)
        return f"Snapshot {back}, which it revised, will be in force again as at {when}."
    others = listed[listed["live"] & (listed["id"] != snapshot_id)]
    before = snapshot_month(set(others["as_at"]), month)
    if before is None:
        return f"No snapshot will be in force as at {long_label(month)}."
    return (
        f"There will be no snapshot as at {long_label(month)}; the plan's state that month will "
        f"come from the snapshot as at {long_label(before)}."
    )


@dataclass(frozen=True)
class SnapshotsView:
    """The snapshots section worked out once per data version (`ui.plan_cached`)."""

    table: pd.DataFrame
    choices: list[int]  # the snapshots in force, which a director may roll back
    labels: dict[int, str]  # each choice in words
    after: dict[int, str]  # what will be in force once it is rolled back, in words
    plan_version: str


def snapshots_view(listed: pd.DataFrame) -> SnapshotsView:
    live = listed[listed["live"]]
    choices = live["id"].astype(int).tolist()
    months = dict(zip(choices, live["as_at"], strict=True))
    return SnapshotsView(
        snapshots_table(listed),
        choices,
        {i: f"Snapshot {i}, as at {long_label(months[i])}" for i in choices},
        {i: md(after_rollback(listed, i)) for i in choices},
        version_of(listed),
    )


def render_snapshots(user: User | None, view: Callable[[], SnapshotsView]) -> None:
    """Every snapshot (nothing is deleted), and the rollback of one in force, for directors.
    `view` gives the section's cached model, asked for only when the user may roll back."""
    if not may(user, "rollback"):
        return
    notice = st.session_state.pop(NOTICE_KEY, None)
    st.subheader("Plan snapshots")
    if notice:
        getattr(st, notice[0])(notice[1])
    shown = view()
    st.dataframe(shown.table, hide_index=True, width="stretch")
    if not shown.choices:
        return
    chosen = st.selectbox(
        "Snapshot to roll back",
        shown.choices,
        format_func=shown.labels.__getitem__,
        key="plan_rollback_choice",
    )
    st.markdown(shown.after[chosen] + " Nothing is deleted: it stays in the list.")
    ticked = st.checkbox(
        f"I want to roll back plan snapshot {chosen}", key=f"{CONFIRM_KEY}_{chosen}"
    )
    st.button(
        f"Roll back plan snapshot {chosen}",
        disabled=not ticked,
        on_click=_rollback,
        args=(chosen, shown.plan_version),
        key=f"plan_rollback_{chosen}",
    )


def _rollback(snapshot_id: int, plan_version: str) -> None:
    st.session_state.pop(f"{CONFIRM_KEY}_{snapshot_id}", None)
    try:
        done = rollback_plan_snapshot(data.store(), current_user(), snapshot_id, plan_version)
    except (PlanChangedSinceShown, PlanNotRolledBack, StoreBusy, NotAllowed) as err:
        st.session_state[NOTICE_KEY] = ("warning", md(err))
        return
    restored = f" Snapshot {done.restored} is in force again." if done.restored else ""
    st.session_state[NOTICE_KEY] = (
        "success",
        f"Plan snapshot {snapshot_id} (as at {long_label(done.as_at)}) was rolled back.{restored}",
    )
