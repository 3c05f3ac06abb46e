"""The improvement plan drawn for members: headline, progress by theme, late and risky actions.

Every number comes from `analysis.plan` on the cached live snapshots (`ui.cached.plan_actions`),
so the page, the committee report and `python -m etl plan status` agree. Statuses are written
in words with a symbol, never shown by colour alone; each chart has its numbers in a table.
`render_linked_actions` is the "Actions meant to move this measure" panel under each indicator.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analysis import plan
from analysis.rag import RAG_ICONS
from core.catalogue import Catalogue, Indicator
from core.periods import add_months, long_label
from core.settings import council_name
from etl.sample.bundled import SAMPLE_SUBMITTER
from presentation.charts.plan import plan_progress_chart, progress_table, theme_progress_chart
from presentation.markup import md
from ui import cached as data

STATUS_MARKS = {
    plan.COMPLETE: "✔",
    plan.ON_TRACK: "●",
    plan.AT_RISK: "▲",
    plan.OFF_TRACK: "✖",
    plan.NOT_STARTED: "○",
    plan.WITHDRAWN: "–",
}
LINKED_TITLE = "Actions meant to move this measure"
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
ILLUSTRATIVE_PLAN = (
    "**Illustrative sample plan.** The actions, leads and dates are invented, shaped on public "
    "facts about one council's improvement plan in 2015 to 2017. Not to be quoted."
)


def status_text(status: str) -> str:
    return f"{STATUS_MARKS.get(status, '')} {status}".strip()


def _day(value: object) -> str:
    return f"{value:%d %B %Y}".lstrip("0") if isinstance(value, dt.date) else ""


def actions_table(
    actions: pd.DataFrame, indicator_status: dict[str, str] | None = None
) -> pd.DataFrame:
    """Actions in the members' words: due month and status written out."""
    listed = plan.action_list(actions) if not actions.empty else actions
    table = pd.DataFrame(
        {
            "Ref": listed["ref"].tolist(),
            "Theme": listed["theme"].tolist(),
            "Action": listed["action"].tolist(),
            "Lead": listed["lead"].tolist(),
            "Due": [long_label(d) for d in listed["due"]],
            "Status": [status_text(s) for s in listed["status"]],
            "Completed": [_day(d) for d in listed["completed"]],
        }
    )
    if indicator_status is not None:
        table["Indicators (status now)"] = [
            "; ".join(indicator_status.get(c, c) for c in plan.indicator_codes(text))
            for text in listed["indicators"]
        ]
    return table


def indicator_status(card: pd.DataFrame, cat: Catalogue) -> dict[str, str]:
    """Each indicator's name and RAG in words, from the scorecard of the month shown."""
    return {
        row.code: f"{cat.get(row.code).name}: {RAG_ICONS.get(row.rag, '–')} {row.rag_label}"
        for row in card.itertuples(index=False)
    }


def plan_months(every: pd.DataFrame, figures_months: list[dt.date]) -> list[dt.date]:
    """Months the page can show, newest first: from the first snapshot to the latest snapshot
    or month with figures, whichever is later."""
    first, last = min(every["as_at"]), max([*every["as_at"], *figures_months])
    months, month = [], last
    while month >= first:
        months.append(month)
        month = add_months(month, -1)
    return months


def render_headline(every: pd.DataFrame, as_at: dt.date) -> pd.DataFrame:
    """The leader's sentence for `as_at`, the change since the previous snapshot, three
    figures; returns the actions in force (the snapshot as at `as_at` or earlier)."""
    months = set(every["as_at"])
    snapshot = plan.snapshot_month(months, as_at)
    state = plan.state_at(every, as_at)
    if snapshot is None or state.empty:
        st.info(f"The first snapshot of the plan is later than {long_label(as_at)}.")
        return state
    if (state["submitted_by"] == SAMPLE_SUBMITTER).all():
        st.warning(ILLUSTRATIVE_PLAN, icon="ℹ️")
    now = plan.counts(state, as_at)
    before_month = plan.previous_month(months, snapshot)
    before = plan.counts(plan.state_at(every, before_month), before_month) if before_month else None
    st.subheader(f"{plan.headline(now)}, as at {long_label(as_at)}")
    change = plan.change_sentence(now, before, long_label(before_month) if before_month else "")
    source = (
        f"From the snapshot as at {long_label(snapshot)}."
        if snapshot == as_at
        else f"There is no snapshot as at {long_label(as_at)}: these are from the snapshot as at "
        f"{long_label(snapshot)}, the latest before it."
    )
    st.markdown(f"{change} {source} Withdrawn actions are not counted.")
    cols = st.columns(3)
    delta = None
    if before_month and before and None not in (now.percent_complete, before.percent_complete):
        points = (now.percent_complete or 0.0) - (before.percent_complete or 0.0)
        delta = f"{points:+.1f} points since {long_label(before_month)}"
    cols[0].metric("Per cent complete", plan.percent_text(now.percent_complete), delta=delta)
    cols[1].metric(
        "Overdue", now.overdue, help=f"Not complete, and due before {long_label(as_at)}."
    )
    cols[2].metric("At risk or off track", now.at_risk_or_off_track)
    return state


