"""The rules a director's figures must meet before anything is stored.

Every rule is checked on every cell and every problem is collected, so a
director sees the whole list at once. The result is either a tidy table of
figures ready to store, or `Invalid` with the problems: never half of each.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from etl.catalogue import WHOLE_AUTHORITY, Catalogue, Indicator
from etl.layouts import CellRef, Entry, Located, header_key
from etl.periods import PeriodError, current_month, format_period, parse_period
from etl.problems import Problem
from etl.workbook import Sheet

MISSING_MARKERS = {"", "n/a", "na", "-", "..", "x", ":"}
OBSERVATION_COLUMNS = [
    "indicator",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "commentary",
    "sheet",
    "row",
]


class NotANumber(ValueError):
    pass


@dataclass
class Checked:
    """The outcome of checking one sheet of figures."""

    observations: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # cells with no figure ('', n/a, -, ..): never stored as zero


def is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING_MARKERS


def to_number(value: object, percent_cell: bool = False) -> tuple[float, bool]:
    """A cell as a number, and whether it was written as a percentage.

    Returns (number, was_percent): a cell formatted as a percentage in Excel
    (0.37 shown as 37%) or text such as '37%' is given in percent points (37).
    """
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, int | float):
        number = float(value)
        if percent_cell:
            return round(number * 100, 10), True
        return number, False
    if isinstance(value, dt.date):
        raise NotANumber(value)
    text = str(value).strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    was_percent = text.endswith("%")
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        raise NotANumber(value) from None
    if math.isnan(number) or math.isinf(number):
        raise NotANumber(value)
    return number, was_percent


def shown(value: object) -> str:
    """A cell's content as the director would recognise it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _decimals(number: float) -> int:
    text = repr(number)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def agrees(value: float, numerator: float, denominator: float, percent: bool) -> bool:
    """Does the value match numerator/denominator, allowing for the rounding it was given at?"""
    expected = numerator / denominator * (100 if percent else 1)
    places = min(_decimals(value), 3)
    return abs(expected - value) <= 0.5 * 10**-places + 1e-9


