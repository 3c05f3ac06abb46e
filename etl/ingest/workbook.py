"""Read an uploaded file into plain grids of cell values, one per sheet, only when asked.

python-calamine reads the values (about ten times faster than openpyxl). It
reads a sheet as one dense grid from A1 to the last used cell, so a stray cell
at AZ1048576 costs gigabytes and XFD1048576 aborts the whole process: each
sheet's layout is therefore scanned from its XML first (`xlsx_parts`), and a
sheet whose used range passes `[workbook] max_cells_per_sheet` in
data/settings.toml is refused before the reader is asked for it. The same scan
finds percentage formats and unsaved formulas, which the reader does not report.
Only the sheets a caller asks for are read, and hidden sheets are listed but
never handed out by name.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast
from xml.parsers.expat import ExpatError

import python_calamine
from defusedxml import DefusedXmlException

from core.settings import settings
from etl.ingest.problems import FileRefused
from etl.ingest.xlsx_parts import SheetPart, percent_styles, scan_sheet, sheet_parts


@dataclass
class Sheet:
    """One sheet's cells; `rows[0]` is Excel row 1 and `rows[r][0]` column A."""

    name: str
    rows: list[list[object]]
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (row0, col0)
    unsaved_formulas: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Workbook:
    """A file's sheets, listed in order with their visibility, each read on first request."""

    name: str
    kind: str  # 'xlsx' or 'csv'
    parts: list[SheetPart]
    _read: Callable[[SheetPart], Sheet] = field(repr=False)
    _cache: dict[str, Sheet] = field(default_factory=dict, repr=False)

    def part(self, wanted: str) -> SheetPart | None:
        """The first sheet named `wanted` (case and outer spaces ignored), hidden or not."""
        return next((p for p in self.parts if p.name.strip().lower() == wanted), None)

    def read(self, part: SheetPart) -> Sheet:
        """The sheet's cells (read once); FileRefused if its used range is too large."""
        if part.name not in self._cache:
            self._cache[part.name] = self._read(part)
        return self._cache[part.name]

    def sheet(self, wanted: str) -> Sheet | None:
        """The visible sheet named `wanted`, read; None if there is none."""
        part = self.part(wanted)
        return self.read(part) if part is not None and part.visible else None

    @property
    def sheets(self) -> list[Sheet]:
        """Every visible sheet, read."""
        return [self.read(p) for p in self.parts if p.visible]


def max_cells_per_sheet() -> int:
    return int(settings()["workbook"]["max_cells_per_sheet"])


def read_workbook(name: str, content: bytes, kind: str, max_cells: int | None = None) -> Workbook:
    if kind == "csv":
        sheet = _read_csv(name, content)
        return Workbook(name, kind, [SheetPart(name, None)], lambda _part: sheet)
    return _open_xlsx(name, content, max_cells or max_cells_per_sheet())


def _read_csv(name: str, content: bytes) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            f"'{name}' is not saved as UTF-8 text. In Excel choose Save As, "
            "'CSV UTF-8 (Comma delimited)', or upload the .xlsx instead."
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return Sheet(name=name, rows=rows)


def _damaged(name: str, err: Exception) -> FileRefused:
    return FileRefused(
        f"'{name}' could not be read as an Excel workbook ({type(err).__name__}). "
        "Open it in Excel, save it again as .xlsx and upload the new file."
    )


def _open_xlsx(name: str, content: bytes, max_cells: int) -> Workbook:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = sheet_parts(archive)
        percent = percent_styles(archive)
    except (KeyError, ExpatError, DefusedXmlException, zipfile.BadZipFile, ValueError) as err:
        raise _damaged(name, err) from None
    book: list[python_calamine.CalamineWorkbook] = []

    def read(part: SheetPart) -> Sheet:
        if part.path is None or part.path not in archive.namelist():
            raise FileRefused(
                f"'{name}' does not say where its sheet '{part.name}' is stored. Open it in "
                "Excel, save it again as .xlsx and upload the new file."
            )
        try:
            with archive.open(part.path) as source:
                scan = scan_sheet(source, percent, max_cells)
        except (ExpatError, DefusedXmlException, ValueError) as err:
            raise _damaged(name, err) from None
        if scan.too_large:
            raise FileRefused(
                f"The sheet '{part.name}' in '{name}' reaches cell {scan.last_cell}, so reading "
                f"it would mean {scan.cells:,} cells, more than the {max_cells:,} a sheet may "
                "have. Something was probably typed far below or to the right of the figures "
                "(in Excel, Ctrl+End goes to that cell): delete those rows and columns, save, "
                "and upload again."
            )
        try:
            if not book:
                book.append(python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content)))
            rows = book[0].get_sheet_by_name(part.name).to_python(skip_empty_area=False)
        except Exception as err:  # calamine raises several types for damaged files
            raise _damaged(name, err) from None
        grid = cast("list[list[object]]", rows)  # calamine's cells, without copying the grid
        return Sheet(part.name, grid, scan.percent_cells, scan.unsaved_formulas)

    return Workbook(name, "xlsx", parts, read)
