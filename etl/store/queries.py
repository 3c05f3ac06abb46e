"""Read-only questions the pages, extracts and command line ask of the store.

Each function returns a tidy DataFrame; none draws anything, so the same answer
feeds a chart, a table, a download and a test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from analysis.derived import derived_codes, input_codes, with_derived
from core.catalogue import Catalogue, catalogue
from etl.store.database import Store
from etl.store.revisions import FIGURE_COLUMNS, current_targets, default_targets, rollback_plan

VALUE_COLUMNS = [*FIGURE_COLUMNS, "submission_id", "submitted_at", "submitted_by"]


def current_values(
    store: Store,
    indicators: Sequence[str] | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> pd.DataFrame:
    """The current figure for each indicator, month and breakdown, oldest month first.

    Derived indicators (rates per 10,000 children) are worked out from the current inputs
    and included (`analysis.derived`), so every reader sees them and they follow revisions
    and rollbacks; their inputs are read from the first month, as a rate reaches back.
    """
    where: list[str] = ["TRUE"]
    params: list[object] = []
    if indicators:
        where.append(f"indicator IN ({', '.join('?' for _ in indicators)})")
        params += list(indicators)
    if first:
        where.append("period >= ?")
        params.append(first)
    inputs = input_codes(catalogue(), derived_codes(catalogue(), indicators))
    if inputs and (indicators or first):
        where = [f"(({' AND '.join(where)}) OR indicator IN ({', '.join('?' for _ in inputs)}))"]
        params += inputs
    if last:
        where.append("period <= ?")
        params.append(last)
    frame = store.query(
        f"SELECT {', '.join(VALUE_COLUMNS)} FROM current_observations "
        f"WHERE {' AND '.join(where)} ORDER BY indicator, breakdown, period",
        params,
    )
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return with_derived(frame, catalogue(), indicators, first, last)


def targets(store: Store, cat: Catalogue | None = None) -> pd.DataFrame:
    """Targets in force by effective-from month (catalogue defaults plus uploaded ones)."""
    with store.connect() as con:
        frame = current_targets(con, cat or catalogue())
    frame["effective_from"] = pd.to_datetime(frame["effective_from"]).dt.date
    return frame


def submissions(store: Store) -> pd.DataFrame:
    """Every submission, newest first, including rolled-back ones."""
    return store.query(
        """SELECT id, file_name, submitted_by, submitted_at, layout, values_added,
                  values_changed, values_unchanged, values_skipped, targets_changed,
                  rolled_back_at, rolled_back_by, sha256
           FROM submissions ORDER BY id DESC"""
    )


def submission_changes(store: Store, submission_id: int) -> pd.DataFrame:
    """What a submission stored, with the value each figure had just before it."""
    return store.query(
        """
        SELECT o.indicator, o.period, o.breakdown, prev.value AS previous_value,
               o.value AS new_value, o.commentary
        FROM observations o
        LEFT JOIN LATERAL (
            SELECT a.value FROM active_observations a
            WHERE a.indicator = o.indicator AND a.period = o.period
              AND a.breakdown = o.breakdown AND a.submission_id < o.submission_id
            ORDER BY a.submission_id DESC LIMIT 1
        ) prev ON TRUE
        WHERE o.submission_id = ?
        ORDER BY o.indicator, o.breakdown, o.period
        """,
        [submission_id],
    )


def rollback_preview(store: Store, submission_id: int) -> pd.DataFrame:
    """What rolling back would restore: each figure's value now and afterwards."""
    with store.connect() as con:
        return rollback_plan(con, submission_id)


def last_updated(store: Store) -> dt.datetime | None:
    """When the figures last changed (a submission or a rollback)."""
    if not store.path.exists():
        return None
    value = store.query(
        "SELECT max(greatest(submitted_at, coalesce(rolled_back_at, submitted_at))) AS t "
        "FROM submissions"
    )["t"].iloc[0]
    return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def submission_targets(store: Store, submission_id: int) -> pd.DataFrame:
    """The targets a submission set (indicator, effective from, target, amber tolerance)."""
    return store.query(
        "SELECT indicator, effective_from, target, amber_tolerance FROM target_revisions "
        "WHERE submission_id = ? ORDER BY indicator, effective_from",
        [submission_id],
    )


def target_rollback_plan(
    store: Store, submission_id: int, cat: Catalogue | None = None
) -> pd.DataFrame:
    """Targets a rollback would restore: the one in force now and the one in force after.

    Only targets this submission currently supplies are affected; a later
    submission's target for the same month stays in force.
    """
    cat = cat or catalogue()
    with store.connect() as con:
        mine = con.execute(
            "SELECT indicator, effective_from, target, amber_tolerance "
            "FROM current_target_revisions WHERE submission_id = ? "
            "ORDER BY indicator, effective_from",
            [submission_id],
        ).df()
        if mine.empty:
            return mine.assign(restored_target=[], restored_tolerance=[])
        before = con.execute(
            """SELECT t.indicator, t.effective_from, t.target, t.amber_tolerance
               FROM target_revisions t JOIN submissions s ON s.id = t.submission_id
               WHERE s.rolled_back_at IS NULL AND s.id <> ?
               QUALIFY row_number() OVER (
                   PARTITION BY t.indicator, t.effective_from ORDER BY t.submission_id DESC) = 1""",
            [submission_id],
        ).df()
    fallback = pd.concat([default_targets(cat), before])
    fallback["effective_from"] = pd.to_datetime(fallback["effective_from"]).dt.date
    fallback = fallback.drop_duplicates(["indicator", "effective_from"], keep="last").rename(
        columns={"target": "restored_target", "amber_tolerance": "restored_tolerance"}
    )
    mine["effective_from"] = pd.to_datetime(mine["effective_from"]).dt.date
    return mine.merge(fallback, on=["indicator", "effective_from"], how="left")


def revised_since_report(store: Store, report_month: dt.date) -> pd.DataFrame:
    """Every figure revised since the previous committee report was produced.

    The report for `report_month` follows the report for the month before it (P), which was
    produced after P ended. So a figure counts as revised when: its month is P or earlier;
    its current version (not rolled back) was submitted on or after the first day of
    `report_month` (after P ended); and a different value for it was current before that
    day (what the previous report showed: `old_value`). A first figure sent late has no old
    value and is not a revision. One row per figure, with who revised it and when.
    """
    cutoff = dt.datetime.combine(report_month.replace(day=1), dt.time.min)
    return store.query(
        """
        WITH before AS (
            SELECT indicator, period, breakdown, value, numerator, denominator
            FROM active_observations WHERE submitted_at < ?
            QUALIFY row_number() OVER (
                PARTITION BY indicator, period, breakdown ORDER BY submission_id DESC) = 1
        )
        SELECT c.indicator, c.period, c.breakdown, b.value AS old_value, c.value AS new_value,
               b.numerator AS old_numerator, b.denominator AS old_denominator,
               c.submitted_by AS revised_by, c.submitted_at AS revised_at, c.file_name
        FROM current_observations c
        JOIN before b USING (indicator, period, breakdown)
        WHERE c.period < ? AND c.submitted_at >= ? AND c.value IS DISTINCT FROM b.value
        ORDER BY c.indicator, c.period, c.breakdown
        """,
        [cutoff, cutoff.date(), cutoff],
    )