class SheetChecker:
    """Applies every rule to the entries of one sheet, collecting all problems."""

    def __init__(self, located: Located, catalogue: Catalogue, today: dt.date | None = None):
        self.sheet: Sheet = located.sheet
        self.located = located
        self.catalogue = catalogue
        self.latest_month = current_month(today)
        self.problems: list[Problem] = []
        self._periods: dict[object, dt.date | str] = {}
        self._seen: dict[tuple[str, dt.date, str], int] = {}

    def problem(self, cell: CellRef | None, message: str, row: int | None = None) -> None:
        self.problems.append(
            Problem(
                self.sheet.name,
                cell.excel_row if cell else row,
                cell.column if cell else "",
                shown(cell.value) if cell else "",
                message,
            )
        )

    def check(self) -> Checked:
        records = []
        skipped = 0
        for entry in self.located.entries:
            outcome = self._entry(entry)
            if outcome == "skipped":
                skipped += 1
            elif outcome is not None:
                records.append(outcome)
        if not records and not self.problems:
            self.problem(
                None,
                "has no figures to load. Fill in at least one row with an indicator, "
                "a period and a value.",
            )
        frame = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
        return Checked(frame, self.problems, skipped)

    def _entry(self, entry: Entry) -> tuple | str | None:
        before = len(self.problems)
        indicator = self._indicator(entry.indicator)
        period = self._period(entry.period, entry)
        value_cell = entry.value
        if (value_cell.row0, value_cell.col0) in self.sheet.unsaved_formulas:
            self.problem(
                value_cell,
                "holds a formula with no saved result. Open the file in Excel, let it "
                "calculate, save it, and upload it again (or paste the values as numbers).",
            )
            return None
        if is_missing(value_cell.value):
            return "skipped" if len(self.problems) == before else None
        value = self._value(value_cell, indicator)
        breakdown = self._breakdown(entry.breakdown, indicator, entry)
        ratio = self._ratio(entry, indicator, value)
        if indicator is not None and period is not None:
            self._once(entry, indicator.code, period, breakdown)
        if len(self.problems) > before or indicator is None or period is None or value is None:
            return None
        commentary = self._commentary(entry.commentary)
        return (
            indicator.code,
            period,
            breakdown,
            value,
            ratio[0],
            ratio[1],
            commentary,
            self.sheet.name,
            value_cell.excel_row,
        )

    def _once(self, entry: Entry, code: str, period: dt.date, breakdown: str) -> None:
        """The same indicator, month and breakdown may appear only once in a file."""
        key = (code, period, breakdown)
        if key in self._seen:
            self.problem(
                entry.value,
                f"{code} for {format_period(period)}"
                + (f" ({breakdown})" if breakdown else "")
                + f" is given twice: also on row {self._seen[key]}. Keep one of them.",
            )
        else:
            self._seen[key] = entry.value.excel_row

    def _indicator(self, cell: CellRef) -> Indicator | None:
        if is_missing(cell.value):
            self.problem(cell, "is empty: say which indicator the figure is for.")
            return None
        found = self.catalogue.lookup(str(cell.value))
        if found is None:
            self.problem(
                cell,
                "is not an indicator in the catalogue. Use a code such as "
                f"{', '.join(self.catalogue.codes[:3])} (all codes are on the template's "
                "instructions sheet) or the indicator's exact name.",
            )
        return found

    def _period(self, cell: CellRef, entry: Entry) -> dt.date | None:
        key = (cell.value, cell.row0, cell.col0) if self.located.layout == "wide" else cell.value
        try:
            cached = self._periods.get(key) if isinstance(cell.value, str | dt.date) else None
            period = cached if cached is not None else parse_period(cell.value)
        except PeriodError as err:
            self.problem(cell, f"the period {err}.")
            return None
        if isinstance(cell.value, str | dt.date):
            self._periods[key] = period
        if period > self.latest_month:
            where = cell if self.located.layout == "long" else entry.value
            self.problem(
                where,
                f"the period {format_period(period)} is in the future. Figures can only be "
                "loaded for months that have started; check the year.",
            )
            return None
        return period

    def _value(self, cell: CellRef, indicator: Indicator | None) -> float | None:
        percent_cell = (cell.row0, cell.col0) in self.sheet.percent_cells
        try:
            value, _ = to_number(cell.value, percent_cell)
        except NotANumber:
            self.problem(
                cell,
                "is not a number. Enter the figure as a number (such as 37.5), "
                "or leave it empty (or n/a) if there is no figure for that month.",
            )
            return None
        if indicator is None:
            return value
        if indicator.is_percent and not 0 <= value <= 100:
            self.problem(
                cell,
                f"is outside 0 to 100. {indicator.code} is a percentage: enter percent "
                "points, for example 37.5 for 37.5%.",
            )
        elif indicator.unit in ("count", "number") and value < 0:
            self.problem(cell, f"is negative. {indicator.code} cannot be less than zero.")
        elif indicator.unit == "count" and not value.is_integer():
            self.problem(cell, f"is not a whole number. {indicator.code} is a count.")
        return value

    def _breakdown(self, cell: CellRef | None, indicator: Indicator | None, entry: Entry) -> str:
        text = "" if cell is None or is_missing(cell.value) else str(cell.value).strip()
        if indicator is None:
            return text
        kind = indicator.breakdown
        if kind == "none":
            if text:
                self.problem(
                    cell,
                    f"{indicator.code} has no breakdowns: leave breakdown empty for the "
                    "whole authority.",
                )
            return WHOLE_AUTHORITY
        allowed = self.catalogue.breakdown_values.get(kind, ())
        if not allowed:
            return text
        match = next((a for a in allowed if header_key(a) == header_key(text)), None)
        if match is None:
            self.problem(
                cell or entry.indicator,
                f"{indicator.code} needs a breakdown that is one of: {', '.join(allowed)}.",
            )
            return text
        return match

    def _ratio(
        self, entry: Entry, indicator: Indicator | None, value: float | None
    ) -> tuple[float | None, float | None]:
        parts = []
        for cell in (entry.numerator, entry.denominator):
            if cell is None or is_missing(cell.value):
                parts.append(None)
                continue
            try:
                parts.append(to_number(cell.value)[0])
            except NotANumber:
                self.problem(cell, "is not a number.")
                parts.append(None)
        numerator, denominator = parts
        if (numerator is None) != (denominator is None):
            present = entry.numerator if numerator is not None else entry.denominator
            self.problem(present, "needs both a numerator and a denominator, or neither.")
            return None, None
        if numerator is None or value is None or indicator is None:
            return numerator, denominator
        if indicator.unit == "count":
            self.problem(
                entry.numerator,
                f"{indicator.code} is a count: numerator and denominator are only for "
                "percentages and averages. Leave them empty.",
            )
        elif denominator == 0:
            self.problem(entry.denominator, "is zero, so no percentage can be worked out.")
        elif not agrees(value, numerator, denominator, indicator.is_percent):
            expected = numerator / denominator * (100 if indicator.is_percent else 1)
            self.problem(
                entry.value,
                f"does not agree with numerator {shown(numerator)} and denominator "
                f"{shown(denominator)}, which give {expected:.2f}. Correct whichever is wrong.",
            )
        return numerator, denominator

    def _commentary(self, cell: CellRef | None) -> str | None:
        if cell is None or is_missing(cell.value):
            return None
        return str(cell.value).strip()


def check_sheet(located: Located, catalogue: Catalogue, today: dt.date | None = None) -> Checked:
    return SheetChecker(located, catalogue, today).check()
