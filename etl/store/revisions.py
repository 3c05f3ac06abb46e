"""How incoming figures and targets compare with the ones in force, and what a rollback restores.

The preview, the commit and the rollback ask these questions inside their own connection, so
what is stored is exactly what was compared, never a stale copy of it. They are questions of
the store (SQL on its tables), so they live here; `etl.ingest` asks them.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from core.catalogue import Catalogue

# A figure's columns, as stored and as the upload's long layout has them (its one definition).
FIGURE_COLUMNS = (
    "indicator",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "commentary",
)
TARGET_COLUMNS = ["indicator", "effective_from", "target", "amber_tolerance"]


def loaded_as(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    """The live submission that loaded this exact file, if any."""
    row = con.execute(
        "SELECT max(id) FROM submissions WHERE sha256 = ? AND rolled_back_at IS NULL", [sha256]
    ).fetchall()
    return row[0][0]


def stored_breakdowns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every breakdown name a current figure has."""
    rows = con.execute("SELECT DISTINCT breakdown FROM current_observations").fetchall()
    return [r[0] for r in rows]


def figure_diff(con: duckdb.DuckDBPyConnection, incoming: pd.DataFrame) -> pd.DataFrame:
    """Compare incoming figures with the current ones.

    A file that leaves out numerator, denominator or commentary (a wide scorecard,
    say) keeps the stored ones for an unchanged value, so it never silently wipes
    them; a changed value without them stores none, since the old ones no longer fit.
    """
    con.register("incoming", incoming)
    try:
        return con.execute(
            """
            SELECT n.indicator, n.period, n.breakdown, n.value,
                   CASE WHEN c.value = n.value AND n.numerator IS NULL AND n.denominator IS NULL
                        THEN c.numerator ELSE n.numerator END AS numerator,
                   CASE WHEN c.value = n.value AND n.numerator IS NULL AND n.denominator IS NULL
                        THEN c.denominator ELSE n.denominator END AS denominator,
                   coalesce(n.commentary, c.commentary) AS commentary,
                   n.sheet, n."row",
                   c.value AS old_value, c.submission_id AS old_submission,
                   CASE
                     WHEN c.value IS NULL THEN 'new'
                     WHEN c.value <> n.value THEN 'changed'
                     WHEN (n.numerator IS NOT NULL OR n.denominator IS NOT NULL)
                          AND (n.numerator IS DISTINCT FROM c.numerator
                               OR n.denominator IS DISTINCT FROM c.denominator)
                       THEN 'details'
                     WHEN n.commentary IS NOT NULL AND n.commentary IS DISTINCT FROM c.commentary
                       THEN 'details'
                     ELSE 'unchanged'
                   END AS status
            FROM incoming n
            LEFT JOIN current_observations c
              ON c.indicator = n.indicator AND c.period = n.period AND c.breakdown = n.breakdown
            ORDER BY n.indicator, n.breakdown, n.period
            """
        ).df()
    finally:
        con.unregister("incoming")


def default_targets(cat: Catalogue) -> pd.DataFrame:
    """The catalogue's targets (data/targets.csv, then indicator defaults) as a frame."""
    return pd.DataFrame(
        [
            (t.indicator, t.effective_from, t.target, t.amber_tolerance)
            for t in cat.default_targets()
        ],
        columns=TARGET_COLUMNS,
    )


def current_targets(con: duckdb.DuckDBPyConnection, cat: Catalogue) -> pd.DataFrame:
    """Targets in force: the catalogue's, overridden by any uploaded in a live submission."""
    defaults = default_targets(cat)
    uploaded = con.execute(
        "SELECT indicator, effective_from, target, amber_tolerance, submission_id "
        "FROM current_target_revisions"
    ).df()
    if uploaded.empty:
        return defaults.assign(submission_id=pd.NA)
    merged = pd.concat([defaults.assign(submission_id=pd.NA), uploaded], ignore_index=True)
    merged["effective_from"] = pd.to_datetime(merged["effective_from"]).dt.date
    return merged.drop_duplicates(["indicator", "effective_from"], keep="last").sort_values(
        ["indicator", "effective_from"], ignore_index=True
    )


def target_diff(
    con: duckdb.DuckDBPyConnection, targets: pd.DataFrame, cat: Catalogue
) -> pd.DataFrame:
    """Each incoming target with the one in force for the same month: new, changed or unchanged."""
    incoming = targets.copy()
    if incoming.empty:
        return incoming.assign(old_target=[], status=[])
    current = current_targets(con, cat).rename(
        columns={"target": "old_target", "amber_tolerance": "old_tolerance"}
    )
    merged = incoming.merge(
        current[["indicator", "effective_from", "old_target", "old_tolerance"]],
        on=["indicator", "effective_from"],
        how="left",
    )
    same = (merged["old_target"] == merged["target"]) & (
        (merged["old_tolerance"] == merged["amber_tolerance"])
        | (merged["old_tolerance"].isna() & merged["amber_tolerance"].isna())
    )
    merged["status"] = "changed"
    merged.loc[merged["old_target"].isna(), "status"] = "new"
    merged.loc[same, "status"] = "unchanged"
    return merged


def rollback_plan(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """For each figure the submission currently supplies: its value now and after rollback."""
    return con.execute(
        """
        WITH mine AS (
            SELECT c.indicator, c.period, c.breakdown, c.value AS current_value
            FROM current_observations c WHERE c.submission_id = ?
        ), before AS (
            SELECT indicator, period, breakdown, value AS restored_value
            FROM active_observations WHERE submission_id <> ?
            QUALIFY row_number() OVER (
                PARTITION BY indicator, period, breakdown ORDER BY submission_id DESC) = 1
        )
        SELECT m.*, b.restored_value FROM mine m
        LEFT JOIN before b USING (indicator, period, breakdown)
        ORDER BY indicator, breakdown, period
        """,
        [submission_id, submission_id],
    ).df()
