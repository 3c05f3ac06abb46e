"""Which teams (breakdown values) an indicator's chart and table show when there are too many.

Uploads refuse a file that would give an indicator more teams than `[breakdowns]
max_distinct`, but a database loaded before that cap existed may hold hundreds or
thousands. A page that drew them all would run for minutes and be unreadable, so it
shows at most the cap's worth and says plainly how many were left out and where
they are (the Download figures page gives every team).

Which ones: the teams a councillor would want to see first are those that need
attention now. So the teams with a figure in the latest month shown come first,
worst first by the indicator's direction (highest first where lower is better,
lowest first where higher is better, largest first where neither is), ties by name
so the choice never changes between two runs. Teams without a figure that month
follow, the most recently reported first, then by name. The choosing is pure (the
cap is passed in) so the chart and the table, built in different places, agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from core.catalogue import WHOLE_AUTHORITY
from core.periods import long_label


@dataclass(frozen=True)
class TeamChoice:
    """The teams to show, in the order chosen (worst first), and what was left out."""

    shown: tuple[str, ...]
    total: int
    latest: dt.date | None
    polarity: str

    @property
    def left_out(self) -> int:
        return self.total - len(self.shown)


def choose_breakdowns(parts: pd.DataFrame, polarity: str, cap: int) -> TeamChoice:
    """At most `cap` of the breakdown values in `parts` (period, breakdown, value), chosen
    as the module docstring says; every value when there are no more than `cap`.

    Whole-authority rows are ignored; `polarity` is the indicator's ("higher", "lower"
    or "neither").
    """
    named = parts[parts["breakdown"] != WHOLE_AUTHORITY][["period", "breakdown", "value"]]
    if named.empty:
        return TeamChoice((), 0, None, polarity)
    latest = max(named["period"])
    with_figure = named[named["value"].notna()]
    now = with_figure[with_figure["period"] == latest].groupby("breakdown")["value"].max()
    ranked = pd.DataFrame({"breakdown": now.index, "value": now.to_numpy(dtype=float)})
    worst_high = polarity != "higher"
    ranked = ranked.sort_values(
        ["value", "breakdown"], ascending=[not worst_high, True], kind="mergesort"
    )
    order = list(ranked["breakdown"])
    if len(order) < cap:
        last_seen = named.groupby("breakdown")["period"].max().drop(order, errors="ignore")
        rest = pd.DataFrame({"breakdown": last_seen.index, "period": last_seen.to_numpy()})
        rest = rest.sort_values(["period", "breakdown"], ascending=[False, True], kind="mergesort")
        order += list(rest["breakdown"])
    total = int(named["breakdown"].nunique())
    return TeamChoice(tuple(order[: max(cap, 0)]), total, latest, polarity)


def only_shown(frame: pd.DataFrame, code: str, choice: TeamChoice) -> pd.DataFrame:
    """`frame` (indicator, breakdown, ...) without the rows of `code`'s teams left out:
    other indicators and the whole-authority figures are untouched."""
    if choice.left_out <= 0:
        return frame
    dropped = (
        (frame["indicator"] == code)
        & (frame["breakdown"] != WHOLE_AUTHORITY)
        & ~frame["breakdown"].isin(choice.shown)
    )
    return frame[~dropped]


def left_out_sentence(choice: TeamChoice, noun: str = "teams") -> str | None:
    """What a reader is told when teams were left out (None when every team is shown)."""
    if choice.left_out <= 0 or choice.latest is None:
        return None
    which = {
        "lower": "the highest figures in {month} (lower is better here)",
        "higher": "the lowest figures in {month} (higher is better here)",
    }.get(choice.polarity, "the largest figures in {month}")
    return (
        f"Showing {len(choice.shown):,} of {choice.total:,} {noun}: those with "
        + which.format(month=long_label(choice.latest))
        + f", then any without a figure that month. The other {choice.left_out:,} {noun} are "
        "left out of this chart and table; every one is in the Download figures page's files."
    )
