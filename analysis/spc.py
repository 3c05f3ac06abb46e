"""Statistical process control (XmR charts) in the NHS "Making Data Count" style.

Councillors ask "is this month's figure a real change or just noise?". An XmR chart answers
that: the mean and natural process limits describe what the process usually does, and four
rules pick out special cause variation worth a conversation. `xmr` takes a tidy frame of
`period` and `value` and returns the same rows with the chart's columns; plotting is separate.

Choices, following Making Data Count practice:

* Limits are mean ± 2.66 × the mean moving range of a baseline: the first `baseline_points`
  plotted months (default 12) of each segment, then held fixed so later months are judged
  against the past rather than against themselves.
* A series needs `MIN_POINTS` (12) plotted months. Making Data Count prefers 15 to 20 but
  accepts 12; a year of monthly data is the least that covers seasonal ups and downs. Fewer
  months give a frame without limits or flags and a "too few points" icon, not an error.
* Missing months are gaps. A moving range is only taken between consecutive calendar months
  that both have values (a gap, or a change point, breaks it). Rules that count points in a
  row count consecutive *plotted* points, skipping gaps, as Making Data Count tools do: a
  missing month is absent evidence, not evidence that a run ended.
* Change points start a new segment with its own baseline. Rules are applied within a segment.
  A change point is ignored while either side of it has fewer than `MIN_POINTS` plotted months,
  so limits are never drawn from a handful of months.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MIN_POINTS = 12
BASELINE_POINTS = 12
LIMIT_FACTOR = 2.66  # 3 / 1.128: three sigma, estimated from the mean moving range
SHIFT_RUN = 7  # points in a row on one side of the mean
TREND_RUN = 6  # points in a row all rising or all falling
CLOSE_FRACTION = 2 / 3  # "close to a limit": beyond two thirds of the way from mean to limit
POLARITIES = ("higher", "lower", "neither")
# When rules disagree about a point's side, the strongest evidence about its own level wins.
RULE_PRECEDENCE = ("outside", "two_of_three", "shift", "trend")
DEFAULT_CHANGE_POINTS = Path(__file__).resolve().parent.parent / "data" / "change_points.csv"
XMR_COLUMNS = (
    "segment",
    "mean",
    "upper",
    "lower",
    "moving_range",
    "rule_outside",
    "rule_shift",
    "rule_trend",
    "rule_two_of_three",
    "variation",
    "side",
)


def _month_number(value: object, what: str = "period") -> int:
    """Months since year 0, so that 'consecutive months' is a difference of one."""
    if not isinstance(value, dt.date):
        raise ValueError(f"{what} {value!r} is not a date; give the first day of its month")
    return value.year * 12 + value.month - 1


def _checked(series: pd.DataFrame, polarity: str, baseline_points: int) -> pd.DataFrame:
    """The input, sorted by period with numeric values, or a ValueError saying what to fix."""
    if not isinstance(series, pd.DataFrame):
        raise ValueError("series must be a pandas DataFrame with columns 'period' and 'value'")
    missing = [c for c in ("period", "value") if c not in series.columns]
    if missing:
        raise ValueError(
            f"series is missing column(s) {', '.join(missing)}; it needs 'period' "
            "(the first day of each month) and 'value' (a number, or blank for a missing month)"
        )
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}; use 'higher', 'lower' or 'neither'")
    if baseline_points < 2:
        raise ValueError("baseline_points must be at least 2: limits need one moving range")
    frame = series.copy()
    try:
        frame["value"] = pd.to_numeric(frame["value"]).astype(float)
    except (ValueError, TypeError):
        raise ValueError("value must hold numbers (leave a missing month blank)") from None
    if np.isinf(frame["value"]).any():
        raise ValueError("value holds an infinite number; check the division that made it")
    if frame["period"].isna().any():
        raise ValueError("period has blanks; every row needs its month")
    months = frame["period"].map(_month_number)
    not_first = [p for p in frame["period"] if p.day != 1]
    if not_first:
        raise ValueError(f"period {not_first[0]} is not the first day of its month")
    if months.duplicated().any():
        first = frame["period"][months.duplicated()].iloc[0]
        raise ValueError(f"period {first} appears more than once; give one row per month")
    frame["_month"] = months
    return frame.sort_values("_month", kind="stable").reset_index(drop=True)


def _segments(
    months: np.ndarray, plotted: np.ndarray, change_points: Sequence[dt.date]
) -> np.ndarray:
    """Segment number of each row; a change point counts only with MIN_POINTS on each side."""
    segment = np.zeros(len(months), dtype=int)
    start = months.min() if len(months) else 0
    for change in sorted({_month_number(c, "change point") for c in change_points}):
        before = plotted & (months >= start) & (months < change)
        after = plotted & (months >= change)
        if before.sum() >= MIN_POINTS and after.sum() >= MIN_POINTS:
            segment[months >= change] += 1
            start = change
    return segment


def _long_runs(labels: np.ndarray, min_length: int) -> np.ndarray:
    """True where a run of equal, non-zero labels is at least `min_length` long."""
    flags = np.zeros(len(labels), dtype=bool)
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            if labels[start] != 0 and i - start >= min_length:
                flags[start:i] = True
            start = i
    return flags


def _rules(values: np.ndarray, centre: float, width: float) -> dict[str, np.ndarray]:
    """Each rule's side (+1 high, -1 low, 0 not flagged) for one segment's plotted points.

    Deviations from the mean are compared with the limit width (rather than values with the
    limits) so that adding a constant to every value cannot change a flag through rounding.
    A comparison with a NaN width (no moving ranges) is False, so such a segment flags only
    shifts and trends.
    """
    deviation = values - centre
    side = np.sign(deviation).astype(int)
    outside = np.where(np.abs(deviation) > width, side, 0)
    shift = np.where(_long_runs(side, SHIFT_RUN), side, 0)

    steps = np.sign(np.diff(values)).astype(int)
    in_trend = _long_runs(steps, TREND_RUN - 1)
    trend = np.zeros(len(values), dtype=int)
    trend[1:] = np.where(in_trend, steps, 0)  # a point takes the direction of the run it ends
    trend[:-1] = np.where((trend[:-1] == 0) & in_trend, steps, trend[:-1])

    close = np.where(np.abs(deviation) > CLOSE_FRACTION * width, side, 0)
    two_of_three = np.zeros(len(values), dtype=int)
    for start in range(len(values) - 2):
        window = close[start : start + 3]
        for direction in (1, -1):
            if (window == direction).sum() >= 2:
                hits = start + np.flatnonzero(window == direction)
                two_of_three[hits] = direction
    return {"outside": outside, "two_of_three": two_of_three, "shift": shift, "trend": trend}


def xmr(
    series: pd.DataFrame,
    polarity: str,
    change_points: Sequence[dt.date] = (),
    baseline_points: int = BASELINE_POINTS,
) -> pd.DataFrame:
    """An XmR chart of a monthly series: the input rows, sorted by period, with added columns.

    `segment`, `mean`, `upper`, `lower`, `moving_range`, the four rule flags (`rule_outside`,
    `rule_shift`, `rule_trend`, `rule_two_of_three`), `variation` ("improvement", "concern",
    "neither" for special cause when polarity is neither, "common") and `side` ("high" or
    "low" for special cause). Rows without a value have no flags and an empty variation.

    A point flagged on different sides by different rules takes the side of the strongest
    evidence about its own level: outside the limits, then two of three close to a limit, then
    a shift, then a trend. A rising trend is high, so an improvement when higher is better.
    """
    frame = _checked(series, polarity, baseline_points)
    values = frame["value"].to_numpy()
    months = frame["_month"].to_numpy()
    plotted = ~np.isnan(values)
    enough = plotted.sum() >= MIN_POINTS
    segment = _segments(months, plotted, change_points if enough else ())

    moving_range = np.full(len(values), np.nan)
    if len(values) > 1:
        joined = (np.diff(months) == 1) & (segment[1:] == segment[:-1])
        moving_range[1:] = np.where(joined, np.abs(np.diff(values)), np.nan)

    centre, width = np.full(len(values), np.nan), np.full(len(values), np.nan)
    rules = {name: np.zeros(len(values), dtype=int) for name in RULE_PRECEDENCE}
    for number in np.unique(segment) if enough else ():
        rows = np.flatnonzero((segment == number) & plotted)
        baseline = rows[:baseline_points]
        ranges = moving_range[baseline][~np.isnan(moving_range[baseline])]
        seg_centre = float(values[baseline].mean())
        seg_width = LIMIT_FACTOR * float(ranges.mean()) if ranges.size else np.nan
        centre[segment == number], width[segment == number] = seg_centre, seg_width
        for name, sides in _rules(values[rows], seg_centre, seg_width).items():
            rules[name][rows] = sides

    side = np.zeros(len(values), dtype=int)
    for name in RULE_PRECEDENCE:
        side = np.where(side == 0, rules[name], side)
    good = {"higher": 1, "lower": -1, "neither": 0}[polarity]
    variation = np.select(
        [~plotted | ~enough, side == 0, good == 0, side == good],
        ["", "common", "neither", "improvement"],
        "concern",
    )
    return frame.drop(columns="_month").assign(
        segment=segment,
        mean=centre,
        upper=centre + width,
        lower=centre - width,
        moving_range=moving_range,
        rule_outside=rules["outside"] != 0,
        rule_shift=rules["shift"] != 0,
        rule_trend=rules["trend"] != 0,
        rule_two_of_three=rules["two_of_three"] != 0,
        variation=variation,
        side=np.select([side > 0, side < 0], ["high", "low"], ""),
    )


@dataclass(frozen=True)
class Icon:
    """A Making Data Count summary icon: a stable key, plain words, and a colour-free symbol."""

    key: str
    label: str
    symbol: str


class VariationIcon(Icon):
    """What the latest point says about variation."""


class AssuranceIcon(Icon):
    """Whether the process, as it stands, can be relied on to meet its target."""


VARIATION_ICONS = {
    icon.key: icon
    for icon in (
        VariationIcon("common_cause", "Common cause variation: no significant change", "~"),
        VariationIcon("improvement_high", "Special cause improvement: higher values", "↑ better"),
        VariationIcon("improvement_low", "Special cause improvement: lower values", "↓ better"),
        VariationIcon("concern_high", "Special cause concern: higher values", "↑ worse"),
        VariationIcon("concern_low", "Special cause concern: lower values", "↓ worse"),
        VariationIcon("neither_high", "Special cause variation: higher values", "↑"),
        VariationIcon("neither_low", "Special cause variation: lower values", "↓"),
    )
}
ASSURANCE_ICONS = {
    icon.key: icon
    for icon in (
        AssuranceIcon("pass", "Consistently meets the target", "P"),
        AssuranceIcon("fail", "Will consistently miss the target unless something changes", "F"),
        AssuranceIcon(
            "hit_and_miss", "Hit and miss: the target lies within the process limits", "?"
        ),
        AssuranceIcon("none", "No assurance: there is no target to test against", "–"),
    )
}


def _latest(frame: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """The plotted rows of an `xmr` frame, checked, oldest first."""
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}; use 'higher', 'lower' or 'neither'")
    missing = [c for c in ("period", "value", *XMR_COLUMNS) if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks {', '.join(missing)}; pass the frame that xmr() returned")
    return frame[frame["value"].notna()].sort_values("period")


def _too_few(kind: type[Icon], plotted: int) -> Icon:
    label = f"Too few points for SPC: {MIN_POINTS} months are needed and there are {plotted}"
    return kind("too_few_points", label, "…")


def variation_icon(frame: pd.DataFrame, polarity: str) -> VariationIcon:
    """The variation icon for the latest plotted month of an `xmr` frame."""
    rows = _latest(frame, polarity)
    if len(rows) < MIN_POINTS:
        return _too_few(VariationIcon, len(rows))
    last = rows.iloc[-1]
    if last["variation"] == "common":
        return VARIATION_ICONS["common_cause"]
    if (last["variation"] == "neither") != (polarity == "neither"):
        raise ValueError("frame was classified with another polarity; call xmr() with this one")
    return VARIATION_ICONS[f"{last['variation']}_{last['side']}"]


def assurance_icon(frame: pd.DataFrame, target: float | None, polarity: str) -> AssuranceIcon:
    """Can the current process be relied on to meet `target`? Judged on the latest limits.

    Meeting means reaching the target or better, so a limit exactly on the target still passes.
    """
    rows = _latest(frame, polarity)
    if len(rows) < MIN_POINTS:
        return _too_few(AssuranceIcon, len(rows))
    if polarity == "neither":
        return AssuranceIcon("none", "No assurance: neither higher nor lower is better", "–")
    if target is None or pd.isna(target):
        return ASSURANCE_ICONS["none"]
    upper, lower = rows["upper"].iloc[-1], rows["lower"].iloc[-1]
    if pd.isna(upper) or pd.isna(lower):
        return AssuranceIcon("none", "No assurance: no consecutive months to set limits", "–")
    worst, best = (lower, upper) if polarity == "higher" else (upper, lower)
    sign = 1 if polarity == "higher" else -1
    if sign * (worst - target) >= 0:
        return ASSURANCE_ICONS["pass"]
    if sign * (best - target) < 0:
        return ASSURANCE_ICONS["fail"]
    return ASSURANCE_ICONS["hit_and_miss"]


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def load_change_points(path: str | os.PathLike[str] | None = None) -> dict[str, list[dt.date]]:
    """Change points by indicator code ('*' for all) from `data/change_points.csv`.

    Kept as data rather than code so that an analyst can record a known change in how the
    work is done, with its reason, without a release. Lines starting with '#' are comments.
    """
    path = Path(path) if path else DEFAULT_CHANGE_POINTS
    with open(path, encoding="utf-8-sig", newline="") as fh:
        numbered = [(n, line) for n, line in enumerate(fh, start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in numbered)
    missing = {"indicator", "month", "reason"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"{path.name}: the header must be indicator,month,reason")
    found: dict[str, set[dt.date]] = {}
    for i, row in enumerate(reader):
        where = f"{path.name} line {numbered[i + 1][0]}"
        code, month = (row["indicator"] or "").strip(), (row["month"] or "").strip()
        match = _MONTH.match(month)
        if not code:
            raise ValueError(f"{where}: indicator is blank; give a code or '*' for all")
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValueError(f"{where}: month '{month}' must be YYYY-MM, for example 2015-04")
        found.setdefault(code, set()).add(dt.date(int(match[1]), int(match[2]), 1))
    return {code: sorted(months) for code, months in found.items()}


def change_points_for(code: str, points: dict[str, list[dt.date]]) -> list[dt.date]:
    """The change points that apply to one indicator: its own and those for all ('*')."""
    return sorted(set(points.get(code, [])) | set(points.get("*", [])))
