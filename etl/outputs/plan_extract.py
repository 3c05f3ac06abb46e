"""An officer's extract of the improvement plan's actions, as CSV or Excel, safe to open.

The plan page's download and `python -m etl plan actions` both call `plan_download`, so the same
month and statuses give the same rows. Text that a spreadsheet would run as a formula is
neutralised (`etl.outputs.export_safety`), and every extract is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from analysis.plan import ACTION_COLUMNS, action_list, overdue_mask, snapshot_month, state_at
from core.errors import CypsError, Kind
from core.periods import format_period, long_label
from etl.ingest.plan_sheet import STATUS_LIST, status_of
from etl.outputs.export_safety import neutralise_frame
from etl.outputs.extract_files import FORMATS, Download
from etl.store.audit import log_extract
from etl.store.database import Store
from etl.store.plan_snapshots import live_actions

# The plan's own columns (analysis.plan), with the snapshot's month first and "overdue" beside
# the status it qualifies: a column added to the plan reaches the extract with no other change.
_AFTER_STATUS = ACTION_COLUMNS.index("status") + 1
EXTRACT_COLUMNS = [
    "as_at",
    *ACTION_COLUMNS[:_AFTER_STATUS],
    "overdue",
    *ACTION_COLUMNS[_AFTER_STATUS:],
]


class NoPlan(CypsError, LookupError):
    """There is no plan snapshot as early as the month asked for; the message says so."""

    kind = Kind.NOT_FOUND


class UnknownStatus(CypsError, ValueError):
    """A status filter that is not one of the statuses."""

    kind = Kind.INVALID_REQUEST


def statuses_from(values: Sequence[str]) -> list[str]:
    """Status names as typed (any case), each checked; UnknownStatus names a wrong one."""
    chosen = []
    for value in values:
        status = status_of(value)
        if status is None:
            raise UnknownStatus(f"'{value}' is not a status; choose from: {STATUS_LIST}.")
        chosen.append(status)
    return chosen


def plan_state(store: Store, as_at: dt.date | None = None) -> tuple[pd.DataFrame, dt.date, dt.date]:
    """The actions in force at `as_at` (default: the latest snapshot's month), that month, and
    the month of the snapshot they come from. Raises NoPlan when no snapshot is that early."""
    every = live_actions(store)
    if every.empty:
        raise NoPlan("No improvement plan snapshot has been loaded yet.")
    month = as_at or max(every["as_at"])
    snapshot = snapshot_month(set(every["as_at"]), month)
    if snapshot is None:
        raise NoPlan(f"The first improvement plan snapshot is later than {long_label(month)}.")
    return state_at(every, month), month, snapshot


def plan_rows(
    store: Store, as_at: dt.date | None = None, statuses: Sequence[str] = ()
) -> tuple[pd.DataFrame, dt.date]:
    """The actions in force at `as_at` (default: the latest snapshot), filtered by status,
    as the extract's rows, and the month they are as at."""
    actions, month, _snapshot = plan_state(store, as_at)
    ordered = actions.sort_values("row", kind="stable")
    listed = action_list(ordered)
    listed["overdue"] = ["yes" if late else "no" for late in overdue_mask(ordered, month)]
    if statuses:
        listed = listed[listed["status"].isin(list(statuses))]
    listed.insert(0, "as_at", format_period(month))
    listed["due"] = [format_period(d) for d in listed["due"]]
    listed["completed"] = [f"{d:%Y-%m-%d}" if d is not None else "" for d in listed["completed"]]
    return listed[EXTRACT_COLUMNS].reset_index(drop=True), month


def _csv(frame: pd.DataFrame) -> bytes:
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def _xlsx(frame: pd.DataFrame, month: dt.date, statuses: Sequence[str]) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "actions"
    which = f" ({', '.join(statuses)})" if statuses else ""
    ws.append([f"Improvement plan actions{which}, as at {long_label(month)}."])
    ws["A1"].font = Font(bold=True)
    ws.append(list(frame.columns))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for record in neutralise_frame(frame).itertuples(index=False):
        ws.append(list(record))
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text says
    for letter, width in zip("ABCDEFGHIJK", (9, 8, 24, 60, 24, 9, 12, 9, 12, 24, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan_download(
    store: Store,
    as_at: dt.date | None,
    statuses: Sequence[str],
    file_format: str,
    user: str,
    via: str,
    role: str | None = None,
) -> Download:
    """The action list as a file, recorded in the audit log as an extract."""
    frame, month = plan_rows(store, as_at, statuses)
    content = _csv(frame) if file_format == "csv" else _xlsx(frame, month, statuses)
    name = f"cyps-improvement-plan-{month:%Y-%m}.{file_format}"
    log_extract(
        store,
        user,
        "plan actions",
        len(frame),
        file_format,
        role,
        {"as_at": format_period(month), "statuses": list(statuses), "via": via},
    )
    return Download(name, content, FORMATS[file_format], len(frame))
