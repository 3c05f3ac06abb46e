"""Find the figures in a sheet, whichever of the two accepted layouts it uses.

- Long (the template): one row per figure, columns indicator, period, value and
  optional breakdown, numerator, denominator, commentary.
- Wide (a council scorecard): a header row starting `indicator` whose other
  cells are months; one row per indicator. Title rows, blank rows and section
  headings are skipped; non-month columns (Target, RAG...) are ignored and reported.

This module only locates cells; `validate` decides whether their contents are acceptable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.periods import PeriodError, parse_period
from etl.problems import Invalid, Problem, column_letter
from etl.workbook import Sheet, Workbook

HEADER_SEARCH_ROWS = 50
BREAKDOWN_ALIASES = ("breakdown", "team", "band")
OPTIONAL_LONG = ("numerator", "denominator", "commentary")


def header_key(cell: object) -> str:
    """Header names match case-insensitively, ignoring spaces and underscores."""
    return re.sub(r"[\s_]+", "", str(cell or "")).lower()


@dataclass(slots=True)
class CellRef:
    """A cell's value with enough context to describe it in an error."""

    value: object
    row0: int
    col0: int
    header: str

    @property
    def excel_row(self) -> int:
        return self.row0 + 1

    @property
    def column(self) -> str:
        label = column_letter(self.col0)
        return f"{label} ({self.header})" if self.header else label


@dataclass(slots=True)
class Entry:
    """One candidate figure: the cells that together say indicator, month and value."""

    row0: int
    indicator: CellRef
    period: CellRef
    value: CellRef
    breakdown: CellRef | None = None
    numerator: CellRef | None = None
    denominator: CellRef | None = None
    commentary: CellRef | None = None


@dataclass
class Located:
    sheet: Sheet
    layout: str  # 'long' or 'wide'
    entries: list[Entry]
    ignored_columns: list[str] = field(default_factory=list)


# Sheets that hold instructions or targets, never figures.
NOT_FIGURES = ("targets", "instructions", "about", "readme", "notes", "definitions")


def data_sheet(book: Workbook) -> Sheet | None:
    """The sheet named `data`, else the first sheet that is not instructions or targets."""
    named = book.sheet("data")
    if named is not None:
        return named
    return next((s for s in book.sheets if s.name.strip().lower() not in NOT_FIGURES), None)


def _header_text(head: object) -> str:
    """A header as the director sees it: dates as `Apr 2015`, not `2015-04-01`."""
    if hasattr(head, "strftime"):
        return head.strftime("%b %Y")
    return str(head).strip()


def _cell(rows: list[list[object]], r: int, c: int) -> object:
    row = rows[r]
    return row[c] if c < len(row) else ""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def locate(sheet: Sheet) -> Located:
    """Find the header row and return every candidate figure in the sheet."""
    rows = sheet.rows
    for r in range(min(HEADER_SEARCH_ROWS, len(rows))):
        keys = [header_key(v) for v in rows[r]]
        if "indicator" in keys:
            if "period" in keys or "value" in keys:
                return _long(sheet, r, keys)
            return _wide(sheet, r, keys)
    raise Invalid(
        [
            Problem(
                sheet.name,
                None,
                "",
                "",
                "has no header row with an 'indicator' column in its first "
                f"{HEADER_SEARCH_ROWS} rows. Use the template: columns indicator, period, value.",
            )
        ]
    )


def _long(sheet: Sheet, header: int, keys: list[str]) -> Located:
    positions = {k: i for i, k in reversed(list(enumerate(keys))) if k}
    missing = [k for k in ("indicator", "period", "value") if k not in positions]
    if missing:
        raise Invalid(
            [
                Problem(
                    sheet.name,
                    header + 1,
                    "",
                    "",
                    f"the header row has no {' or '.join(repr(m) for m in missing)} column. "
                    "Every figure needs its indicator, period (month) and value.",
                )
            ]
        )
    breakdown = next((positions[a] for a in BREAKDOWN_ALIASES if a in positions), None)
    cols = {name: positions.get(name) for name in OPTIONAL_LONG} | {"breakdown": breakdown}
    heads = sheet.rows[header]
    rows = sheet.rows
    entries = []

    def ref(r: int, c: int | None) -> CellRef | None:
        return None if c is None else CellRef(_cell(rows, r, c), r, c, str(heads[c]).strip())

    ci, cp, cv = positions["indicator"], positions["period"], positions["value"]
    used = [c for c in (ci, cp, cv, *cols.values()) if c is not None]
    for r in range(header + 1, len(rows)):
        if all(_blank(_cell(rows, r, c)) for c in used):
            continue
        entries.append(
            Entry(
                r,
                ref(r, ci),
                ref(r, cp),
                ref(r, cv),
                ref(r, cols["breakdown"]),
                ref(r, cols["numerator"]),
                ref(r, cols["denominator"]),
                ref(r, cols["commentary"]),
            )
        )
    return Located(sheet, "long", entries)


def _wide(sheet: Sheet, header: int, keys: list[str]) -> Located:
    rows = sheet.rows
    heads = rows[header]
    ind_col = keys.index("indicator")
    breakdown_col = None
    months: dict[int, object] = {}
    ignored = []
    for c in range(ind_col + 1, len(heads)):
        head = heads[c]
        if _blank(head):
            continue
        if keys[c] in BREAKDOWN_ALIASES and breakdown_col is None:
            breakdown_col = c
            continue
        try:
            parse_period(head)
            months[c] = head
        except PeriodError:
            ignored.append(f"{column_letter(c)} ({_header_text(head)})")
    if not months:
        raise Invalid(
            [
                Problem(
                    sheet.name,
                    header + 1,
                    "",
                    "",
                    "the header row starts with 'indicator' but has no month columns and no "
                    "'period' and 'value' columns. Put months (such as Apr 2015) in the header, "
                    "or use the template's columns indicator, period, value.",
                )
            ]
        )
    entries = []
    for r in range(header + 1, len(rows)):
        label = _cell(rows, r, ind_col)
        cells = [(c, _cell(rows, r, c)) for c in months]
        has_values = any(not _blank(v) for _, v in cells) or any(
            (r, c) in sheet.unsaved_formulas for c in months
        )
        if _blank(label) and not has_values:
            continue  # blank row, or a merged title's continuation
        if not has_values:
            continue  # a section heading, or an indicator with no figures yet
        indicator = CellRef(label, r, ind_col, str(heads[ind_col]).strip())
        breakdown = (
            None
            if breakdown_col is None
            else CellRef(_cell(rows, r, breakdown_col), r, breakdown_col, "breakdown")
        )
        for c, value in cells:
            period_ref = CellRef(months[c], header, c, _header_text(months[c]))
            entries.append(
                Entry(
                    r,
                    indicator,
                    period_ref,
                    CellRef(value, r, c, _header_text(months[c])),
                    breakdown,
                )
            )
    return Located(sheet, "wide", entries, ignored)
