"""The improvement plan, counted: the plan's state at a month, its headline, themes and changes.

Pure functions of frames, so the page, the committee report and `python -m etl plan status` count
the same actions the same way. An action frame has one row per action (ref, theme, action, lead,
due, status, completed, indicators, evidence, row); frames of several snapshots add `as_at`.

The numbers are defined once, here, as the issue that asked for them defines them. For a month M
the plan's state is the latest snapshot as at M or earlier. `actions` counts every action not
Withdrawn; `complete` those Complete; `percent_complete` is complete / actions x 100 to one decimal
place (half up); `overdue` are actions neither Complete nor Withdrawn whose due month is before M
(due in M itself is not overdue); `at_risk_or_off_track` are those At risk or Off track.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

NOT_STARTED, ON_TRACK, AT_RISK, OFF_TRACK, COMPLETE, WITHDRAWN = STATUSES = (
    "Not started",
    "On track",
    "At risk",
    "Off track",
    "Complete",
    "Withdrawn",
)
# The statuses of a live action, best first: the order of the progress chart's stacks.
PROGRESS_ORDER = (COMPLETE, ON_TRACK, AT_RISK, OFF_TRACK, NOT_STARTED)
ALL_THEMES = "All themes"
STATUS_COLUMNS = [
    "theme",
    "actions",
    "complete",
    "percent_complete",
    "overdue",
    "at_risk_or_off_track",
]
ACTION_COLUMNS = [
    "ref",
    "theme",
    "action",
    "lead",
    "due",
    "status",
    "completed",
    "indicators",
    "evidence",
]


@dataclass(frozen=True)
class PlanCounts:
    """The plan's numbers at one month."""

    actions: int
    complete: int
    percent_complete: float | None  # None when every action was withdrawn
    overdue: int
    at_risk_or_off_track: int


def percent(complete: int, actions: int) -> float | None:
    """complete / actions x 100 to one decimal place, rounding a half up (as people do)."""
    if actions == 0:
        return None
    exact = Decimal(complete * 100) / Decimal(actions)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent_text(value: float | None) -> str:
    """48% for 48.0, 48.5% for 48.5, as the leader would say it; a dash for no actions."""
    if value is None:
        return "–"
    return f"{value:.1f}".removesuffix(".0") + "%"


def snapshot_month(as_ats: Iterable[dt.date], month: dt.date) -> dt.date | None:
    """The as-at month of the snapshot in force at `month`: the latest at or before it."""
    earlier = [a for a in as_ats if a <= month]
    return max(earlier) if earlier else None


def previous_month(as_ats: Iterable[dt.date], as_at: dt.date) -> dt.date | None:
    """The as-at month of the snapshot before the one as at `as_at`."""
    earlier = [a for a in as_ats if a < as_at]
    return max(earlier) if earlier else None


