"""SPC for one catalogue indicator: the series it is judged on, its icons, and the rules in words.

`analysis.spc` is the statistical core and knows nothing about indicators. The scorecard, the
indicator chart, the committee report and the officers' extract all need the same things on top
of it: which monthly series an indicator's SPC is drawn from (the same headline figure as its
RAG status), the two icons for a chosen month, a sentence saying which rule made a point
special, and why an assurance verdict may read differently from the RAG status. They live here,
once, so no two places can judge the same month differently.

The chart is computed on every month up to the month chosen, not only the months shown: the
limits come from every month of a segment, so narrowing the view to one financial year must
not move them. Change points are data (`Catalogue.change_points`), passed in, never read here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.indicator_month import indicator_months
from analysis.rag import GREEN, target_for
from analysis.spc import (
    MIN_POINTS,
    SHIFT_RUN,
    TREND_RUN,
    AssuranceIcon,
    VariationIcon,
    assurance_icon,
    change_points_for,
    sustained_change,
    variation_icon,
    xmr,
)
from core.catalogue import Catalogue, ChangePoint, Indicator

RULE_WORDS = {  # strongest first, as the rules take precedence
    "rule_outside": "outside the process limits",
    "rule_trend": f"{TREND_RUN} or more points in a row each rising or each falling",
    "rule_two_of_three": "two of three points close to a limit, all on one side of the mean",
    "rule_shift": f"{SHIFT_RUN} or more points in a row on one side of the mean",
}
VARIATION_WORDS = {
    "improvement": "Special cause: improvement",
    "concern": "Special cause: concern",
    "neither": "Special cause: neither better nor worse",
    "common": "Common cause: no significant change",
}
PLAIN_ENGLISH = (
    "A statistical process control (SPC) chart asks whether a month's figure is a real change "
    "or the ordinary up-and-down that every monthly figure has. The solid line is the average; "
    "the dashed lines are the process limits, the range the figure normally stays within, "
    "worked out from every month since the limits were last recalculated. A point is marked as "
    "special when it falls outside the limits, when seven points in a row each rise or each "
    "fall, when two of three in a row sit close to a limit on the same side, or when seven or "
    "more in a row sit on one side of the average. Anything else is common cause variation: "
    "noise, not a reason to act. This follows NHS England's Making Data Count."
)
SPC_COLUMNS = ("spc_mean", "spc_lower", "spc_upper", "spc_variation", "spc_rule")


@dataclass(frozen=True)
class SpcResult:
    """An indicator's XmR frame up to a month, its two icons, and what the page must explain."""

    frame: pd.DataFrame
    variation: VariationIcon
    assurance: AssuranceIcon
    target: float | None
    recalculations: tuple[ChangePoint, ...] = ()  # the change points that start a segment
    sustained_since: dt.date | None = None  # a shift holding at the latest month began here
    assurance_note: str = ""  # why the assurance reads differently from the RAG status

    @property
    def enough(self) -> bool:
        return self.variation.key != "too_few_points"


def headline_series(
    values: pd.DataFrame, code: str, breakdown: str, last: dt.date | None = None
) -> pd.DataFrame:
    """One indicator's monthly figures (period, value) for one breakdown, up to `last`."""
    rows = values[(values["indicator"] == code) & (values["breakdown"] == breakdown)]
    if last is not None:
        rows = rows[rows["period"] <= last]
    return rows[["period", "value"]].sort_values("period").reset_index(drop=True)


def _recalculations(frame: pd.DataFrame, points: Sequence[ChangePoint]) -> tuple[ChangePoint, ...]:
    """The change points at which a segment of `frame` starts, in order."""
    starts = frame.loc[frame["segment"].diff().fillna(0) > 0, "period"].tolist()
    found = []
    for start in starts:
        before = [p for p in points if p.month <= start]
        if before:
            found.append(before[-1])
    return tuple(found)


def sustained_change_note(frame: pd.DataFrame, since: dt.date | None) -> str:
    """The words for a shift that has held with no recalculation point, or ""."""
    if since is None:
        return ""
    rows = frame[(frame["period"] >= since) & frame["value"].notna()]
    where = "above" if rows["value"].iloc[-1] > rows["mean"].iloc[-1] else "below"
    return (
        f"A sustained change since {since:%B %Y}: consider recalculating the limits "
        f"({len(rows)} months in a row {where} the mean, and no recalculation point recorded)."
    )


def _assurance_note(
    indicator: Indicator,
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    assurance: AssuranceIcon,
    sustained: str,
) -> str:
    """Why the verdict differs from the RAG status, when it does; "" when they agree.

    A verdict disagrees when it is "fail" in a month that met its target, "pass" in a month
    that missed it, or "hit and miss" after twelve months that all met, or all missed, it.
    """
    if assurance.key not in ("pass", "fail", "hit_and_miss"):
        return ""
    rows = frame[frame["value"].notna()].tail(MIN_POINTS)
    judged = indicator_months(indicator, rows[["period", "value"]], targets)
    met = [
        status == GREEN
        for status, value in zip(judged["rag"], judged["value"], strict=True)
        if pd.notna(value)
    ]
    last = rows.iloc[-1]
    month = f"{last['period']:%B %Y}"
    limits = (
        f"the process limits ({indicator.format_value(last['lower'])} to "
        f"{indicator.format_value(last['upper'])})"
    )
    if assurance.key == "fail" and met[-1]:
        why = (
            f"{month} met the target, but it lies outside {limits}, which are worked out from "
            "months before the figures changed."
        )
    elif assurance.key == "pass" and not met[-1]:
        why = f"{month} missed the target, but it lies outside {limits}: a special cause."
    elif assurance.key == "hit_and_miss" and len(met) == MIN_POINTS and len(set(met)) == 1:
        did, could = ("met", "miss") if met[-1] else ("missed", "meet")
        why = (
            f"the last twelve months all {did} the target, but the target lies within {limits}, "
            f"so an ordinary month could still {could} it."
        )
    else:
        return ""
    return f"Why this differs from the status: {why}" + (f" {sustained}" if sustained else "")


