"""Readers for the DfE's published files: tidy open data, the LAIT extract, legacy SFR tables
and the statistical-neighbour models (and the header of the council's own comparators file,
read by `etl.benchmarks.comparators_file`).

A file's type is told from its header row, never from its name, so a renamed download still
reads; the mapping then says which of its columns to import. Every cell is read as text and kept
exactly as published: a number becomes that number (never rounded), a GSS symbol stays a symbol
with no value, and anything else stops the import with the row and column named, because a
figure we cannot read must not quietly become a gap or a zero.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from etl.benchmarks.mapping import MappingRow
from etl.ingest.filecheck import ZIP_SIGNATURE
from etl.ingest.filecheck import sniff_kind as check_upload_file
from etl.ingest.problems import FileRefused
from etl.ingest.workbook import read_workbook

# GSS symbols used by the DfE, then the legacy ones of older SFR tables.
SYMBOLS = ("c", "z", "x", "low", "k", "u", "..", ":", "-")
_NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"

LEVELS = ("National", "Regional", "Local authority")
ENGLAND = ("E92000001", "England")
# Region codes and names as the tidy open data spells them; Inner and Outer London are the
# sub-regions (E13) that the DfE publishes alongside London.
REGIONS = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
    "E13000001": "Inner London",
    "E13000002": "Outer London",
}
# LAIT numbers its England and regional rows like authorities.
LAIT_ENGLAND = "970"
LAIT_REGIONS = {
    "980": "E12000001",
    "981": "E12000002",
    "982": "E12000003",
    "983": "E12000004",
    "984": "E12000005",
    "985": "E12000006",
    "986": "E12000007",
    "987": "E13000001",
    "988": "E13000002",
    "989": "E12000008",
    "990": "E12000009",
}
_REGION_BY_NAME = {name.upper(): code for code, name in REGIONS.items()}

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
NEIGHBOUR_COLUMNS = [
    "model",
    "la_code",
    "la_name",
    "neighbour_rank",
    "neighbour_code",
    "neighbour_name",
    "closeness",
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


def _derived_percent(
    num: tuple[pd.Series, pd.Series, pd.Series], den: tuple[pd.Series, pd.Series, pd.Series]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """100 x numerator / denominator, keeping symbols: a percentage of a suppressed count is
    suppressed too, and a zero denominator gives 'z' (not applicable)."""
    n_val, n_sym, n_blank = num
    d_val, d_sym, d_blank = den
    zero = d_val == 0
    value = (n_val / d_val * 100).where(n_val.notna() & d_val.notna() & ~zero)
    symbol = n_sym.where(n_sym.notna(), d_sym)
    symbol = symbol.where(symbol.notna() | ~(zero & n_val.notna()), "z").astype(object)
    symbol = symbol.where(symbol.notna(), None)
    return value.astype("float64"), symbol, n_blank | d_blank


def _column(frame: pd.DataFrame, name: str, file_name: str, measure: str) -> str:
    """The frame's column called `name`, ignoring case (SFR files spell CLA_OutBound both ways)."""
    for column in frame.columns:
        if column.lower() == name.lower():
            return column
    raise BenchmarkFileError(
        f"{file_name} has no column '{name}', which data/benchmarks/mapping.csv reads for "
        f"{measure}; check the mapping row for this file."
    )


def _tidy_geography(frame: pd.DataFrame) -> pd.DataFrame:
    level = frame["geographic_level"]
    cols = {c.lower(): c for c in frame.columns}

    def col(name: str) -> pd.Series:
        return frame[cols[name]] if name in cols else pd.Series("", index=frame.index)

    code = col("old_la_code").where(level == "Local authority", col("region_code"))
    code = code.where(level != "National", col("country_code").replace("", ENGLAND[0]))
    name = col("la_name").where(level == "Local authority", col("region_name"))
    name = name.where(level != "National", col("country_name").replace("", ENGLAND[1]))
    return pd.DataFrame({"geographic_level": level, "area_code": code, "area_name": name})


def _tidy_year(time_period: pd.Series, file_name: str) -> pd.Series:
    """The calendar year a period ends in: '2016' -> 2016, '201516' -> 2016."""
    ok = time_period.str.fullmatch(r"\d{4}(\d{2})?")
    if not ok.all():
        bad = time_period[~ok].iloc[0]
        raise BenchmarkFileError(
            f"{file_name}: the period '{bad}' is not a year such as 2016 or 201516."
        )
    start = time_period.str[:4].astype(int)
    return start.where(time_period.str.len() == 4, start + 1)


def _lait_geography(frame: pd.DataFrame) -> pd.DataFrame:
    number = frame["la_number"]
    level = pd.Series("Local authority", index=frame.index, dtype=object)
    level[number.isin(LAIT_REGIONS.keys())] = "Regional"
    level[number == LAIT_ENGLAND] = "National"
    code = number.map(LAIT_REGIONS).fillna(number)
    code[number == LAIT_ENGLAND] = ENGLAND[0]
    name = code.map(REGIONS).fillna(frame["area_name"])
    name[number == LAIT_ENGLAND] = ENGLAND[1]
    return pd.DataFrame({"geographic_level": level, "area_code": code, "area_name": name})


def _sfr_geography(frame: pd.DataFrame) -> pd.DataFrame:
    level_text = frame["geog_l"].str.upper()
    level = level_text.map({"NATIONAL": "National", "REGION": "Regional", "LA": "Local authority"})
    # SFR files give Inner and Outer London London's own code, so regions are known by name.
    region_code = frame["geog_n"].str.upper().map(_REGION_BY_NAME)
    code = frame["geog_c"].where(level == "Local authority", region_code)
    code = code.where(level != "National", ENGLAND[0])
    name = frame["geog_n"].where(level == "Local authority", code.map(REGIONS))
    name = name.where(level != "National", ENGLAND[1])
    return pd.DataFrame({"geographic_level": level, "area_code": code, "area_name": name})


