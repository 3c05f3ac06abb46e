"""The improvement plan drawn for members: headline, progress by theme, late and risky actions.

Every number comes from `analysis.plan` on the cached live snapshots (`ui.cached.plan_actions`),
so the page, the committee report and `python -m etl plan status` agree. `plan_page` and
`month_view` work out everything the page shows (pure, so `ui.plan_cached` keeps them once per
data version and month for every session); the `render_*` functions only draw them. Statuses
are written in words with a symbol, never shown by colour alone; each chart has its numbers in a
table.
`render_linked_actions` is the "Actions meant to move this measure" panel under each indicator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import plan
from analysis.rag import RAG_ICONS
from core.catalogue import Catalogue, Indicator
from core.periods import add_months, long_label
from core.settings import council_name
from etl.sample.bundled import SAMPLE_SUBMITTER
from presentation.charts.layout import CHART_CONFIG
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


@dataclass(frozen=True)
class PlanPage:
    """What the page draws whatever the month: the months to choose from, the progress table."""

    months: list[dt.date]  # newest first; empty when no plan is loaded
    progress: pd.DataFrame  # `analysis.plan.progress_over_time`, for the two charts
    progress_table: pd.DataFrame


@dataclass(frozen=True)
class MonthView:
    """Everything the page writes for one month, worked out once (the renderers only draw)."""

    label: str  # the month in words
    notice: str  # when no snapshot is in force yet: the only sentence drawn for the month
    illustrative: bool = False
    title: str = ""
    summary: str = ""
    percent: str = ""
    delta: str | None = None
    overdue: int = 0
    overdue_help: str = ""
    at_risk: int = 0
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    late: pd.DataFrame = field(default_factory=pd.DataFrame)
    risky: pd.DataFrame = field(default_factory=pd.DataFrame)
    every: pd.DataFrame = field(default_factory=pd.DataFrame)


def plan_page(every: pd.DataFrame, figures_months: list[dt.date]) -> PlanPage:
    if every.empty:
        return PlanPage([], pd.DataFrame(), pd.DataFrame())
    progress = plan.progress_over_time(every)
    return PlanPage(plan_months(every, figures_months), progress, progress_table(progress))


def progress_figures(progress: pd.DataFrame, themes: list[str]) -> tuple[go.Figure, go.Figure]:
    """All themes, then each theme: the charts under "Progress at each snapshot"."""
    council = council_name()
    return plan_progress_chart(progress, council), theme_progress_chart(progress, themes, council)


def month_view(every: pd.DataFrame, as_at: dt.date, statuses: dict[str, str]) -> MonthView:
    """The headline for `as_at`, the change since the previous snapshot, three figures, the
    themes, the late and risky actions and every action, from the snapshot in force then."""
    label = long_label(as_at)
    months = set(every["as_at"])
    snapshot = plan.snapshot_month(months, as_at)
    state = plan.state_at(every, as_at)
    if snapshot is None or state.empty:
        return MonthView(label, f"The first snapshot of the plan is later than {label}.")
    now = plan.counts(state, as_at)
    before_month = plan.previous_month(months, snapshot)
    before = plan.counts(plan.state_at(every, before_month), before_month) if before_month else None
    change = plan.change_sentence(now, before, long_label(before_month) if before_month else "")
    source = (
        f"From the snapshot as at {long_label(snapshot)}."
        if snapshot == as_at
        else f"There is no snapshot as at {label}: these are from the snapshot as at "
        f"{long_label(snapshot)}, the latest before it."
    )
    delta = None
    if before_month and before and None not in (now.percent_complete, before.percent_complete):
        points = (now.percent_complete or 0.0) - (before.percent_complete or 0.0)
        delta = f"{points:+.1f} points since {long_label(before_month)}"
    late, risky = plan.overdue_actions(state, as_at), plan.at_risk_actions(state)
    return MonthView(
        label,
        "",
        illustrative=bool((state["submitted_by"] == SAMPLE_SUBMITTER).all()),
        title=f"{plan.headline(now)}, as at {label}",
        summary=f"{change} {source} Withdrawn actions are not counted.",
        percent=plan.percent_text(now.percent_complete),
        delta=delta,
        overdue=now.overdue,
        overdue_help=f"Not complete, and due before {label}.",
        at_risk=now.at_risk_or_off_track,
        themes=themes_table(plan.status_by_theme(state, as_at)),
        late=actions_table(late) if not late.empty else late,
        risky=actions_table(risky) if not risky.empty else risky,
        every=actions_table(state, statuses),
    )


def themes_table(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Theme": table["theme"],
            "Actions": table["actions"],
            "Complete": table["complete"],
            "Per cent complete": [plan.percent_text(p) for p in table["percent_complete"]],
            "Overdue": table["overdue"],
            "At risk or off track": table["at_risk_or_off_track"],
        }
    )


# --- drawing: st.* calls only, from the cached page model (`ui.plan_cached`) ----------------


def render_headline(view: MonthView) -> None:
    if view.notice:
        st.info(view.notice)
        return
    if view.illustrative:
        st.warning(ILLUSTRATIVE_PLAN, icon="ℹ️")
    st.subheader(view.title)
    st.markdown(view.summary)
    cols = st.columns(3)
    cols[0].metric("Per cent complete", view.percent, delta=view.delta)
    cols[1].metric("Overdue", view.overdue, help=view.overdue_help)
    cols[2].metric("At risk or off track", view.at_risk)


def render_progress(page: PlanPage, figures: tuple[go.Figure, go.Figure]) -> None:
    """Progress at every snapshot: all themes, then each theme, then the numbers as a table.
    The figures are shared between sessions (`ui.plan_cached`): never modify them."""
    st.subheader("Progress at each snapshot")
    for figure, key in zip(figures, ("plan_progress", "plan_theme_progress"), strict=True):
        st.plotly_chart(figure, width="stretch", config=CHART_CONFIG, key=key)
    st.caption(
        "Each bar is one snapshot; its parts are the actions complete, on track, at risk, off "
        "track and not started (withdrawn actions are left out). The legend names each pattern."
    )
    with st.expander("The progress as a table", expanded=False):
        st.dataframe(page.progress_table, hide_index=True, width="stretch")


def render_themes(view: MonthView) -> None:
    st.subheader(f"By theme, {view.label}")
    st.dataframe(view.themes, hide_index=True, width="stretch")


def render_lists(view: MonthView) -> None:
    """Overdue actions, then those at risk or off track, with lead and due month."""
    st.subheader(f"Overdue actions, {view.label}")
    if view.late.empty:
        st.markdown(f"No action is overdue in {view.label}.")
    else:
        st.dataframe(view.late, hide_index=True, width="stretch", key="plan_overdue")
    st.subheader("At risk or off track")
    if view.risky.empty:
        st.markdown("No action is at risk or off track.")
    else:
        st.dataframe(view.risky, hide_index=True, width="stretch", key="plan_risky")


def render_all_actions(view: MonthView) -> None:
    with st.expander("Every action, with the indicators it should move and their status now"):
        st.markdown(
            "So members can see whether completed actions are followed by better figures: each "
            "linked indicator's status against its target in the month shown."
        )
        st.dataframe(view.every, hide_index=True, width="stretch")


def render_linked_actions(indicator: Indicator, path: str, version: str, month: dt.date) -> None:
    """Under an indicator: the plan's actions that should move it, as at `month` (or nothing)."""
    linked, snapshot = data.linked_actions(path, version, indicator.code, month)
    if linked.empty or snapshot is None:
        return
    done = int((linked["status"] == plan.COMPLETE).sum())
    with st.expander(f"{LINKED_TITLE} ({done} of {len(linked)} complete)"):
        st.caption(f"From the improvement plan's snapshot as at {long_label(snapshot)}.")
        lines = [
            f"- **{md(r.ref)}** {md(r.action)} ({md(r.lead)}, due {long_label(r.due)}): "
            f"{status_text(r.status)}"
            for r in linked.itertuples(index=False)
        ]
        st.markdown("\n".join(lines))
