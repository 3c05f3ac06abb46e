"""What an .xlsx says about itself, read from its XML with a real (defused) parser.

The spreadsheet reader (python-calamine) gives cell values only. The sheets'
names, files and visibility, which number formats show a percentage, which
formulas were never calculated, and how far each sheet's used range reaches all
come from the workbook's own XML. Regular expressions over that XML went
quadratic on a crafted file, so every part is parsed by `defusedxml`'s expat
parser (no DTDs, entities or external references), streamed with no tree kept:
time grows with the file and memory stays flat. A sheet's scan stops as soon as
its used range passes the limit, before any value is read.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from defusedxml.expatreader import DefusedExpatParser

# Built-in Excel number formats that display a percentage.
BUILTIN_PERCENT_FORMATS = {9, 10}
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # Excel's own grid
CHUNK = 1 << 20
DIGITS = "0123456789"


@dataclass(frozen=True)
class SheetPart:
    """One sheet as workbook.xml lists it: its name, its XML file and whether it is shown."""

    name: str
    path: str | None  # the sheet's part in the zip; None when the workbook does not say
    state: str = "visible"  # visible | hidden | veryHidden

    @property
    def visible(self) -> bool:
        return self.state == "visible"


@dataclass
class SheetScan:
    """A sheet's layout from its XML: how far it reaches and which cells need care."""

    rows: int = 0  # the used range's last row and column (1-based), counted from A1
    columns: int = 0
    declared: str = ""  # the <dimension> the file declares, e.g. 'A1:D120'
    too_large: bool = False  # the scan stopped because the range passed the limit
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (row0, col0)
    unsaved_formulas: set[tuple[int, int]] = field(default_factory=set)

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def last_cell(self) -> str:
        from etl.ingest.problems import column_letter

        return f"{column_letter(max(self.columns, 1) - 1)}{max(self.rows, 1)}"


def _local(name: str) -> str:
    """An element or attribute name without its namespace prefix ('x:c' -> 'c')."""
    return name if ":" not in name else name.rsplit(":", 1)[1]


def _attr(attrs: dict[str, str], name: str) -> str | None:
    """An attribute by its local name, whatever prefix the file gives it."""
    value = attrs.get(name)
    if value is not None:
        return value
    return next((v for k, v in attrs.items() if _local(k) == name), None)


def _defused_parser(
    start: Callable[[str, dict[str, str]], Any], end: Callable[[str], Any] | None = None
) -> Any:
    """defusedxml's hardened expat parser (no DTDs, entities or external references).

    The SAX reader is only used to build it; the handlers are set on the parser
    directly, so no SAX attribute object is made per element (2 to 3 times faster).
    """
    reader = DefusedExpatParser(forbid_dtd=True)
    reader.reset()
    parser = reader._parser
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = None
    return parser


def _feed(parser: Any, source: IO[bytes]) -> None:
    while chunk := source.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _parse(
    source: IO[bytes],
    start: Callable[[str, dict[str, str]], Any],
    end: Callable[[str], Any] | None = None,
) -> None:
    _feed(_defused_parser(start, end), source)


