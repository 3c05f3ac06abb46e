"""Accept plainly valid rows column by column, so a 100,000-row return loads in about a second.

This is only a shortcut. A row is accepted here when every one of its cells is
of the simplest kind (a known indicator, a readable month from the council's first
financial year to now, a plain finite number within range and bounds, an allowed
breakdown, no numerator or denominator); anything
else goes to the full row-by-row checker in `validate`, which remains the one
place that words problems. Tests check that both routes give the same result.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.catalogue import WHOLE_AUTHORITY, Catalogue, Indicator
from core.periods import PeriodError, parse_period
from etl.ingest.bounds import upper_bound
from etl.ingest.breakdowns import BreakdownNames
from etl.ingest.cells import is_missing
from etl.ingest.layouts import Entry, Located


def _lookup(cat: Catalogue, raw: object) -> Indicator | None:
    found = cat.lookup(raw) if isinstance(raw, str) and raw.strip() else None
    return None if found is None or found.derivation is not None else found  # rates: refused


def _month(raw: object, first: dt.date, latest: dt.date) -> dt.date | None:
    if not isinstance(raw, str | dt.date | float | int) or isinstance(raw, bool):
        return None
    try:
        period = parse_period(raw)
    except PeriodError:
        return None
    return period if first <= period <= latest else None


def _breakdown(names: BreakdownNames, ind: Indicator | None, raw: object) -> str | None:
    """The stored breakdown for a simple cell, or None when the full checker must look."""
    if ind is None or not (raw is None or isinstance(raw, str) or is_missing(raw)):
        return None
    if ind.breakdown == "none":
        return WHOLE_AUTHORITY if names.text(raw) == "" else None
    return names.stored(ind.breakdown, raw)


def fast_accept(
    located: Located,
    cat: Catalogue,
    first: dt.date,
    latest: dt.date,
    names: BreakdownNames,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(accepted rows as a frame, their positions in `entries`, positions needing the checker)."""
    entries = located.entries
    n = len(entries)
    if n == 0:
        return pd.DataFrame(), np.arange(0), np.arange(0)
    # Cell values from a reader are str, float, date, bool or None: all hashable, so each
    # distinct value is looked up once and rows are mapped through dictionaries.
    columns = dict(zip(Entry._fields, zip(*entries, strict=True), strict=True))
    indicators = {raw: _lookup(cat, raw) for raw in set(columns["indicator"])}
    months = {raw: _month(raw, first, latest) for raw in set(columns["period"])}
    ind = list(map(indicators.__getitem__, columns["indicator"]))
    period = list(map(months.__getitem__, columns["period"]))
    codes = [i.code if i is not None else None for i in ind]
    pairs = {
        (code, b): _breakdown(names, cat.get(code) if code else None, b)
        for code, b in set(zip(codes, columns["breakdown"], strict=True))
    }
    breakdown = list(map(pairs.__getitem__, zip(codes, columns["breakdown"], strict=True)))
    value = np.fromiter(
        (v if type(v) is float else np.nan for v in columns["value"]), dtype=float, count=n
    )
    unit = np.array([i.unit if i is not None else "" for i in ind], dtype=object)
    bound = np.array([_bound(i) for i in ind], dtype=float)
    ok = np.isfinite(value) & (value <= bound)
    ok &= np.fromiter((c is not None for c in codes), dtype=bool, count=n)
    ok &= np.fromiter((p is not None for p in period), dtype=bool, count=n)
    ok &= np.fromiter((b is not None for b in breakdown), dtype=bool, count=n)
    ok &= np.where(unit == "percent", (value >= 0) & (value <= 100), value >= 0)
    with np.errstate(invalid="ignore"):  # infinity has no remainder: refused above anyway
        ok &= np.where(unit == "count", np.mod(value, 1) == 0, True)
    for name in ("numerator", "denominator"):
        ok &= np.fromiter((v is None or v == "" for v in columns[name]), dtype=bool, count=n)
    sheet = located.sheet
    special = sheet.percent_cells | sheet.unsaved_formulas
    if special:
        ok &= np.fromiter(
            (
                (r, c) not in special
                for r, c in zip(columns["row0"], columns["value_col"], strict=True)
            ),
            dtype=bool,
            count=n,
        )
    keep = np.flatnonzero(ok)
    comments = columns["commentary"]
    accepted = pd.DataFrame(
        {
            "indicator": [codes[k] for k in keep],
            "period": [period[k] for k in keep],
            "breakdown": [breakdown[k] for k in keep],
            "value": value[keep],
            "numerator": np.full(len(keep), np.nan),
            "denominator": np.full(len(keep), np.nan),
            "commentary": [_comment(comments[k]) for k in keep],
            "sheet": sheet.name,
            "row": np.asarray(columns["row0"])[keep] + 1,
        }
    )
    return accepted, keep, np.flatnonzero(~ok)


def _bound(ind: Indicator | None) -> float:
    limit = upper_bound(ind) if ind is not None else None
    return np.inf if limit is None else limit


def _comment(raw: object) -> str | None:
    return None if raw is None or is_missing(raw) else str(raw).strip()
