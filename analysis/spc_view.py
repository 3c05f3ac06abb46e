"""SPC for one catalogue indicator: the series it is judged on, its icons, and the rules in words.

`analysis.spc` is the statistical core and knows nothing about indicators. The scorecard, the
indicator chart and the committee report all need the same three things on top of it: which
monthly series an indicator's SPC is drawn from (the same headline figure as its RAG status),
the two icons for a chosen month, and a sentence saying which rule made a point special. They
live here, once, so the three places can never judge the same month differently.

The chart is computed on every month up to the month chosen, not only the months shown: the
process limits come from each segment's first twelve months, so narrowing the view to one
financial year must not move them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analysis.rag import target_for
from analysis.spc import (
    MIN_POINTS,
    SHIFT_RUN,
    TREND_RUN,
    AssuranceIcon,
    VariationIcon,
    assurance_icon,
    change_points_for,
    variation_icon,
    xmr,
)
from core.catalogue import Indicator

RULE_WORDS = {
    "rule_outside": "outside the process limits",
    "rule_two_of_three": "two of three points close to a limit",
    "rule_shift": f"{SHIFT_RUN} or more points in a row on one side of the mean",
    "rule_trend": f"{TREND_RUN} or more points in a row rising or falling",
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
    "the dashed lines are the process limits, the range the figure normally stays within "
    "(worked out from the first twelve months). A point is marked as special when it falls "
    "outside the limits, when seven or more points in a row sit on one side of the average, "
    "when six or more in a row all rise or all fall, or when two of three sit close to a "
    "limit. Anything else is common cause variation: noise, not a reason to act."
)


@dataclass(frozen=True)
class SpcResult:
    """An indicator's XmR frame up to a month, and the two icons for that month."""

    frame: pd.DataFrame
    variation: VariationIcon
    assurance: AssuranceIcon
    target: float | None

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


def indicator_spc(
    indicator: Indicator,
    series: pd.DataFrame,
    targets: pd.DataFrame,
    as_at: dt.date,
    change_points: dict[str, list[dt.date]],
) -> SpcResult:
    """The XmR chart of `series` up to `as_at` and its icons for the latest plotted month.

    The assurance icon tests the target in force in `as_at`, the same one the RAG status uses.
    """
    upto = series[series["period"] <= as_at][["period", "value"]]
    frame = xmr(upto, indicator.polarity, change_points_for(indicator.code, change_points))
    target, _ = target_for(targets, indicator.code, as_at)
    return SpcResult(
        frame=frame,
        variation=variation_icon(frame, indicator.polarity),
        assurance=assurance_icon(frame, target, indicator.polarity),
        target=target,
    )


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


def too_few_message(plotted: int) -> str:
    return (
        f"Too few points for an SPC chart: it needs {MIN_POINTS} months of figures and there "
        f"{'is' if plotted == 1 else 'are'} {plotted}. The red-amber-green view still applies."
    )
