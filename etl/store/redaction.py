"""A director's redaction of commentary: text that should never have been stored, removed for good.

Figures and their history are never rewritten, but commentary is free text: a child's name
pasted by mistake must go. A redaction names the version where the text was seen (submission,
indicator, month) and replaces the commentary of that figure **in every version**, earlier
and later submissions alike, with "[removed by <user> on <date>: <reason>]". It is recorded
in the `redactions` table and the audit log (who, when, why; never the text removed), and
the database file is then rewritten (`etl.store.backup.compact`) so the old text does not
linger in freed space. Backups taken before still hold it: they age out with the rotation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.errors import CypsError, Kind
from etl.store.backup import compact
from etl.store.database import Store, now, record_event

REDACTED_PREFIX = "[removed by "


class NotRedacted(CypsError):
    """A redaction that cannot be done; the message says why. Nothing was changed."""

    kind = Kind.INVALID_REQUEST


@dataclass(frozen=True)
class Redaction:
    id: int
    submission_id: int
    indicator: str
    period: dt.date
    breakdowns: list[str]
    versions_changed: int
    text: str  # what now stands in place of the commentary
    compacted: bool = True  # False: the file could not be rewritten (text may linger on disk)

    def summary(self) -> str:
        where = ", ".join(repr(b) if b else "whole authority" for b in self.breakdowns)
        return (
            f"Commentary for {self.indicator} in {self.period:%B %Y} ({where}) was replaced in "
            f"{self.versions_changed} stored version(s) with: {self.text}"
        )


def redaction_text(user: str, when: dt.date, reason: str) -> str:
    return f"{REDACTED_PREFIX}{user} on {when:%d %B %Y}: {reason}]"


def redact(
    store: Store,
    submission_id: int,
    indicator: str,
    period: dt.date,
    reason: str,
    user: str,
    role: str | None = None,
    breakdown: str | None = None,
) -> Redaction:
    """Replace the commentary of (indicator, period) in every version; see the module docstring.

    `breakdown` narrows it to one team or band; by default every breakdown whose commentary
    submission `submission_id` holds for that month is redacted.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise NotRedacted("Give a reason for the redaction (it is kept in the audit log).")
    if not user.strip():
        raise NotRedacted("Say who is redacting (--user): the redaction is signed.")
    with store.writing() as con:
        exists = con.execute("SELECT count(*) FROM submissions WHERE id = ?", [submission_id])
        if not exists.fetchall()[0][0]:
            raise NotRedacted(f"There is no submission {submission_id}. Nothing was changed.")
        where = "submission_id = ? AND indicator = ? AND period = ?"
        params: list[object] = [submission_id, indicator, period]
        if breakdown is not None:
            where += " AND breakdown = ?"
            params.append(breakdown)
        rows = con.execute(f"SELECT breakdown, commentary FROM observations WHERE {where}", params)
        found = rows.fetchall()
        month = f"{period:%B %Y}"
        if not found:
            raise NotRedacted(
                f"Submission {submission_id} holds no figure for {indicator} in {month}"
                f"{f' for {breakdown!r}' if breakdown else ''}. Nothing was changed."
            )
        breakdowns = sorted(
            b for b, text in found if text and text.strip() and not text.startswith(REDACTED_PREFIX)
        )
        if not breakdowns:
            raise NotRedacted(
                f"Submission {submission_id} has no commentary for {indicator} in {month} (or it "
                "was already removed). Nothing was changed."
            )
        when = now()
        text = redaction_text(user, when.date(), reason)
        marks = ", ".join("?" for _ in breakdowns)
        changed = con.execute(
            f"""UPDATE observations SET commentary = ?
                WHERE indicator = ? AND period = ? AND breakdown IN ({marks})
                  AND commentary IS NOT NULL AND NOT starts_with(commentary, ?)
                RETURNING submission_id""",
            [text, indicator, period, *breakdowns, REDACTED_PREFIX],
        ).fetchall()
        redaction_id = con.execute(
            """INSERT INTO redactions (redacted_at, redacted_by, reason, submission_id,
                   indicator, period, versions_changed)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [when, user, reason, submission_id, indicator, period, len(changed)],
        ).fetchall()[0][0]
        detail = {
            "redaction": redaction_id,
            "submission": submission_id,
            "indicator": indicator,
            "period": f"{period:%Y-%m}",
            "breakdowns": breakdowns,
            "versions": len(changed),
            "submissions": sorted({r[0] for r in changed}),
            "reason": reason,
        }
        record_event(con, user, "redact", "done", detail, role)
    compacted = _compact(store)
    return Redaction(
        redaction_id,
        submission_id,
        indicator,
        period,
        breakdowns,
        len(changed),
        text,
        compacted,
    )


def _compact(store: Store) -> bool:
    """Rewrite the file so the removed text is gone from disk; False if that failed."""
    try:
        compact(store)
    except Exception:  # the redaction itself stands; the caller says the text may linger
        return False
    return True
