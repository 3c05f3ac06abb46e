"""From an uploaded file to stored figures: prepare, preview, commit, roll back.

The command line and the upload page both go through these functions, so the
same file always gets the same verdict. Nothing is written until `commit`, and
`commit` writes a whole submission in one transaction or nothing at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from core.catalogue import Catalogue, catalogue
from core.settings import UploadLimits
from etl.ingest.filecheck import sniff_kind
from etl.ingest.layouts import data_sheet, locate
from etl.ingest.problems import Invalid, Problem
from etl.ingest.target_sheet import TARGET_COLUMNS, check_targets
from etl.ingest.validate import OBSERVATION_COLUMNS, check_sheet
from etl.ingest.warnings import preview_warnings
from etl.ingest.workbook import read_workbook
from etl.store.database import Store, now, record_event, version


class AlreadyLoaded(Exception):
    """This exact file is already loaded; loading it again would change nothing."""

    def __init__(self, submission_id: int, file_name: str):
        super().__init__(
            f"'{file_name}' is identical to submission {submission_id}, which is already "
            "loaded. Nothing was changed."
        )
        self.submission_id = submission_id


class StalePreview(Exception):
    """The figures changed between preview and commit (another submission landed)."""


class NotRolledBack(Exception):
    """A rollback that cannot be done; the message says why."""


@dataclass
class Prepared:
    """A file that passed every check, with its figures ready to compare and store."""

    file_name: str
    sha256: str
    layout: str
    sheet: str
    observations: pd.DataFrame
    targets: pd.DataFrame
    skipped: int = 0
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class Preview:
    prepared: Prepared
    diff: pd.DataFrame  # one row per figure: status new | changed | details | unchanged
    target_diff: pd.DataFrame
    base_version: str
    already_loaded: int | None
    warnings: list[str]

    def count(self, status: str) -> int:
        return int((self.diff["status"] == status).sum())

    @property
    def targets_changed(self) -> int:
        return int((self.target_diff["status"] != "unchanged").sum())

    @property
    def changes_anything(self) -> bool:
        return self.already_loaded is None and (
            self.count("new") + self.count("changed") + self.count("details") > 0
            or self.targets_changed > 0
        )


@dataclass
class CommitResult:
    submission_id: int | None
    file_name: str
    added: int
    changed: int
    unchanged: int
    skipped: int
    targets_changed: int
    indicators: list[str]

    def summary(self) -> str:
        if self.submission_id is None:
            return (
                f"{self.file_name}: nothing new, nothing was changed ({self.unchanged} unchanged)."
            )
        targets = f", {self.targets_changed} target(s) updated" if self.targets_changed else ""
        return (
            f"{self.file_name}: submission {self.submission_id} loaded: {self.added} new, "
            f"{self.changed} changed, {self.unchanged} unchanged, "
            f"{self.skipped} empty cell(s) skipped{targets}."
        )


def prepare(
    file_name: str,
    content: bytes,
    cat: Catalogue | None = None,
    today: dt.date | None = None,
    limits: UploadLimits | None = None,
) -> Prepared:
    """Read and check a whole file. Raises FileRefused or Invalid (with every problem)."""
    cat = cat or catalogue()
    kind = sniff_kind(file_name, content, limits)
    book = read_workbook(file_name, content, kind)
    problems: list[Problem] = []
    sheet = data_sheet(book)
    observations = pd.DataFrame(columns=OBSERVATION_COLUMNS)
    layout, skipped, ignored = "targets only", 0, []
    targets, target_problems = pd.DataFrame(columns=TARGET_COLUMNS), []
    target_sheet = book.sheet("targets")
    if target_sheet is not None:
        targets, target_problems = check_targets(target_sheet, cat)
    if sheet is not None:
        try:
            located = locate(sheet)
            # The template's empty data sheet beside filled-in targets is a targets-only upload.
            if located.entries or targets.empty:
                checked = check_sheet(located, cat, today)
                problems += checked.problems
                observations, skipped = checked.observations, checked.skipped
                layout, ignored = located.layout, located.ignored_columns
        except Invalid as err:
            problems += err.problems
    problems += target_problems
    if sheet is None and target_sheet is None:
        problems.append(Problem("", None, "", "", "has no sheet of figures (name it 'data')."))
    if sheet is None and target_sheet is not None and targets.empty and not problems:
        problems.append(Problem(target_sheet.name, None, "", "", "has no targets to load."))
    if problems:
        raise Invalid(problems)
    return Prepared(
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        layout=layout,
        sheet=sheet.name if sheet is not None else target_sheet.name,
        observations=observations,
        targets=targets,
        skipped=skipped,
        ignored_columns=ignored,
    )


def _loaded_as(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    row = con.execute(
        "SELECT max(id) FROM submissions WHERE sha256 = ? AND rolled_back_at IS NULL", [sha256]
    ).fetchall()
    return row[0][0]


def _diff(con: duckdb.DuckDBPyConnection, incoming: pd.DataFrame) -> pd.DataFrame:
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


def _target_diff(
    con: duckdb.DuckDBPyConnection, prepared: Prepared, cat: Catalogue
) -> pd.DataFrame:
    incoming = prepared.targets.copy()
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


def preview(store: Store, prepared: Prepared, cat: Catalogue | None = None) -> Preview:
    """What committing `prepared` would do, without writing anything."""
    cat = cat or catalogue()
    with store.connect() as con:
        diff = _diff(con, prepared.observations)
        target_diff = _target_diff(con, prepared, cat)
        history = con.execute(
            "SELECT indicator, breakdown, period, value FROM current_observations "
            "WHERE indicator IN (SELECT DISTINCT indicator FROM diff)"
        ).df()
        return Preview(
            prepared=prepared,
            diff=diff,
            target_diff=target_diff,
            base_version=version(con),
            already_loaded=_loaded_as(con, prepared.sha256),
            warnings=preview_warnings(prepared, diff, history, cat),
        )


def commit(
    store: Store,
    prepared: Prepared,
    user: str,
    expected_version: str | None = None,
    role: str | None = None,
    cat: Catalogue | None = None,
) -> CommitResult:
    """Store a prepared file as one submission, in one transaction.

    `expected_version` is the store version the user previewed against: if
    anything landed since, the commit is refused so nobody confirms a stale preview.
    """
    cat = cat or catalogue()
    with store.writing() as con:
        already = _loaded_as(con, prepared.sha256)
        if already is not None:
            raise AlreadyLoaded(already, prepared.file_name)
        if expected_version is not None and version(con) != expected_version:
            raise StalePreview(
                "The figures changed after your preview (another submission or a rollback "
                "landed). Nothing was loaded: check the preview again, then confirm."
            )
        diff = _diff(con, prepared.observations)
        targets = _target_diff(con, prepared, cat)
        to_store = diff[diff["status"] != "unchanged"]
        new_targets = targets[targets["status"] != "unchanged"] if not targets.empty else targets
        counts = {s: int((diff["status"] == s).sum()) for s in ("new", "changed", "unchanged")}
        result = CommitResult(
            None,
            prepared.file_name,
            counts["new"],
            counts["changed"],
            counts["unchanged"],
            prepared.skipped,
            len(new_targets),
            sorted(set(to_store["indicator"]) | set(new_targets.get("indicator", []))),
        )
        if to_store.empty and new_targets.empty:
            return result
        result.submission_id = con.execute(
            """INSERT INTO submissions (file_name, sha256, submitted_by, submitted_at, layout,
                 values_added, values_changed, values_unchanged, values_skipped, targets_changed)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [
                prepared.file_name,
                prepared.sha256,
                user,
                now(),
                prepared.layout,
                counts["new"],
                counts["changed"],
                counts["unchanged"],
                prepared.skipped,
                len(new_targets),
            ],
        ).fetchall()[0][0]
        rows = to_store.assign(submission_id=result.submission_id).rename(
            columns={"sheet": "source_sheet", "row": "source_row"}
        )
        con.register("rows_to_store", rows)
        con.execute(
            """INSERT INTO observations BY NAME
               SELECT submission_id, indicator, period, breakdown, value, numerator,
                      denominator, commentary, source_sheet, source_row FROM rows_to_store"""
        )
        con.unregister("rows_to_store")
        if not new_targets.empty:
            con.register("targets_to_store", new_targets.assign(submission_id=result.submission_id))
            con.execute(
                """INSERT INTO target_revisions BY NAME
                   SELECT submission_id, indicator, effective_from, target, amber_tolerance
                   FROM targets_to_store"""
            )
            con.unregister("targets_to_store")
        record_event(
            con,
            user,
            "commit",
            "accepted",
            {
                "submission": result.submission_id,
                "file": prepared.file_name,
                "added": result.added,
                "changed": result.changed,
            },
            role,
        )
        return result


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


def load_path(store: Store, path: Path, user: str) -> CommitResult:
    """Prepare and commit one file from disk (the command line's `load`)."""
    return commit(store, prepare(path.name, path.read_bytes()), user)
