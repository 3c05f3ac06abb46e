"""The sample as workbooks a director would upload: the long template and a wide scorecard.

Every workbook says on its first sheet that the figures are invented, and is saved
with fixed timestamps so the same data always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from core.catalogue import WHOLE_AUTHORITY, Target, catalogue
from core.periods import financial_year_label, financial_year_start
from etl.ingest.layouts import LONG_COLUMNS
from etl.sample.shape import MONTHS, percent

COLUMNS = list(LONG_COLUMNS)
FIXED_TIME = dt.datetime(2017, 4, 28, 9, 0, 0)  # workbook and zip-entry timestamps
ILLUSTRATIVE = "ILLUSTRATIVE SYNTHETIC DATA — not real figures"
SCORECARD_MONTHS = MONTHS[-3:]


@dataclass(frozen=True)
class Revision:
    """A figure the quarter-four scorecard corrects, and why (told as a council would)."""

    indicator: str
    period: dt.date
    numerator_change: int
    reason: str


REVISIONS = (
    Revision("REREF_12M", dt.date(2017, 1, 1), +1, "one re-referral recorded late"),
    Revision("LAC_OOA", dt.date(2017, 2, 1), -1, "one placement reclassified as in-house"),
)


def _cell(value: object) -> object:
    """A frame value as a worksheet cell: missing or blank becomes an empty cell."""
    if value is None or value is pd.NA or value == "":
        return None
    return int(value) if isinstance(value, np.integer) else value


def _number(code: str, value: float) -> int | float:
    """Counts are written as whole numbers, everything else as a plain float."""
    return int(value) if catalogue().get(code).unit == "count" else float(value)


def _number_format(code: str) -> str:
    return "0" if catalogue().get(code).unit == "count" else "0.0"


def _new_workbook(title: str, about: list[str]) -> Workbook:
    """A workbook whose first sheet says, before anything else, that the data is invented."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "about"
    for line in [ILLUSTRATIVE, *about]:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110
    wb.properties.title = f"CYPS Performance — Illustrative synthetic sample data, {title}"
    wb.properties.creator = "etl/sample"
    return wb


def _about(year: str) -> list[str]:
    return [
        f"Covers {year}. The figures are on the sheet named 'data'.",
        "Invented for demonstrating and testing the CYPS Performance dashboard, shaped on a "
        "few public facts about one council's children's services (see data/sample/README.md).",
        "Made by etl/sample: run `python -m etl.sample` to write it again.",
    ]


def long_workbook(frame: pd.DataFrame, start_year: int) -> Workbook:
    """One financial year in the long layout: the upload template."""
    year = financial_year_label(start_year)
    wb = _new_workbook(year, _about(year))
    sheet = wb.create_sheet("data")
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = frame[frame["period"].map(financial_year_start) == start_year]
    for r in rows.itertuples(index=False):
        cells = [r.indicator, r.period, r.breakdown, _number(r.indicator, r.value)]
        sheet.append([_cell(c) for c in [*cells, r.numerator, r.denominator, r.commentary]])
        sheet.cell(sheet.max_row, 2).number_format = "mmm yyyy"
        sheet.cell(sheet.max_row, 4).number_format = _number_format(r.indicator)
    for column, width in zip("ABCDEFG", (18, 11, 24, 9, 11, 12, 70), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    return wb


def revised_values(frame: pd.DataFrame) -> dict[tuple[str, dt.date], tuple[float, float]]:
    """(indicator, month) -> (value in the long file, value in the scorecard)."""
    changes = {}
    for rev in REVISIONS:
        found = frame[(frame.indicator == rev.indicator) & (frame.period == rev.period)]
        found = found[found.breakdown == WHOLE_AUTHORITY].iloc[0]
        new = percent(int(found.numerator) + rev.numerator_change, int(found.denominator))
        changes[rev.indicator, rev.period] = (float(found.value), new)
    return changes


def _target(code: str, period: dt.date) -> Target | None:
    """The target in force for `period`: the latest one that started on or before it."""
    targets = [
        t
        for t in catalogue().default_targets()
        if t.indicator == code and t.effective_from <= period
    ]
    return max(targets, key=lambda t: t.effective_from, default=None)


def _rag(code: str, value: float, target: Target | None) -> str:
    """Red, amber or green against the target, as the scorecard's RAG column shows it."""
    polarity = catalogue().get(code).polarity
    if polarity == "neither" or target is None:
        return ""
    gap = value - target.target if polarity == "higher" else target.target - value
    return "Green" if gap >= 0 else "Amber" if gap >= -target.amber_tolerance else "Red"


def scorecard_workbook(frame: pd.DataFrame) -> Workbook:
    """January to March 2017 as a wide scorecard, revising two figures from the long file."""
    wb = _new_workbook("scorecard January to March 2017", _about("January to March 2017"))
    sheet = wb.create_sheet("data")
    sheet.append(["CYPS monthly scorecard — ILLUSTRATIVE SAMPLE DATA"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["indicator", *SCORECARD_MONTHS, "Target", "RAG"])
    for column in range(2, 5):
        sheet.cell(3, column).number_format = "mmm yyyy"
    whole = frame[frame.breakdown == WHOLE_AUTHORITY].set_index(["indicator", "period"]).value
    changes = {key: new for key, (_, new) in revised_values(frame).items()}
    for family in catalogue().families:
        # Whole-authority rows only; never a derived rate (refused on upload), nor a figure
        # not due in these months (the population is entered each April).
        shown = [
            i
            for i in catalogue().in_family(family.key)
            if i.breakdown == "none"
            and i.derivation is None
            and all((i.code, m) in whole.index for m in SCORECARD_MONTHS)
        ]
        if not shown:
            continue
        sheet.append([family.title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for ind in shown:
            values = [changes.get((ind.code, m), whole[ind.code, m]) for m in SCORECARD_MONTHS]
            target = _target(ind.code, SCORECARD_MONTHS[-1])
            rag = _rag(ind.code, values[-1], target)
            cells = [_number(ind.code, v) for v in values]
            sheet.append([ind.name, *cells, target and target.target, rag])
            for column in range(2, 5):
                sheet.cell(sheet.max_row, column).number_format = _number_format(ind.code)
    sheet.column_dimensions["A"].width = 48
    return wb


def save(wb: Workbook, path: Path) -> None:
    """Save with fixed timestamps, so the same data always gives the same bytes.

    openpyxl stamps the save time into the document properties and every zip entry;
    both are replaced by FIXED_TIME so a regenerated file shows no spurious change.
    """
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, FIXED_TIME.timetuple()[:6])
            target.writestr(fixed, source.read(entry), zipfile.ZIP_DEFLATED)