def _sfr_year(frame: pd.DataFrame, file_name: str) -> int:
    years = {int(m.group(1)) for c in frame.columns if (m := re.fullmatch(r"CLA_Mar(\d{4})", c))}
    if len(years) != 1:
        raise BenchmarkFileError(f"{file_name} must have exactly one CLA_Mar<year> column.")
    return years.pop()


def read_values(
    path: Path | str, rows: tuple[MappingRow, ...], raw: bytes | None = None
) -> tuple[str, pd.DataFrame, int]:
    """Read a published values file through the mapping rows that apply to it.

    Returns the file's kind, a frame with VALUE_COLUMNS (one row per measure, year and area)
    and the number of blank cells skipped (a blank is neither a figure nor a symbol).
    """
    path = Path(path)
    frame = read_table(path, raw)
    kind = detect_kind(list(frame.columns), path.name)
    if kind in ("sn_model", "comparators"):
        raise BenchmarkFileError(f"{path.name} is a {KIND_DESCRIPTIONS[kind]}, not DfE values.")
    applicable = [r for r in rows if r.applies_to(path.name, kind)]
    if not applicable:
        raise BenchmarkFileError(
            f"{path.name} is {KIND_DESCRIPTIONS[kind]} but data/benchmarks/mapping.csv has no "
            "row for it; add one saying which columns feed which measures."
        )
    if kind == "tidy":
        geography = _tidy_geography(frame)
        years = _tidy_year(frame["time_period"], path.name)
    elif kind == "lait":
        geography = _lait_geography(frame)
        years = _tidy_year(frame["year"], path.name)
    else:
        geography = _sfr_geography(frame)
        years = pd.Series(_sfr_year(frame, path.name), index=frame.index)
    in_scope = geography["geographic_level"].isin(LEVELS)

    parts, blanks = [], 0
    for row in applicable:
        mask = in_scope & years.map(row.owns_year)
        for column, value in row.filters:
            mask &= frame[_column(frame, column, path.name, row.measure)] == value
        if kind == "lait":
            mask &= frame["short_desc"] == row.column
            cells = frame["value"]
            parsed = parse_cells(cells[mask], path.name, "value")
            source_column = row.column
        else:
            year = int(years.iloc[0]) if kind == "sfr_cla" else None
            source_column = _column(frame, row.column_for(year), path.name, row.measure)
            parsed = parse_cells(frame.loc[mask, source_column], path.name, source_column)
            if row.denominator:
                den_column = _column(frame, row.denominator_for(year), path.name, row.measure)
                den = parse_cells(frame.loc[mask, den_column], path.name, den_column)
                parsed = _derived_percent(parsed, den)
                source_column = f"100 x {source_column} / {den_column}"
        value, symbol, blank = parsed
        blanks += int(blank.sum())
        keep = ~blank
        part = geography[mask][keep].assign(
            measure=row.measure,
            year=years[mask][keep].astype("int64"),
            value=value[keep],
            symbol=symbol[keep],
            source=f"{row.source} ({path.name}, {source_column})",
        )
        part["period_label"] = part["year"].map(row.period_label)
        parts.append(part[VALUE_COLUMNS])
    values = pd.concat(parts, ignore_index=True)
    key = ["measure", "year", "geographic_level", "area_code"]
    dupes = values.duplicated(key, keep=False)
    if dupes.any():
        first = values[dupes].iloc[0]
        raise BenchmarkFileError(
            f"{path.name} has more than one row for {first['measure']}, {first['area_name']}, "
            f"{first['year']}; add a filter to its row in data/benchmarks/mapping.csv."
        )
    return kind, values, blanks


def read_neighbours(
    path: Path | str, model: str | None = None, raw: bytes | None = None
) -> tuple[str, pd.DataFrame]:
    """A statistical-neighbour model as one row per (council, neighbour rank).

    Both published layouts are read: April 2021 (LA num, LA Name, ..., SN1, SNP, ...) and the
    2025 wide file (old_la_code, la_name, ..., SN_1, SN_1P, ...). Neighbour names come from the
    same file. The model is named by the year in the file name unless `model` is given.
    """
    path = Path(path)
    text = (path.read_bytes() if raw is None else raw).decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]] if rows else []
    if detect_kind(header, path.name) != "sn_model":
        raise BenchmarkFileError(f"{path.name} is not a statistical-neighbour model.")
    if model is None:
        found = re.findall(r"(20\d\d)", path.name)
        if not found:
            raise BenchmarkFileError(
                f"{path.name} has no year in its name; name the neighbour model with --model."
            )
        model = found[-1]
    rank_at = {
        int(m.group(1)): i for i, h in enumerate(header) if (m := re.fullmatch(r"SN_?(\d+)", h))
    }
    # Council rows have a three-digit code first; headings and the blank lines between the
    # current councils and the 'Old SNs' (pre-reorganisation councils) are skipped.
    councils = [r for r in rows[1:] if r and re.fullmatch(r"\d{3}", r[0].strip())]
    names = {r[0].strip(): r[1].strip() for r in councils}
    records = []
    for r in councils:
        for rank, at in sorted(rank_at.items()):
            code = r[at].strip() if at < len(r) else ""
            if not code:
                continue
            closeness = r[at + 1].strip() if at + 1 < len(r) else ""
            records.append(
                (model, r[0].strip(), r[1].strip(), rank, code, names.get(code), closeness)
            )
    if not records:
        raise BenchmarkFileError(f"{path.name} lists no councils with neighbours.")
    return model, pd.DataFrame.from_records(records, columns=NEIGHBOUR_COLUMNS)
