"""The rules a director's figures must meet before anything is stored.

Every rule is checked on every cell and every problem is collected, so a
director sees the whole list at once. The result is either a tidy table of
figures ready to store, or `Invalid` with the problems: never half of each.
What a single cell means (empty, a number) is `cells`; team and band names are
`breakdowns`; plausible months and magnitudes are `bounds`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from core.catalogue import WHOLE_AUTHORITY, Catalogue, Indicator
from core.derivation import upload_refusal
from core.periods import PeriodError, format_period, long_label, parse_period
from etl.ingest.bounds import first_month, first_year_label, latest_month, upper_bound
from etl.ingest.breakdowns import BreakdownNames
from etl.ingest.cells import (
    NotANumber,
    agrees,
    hashable,
    is_missing,
    not_finite_reason,
    shown,
    to_number,
)
from etl.ingest.layouts import LONG_COLUMNS, Entry, Located
from etl.ingest.problems import Problem
from etl.ingest.workbook import Sheet

OBSERVATION_COLUMNS = [*LONG_COLUMNS, "sheet", "row"]
NOT_A_NUMBER = (
    "is not a number. Enter the figure as a number (such as 37.5), "
    "or leave it empty (or n/a) if there is no figure for that month."
)


@dataclass
class Checked:
    """The outcome of checking one sheet of figures."""

    observations: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # cells with no figure ('', n/a, -, ..): never stored as zero


_UNSET = object()


class SheetChecker:
    """Applies every rule to the entries of one sheet, collecting all problems.

    Lookups are cached per distinct cell value (a file of 100,000 rows has a
    handful of indicators and months), and a cell's position is only turned
    into words when there is a problem to describe.
    """

    def __init__(
        self,
        located: Located,
        catalogue: Catalogue,
        today: dt.date | None = None,
        first: dt.date | None = None,
    ):
        self.sheet: Sheet = located.sheet
        self.located = located
        self.catalogue = catalogue
        self.first_month = first or first_month()
        self.latest_month = latest_month(today)
        self.names = BreakdownNames(catalogue, (e.breakdown for e in located.entries))
        self.problems: list[Problem] = []
        self._indicators: dict[object, Indicator | None] = {}
        self._periods: dict[object, dt.date | PeriodError] = {}
        self._keys: list[tuple[str, dt.date, str, int]] = []  # for the duplicate rule
        self._percent_cells = self.sheet.percent_cells
        self._unsaved = self.sheet.unsaved_formulas

    def problem(self, entry: Entry | None, name: str, message: str) -> None:
        """Record a problem with the cell holding field `name` of `entry`."""
        cell = self.located.ref(entry, name) if entry is not None else None
        if cell is None and entry is not None:
            cell = self.located.ref(entry, "indicator")
        self.problems.append(
            Problem(
                self.sheet.name,
                cell.excel_row if cell else None,
                cell.column if cell else "",
                shown(cell.value) if cell else "",
                message,
            )
        )

    def check(self) -> Checked:
        from etl.ingest.fastpath import fast_accept  # imports this module: keep the import here

        entries = self.located.entries
        accepted, accepted_at, rest = fast_accept(
            self.located, self.catalogue, self.first_month, self.latest_month, self.names
        )
        records = []
        skipped = 0
        for position in rest:
            outcome = self._entry(entries[position], int(position))
            if outcome is None:
                continue
            if outcome == "skipped":
                skipped += 1
            else:
                records.append(outcome)
        if len(accepted_at):
            self._keys += zip(
                accepted["indicator"].tolist(),
                accepted["period"].tolist(),
                accepted["breakdown"].tolist(),
                accepted_at.tolist(),
                strict=True,
            )
        self._duplicates()
        self.problems.sort(key=lambda p: p.row or 0)
        frame = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
        if len(accepted):
            frame = accepted if frame.empty else pd.concat([accepted, frame], ignore_index=True)
            frame = frame.sort_values("row", kind="stable", ignore_index=True)
        if frame.empty and not self.problems:
            self.problem(
                None,
                "",
                "has no figures to load. Fill in at least one row with an indicator, "
                "a period and a value.",
            )
        return Checked(frame, self.problems, skipped)

    def _entry(self, entry: Entry, position: int) -> tuple | str | None:
        before = len(self.problems)
        indicator = self._indicator(entry)
        period = self._period(entry)
        if self._unsaved and (entry.row0, entry.value_col) in self._unsaved:
            self.problem(
                entry,
                "value",
                "holds a formula with no saved result. Open the file in Excel, let it "
                "calculate, save it, and upload it again (or paste the values as numbers).",
            )
            return None
        if isinstance(entry.value, float) and math.isnan(entry.value):
            self.problem(entry, "value", not_finite_reason(entry.value))
            return None
        if is_missing(entry.value):
            return "skipped" if len(self.problems) == before else None
        value = self._value(entry, indicator)
        breakdown = self._breakdown(entry, indicator)
        numerator, denominator = self._ratio(entry, indicator, value)
        if indicator is not None and period is not None:
            self._keys.append((indicator.code, period, breakdown, position))
        if len(self.problems) > before or indicator is None or period is None or value is None:
            return None
        commentary = entry.commentary
        if commentary is not None:
            commentary = None if is_missing(commentary) else str(commentary).strip()
        return (
            indicator.code,
            period,
            breakdown,
            value,
            numerator,
            denominator,
            commentary,
            self.sheet.name,
            entry.row0 + 1,
        )

    def _duplicates(self) -> None:
        """The same indicator, month and breakdown may appear only once in a file.

        Breakdowns are compared as stored, so 'duty and assessment' and
        'Duty  and Assessment' are the same team given twice.
        """
        first_seen: dict[tuple[str, dt.date, str], int] = {}
        entries = self.located.entries
        for code, period, breakdown, position in sorted(self._keys, key=lambda k: k[3]):
            key = (code, period, breakdown)
            if key not in first_seen:
                first_seen[key] = position
                continue
            where = f" ({breakdown})" if breakdown else ""
            self.problem(
                entries[position],
                "value",
                f"{code} for {format_period(period)}{where} is given twice: "
                f"also on row {entries[first_seen[key]].row0 + 1}. Keep one of them.",
            )

    def _indicator(self, entry: Entry) -> Indicator | None:
        raw = entry.indicator
        found = self._indicators.get(raw, _UNSET) if hashable(raw) else _UNSET
        if found is _UNSET:
            found = None if is_missing(raw) else self.catalogue.lookup(str(raw))
            if hashable(raw):
                self._indicators[raw] = found
        if found is None:
            if is_missing(raw):
                self.problem(entry, "indicator", "is empty: say which indicator the figure is for.")
            else:
                self.problem(
                    entry,
                    "indicator",
                    "is not an indicator in the catalogue. Use a code such as "
                    f"{', '.join(self.catalogue.codes[:3])} (all codes are on the template's "
                    "instructions sheet) or the indicator's exact name.",
                )
        elif isinstance(found, Indicator) and found.derivation is not None:
            self.problem(entry, "indicator", upload_refusal(found))  # a rate is worked out
            return None
        return found if isinstance(found, Indicator) else None

    def _period(self, entry: Entry) -> dt.date | None:
        raw = entry.period
        period = self._periods.get(raw) if hashable(raw) else None
        if period is None:
            try:
                period = parse_period(raw)
            except PeriodError as err:
                period = err
            if hashable(raw):
                self._periods[raw] = period
        if isinstance(period, PeriodError):
            self.problem(entry, "period", f"the period {period}.")
            return None
        where = "period" if self.located.layout == "long" else "value"
        if period > self.latest_month:
            self.problem(
                entry,
                where,
                f"the period {format_period(period)} is in the future. Figures can only be "
                "loaded for months that have started; check the year.",
            )
            return None
        if period < self.first_month:
            self.problem(
                entry,
                where,
                f"the period {long_label(period)} is before {first_year_label()}, the first "
                "financial year this council holds figures for. Check the year (Excel reads "
                "a two-digit year from 30 to 99 as 1930 to 1999).",
            )
            return None
        return period

    def _value(self, entry: Entry, indicator: Indicator | None) -> float | None:
        raw = entry.value
        percent_cell = bool(self._percent_cells) and (
            (entry.row0, entry.value_col) in self._percent_cells
        )
        if type(raw) is float and not percent_cell and math.isfinite(raw):
            value = raw
        else:
            try:
                value, _ = to_number(raw, percent_cell)
            except NotANumber as err:
                self.problem(entry, "value", err.reason or NOT_A_NUMBER)
                return None
        if indicator is None:
            return value
        bound = upper_bound(indicator)
        if indicator.is_percent and not 0 <= value <= 100:
            self.problem(
                entry,
                "value",
                f"is outside 0 to 100. {indicator.code} is a percentage: enter percent "
                "points, for example 37.5 for 37.5%.",
            )
        elif value < 0:
            self.problem(entry, "value", f"is negative. {indicator.code} cannot be less than zero.")
        elif bound is not None and value > bound:
            self.problem(
                entry,
                "value",
                f"is more than {indicator.format_value(bound)}, the most {indicator.code} can "
                "plausibly be in a month, so it looks like a slip (a total pasted in, or a "
                "misplaced decimal point). Check the figure.",
            )
        elif indicator.unit == "count" and not value.is_integer():
            self.problem(entry, "value", f"is not a whole number. {indicator.code} is a count.")
        return value

    def _breakdown(self, entry: Entry, indicator: Indicator | None) -> str:
        raw = entry.breakdown
        if indicator is None:
            return self.names.text(raw)
        kind = indicator.breakdown
        if kind == "none":
            if self.names.text(raw):
                self.problem(
                    entry,
                    "breakdown",
                    f"{indicator.code} has no breakdowns: leave breakdown empty for the "
                    "whole authority.",
                )
            return WHOLE_AUTHORITY
        match = self.names.stored(kind, raw)
        if match is None:
            allowed = self.catalogue.breakdown_values.get(kind, ())
            self.problem(
                entry,
                "breakdown",
                f"{indicator.code} needs a breakdown that is one of: {', '.join(allowed)}.",
            )
            return self.names.text(raw)
        return match

    def _ratio(
        self, entry: Entry, indicator: Indicator | None, value: float | None
    ) -> tuple[float | None, float | None]:
        if (entry.numerator is None or entry.numerator == "") and (
            entry.denominator is None or entry.denominator == ""
        ):
            return None, None
        parts: list[float | None] = []
        for name in ("numerator", "denominator"):
            raw = getattr(entry, name)
            if raw is None or is_missing(raw):
                parts.append(None)
                continue
            try:
                number = to_number(raw)[0]
            except NotANumber as err:
                self.problem(entry, name, err.reason or "is not a number.")
                parts.append(None)
                continue
            if number < 0:
                self.problem(
                    entry, name, f"is negative: a {name} counts something, so it is 0 or more."
                )
            parts.append(number)
        numerator, denominator = parts
        if (numerator is None) != (denominator is None):
            present = "numerator" if numerator is not None else "denominator"
            self.problem(entry, present, "needs both a numerator and a denominator, or neither.")
            return None, None
        if numerator is None or denominator is None or value is None or indicator is None:
            return numerator, denominator
        if indicator.unit == "count":
            self.problem(
                entry,
                "numerator",
                f"{indicator.code} is a count: numerator and denominator are only for "
                "percentages and averages. Leave them empty.",
            )
        elif denominator == 0:
            self.problem(entry, "denominator", "is zero, so no percentage can be worked out.")
        elif not agrees(value, numerator, denominator, indicator.is_percent):
            expected = numerator / denominator * (100 if indicator.is_percent else 1)
            self.problem(
                entry,
                "value",
                f"does not agree with numerator {shown(numerator)} and denominator "
                f"{shown(denominator)}, which give {expected:.2f}. Correct whichever is wrong.",
            )
        return numerator, denominator


def check_sheet(located: Located, catalogue: Catalogue, today: dt.date | None = None) -> Checked:
    return SheetChecker(located, catalogue, today).check()
