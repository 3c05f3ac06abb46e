"""The improvement plan template: an `actions` sheet with the status list as a drop-down.

Generated like the figures template (`etl.outputs.template`), so the statuses and the indicator
codes offered can never drift from the rules `etl.ingest.plan_sheet` applies.

Sheets:
- `instructions`: what each column means, worked examples and the statuses.
- `actions`: the headers and nothing else (an example left here would be loaded as an action).
- `indicators`: the catalogue's codes and names, for the `indicators` column.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.plan import STATUSES
from core.catalogue import Catalogue, catalogue
from core.periods import ACCEPTED_FORMS
from etl.ingest.plan_sheet import ACTIONS_SHEET, PLAN_COLUMNS
from etl.outputs import sheet_style as style

PLAN_TEMPLATE_FILE_NAME = "cyps-improvement-plan-template.xlsx"
TEMPLATE_ROWS = 1000
DATE_FORMAT = "dd/mm/yyyy"
WIDTHS = {"action": 60, "evidence": 40, "indicators": 28, "theme": 28, "lead": 24}
COLUMN_HELP = {
    "ref": "Required. The action's reference, unique in the file (e.g. 2.4). The column is "
    "formatted as text so 2.10 stays 2.10.",
    "theme": "Required. The plan's theme or workstream.",
    "action": "Required. What will be done.",
    "lead": "Required. Who is accountable (a post, not only a name).",
    "due": f"Required. The month the action is due. Accepted: {ACCEPTED_FORMS}.",
    "status": "Required. Choose from the list: " + ", ".join(STATUSES) + ".",
    "completed": "Expected when the status is Complete: the date it was completed.",
    "indicators": "Optional. Codes of the indicators the action should move, separated by "
    "commas (the indicators sheet lists them).",
    "evidence": "Optional. Where the evidence of progress is kept.",
}


def example_rows(cat: Catalogue) -> list[tuple[object, ...]]:
    """Worked examples for the instructions sheet, all valid."""
    codes = cat.codes
    return [
        (
            "1.1",
            "Front door",
            "Daily screening meeting for every contact",
            "Head of MASH",
            dt.date(2015, 9, 1),
            "Complete",
            dt.date(2015, 8, 28),
            ", ".join(codes[1:2]),
            "MASH minutes",
        ),
        (
            "2.4",
            "Workforce",
            "Recruit permanent team managers",
            "Head of HR",
            dt.date(2016, 3, 1),
            "At risk",
            None,
            ", ".join(codes[4:6]),
            "",
        ),
        (
            "3.2",
            "Quality assurance",
            "Monthly case audit programme",
            "Principal social worker",
            dt.date(2016, 6, 1),
            "On track",
            None,
            "",
            "Audit reports",
        ),
    ]


def build_plan_template(cat: Catalogue | None = None) -> bytes:
    """The plan template as .xlsx bytes."""
    cat = cat or catalogue()
    book = Workbook()
    _instructions(book.active, cat)
    _actions(book.create_sheet(ACTIONS_SHEET), cat)
    _indicators(book.create_sheet("indicators"), cat)
    return style.workbook_bytes(book, "CYPS Performance improvement plan template")


def _instructions(ws: Worksheet, cat: Catalogue) -> None:
    ws.title = "instructions"
    ws.column_dimensions["A"].width = 16
    lines: list[tuple[str, Font | None]] = [
        ("How to send a snapshot of the improvement plan", style.TITLE_FONT),
        ("", None),
        ("1. One row per action on the 'actions' sheet, under the headings.", None),
        ("2. ref, theme, action, lead, due and status are required for every action.", None),
        ("3. Choose the status from the drop-down: " + ", ".join(STATUSES) + ".", None),
        (f"4. Write the due month in a form such as {ACCEPTED_FORMS}.", None),
        ("5. For a Complete action, give the date it was completed.", None),
        (
            "6. indicators (optional): the codes of the measures the action should move, "
            "separated by commas; the 'indicators' sheet lists them.",
            None,
        ),
        (
            "7. Keep withdrawn actions in the list with the status Withdrawn: they are not "
            "counted, and the history shows when they were withdrawn.",
            None,
        ),
        (
            "8. Upload the file on the 'Upload figures' page and choose the month the snapshot "
            "is as at. A second snapshot for the same month replaces the first (it can be "
            "rolled back). Nothing is loaded until you confirm the preview.",
            None,
        ),
    ]
    style.write_lines(ws, lines)
    style.write_examples(
        ws,
        len(lines) + 2,
        "Example rows (for the 'actions' sheet)",
        PLAN_COLUMNS,
        example_rows(cat),
        date_format=DATE_FORMAT,
        formats={"due": style.MONTH_FORMAT},
    )


def _actions(ws: Worksheet, cat: Catalogue) -> None:
    style.header_sheet(ws, PLAN_COLUMNS, COLUMN_HELP, WIDTHS, 14)
    letter = {name: get_column_letter(i) for i, name in enumerate(PLAN_COLUMNS, start=1)}
    ws.column_dimensions[letter["ref"]].number_format = "@"  # text, so 2.10 stays 2.10
    style.list_validation(
        ws,
        style.below_header(letter["status"], TEMPLATE_ROWS),
        style.quoted_list(STATUSES),
        title="Status",
        prompt="Choose the action's status from the list.",
        error_title="Not a status",
        error="Choose a status from the list: " + ", ".join(STATUSES) + ".",
    )
    style.prompt_validation(
        ws,
        style.below_header(letter["due"], TEMPLATE_ROWS),
        "Due month",
        f"Accepted: {ACCEPTED_FORMS}",
    )
    style.prompt_validation(
        ws,
        style.below_header(letter["indicators"], TEMPLATE_ROWS),
        "Indicators",
        "Optional: indicator codes separated by commas (see the indicators sheet).",
    )


def _indicators(ws: Worksheet, cat: Catalogue) -> None:
    style.write_header(ws, 1, ("code", "name"))
    for row, ind in enumerate(cat.indicators, start=2):
        ws.cell(row=row, column=1, value=ind.code)
        ws.cell(row=row, column=2, value=ind.name)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 60
    ws.freeze_panes = "A2"
