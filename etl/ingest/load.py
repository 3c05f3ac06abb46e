"""From an uploaded file to stored figures: prepare, preview, commit.

The command line and the upload page both go through these functions, so the
same file always gets the same verdict. Nothing is written until `commit`, and
`commit` writes a whole submission in one transaction or nothing at all.
The comparison with stored figures is `compare`; withdrawing one is `rollback`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.catalogue import Catalogue, catalogue
from core.errors import CypsError, Kind
from core.settings import UploadLimits
from etl.ingest.breakdowns import align_to_stored, max_distinct, new_names, too_many
from etl.ingest.filecheck import sniff_kind
from etl.ingest.layouts import choose_sheets, locate
from etl.ingest.problems import Invalid, Problem
from etl.ingest.target_sheet import check_targets
from etl.ingest.validate import OBSERVATION_COLUMNS, check_sheet
from etl.ingest.warnings import FigureKey, preview_warnings
from etl.ingest.workbook import read_workbook
from etl.store.database import Store, now, record_event, version
from etl.store.revisions import (
    TARGET_COLUMNS,
    figure_diff,
    loaded_as,
    stored_breakdowns,
    target_diff,
)


class AlreadyLoaded(CypsError):
    """This exact file is already loaded; loading it again would change nothing."""

    kind = Kind.CONFLICT

    def __init__(self, submission_id: int, file_name: str):
        super().__init__(
            f"'{file_name}' is identical to submission {submission_id}, which is already "
            "loaded. Nothing was changed."
        )
        self.submission_id = submission_id


class StalePreview(CypsError):
    """The figures changed between preview and commit (another submission landed)."""

    kind = Kind.CONFLICT


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
    targets_sheet: str = ""  # the sheet targets were read from, if any

    @property
    def read_from(self) -> str:
        """Which sheet was read, in a sentence: the director checks it is the one they meant."""
        targets = f"targets from the sheet '{self.targets_sheet}'" if self.targets_sheet else ""
        if self.layout == "targets only":
            return f"Read {targets}; no figures." if targets else "No sheet was read."
        where = "the CSV file" if self.sheet == self.file_name else f"the sheet '{self.sheet}'"
        also = f", and {targets}" if targets and not self.targets.empty else ""
        return f"Read figures from {where} ({self.layout} layout){also}."


@dataclass
class Preview:
    prepared: Prepared
    diff: pd.DataFrame  # one row per figure: status new | changed | details | unchanged
    target_diff: pd.DataFrame
    base_version: str
    already_loaded: int | None
    warnings: list[str]  # everything worth a second look, doubts first
    doubts: list[str] = field(default_factory=list)  # figures that may be wrong: need a tick
    new_breakdowns: list[str] = field(default_factory=list)  # names never seen before
    flagged: dict[FigureKey, str] = field(default_factory=dict)  # each warned figure: why

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
    read_from: str = ""  # which sheet was read, as `Prepared.read_from` says it

    def summary(self) -> str:
        read = f" {self.read_from}" if self.read_from else ""
        if self.submission_id is None:
            return (
                f"{self.file_name}: nothing new, nothing was changed ({self.unchanged} "
                f"unchanged).{read}"
            )
        targets = f", {self.targets_changed} target(s) updated" if self.targets_changed else ""
        return (
            f"{self.file_name}: submission {self.submission_id} loaded: {self.added} new, "
            f"{self.changed} changed, {self.unchanged} unchanged, "
            f"{self.skipped} empty cell(s) skipped{targets}.{read}"
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
    chosen = choose_sheets(book)
    problems: list[Problem] = list(chosen.problems)
    sheet = book.read(chosen.data) if chosen.data is not None else None
    observations = pd.DataFrame(columns=OBSERVATION_COLUMNS)
    layout, skipped, ignored = "targets only", 0, []
    targets = pd.DataFrame(columns=TARGET_COLUMNS)
    target_problems: list[Problem] = []
    target_sheet = book.read(chosen.targets) if chosen.targets is not None else None
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
    if problems or (sheet is None and target_sheet is None):
        raise Invalid(problems)
    read = sheet if sheet is not None else target_sheet
    return Prepared(
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        layout=layout,
        sheet=read.name if read is not None else "",
        observations=observations,
        targets=targets,
        skipped=skipped,
        ignored_columns=ignored,
        targets_sheet=target_sheet.name if target_sheet is not None else "",
    )


def _check_breakdown_count(con: Any, incoming: pd.DataFrame) -> None:
    """Invalid when the file would give an indicator more distinct breakdowns than allowed."""
    stored = con.execute(
        "SELECT DISTINCT indicator, breakdown FROM current_observations WHERE breakdown <> ''"
    ).df()
    crowded = too_many(incoming, stored, max_distinct())
    if crowded:
        raise Invalid(crowded)


def preview(store: Store, prepared: Prepared, cat: Catalogue | None = None) -> Preview:
    """What committing `prepared` would do, without writing anything."""
    cat = cat or catalogue()
    with store.connect() as con:
        stored = stored_breakdowns(con)
        incoming = align_to_stored(prepared.observations, stored, cat)
        _check_breakdown_count(con, incoming)
        diff = figure_diff(con, incoming)
        targets = target_diff(con, prepared.targets, cat)
        history = con.execute(
            "SELECT indicator, breakdown, period, value FROM current_observations "
            "WHERE indicator IN (SELECT DISTINCT indicator FROM diff)"
        ).df()
        new = new_names(incoming, stored, cat)
        found = preview_warnings(prepared, diff, history, cat, new)
        return Preview(
            prepared=prepared,
            diff=diff,
            target_diff=targets,
            base_version=version(con),
            already_loaded=loaded_as(con, prepared.sha256),
            warnings=found.doubts + found.notes,
            doubts=found.doubts,
            new_breakdowns=new,
            flagged=found.figures,
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
        already = loaded_as(con, prepared.sha256)
        if already is not None:
            raise AlreadyLoaded(already, prepared.file_name)
        if expected_version is not None and version(con) != expected_version:
            raise StalePreview(
                "The figures changed after your preview (another submission or a rollback "
                "landed). Nothing was loaded: check the preview again, then confirm."
            )
        incoming = align_to_stored(prepared.observations, stored_breakdowns(con), cat)
        _check_breakdown_count(con, incoming)
        diff = figure_diff(con, incoming)
        targets = target_diff(con, prepared.targets, cat)
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
            prepared.read_from,
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
