"""Submission history (directors): every submission, what it changed, and rollback.

Rolling back marks a submission as withdrawn; nothing is deleted, so a
rolled-back submission stays listed with who withdrew it and when. The
confirmation lists exactly what will be restored, and the rollback is refused
if the figures changed after that list was shown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.roles import NotAllowed
from etl.ingest.rollback import NotRolledBack
from etl.store.database import StoreBusy
from presentation.markup import md
from ui import cached as data
from ui.access import current_user
from ui.frame import in_frame
from ui.redaction import redaction_section
from ui.upload_flow import ChangedSinceShown, rollback_submission
from ui.upload_tables import (
    changes_table,
    restore_table,
    submissions_table,
    target_restore_table,
    targets_set_table,
)

PICK_KEY = "history_pick"
CONFIRM_KEY = "history_confirm"
NOTICE_KEY = "history_notice"


def _label(row: pd.Series) -> str:
    status = "" if pd.isna(row["rolled_back_at"]) else " (rolled back)"
    return (
        f"Submission {row['id']}: {row['file_name']}, "
        f"{pd.Timestamp(row['submitted_at']):%d %b %Y %H:%M}, {row['submitted_by']}{status}"
    )


def _show_changes(submission_id: int) -> None:
    path, version = str(data.store().path), data.version()
    changes = data.submission_changes(path, version, submission_id)
    targets = data.submission_targets(path, version, submission_id)
    if changes.empty and targets.empty:
        st.info("This submission stored no figures or targets.")
    if not changes.empty:
        st.markdown(f"**Figures this submission stored** ({len(changes)})")
        st.dataframe(changes_table(changes), hide_index=True, width="stretch")
    if not targets.empty:
        st.markdown(f"**Targets this submission set** ({len(targets)})")
        st.dataframe(targets_set_table(targets), hide_index=True, width="stretch")


def _rollback_section(row: pd.Series, version: str) -> None:
    submission_id = int(row["id"])
    st.subheader(f"Roll back submission {submission_id}")
    path = str(data.store().path)
    plan = data.rollback_preview(path, version, submission_id)
    targets = data.target_rollback_plan(path, version, submission_id)
    if plan.empty and targets.empty:
        st.info(
            "Later submissions have replaced every figure this submission gave, so rolling "
            "it back would change no figure shown. It would only be marked as rolled back."
        )
    else:
        st.markdown(
            f"Rolling back restores these **{len(plan)} figure(s)** and "
            f"**{len(targets)} target(s)** to the values they had before submission "
            f"{submission_id} (*no figure* where this submission gave the first one). "
            "Figures that later submissions replaced are not affected. The submission stays "
            "in this history, marked as rolled back."
        )
    if not plan.empty:
        st.dataframe(restore_table(plan), hide_index=True, width="stretch")
    if not targets.empty:
        st.dataframe(target_restore_table(targets), hide_index=True, width="stretch")
    ticked = st.checkbox(
        f"I want to roll back submission {submission_id} and restore the values above",
        key=f"{CONFIRM_KEY}_{submission_id}",
    )
    st.button(
        f"Roll back submission {submission_id}",
        type="primary",
        disabled=not ticked,
        on_click=_rollback,
        args=(submission_id, version),
        key=f"history_rollback_{submission_id}",
    )


def _rollback(submission_id: int, version: str) -> None:
    """Runs once per click, before the page is drawn again."""
    st.session_state.pop(f"{CONFIRM_KEY}_{submission_id}", None)
    try:
        targets = len(data.target_rollback_plan(str(data.store().path), version, submission_id))
        restored = rollback_submission(data.store(), current_user(), submission_id, version)
    except (ChangedSinceShown, NotRolledBack, StoreBusy, NotAllowed) as err:
        st.session_state[NOTICE_KEY] = ("warning", md(err))
        return
    st.session_state[NOTICE_KEY] = (
        "success",
        f"Submission {submission_id} was rolled back: {len(restored)} figure(s) and "
        f"{targets} target(s) restored to their previous values. It stays listed below, "
        "marked as rolled back.",
    )


def _show_notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        kind, text = notice
        getattr(st, kind)(text)


def render() -> None:
    version = in_frame().version
    _show_notice()
    frame = data.submissions(str(data.store().path), version)
    if frame.empty:
        st.info("No files have been loaded yet.")
        return
    st.dataframe(submissions_table(frame), hide_index=True, width="stretch")
    rows = {int(r["id"]): r for _, r in frame.iterrows()}
    picked = st.selectbox(
        "Choose a submission to see what it changed",
        list(rows),
        format_func=lambda i: _label(rows[i]),
        key=PICK_KEY,
    )
    row = rows.get(picked)
    if row is None:
        return
    st.subheader(f"What submission {picked} changed")
    _show_changes(picked)
    redaction_section(in_frame().user, picked)
    if pd.isna(row["rolled_back_at"]):
        _rollback_section(row, version)
    else:
        st.info(
            f"Rolled back on {pd.Timestamp(row['rolled_back_at']):%d %B %Y at %H:%M} by "
            f"{md(row['rolled_back_by'])}. Its figures are no longer used; its record is kept."
        )


render()
