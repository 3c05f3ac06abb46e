"""The audit log as the app shows and exports it.

`export_csv` is the export action itself: it checks the role, writes its own
`extract` event and neutralises formula-like text, so the page's download
button, a test or any later caller get the same guarded behaviour.
"""

from __future__ import annotations

import datetime as dt
import json
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
    """The events a director may read on screen, each detail as a sentence (the export keeps
    the raw detail)."""
    require(user, "view_audit")
    frame = audit.events(store, flt.actions, flt.user_contains, flt.first, flt.last)
    frame["detail"] = [
        sentence(a, o, d)
        for a, o, d in zip(frame["action"], frame["outcome"], frame["detail"], strict=True)
    ]
    return frame


VERBS = {
    "commit": "Loaded",
    "upload": "Uploaded",
    "rollback": "Rolled back",
    "extract": "Exported",
    "benchmarks_load": "Loaded comparators from",
    "plan_commit": "Loaded the improvement plan from",
    "redact": "Redacted commentary in",
    "restore": "Restored",
    "sign_in": "Signed in",
    "sign_out": "Signed out",
}
REFUSED = {"refused", "failed", "already_loaded"}
TRIED = {"commit": "load", "benchmarks_load": "load comparators from", "rollback": "roll back"}


def sentence(action: str, outcome: str, detail: str | None) -> str:
    """One audit event's detail in words: "Loaded march.xlsx: 12 new, 3 changed."."""
    try:
        info = json.loads(detail or "{}")
    except ValueError:
        return str(detail)
    if not isinstance(info, dict):
        return str(info)
    info = {k: v for k, v in info.items() if v not in (None, "", [], {})}
    verb = VERBS.get(action, action.replace("_", " ").capitalize())
    what = info.pop("file", None) or info.pop("kind", None)
    if "submission" in info and action in ("commit", "rollback"):
        number = info.pop("submission")
        what = f"{what} (submission {number})" if what else f"submission {number}"
    if outcome in REFUSED:  # not done: say what was tried, and why not below
        verb = "Tried to " + TRIED.get(action, action.replace("_", " "))
    text = f"{verb} {what}" if what else verb
    reasons = info.pop("reasons", None)
    counts = [f"{info.pop(k)} {word}" for k, word in (("added", "new"), ("changed", "changed"))
              if k in info]  # fmt: skip
    rest = [f"{k.replace('_', ' ')} {_plain(v)}" for k, v in info.items()]
    if counts or rest:
        text += ": " + ", ".join(counts + rest)
    if outcome in REFUSED:
        text += f" ({outcome.replace('_', ' ')})"
    if reasons:
        text += ". " + " ".join(
            str(r) for r in (reasons if isinstance(reasons, list) else [reasons])
        )
    return text if text.endswith(".") else text + "."


def _plain(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')} {_plain(v)}" for k, v in value.items() if v)
    return str(value)


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
