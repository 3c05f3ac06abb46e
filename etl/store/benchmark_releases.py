"""Benchmark tables in DuckDB: every release of a published file, and the values it brought.

Published figures get revised, just as monthly submissions do, so values are never overwritten:
each load is a release, only values that are new or differ from the current ones are written,
and `benchmark_current` shows the latest figure for each measure, year and area. Loading the same
file twice (same SHA-256) adds nothing. Every function takes an open connection so the caller
decides the database and its lifetime. The council's own comparators file loads the same way
(`etl.benchmarks.comparators_file`), its rows at the geographic level 'Comparator'.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

# The benchmark tables' schema version, for etl.store.database.SCHEMA_HOOKS.
SCHEMA_VERSION = 1

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS benchmark_release_id START 1;
CREATE TABLE IF NOT EXISTS benchmark_releases (
    id INTEGER PRIMARY KEY DEFAULT nextval('benchmark_release_id'),
    file_name VARCHAR NOT NULL,
    file_kind VARCHAR NOT NULL,     -- tidy | lait | sfr_cla | sn_model | comparators
    sha256 VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    loaded_by VARCHAR NOT NULL,
    rows_read INTEGER NOT NULL,     -- values (or neighbour rows) the file holds for us
    rows_added INTEGER NOT NULL,    -- first figure for that measure, year and area
    rows_changed INTEGER NOT NULL   -- a revision of a figure already held
);
CREATE TABLE IF NOT EXISTS benchmark_values (
    release_id INTEGER NOT NULL,
    measure VARCHAR NOT NULL,       -- catalogue indicator code or a DFE_ measure key
    year INTEGER NOT NULL,          -- calendar year the period ends in (2016 for 2015/16)
    period_label VARCHAR NOT NULL,  -- '2015/16', 'at 31 March 2016', 'at 30 September 2016'
    geographic_level VARCHAR NOT NULL,  -- National | Regional | Local authority | Comparator
    area_code VARCHAR NOT NULL,     -- 'E92000001', region code, old LA code ('372'); for a
                                    -- Comparator, area and kind of year ('X (financial year)')
    area_name VARCHAR NOT NULL,
    value DOUBLE,                   -- exactly as published; NULL when a symbol stands instead
    symbol VARCHAR,                 -- GSS symbol (c, z, x, low, k, u, .., :, -) when value is NULL
    source VARCHAR NOT NULL,
    PRIMARY KEY (release_id, measure, year, geographic_level, area_code)
);
CREATE OR REPLACE VIEW benchmark_current AS
SELECT * FROM benchmark_values
QUALIFY row_number() OVER (
    PARTITION BY measure, year, geographic_level, area_code ORDER BY release_id DESC
) = 1;
CREATE TABLE IF NOT EXISTS neighbour_models (
    release_id INTEGER NOT NULL,
    model VARCHAR NOT NULL,         -- '2021' (April 2021 model), '2025'
    la_code VARCHAR NOT NULL,
    la_name VARCHAR NOT NULL,
    neighbour_rank INTEGER NOT NULL,  -- 1 = closest
    neighbour_code VARCHAR NOT NULL,
    neighbour_name VARCHAR,
    closeness VARCHAR,              -- as published: 'Extremely Close' ... 'Not Close'
    PRIMARY KEY (model, la_code, neighbour_rank)
);
"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the benchmark tables and view if they are missing (safe to call every time)."""
    con.execute(SCHEMA)


def _one_row(cursor: duckdb.DuckDBPyConnection) -> tuple:
    """The single row an aggregate or RETURNING query always gives."""
    row = cursor.fetchone()
    if row is None:  # pragma: no cover - an aggregate always returns a row
        raise RuntimeError("the database returned no row where one was certain")
    return row


def existing_release(con: duckdb.DuckDBPyConnection, sha: str) -> int | None:
    row = con.execute("SELECT min(id) FROM benchmark_releases WHERE sha256 = ?", [sha]).fetchone()
    return row[0] if row else None


def new_release(
    con: duckdb.DuckDBPyConnection, file_name: str, kind: str, sha: str, user: str, read: int
) -> int:
    cursor = con.execute(
        """INSERT INTO benchmark_releases
           (file_name, file_kind, sha256, loaded_at, loaded_by, rows_read, rows_added,
            rows_changed)
           VALUES (?, ?, ?, ?, ?, ?, 0, 0) RETURNING id""",
        [file_name, kind, sha, dt.datetime.now(), user, read],
    )
    return int(_one_row(cursor)[0])


