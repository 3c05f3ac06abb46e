"""Targets supplied in an upload's `targets` sheet.

Columns: indicator, effective from (a month), target, optional amber tolerance.
Targets may lie in the future (a council sets next year's in advance).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core.catalogue import Catalogue
from core.periods import PeriodError, parse_period
from etl.ingest.cells import NotANumber, is_missing, shown, to_number
from etl.ingest.layouts import CellRef, header_key
from etl.ingest.problems import Problem
from etl.ingest.workbook import Sheet
from etl.store.revisions import TARGET_COLUMNS

_ALIASES = {
    "indicator": ("indicator",),
    "effective_from": ("effectivefrom", "from", "period", "month"),
    "target": ("target",),
    "amber_tolerance": ("ambertolerance", "tolerance", "amber"),
}


def check_targets(sheet: Sheet, catalogue: Catalogue) -> tuple[pd.DataFrame, list[Problem]]:
    """The targets in `sheet`, or the problems that stop them being loaded."""
    problems: list[Problem] = []
    rows = sheet.rows
    header = next(
        (r for r in range(min(20, len(rows))) if "indicator" in map(header_key, rows[r])), None
    )
    if header is None:
        return _empty(), [
            Problem(sheet.name, None, "", "", "has no header row with an 'indicator' column.")
        ]
    keys = [header_key(v) for v in rows[header]]
    cols = {
        name: next((keys.index(a) for a in aliases if a in keys), None)
        for name, aliases in _ALIASES.items()
    }
    missing = [n for n in ("indicator", "effective_from", "target") if cols[n] is None]
    if missing:
        return _empty(), [
            Problem(
                sheet.name,
                header + 1,
                "",
                "",
                "the targets header needs columns indicator, effective from and target; "
                f"missing: {', '.join(m.replace('_', ' ') for m in missing)}.",
            )
        ]
    records: list[tuple] = []
    seen: dict[tuple[str, dt.date], int] = {}

    def cell(r: int, name: str) -> CellRef | None:
        c = cols[name]
        if c is None:
            return None
        value = rows[r][c] if c < len(rows[r]) else ""
        return CellRef(value, r, c, str(rows[header][c]))

    def required(r: int, name: str) -> CellRef:
        ref = cell(r, name)
        if ref is None:  # pragma: no cover - a missing required column was refused above
            raise ValueError(f"the targets sheet has no {name} column")
        return ref

    def problem(ref: CellRef, message: str) -> None:
        problems.append(Problem(sheet.name, ref.excel_row, ref.column, shown(ref.value), message))

    for r in range(header + 1, len(rows)):
        refs = {name: cell(r, name) for name in cols}
        if all(ref is None or is_missing(ref.value) for ref in refs.values()):
            continue
        before = len(problems)
        indicator_ref, month_ref, target_ref = (
            required(r, "indicator"),
            required(r, "effective_from"),
            required(r, "target"),
        )
        indicator = catalogue.lookup(str(indicator_ref.value))
        if indicator is None:
            problem(indicator_ref, "is not an indicator in the catalogue.")
        month: dt.date | None
        try:
            month = parse_period(month_ref.value)
        except PeriodError as err:
            problem(month_ref, f"the month {err}.")
            month = None
        numbers: dict[str, float | None] = {}
        for name in ("target", "amber_tolerance"):
            ref = refs[name]
            if ref is None or is_missing(ref.value):
                numbers[name] = None
                continue
            try:
                numbers[name] = to_number(ref.value, (ref.row0, ref.col0) in sheet.percent_cells)[0]
            except NotANumber as err:
                problem(ref, err.reason or "is not a number.")
        if numbers.get("target") is None and "target" in numbers:
            problem(target_ref, "is empty: give the target as a number.")
        elif (
            indicator is not None
            and indicator.is_percent
            and not 0 <= (numbers.get("target") or 0) <= 100
        ):
            problem(target_ref, "is outside 0 to 100 for a percentage indicator.")
        tolerance_ref = refs["amber_tolerance"]
        if tolerance_ref is not None and (numbers.get("amber_tolerance") or 0) < 0:
            problem(tolerance_ref, "cannot be negative.")
        if len(problems) > before or indicator is None or month is None:
            continue
        key = (indicator.code, month)
        if key in seen:
            problem(indicator_ref, f"this target is given twice: also on row {seen[key]}.")
            continue
        seen[key] = r + 1
        records.append(
            (
                indicator.code,
                month,
                numbers["target"],
                numbers.get("amber_tolerance")
                if numbers.get("amber_tolerance") is not None
                else indicator.amber_tolerance,
            )
        )
    return pd.DataFrame.from_records(records, columns=TARGET_COLUMNS), problems


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=TARGET_COLUMNS)
