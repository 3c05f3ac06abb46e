"""Sheet furniture shared by the generated templates: headings, instructions, drop-downs.

The figures template (`etl.outputs.template`) and the plan template (`etl.outputs.plan_template`)
are filled in by the same people, so their headings, instructions and drop-downs look and behave
alike; keeping the styling and the data-validation plumbing here means a change to one (a colour,
Excel's prompt limit) reaches both.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
MONTH_FORMAT = "mmm yyyy"
HELP_AUTHOR = "CYPS Performance"
# Excel refuses a data-validation prompt longer than this.
PROMPT_LIMIT = 255


def workbook_bytes(book: Workbook, title: str) -> bytes:
    """The finished workbook as .xlsx bytes: titled, opening on its first (instructions) sheet."""
    book.active = 0
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_header(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    """Write `headers` across `row` in the bold, shaded heading style."""
    for col, name in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL


def header_sheet(
    ws: Worksheet,
    headers: Sequence[str],
    help_text: Mapping[str, str],
    widths: Mapping[str, float],
    default_width: float,
) -> None:
    """Start a sheet to be filled in: headings, each with its help as a note, and a frozen top.

    The note on each heading is where someone filling the sheet in looks first, so every
    column must have one: a heading missing from `help_text` raises KeyError at generation.
    """
    write_header(ws, 1, headers)
    for col, name in enumerate(headers, start=1):
        ws.cell(row=1, column=col).comment = Comment(help_text[name], HELP_AUTHOR)
        ws.column_dimensions[get_column_letter(col)].width = widths.get(name, default_width)
    ws.freeze_panes = "A2"


def write_lines(ws: Worksheet, lines: Sequence[tuple[str, Font | None]]) -> None:
    """Write the instruction lines down column A from row 1, each in its font (or the default)."""
    for row, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        if font:
            cell.font = font


def write_examples(
    ws: Worksheet,
    row: int,
    title: str,
    headers: Sequence[str],
    examples: Iterable[Sequence[object]],
    date_format: str = MONTH_FORMAT,
    formats: Mapping[str, str] | None = None,
) -> None:
    """Write a titled block of worked examples: the title at `row`, headings, then the rows.

    Dates take `date_format` unless `formats` names another for their column's heading, so a
    month column reads as a month and a day column as a day.
    """
    ws.cell(row=row, column=1, value=title).font = SECTION_FONT
    write_header(ws, row + 1, headers)
    for offset, example in enumerate(examples, start=2):
        for col, value in enumerate(example, start=1):
            cell = ws.cell(row=row + offset, column=col, value=value)
            if isinstance(value, dt.date):
                cell.number_format = (formats or {}).get(headers[col - 1], date_format)


def below_header(column: str, rows: int) -> str:
    """The cell range of `rows` rows in `column` under a one-row heading, e.g. A2:A1001."""
    return f"{column}2:{column}{rows + 1}"


def quoted_list(values: Iterable[str]) -> str:
    """A drop-down formula listing `values` themselves rather than pointing at a range."""
    return '"' + ",".join(values) + '"'


def list_validation(
    ws: Worksheet,
    cells: str,
    formula: str,
    *,
    title: str | None = None,
    prompt: str | None = None,
    error_title: str | None = None,
    error: str | None = None,
) -> DataValidation:
    """Add a drop-down to `cells` offering `formula` (a range, or a `quoted_list`).

    With an `error`, Excel refuses anything off the list; without one, the list only suggests
    (for example team names, which are the council's own). A `title` and `prompt` show when
    the cell is selected.
    """
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    if error is not None:
        validation.showErrorMessage = True
        validation.errorTitle = error_title
        validation.error = error
    _prompt(validation, title, prompt)
    validation.add(cells)
    ws.add_data_validation(validation)
    return validation


def prompt_validation(ws: Worksheet, cells: str, title: str, prompt: str) -> DataValidation:
    """Add a prompt shown when one of `cells` is selected, restricting nothing."""
    validation = DataValidation(allow_blank=True)
    _prompt(validation, title, prompt)
    validation.add(cells)
    ws.add_data_validation(validation)
    return validation


def _prompt(validation: DataValidation, title: str | None, prompt: str | None) -> None:
    if prompt is None:
        return
    validation.promptTitle = title
    validation.prompt = prompt[:PROMPT_LIMIT]
    validation.showInputMessage = True