def store_values(
    con: duckdb.DuckDBPyConnection, release_id: int, incoming: pd.DataFrame
) -> tuple[int, int]:
    """Write the rows that are new or differ from the current figure; (added, changed)."""
    con.register("benchmark_incoming", incoming)
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE benchmark_diff AS
               SELECT CAST(i.measure AS VARCHAR) AS measure, CAST(i.year AS INTEGER) AS year,
                      CAST(i.period_label AS VARCHAR) AS period_label,
                      CAST(i.geographic_level AS VARCHAR) AS geographic_level,
                      CAST(i.area_code AS VARCHAR) AS area_code,
                      CAST(i.area_name AS VARCHAR) AS area_name,
                      CAST(i.value AS DOUBLE) AS value, CAST(i.symbol AS VARCHAR) AS symbol,
                      CAST(i.source AS VARCHAR) AS source, c.measure IS NULL AS is_new
               FROM benchmark_incoming i
               LEFT JOIN benchmark_current c
                 ON c.measure = i.measure AND c.year = i.year
                AND c.geographic_level = i.geographic_level AND c.area_code = i.area_code
               WHERE c.measure IS NULL
                  OR c.value IS DISTINCT FROM CAST(i.value AS DOUBLE)
                  OR c.symbol IS DISTINCT FROM CAST(i.symbol AS VARCHAR)"""
        )
        con.execute(
            """INSERT INTO benchmark_values BY NAME
               SELECT ? AS release_id, * EXCLUDE (is_new) FROM benchmark_diff""",
            [release_id],
        )
        added, changed = _one_row(
            con.execute(
                "SELECT count(*) FILTER (is_new), count(*) FILTER (NOT is_new) FROM benchmark_diff"
            )
        )
        con.execute("DROP TABLE benchmark_diff")
    finally:
        con.unregister("benchmark_incoming")
    return int(added), int(changed)


def store_neighbours(
    con: duckdb.DuckDBPyConnection, release_id: int, model: str, incoming: pd.DataFrame
) -> tuple[int, int]:
    """Replace one model's rows; (neighbour slots added, slots whose neighbour changed)."""
    con.register("neighbour_incoming", incoming)
    try:
        added, changed = _one_row(
            con.execute(
                """SELECT count(*) FILTER (o.la_code IS NULL),
                      count(*) FILTER (o.neighbour_code IS DISTINCT FROM i.neighbour_code
                                       AND o.la_code IS NOT NULL)
               FROM neighbour_incoming i LEFT JOIN neighbour_models o
                 ON o.model = i.model AND o.la_code = i.la_code
                AND o.neighbour_rank = i.neighbour_rank"""
            )
        )
        con.execute("DELETE FROM neighbour_models WHERE model = ?", [model])
        con.execute(
            """INSERT INTO neighbour_models BY NAME
               SELECT ? AS release_id, model, la_code, la_name,
                      CAST(neighbour_rank AS INTEGER) AS neighbour_rank, neighbour_code,
                      CAST(neighbour_name AS VARCHAR) AS neighbour_name, closeness
               FROM neighbour_incoming""",
            [release_id],
        )
    finally:
        con.unregister("neighbour_incoming")
    return int(added), int(changed)


def count_release(
    con: duckdb.DuckDBPyConnection, release_id: int, added: int, changed: int
) -> None:
    """Record how many figures (or neighbour slots) a release added and revised."""
    con.execute(
        "UPDATE benchmark_releases SET rows_added = ?, rows_changed = ? WHERE id = ?",
        [added, changed, release_id],
    )


def releases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every release, newest first."""
    return con.execute("SELECT * FROM benchmark_releases ORDER BY id DESC").df()


def current_values(
    con: duckdb.DuckDBPyConnection,
    measure: str,
    year: int | None = None,
    geographic_level: str | None = None,
) -> pd.DataFrame:
    """The latest published figure for each area (and year), for one measure."""
    return con.execute(
        """SELECT * FROM benchmark_current
           WHERE measure = $measure
             AND ($year IS NULL OR year = $year)
             AND ($level IS NULL OR geographic_level = $level)
           ORDER BY year, geographic_level, area_code""",
        {"measure": measure, "year": year, "level": geographic_level},
    ).df()


def value_history(
    con: duckdb.DuckDBPyConnection, measure: str, year: int, area_code: str
) -> pd.DataFrame:
    """Every published version of one figure, oldest first, with the release it came in."""
    return con.execute(
        """SELECT v.*, r.file_name, r.loaded_at
           FROM benchmark_values v JOIN benchmark_releases r ON r.id = v.release_id
           WHERE v.measure = ? AND v.year = ? AND v.area_code = ?
           ORDER BY v.release_id""",
        [measure, year, area_code],
    ).df()


def neighbours(con: duckdb.DuckDBPyConnection, model: str, la_code: str) -> pd.DataFrame:
    """A council's statistical neighbours in one model, closest first."""
    return con.execute(
        """SELECT neighbour_rank, neighbour_code, neighbour_name, closeness
           FROM neighbour_models WHERE model = ? AND la_code = ?
           ORDER BY neighbour_rank""",
        [model, la_code],
    ).df()
