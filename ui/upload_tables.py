"""The tables the upload and history pages show, in the director's words.

Pure functions from previews, problems and stored submissions to frames (and a
problems workbook), so every table can be tested without a browser.
"""

from __future__ import annotations

import io
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from analysis.indicator_month import statuses_by_row
from analysis.rag import RAG_WORDS, with_targets
from core.catalogue import Catalogue, catalogue
from core.periods import long_label
from etl.ingest.load import Preview
from etl.ingest.problems import Problem
from etl.outputs.export_safety import neutralise_frame

PROBLEM_COLUMNS = {
    "sheet": "Sheet",
    "row": "Row",
    "column": "Column",
    "value": "Value",
    "message": "What is wrong and how to fix it",
}
NO_FIGURE = "no figure"


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


def _names(cat: Catalogue, codes: pd.Series) -> pd.Series:
    """Indicators by the names councillors and directors read, never by their codes."""
    return codes.map(lambda code: cat.get(code).name)


def _figure_keys(frame: pd.DataFrame, cat: Catalogue | None = None) -> dict[str, pd.Series]:
    """The columns that say which figure a row is about, as directors read them."""
    return {
        "Indicator": _names(cat or catalogue(), frame["indicator"]),
        "Month": frame["period"].map(_month),
        "Breakdown": frame["breakdown"].replace("", "Whole authority"),
    }


def _target_keys(frame: pd.DataFrame, cat: Catalogue | None = None) -> dict[str, pd.Series]:
    """The columns that say which target a row is about."""
    return {
        "Indicator": _names(cat or catalogue(), frame["indicator"]),
        "From": frame["effective_from"].map(_month),
    }


def changed_values(checked: Preview, cat: Catalogue | None = None) -> pd.DataFrame:
    """Each figure the file would change: indicator, month, breakdown, old → new."""
    cat = cat or catalogue()
    rows = checked.diff[checked.diff["status"] == "changed"]
    return pd.DataFrame(
        {
            **_figure_keys(rows, cat),
            "Now": _values(cat, rows, "old_value"),
            "After loading": _values(cat, rows, "value"),
        }
    ).reset_index(drop=True)


FIGURE_KINDS = {"new": "New", "changed": "Changed"}
WARNING_COLUMN = "Worth a second look"
# The preview's filter: what each choice keeps of `figures_to_load`'s rows.
SHOW_ALL, SHOW_WARNINGS = "All", "With warnings"
SHOW_CHOICES = (SHOW_ALL, *FIGURE_KINDS.values(), SHOW_WARNINGS)


def shown_figures(table: pd.DataFrame, choice: str | None) -> pd.DataFrame:
    """The rows of `figures_to_load` the filter keeps: all (also when nothing is chosen),
    only new, only changed, or only those with a warning."""
    if choice in FIGURE_KINDS.values():
        return table[table["Figure"] == choice]
    if choice == SHOW_WARNINGS:
        return table[table[WARNING_COLUMN] != ""]
    return table


def choice_label(table: pd.DataFrame, choice: str) -> str:
    """A filter choice with how many figures it shows: "With warnings (2)"."""
    return f"{choice} ({len(shown_figures(table, choice))})"


LINE_PX, PADDING_PX, MIN_WRAP_PX = 21, 14, 72  # Streamlit wraps a cell once rows exceed 64 px


def wrapped_row_height(texts: pd.Series, chars_per_line: int = 55) -> int | None:
    """A table row height that shows the longest of `texts` in full, wrapped over lines
    (None when every one fits on one line, so the table keeps its usual rows)."""
    longest = int(texts.astype(str).str.len().max()) if len(texts) else 0
    lines = math.ceil(longest / chars_per_line)
    if lines <= 1:
        return None
    return max(MIN_WRAP_PX, lines * LINE_PX + PADDING_PX)


def figures_to_load(
    checked: Preview, targets: pd.DataFrame, cat: Catalogue | None = None
) -> pd.DataFrame:
    """Every new and changed figure: indicator name, month, breakdown, old → new, the RAG
    status it will have once loaded and, for a figure the preview warns about, why.

    The status is the indicator-month model's rule (`statuses_by_row`), against the targets
    in force after loading: `targets` (those in force now) with the file's own new or changed
    targets laid over them. An indicator with no polarity has no status ("").
    """
    cat = cat or catalogue()
    rows = checked.diff[checked.diff["status"].isin(list(FIGURE_KINDS))].reset_index(drop=True)
    columns = [
        "Indicator",
        "Month",
        "Breakdown",
        "Figure",
        "Now",
        "After loading",
        "Status",
        WARNING_COLUMN,
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    after = _targets_after(checked, targets)
    values = rows[["indicator", "period", "value"]].assign(
        period=pd.to_datetime(rows["period"]).dt.date,  # dates on both sides, as in extracts
        row=range(len(rows)),  # with_targets returns the rows in month order
    )
    rated = with_targets(values, after).sort_values("row")
    polarity = {code: cat.get(code).polarity for code in rows["indicator"].unique()}
    status = [
        RAG_WORDS[s] if polarity[c] != "neither" else ""
        for c, s in zip(rated["indicator"], statuses_by_row(rated, polarity), strict=True)
    ]
    months = pd.to_datetime(rows["period"]).dt.date
    keys = zip(rows["indicator"], rows["breakdown"], months, strict=True)
    return pd.DataFrame(
        {
            **_figure_keys(rows, cat),
            "Figure": rows["status"].map(FIGURE_KINDS),
            "Now": _values(cat, rows, "old_value"),
            "After loading": _values(cat, rows, "value"),
            "Status": status,
            WARNING_COLUMN: [checked.flagged.get(k, "") for k in keys],
        }
    )[columns]


def _targets_after(checked: Preview, targets: pd.DataFrame) -> pd.DataFrame:
    """The targets in force once the file is loaded: the file's own win for their month."""
    keep = ["indicator", "effective_from", "target", "amber_tolerance"]
    mine = checked.target_diff
    if not mine.empty:
        mine = mine[mine["status"] != "unchanged"]
    both = pd.concat([targets[keep], mine[keep]] if not mine.empty else [targets[keep]])
    both["effective_from"] = pd.to_datetime(both["effective_from"]).dt.date
    return both.drop_duplicates(["indicator", "effective_from"], keep="last")


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
            **_target_keys(rows, cat),
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
            **_figure_keys(changes, cat),
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
            **_figure_keys(plan, cat),
            "Now": _values(cat, plan, "current_value"),
            "After rollback": _values(cat, plan, "restored_value"),
        }
    ).reset_index(drop=True)


def targets_set_table(frame: pd.DataFrame, cat: Catalogue | None = None) -> pd.DataFrame:
    """The targets a submission set, as the director typed them."""
    cat = cat or catalogue()
    return pd.DataFrame(
        {
            **_target_keys(frame, cat),
            "Target": _targets(cat, frame, "target", "amber_tolerance"),
        }
    ).reset_index(drop=True)


def target_restore_table(plan: pd.DataFrame, cat: Catalogue | None = None) -> pd.DataFrame:
    cat = cat or catalogue()
    return pd.DataFrame(
        {
            **_target_keys(plan, cat),
            "Now": _targets(cat, plan, "target", "amber_tolerance"),
            "After rollback": _targets(cat, plan, "restored_target", "restored_tolerance"),
        }
    ).reset_index(drop=True)
