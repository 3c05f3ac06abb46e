"""The councillors' scorecard: one row per indicator for a chosen month ("as at").

Each row answers the three questions a member asks before a meeting: where are
we (value against target, as RAG), which way are we going (against last month
and against the same month last year, judged by the indicator's polarity), and
what has the last year looked like (a 13-month sparkline). The rules themselves
live in `analysis.rag` and are applied by the indicator-month model
(`analysis.indicator_month`); this module only gathers a month of it per indicator.

Which figure stands for an indicator: the whole-authority figure (breakdown
''). An indicator reported only by breakdown (LAC_DISTANCE, by distance band)
is represented by the *last* value in the catalogue's display order for that
breakdown ("Over 100 miles"): it is the band councillors are told about, the one
the service is trying to bring down, and the bands' total is already the
looked-after count shown in its own row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis.indicator_month import indicator_months, month_of
from analysis.rag import DIRECTION_ICONS, RAG_ICONS, RAG_WORDS
from analysis.spc_view import assurance_text, headline_series, icon_text, indicator_spc
from analysis.summary import format_target
from core.catalogue import WHOLE_AUTHORITY, Catalogue, ChangePoint, Indicator
from core.periods import add_months

SPARKLINE_MONTHS = 13
NO_FIGURE = "No figure this month"
EMPTY = pd.DataFrame({"period": pd.Series(dtype=object), "value": pd.Series(dtype=float)})
NO_SPC = "No figure this month"
BETTER_IF = {"higher": "Higher", "lower": "Lower", "neither": "Neither"}

COLUMNS = [
    "code",
    "name",
    "family",
    "breakdown",
    "unit",
    "polarity",
    "decimals",
    "value",
    "target",
    "amber_tolerance",
    "rag",
    "rag_label",
    "previous_value",
    "direction_month",
    "year_ago_value",
    "direction_year",
    "sparkline",
    "commentary",
    "variation_key",
    "variation_icon",
    "assurance_key",
    "assurance_icon",
]


def months_with_data(values: pd.DataFrame) -> list[dt.date]:
    """Every month that has at least one figure, newest first (the "as at" choices)."""
    if values.empty:
        return []
    return sorted(set(values["period"]), reverse=True)


def latest_month(values: pd.DataFrame) -> dt.date | None:
    """The default "as at" month: the latest month with any figure."""
    months = months_with_data(values)
    return months[0] if months else None


def headline_breakdown(indicator: Indicator, cat: Catalogue) -> str:
    """The breakdown whose figure stands for the indicator on the scorecard (see module doc)."""
    if indicator.breakdown in ("none", "team"):
        return WHOLE_AUTHORITY
    order = cat.breakdown_values.get(indicator.breakdown, ())
    return order[-1] if order else WHOLE_AUTHORITY


def _clean(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def build_scorecard(
    values: pd.DataFrame,
    targets: pd.DataFrame,
    cat: Catalogue,
    as_at: dt.date,
    change_points: Sequence[ChangePoint] | None = None,
) -> pd.DataFrame:
    """One row per catalogue indicator, in catalogue order, as at the month `as_at`.

    `values` is `etl.store.queries.current_values` (period as date); `targets` is
    `etl.store.queries.targets`. Missing figures are NaN/None, never zero, and an
    indicator with no figure that month still has its row so the gap is visible.

    The SPC icons (`variation_*`, `assurance_*`: a key and symbol-plus-words text) judge the
    same headline series on every month up to `as_at`, with `change_points`
    (`cat.change_points` if not given). A month with no figure has
    no SPC icons: the icons describe the latest point, and that month has none.
    """
    lookup: dict[tuple[str, str, dt.date], float] = {}
    notes: dict[tuple[str, str, dt.date], str] = {}
    if not values.empty:
        for code, breakdown, period, value, note in zip(
            values["indicator"],
            values["breakdown"],
            values["period"],
            values["value"],
            values["commentary"],
            strict=True,
        ):
            lookup[(code, breakdown, period)] = value
            if isinstance(note, str) and note.strip():
                notes[(code, breakdown, period)] = note.strip()

    spark_months = [add_months(as_at, -n) for n in range(SPARKLINE_MONTHS - 1, -1, -1)]
    series = (
        {key: rows for key, rows in values.groupby(["indicator", "breakdown"], sort=False)}
        if not values.empty
        else {}
    )
    rows = []
    for ind in cat.indicators:
        part = headline_breakdown(ind, cat)

        def at(month: dt.date, code: str = ind.code, part: str = part) -> float | None:
            return _clean(lookup.get((code, part, month)))

        # The month's status and direction come from the indicator-month model, as every
        # chart, table and extract does: worked out in one place.
        month = month_of(
            indicator_months(
                ind, series.get((ind.code, part), EMPTY), targets, first=as_at, last=as_at
            ),
            as_at,
        )
        assert month is not None  # first == last == as_at: the model has that one row
        value = _clean(month["value"])
        target, tolerance = _clean(month["target"]), _clean(month["amber_tolerance"])
        status = month["rag"]
        points = cat.change_points if change_points is None else change_points
        spc = _spc_columns(ind, values, part, targets, as_at, points, value)
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "family": ind.family,
                "breakdown": part,
                "unit": ind.unit,
                "polarity": ind.polarity,
                "decimals": ind.decimals,
                "value": value,
                "target": target,
                "amber_tolerance": tolerance,
                "rag": status,
                "rag_label": RAG_WORDS[status] if value is not None else NO_FIGURE,
                "previous_value": _clean(month["previous_value"]),
                "direction_month": month["direction_month"],
                "year_ago_value": _clean(month["year_ago_value"]),
                "direction_year": month["direction_year"],
                "sparkline": [at(m) for m in spark_months],
                "commentary": notes.get((ind.code, part, as_at), ""),
                **spc,
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("value", "target", "amber_tolerance", "previous_value", "year_ago_value"):
        frame[column] = frame[column].astype(float)
    for column in ("rag", "direction_month", "direction_year"):
        # Object columns keep None as None (pandas would otherwise make it NaN).
        frame[column] = pd.Series([r[column] for r in rows], dtype=object)
    return frame


def _spc_columns(
    ind: Indicator,
    values: pd.DataFrame,
    part: str,
    targets: pd.DataFrame,
    as_at: dt.date,
    change_points: Sequence[ChangePoint],
    value: float | None,
) -> dict[str, str]:
    if value is None or values.empty:
        return {
            "variation_key": "",
            "variation_icon": NO_SPC,
            "assurance_key": "",
            "assurance_icon": NO_SPC,
        }
    result = indicator_spc(
        ind, headline_series(values, ind.code, part, as_at), targets, as_at, change_points
    )
    return {
        "variation_key": result.variation.key,
        "variation_icon": icon_text(result.variation),
        "assurance_key": result.assurance.key,
        "assurance_icon": assurance_text(result),
    }


def _format(indicator: Indicator, value: float | None) -> str:
    return indicator.format_value(value)


def _trend_text(indicator: Indicator, word: str | None, before: float | None) -> str:
    if not isinstance(word, str):
        return "No figure to compare"
    return f"{DIRECTION_ICONS[word]} (was {_format(indicator, before)})"


def display_table(scorecard: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """The scorecard as councillors read it: formatted text, with RAG and direction in words.

    Colour is added by the page; every status here is already words plus an icon,
    so the table means the same in black and white or to a screen reader.
    """
    rows = []
    for row in scorecard.itertuples(index=False):
        ind = cat.get(row.code)
        label = f"{row.name}: {row.breakdown.lower()}" if row.breakdown else row.name
        target = _clean(row.target)
        status = row.rag if isinstance(row.rag, str) else None
        rows.append(
            {
                "code": row.code,
                "Indicator": label,
                "Better if": BETTER_IF[ind.polarity],
                "Latest": _format(ind, row.value),
                "Target": format_target(ind, target) if target is not None else "No target",
                "Status": f"{RAG_ICONS[status]} {row.rag_label}",
                "On last month": _trend_text(ind, row.direction_month, row.previous_value),
                "On a year ago": _trend_text(ind, row.direction_year, row.year_ago_value),
                "Last 13 months": row.sparkline,
                "Variation (SPC)": row.variation_icon,
                "Assurance (SPC)": row.assurance_icon,
                "Note": row.commentary,
            }
        )
    return pd.DataFrame(rows)


LOCAL_MEASURE = "No national comparator (local measure)"
NOT_LOADED = "Published by the DfE, not loaded yet"
BENCHMARK_COLUMNS = [
    "code", "Indicator", "Published year", "This council", "England", "Neighbours (mean)",
    "Quartile band", "Comparison", "Source",
]  # fmt: skip
BAND_WORDS = {
    "A": "A: best quarter",
    "B": "B: second quarter",
    "C": "C: third quarter",
    "D": "D: bottom quarter",
}


def _published(ind: Indicator, value: object, decimals: int | None = None) -> str:
    number = _clean(value) if value is not None and not isinstance(value, str) else None
    if number is None:
        return "No figure published"
    shown = f"{number:,.{ind.decimals if decimals is None else decimals}f}"
    return f"{shown}%" if ind.is_percent else shown


def benchmark_table(benchmarks: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """The latest published national figures beside each indicator, as scorecards print them.

    `benchmarks` is `etl.benchmarks.latest.latest_benchmarks` for the month shown (issue 12 §2:
    only years published by then; a row with no year says none was). One row per catalogue indicator
    (catalogue order): England, the statistical neighbours' mean, the council's published figure
    and national quartile band for that year, each labelled with the year. An indicator with no
    national counterpart says so in words; a count is not set beside England's (councils differ
    in size), so its row says that instead of showing a misleading number.
    """
    found = benchmarks.set_index("code") if not benchmarks.empty else pd.DataFrame()
    rows = []
    for ind in cat.indicators:
        row = {"code": ind.code, "Indicator": ind.name}
        if ind.code not in found.index:
            comparison = NOT_LOADED if ind.national_comparator else LOCAL_MEASURE
            row.update({"Published year": "", "Comparison": comparison})
            row.update(dict.fromkeys(("This council", "England", "Neighbours (mean)"), ""))
            row.update({"Quartile band": "", "Source": ""})
        elif pd.isna(found.loc[ind.code].get("year")):  # nothing published by the month shown
            row.update({"Published year": "None yet", "Comparison": found.loc[ind.code, "note"]})
            row.update(dict.fromkeys([*BENCHMARK_COLUMNS[3:7], "Source"], ""))
        elif ind.unit == "count":
            b = found.loc[ind.code]
            row.update({"Published year": str(b["period_label"])})
            row.update({"Comparison": "A count: not compared (councils differ in size)"})
            row.update({"This council": _published(ind, b["council"])})
            row.update({"England": "", "Neighbours (mean)": "", "Quartile band": ""})
            row.update({"Source": str(b["source"])})
        else:
            b = found.loc[ind.code]
            band = b["band"] if isinstance(b["band"], str) else None
            row.update(
                {
                    "Published year": str(b["period_label"]),
                    "Comparison": str(b.get("label") or "DfE published figures"),
                    "This council": _published(ind, b["council"]),
                    "England": _published(ind, b["england"]),
                    "Neighbours (mean)": _published(ind, b["sn_mean"]),
                    "Quartile band": BAND_WORDS.get(band or "", "No band"),
                    "Source": str(b["source"]),
                }
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
