"""The committee report's improvement plan section: the headline, each theme, the overdue list.

Counted by `analysis.plan` from the live snapshots, exactly as the Improvement plan page and
`python -m etl plan status` count them, as at the report's month (the latest snapshot as at
that month or earlier). A report for a month before the first snapshot says so; a database with
no plan at all adds no section. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd

from analysis.plan import (
    change_sentence,
    counts,
    headline,
    overdue_actions,
    percent_text,
    previous_month,
    snapshot_month,
    state_at,
    status_by_theme,
)
from core.periods import long_label
from etl.store.database import Store
from etl.store.plan_snapshots import live_actions

SECTION_ID = "plan"
CONTENTS_ITEM = f'<li><a href="#{SECTION_ID}">Improvement plan</a></li>'
THEME_HEADERS = (
    "Theme",
    "Actions",
    "Complete",
    "Per cent complete",
    "Overdue",
    "At risk or off track",
)
OVERDUE_HEADERS = ("Ref", "Theme", "Action", "Lead", "Due", "Status")


def _table(rows: list[list[str]], headers: tuple[str, ...], caption: str) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="plan-table"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _theme_rows(table: pd.DataFrame) -> list[list[str]]:
    return [
        [
            str(r.theme),
            str(r.actions),
            str(r.complete),
            percent_text(r.percent_complete),
            str(r.overdue),
            str(r.at_risk_or_off_track),
        ]
        for r in table.itertuples(index=False)
    ]


def _overdue_rows(late: pd.DataFrame) -> list[list[str]]:
    return [
        [str(r.ref), str(r.theme), str(r.action), str(r.lead), f"{r.due:%B %Y}", str(r.status)]
        for r in late.itertuples(index=False)
    ]


def plan_section_html(every: pd.DataFrame, as_at: dt.date) -> str:
    """The section for the live snapshots' actions `every` (with as_at), at the month `as_at`."""
    if every.empty:
        return ""
    month = long_label(as_at)
    parts = [f'<section class="family plan" id="{SECTION_ID}"><h2>Improvement plan</h2>']
    months = set(every["as_at"])
    snapshot = snapshot_month(months, as_at)
    if snapshot is None:
        first = min(months)
        parts.append(
            f"<p>The first snapshot of the improvement plan is as at {escape(long_label(first))}, "
            f"after {escape(month)}, so there is nothing to report for this month.</p></section>"
        )
        return "".join(parts)
    state = state_at(every, as_at)
    now = counts(state, as_at)
    before_month = previous_month(months, snapshot)
    before = counts(state_at(every, before_month), before_month) if before_month else None
    change = change_sentence(now, before, long_label(before_month) if before_month else "")
    parts.append(
        f'<p class="month"><strong>{escape(headline(now))}</strong> as at {escape(month)}. '
        f"{escape(change)}</p>"
        f"<p>From the plan's snapshot as at {escape(long_label(snapshot))}. Withdrawn actions "
        "are not counted. An action is overdue when it is neither complete nor withdrawn and "
        f"was due before {escape(month)}; {now.overdue} "
        f"{'is' if now.overdue == 1 else 'are'} overdue and {now.at_risk_or_off_track} "
        f"{'is' if now.at_risk_or_off_track == 1 else 'are'} at risk or off track.</p>"
    )
    by_theme = status_by_theme(state, as_at)
    parts.append(_table(_theme_rows(by_theme), THEME_HEADERS, f"By theme, {month}"))
    late = overdue_actions(state, as_at)
    if late.empty:
        parts.append(f"<p>No action was overdue in {escape(month)}.</p>")
    else:
        parts.append(_table(_overdue_rows(late), OVERDUE_HEADERS, f"Overdue actions, {month}"))
    parts.append("</section>")
    return "".join(parts)


def plan_section(store: Store, as_at: dt.date) -> str:
    """The report's plan section at `as_at`, or '' when no plan snapshot has been loaded."""
    return plan_section_html(live_actions(store), as_at)
