"""The council's own comparators: annual figures the DfE does not publish, with their source.

Some indicators have no national counterpart (REF_24H, a local measure, is one), yet a council
often has a figure to set beside its own: a regional benchmarking club's, a statistical
neighbour's shared return. Such a file is a simple long table, one figure per row:

    indicator,year,area,value,source
    REF_24H,2015/16,Regional benchmarking club,88.0,Yorkshire and Humber benchmarking club 2016

`indicator` is a catalogue code; `year` is a financial year (`2015/16`: April 2015 to March
2016) or a calendar year (`2016`: January to December 2016); `area` names whose figure it is;
`value` is a number in the indicator's own unit (a percentage as 88.0, not 0.88), or a GSS
symbol such as `c` for a figure withheld; `source` says where it came from and is required,
because a comparator without one must not appear on a chart. Extra columns are ignored.

It is loaded like a DfE file (`python -m etl benchmarks load FILE`, or the upload page), as a
release of its own: rows are stored at the geographic level 'Comparator' and kept with their
history, so a corrected figure is a revision, never an overwrite. Every row is checked first;
one mistake refuses the whole file with the row and column named.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from core.catalogue import Catalogue, catalogue
from etl.benchmarks.dfe_files import (
    _NUMBER,
    COMPARATOR_HEADER,
    SYMBOLS,
    VALUE_COLUMNS,
    BenchmarkFileError,
    read_rows,
)

LEVEL = "Comparator"  # geographic_level of every row, apart from the DfE's levels
FINANCIAL_YEAR, CALENDAR_YEAR = "financial year", "calendar year"
_FINANCIAL = re.compile(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})")


def comparator_year(text: str) -> tuple[int, str, str] | None:
    """'2015/16' -> (2016, '2015/16', financial year); '2016' -> (2016, '2016', calendar year).

    The year stored is the calendar year the period ends in, as for the DfE's figures; None
    for anything else (including '2015/17', which is not one year).
    """
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text), text, CALENDAR_YEAR
    match = _FINANCIAL.fullmatch(text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        expected = f"{(start + 1) % 100:02d}" if len(end) == 2 else str(start + 1)
        if end == expected:
            return start + 1, f"{start}/{expected[-2:]}", FINANCIAL_YEAR
    return None


def area_key(area: str, basis: str) -> str:
    """The stored area_code: the area and the kind of year, so a calendar-year figure never
    passes for a revision of the financial year that ends in the same calendar year."""
    return f"{area} ({basis})"


def _problem(name: str, row: int, column: str, message: str) -> str:
    return f"{name} row {row}, column '{column}': {message}"


def _check_row(
    cells: dict[str, str], cat: Catalogue, name: str, row: int
) -> tuple[list[str], tuple | None]:
    """The problems with one row, or the stored record it becomes."""
    problems = []
    code = cells["indicator"]
    indicator = cat.get(code) if code in cat.codes else None
    if indicator is None:
        problems.append(
            _problem(name, row, "indicator", f"'{code}' is not an indicator code in the "
                     "catalogue (data/indicators.toml); use the code, e.g. REF_24H.")
        )  # fmt: skip
    elif indicator.unit == "count":
        problems.append(
            _problem(name, row, "indicator", f"{code} is a count; another area's count cannot "
                     "be set beside the council's (they differ in size), so give a comparator "
                     "for a percentage or a rate instead.")
        )  # fmt: skip
    year = comparator_year(cells["year"])
    if year is None:
        problems.append(
            _problem(name, row, "year", f"'{cells['year']}' is not a year; write a financial "
                     "year as 2015/16 or a calendar year as 2016.")
        )  # fmt: skip
    area = " ".join(cells["area"].split())
    if not area:
        problems.append(_problem(name, row, "area", "is empty; say whose figure this is."))
    text = cells["value"]
    value, symbol = None, None
    if text in SYMBOLS:
        symbol = text
    elif re.fullmatch(_NUMBER, text):
        value = float(text)
        if indicator is not None and indicator.unit == "percent" and not 0 <= value <= 100:
            problems.append(
                _problem(name, row, "value", f"{text} is not a percentage between 0 and 100 "
                         f"({code} is a percentage; write 88% as 88).")
            )  # fmt: skip
    else:
        problems.append(
            _problem(name, row, "value", f"'{text}' is not a number (write 88% as 88, without "
                     f"the % sign) nor a GSS symbol ({', '.join(SYMBOLS)}).")
        )  # fmt: skip
    source = " ".join(cells["source"].split())
    if not source:
        problems.append(
            _problem(name, row, "source", "is empty; every comparator needs its source (who "
                     "published it, and which release) to be shown beside it.")
        )  # fmt: skip
    if problems or year is None:
        return problems, None
    end_year, label, basis = year
    return [], (code, end_year, label, LEVEL, area_key(area, basis), area, value, symbol, source)


def read_comparators(
    path: Path | str, raw: bytes | None = None, cat: Catalogue | None = None
) -> pd.DataFrame:
    """The file's rows as VALUE_COLUMNS, every row checked first; BenchmarkFileError otherwise.

    The error is one sentence: the first problem with its row and column, and how many more
    there are, so the director can fix the file in one go.
    """
    name = Path(path).name
    cat = cat or catalogue()
    rows = read_rows(path, raw)
    header = [h.strip().lower() for h in rows[0]] if rows else []
    missing = [c for c in COMPARATOR_HEADER if c not in header]
    if missing:
        raise BenchmarkFileError(
            f"{name} is not a comparators file: it has no column {', '.join(missing)}; the "
            f"columns are {', '.join(COMPARATOR_HEADER)}."
        )
    at = {column: header.index(column) for column in COMPARATOR_HEADER}
    problems: list[str] = []
    records: list[tuple] = []
    seen: dict[tuple, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if any(c.strip() for c in cells[len(header) :]):
            problems.append(
                f"{name} row {number} has more cells than the header has columns; put text "
                "holding a comma in double quotes (Excel does when it saves a CSV)."
            )
            continue
        named = {c: (cells[i].strip() if i < len(cells) else "") for c, i in at.items()}
        found, record = _check_row(named, cat, name, number)
        problems += found
        if record is None:
            continue
        key = record[:2] + record[4:5]  # indicator, year, area and kind of year
        if key in seen:
            problems.append(
                _problem(name, number, "area", f"{record[5]} already has a {record[2]} figure "
                         f"for {record[0]} on row {seen[key]}; give each figure once.")
            )  # fmt: skip
            continue
        seen[key] = number
        records.append(record)
    if problems:
        more = len(problems) - 1
        tail = f" ({more} more problem{'s' if more != 1 else ''} in the file)" if more else ""
        raise BenchmarkFileError(f"{problems[0].rstrip('.')}{tail}.")
    if not records:
        raise BenchmarkFileError(f"{name} has the comparators columns but no figures.")
    frame = pd.DataFrame.from_records(records, columns=VALUE_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    frame["symbol"] = frame["symbol"].astype(object).where(frame["symbol"].notna(), None)
    return frame
