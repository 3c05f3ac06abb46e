"""Hostile and careless files for the ingest tests, written the way an attacker or a slip would.

Real workbooks from openpyxl, then (where Excel itself would never write it) the
sheet's XML edited inside the zip, as a crafted file would be. And a way to say
"the database did not change": every current figure and submission, before and after.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Sequence

import openpyxl

from etl.store.database import Store
from etl.store.queries import current_values, submissions

LONG = ["indicator", "period", "breakdown", "value", "numerator", "denominator", "commentary"]
SHEET1 = "xl/worksheets/sheet1.xml"


def workbook(
    sheets: Sequence[tuple[str, Iterable[Sequence[object]]]],
    hidden: dict[str, str] | None = None,
) -> bytes:
    """An .xlsx with these (name, rows) sheets in order; `hidden` maps a name to
    'hidden' or 'veryHidden'."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        ws.sheet_state = (hidden or {}).get(name, "visible")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(content: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same .xlsx with one part's XML changed, every other part copied as it was."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, change(data) if info.filename == part else data)
    return out.getvalue()


def replace_value(content: bytes, placeholder: str, raw: str, part: str = SHEET1) -> bytes:
    """Put `raw` in a numeric cell's <v> where openpyxl wrote `placeholder` (a number)."""
    old, new = f"<v>{placeholder}</v>".encode(), f"<v>{raw}</v>".encode()

    def change(xml: bytes) -> bytes:
        assert xml.count(old) == 1, f"placeholder {placeholder} not found once in {part}"
        return xml.replace(old, new)

    return rewrite(content, part, change)


def snapshot(store: Store) -> tuple[list, list]:
    """Every current figure and every submission id: what 'the database is unchanged' means."""
    values = current_values(store)
    figures = (
        values[["indicator", "period", "breakdown", "value"]]
        .astype({"period": str})
        .sort_values(["indicator", "period", "breakdown"])
        .values.tolist()
    )
    return figures, submissions(store)["id"].tolist()