def indicator_spc(
    indicator: Indicator,
    series: pd.DataFrame,
    targets: pd.DataFrame,
    as_at: dt.date,
    change_points: Sequence[ChangePoint],
) -> SpcResult:
    """The XmR chart of `series` up to `as_at` and its icons for the latest plotted month.

    `change_points` is `Catalogue.change_points` (those for other indicators are ignored). The
    assurance icon tests the target in force in `as_at`, the same one the RAG status uses.
    """
    points = change_points_for(indicator.code, change_points)
    upto = series[series["period"] <= as_at][["period", "value"]]
    frame = xmr(upto, indicator.polarity, points)
    target, _ = target_for(targets, indicator.code, as_at)
    variation = variation_icon(frame, indicator.polarity)
    assurance = assurance_icon(frame, target, indicator.polarity)
    since = sustained_change(frame) if variation.key != "too_few_points" else None
    note = sustained_change_note(frame, since)
    return SpcResult(
        frame=frame,
        variation=variation,
        assurance=assurance,
        target=target,
        recalculations=_recalculations(frame, points) if len(frame) else (),
        sustained_since=since,
        assurance_note=_assurance_note(indicator, frame, targets, assurance, note)
        if variation.key != "too_few_points"
        else "",
    )


def recalculation_notes(result: SpcResult) -> list[str]:
    """One sentence per recalculation point on the chart, saying when and why."""
    notes = []
    for point in result.recalculations:
        fixed = (
            f", fixed on its first {point.baseline_months} months" if point.baseline_months else ""
        )
        notes.append(f"Limits recalculated from {point.month:%B %Y}{fixed}: {point.reason}")
    return notes


def spc_notes(result: SpcResult) -> list[str]:
    """Everything the page and the report say under the icons, in order."""
    notes = recalculation_notes(result)
    if result.assurance_note:
        notes.append(result.assurance_note)
    elif result.sustained_since is not None:
        notes.append(sustained_change_note(result.frame, result.sustained_since))
    return notes


def assurance_text(result: SpcResult) -> str:
    """The assurance icon in words, with the reason when it reads against the RAG status."""
    text = icon_text(result.assurance)
    return f"{text}. {result.assurance_note}" if result.assurance_note else text


def rules_fired(row: pd.Series | dict) -> list[str]:
    """The rules that flagged one row of an `xmr` frame, in words, strongest first."""
    return [words for column, words in RULE_WORDS.items() if bool(row.get(column, False))]


def point_description(row: pd.Series | dict) -> str:
    """Hover and table text for one point: what kind of variation, and why."""
    variation = row.get("variation", "")
    if not variation:
        return ""
    words = VARIATION_WORDS.get(variation, variation)
    fired = rules_fired(row)
    return f"{words} ({'; '.join(fired)})" if fired else words


def icon_text(icon: VariationIcon | AssuranceIcon) -> str:
    """Words then symbol, so the icon reads the same in print, in grey or to a screen reader."""
    return f"{icon.label} ({icon.symbol})"


def current_segment(frame: pd.DataFrame) -> tuple[int, dt.date | None]:
    """Plotted months in an `xmr` frame's latest segment, and its first month if recalculated."""
    rows = frame[frame["value"].notna()].sort_values("period")
    if rows.empty:
        return 0, None
    rows = rows[rows["segment"] == rows["segment"].iloc[-1]]
    return len(rows), rows["period"].iloc[0] if rows["segment"].iloc[-1] > 0 else None


def too_few_message(plotted: int, since: dt.date | None = None) -> str:
    """Why there are no limits: `plotted` months (since a recalculation in `since`) of 12."""
    after = f" since the limits were recalculated in {since:%B %Y}" if since else ""
    return (
        f"Too few points for an SPC chart: it needs {MIN_POINTS} months of figures and there "
        f"{'is' if plotted == 1 else 'are'} {plotted}{after}. The red-amber-green view still "
        "applies."
    )


def spc_columns(values: pd.DataFrame, cat: Catalogue, last: dt.date | None = None) -> pd.DataFrame:
    """Per month, the SPC reading officers download: one row per indicator, breakdown, month.

    `values` is `etl.store.queries.current_values`. Each series (an indicator's whole-authority
    figure, or one team or band) is judged on every month up to `last` (default: its latest),
    exactly as `indicator_spc` judges it for the page and the report, so the three agree.
    Months in a segment with fewer than MIN_POINTS plotted months have empty columns.
    """
    keys = ["indicator", "breakdown", "period"]
    frames = []
    rows = values if last is None else values[values["period"] <= last]
    for (code, breakdown), part in rows.groupby(["indicator", "breakdown"], sort=False):
        indicator = cat.lookup(str(code))
        if indicator is None:
            continue
        points = change_points_for(indicator.code, cat.change_points)
        chart = xmr(part[["period", "value"]], indicator.polarity, points)
        frames.append(
            pd.DataFrame(
                {
                    "indicator": code,
                    "breakdown": breakdown,
                    "period": chart["period"],
                    "spc_mean": chart["mean"],
                    "spc_lower": chart["lower"],
                    "spc_upper": chart["upper"],
                    "spc_variation": chart["variation"],
                    "spc_rule": chart["rule"],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=[*keys, *SPC_COLUMNS])
    return pd.concat(frames, ignore_index=True)
