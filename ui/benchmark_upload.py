"""The upload page's comparators section: DfE published files and the council's own comparators.

The same loader as `python -m etl benchmarks load FILE...` (`etl.store.benchmark_releases`), given
the uploaded bytes, so the page and the command line reach the same verdict on the same file.
`load_benchmarks` is the action: it calls `require` itself and writes nothing for a file it
refuses. The rest only lays out what it returns.

A `comparators` sheet inside a monthly workbook is never loaded with the figures: the figures
are one submission (`etl.ingest.load`, one transaction), comparators are a benchmark release
of their own. The page says the sheet is there and offers to load it here, through the same action.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
import python_calamine
import streamlit as st

from core.roles import NotAllowed, User, require
from etl.benchmarks.dfe_files import COMPARATOR_HEADER, COMPARATORS_SHEET, KIND_DESCRIPTIONS
from etl.benchmarks.releases import LoadResult, load_bytes
from etl.ingest.filecheck import ZIP_SIGNATURE
from etl.ingest.filecheck import sniff_kind as check_upload_file
from etl.ingest.problems import FileRefused
from etl.store.audit import log
from etl.store.benchmark_releases import releases
from etl.store.database import Store, StoreBusy, record_event
from presentation.markup import md
from ui import cached as data
from ui.access import current_user

ACTION = "benchmarks_load"  # the audit log's name for this action
RESULTS_KEY = "benchmark_results"  # the outcomes of the last load, shown once
GENERATION_KEY = "benchmark_generation"  # bumped to empty the uploader after a load


@dataclass(frozen=True)
class BenchmarkOutcome:
    """One file's verdict: its summary line, or the sentence saying why it was refused."""

    file_name: str
    status: str  # 'loaded' | 'no change' | 'already loaded' | 'refused' | 'busy'
    message: str
    result: LoadResult | None = None


def load_benchmarks(
    store: Store, user: User | None, files: list[tuple[str, bytes]]
) -> list[BenchmarkOutcome]:
    """Load each (name, bytes) as a benchmark release; a bad file does not stop the others.

    Each file is its own transaction and its own audit event (`benchmarks_load`), like each
    file named on the command line.
    """
    user = require(user, "load_benchmarks")
    return [_load_one(store, user, name, content) for name, content in files]


def _load_one(store: Store, user: User, name: str, content: bytes) -> BenchmarkOutcome:
    """Load one file; its audit event is written in the same transaction as its release."""
    try:
        try:
            check_upload_file(name, content)  # empty, too large, not a spreadsheet
            with store.writing() as con:
                result = load_bytes(con, name, content, user=user.audit_name, own_transaction=False)
                record_event(con, user.audit_name, ACTION, *_event(result), user.role)
        except (FileRefused, ValueError) as err:  # BenchmarkFileError is a FileRefused
            log(store, user.audit_name, ACTION, "refused", {"file": name, "reason": str(err)},
                user.role)  # fmt: skip
            return BenchmarkOutcome(name, "refused", f"{name}: refused, nothing was loaded: {err}")
    except StoreBusy as err:
        return BenchmarkOutcome(name, "busy", str(err))
    return BenchmarkOutcome(name, result.status, result.summary(), result)


def _event(result: LoadResult) -> tuple[str, dict]:
    """(outcome, detail) of the audit event: loaded, no_change or already_loaded."""
    return result.status.replace(" ", "_"), {
        "file": result.file_name,
        "kind": result.file_kind,
        "release": result.release_id,
        "rows_read": result.rows_read,
        "added": result.rows_added,
        "revised": result.rows_changed,
    }


def loaded_releases(store: Store) -> pd.DataFrame:
    """The benchmark releases loaded so far, newest first, in words for the page."""
    with store.connect() as con:
        frame = releases(con)
    return pd.DataFrame(
        {
            "Release": frame["id"],
            "File": frame["file_name"],
            "Kind": frame["file_kind"].map(lambda k: KIND_DESCRIPTIONS.get(k, k)),
            "Loaded": frame["loaded_at"],
            "By": frame["loaded_by"],
            "Rows read": frame["rows_read"],
            "Added": frame["rows_added"],
            "Revised": frame["rows_changed"],
        }
    )


def has_comparators_sheet(name: str, content: bytes) -> bool:
    """True for a workbook with a sheet named 'comparators' (any case)."""
    if not content.startswith(ZIP_SIGNATURE):
        return False
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # an unreadable workbook is the monthly check's to explain
        return False
    return any(s.strip().lower() == COMPARATORS_SHEET for s in book.sheet_names)


# --- layout ----------------------------------------------------------------------------------


def _load(files: list[tuple[str, bytes]]) -> None:
    """Button callback: runs once per click, before the page is drawn again."""
    try:
        outcomes = load_benchmarks(data.store(), current_user(), files)
    except NotAllowed as err:
        outcomes = [BenchmarkOutcome("", "refused", str(err))]
    st.session_state[RESULTS_KEY] = outcomes
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1


def _show(outcome: BenchmarkOutcome) -> None:
    if outcome.status == "loaded":
        st.success(md(outcome.message), icon="✅")
    elif outcome.status in ("no change", "already loaded"):
        st.info(md(outcome.message))
    else:
        st.error(md(outcome.message))


def comparators_sheet_notice(name: str, content: bytes) -> None:
    """Under the monthly upload: the workbook's comparators sheet is not part of the figures."""
    if not has_comparators_sheet(name, content):
        return
    st.info(
        f"**{md(name)} also has a `comparators` sheet.** Comparators are not part of the month's "
        "figures: loading the figures never loads them, and loading them changes no figure. "
        "They are checked and kept as a benchmark release of their own."
    )
    st.button(
        "Load the comparators sheet",
        on_click=_load,
        args=([(name, content)],),
        key="benchmark_load_sheet",
        icon=":material/compare_arrows:",
    )


def render_section() -> None:
    """The comparators section of the upload page (the page has already checked the role)."""
    outcomes = st.session_state.pop(RESULTS_KEY, None)
    with st.expander(
        "National comparators (DfE published files) and the council's own comparators",
        expanded=outcomes is not None,
        icon=":material/compare_arrows:",
    ):
        st.markdown(
            "Annual figures drawn as reference lines on the charts. Upload the DfE's files "
            "**exactly as published** (tidy open data CSVs, the LAIT extract, legacy SFR tables, "
            "statistical-neighbour models), or the council's own **comparators file** for "
            "figures the DfE does not publish: columns "
            f"{', '.join(f'`{c}`' for c in COMPARATOR_HEADER)}, one figure per row "
            "(a CSV, or a workbook with a `comparators` sheet). Each file is a release of its "
            "own; a revised figure never hides the one it replaced, and the same file twice "
            "adds nothing."
        )
        for outcome in outcomes or []:
            _show(outcome)
        uploaded = st.file_uploader(
            "Choose DfE files or a comparators file (.csv or .xlsx)",
            type=["csv", "xlsx"],
            accept_multiple_files=True,
            key=f"benchmark_files_{st.session_state.get(GENERATION_KEY, 0)}",
        )
        if uploaded:
            files = [(f.name, f.getvalue()) for f in uploaded]
            st.button(
                f"Load {len(files)} file{'s' if len(files) != 1 else ''}",
                type="primary",
                on_click=_load,
                args=(files,),
                key="benchmark_load",
            )
        st.markdown("**Releases loaded**")
        try:
            table = loaded_releases(data.store())
        except StoreBusy as err:
            st.warning(md(err))
            return
        if table.empty:
            st.caption("No benchmark files loaded yet.")
        else:
            st.dataframe(table, hide_index=True, width="stretch")
