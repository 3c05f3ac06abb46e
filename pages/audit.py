"""Audit log: directors read it here; officers and directors export it.

The navigation shows this page to officers and directors (action `export_audit`);
the table itself is drawn only for roles that may `view_audit`.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.roles import may
from ui import audit_log
from ui import cached as data
from ui.frame import in_frame

user = in_frame().user
store = data.store()

ACTIONS = [
    "sign_in", "sign_out", "upload", "commit", "rollback", "extract", "benchmarks_load", "redact",
    "restore",
]  # fmt: skip
viewer = may(user, "view_audit")

with st.container(border=True):
    cols = st.columns([2, 2, 2]) if viewer else st.columns([1])
    with cols[0]:
        today = dt.date.today()
        period = st.date_input(
            "Between",
            value=(today - dt.timedelta(days=30), today),
            max_value=today,
            format="DD/MM/YYYY",
        )
    actions: list[str] = []
    who = ""
    if viewer:
        with cols[1]:
            actions = st.multiselect("Actions", ACTIONS, placeholder="All actions")
        with cols[2]:
            who = st.text_input("User (part of the e-mail address)")

# While the second date is being picked, the range has one end: treat it as one day.
dates = period if isinstance(period, tuple) else (period,)
flt = audit_log.AuditFilter(
    tuple(actions), who, dates[0] if dates else None, dates[-1] if dates else None
)

if viewer:
    events = audit_log.view(store, user, flt)
    st.caption(f"{len(events):,} events, newest first.")
    st.dataframe(
        events,
        hide_index=True,
        width="stretch",
        column_config={
            "id": None,
            "occurred_at": st.column_config.DatetimeColumn("When", format="DD/MM/YYYY HH:mm"),
            "username": "Who",
            "role": "Role",
            "action": "Action",
            "outcome": "Outcome",
            "detail": "What",
            "os_user": "Server account",  # who ran it at the server (command line) or the app
        },
    )
else:
    st.info(
        "Officers can export the audit log for checks and returns; reading it on screen "
        "is for directors. The export is itself recorded in the log."
    )

st.download_button(
    "Download the audit log (CSV)",
    data=lambda: audit_log.export_csv(store, user, flt),
    file_name=f"cyps-audit-log-{dt.date.today():%Y-%m-%d}.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
)
