"""Read and check an improvement plan's `actions` sheet: every cell, every problem at once.

A plan snapshot is refused whole, like a month's figures: each rule gives a `Problem` naming the
sheet, the row as Excel numbers it, the column and the value, and nothing is kept until every
row passes. Headers match as the figures' do (case, spaces and underscores ignored); months and
dates are read by `core.periods`, the same UK forms as the figures. A Complete action with no
completion date is only a warning: the plan's owner may not have it to hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from analysis.plan import ACTION_COLUMNS, COMPLETE, STATUSES
from core.catalogue import Catalogue
from core.periods import PeriodError, parse_period
from etl.ingest.cells import shown
from etl.ingest.layouts import HEADER_SEARCH_ROWS, header_key
from etl.ingest.problems import Problem, column_letter
from etl.ingest.workbook import Sheet, Workbook
from etl.ingest.xlsx_parts import SheetPart

ACTIONS_SHEET = "actions"
PLAN_COLUMNS = tuple(ACTION_COLUMNS)
REQUIRED = ("ref", "theme", "action", "lead", "due", "status")
FRAME_COLUMNS = [*ACTION_COLUMNS, "row"]
_STATUS_KEYS = {re.sub(r"[\s_\-]+", "", s).lower(): s for s in STATUSES}
_UK_DAY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
STATUS_LIST = ", ".join(STATUSES)


@dataclass
class CheckedPlan:
    """The sheet's actions (when every row passed), its problems and its warnings."""

    sheet: str
    actions: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def actions_part(book: Workbook) -> SheetPart | None:
    """The sheet named `actions` (any case), hidden or not; None when the file has none."""
    return book.part(ACTIONS_SHEET)


def status_of(value: object) -> str | None:
    """The status a cell names (case, spaces, hyphens and underscores ignored), or None."""
    return _STATUS_KEYS.get(re.sub(r"[\s_\-]+", "", str(value or "")).lower())