def sheet_parts(archive: zipfile.ZipFile) -> list[SheetPart]:
    """Every sheet in workbook order, with its XML part found through the relationships."""
    targets: dict[str, str] = {}

    def relationship(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            rid, target = _attr(attrs, "Id"), _attr(attrs, "Target")
            if rid and target:
                targets[rid] = target

    try:
        with archive.open("xl/_rels/workbook.xml.rels") as rels:
            _parse(rels, relationship)
    except KeyError:
        pass  # no relationships part: sheets without a known path
    parts: list[SheetPart] = []

    def sheet(name: str, attrs: dict[str, str]) -> None:
        if _local(name) != "sheet":
            return
        target = targets.get(_attr(attrs, "id") or "")
        path = None
        if target:
            joined = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            path = posixpath.normpath(joined)
        state = _attr(attrs, "state") or "visible"
        parts.append(SheetPart(_attr(attrs, "name") or "", path, state))

    with archive.open("xl/workbook.xml") as workbook:
        _parse(workbook, sheet)
    return parts


def percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of cell styles (cellXfs) whose number format shows a percentage."""
    try:
        source = archive.open("xl/styles.xml")
    except KeyError:
        return set()
    percent = set(BUILTIN_PERCENT_FORMATS)
    styles: list[int] = []
    inside = [False]  # within <cellXfs>, whose <xf> children are the cell styles in order

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "cellXfs":
            inside[0] = True
        elif tag == "numFmt":
            code = (_attr(attrs, "formatCode") or "").replace('"%"', "")
            fid = _attr(attrs, "numFmtId") or ""
            if "%" in code and fid.isdigit():
                percent.add(int(fid))
        elif tag == "xf" and inside[0]:
            fid = _attr(attrs, "numFmtId") or ""
            styles.append(int(fid) if fid.isdigit() else -1)

    def end(name: str) -> None:
        if _local(name) == "cellXfs":
            inside[0] = False

    with source:
        _parse(source, start, end)
    return {index for index, fid in enumerate(styles) if fid in percent}


class _TooLarge(Exception):
    """Stops a sheet's scan: its used range has passed the limit."""


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            return MAX_COLUMNS + 1  # not a column: out of range
        number = number * 26 + ord(ch) - 64
    return number


def _position(ref: str, columns: dict[str, int]) -> tuple[int, int] | None:
    """(row, column), both 1-based, of a reference such as 'AZ1048576' or '$A$1'."""
    if "$" in ref:
        ref = ref.replace("$", "")
    letters = ref.rstrip(DIGITS)
    digits = ref[len(letters) :]
    if not letters or not digits:
        return None
    column = columns.get(letters)
    if column is None:
        column = columns[letters] = _column_number(letters)
    return int(digits), column


def _beyond(rows: int, columns: int, max_cells: int) -> bool:
    return rows * columns > max_cells or rows > MAX_ROWS or columns > MAX_COLUMNS


def scan_sheet(source: IO[bytes], percent: set[int], max_cells: int) -> SheetScan:
    """Stream one sheet's XML: its used range, percentage cells and uncalculated formulas.

    The scan stops as soon as the range from A1 to the last cell seen (or the range
    the file declares in <dimension>) passes `max_cells`. Cells without a reference
    follow the one before, as Excel reads them. The handlers run once per element of
    a sheet that may hold a million, so they keep to plain local variables.
    """
    scan = SheetScan()
    styles = {str(s) for s in percent}
    columns: dict[str, int] = {}
    row = column = 0  # the cell being read, 1-based
    formula = value = in_value = False  # it has a formula; a saved value; <v> is open

    def text(data: str) -> None:
        nonlocal value
        if in_value and not value and data.strip():
            value = True

    def end(name: str) -> None:
        nonlocal in_value
        if ":" in name:
            name = name.rsplit(":", 1)[1]
        if name == "v":
            in_value = False
        elif name == "c" and formula and not value:
            scan.unsaved_formulas.add((row - 1, column - 1))

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, column, formula, value, in_value
        if ":" in name:
            name = name.rsplit(":", 1)[1]
        if name == "c":
            ref = attrs.get("r") or _attr(attrs, "r")
            letters = ref.rstrip(DIGITS) if ref else ""
            number = columns.get(letters) if letters else None
            if number is None and letters:
                number = columns[letters] = _column_number(letters)
            if number is None or len(letters) == len(ref or ""):
                column += 1  # no reference: the cell after the one before
            else:
                row, column = int(ref[len(letters) :]), number  # type: ignore[index]
            if row > scan.rows or column > scan.columns:
                scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, column)
                if _beyond(scan.rows, scan.columns, max_cells):
                    raise _TooLarge
            formula = value = in_value = False
            if styles and (attrs.get("s") or _attr(attrs, "s")) in styles:
                scan.percent_cells.add((row - 1, column - 1))
        elif name == "v":
            in_value = True
        elif name == "row":
            r = attrs.get("r") or _attr(attrs, "r") or ""
            row, column = (int(r) if r.isdigit() else row + 1), 0
        elif name == "f":
            formula, in_value = True, False
            if parser.EndElementHandler is None:  # the first formula: start following values
                parser.EndElementHandler, parser.CharacterDataHandler = end, text
        elif name == "dimension":
            scan.declared = _attr(attrs, "ref") or ""
            corner = _position(scan.declared.rsplit(":", 1)[-1].strip(), columns) or (0, 0)
            if _beyond(*corner, max_cells):
                scan.rows, scan.columns = corner
                raise _TooLarge

    parser = _defused_parser(start)  # end and text handlers join at the first formula
    try:
        _feed(parser, source)
    except _TooLarge:
        scan.too_large = True
    return scan
