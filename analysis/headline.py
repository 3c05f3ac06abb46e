"""The Overview's headline: a councillor's first minute, in counts and plain sentences.

Members open the dashboard to answer "are we on target, and getting better?" before a
meeting. The scorecard answers it indicator by indicator; the headline answers it in
one glance for the month chosen: how many indicators are on, near and off target, how
many got better or worse on last month, and a sentence for every indicator whose status
changed since last month, in the council papers' way of speaking ("Referrals responded
to within 24 hours: 37.0% in November 2014, off target (was near target in October)").

Status (`rag`) and direction (`direction_month`) are read from two scorecards
(`analysis.scorecard.build_scorecard`, which takes them from the indicator-month model);
nothing is worked out again here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from analysis.rag import AMBER, GREEN, IMPROVING, RED, WORSENING
from core.catalogue import Catalogue
from core.periods import long_label

STATUS_WORDS = {GREEN: "on target", AMBER: "near target", RED: "off target"}
# Worse statuses first, so a sentence about a slip is read before one about a recovery.
STATUS_RANK = {GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True)
class Change:
    """One indicator whose status changed since last month, as a sentence."""

    code: str
    name: str
    sentence: str
    worse: bool  # moved to a worse status
    status: str  # the status now: green, amber or red


@dataclass(frozen=True)
class Headline:
    """The month's counts and the changed statuses, ready for the page to show."""

    month: dt.date
    on_target: int
    near_target: int
    off_target: int
    improved: int
    worsened: int
    changes: tuple[Change, ...]

    def counts_sentence(self) -> str:
        """The counts in one sentence, e.g. "In November 2014, 5 indicators were on target…"."""
        rated = self.on_target + self.near_target + self.off_target
        if rated == 0:
            return f"In {long_label(self.month)} no indicator with a target had a figure."
        return (
            f"In {long_label(self.month)}, {_count(self.on_target)} on target, "
            f"{self.near_target} near target and {self.off_target} off target. "
            f"On last month, {_indicators(self.improved)} got better and {self.worsened} got worse."
        )


def _count(n: int) -> str:
    return f"{n} indicator{'s were' if n != 1 else ' was'}"


def _indicators(n: int) -> str:
    return f"{n} indicator{'s' if n != 1 else ''}"


def _status(value: object) -> str | None:
    return value if isinstance(value, str) and value in STATUS_WORDS else None


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _month_word(month: dt.date, previous: dt.date) -> str:
    """ "October" for the month before in the same year, "December 2013" across a new year."""
    return previous.strftime("%B") if previous.year == month.year else long_label(previous)


def build_headline(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    cat: Catalogue,
    month: dt.date,
    previous_month: dt.date,
) -> Headline:
    """The headline for `month` from its scorecard and the scorecard of the month before.

    `current` and `previous` are scorecards (columns `code`, `name`, `breakdown`, `value`,
    `rag`, `direction_month`). An indicator whose status changed is one with a status in
    both months that differs; an indicator with no figure or no target in either month
    has no status to change and gets no sentence.
    """
    statuses = [_status(s) for s in current["rag"]]
    directions = list(current["direction_month"])
    before = (
        {code: _status(s) for code, s in zip(previous["code"], previous["rag"], strict=True)}
        if not previous.empty
        else {}
    )
    changes = []
    for row, now in zip(current.itertuples(index=False), statuses, strict=True):
        was = before.get(row.code)
        if now is None or was is None or now == was:
            continue
        indicator = cat.get(row.code)
        name = f"{row.name}: {row.breakdown.lower()}" if row.breakdown else row.name
        figure = indicator.format_value(_number(row.value))
        sentence = (
            f"{name}: {figure} in {long_label(month)}, {STATUS_WORDS[now]} "
            f"(was {STATUS_WORDS[was]} in {_month_word(month, previous_month)})"
        )
        worse = STATUS_RANK[now] > STATUS_RANK[was]
        changes.append((-STATUS_RANK[now], Change(row.code, indicator.name, sentence, worse, now)))
    changes.sort(key=lambda pair: (not pair[1].worse, pair[0]))
    return Headline(
        month=month,
        on_target=statuses.count(GREEN),
        near_target=statuses.count(AMBER),
        off_target=statuses.count(RED),
        improved=directions.count(IMPROVING),
        worsened=directions.count(WORSENING),
        changes=tuple(change for _, change in changes),
    )
