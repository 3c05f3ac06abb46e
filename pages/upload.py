"""Upload figures (directors): template, upload, problems or preview, then confirm; and,
in a section of its own, the annual comparators (`ui.benchmark_upload`).

Nothing is written until the director ticks the confirmation and presses the
button. The checked file is held in session state under its sha256, and is
taken out before committing, so a double click, a refresh or a second director
loading at the same moment can never load a file twice: `commit` also refuses
a file already loaded and a preview that another submission has made stale.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core.roles import NotAllowed
from core.settings import upload_limits
from etl.ingest.load import AlreadyLoaded, CommitResult, Preview, StalePreview
from etl.store.database import StoreBusy
from presentation.markup import md
from ui import cached as data
from ui.access import current_user
from ui.benchmark_upload import comparators_sheet_notice, render_section
from ui.frame import in_frame
from ui.navigation import page_handle
from ui.plan_upload import is_plan_upload, plan_template_button, render_plan_upload, show_plan_done
from ui.upload_flow import (
    TEMPLATE_FILE_NAME,
    XLSX_MIME,
    UploadCheck,
    affected_families,
    check_upload,
    commit_upload,
    just_loaded,
    sha256_of,
    template_for,
)
from ui.upload_tables import (
    PROBLEM_COLUMNS,
    SHOW_ALL,
    SHOW_CHOICES,
    WARNING_COLUMN,
    changed_values,
    choice_label,
    counts_by_indicator,
    figures_to_load,
    problems_frame,
    problems_xlsx,
    shown_figures,
    target_changes,
    wrapped_row_height,
)

FIX_COLUMN = PROBLEM_COLUMNS["message"]  # the longest text on the page: given the most room
CHECK_KEY = "upload_check"  # the UploadCheck of the file on screen
DONE_KEY = "upload_done"  # the CommitResult to report after a commit
NOTICE_KEY = "upload_notice"  # (kind, sentence) to show once, e.g. a refused commit
UPLOADER_GENERATION = "upload_generation"  # bumped to empty the uploader after a commit
CONFIRM_KEY = "upload_confirm"


def _limit_mb() -> int:
    return int(upload_limits().max_file_bytes // (1024 * 1024))


def _template_section() -> None:
    st.subheader("1. Get the template")
    st.markdown(
        "The template lists every indicator, the month formats accepted and worked examples. "
        "Fill in the **data** sheet (and the **targets** sheet if targets have changed)."
    )
    user = current_user()
    store = data.store()
    st.download_button(
        "Download the upload template (.xlsx)",
        data=lambda: template_for(user, store),
        file_name=TEMPLATE_FILE_NAME,
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
    )
    plan_template_button()  # an improvement plan snapshot is uploaded here too


def _checked(file_name: str, content: bytes) -> UploadCheck | None:
    """The check of this exact file, from session state or done now with visible progress."""
    sha = sha256_of(content)
    held = st.session_state.get(CHECK_KEY)
    if held is not None and held.sha256 == sha:
        return held
    st.session_state.pop(CHECK_KEY, None)
    st.session_state.pop(CONFIRM_KEY, None)
    with st.status("Reading and checking your file…", expanded=True) as status:
        try:
            check = check_upload(
                data.store(), current_user(), file_name, content, lambda m: st.write(md(m))
            )
        except (StoreBusy, NotAllowed) as err:
            status.update(label="The file could not be checked", state="error")
            st.error(md(err))
            return None
        if check.ok:
            status.update(label="Checked: every rule is met", state="complete", expanded=False)
        else:
            status.update(label="Checked: the file cannot be loaded", state="error")
    st.session_state[CHECK_KEY] = check
    return check


def _show_refusal(check: UploadCheck) -> None:
    st.error(f"{md(check.refused)}\n\n**Nothing was loaded.**")


def _show_problems(check: UploadCheck) -> None:
    count = len(check.problems)
    st.error(
        f"**{count} problem{'s' if count != 1 else ''} found in {md(check.file_name)}. "
        "Nothing was loaded.** Correct them in your file and upload it again."
    )
    problems = problems_frame(check.problems)
    st.dataframe(  # rows tall enough that every fix is read in full, wrapped
        problems,
        hide_index=True,
        width="stretch",
        row_height=wrapped_row_height(problems[FIX_COLUMN]),
        column_config={FIX_COLUMN: st.column_config.TextColumn(FIX_COLUMN, width="large")},
    )
    st.download_button(
        "Download the problems as a spreadsheet",
        data=problems_xlsx(check.problems, check.file_name),
        file_name=f"problems-{check.file_name.rsplit('.', 1)[0]}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
    )


def _show_preview(check: UploadCheck) -> None:
    preview = check.preview
    if preview.already_loaded is not None:
        last = just_loaded(data.store(), preview.already_loaded, current_user())
        if last is not None:  # loaded moments ago: a quick second click, or the same file again
            _show_done(last, again=True)
            return
        st.info(f"This file is identical to submission {preview.already_loaded}; nothing to do.")
        return
    if not preview.changes_anything:
        st.info(
            "Every figure and target in this file matches what is already loaded; nothing to do."
        )
        return
    st.subheader("3. Check the preview")
    st.markdown("Nothing has been saved yet. This is what loading the file would do:")
    st.text(preview.prepared.read_from)  # plain text: the sheet name comes from the file
    cols = st.columns(4)
    cols[0].metric("New values", preview.count("new"))
    cols[1].metric("Changed values", preview.count("changed"))
    cols[2].metric("Unchanged values", preview.count("unchanged"))
    cols[3].metric("Targets set or changed", preview.targets_changed)
    if preview.count("details"):
        st.caption(
            f"{preview.count('details')} figure(s) keep their value but gain a note, "
            "numerator or denominator."
        )
    if preview.warnings:
        st.markdown("**Worth a second look** (these do not stop the load):")
        for warning in preview.warnings:
            st.warning(md(warning), icon="⚠️")
    st.markdown("**Figures by indicator**")
    st.dataframe(counts_by_indicator(preview), hide_index=True, width="stretch")
    _figures_listed(preview)
    if preview.count("changed"):
        st.markdown("**Values that would change**")
        st.dataframe(changed_values(preview), hide_index=True, width="stretch")
    if preview.targets_changed:
        st.markdown("**Targets that would be set or changed**")
        st.dataframe(target_changes(preview), hide_index=True, width="stretch")
    _confirm(check)


def _figures_listed(preview: Preview) -> None:
    """Every new and changed figure, old → new, the status it will have and any warning,
    with a filter for all, new, changed or warned-about figures (each with its count)."""
    in_force = data.targets(str(data.store().path), data.version())
    every = figures_to_load(preview, in_force)
    if every.empty:
        return
    st.markdown("**Every new and changed figure, and the status it will have**")
    shown = st.segmented_control(
        "Show",
        SHOW_CHOICES,
        default=SHOW_ALL,
        format_func=lambda choice: choice_label(every, choice),
        key="upload_figures_filter",
    )
    table = shown_figures(every, shown)
    warned = bool((every[WARNING_COLUMN] != "").any())
    st.dataframe(
        table if warned else table.drop(columns=WARNING_COLUMN),
        hide_index=True,
        width="stretch",
        row_height=wrapped_row_height(table[WARNING_COLUMN], chars_per_line=40),
        column_config={WARNING_COLUMN: st.column_config.TextColumn(WARNING_COLUMN, width="large")},
    )


def _confirm(check: UploadCheck) -> None:
    st.subheader("4. Load the figures")
    ticked = st.checkbox(
        "I have checked the preview and want to load these figures", key=CONFIRM_KEY
    )
    st.button(
        "Load the figures",
        type="primary",
        disabled=not ticked,
        on_click=_commit,
        args=(check.sha256,),
        key="upload_commit",
    )


def _commit(sha256: str) -> None:
    """Runs once per click, before the page is drawn again.

    The check is taken out of session state first, so a second click (or a
    rerun) finds nothing to commit; `commit` refuses duplicates in any case.
    """
    check = st.session_state.get(CHECK_KEY)
    if check is None or check.sha256 != sha256 or check.preview is None:
        return
    del st.session_state[CHECK_KEY]
    try:
        result = commit_upload(data.store(), current_user(), check.preview)
    except AlreadyLoaded as err:
        st.session_state[NOTICE_KEY] = ("info", str(err))
    except StalePreview as err:
        st.session_state[NOTICE_KEY] = ("warning", str(err))  # the file is checked again
    except StoreBusy as err:
        st.session_state[CHECK_KEY] = check  # nothing happened: let them try again
        st.session_state[NOTICE_KEY] = ("error", str(err))
    except NotAllowed as err:
        st.session_state[NOTICE_KEY] = ("error", str(err))
    else:
        st.session_state[DONE_KEY] = result
        st.session_state[UPLOADER_GENERATION] = st.session_state.get(UPLOADER_GENERATION, 0) + 1
    st.session_state.pop(CONFIRM_KEY, None)


def _show_done(result: CommitResult, again: bool = False) -> None:
    if result.submission_id is None:
        st.info(md(result.summary()))
        return
    repeat = " Loading the same file again would change nothing." if again else ""
    st.success(md(result.summary()) + repeat, icon="✅")
    families = affected_families(result.indicators)
    if families:
        st.markdown("See the charts affected:")
        for family in families:
            _family_link(family.title, family.url_path)
    try:
        st.page_link("pages/history.py", label="Submission history (and rollback)", icon="🕘")
    except StreamlitAPIException:
        st.markdown("The submission is listed on the Submission history page.")


def _family_link(title: str, url_path: str) -> None:
    page = page_handle(url_path)
    try:
        st.page_link(page, label=title, icon="📈")
    except StreamlitAPIException:  # not in this navigation (a test running the page alone)
        st.markdown(f"- {title}")


def _show_notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        kind, text = notice
        getattr(st, kind)(text)


def _figures_section() -> None:
    _template_section()
    st.subheader("2. Upload your file")
    _show_notice()
    done = st.session_state.pop(DONE_KEY, None)
    if done is not None:
        _show_done(done)
    show_plan_done()
    limit = _limit_mb()
    uploaded = st.file_uploader(
        "Choose the spreadsheet with the month's figures (.xlsx or .csv)",
        type=["xlsx", "csv"],
        max_upload_size=limit,
        key=f"upload_file_{st.session_state.get(UPLOADER_GENERATION, 0)}",
        help=f"Largest file accepted: {limit} MB.",
    )
    st.caption(f"An Excel workbook or a CSV file saved as UTF-8, up to {limit} MB.")
    if uploaded is None:
        st.session_state.pop(CHECK_KEY, None)
        return
    content = uploaded.getvalue()
    if is_plan_upload(uploaded.name, content):  # an `actions` sheet: the improvement plan
        st.session_state.pop(CHECK_KEY, None)
        render_plan_upload(uploaded.name, content, UPLOADER_GENERATION)
        return
    check = _checked(uploaded.name, content)
    comparators_sheet_notice(uploaded.name, content)
    if check is not None:
        if check.refused:
            _show_refusal(check)
        elif not check.ok:
            _show_problems(check)
        else:
            _show_preview(check)


def render() -> None:
    in_frame()  # the guard has let a director in
    _figures_section()
    st.divider()
    render_section()


render()
