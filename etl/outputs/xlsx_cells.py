"""SpreadsheetML cells and worksheets: the columns, sheets and cell formats an extract needs.

The worksheet half of the fast writer in etl.outputs.xlsx_writer (which packs the sheets into a
workbook). Columns are written whole, not cell by cell, because a column is usually all numbers
or all text and one tight comprehension per column is what keeps a 30,000-row extract under a
second. Text is always a string cell, never a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Characters XML 1.0 cannot carry at all; they are dropped from text.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Column:
    """One column: a header, its values, and a number format per value (or one for all).

    Values may be str, int, float, datetime.date or None (an empty cell). A
    format of None leaves Excel's General format.
    """

    header: str
    values: Sequence[object]
    formats: Sequence[str | None] | str | None = None
    width: float = 12.0
    wrap: bool = False


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    freeze_header: bool = True
    auto_filter: bool = True
    bold_header: bool = True

    @property
    def rows(self) -> int:
        return max((len(c.values) for c in self.columns), default=0)


@dataclass
class Styles:
    """Cell formats (number format, bold, wrap) in the order Excel numbers them."""

    xfs: list[tuple[str | None, bool, bool]] = field(default_factory=lambda: [(None, False, False)])
    numfmts: dict[str, int] = field(default_factory=dict)

    def index(self, number_format: str | None, bold: bool = False, wrap: bool = False) -> int:
        key = (number_format, bold, wrap)
        if key not in self.xfs:
            if number_format is not None and number_format not in self.numfmts:
                self.numfmts[number_format] = 164 + len(self.numfmts)
            self.xfs.append(key)
        return self.xfs.index(key)

    def xml(self) -> str:
        fmts = "".join(
            f'<numFmt numFmtId="{n}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
            for code, n in self.numfmts.items()
        )
        xfs = "".join(self._xf(*key) for key in self.xfs)
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
            f'<numFmts count="{len(self.numfmts)}">{fmts}</numFmts>'
            f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(self.xfs)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )

    def _xf(self, number_format: str | None, bold: bool, wrap: bool) -> str:
        fmt_id = self.numfmts[number_format] if number_format is not None else 0
        attrs = f'numFmtId="{fmt_id}" fontId="{int(bold)}" fillId="0" borderId="0" xfId="0"'
        if fmt_id:
            attrs += ' applyNumberFormat="1"'
        if bold:
            attrs += ' applyFont="1"'
        if wrap:
            return f'<xf {attrs} applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>'
        return f"<xf {attrs}/>"


def column_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def xml_text(value: str) -> str:
    if _NEEDS_ESCAPE.search(value):
        value = escape(_ILLEGAL.sub("", value)).replace("\r", "&#13;")
    return value


def _cell(ref: str, value: object, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return ""
    if isinstance(value, str):
        text = xml_text(value)
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        serial: float = (day - EXCEL_EPOCH).days
        if isinstance(value, dt.datetime):
            serial += (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        return f'<c r="{ref}"{s}><v>{serial}</v></c>'
    number = float(cast(float, value))  # ints, floats and numpy numbers
    if math.isnan(number) or math.isinf(number):
        return ""
    text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return f'<c r="{ref}"{s}><v>{text}</v></c>'


_NUMBER_TYPES = (int, float, np.integer, np.floating)


def _number(value: float) -> str:
    """Shortest exact text; whole numbers without '.0', so they reopen as integers."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _kind(values: list[object]) -> str:
    """'number' or 'text' when a column is all one kind (the fast paths), else 'mixed'."""
    types = {type(v) for v in values if v is not None}
    if all(issubclass(t, _NUMBER_TYPES) and t is not bool for t in types):
        numbers = cast(list[float | None], values)
        finite = all(v is None or math.isfinite(v) or v != v for v in numbers)
        return "number" if finite else "mixed"
    return "text" if types == {str} else "mixed"


def _column_cells(column: Column, letter: str, styles: Styles, rows: int) -> list[str]:
    """Every cell of one column, as XML fragments (empty for an empty cell).

    Columns are usually all numbers or all text, so those take a single tight
    comprehension; anything else goes cell by cell through `_cell`.
    """
    values = list(column.values) + [None] * (rows - len(column.values))
    formats = column.formats
    if formats is None or isinstance(formats, str):
        formats = [formats] * rows
    known = {f: styles.index(f, wrap=column.wrap) for f in set(formats)}
    style_list = [known[f] for f in formats] + [0] * (rows - len(formats))
    attr = {st: f' s="{st}"' if st else "" for st in set(style_list)}
    kind = _kind(values)
    if kind == "number":
        numbers = cast(list[float | None], values)  # _kind checked every one
        return [
            "" if v is None or v != v else f'<c r="{letter}{n}"{attr[st]}><v>{_number(v)}</v></c>'
            for n, v, st in zip(range(2, rows + 2), numbers, style_list, strict=True)
        ]
    if kind == "text":
        texts = cast(list[str | None], values)
        return [
            ""
            if v is None
            else f'<c r="{letter}{n}"{attr[st]} t="inlineStr"><is>'
            f'<t xml:space="preserve">{xml_text(v)}</t></is></c>'
            for n, v, st in zip(range(2, rows + 2), texts, style_list, strict=True)
        ]
    numbered = zip(range(2, rows + 2), values, style_list, strict=True)
    return [_cell(f"{letter}{n}", _plain(v), st) for n, v, st in numbered]


def _plain(value: object) -> object:
    """None for pandas' missing markers, so they become empty cells."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def sheet_xml(sheet: Sheet, styles: Styles, selected: bool) -> str:
    rows = sheet.rows
    letters = [column_letter(n) for n in range(1, len(sheet.columns) + 1)]
    last = f"{letters[-1]}{rows + 1}" if letters else "A1"
    header_style = styles.index(None, bold=sheet.bold_header)
    hs = f' s="{header_style}"' if header_style else ""
    header = "".join(
        f'<c r="{letter}1"{hs} t="inlineStr"><is><t xml:space="preserve">{xml_text(c.header)}'
        "</t></is></c>"
        for letter, c in zip(letters, sheet.columns, strict=True)
    )
    cells = [
        _column_cells(c, letter, styles, rows)
        for letter, c in zip(letters, sheet.columns, strict=True)
    ]
    body = "".join(
        f'<row r="{n}">{"".join(row)}</row>'
        for n, row in zip(range(2, rows + 2), zip(*cells, strict=True), strict=False)
    )
    tab = ' tabSelected="1"' if selected else ""
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        if sheet.freeze_header
        else ""
    )
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{c.width}" customWidth="1"/>'
        for n, c in enumerate(sheet.columns, start=1)
    )
    auto_filter = f'<autoFilter ref="A1:{last}"/>' if sheet.auto_filter and rows else ""
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<dimension ref="A1:{last}"/>'
        f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
        f'<sheetData><row r="1">{header}</row>{body}</sheetData>{auto_filter}'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )
