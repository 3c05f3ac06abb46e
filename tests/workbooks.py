"""Build real spreadsheet files for tests, the way a director's software would."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import openpyxl

from etl.ingest.layouts import LONG_COLUMNS

LONG_HEADER = list(LONG_COLUMNS)


def xlsx(
    rows: Iterable[Sequence[object]],
    sheet: str = "data",
    formats: dict[str, str] | None = None,
    extra_sheets: dict[str, Iterable[Sequence[object]]] | None = None,
) -> bytes:
    """An .xlsx with `rows` on `sheet`; `formats` maps cell refs (e.g. 'D2') to number formats."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for name, sheet_rows in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in sheet_rows:
            other.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence[object]], bom: bool = True) -> bytes:
    text = "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\r\n"
    return text.encode("utf-8-sig" if bom else "utf-8")


def filled_template(rows: Iterable[Sequence[object]]) -> bytes:
    """The upload template a director downloads, with `rows` typed under its data header."""
    from etl.outputs.template import build_template

    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    for row in rows:
        book["data"].append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
