"""The upload template: a workbook generated from the indicator catalogue.

Generated, not hand-kept, so a new indicator in data/indicators.toml appears in
the drop-down and the instructions with no other change, and the template can
never drift from the rules `etl.ingest.validate` applies.

Sheets:
- `instructions`: plain English, with worked example rows and every indicator.
- `data`: the long layout's header and nothing else. The example rows live on
  the instructions sheet on purpose: an example left in `data` would be loaded
  as a real figure, so the data sheet starts empty and a correctly filled
  template always loads.
- `targets`: header only; an empty targets sheet is ignored by the loader.
- `indicators`: the catalogue as a table, the source of the code drop-down.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.catalogue import Catalogue, Indicator, catalogue
from core.periods import ACCEPTED_FORMS
from etl.ingest.cells import MISSING_MARKERS
from etl.ingest.layouts import LONG_COLUMNS
from etl.outputs import sheet_style as style

DATA_COLUMNS = LONG_COLUMNS
TARGET_HEADERS = ("indicator", "effective from", "target", "amber tolerance")
INDICATOR_HEADERS = ("code", "name", "unit", "better", "breakdowns")
# Rows of the data sheet that carry the drop-downs; far more than a month's figures need.
TEMPLATE_ROWS = 5000

COLUMN_HELP = {
    "indicator": "Required. The indicator's code: choose it from the drop-down "
    "(the indicators sheet lists every code with its name).",
    "period": f"Required. The month the figure is for. Accepted forms: {ACCEPTED_FORMS}. "
    "Any day of the month means that month.",
    "breakdown": "Leave empty for the whole authority. For an indicator with breakdowns, "
    "one row per team or distance band (see the instructions sheet).",
    "value": "Required. The figure, as a number. Percentages in percent points: "
    "37.5 for 37.5%. Leave empty or write n/a if there is no figure (never 0).",
    "numerator": "Optional. For percentages and averages: the top of the fraction. "
    "Give both numerator and denominator, or neither.",
    "denominator": "Optional. The bottom of the fraction; must agree with the value.",
    "commentary": "Optional. A short note for this indicator and month; it is shown "
    "under that month's point on the chart. Never name or identify a child.",
}


def build_template(cat: Catalogue | None = None) -> bytes:
    """The template workbook as .xlsx bytes, ready to download or write to disk."""
    cat = cat or catalogue()
    book = Workbook()
    _instructions(book.active, cat)
    _data_sheet(book.create_sheet("data"), cat)
    _targets_sheet(book.create_sheet("targets"), cat)
    _indicators_sheet(book.create_sheet("indicators"), cat)
    return style.workbook_bytes(book, "CYPS Performance upload template")


def breakdown_rule(ind: Indicator, cat: Catalogue) -> str:
    """What the breakdown column must hold for `ind`, in the words a director needs."""
    if ind.breakdown == "none":
        return "none: leave breakdown empty"
    values = cat.breakdown_values.get(ind.breakdown, ())
    label = cat.breakdown_labels.get(ind.breakdown, ind.breakdown).lower()
    if values:
        return f"one row per {label}: " + "; ".join(values)
    return f"one row per {label}, named as your service names them (empty for the total)"


def example_rows(cat: Catalogue) -> list[tuple[object, ...]]:
    """Worked examples, one per kind of indicator the catalogue holds, all valid."""
    month = dt.date(2016, 4, 1)
    rows: list[tuple[object, ...]] = []
    percent = next((i for i in cat.uploadable if i.is_percent and i.breakdown == "none"), None)
    if percent:
        rows.append(
            (percent.code, month, "", 97.5, 195, 200, "Fewer referrals in the school holiday.")
        )
    count = next((i for i in cat.uploadable if i.unit == "count" and i.breakdown == "none"), None)
    if count:
        rows.append((count.code, month, "", 412, "", "", ""))
    banded = next(
        (i for i in cat.uploadable if cat.breakdown_values.get(i.breakdown)),
        None,
    )
    if banded:
        band = cat.breakdown_values[banded.breakdown][0]
        rows.append((banded.code, month, band, 20, "", "", ""))
    missing = next((i for i in cat.uploadable if i.breakdown == "none"), None)
    if missing:
        rows.append((missing.code, dt.date(2016, 5, 1), "", "n/a", "", "", "Not yet available."))
    return rows


def _instructions(ws: Worksheet, cat: Catalogue) -> None:
    ws.title = "instructions"
    ws.column_dimensions["A"].width = 24
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 22
    lines: list[tuple[str, Font | None]] = [
        ("How to send this month's figures", style.TITLE_FONT),
        ("", None),
        ("1. Put one figure per row on the 'data' sheet, under the headings.", None),
        ("2. Choose the indicator from the drop-down in column A.", None),
        (f"3. Write the month in column B. Accepted forms: {ACCEPTED_FORMS}.", None),
        (
            "4. Write the value in column D. Percentages are percent points: write 37.5 "
            "for 37.5% (a cell formatted as a percentage, showing 37.5%, is also fine).",
            None,
        ),
        (
            "5. If there is no figure for a month, leave the value empty or write n/a. "
            "Never write 0 for a missing figure: 0 is a real value.",
            None,
        ),
        (
            "6. Numerator and denominator are optional. If you give them, give both, and "
            "they must agree with the value (195 out of 200 is 97.5%).",
            None,
        ),
        (
            "7. Commentary is optional: a short note for that indicator and month, shown "
            "on the chart. Never name or identify a child.",
            None,
        ),
        (
            "8. Each indicator, month and breakdown may appear only once. Months that have "
            "not started yet are refused.",
            None,
        ),
        (
            "9. Save as .xlsx (or CSV UTF-8) and upload it on the 'Upload figures' page. "
            "You will see every problem at once, or a preview to check before anything "
            "is saved. Nothing is loaded until you confirm.",
            None,
        ),
        (
            "10. To correct a figure already loaded, send it again with the right value: "
            "the preview shows the old and new value. Sending the same file twice changes "
            "nothing.",
            None,
        ),
        (
            "Targets (optional): on the 'targets' sheet, one row per indicator and month the "
            "target applies from, with the target and, if you wish, the amber tolerance "
            "(how far from target still counts as amber). Leave the sheet empty if targets "
            "have not changed.",
            None,
        ),
        (
            "Cells treated as 'no figure': empty, "
            + ", ".join(repr(m) for m in sorted(MISSING_MARKERS) if m)
            + ".",
            None,
        ),
    ]
    style.write_lines(ws, lines)
    row = len(lines) + 2
    examples = example_rows(cat)
    style.write_examples(ws, row, "Example rows (for the 'data' sheet)", DATA_COLUMNS, examples)
    row += len(examples) + 3
    ws.cell(row=row, column=1, value="The indicators").font = style.SECTION_FONT
    style.write_header(ws, row + 1, ("code", "name", "unit", "breakdown"))
    for offset, ind in enumerate(cat.uploadable, start=2):
        unit = "percent points (0 to 100)" if ind.is_percent else ind.unit
        for col, value in enumerate((ind.code, ind.name, unit, breakdown_rule(ind, cat)), start=1):
            ws.cell(row=row + offset, column=col, value=value)
    for line in ws.iter_rows(min_row=3, max_row=len(lines), max_col=1):
        line[0].alignment = Alignment(wrap_text=False)


def _codes(cat: Catalogue) -> str:
    """The drop-down source for indicator codes: the code column of the indicators sheet."""
    return f"=indicators!$A$2:$A${len(cat.uploadable) + 1}"


def _data_sheet(ws: Worksheet, cat: Catalogue) -> None:
    style.header_sheet(ws, DATA_COLUMNS, COLUMN_HELP, {"commentary": 40}, 18)
    ws.column_dimensions["B"].number_format = style.MONTH_FORMAT
    style.list_validation(
        ws,
        style.below_header("A", TEMPLATE_ROWS),
        _codes(cat),
        title="Indicator",
        prompt="Choose the indicator's code from the list.",
        error_title="Not an indicator code",
        error="Choose an indicator code from the list (the indicators sheet lists them all).",
    )
    style.prompt_validation(
        ws, style.below_header("B", TEMPLATE_ROWS), "Month", f"Accepted: {ACCEPTED_FORMS}"
    )
    bands = [v for values in cat.breakdown_values.values() for v in values]
    if bands:
        # No error: team names are the council's own, so any text is allowed.
        style.list_validation(
            ws,
            style.below_header("C", TEMPLATE_ROWS),
            style.quoted_list(bands),
            title="Breakdown",
            prompt="Empty for the whole authority; a distance band or your team's name.",
        )


def _targets_sheet(ws: Worksheet, cat: Catalogue) -> None:
    style.write_header(ws, 1, TARGET_HEADERS)
    for col in range(1, len(TARGET_HEADERS) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 18
    ws.column_dimensions["B"].number_format = style.MONTH_FORMAT
    ws.freeze_panes = "A2"
    style.list_validation(ws, style.below_header("A", TEMPLATE_ROWS), _codes(cat))


def _indicators_sheet(ws: Worksheet, cat: Catalogue) -> None:
    style.write_header(ws, 1, INDICATOR_HEADERS)
    for row, ind in enumerate(cat.uploadable, start=2):
        unit = "percent points (0 to 100)" if ind.is_percent else ind.unit
        values = (ind.code, ind.name, unit, ind.better, breakdown_rule(ind, cat))
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value)
    for letter, width in zip("ABCDE", (20, 52, 26, 40, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def cmd_template(args: argparse.Namespace) -> int:
    """`python -m etl template --output PATH`: write the current template."""
    path = Path(args.output)
    path.write_bytes(build_template())
    print(f"Template written to {path} ({len(catalogue().uploadable)} indicators).")
    return 0
