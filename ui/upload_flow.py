"""The upload and history pages' actions, and the tables they show.

Each action (check, commit, roll back, template) takes the user who is acting
and calls `require` itself, so hiding a page is never the only protection: a
member who reached one of these functions by any route is refused here. Nothing
in this module draws anything, so every step can be tested without a browser;
`pages/upload.py` and `pages/history.py` only lay out what it returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from core.catalogue import Catalogue, Family, catalogue
from core.periods import long_label
from core.roles import User, require
from etl.ingest.load import CommitResult, Preview, StalePreview, commit, prepare, preview, rollback
from etl.ingest.problems import FileRefused, Invalid, Problem
from etl.outputs.export_safety import neutralise_frame
from etl.outputs.template import build_template
from etl.store import queries
from etl.store.audit import log
from etl.store.database import Store
from ui.access import reconfirm

TEMPLATE_FILE_NAME = "cyps-upload-template.xlsx"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEM_COLUMNS = {
    "sheet": "Sheet",
    "row": "Row",
    "column": "Column",
    "value": "Value",
    "message": "What is wrong and how to fix it",
}
REASONS_IN_AUDIT = 3
NO_FIGURE = "no figure"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class UploadCheck:
    """The verdict on one uploaded file: refused, invalid (with problems) or a preview."""

    file_name: str
    sha256: str
    preview: Preview | None = None
    problems: list[Problem] = field(default_factory=list)
    refused: str | None = None  # why the file could not be read at all

    @property
    def ok(self) -> bool:
        return self.preview is not None


def check_upload(
    store: Store,
    user: User | None,
    file_name: str,
    content: bytes,
    progress: Callable[[str], None] | None = None,
    cat: Catalogue | None = None,
) -> UploadCheck:
    """Read, check and preview a file without writing any figure; audit the outcome.

    The same `prepare` and `preview` as `python -m etl load`, so the page and
    the command line always reach the same verdict on the same file.
    """
    user = require(user, "upload")
    step = progress or (lambda _message: None)
    check = UploadCheck(file_name, sha256_of(content))
    step(f"Reading '{file_name}' and checking every cell…")
    try:
        prepared = prepare(file_name, content, cat)
    except FileRefused as err:
        check.refused = str(err)
        _audit_refused(store, user, file_name, [str(err)], 1)
        return check
    except Invalid as err:
        check.problems = err.problems
        reasons = [p.describe() for p in err.problems[:REASONS_IN_AUDIT]]
        _audit_refused(store, user, file_name, reasons, len(err.problems))
        return check
    step("Comparing with the figures already loaded…")
    check.preview = preview(store, prepared, cat)
    log(
        store,
        user.audit_name,
        "upload",
        "checked",
        {
            "file": file_name,
            "new": check.preview.count("new"),
            "changed": check.preview.count("changed"),
            "unchanged": check.preview.count("unchanged"),
            "targets_changed": check.preview.targets_changed,
            "already_loaded": check.preview.already_loaded,
        },
        user.role,
    )
    return check


def _audit_refused(
    store: Store, user: User, file_name: str, reasons: list[str], count: int
) -> None:
    detail = {"file": file_name, "problems": count, "reasons": reasons}
    log(store, user.audit_name, "upload", "refused", detail, user.role)


def commit_upload(store: Store, user: User | None, checked: Preview) -> CommitResult:
    """Store a previewed file as one submission.

    Refuses (AlreadyLoaded) a file already loaded, and (StalePreview) one whose
    preview is out of date because another submission or a rollback landed since.
    """
    user = require(user, "commit")
    return commit(
        store,
        checked.prepared,
        user.audit_name,
        expected_version=checked.base_version,
        role=user.role,
    )


class ChangedSinceShown(Exception):
    """A confirmation was shown against figures that have since changed."""


def rollback_submission(
    store: Store, user: User | None, submission_id: int, expected_version: str | None = None
) -> pd.DataFrame:
    """Withdraw a submission's figures and targets (history is kept); returns what was restored.

    `expected_version` is the store version the confirmation was shown against:
    if anything landed since, the director is asked to look again rather than
    confirm a list of restorations that is no longer true.
    """
    user = require(user, "rollback")
    try:
        return rollback(
            store, submission_id, user.audit_name, role=user.role, expected_version=expected_version
        )
    except StalePreview as err:  # checked inside the rollback's own transaction
        raise ChangedSinceShown(str(err)) from None


def template_for(user: User | None, store: Store | None = None) -> bytes:
    """The current template, for a user allowed to download it (recorded in the audit log).

    A download button runs this on another thread, after the page was drawn, so
    the user's role is worked out again now (`reconfirm`), not trusted from then.
    """
    user = require(reconfirm(user), "download_template")
    if store is not None:
        log(store, user.audit_name, "template", "downloaded", {}, user.role)
    return build_template()


# Tables the pages show ------------------------------------------------------------------


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Every problem as a table with the director's column headings."""
    frame = pd.DataFrame([p.as_dict() for p in problems], columns=list(PROBLEM_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame.rename(columns=PROBLEM_COLUMNS)


def problems_xlsx(problems: list[Problem], file_name: str) -> bytes:
    """The problems as a workbook to keep or forward; text that looks like a formula is inert."""
    frame = neutralise_frame(problems_frame(problems))
    book = Workbook()
    ws = book.active
    ws.title = "problems"
    ws.append([f"Problems found in {file_name}. Nothing was loaded."])
    ws["A1"].font = Font(bold=True)
    ws.append(list(frame.columns))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for record in frame.itertuples(index=False):
        ws.append([_plain(v) for v in record])
    for column, width in zip("ABCDE", (14, 8, 22, 22, 100), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text says
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain(value: object) -> object:
    return None if value is None or value is pd.NA or value != value else value


def _shown(cat: Catalogue, code: str, value: object) -> str:
    if value is None or value is pd.NA or value != value:
        return NO_FIGURE
    return cat.get(code).format_value(float(value))


def _values(cat: Catalogue, frame: pd.DataFrame, column: str) -> list[str]:
    """A column of figures as each indicator shows them (37.5%, 412), or 'no figure'."""
    return [_shown(cat, c, v) for c, v in zip(frame["indicator"], frame[column], strict=True)]


def _targets(cat: Catalogue, frame: pd.DataFrame, target: str, tolerance: str) -> list[str]:
    pairs = zip(frame["indicator"], frame[target], frame[tolerance], strict=True)
    return [_target_text(cat, c, t, a) for c, t, a in pairs]


def _month(value: object) -> str:
    return long_label(pd.Timestamp(value).date())


def counts_by_indicator(checked: Preview, cat: Catalogue | None = None) -> pd.DataFrame:
    """New, changed, details-only and unchanged figures for each indicator in the file."""
    cat = cat or catalogue()
    diff = checked.diff
    if diff.empty:
        return pd.DataFrame(columns=["Indicator", "New", "Changed", "Notes only", "Unchanged"])
    table = pd.crosstab(diff["indicator"], diff["status"])
    for status in ("new", "changed", "details", "unchanged"):
        if status not in table:
            table[status] = 0
    table = table[["new", "changed", "details", "unchanged"]].reset_index()
    table["indicator"] = table["indicator"].map(lambda c: f"{c}: {cat.get(c).name}")
    return table.rename(
        columns={
            "indicator": "Indicator",
            "new": "New",
            "changed": "Changed",
            "details": "Notes only",
            "unchanged": "Unchanged",
        }
    )


def _figure_keys(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The columns that say which figure a row is about, as directors read them."""
    return {
        "Indicator": frame["indicator"],
        "Month": frame["period"].map(_month),
        "Breakdown": frame["breakdown"].replace("", "Whole authority"),
    }


def _target_keys(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The columns that say which target a row is about."""
    return {"Indicator": frame["indicator"], "From": frame["effective_from"].map(_month)}


def changed_values(checked: Preview, cat: Catalogue | None = None) -> pd.DataFrame:
    """Each figure the file would change: indicator, month, breakdown, old → new."""
    cat = cat or catalogue()
    rows = checked.diff[checked.diff["status"] == "changed"]
    return pd.DataFrame(
        {
            **_figure_keys(rows),
            "Now": _values(cat, rows, "old_value"),
            "After loading": _values(cat, rows, "value"),
        }
    ).reset_index(drop=True)


def target_changes(checked: Preview, cat: Catalogue | None = None) -> pd.DataFrame:
    """Targets the file sets or changes, with the one set now for the same month, if any.

    A new row starts a target from its month; earlier targets still apply before it.
    """
    cat = cat or catalogue()
    diff = checked.target_diff
    if diff.empty:
        return pd.DataFrame(columns=["Indicator", "From", "Now", "After loading", "Status"])
    rows = diff[diff["status"] != "unchanged"]
    return pd.DataFrame(
        {
            **_target_keys(rows),
            "Now": _targets(cat, rows, "old_target", "old_tolerance"),
            "After loading": _targets(cat, rows, "target", "amber_tolerance"),
            "Status": rows["status"].map({"new": "new from this month", "changed": "changed"}),
        }
    ).reset_index(drop=True)


def _target_text(cat: Catalogue, code: str, target: object, tolerance: object) -> str:
    if target is None or target is pd.NA or target != target:
        return "none set from this month"
    text = _shown(cat, code, target)
    if tolerance is not None and tolerance is not pd.NA and tolerance == tolerance:
        text += f" (amber within {_shown(cat, code, tolerance)})"
    return text


JUST_LOADED = dt.timedelta(minutes=2)


def just_loaded(
    store: Store, submission_id: int, user: User | None, now: dt.datetime | None = None
) -> CommitResult | None:
    """The result of a live submission this user made moments ago, rebuilt from the store.

    A quick second click on "Load the figures" can land while the first click's
    confirmation is still being drawn; the file is then checked again and found
    already loaded. Asking the store (not session state, which an interrupted run
    may not keep) lets the page still say "loaded" rather than "nothing to do".
    """
    if user is None:
        return None
    rows = queries.submissions(store)
    row = rows[rows["id"] == submission_id]
    if row.empty:
        return None
    row = row.iloc[0]
    moments_ago = (now or dt.datetime.now()) - pd.Timestamp(row["submitted_at"]).to_pydatetime()
    if (
        row["submitted_by"] != user.audit_name
        or not pd.isna(row["rolled_back_at"])
        or moments_ago > JUST_LOADED
    ):
        return None
    changed = queries.submission_changes(store, submission_id)
    return CommitResult(
        submission_id,
        str(row["file_name"]),
        int(row["values_added"]),
        int(row["values_changed"]),
        int(row["values_unchanged"]),
        int(row["values_skipped"]),
        int(row["targets_changed"]),
        sorted(set(changed["indicator"])),
    )


def affected_families(indicators: list[str], cat: Catalogue | None = None) -> list[Family]:
    """The family pages that show any of `indicators`, in menu order: where to look next."""
    cat = cat or catalogue()
    keys = {cat.get(code).family for code in indicators}
    return [f for f in cat.families if f.key in keys]


# History --------------------------------------------------------------------------------


def submissions_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Every submission with a plain status: live, or rolled back (when and by whom)."""
    status = [
        "Live" if pd.isna(at) else f"Rolled back {pd.Timestamp(at):%d %b %Y %H:%M} by {by}"
        for at, by in zip(frame["rolled_back_at"], frame["rolled_back_by"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Submission": frame["id"],
            "When": pd.to_datetime(frame["submitted_at"]).dt.strftime("%d %b %Y %H:%M"),
            "Who": frame["submitted_by"],
            "File": frame["file_name"],
            "Added": frame["values_added"],
            "Changed": frame["values_changed"],
            "Targets changed": frame["targets_changed"],
            "Status": status,
        }
    )


def changes_table(changes: pd.DataFrame, cat: Catalogue | None = None) -> pd.DataFrame:
    """What one submission stored: each figure's value before it and the value it gave."""
    cat = cat or catalogue()
    return pd.DataFrame(
        {
            **_figure_keys(changes),
            "Before": _values(cat, changes, "previous_value"),
            "This submission": _values(cat, changes, "new_value"),
            "Commentary": changes["commentary"].fillna(""),
        }
    ).reset_index(drop=True)


def restore_table(plan: pd.DataFrame, cat: Catalogue | None = None) -> pd.DataFrame:
    """What a rollback restores: each figure's value now and after ('no figure' if it was first)."""
    cat = cat or catalogue()
    return pd.DataFrame(
        {
            **_figure_keys(plan),
            "Now": _values(cat, plan, "current_value"),
            "After rollback": _values(cat, plan, "restored_value"),
        }
    ).reset_index(drop=True)


def targets_set_table(frame: pd.DataFrame, cat: Catalogue | None = None) -> pd.DataFrame:
    """The targets a submission set, as the director typed them."""
    cat = cat or catalogue()
    return pd.DataFrame(
        {
            **_target_keys(frame),
            "Target": _targets(cat, frame, "target", "amber_tolerance"),
        }
    ).reset_index(drop=True)


def target_restore_table(plan: pd.DataFrame, cat: Catalogue | None = None) -> pd.DataFrame:
    cat = cat or catalogue()
    return pd.DataFrame(
        {
            **_target_keys(plan),
            "Now": _targets(cat, plan, "target", "amber_tolerance"),
            "After rollback": _targets(cat, plan, "restored_target", "restored_tolerance"),
        }
    ).reset_index(drop=True)
