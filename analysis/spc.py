"""Statistical process control (XmR charts) as NHS England's Making Data Count does it.

Councillors ask "is this month's figure a real change or just noise?". An XmR chart answers
that: the mean and process limits describe what the process usually does, and four rules pick
out special cause variation worth a conversation. `xmr` takes a tidy frame of `period` and
`value` and returns the same rows with the chart's columns; plotting is separate.

The rules are those of the Making Data Count Excel tool as the NHS-R Community's
`NHSRplotthedots` implements them (`R/ptd_spc_standard.R`, `R/ptd_calculate_point_type.R`,
`R/ptd_calculate_assurance_type.R`), so a figure here can be checked against either:

* Limits are mean ± 2.66 × the mean moving range of **every plotted month of the segment**
  (the reference's default, `fix_after_n_points = NULL`), with no moving-range screening
  (`screen_outliers` is off in the Excel tool). A change point may fix the limits on the
  first N plotted months of its segment instead (`fix_after_n_points = N`).
* Special cause, strongest first (`ptd_special_cause_type`'s `case_when`): a point outside
  the limits; a trend of 7 points each higher (or each lower) than the one before, i.e. six
  rises in a row; two of three consecutive points beyond two thirds of the way to a limit,
  all three on the same side of the mean, where a point outside the limits is not "close";
  a shift of 7 points on one side of the mean (a point exactly on the mean breaks the run).
* A rising trend, or a point above the mean, is "high"; polarity turns high or low into
  improvement or concern, and "neither" where no direction is better.
* A segment needs `MIN_POINTS` (12) plotted months. Making Data Count prefers 15 to 20 but
  accepts 12. A shorter segment gets no mean, limits or flags: a "too few points" status,
  not an error, and not limits drawn from a handful of months.
* Missing months are gaps. A moving range is taken only between consecutive calendar months
  that both have values (a gap, or a change point, breaks it), as the reference does with an
  NA row. Rules that count points in a row count consecutive *plotted* points, skipping gaps:
  a missing month is absent evidence, not evidence that a run ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from core.catalogue import ChangePoint

MIN_POINTS = 12
LIMIT_FACTOR = 2.66  # 3 / 1.128: three sigma, estimated from the mean moving range
SHIFT_RUN = 7  # points in a row on one side of the mean
TREND_RUN = 7  # points in a row, each above (or each below) the one before: six steps
CLOSE_FRACTION = 2 / 3  # "close to a limit": beyond two thirds of the way from mean to limit
POLARITIES = ("higher", "lower", "neither")
# When rules disagree about a point, the first that fired decides (ptd_special_cause_type).
RULE_PRECEDENCE = ("outside", "trend", "two_of_three", "shift")
XMR_COLUMNS = (
    "segment", "mean", "upper", "lower", "moving_range",
    "rule_outside", "rule_trend", "rule_two_of_three", "rule_shift", "rule", "variation", "side",
)  # fmt: skip


def _month_number(value: object, what: str = "period") -> int:
    """Months since year 0, so that 'consecutive months' is a difference of one."""
    if not isinstance(value, dt.date):
        raise ValueError(f"{what} {value!r} is not a date; give the first day of its month")
    return value.year * 12 + value.month - 1


def _checked(series: pd.DataFrame, polarity: str, baseline_points: int | None) -> pd.DataFrame:
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
    if baseline_points is not None and baseline_points < 2:
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


def _as_change_point(point: dt.date | ChangePoint) -> ChangePoint:
    if isinstance(point, ChangePoint):
        return point
    _month_number(point, "change point")
    return ChangePoint("*", dt.date(point.year, point.month, 1), "")


def _segments(
    months: np.ndarray, points: Sequence[ChangePoint], baseline_points: int | None
) -> tuple[np.ndarray, list[int | None]]:
    """Segment number of each row, and each segment's fixed baseline length (None: all).

    Every change point after the first month starts a segment (the reference's `rebase`);
    one at or before the first month can only fix the first segment's baseline.
    """
    segment = np.zeros(len(months), dtype=int)
    baselines: list[int | None] = [baseline_points]
    if not len(months):
        return segment, baselines
    first, last, seen = int(months.min()), int(months.max()), set()
    for point in sorted(points, key=lambda p: p.month):
        month = _month_number(point.month, "change point")
        if month <= first:
            if baseline_points is None:
                baselines[0] = point.baseline_months
        elif month <= last and month not in seen:
            segment[months >= month] += 1
            baselines.append(point.baseline_months)
        seen.add(month)
    return segment, baselines


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


def _trend(values: np.ndarray) -> np.ndarray:
    """Each point's trend direction (+1 rising, -1 falling, 0 in no trend of TREND_RUN points).

    `ptd_seven_point_trend`: seven points whose six steps all rise (or all fall); an equal
    neighbour breaks it. A point in a trend takes the direction of its step to the right when
    the next point is in a trend too, else of its step from the left; a step of zero there
    reads as falling, as the reference's `ifelse(sdy == 1, "In", "De")` does.
    """
    steps = np.sign(np.diff(values)).astype(int)
    in_run = _long_runs(steps, TREND_RUN - 1)
    part = np.zeros(len(values), dtype=bool)
    part[:-1] |= in_run
    part[1:] |= in_run
    trend = np.zeros(len(values), dtype=int)
    for i in np.flatnonzero(part):
        right = i + 1 < len(values) and part[i + 1]
        step = steps[i] if right else steps[i - 1]
        trend[i] = 1 if step == 1 else -1
    return trend


def _two_of_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """`ptd_two_in_three`: in three consecutive points all on one side of the mean, at least
    two close to a limit; only the close points are flagged (`ptd_part_of_two_in_three`)."""
    flagged = np.zeros(len(close), dtype=bool)
    for start in range(len(close) - 2):
        window = slice(start, start + 3)
        if close[window].sum() >= 2 and abs(side[window].sum()) == 3:
            flagged[window] |= close[window]
    return np.where(flagged, side, 0)


def _rules(values: np.ndarray, centre: float, width: float) -> dict[str, np.ndarray]:
    """Each rule's side (+1 high, -1 low, 0 not flagged) for one segment's plotted points.

    `ptd_spc_standard` compares values with mean ± width; deviations from the mean are
    compared with the width here, the same test, so that adding a constant to every value
    cannot change a flag through rounding. A NaN width (no moving ranges) flags only shifts
    and trends.
    """
    deviation = values - centre
    side = np.sign(deviation).astype(int)
    outside = np.abs(deviation) > width
    close = ~outside & (np.abs(deviation) > CLOSE_FRACTION * width)
    return {
        "outside": np.where(outside, side, 0),
        "trend": _trend(values),
        "two_of_three": _two_of_three(close, side),
        "shift": np.where(_long_runs(side, SHIFT_RUN), side, 0),
    }


def xmr(
    series: pd.DataFrame,
    polarity: str,
    change_points: Sequence[dt.date | ChangePoint] = (),
    baseline_points: int | None = None,
) -> pd.DataFrame:
    """An XmR chart of a monthly series: the input rows, sorted by period, with added columns.

    `segment`, `mean`, `upper`, `lower`, `moving_range`, a flag per rule (`rule_outside`,
    `rule_trend`, `rule_two_of_three`, `rule_shift`: every rule that fired), `rule` (the one
    that decides, by RULE_PRECEDENCE, or ""), `variation` ("improvement", "concern", "neither"
    for special cause when polarity is neither, "common", or "" for a month with no figure or
    in a segment of fewer than MIN_POINTS) and `side` ("high" or "low" for special cause).

    `change_points` are months (or catalogue `ChangePoint`s, which may fix a baseline length)
    from which the limits are recalculated; `baseline_points` fixes the first segment's.
    """
    frame = _checked(series, polarity, baseline_points)
    values = frame["value"].to_numpy()
    months = frame["_month"].to_numpy()
    plotted = ~np.isnan(values)
    points = [_as_change_point(p) for p in change_points]
    segment, baselines = _segments(months, points, baseline_points)

    moving_range = np.full(len(values), np.nan)
    if len(values) > 1:
        joined = (np.diff(months) == 1) & (segment[1:] == segment[:-1])
        moving_range[1:] = np.where(joined, np.abs(np.diff(values)), np.nan)

    centre, width = np.full(len(values), np.nan), np.full(len(values), np.nan)
    rules = {name: np.zeros(len(values), dtype=int) for name in RULE_PRECEDENCE}
    for number in np.unique(segment):
        rows = np.flatnonzero((segment == number) & plotted)
        if len(rows) < MIN_POINTS:
            continue
        baseline = rows[: baselines[number]] if baselines[number] else rows
        ranges = moving_range[baseline][~np.isnan(moving_range[baseline])]
        seg_centre = float(values[baseline].mean())
        seg_width = LIMIT_FACTOR * float(ranges.mean()) if ranges.size else np.nan
        centre[segment == number], width[segment == number] = seg_centre, seg_width
        for name, sides in _rules(values[rows], seg_centre, seg_width).items():
            rules[name][rows] = sides

    side = np.zeros(len(values), dtype=int)
    rule = np.full(len(values), "", dtype=object)
    for name in RULE_PRECEDENCE:
        deciding = (side == 0) & (rules[name] != 0)
        side, rule = np.where(deciding, rules[name], side), np.where(deciding, name, rule)
    good = {"higher": 1, "lower": -1, "neither": 0}[polarity]
    variation = np.select(
        [~plotted | np.isnan(centre), side == 0, good == 0, side == good],
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
        rule_trend=rules["trend"] != 0,
        rule_two_of_three=rules["two_of_three"] != 0,
        rule_shift=rules["shift"] != 0,
        rule=rule.astype(str),
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
    """The plotted rows of an `xmr` frame's current (last) segment, checked, oldest first."""
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}; use 'higher', 'lower' or 'neither'")
    missing = [c for c in ("period", "value", *XMR_COLUMNS) if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks {', '.join(missing)}; pass the frame that xmr() returned")
    rows = frame[frame["value"].notna()].sort_values("period")
    return rows[rows["segment"] == rows["segment"].iloc[-1]] if len(rows) else rows


IconT = TypeVar("IconT", bound=Icon)


def _too_few(kind: type[IconT], rows: pd.DataFrame) -> IconT:
    since = ""
    if len(rows) and rows["segment"].iloc[-1] > 0:
        start = rows["period"].iloc[0]
        since = f" since the limits were recalculated in {start:%B %Y}"
    label = (
        f"Too few points for SPC: {MIN_POINTS} months are needed and there are {len(rows)}{since}"
    )
    return kind("too_few_points", label, "…")


def variation_icon(frame: pd.DataFrame, polarity: str) -> VariationIcon:
    """The variation icon for the latest plotted month of an `xmr` frame."""
    rows = _latest(frame, polarity)
    if len(rows) < MIN_POINTS:
        return _too_few(VariationIcon, rows)
    last = rows.iloc[-1]
    if last["variation"] == "common":
        return VARIATION_ICONS["common_cause"]
    if (last["variation"] == "neither") != (polarity == "neither"):
        raise ValueError("frame was classified with another polarity; call xmr() with this one")
    return VARIATION_ICONS[f"{last['variation']}_{last['side']}"]


def assurance_icon(frame: pd.DataFrame, target: float | None, polarity: str) -> AssuranceIcon:
    """Can the current process be relied on to meet `target`? `ptd_calculate_assurance_type`.

    Judged on the current segment's limits only: a target beyond the upper limit is a fail when
    higher is better (a pass when lower is), beyond the lower limit the reverse, and anything
    else, including a target exactly on a limit, is hit and miss.
    """
    rows = _latest(frame, polarity)
    if len(rows) < MIN_POINTS:
        return _too_few(AssuranceIcon, rows)
    if polarity == "neither":
        return AssuranceIcon("none", "No assurance: neither higher nor lower is better", "–")
    if target is None or pd.isna(target):
        return ASSURANCE_ICONS["none"]
    upper, lower = rows["upper"].iloc[-1], rows["lower"].iloc[-1]
    if pd.isna(upper) or pd.isna(lower):
        return AssuranceIcon("none", "No assurance: no consecutive months to set limits", "–")
    if target > upper:
        return ASSURANCE_ICONS["fail" if polarity == "higher" else "pass"]
    if target < lower:
        return ASSURANCE_ICONS["pass" if polarity == "higher" else "fail"]
    return ASSURANCE_ICONS["hit_and_miss"]


def sustained_change(frame: pd.DataFrame) -> dt.date | None:
    """The first month of a shift still holding at the latest month, or None.

    A run of SHIFT_RUN or more plotted months on one side of the current segment's mean that
    reaches the latest month means the process has moved since the run began: a reason to
    consider a recalculation point, which is an analyst's decision, never made silently here.
    """
    rows = frame[frame["value"].notna() & frame["mean"].notna()].sort_values("period")
    if rows.empty or rows["segment"].iloc[-1] != frame["segment"].max():
        return None
    rows = rows[rows["segment"] == rows["segment"].iloc[-1]]
    sides = np.sign(rows["value"].to_numpy() - rows["mean"].to_numpy())
    if sides[-1] == 0:
        return None
    run = len(sides) - 1
    while run > 0 and sides[run - 1] == sides[-1]:
        run -= 1
    return rows["period"].iloc[run] if len(sides) - run >= SHIFT_RUN else None


def change_points_for(code: str, points: Sequence[ChangePoint]) -> list[ChangePoint]:
    """The change points that apply to one indicator: its own, and those for all ('*').

    Where both name the same month the indicator's own row (its reason and baseline) wins.
    """
    chosen = {p.month: p for p in points if p.indicator == "*"}
    chosen.update({p.month: p for p in points if p.indicator == code})
    return [chosen[month] for month in sorted(chosen)]
