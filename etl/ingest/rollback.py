"""Withdrawing a submission: what it would restore, and the rollback itself.

Nothing is deleted: a rolled-back submission is marked withdrawn, and the
figures it had replaced become current again.
"""

from __future__ import annotations

import pandas as pd

from core.errors import CypsError, Kind
from etl.ingest.load import StalePreview
from etl.store.database import Store, now, record_event, version
from etl.store.revisions import rollback_plan


class NotRolledBack(CypsError):
    """A rollback that cannot be done; the message says why."""

    kind = Kind.CONFLICT


def rollback(
    store: Store,
    submission_id: int,
    user: str,
    role: str | None = None,
    expected_version: str | None = None,
) -> pd.DataFrame:
    """Withdraw a submission's figures and targets; history is kept. Returns what was restored.

    `expected_version` is the store version the confirmation was shown against: if
    anything landed since, nothing is rolled back, so nobody confirms a stale list.
    """
    with store.writing() as con:
        if expected_version is not None and version(con) != expected_version:
            raise StalePreview(
                "The figures changed after the confirmation was shown (another submission or "
                "rollback landed). Nothing was rolled back: check what will be restored, then "
                "confirm again."
            )
        rows = con.execute(
            "SELECT rolled_back_at FROM submissions WHERE id = ?", [submission_id]
        ).fetchall()
        if not rows:
            raise NotRolledBack(f"There is no submission {submission_id}.")
        if rows[0][0] is not None:
            raise NotRolledBack(
                f"Submission {submission_id} was already rolled back on {rows[0][0]:%d %B %Y}."
            )
        plan = rollback_plan(con, submission_id)
        con.execute(
            "UPDATE submissions SET rolled_back_at = ?, rolled_back_by = ? WHERE id = ?",
            [now(), user, submission_id],
        )
        record_event(
            con,
            user,
            "rollback",
            "done",
            {"submission": submission_id, "figures_restored": len(plan)},
            role,
        )
        return plan