def render_progress(every: pd.DataFrame) -> None:
    """Progress at every snapshot: all themes, then each theme, then the numbers as a table."""
    st.subheader("Progress at each snapshot")
    progress = plan.progress_over_time(every)
    council = council_name()
    st.plotly_chart(
        plan_progress_chart(progress, council),
        width="stretch",
        config=CHART_CONFIG,
        key="plan_progress",
    )
    st.plotly_chart(
        theme_progress_chart(progress, plan.themes(every), council),
        width="stretch",
        config=CHART_CONFIG,
        key="plan_theme_progress",
    )
    st.caption(
        "Each bar is one snapshot; its parts are the actions complete, on track, at risk, off "
        "track and not started (withdrawn actions are left out). The legend names each pattern."
    )
    with st.expander("The progress as a table", expanded=False):
        st.dataframe(progress_table(progress), hide_index=True, width="stretch")


def render_themes(state: pd.DataFrame, as_at: dt.date) -> None:
    st.subheader(f"By theme, {long_label(as_at)}")
    table = plan.status_by_theme(state, as_at)
    st.dataframe(
        pd.DataFrame(
            {
                "Theme": table["theme"],
                "Actions": table["actions"],
                "Complete": table["complete"],
                "Per cent complete": [plan.percent_text(p) for p in table["percent_complete"]],
                "Overdue": table["overdue"],
                "At risk or off track": table["at_risk_or_off_track"],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def render_lists(state: pd.DataFrame, as_at: dt.date) -> None:
    """Overdue actions, then those at risk or off track, with lead and due month."""
    late = plan.overdue_actions(state, as_at)
    st.subheader(f"Overdue actions, {long_label(as_at)}")
    if late.empty:
        st.markdown(f"No action is overdue in {long_label(as_at)}.")
    else:
        st.dataframe(actions_table(late), hide_index=True, width="stretch", key="plan_overdue")
    risky = plan.at_risk_actions(state)
    st.subheader("At risk or off track")
    if risky.empty:
        st.markdown("No action is at risk or off track.")
    else:
        st.dataframe(actions_table(risky), hide_index=True, width="stretch", key="plan_risky")


def render_all_actions(state: pd.DataFrame, statuses: dict[str, str]) -> None:
    with st.expander("Every action, with the indicators it should move and their status now"):
        st.markdown(
            "So members can see whether completed actions are followed by better figures: each "
            "linked indicator's status against its target in the month shown."
        )
        st.dataframe(actions_table(state, statuses), hide_index=True, width="stretch")


def render_linked_actions(indicator: Indicator, path: str, version: str, month: dt.date) -> None:
    """Under an indicator: the plan's actions that should move it, as at `month` (or nothing)."""
    every = data.plan_actions(path, version)
    if every.empty:
        return
    state = plan.state_at(every, month)
    linked = plan.linked_actions(state, indicator.code) if not state.empty else state
    if linked.empty:
        return
    snapshot = plan.snapshot_month(set(every["as_at"]), month) or month
    done = int((linked["status"] == plan.COMPLETE).sum())
    with st.expander(f"{LINKED_TITLE} ({done} of {len(linked)} complete)"):
        st.caption(f"From the improvement plan's snapshot as at {long_label(snapshot)}.")
        lines = [
            f"- **{md(r.ref)}** {md(r.action)} ({md(r.lead)}, due {long_label(r.due)}): "
            f"{status_text(r.status)}"
            for r in linked.itertuples(index=False)
        ]
        st.markdown("\n".join(lines))
