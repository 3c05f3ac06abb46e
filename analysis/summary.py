"""One plain-English sentence under each chart, generated from the figures.

Councillors read the sentence before the chart, so it says the three things they
ask: what the figure was, how it compares with the target, and how it compares
with a year earlier. "Better" and "worse" follow the indicator's polarity; for a
measure where neither direction is better (a count of referrals, say) the
sentence only says whether it rose or fell. "stood at" is used because it reads
correctly whether an indicator's name is singular or plural.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from analysis.indicator_month import indicator_months, month_of
from analysis.rag import (
    AMBER,
    DOWN,
    GREEN,
    IMPROVING,
    NO_CHANGE,
    RED,
    UP,
    WORSENING,
)
from core.catalogue import Indicator
from core.periods import long_label


def _value_at(series: pd.DataFrame, period: dt.date) -> float | None:
    rows = series.loc[series["period"] == period, "value"]
    if rows.empty:
        return None
    value = float(rows.iloc[-1])
    return None if math.isnan(value) else value


def format_target(indicator: Indicator, target: float) -> str:
    """A target as people write it: "22%" rather than "22.0%" when it is a whole number."""
    decimals = 0 if float(target).is_integer() else indicator.decimals
    text = f"{target:,.{decimals}f}"
    return f"{text}%" if indicator.is_percent else text


def _target_clause(indicator: Indicator, value: float, target: float, status: str | None) -> str:
    shown = format_target(indicator, target)
    if indicator.polarity == "neither" or status is None:
        return f"against a target of {shown}"
    if abs(value - target) < 1e-9:
        return f"meeting the {shown} target"
    if status == GREEN:
        return f"better than the {shown} target"
    if status == AMBER:
        return f"a little worse than the {shown} target (within the amber tolerance)"
    if status == RED:
        return f"worse than the {shown} target"
    return f"against a target of {shown}"


def _compare_clause(indicator: Indicator, word: str | None, before: float, when: str) -> str:
    shown = indicator.format_value(before)
    return {
        IMPROVING: f"better than {when} ({shown})",
        WORSENING: f"worse than {when} ({shown})",
        NO_CHANGE: f"the same as {when} ({shown})",
        UP: f"up from {shown} {when}",
        DOWN: f"down from {shown} {when}",
    }.get(word or "", "")


def summary_sentence(
    indicator: Indicator,
    series: pd.DataFrame,
    targets: pd.DataFrame,
    period: dt.date,
    label: str | None = None,
) -> str:
    """The sentence for `indicator` in `period`.

    `series` has columns period (date) and value, one row per month (the
    whole-authority figure, or the one breakdown the sentence is about, named by
    `label`). A month with no figure says so and points to the latest figure
    there is, rather than pretending the value is zero.
    """
    subject = label or indicator.name
    when = long_label(period)
    value = _value_at(series, period)
    if value is None:
        known = series.dropna(subset=["value"])
        known = known[known["period"] < period]
        if known.empty:
            return f"There is no figure for {_lower_first(subject)} for {when}."
        last = known.sort_values("period").iloc[-1]
        return (
            f"There is no figure for {_lower_first(subject)} for {when}; the latest before "
            f"then was {indicator.format_value(float(last['value']))} in "
            f"{long_label(last['period'])}."
        )

    month = month_of(indicator_months(indicator, series, targets, last=period), period)
    assert month is not None  # the month has a figure, so the model has its row
    target = None if pd.isna(month["target"]) else float(month["target"])
    clauses = []
    if target is not None:
        clauses.append(_target_clause(indicator, value, target, month["rag"]))

    # The model's direction of travel: against a year earlier, else the month before.
    if month["direction_year"] is not None:
        before, phrase, word = month["year_ago_value"], "a year earlier", month["direction_year"]
    elif month["direction_month"] is not None:
        before, phrase, word = month["previous_value"], "the month before", month["direction_month"]
    else:
        before, phrase, word = None, "", None

    shown = indicator.format_value(value)
    if indicator.polarity == "neither" and before is not None:
        verb = {UP: "rose to", DOWN: "fell to"}.get(word or "", "stood at")
        sentence = f"{subject} {verb} {shown} in {when}"
        if word == NO_CHANGE:
            sentence += f", the same as {phrase}"
        else:
            sentence += f", from {indicator.format_value(before)} {phrase}"
        if clauses:
            sentence += ", " + clauses[0]
        return sentence + "."

    if before is not None:
        clauses.append(_compare_clause(indicator, word, before, phrase))
    sentence = f"{subject} stood at {shown} in {when}"
    clauses = [c for c in clauses if c]
    if len(clauses) == 2:
        sentence += f", {clauses[0]} and {clauses[1]}"
    elif clauses:
        sentence += f", {clauses[0]}"
    if target is None and indicator.polarity != "neither":
        sentence += "; there is no target for this measure"
    return sentence + "."


def _lower_first(text: str) -> str:
    """Lower-case the first letter of a name used mid-sentence (not an acronym)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text