def state_at(snapshots: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """The actions of the snapshot in force at `month` (empty when none is that early)."""
    if snapshots.empty:
        return snapshots.iloc[0:0]
    chosen = snapshot_month(set(snapshots["as_at"]), month)
    if chosen is None:
        return snapshots.iloc[0:0]
    return snapshots[snapshots["as_at"] == chosen].reset_index(drop=True)


def live(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions that count: every one not Withdrawn."""
    return actions[actions["status"] != WITHDRAWN]


def overdue_mask(actions: pd.DataFrame, month: dt.date) -> pd.Series:
    """Neither Complete nor Withdrawn, and due in a month before `month`."""
    open_ = ~actions["status"].isin([COMPLETE, WITHDRAWN])
    due = actions["due"].map(lambda d: d is not None and d == d and d < month)
    return open_ & due.astype(bool)


def risk_mask(actions: pd.DataFrame) -> pd.Series:
    return actions["status"].isin([AT_RISK, OFF_TRACK])


def counts(actions: pd.DataFrame, month: dt.date) -> PlanCounts:
    """The plan's numbers for these actions at `month` (see the module's definitions)."""
    counted = live(actions)
    complete = int((counted["status"] == COMPLETE).sum())
    return PlanCounts(
        actions=len(counted),
        complete=complete,
        percent_complete=percent(complete, len(counted)),
        overdue=int(overdue_mask(actions, month).sum()),
        at_risk_or_off_track=int(risk_mask(actions).sum()),
    )


def themes(actions: pd.DataFrame) -> list[str]:
    """The plan's themes in the order the sheet first lists them."""
    if actions.empty:
        return []
    ordered = actions.sort_values("row", kind="stable") if "row" in actions else actions
    return list(dict.fromkeys(ordered["theme"]))


def status_by_theme(actions: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """One row per theme and a last row `All themes`: the columns of `plan status`."""
    rows = []
    for theme in [*themes(actions), ALL_THEMES]:
        mine = actions if theme == ALL_THEMES else actions[actions["theme"] == theme]
        c = counts(mine, month)
        rows.append(
            (theme, c.actions, c.complete, c.percent_complete, c.overdue, c.at_risk_or_off_track)
        )
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def progress_over_time(snapshots: pd.DataFrame) -> pd.DataFrame:
    """For every snapshot and theme (and All themes), how many actions had each status.

    Columns as_at, theme, then one column per status in PROGRESS_ORDER, then actions and
    percent_complete: the data behind the progress chart, and its table.
    """
    columns = ["as_at", "theme", *PROGRESS_ORDER, "actions", "percent_complete"]
    rows = []
    order = themes(snapshots)
    for as_at in sorted(set(snapshots["as_at"])) if not snapshots.empty else []:
        snapshot = snapshots[snapshots["as_at"] == as_at]
        for theme in [*order, ALL_THEMES]:
            mine = snapshot if theme == ALL_THEMES else snapshot[snapshot["theme"] == theme]
            if mine.empty:
                continue
            tally = mine["status"].value_counts()
            by_status = [int(tally.get(s, 0)) for s in PROGRESS_ORDER]
            total = sum(by_status)
            rows.append((as_at, theme, *by_status, total, percent(by_status[0], total)))
    return pd.DataFrame(rows, columns=columns)


def headline(c: PlanCounts) -> str:
    """'24 of 50 actions complete (48%)', as the leader told the public meeting."""
    noun = "action" if c.actions == 1 else "actions"
    return f"{c.complete} of {c.actions} {noun} complete ({percent_text(c.percent_complete)})"


def change_sentence(now: PlanCounts, before: PlanCounts | None, before_month: str) -> str:
    """The change since the previous snapshot, in words: 'up from 18 of 50 (36%) in ...'."""
    if before is None:
        return "This is the first snapshot of the plan."
    then = f"{before.complete} of {before.actions} ({percent_text(before.percent_complete)})"
    if now.percent_complete is None or before.percent_complete is None:
        return f"It was {then} in {before_month}."
    if now.percent_complete > before.percent_complete:
        return f"Up from {then} in {before_month}."
    if now.percent_complete < before.percent_complete:
        return f"Down from {then} in {before_month}."
    return f"Unchanged from {then} in {before_month}."


def action_list(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions in the sheet's order, with the action columns only."""
    ordered = actions.sort_values("row", kind="stable") if "row" in actions else actions
    return ordered[ACTION_COLUMNS].reset_index(drop=True)


def overdue_actions(actions: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """Actions overdue at `month`, the longest overdue first."""
    late = actions[overdue_mask(actions, month)]
    return action_list(late).sort_values(["due", "ref"], kind="stable", ignore_index=True)


def at_risk_actions(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions At risk or Off track, Off track first, then by due month."""
    risky = action_list(actions[risk_mask(actions)])
    rank = risky["status"].map({OFF_TRACK: 0, AT_RISK: 1})
    return (
        risky.assign(_rank=rank)
        .sort_values(["_rank", "due", "ref"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def indicator_codes(text: object) -> list[str]:
    """The codes in a stored `indicators` cell ('REF_24H, REREF_12M')."""
    if not isinstance(text, str):
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def linked_actions(actions: pd.DataFrame, code: str) -> pd.DataFrame:
    """The actions that name indicator `code` among those they should move."""
    if actions.empty:
        return action_list(actions)
    mask = actions["indicators"].map(lambda text: code in indicator_codes(text))
    return action_list(actions[mask.astype(bool)])


CHANGE_KINDS = ("new", "status changed", "slipped", "withdrawn", "no longer listed")
CHANGE_COLUMNS = ["ref", "theme", "action", "change", "before", "after"]


def action_changes(before: pd.DataFrame | None, after: pd.DataFrame) -> pd.DataFrame:
    """What changed from one snapshot to the next: new actions, status changes, slips, withdrawals.

    One row per change, so an action that slipped and changed status has two. `before` is None
    (or empty) for the first snapshot, when every action is new.
    """
    rows: list[tuple[str, str, str, str, str, str]] = []
    old = {} if before is None else {r.ref: r for r in before.itertuples(index=False)}
    for r in action_list(after).itertuples(index=False):
        was = old.pop(r.ref, None)
        if was is None:
            rows.append((r.ref, r.theme, r.action, "new", "", r.status))
            continue
        if r.status != was.status:
            kind = "withdrawn" if r.status == WITHDRAWN else "status changed"
            rows.append((r.ref, r.theme, r.action, kind, was.status, r.status))
        if _later(r.due, was.due) and r.status not in (COMPLETE, WITHDRAWN):
            rows.append((r.ref, r.theme, r.action, "slipped", _month(was.due), _month(r.due)))
    for r in old.values():
        rows.append((r.ref, r.theme, r.action, "no longer listed", r.status, ""))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _later(now: object, then: object) -> bool:
    return isinstance(now, dt.date) and isinstance(then, dt.date) and now > then


def _month(value: object) -> str:
    return value.strftime("%B %Y") if isinstance(value, dt.date) else ""