def read_day(value: object) -> dt.date:
    """A completion date: a date cell, 15/03/2016 (day first), or a month (its first day)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if m := _UK_DAY.match(str(value).strip()):
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise PeriodError("is not a real date; write it like 15/03/2016") from None
    return parse_period(value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_row(sheet: Sheet) -> int | None:
    for r in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        keys = {header_key(v) for v in sheet.rows[r]}
        if "ref" in keys and "status" in keys:
            return r
    return None


def check_actions(sheet: Sheet, cat: Catalogue) -> CheckedPlan:
    """Check every row of the actions sheet; the actions frame is empty unless all pass."""
    empty = pd.DataFrame(columns=FRAME_COLUMNS)
    header = _header_row(sheet)
    if header is None:
        why = (
            f"has no header row with 'ref' and 'status' columns in its first "
            f"{HEADER_SEARCH_ROWS} rows. Use the plan template: columns "
            + ", ".join(PLAN_COLUMNS)
            + "."
        )
        return CheckedPlan(sheet.name, empty, [Problem(sheet.name, None, "", "", why)])
    titles = sheet.rows[header]
    keys = [header_key(v) for v in titles]
    at = {k: i for i, k in reversed(list(enumerate(keys))) if k in PLAN_COLUMNS}
    ignored = [str(titles[i]).strip() for i, k in enumerate(keys) if k and k not in PLAN_COLUMNS]
    missing = [c for c in REQUIRED if c not in at]
    if missing:
        why = (
            f"the header row has no {', '.join(repr(m) for m in missing)} column. "
            f"The plan needs columns {', '.join(REQUIRED)}; indicators and evidence are optional."
        )
        return CheckedPlan(sheet.name, empty, [Problem(sheet.name, header + 1, "", "", why)])
    checker = _RowChecker(sheet, titles, at, cat)
    for r in range(header + 1, len(sheet.rows)):
        checker.check(r)
    if not checker.rows and not checker.problems:
        checker.problems.append(
            Problem(
                sheet.name, None, "", "", "has no actions: one row per action, under the headers."
            )
        )
    actions = pd.DataFrame(checker.rows, columns=FRAME_COLUMNS) if not checker.problems else empty
    return CheckedPlan(sheet.name, actions, checker.problems, checker.warnings, ignored)


class _RowChecker:
    """Checks one row at a time, remembering refs seen and collecting problems."""

    def __init__(self, sheet: Sheet, titles: list[object], at: dict[str, int], cat: Catalogue):
        self.sheet, self.titles, self.at, self.cat = sheet, titles, at, cat
        self.rows: list[tuple] = []
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.seen: dict[str, int] = {}

    def cell(self, r: int, name: str) -> object:
        c = self.at.get(name)
        row = self.sheet.rows[r]
        return row[c] if c is not None and c < len(row) else None

    def column(self, name: str) -> str:
        c = self.at[name]
        title = str(self.titles[c]).strip() if c < len(self.titles) else ""
        return f"{column_letter(c)} ({title})" if title else column_letter(c)

    def problem(self, r: int, name: str, value: object, message: str) -> None:
        self.problems.append(
            Problem(self.sheet.name, r + 1, self.column(name), shown(value), message)
        )

    def text(self, r: int, name: str, required: bool) -> str:
        value = self.cell(r, name)
        if _blank(value):
            if required:
                self.problem(r, name, "", f"is empty; every action needs its {name}.")
            return ""
        return shown(value).strip()

    def check(self, r: int) -> None:
        if all(_blank(self.cell(r, name)) for name in self.at):
            return  # a blank row between actions
        ref = self.text(r, "ref", True)
        if ref:
            first = self.seen.setdefault(ref.casefold(), r + 1)
            if first != r + 1:
                self.problem(
                    r,
                    "ref",
                    ref,
                    f"is the same ref as row {first}; each action's ref "
                    "must be unique in the file.",
                )
        theme, action, lead = (self.text(r, n, True) for n in ("theme", "action", "lead"))
        status = self._status(r)
        due = self._due(r)
        completed = self._completed(r)
        codes = self._indicators(r)
        evidence = self.text(r, "evidence", False) if "evidence" in self.at else ""
        if status == COMPLETE and completed is None and ref:
            self.warnings.append(
                f"Action {ref} (row {r + 1}) is Complete but has no completed date; it is "
                "counted as complete. Add the date when you have it."
            )
        self.rows.append(
            (ref, theme, action, lead, due, status, completed, ", ".join(codes), evidence, r + 1)
        )

    def _status(self, r: int) -> str:
        value = self.cell(r, "status")
        if _blank(value):
            self.problem(r, "status", "", f"is empty; choose one of: {STATUS_LIST}.")
            return ""
        status = status_of(value)
        if status is None:
            self.problem(r, "status", value, f"is not a status; choose one of: {STATUS_LIST}.")
            return ""
        return status

    def _due(self, r: int) -> dt.date | None:
        value = self.cell(r, "due")
        if _blank(value):
            self.problem(r, "due", "", "is empty; every action needs the month it is due.")
            return None
        try:
            return parse_period(value)
        except PeriodError as err:
            self.problem(r, "due", value, str(err))
            return None

    def _completed(self, r: int) -> dt.date | None:
        value = self.cell(r, "completed") if "completed" in self.at else None
        if _blank(value):
            return None
        try:
            return read_day(value)
        except PeriodError as err:
            self.problem(r, "completed", value, str(err))
            return None

    def _indicators(self, r: int) -> list[str]:
        value = self.cell(r, "indicators") if "indicators" in self.at else None
        if _blank(value):
            return []
        codes: list[str] = []
        for part in re.split(r"[,;\n]", str(value)):
            token = part.strip()
            if not token:
                continue
            found = self.cat.lookup(token)
            if found is None:
                self.problem(
                    r,
                    "indicators",
                    token,
                    "is not an indicator code; use codes from the indicators sheet, "
                    "separated by commas.",
                )
            elif found.code not in codes:
                codes.append(found.code)
        return codes
