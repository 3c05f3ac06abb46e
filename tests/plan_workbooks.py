"""Improvement plan workbooks for tests, written the way a director's Excel would write them.

`SNAPSHOT_JAN_2016` and `SNAPSHOT_APR_2016` are the hand-counted plan of the `plan status`
tests: two themes, a withdrawn action, an action due in the month itself, an action that slips,
one withdrawn later and one added later (the expected counts are written out in those tests).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import openpyxl

from etl.ingest.plan_sheet import PLAN_COLUMNS

HEADER = list(PLAN_COLUMNS)
D = dt.date

# ref, theme, action, lead, due, status, completed, indicators, evidence
SNAPSHOT_JAN_2016 = [
    ("1", "Alpha", "a1", "Lead A", D(2015, 11, 1), "Complete", D(2015, 11, 20), "REF_24H", ""),
    ("2", "Alpha", "a2", "Lead A", D(2015, 12, 1), "On track", None, "", ""),
    ("3", "Alpha", "a3", "Lead A", D(2016, 1, 1), "At risk", None, "REF_24H, REREF_12M", ""),
    ("4", "Alpha", "a4", "Lead A", D(2015, 10, 1), "Withdrawn", None, "", ""),
    ("5", "Beta", "b1", "Lead B", D(2016, 3, 1), "Off track", None, "", ""),
    ("6", "Beta", "b2", "Lead B", D(2015, 12, 1), "Complete", None, "", ""),
    ("7", "Beta", "b3", "Lead B", D(2015, 9, 1), "Not started", None, "", ""),
]
SNAPSHOT_APR_2016 = [
    ("1", "Alpha", "a1", "Lead A", D(2015, 11, 1), "Complete", D(2015, 11, 20), "REF_24H", ""),
    ("2", "Alpha", "a2", "Lead A", D(2015, 12, 1), "Complete", D(2016, 2, 10), "", ""),
    ("3", "Alpha", "a3", "Lead A", D(2016, 4, 1), "At risk", None, "REF_24H, REREF_12M", ""),
    ("4", "Alpha", "a4", "Lead A", D(2015, 10, 1), "Withdrawn", None, "", ""),
    ("5", "Beta", "b1", "Lead B", D(2016, 3, 1), "Off track", None, "", ""),
    ("6", "Beta", "b2", "Lead B", D(2015, 12, 1), "Complete", D(2015, 12, 15), "", ""),
    ("7", "Beta", "b3", "Lead B", D(2015, 9, 1), "Withdrawn", None, "", ""),
    ("8", "Beta", "b4", "Lead B", D(2016, 6, 1), "On track", None, "", ""),
]


def plan_xlsx(
    rows: Sequence[Sequence[object]],
    header: Sequence[str] = HEADER,
    sheet: str = "actions",
    state: str = "visible",
) -> bytes:
    """A workbook whose `sheet` holds `header` then `rows` (dates formatted as Excel would)."""
    book = openpyxl.Workbook()
    about = book.active
    about.title = "about"
    about.append(["A plan written by a test."])
    ws = book.create_sheet(sheet)
    ws.sheet_state = state
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed with a leading quote, not a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
