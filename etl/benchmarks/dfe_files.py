"""Reading the DfE's published files as text and telling their kind from the header row.

Tidy open data, the LAIT extract, legacy SFR tables, the statistical-neighbour models and the
council's own comparators file are told apart by their header row, never by their name, so a
renamed download still reads; the mapping then says which of its columns to import (see
`etl.benchmarks.dfe_values`). Every cell is read as text and kept exactly as published: a number
becomes that number (never rounded), a GSS symbol stays a symbol with no value, and anything else
stops the import with the row and column named, because a figure we cannot read must not quietly
become a gap or a zero.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from etl.ingest.filecheck import ZIP_SIGNATURE
from etl.ingest.filecheck import sniff_kind as check_upload_file
from etl.ingest.problems import FileRefused
from etl.ingest.workbook import read_workbook

# GSS symbols used by the DfE, then the legacy ones of older SFR tables.
SYMBOLS = ("c", "z", "x", "low", "k", "u", "..", ":", "-")
_NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"

VALUE_COLUMNS = [
    "measure",
    "year",
    "period_label",
    "geographic_level",
    "area_code",
    "area_name",
    "value",
    "symbol",
    "source",
]

KIND_DESCRIPTIONS = {
    "tidy": "DfE tidy open data",
    "lait": "LAIT long extract",
    "sfr_cla": "legacy SFR looked-after children table",
    "sn_model": "statistical-neighbour model",
    "comparators": "council's own comparators file",
}
# The council's own comparators (figures the DfE does not publish): one figure per row.
COMPARATOR_HEADER = ("indicator", "year", "area", "value", "source")
COMPARATORS_SHEET = "comparators"  # the sheet read from a workbook, else its first sheet
EXPECTED = (
    "a DfE tidy CSV (with time_period and geographic_level columns), a LAIT extract "
    "(short_desc, data_item, year, area_name, la_number, region, value), a legacy SFR "
    "looked-after table (geog_l, geog_c, geog_n and CLA_Mar<year>), a statistical-neighbour "
    "model (LA code and name, then SN1..SN10 with their closeness) or a comparators file "
    f"({', '.join(COMPARATOR_HEADER)})"
)


class BenchmarkFileError(FileRefused):
    """A published file that cannot be imported; the message is one sentence, nothing loaded."""


def _decode(raw: bytes) -> str:
    """DfE files come as UTF-8 (often with a byte-order mark) or, for older SFR tables,
    Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold: 2016.0 -> '2016', 95.5 -> '95.5'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(path: Path | str, raw: bytes | None = None) -> list[list[str]]:
    """Every row of a file as text, blank rows kept so list positions are row numbers.

    `raw` is the file's content when it did not come from disk (an upload). A CSV is read as
    published; a workbook (.xlsx, for the council's own comparators) is read from its
    'comparators' sheet, else its first sheet, after the same safety checks as an upload.
    """
    name = Path(path).name
    raw = Path(path).read_bytes() if raw is None else raw
    if raw.startswith(ZIP_SIGNATURE):
        check_upload_file(name, raw)  # size, damaged or oversized archives: FileRefused
        book = read_workbook(name, raw, "xlsx")
        sheet = book.sheet(COMPARATORS_SHEET) or (book.sheets[0] if book.sheets else None)
        grid = sheet.rows if sheet is not None else []
        return [[_cell_text(c).strip() for c in row] for row in grid]
    return list(csv.reader(io.StringIO(_decode(raw))))


def read_table(path: Path | str, raw: bytes | None = None) -> pd.DataFrame:
    """Every cell as stripped text, header names stripped, wholly empty columns dropped."""
    name = Path(path).name
    rows = read_rows(path, raw)
    if not rows:
        raise BenchmarkFileError(f"{name} is empty; expected {EXPECTED}.")
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:] if any(c.strip() for c in r)]
    frame = pd.DataFrame(body, columns=range(width), dtype=str)
    frame = frame.apply(lambda col: col.str.strip())
    keep = [i for i, name in enumerate(header) if name]
    frame = frame[keep]
    frame.columns = [header[i] for i in keep]
    return frame


def sniff_kind(path: Path | str, raw: bytes | None = None) -> str:
    """The kind of a file from its header row alone (a CSV's rest is not read)."""
    name = Path(path).name
    head = raw
    if head is None:
        with open(path, "rb") as fh:
            head = fh.readline()
    if head.startswith(ZIP_SIGNATURE):  # a workbook is read whole
        header = next(iter(read_rows(path, raw)), [])
    else:
        header = next(csv.reader([_decode(head.split(b"\n", 1)[0])]), [])
    return detect_kind([h.strip() for h in header], name)


def detect_kind(columns: list[str], file_name: str = "This file") -> str:
    """Which kind of published file a header row belongs to; refuses anything else."""
    names = {c.lower() for c in columns}
    if set(COMPARATOR_HEADER) <= names:
        return "comparators"
    if {"time_period", "geographic_level"} <= names:
        return "tidy"
    if {"short_desc", "year", "area_name", "la_number", "value"} <= names:
        return "lait"
    if {"geog_l", "geog_c", "geog_n"} <= names and any(
        re.fullmatch(r"cla_mar\d{4}", n) for n in names
    ):
        return "sfr_cla"
    if any(re.fullmatch(r"sn_?1", n) for n in names) and any(
        re.fullmatch(r"sn_?10", n) for n in names
    ):
        return "sn_model"
    raise BenchmarkFileError(f"{file_name} is not a DfE file we can read; expected {EXPECTED}.")


def parse_cells(
    cells: pd.Series, file_name: str, column: str
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Published text -> (value, symbol, blank) with the same index.

    A number is parsed exactly as written ('22.5' -> 22.5); a GSS symbol gives a NULL value and
    keeps the symbol; a blank cell is reported as blank. Any other text refuses the file.
    """
    is_symbol = cells.isin(SYMBOLS)
    is_blank = cells == ""
    is_number = cells.str.fullmatch(_NUMBER)
    bad = ~(is_symbol | is_blank | is_number)
    if bad.any():
        first = bad.idxmax()
        raise BenchmarkFileError(
            f"{file_name} line {int(first) + 2}, column '{column}': '{cells[first]}' is neither "
            f"a number nor a GSS symbol ({', '.join(SYMBOLS)})."
        )
    values = pd.to_numeric(cells.where(is_number), errors="raise").astype("float64")
    symbols = cells.where(is_symbol).astype(object)
    symbols = symbols.where(is_symbol, None)
    return values, symbols, is_blank
