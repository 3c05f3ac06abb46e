"""The audit log as the app shows and exports it.

`export_csv` is the export action itself: it checks the role, writes its own
`extract` event and neutralises formula-like text, so the page's download
button, a test or any later caller get the same guarded behaviour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from core.roles import User, require
from etl.outputs.export_safety import neutralise_frame
from etl.store import audit
from etl.store.database import Store
from ui.access import reconfirm


@dataclass(frozen=True)
class AuditFilter:
    actions: tuple[str, ...] = ()
    user_contains: str = ""
    first: dt.date | None = None
    last: dt.date | None = None

    def describe(self) -> dict:
        """The filter as it is written into the export's own audit event."""
        return {
            "actions": list(self.actions),
            "user_contains": self.user_contains,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
        }


def view(store: Store, user: User | None, flt: AuditFilter) -> pd.DataFrame:
    """The events a director may read on screen."""
    require(user, "view_audit")
    return audit.events(store, flt.actions, flt.user_contains, flt.first, flt.last)


def export_csv(store: Store, user: User | None, flt: AuditFilter) -> bytes:
    """The filtered log as CSV for Excel, for officers and directors; recorded as an extract.

    `user` is the user the page resolved; it is re-confirmed here because a download
    callable runs outside the script run, after the page was drawn.
    """
    user = require(reconfirm(user), "export_audit")
    frame = audit.events(store, flt.actions, flt.user_contains, flt.first, flt.last)
    audit.log_extract(
        store, user.audit_name, "audit_log", len(frame), "csv", user.role, flt.describe()
    )
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")
