"""Removing commentary that should never have been stored, from the Submission history page.

`redact_commentary` is the action: it checks the director's role itself (`redact`), so
reaching it by any route other than the page is refused too, and it is recorded in the audit
log with who and why (`etl.store.redaction`). `redaction_section` draws the form under a
submission's changes: which figure's commentary, why, a tick, and the button.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.roles import NotAllowed, User, may, require
from etl.store.database import Store, StoreError
from etl.store.redaction import REDACTED_PREFIX, NotRedacted, Redaction, redact
from presentation.markup import md
from ui import cached as data
from ui.access import current_user

NOTICE_KEY = "redaction_notice"
PREVIEW_CHARS = 60


def redact_commentary(
    store: Store,
    user: User | None,
    submission_id: int,
    indicator: str,
    period: dt.date,
    reason: str,
    breakdown: str | None = None,
) -> Redaction:
    """Replace a figure's commentary in every version, for a director; audit-logged."""
    user = require(user, "redact")
    return redact(
        store,
        submission_id,
        indicator,
        period,
        reason,
        user.audit_name,
        role=user.role,
        breakdown=breakdown,
    )


def _choices(changes: pd.DataFrame) -> list[tuple[str, dt.date, str, str]]:
    """(indicator, month, breakdown, text) for each figure of the submission with commentary."""
    rows = changes[changes["commentary"].fillna("").str.strip() != ""]
    rows = rows[~rows["commentary"].str.startswith(REDACTED_PREFIX)]
    return [
        (r.indicator, pd.Timestamp(r.period).date(), str(r.breakdown), str(r.commentary))
        for r in rows.itertuples()
    ]


def _label(choice: tuple[str, dt.date, str, str]) -> str:
    indicator, month, breakdown, text = choice
    short = text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"
    return f"{indicator}, {month:%B %Y}, {breakdown or 'whole authority'}: {short}"


def redaction_section(user: User | None, submission_id: int) -> None:
    """The form to remove one figure's commentary (directors only; nothing if none to remove)."""
    _show_notice()
    if not may(user, "redact"):
        return
    store = data.store()
    choices = _choices(data.submission_changes(str(store.path), data.version(), submission_id))
    if not choices:
        return
    with st.expander("Remove commentary that should not have been stored"):
        st.markdown(
            "Commentary is kept forever with every version of a figure. If text was stored "
            "by mistake (a child's name, say), remove it here: it is replaced in **every "
            "version** of that figure with a note of who removed it, when and why. The "
            "removal is recorded in the audit log; the text itself is not kept anywhere."
        )
        picked = st.selectbox(
            "Which commentary", range(len(choices)), format_func=lambda i: _label(choices[i]),
            key=f"redact_pick_{submission_id}",
        )  # fmt: skip
        reason = st.text_input(
            "Why it is being removed (do not repeat the text)", key=f"redact_reason_{submission_id}"
        )
        ticked = st.checkbox(
            "I want to remove this commentary from every version",
            key=f"redact_confirm_{submission_id}",
        )
        st.button(
            "Remove the commentary",
            type="primary",
            disabled=not (ticked and reason.strip()),
            on_click=_redact,
            args=(submission_id, choices[picked], reason),
            key=f"redact_button_{submission_id}",
        )


def _redact(submission_id: int, choice: tuple[str, dt.date, str, str], reason: str) -> None:
    """Runs once per click, before the page is drawn again."""
    st.session_state.pop(f"redact_confirm_{submission_id}", None)
    indicator, month, breakdown, _text = choice
    try:
        done = redact_commentary(
            data.store(), current_user(), submission_id, indicator, month, reason, breakdown
        )
    except (NotRedacted, NotAllowed, StoreError) as err:
        st.session_state[NOTICE_KEY] = ("warning", md(str(err)))
        return
    st.session_state.pop(f"redact_reason_{submission_id}", None)
    st.session_state[NOTICE_KEY] = ("success", md(done.summary()))


def _show_notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        kind, text = notice
        getattr(st, kind)(text)
