"""Filtered extracts of current figures, for committee reports, returns and partners.

`extract` turns one `ExtractFilter` (see etl.outputs.extract_filter) into rows; writing them
down as CSV or a workbook, and recording that in the audit log, is etl.outputs.extract_files.

A *published* extract (for anything that leaves the council) has small numbers
of children suppressed (see etl.outputs.publication) and loses the columns that say
which submission and which person a figure came from.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from analysis.indicator_month import statuses_by_row
from analysis.rag import RAG_WORDS, with_targets
from analysis.spc_view import SPC_COLUMNS, spc_columns
from core.catalogue import WHOLE_AUTHORITY, Catalogue, catalogue
from core.periods import financial_year_start
from etl.outputs.extract_filter import KIND_LABELS, ExtractFilter
from etl.outputs.publication import PublicationRules, apply_suppression, suppression_reasons
from etl.sample.bundled import SAMPLE_SUBMITTER
from etl.store.database import Store
from etl.store.queries import current_values, submissions, targets

# The file's columns, in order. A published extract keeps only PUBLISHED_COLUMNS.
EXTRACT_COLUMNS = [
    "indicator",
    "indicator_name",
    "period",
    "breakdown_type",
    "breakdown",
    "value",
    "unit",
    "target",
    "rag",
    "numerator",
    "denominator",
    "commentary",
    "submission_id",
    "submission_file",
    "submitted_by",
]
PUBLISHED_COLUMNS = EXTRACT_COLUMNS[: EXTRACT_COLUMNS.index("numerator")]


@dataclass(frozen=True)
class Extract:
    """The rows of an extract and what the about sheet says about them."""

    filter: ExtractFilter
    rows: pd.DataFrame  # EXTRACT_COLUMNS, or PUBLISHED_COLUMNS when published
    latest_submission: dict | None  # id, file_name, submitted_at of the newest figure's source
    illustrative: bool  # any figure came from the bundled illustrative sample
    suppressed: dict[str, int] = field(default_factory=dict)  # reason -> cells

    @property
    def empty(self) -> bool:
        return self.rows.empty


def extract(store: Store, flt: ExtractFilter, cat: Catalogue | None = None) -> Extract:
    """The figures `flt` selects, one row per indicator, month and breakdown."""
    cat = cat or catalogue()
    rules = PublicationRules.from_settings()
    months = _months(store, flt)
    if flt.published:  # decided on every figure of the months, before narrowing
        months["_reason"] = suppression_reasons(months, cat, rules)
    chosen = months[_selected(months, flt, cat)]
    spc = list(SPC_COLUMNS) if flt.spc else []
    if chosen.empty:
        columns = PUBLISHED_COLUMNS if flt.published else EXTRACT_COLUMNS
        return Extract(flt, pd.DataFrame(columns=columns + spc), None, False)
    found = submissions(store)
    rows = _decorate(store, chosen, found, cat)
    if flt.spc:
        rows = _with_spc(store, rows, cat)
    latest = _latest(found, chosen)
    illustrative = bool((chosen["submitted_by"] == SAMPLE_SUBMITTER).any())
    if not flt.published:
        return Extract(flt, rows[EXTRACT_COLUMNS + spc], latest, illustrative)
    hidden = rows["_reason"]
    rows = apply_suppression(rows, hidden, rules)
    if flt.spc:  # no reading of a figure the published file hides
        rows.loc[hidden != "", spc] = [math.nan, math.nan, math.nan, "", ""]
    counts = {r: int((hidden == r).sum()) for r in hidden.unique() if r}
    return Extract(flt, rows[PUBLISHED_COLUMNS + spc], latest, illustrative, counts)


def _with_spc(store: Store, rows: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """Each row's SPC reading, judged on every month of its series up to the extract's last.

    The same function the page and the committee report use, on the same current figures, so
    the three agree; the limits are rounded two places past the indicator's own.
    """
    spc = spc_columns(current_values(store), cat, max(rows["period"]))
    places = spc["indicator"].map({i.code: i.decimals + 2 for i in cat.indicators})
    for column in ("spc_mean", "spc_lower", "spc_upper"):
        spc[column] = [round(v, int(p)) for v, p in zip(spc[column], places, strict=True)]
    return rows.merge(spc, on=["indicator", "breakdown", "period"], how="left")


def _months(store: Store, flt: ExtractFilter) -> pd.DataFrame:
    """Every current figure, of every indicator and breakdown, in the months chosen.

    Suppression is decided on all of these before narrowing to the indicators
    and breakdowns asked for, so it never depends on those choices.
    """
    first, last = flt.first, flt.last
    if flt.financial_years:
        fy_first = dt.date(min(flt.financial_years), 4, 1)
        fy_last = dt.date(max(flt.financial_years) + 1, 3, 1)
        first = max(first, fy_first) if first else fy_first
        last = min(last, fy_last) if last else fy_last
    if first and last and first > last:
        return current_values(store).iloc[0:0]
    values = current_values(store, None, first, last)
    if flt.financial_years:
        years = values["period"].map(financial_year_start)
        values = values[years.isin(flt.financial_years)]
    return values.reset_index(drop=True)


def _row_kinds(values: pd.DataFrame, cat: Catalogue) -> pd.Series:
    kind_of = {i.code: i.breakdown for i in cat.indicators}
    return values["indicator"].map(kind_of).where(values["breakdown"] != WHOLE_AUTHORITY, "none")


def _selected(values: pd.DataFrame, flt: ExtractFilter, cat: Catalogue) -> pd.Series:
    keep = pd.Series(True, index=values.index)
    if flt.indicators:
        keep &= values["indicator"].isin(flt.indicators)
    if flt.breakdowns or flt.breakdown_kinds:
        names = {b.lower() for b in flt.breakdowns}  # team names typed in any case
        keep &= values["breakdown"].str.lower().isin(names) | _row_kinds(values, cat).isin(
            flt.breakdown_kinds
        )
    return keep


def _decorate(
    store: Store, values: pd.DataFrame, found: pd.DataFrame, cat: Catalogue
) -> pd.DataFrame:
    """Add name, unit, target and RAG, and the source submission's file; sort for reading."""
    info = {i.code: i for i in cat.indicators}
    rows = with_targets(values, targets(store, cat))
    rows["indicator_name"] = rows["indicator"].map(lambda c: info[c].name)
    rows["unit"] = rows["indicator"].map(lambda c: info[c].unit)
    rows["breakdown_type"] = _row_kinds(rows, cat).map(KIND_LABELS)
    polarity = {code: ind.polarity for code, ind in info.items()}
    rows["rag"] = [
        RAG_WORDS[status] if polarity[code] != "neither" else ""
        for code, status in zip(rows["indicator"], statuses_by_row(rows, polarity), strict=True)
    ]
    files = found.set_index("id")["file_name"]
    rows["submission_file"] = rows["submission_id"].map(files)
    rows["submission_id"] = rows["submission_id"].astype("int64")
    return rows.iloc[_reading_order(rows, cat)].reset_index(drop=True)


def _reading_order(rows: pd.DataFrame, cat: Catalogue) -> list[int]:
    """Catalogue order of indicators; whole authority first, bands in order, teams A-Z; months."""
    indicator_rank = {code: n for n, code in enumerate(cat.codes)}
    band_rank = {v: n for values in cat.breakdown_values.values() for n, v in enumerate(values)}
    keys = pd.DataFrame(
        {
            "i": rows["indicator"].map(indicator_rank),
            "w": rows["breakdown"] != WHOLE_AUTHORITY,
            "b": rows["breakdown"].map(band_rank).fillna(-1),
            "n": rows["breakdown"],
            "p": rows["period"],
        }
    )
    return keys.sort_values(["i", "w", "b", "n", "p"], kind="stable").index.tolist()


def _latest(found: pd.DataFrame, chosen: pd.DataFrame) -> dict | None:
    newest = int(chosen["submission_id"].max())
    row = found[found["id"] == newest]
    if row.empty:
        return None
    return {
        "id": newest,
        "file_name": str(row["file_name"].iloc[0]),
        "submitted_at": pd.Timestamp(row["submitted_at"].iloc[0]).to_pydatetime(),
    }
