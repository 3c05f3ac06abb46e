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
from typing import NamedTuple

from core.periods import PeriodError, parse_period
from etl.ingest.problems import Invalid, Problem, column_letter
from etl.ingest.workbook import Sheet, Workbook
from etl.ingest.xlsx_parts import SheetPart
from etl.store.revisions import FIGURE_COLUMNS

# The long layout's columns, in the template's order: a stored figure's columns.
LONG_COLUMNS = FIGURE_COLUMNS
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


class Entry(NamedTuple):
    """One candidate figure as raw cell values, cheap enough to make 100,000 of.

    Where each value sits is kept as positions, and turned into a `CellRef` only
    when a problem needs describing.
    """

    row0: int
    indicator: object
    period: object
    value: object
    value_col: int
    period_row0: int
    period_col: int
    breakdown: object = None
    numerator: object = None
    denominator: object = None
    commentary: object = None


@dataclass
class Located:
    sheet: Sheet
    layout: str  # 'long' or 'wide'
    entries: list[Entry]
    columns: dict[str, int]  # field name -> column index, for the fields the sheet has
    header_row0: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def ref(self, entry: Entry, name: str) -> CellRef | None:
        """The cell behind one field of an entry, or None if the sheet has no such column."""
        if name == "value":
            row0, col0 = entry.row0, entry.value_col
        elif name == "period":
            row0, col0 = entry.period_row0, entry.period_col
        elif name in self.columns:
            row0, col0 = entry.row0, self.columns[name]
        else:
            return None
        header = self.sheet.rows[self.header_row0]
        title = _header_text(header[col0]) if col0 < len(header) else ""
        return CellRef(getattr(entry, name), row0, col0, title)


# Sheets that hold instructions or targets, never figures.
NOT_FIGURES = ("targets", "comparators", "instructions", "about", "readme", "notes", "definitions")
HIDDEN = (
    "is hidden, so it was not read: figures are only read from sheets you can see. If it "
    "holds what you mean to load, unhide it (right-click a sheet tab, Unhide) and check it; "
    "if not, delete it. Then upload the file again."
)
VERY_HIDDEN = (
    "is hidden in a way Excel's Unhide menu does not show (very hidden), so it was not read: "
    "figures are only read from sheets you can see. Copy what you mean to load onto a "
    "visible sheet named data, remove this one, and upload the file again."
)


@dataclass
class Chosen:
    """The sheets to read figures and targets from, and any hidden sheet that was refused."""

    data: SheetPart | None
    targets: SheetPart | None
    problems: list[Problem] = field(default_factory=list)


def choose_sheets(book: Workbook) -> Chosen:
    """The visible sheet named `data`, else the first visible one that is not instructions or
    targets; and the visible sheet named `targets`.

    A hidden sheet named `data` or `targets` is exactly the sheet the director did not
    check, so it is refused with a sentence rather than quietly read or quietly skipped.
    """
    visible = [p for p in book.parts if p.visible]
    named = {p.name.strip().lower() for p in visible}
    data = next((p for p in visible if p.name.strip().lower() == "data"), None) or next(
        (p for p in visible if p.name.strip().lower() not in NOT_FIGURES), None
    )
    targets = next((p for p in visible if p.name.strip().lower() == "targets"), None)
    problems = [
        Problem(p.name, None, "", "", VERY_HIDDEN if p.state == "veryHidden" else HIDDEN)
        for p in book.parts
        if not p.visible and p.name.strip().lower() in {"data", "targets"} - named
    ]
    return Chosen(data, targets, problems)


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
    raise _header_refused(
        sheet,
        None,
        "has no header row with an 'indicator' column in its first "
        f"{HEADER_SEARCH_ROWS} rows. Use the template: columns indicator, period, value.",
    )


def _header_refused(sheet: Sheet, row: int | None, message: str) -> Invalid:
    """The sheet refused for its header: one problem, with no cell or value to point at."""
    return Invalid([Problem(sheet.name, row, "", "", message)])


def _long(sheet: Sheet, header: int, keys: list[str]) -> Located:
    positions = {k: i for i, k in reversed(list(enumerate(keys))) if k}
    missing = [k for k in ("indicator", "period", "value") if k not in positions]
    if missing:
        raise _header_refused(
            sheet,
            header + 1,
            f"the header row has no {' or '.join(repr(m) for m in missing)} column. "
            "Every figure needs its indicator, period (month) and value.",
        )
    columns = {name: positions[name] for name in ("indicator", "period", "value")}
    breakdown = next((positions[a] for a in BREAKDOWN_ALIASES if a in positions), None)
    if breakdown is not None:
        columns["breakdown"] = breakdown
    columns |= {name: positions[name] for name in OPTIONAL_LONG if name in positions}
    width = max(columns.values()) + 1
    ci, cp, cv = columns["indicator"], columns["period"], columns["value"]
    cb, cn, cd, cc = (columns.get(n) for n in ("breakdown", *OPTIONAL_LONG))
    used = list(columns.values())
    entries = []
    for r in range(header + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if len(row) < width:
            row = [*row, *[""] * (width - len(row))]
        label = row[ci]
        # Nearly every row has its indicator filled in: test that cell alone first.
        filled = label is not None and (
            type(label) is not str or (label != "" and not label.isspace())
        )
        if not filled and all(row[c] == "" or _blank(row[c]) for c in used):
            continue
        entries.append(
            Entry(
                r,
                label,
                row[cp],
                row[cv],
                cv,
                r,
                cp,
                None if cb is None else row[cb],
                None if cn is None else row[cn],
                None if cd is None else row[cd],
                None if cc is None else row[cc],
            )
        )
    return Located(sheet, "long", entries, columns, header)


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
        raise _header_refused(
            sheet,
            header + 1,
            "the header row starts with 'indicator' but has no month columns and no "
            "'period' and 'value' columns. Put months (such as Apr 2015) in the header, "
            "or use the template's columns indicator, period, value.",
        )
    columns = {"indicator": ind_col}
    if breakdown_col is not None:
        columns["breakdown"] = breakdown_col
    entries = []
    for r in range(header + 1, len(rows)):
        label = _cell(rows, r, ind_col)
        cells = [(c, _cell(rows, r, c)) for c in months]
        has_values = any(not _blank(v) for _, v in cells) or any(
            (r, c) in sheet.unsaved_formulas for c in months
        )
        if not has_values:
            continue  # blank row, a merged title's continuation, or a section heading
        breakdown = None if breakdown_col is None else _cell(rows, r, breakdown_col)
        for c, value in cells:
            entries.append(Entry(r, label, months[c], value, c, header, c, breakdown))
    return Located(sheet, "wide", entries, columns, header, ignored)
