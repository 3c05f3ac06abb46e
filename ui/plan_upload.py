"""The upload page's improvement plan: a workbook with an `actions` sheet is a plan snapshot.

Recognised by its `actions` sheet, a plan workbook never goes through the figures' checks: it
is checked whole (`ui.plan_flow.check_plan`), every problem listed; then the director chooses
the month the snapshot is as at, sees what changed since the snapshot in force then (new
actions, status changes, slips, withdrawals, and whether it revises that month's snapshot), and
nothing is stored until they tick and press the button. The check and the preview are held in
session state under the file's SHA-256 and month, and taken out before committing, so a double
click commits once; `commit_plan` also refuses a preview another load has made stale.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit.errors import StreamlitAPIException

from analysis.plan import percent_text
from core.periods import add_months, current_month, long_label
from core.roles import NotAllowed
from etl.ingest.load import StalePreview
from etl.ingest.plan_load import PlanAlreadyLoaded, PlanCommitResult, PlanPreview, is_plan_file
from etl.outputs.plan_template import PLAN_TEMPLATE_FILE_NAME
from etl.store.database import StoreBusy
from presentation.markup import md
from ui import cached as data
from ui.access import current_user
from ui.navigation import page_handle
from ui.plan_flow import PlanCheck, check_plan, commit_preview, plan_template_for, preview_for
from ui.upload_flow import XLSX_MIME, sha256_of
from ui.upload_tables import problems_frame, problems_xlsx

CHECK_KEY = "plan_check"  # the PlanCheck of the file on screen
PREVIEW_KEY = "plan_preview"  # ((sha256, as_at), PlanPreview)
DONE_KEY = "plan_done"  # the PlanCommitResult to report once
NOTICE_KEY = "plan_notice"  # (kind, sentence) to show once
MONTH_KEY = "plan_as_at"
CONFIRM_KEY = "plan_confirm"
GENERATION_KEY = "plan_uploader_generation_key"  # the page's key that empties its uploader
LOAD_BUTTON = "Load the plan snapshot"
FIRST_MONTH = dt.date(2014, 1, 1)
CHANGE_LABELS = {
    "ref": "Ref",
    "theme": "Theme",
    "action": "Action",
    "change": "Change",
    "before": "Before",
    "after": "After",
}


def is_plan_upload(file_name: str, content: bytes) -> bool:
    """True for a workbook with an `actions` sheet: the page reads it as a plan snapshot."""
    return is_plan_file(file_name, content)


def plan_template_button() -> None:
    """The plan template, beside the figures template."""
    user, store = current_user(), data.store()
    st.download_button(
        "Download the improvement plan template (.xlsx)",
        data=lambda: plan_template_for(user, store),
        file_name=PLAN_TEMPLATE_FILE_NAME,
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/checklist:",
        help="One row per action on its actions sheet; upload it here to load a snapshot of "
        "the improvement plan.",
    )


def month_options(today: dt.date | None = None) -> list[dt.date]:
    """Every month a snapshot may be as at, newest first (none in the future)."""
    last, months = current_month(today), []
    while last >= FIRST_MONTH:
        months.append(last)
        last = add_months(last, -1)
    return months


def _checked(file_name: str, content: bytes) -> PlanCheck | None:
    held = st.session_state.get(CHECK_KEY)
    if held is not None and held.sha256 == sha256_of(content):
        return held
    st.session_state.pop(PREVIEW_KEY, None)
    st.session_state.pop(CONFIRM_KEY, None)
    with st.status("Reading and checking the plan…", expanded=False) as status:
        try:
            check = check_plan(data.store(), current_user(), file_name, content)
        except (StoreBusy, NotAllowed) as err:
            status.update(label="The plan could not be checked", state="error")
            st.error(md(err))
            return None
        if check.ok:
            status.update(label="Checked: every action meets the rules", state="complete")
        else:
            status.update(label="Checked: the plan cannot be loaded", state="error")
    st.session_state[CHECK_KEY] = check
    return check


def _problems(check: PlanCheck) -> None:
    count = len(check.problems)
    st.error(
        f"**{count} problem{'s' if count != 1 else ''} found in {md(check.file_name)}. "
        "Nothing was loaded.** Correct them in your file and upload it again."
    )
    st.dataframe(problems_frame(check.problems), hide_index=True, width="stretch")
    st.download_button(
        "Download the problems as a spreadsheet",
        data=problems_xlsx(check.problems, check.file_name),
        file_name=f"problems-{check.file_name.rsplit('.', 1)[0]}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        key="plan_problems_download",
    )


def _preview(check: PlanCheck, as_at: dt.date) -> PlanPreview | None:
    key = (check.sha256, as_at)
    held = st.session_state.get(PREVIEW_KEY)
    if held is not None and held[0] == key:
        return held[1]
    if check.prepared is None:
        return None
    try:
        preview = preview_for(data.store(), current_user(), check.prepared, as_at)
    except (StoreBusy, NotAllowed) as err:
        st.error(md(err))
        return None
    st.session_state[PREVIEW_KEY] = (key, preview)
    st.session_state.pop(CONFIRM_KEY, None)
    return preview


def _show_preview(preview: PlanPreview) -> None:
    month = long_label(preview.as_at)
    if preview.already_loaded is not None:
        st.info(
            f"This file is identical to plan snapshot {preview.already_loaded}, already loaded "
            f"as at {month}; nothing to do."
        )
        return
    st.subheader("3. Check the preview")
    c = preview.counts
    st.markdown(
        f"Nothing has been saved yet. As at {month} this plan has **{c.complete} of {c.actions} "
        f"actions complete ({percent_text(c.percent_complete)})**, {c.overdue} overdue and "
        f"{c.at_risk_or_off_track} at risk or off track."
    )
    if preview.replaces is not None:
        st.warning(
            f"A snapshot as at {month} is already loaded (snapshot {preview.replaces}). This "
            "one would replace it as a revision; rolling it back would restore the first.",
            icon="🔁",
        )
    compared = (
        f"the snapshot as at {long_label(preview.compared_with)}"
        if preview.compared_with
        else "nothing (this is the first snapshot)"
    )
    st.markdown(f"**Changes compared with {compared}**")
    cols = st.columns(4)
    for col, (label, kind) in zip(
        cols,
        (
            ("New actions", "new"),
            ("Status changes", "status changed"),
            ("Slipped", "slipped"),
            ("Withdrawn", "withdrawn"),
        ),
        strict=True,
    ):
        col.metric(label, preview.count(kind))
    for warning in preview.prepared.warnings:
        st.warning(md(warning), icon="⚠️")
    if not preview.changes.empty:
        st.dataframe(
            preview.changes.rename(columns=CHANGE_LABELS), hide_index=True, width="stretch"
        )
    st.subheader("4. Load the plan")
    ticked = st.checkbox(
        "I have checked the preview and want to load this plan snapshot", key=CONFIRM_KEY
    )
    st.button(
        LOAD_BUTTON,
        type="primary",
        disabled=not ticked,
        on_click=_commit,
        args=(preview.prepared.sha256, preview.as_at),
        key="plan_commit",
    )


def _commit(sha256: str, as_at: dt.date) -> None:
    """Button callback: takes the preview out of session state first, so it commits once."""
    held = st.session_state.get(PREVIEW_KEY)
    if held is None or held[0] != (sha256, as_at):
        return
    del st.session_state[PREVIEW_KEY]
    st.session_state.pop(CONFIRM_KEY, None)
    try:
        result = commit_preview(data.store(), current_user(), held[1])
    except (PlanAlreadyLoaded, StalePreview) as err:
        st.session_state[NOTICE_KEY] = ("warning", str(err))
    except (StoreBusy, NotAllowed) as err:
        st.session_state[NOTICE_KEY] = ("error", str(err))
    else:
        st.session_state[DONE_KEY] = result
        st.session_state.pop(CHECK_KEY, None)
        st.session_state.pop(MONTH_KEY, None)
        generation = st.session_state.get(GENERATION_KEY, "")
        if generation:  # empty the page's uploader
            st.session_state[generation] = st.session_state.get(generation, 0) + 1


def show_plan_done() -> None:
    """After a load: what was stored, and where to see it (shown once)."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        getattr(st, notice[0])(md(notice[1]))
    result: PlanCommitResult | None = st.session_state.pop(DONE_KEY, None)
    if result is None:
        return
    st.success(md(result.summary()), icon="✅")
    try:
        st.page_link(page_handle("plan"), label="See the improvement plan", icon="📌")
    except StreamlitAPIException:  # not in this navigation (a test running the page alone)
        st.markdown("The snapshot is shown on the Improvement plan page.")


def render_plan_upload(file_name: str, content: bytes, generation_key: str) -> None:
    """The plan's steps for an uploaded workbook with an `actions` sheet."""
    st.session_state[GENERATION_KEY] = generation_key
    st.info(
        f"**{md(file_name)} has an `actions` sheet, so it is read as a snapshot of the improvement "
        "plan**, not as the month's figures."
    )
    check = _checked(file_name, content)
    if check is None:
        return
    if check.refused:
        st.error(f"{md(check.refused)}\n\n**Nothing was loaded.**")
        return
    if not check.ok:
        _problems(check)
        return
    as_at = st.selectbox(
        "The month this snapshot is as at",
        month_options(),
        index=None,
        format_func=long_label,
        placeholder="Choose the month",
        key=MONTH_KEY,
        help="The plan's state in that month. A second snapshot for the same month is a "
        "revision of the first.",
    )
    if as_at is None:
        st.caption("Choose the month to see what loading the plan would change.")
        return
    preview = _preview(check, as_at)
    if preview is not None:
        _show_preview(preview)
