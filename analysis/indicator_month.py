"""The indicator-month model: one frame per indicator that every view reads.

Councillors see the same month of the same measure in several places: the chart and
the table under it, the Overview scorecard, the committee report's SVG chart and
summary, the sentence under the chart, and the officers' extract. If each worked out
"on target?" and "better or worse?" for itself, one day two of them would disagree in
front of a select commission. So the status (RAG) and the direction of travel are
computed here, and only here, from `analysis.rag`'s rules; every view reads the
columns below.

One row per month (and breakdown) with:
`period, breakdown, value, numerator, denominator, commentary` (the figures; a month
with no figure has NaN, never zero), `target, amber_tolerance` (the target in force
that month), `rag` (`green`/`amber`/`red`/None), `rag_label` (words), `previous_value`,
`direction_month`, `year_ago_value`, `direction_year` (`improving`, `worsening`,
`no change`, `increase`, `decrease` or None).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.rag import RAG_WORDS, direction, rag, with_targets
from core.catalogue import Indicator
from core.periods import add_months, month_range

NO_FIGURE = "No figure"
FIGURE_COLUMNS = ("value", "numerator", "denominator", "commentary")
COLUMNS = [
    "indicator",
    "breakdown",
    "period",
    "value",
    "numerator",
    "denominator",
    "commentary",
    "target",
    "amber_tolerance",
    "rag",
    "rag_label",
    "previous_value",
    "direction_month",
    "year_ago_value",
    "direction_year",
]


def _object(values: list) -> pd.Series:
    """An object column that keeps None as None (pandas would otherwise make it NaN)."""
    return pd.Series(values, dtype=object)


def indicator_months(
    indicator: Indicator,
    figures: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> pd.DataFrame:
    """The month-by-month model of one indicator's figures for one breakdown.

    `figures` holds one breakdown's rows (`period` and `value`, and where known
    `numerator`, `denominator`, `commentary`, `breakdown`); `targets` is
    `etl.store.queries.targets`. With `first`/`last` every month between them gets a
    row (a gap stays a gap); without, the months the figures cover. Direction compares
    with the month before and the same month a year earlier, by calendar month, so a
    missing month is "no comparison", never a comparison with an older figure.
    """
    rows = figures[[c for c in ("period", "breakdown", *FIGURE_COLUMNS) if c in figures]]
    if rows.empty and (first is None or last is None):
        return pd.DataFrame(columns=COLUMNS)
    start = first or min(rows["period"])
    end = last or max(rows["period"])
    breakdown = str(rows["breakdown"].iloc[0]) if "breakdown" in rows and len(rows) else ""
    frame = pd.DataFrame({"period": month_range(start, end)}).merge(
        rows[(rows["period"] >= start) & (rows["period"] <= end)].drop(
            columns="breakdown", errors="ignore"
        ),
        on="period",
        how="left",
    )
    for column in FIGURE_COLUMNS:
        if column not in frame:
            frame[column] = "" if column == "commentary" else float("nan")
    frame = with_targets(frame.assign(indicator=indicator.code), targets).reset_index(drop=True)
    frame["breakdown"] = breakdown
    # Look-ups by month, for the direction of travel; months before `first` count too.
    known = {p: float(v) for p, v in zip(rows["period"], rows["value"], strict=True) if pd.notna(v)}
    values = [None if pd.isna(v) else float(v) for v in frame["value"]]
    previous = [known.get(add_months(p, -1)) for p in frame["period"]]
    year_ago = [known.get(add_months(p, -12)) for p in frame["period"]]
    statuses = [
        rag(v, t, a, indicator.polarity)
        for v, t, a in zip(values, frame["target"], frame["amber_tolerance"], strict=True)
    ]
    frame["rag"] = _object(statuses)
    frame["rag_label"] = [
        RAG_WORDS[s] if v is not None else NO_FIGURE for s, v in zip(statuses, values, strict=True)
    ]
    frame["previous_value"] = pd.Series(previous, dtype=float)
    frame["year_ago_value"] = pd.Series(year_ago, dtype=float)
    polarity, decimals = indicator.polarity, indicator.decimals
    frame["direction_month"] = _object(
        [direction(v, p, polarity, decimals) for v, p in zip(values, previous, strict=True)]
    )
    frame["direction_year"] = _object(
        [direction(v, y, polarity, decimals) for v, y in zip(values, year_ago, strict=True)]
    )
    return frame[COLUMNS]


def month_of(model: pd.DataFrame, period: dt.date) -> dict | None:
    """One month of a model as a record, or None when the model has no row for it."""
    rows = model[model["period"] == period]
    if rows.empty:
        return None
    record = rows.iloc[-1].to_dict()
    for key in ("rag", "direction_month", "direction_year"):
        record[key] = rows[key].iloc[-1]  # None stays None
    return record


def statuses_by_row(frame: pd.DataFrame, polarity_of: dict[str, str]) -> list[str | None]:
    """RAG for rows of many indicators at once (extracts): the model's rule, row by row.

    `frame` has `indicator`, `value`, `target` and `amber_tolerance` (after
    `with_targets`); `polarity_of` maps an indicator code to its polarity.
    """
    return [
        rag(None if pd.isna(v) else float(v), t, a, polarity_of[c])
        for c, v, t, a in zip(
            frame["indicator"],
            frame["value"],
            frame["target"],
            frame["amber_tolerance"],
            strict=True,
        )
    ]
