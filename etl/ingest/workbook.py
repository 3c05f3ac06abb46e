"""Read an uploaded file into plain grids of cell values, one per sheet.

python-calamine reads the values (about ten times faster than openpyxl). It
does not report number formats or unsaved formulas, so those are found by a
targeted scan of the sheet's XML: only the cells that matter are looked at.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

import python_calamine

from etl.ingest.problems import FileRefused

# Built-in Excel number formats that display a percentage.
_BUILTIN_PERCENT_FORMATS = {9, 10}
_CELL_REF = re.compile(rb'r="([A-Z]+)(\d+)"')


@dataclass
class Sheet:
    """One sheet's cells; `rows[0]` is Excel row 1 and `rows[r][0]` column A."""

    name: str
    rows: list[list[object]]
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (row0, col0)
    unsaved_formulas: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Workbook:
    name: str
    kind: str  # 'xlsx' or 'csv'
    sheets: list[Sheet]

    def sheet(self, wanted: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name.strip().lower() == wanted), None)


def read_workbook(name: str, content: bytes, kind: str) -> Workbook:
    if kind == "csv":
        return Workbook(name, kind, [_read_csv(name, content)])
    return Workbook(name, kind, _read_xlsx(name, content))


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


def _read_xlsx(name: str, content: bytes) -> list[Sheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet_names = list(book.sheet_names)
        grids = {
            sheet: book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            for sheet in sheet_names
        }
    except Exception as err:  # calamine raises several types for damaged files
        raise FileRefused(
            f"'{name}' could not be read as an Excel workbook ({type(err).__name__}). "
            "Open it in Excel, save it again as .xlsx and upload the new file."
        ) from None
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        paths = _sheet_paths(archive)
        percent_styles = _percent_styles(archive)
        sheets = []
        for sheet_name in sheet_names:
            xml = archive.read(paths[sheet_name]) if sheet_name in paths else b""
            sheets.append(
                Sheet(
                    name=sheet_name,
                    rows=grids[sheet_name],
                    percent_cells=_cells_with_styles(xml, percent_styles),
                    unsaved_formulas=_unsaved_formulas(xml),
                )
            )
    return sheets


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map sheet names to their XML part, via workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = dict(
        re.findall(r'<(?:\w+:)?Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    )
    targets |= {
        rid: target
        for target, rid in re.findall(
            r'<(?:\w+:)?Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels
        )
    }
    paths = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]*)"', tag) or re.search(r'\bid="([^"]*)"', tag)
        if name and rid and rid.group(1) in targets:
            target = targets[rid.group(1)]
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            paths[_unescape(name.group(1))] = posixpath.normpath(path)
    return paths


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of cell styles (cellXfs) whose number format shows a percentage."""
    try:
        styles = archive.read("xl/styles.xml").decode("utf-8", "replace")
    except KeyError:
        return set()
    custom = {
        int(fid)
        for fid, code in re.findall(
            r'<(?:\w+:)?numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"', styles
        )
        if "%" in _unescape(code).replace('"%"', "")
    }
    percent = _BUILTIN_PERCENT_FORMATS | custom
    xfs = re.search(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", styles, re.S)
    if not xfs:
        return set()
    result = set()
    for index, xf in enumerate(re.findall(r"<(?:\w+:)?xf\b[^>]*>", xfs.group(1))):
        fmt = re.search(r'numFmtId="(\d+)"', xf)
        if fmt and int(fmt.group(1)) in percent:
            result.add(index)
    return result


def _cells_with_styles(xml: bytes, styles: set[int]) -> set[tuple[int, int]]:
    if not styles or not xml:
        return set()
    wanted = b"|".join(str(s).encode() for s in sorted(styles))
    pattern = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bs="(?:' + wanted + rb')"[^>]*>')
    cells = set()
    for match in pattern.finditer(xml):
        ref = _CELL_REF.search(match.group(0))
        if ref:
            cells.add(_position(ref.group(1), ref.group(2)))
    return cells


def _unsaved_formulas(xml: bytes) -> set[tuple[int, int]]:
    """Cells holding a formula but no saved result (the file was never recalculated)."""
    if b"<f" not in xml and b":f" not in xml:
        return set()
    cells = set()
    pattern = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
    for match in pattern.finditer(xml):
        body = match.group(2) or b""
        if not re.search(rb"<(?:\w+:)?f\b", body):
            continue
        saved = re.search(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", body, re.S)
        if saved is None or not saved.group(1).strip():
            ref = _CELL_REF.search(match.group(1))
            if ref:
                cells.add(_position(ref.group(1), ref.group(2)))
    return cells


def _position(letters: bytes, digits: bytes) -> tuple[int, int]:
    col = 0
    for ch in letters:
        col = col * 26 + (ch - 64)
    return int(digits) - 1, col - 1
