"""Red-amber-green status and direction of travel, judged by an indicator's polarity.

These are the rules councillors read on every scorecard, so they are small,
pure and tested case by case:

- RAG: green when the value meets or beats the target; amber when it misses by
  no more than the amber tolerance; red beyond that. No target, or an indicator
  where neither direction is better, has no RAG.
- Direction of travel: the sign of the change says up or down; polarity says
  whether that is improving or worsening. A change too small to show at the
  indicator's displayed precision is "no change".
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

GREEN, AMBER, RED = "green", "amber", "red"
RAG_WORDS = {
    GREEN: "On target",
    AMBER: "Near target",
    RED: "Off target",
    None: "No target",
}
RAG_ICONS = {GREEN: "✔", AMBER: "▲", RED: "✖", None: "–"}
IMPROVING, WORSENING, NO_CHANGE = "improving", "worsening", "no change"
UP, DOWN = "increase", "decrease"  # for indicators with no polarity
DIRECTION_ICONS = {
    IMPROVING: "↑ better",
    WORSENING: "↓ worse",
    NO_CHANGE: "→ no change",
    UP: "↗ up",
    DOWN: "↘ down",
    None: "",
}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _number(value: float | None) -> float | None:
    """A figure as a float, or None where there is none (None, NaN or pandas' NA)."""
    return None if _missing(value) else float(value)  # type: ignore[arg-type]


def rag(
    value: float | None, target: float | None, tolerance: float | None, polarity: str
) -> str | None:
    """'green', 'amber', 'red', or None when there is no target or no better direction."""
    value, target, tolerance = _number(value), _number(target), _number(tolerance)
    if value is None or target is None or polarity not in ("higher", "lower"):
        return None
    shortfall = (target - value) if polarity == "higher" else (value - target)
    if shortfall <= 1e-9:
        return GREEN
    if shortfall <= (tolerance or 0.0) + 1e-9:
        return AMBER
    return RED


def direction(
    current: float | None, previous: float | None, polarity: str, decimals: int = 1
) -> str | None:
    """Improving, worsening or no change (or increase/decrease with no polarity)."""
    current, previous = _number(current), _number(previous)
    if current is None or previous is None:
        return None
    change = round(current, decimals) - round(previous, decimals)
    if abs(change) < 10 ** -(decimals + 2):
        return NO_CHANGE
    if polarity == "neither":
        return UP if change > 0 else DOWN
    better = change > 0 if polarity == "higher" else change < 0
    return IMPROVING if better else WORSENING


def target_for(
    targets: pd.DataFrame, indicator: str, period: dt.date
) -> tuple[float | None, float | None]:
    """The (target, amber tolerance) in force for a month: the latest effective row not after it."""
    rows = targets[(targets["indicator"] == indicator) & (targets["effective_from"] <= period)]
    if rows.empty:
        return None, None
    row = rows.sort_values("effective_from").iloc[-1]
    tolerance = row["amber_tolerance"]
    return float(row["target"]), None if _missing(tolerance) else float(tolerance)


def with_targets(values: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Add each figure's stepped target and tolerance (merge_asof on effective-from month)."""
    if values.empty:
        return values.assign(target=pd.Series(dtype=float), amber_tolerance=pd.Series(dtype=float))
    left = values.assign(_p=pd.to_datetime(values["period"])).sort_values("_p")
    right = targets.assign(_p=pd.to_datetime(targets["effective_from"])).sort_values("_p")[
        ["indicator", "_p", "target", "amber_tolerance"]
    ]
    merged = pd.merge_asof(left, right, on="_p", by="indicator", direction="backward")
    return merged.drop(columns="_p").sort_index()
