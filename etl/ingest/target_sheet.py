"""Targets supplied in an upload's `targets` sheet.

Columns: indicator, effective from (a month), target, optional amber tolerance.
Targets may lie in the future (a council sets next year's in advance).
"""

from __future__ import annotations

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
    records, seen = [], {}

    def cell(r: int, name: str) -> CellRef | None:
        c = cols[name]
        if c is None:
            return None
        value = rows[r][c] if c < len(rows[r]) else ""
        return CellRef(value, r, c, str(rows[header][c]))

    def problem(ref: CellRef, message: str) -> None:
        problems.append(Problem(sheet.name, ref.excel_row, ref.column, shown(ref.value), message))

    for r in range(header + 1, len(rows)):
        refs = {name: cell(r, name) for name in cols}
        if all(ref is None or is_missing(ref.value) for ref in refs.values()):
            continue
        before = len(problems)
        indicator = catalogue.lookup(str(refs["indicator"].value))
        if indicator is None:
            problem(refs["indicator"], "is not an indicator in the catalogue.")
        try:
            month = parse_period(refs["effective_from"].value)
        except PeriodError as err:
            problem(refs["effective_from"], f"the month {err}.")
            month = None
        numbers = {}
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
            problem(refs["target"], "is empty: give the target as a number.")
        elif (
            indicator is not None
            and indicator.is_percent
            and not 0 <= (numbers.get("target") or 0) <= 100
        ):
            problem(refs["target"], "is outside 0 to 100 for a percentage indicator.")
        if (numbers.get("amber_tolerance") or 0) < 0:
            problem(refs["amber_tolerance"], "cannot be negative.")
        if len(problems) > before or indicator is None or month is None:
            continue
        key = (indicator.code, month)
        if key in seen:
            problem(refs["indicator"], f"this target is given twice: also on row {seen[key]}.")
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
