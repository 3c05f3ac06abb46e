"""Derived indicators worked out from the current figures: the rates per 10,000 children.

A rate is never stored. It is worked out each time the current figures are read
(`etl.store.queries.current_values` calls `with_derived`), so it appears wherever an uploaded
figure does (pages, extracts, the committee report, SPC) and follows its inputs: revise the
count or the population, or roll one back, and the rate changes with it. The recipe of each
rate is catalogue data (`core.derivation.Derivation`).

Rules, as the DfE's rates follow them:
- the population is the latest `population` figure at or before the month (a director
  enters the ONS estimate once, for the month it applies from), so a month before the first
  population figure has no rate;
- a rate over 12 months (`months = 12`: referrals in the last 12 months) needs a figure for
  each of the 12 months to the month, or it has none: a gap would understate it;
- only whole-authority figures are used; the rate is rounded to the indicator's decimals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.catalogue import WHOLE_AUTHORITY, Catalogue, Indicator

# Who and when a derived figure is "from": its newest input, so "last updated" stays true.
PROVENANCE = ("submission_id", "submitted_at", "submitted_by")


def derived_codes(cat: Catalogue, indicators: Sequence[str] | None = None) -> list[str]:
    """The derived indicators asked for: every one when `indicators` is empty or None."""
    wanted = set(indicators or ())
    return [
        i.code
        for i in cat.indicators
        if i.derivation is not None and (not wanted or i.code in wanted)
    ]


def input_codes(cat: Catalogue, codes: Sequence[str]) -> list[str]:
    """The uploaded indicators the derived `codes` are worked out from, each once."""
    needed: list[str] = []
    for code in codes:
        derivation = cat.get(code).derivation
        for name in derivation.inputs if derivation else ():
            if name not in needed:
                needed.append(name)
    return needed


def _month_number(periods: pd.Series) -> np.ndarray:
    return np.array([p.year * 12 + p.month - 1 for p in periods], dtype=np.int64)


def _series(values: pd.DataFrame, code: str) -> pd.DataFrame:
    rows = values[(values["indicator"] == code) & (values["breakdown"] == WHOLE_AUTHORITY)]
    return rows.sort_values("period", kind="stable").reset_index(drop=True)


def _newest(rows: list[pd.Series]) -> dict[str, object]:
    """The provenance of the most recently submitted input row."""
    have = [name for name in PROVENANCE if name in rows[0].index]
    if "submitted_at" not in have:
        return {name: rows[-1][name] for name in have}
    newest = max(rows, key=lambda r: (r["submitted_at"], r.get("submission_id", 0)))
    return {name: newest[name] for name in have}


def _rates(ind: Indicator, values: pd.DataFrame) -> list[dict[str, object]]:
    """Every month the indicator can be worked out for, as rows of current figures."""
    d = ind.derivation
    assert d is not None
    counts, population = _series(values, d.numerator), _series(values, d.population)
    if counts.empty or population.empty:
        return []
    months, totals = _month_number(counts["period"]), counts["value"].astype(float).to_numpy()
    pop_months = _month_number(population["period"])
    rows = []
    for i in range(d.months - 1, len(counts)):
        start = i - d.months + 1
        if months[i] - months[start] != d.months - 1:  # a gap in the 12 months: no figure
            continue
        j = int(np.searchsorted(pop_months, months[i], side="right")) - 1
        if j < 0:  # no population figure yet
            continue
        people = float(population["value"].iloc[j])
        if not people > 0:
            continue
        total = float(totals[start : i + 1].sum())
        inputs = [counts.iloc[k] for k in range(start, i + 1)] + [population.iloc[j]]
        rows.append(
            {
                "indicator": ind.code,
                "period": counts["period"].iloc[i],
                "breakdown": WHOLE_AUTHORITY,
                "value": round(total / people * d.per, ind.decimals),
                "numerator": total,
                "denominator": people,
                "commentary": None,
                **_newest(inputs),
            }
        )
    return rows


def derived_figures(
    values: pd.DataFrame, cat: Catalogue, codes: Sequence[str] | None = None
) -> pd.DataFrame:
    """Rows for the derived indicators `codes` (all when None), with `values`' columns.

    `values` must hold every input figure up to the last month wanted, from the start: a
    rate reaches back 11 months, and the population figure in force may be years old.
    """
    wanted = derived_codes(cat, codes)
    rows = [row for code in wanted for row in _rates(cat.get(code), values)]
    frame = pd.DataFrame(rows, columns=list(values.columns))
    if frame.empty:
        return frame
    for column, dtype in values.dtypes.items():
        if column in ("value", "numerator", "denominator"):
            frame[column] = frame[column].astype("float64")  # a rate is never a whole count
        elif column != "commentary":
            frame[column] = frame[column].astype(dtype)  # as the store gives them
    return frame


def with_derived(
    values: pd.DataFrame,
    cat: Catalogue,
    indicators: Sequence[str] | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> pd.DataFrame:
    """The figures asked for (`indicators`, `first` to `last`), derived ones included.

    `values` holds those figures and also every input of the derived indicators asked for,
    from their first month to `last`; rows that were only read as inputs are dropped again.
    The result keeps the order the store gives: indicator, breakdown, month.
    """
    wanted = derived_codes(cat, indicators)
    if not wanted:
        return values
    extra = derived_figures(values, cat, wanted)
    keep = pd.Series(True, index=values.index)
    if indicators:
        keep &= values["indicator"].isin(list(indicators))
    if first is not None:
        keep &= values["period"] >= first
        extra = extra[extra["period"] >= first]
    if last is not None:
        extra = extra[extra["period"] <= last]
    if extra.empty:
        return values[keep].reset_index(drop=True)
    both = pd.concat([values[keep], extra], ignore_index=True)
    both = both.sort_values(["indicator", "breakdown", "period"], kind="stable")
    return both.reset_index(drop=True)
