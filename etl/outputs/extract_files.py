"""Writing an extract down: CSV text, the three-sheet workbook, its file name, and `produce`.

`produce` does the lot for the page and the command line alike: it builds the rows with
`etl.outputs.extract.extract`, writes the file and records it in the audit log.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from core.catalogue import Catalogue, catalogue
from core.errors import CypsError, Kind
from core.periods import format_period, long_label
from core.settings import settings
from etl.outputs.export_safety import DANGEROUS_STARTS
from etl.outputs.extract import EXTRACT_COLUMNS, PUBLISHED_COLUMNS, Extract, extract
from etl.outputs.extract_filter import KIND_LABELS, ExtractFilter, describe
from etl.outputs.extract_workbook import extract_workbook
from etl.outputs.publication import PublicationRules
from etl.store.audit import log_extract
from etl.store.database import Store

FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NOTHING_MATCHES = "No figures match those filters, so no file was made."


class NothingMatches(CypsError, LookupError):
    """The filters select no figures: say so rather than hand over an empty file."""

    kind = Kind.NOT_FOUND


@dataclass(frozen=True)
class Download:
    file_name: str
    content: bytes
    mime: str
    rows: int


TEXT_COLUMNS = (
    "indicator",
    "indicator_name",
    "breakdown_type",
    "breakdown",
    "unit",
    "rag",
    "commentary",
    "submission_file",
    "submitted_by",
)


def number_text(value: object, decimals: int) -> str:
    """A figure as CSV text: at its displayed precision when that loses nothing (37.0, 396).

    Text (the suppression symbol) passes through; a missing figure is empty.
    """
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or value != value:
        return ""
    text = f"{value:.{decimals}f}"
    return text if float(text) == value else repr(float(cast(float, value)))


def safe_texts(values: pd.Series, missing: object = "") -> list:
    """Text cells for a file: missing as `missing`, formula-like text neutralised (OWASP).

    Text columns repeat a few values (names, units, teams), so each distinct value
    is made safe once.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    made = ["'" + text if text.startswith(DANGEROUS_STARTS) else text for text in map(str, uniques)]
    table = np.array([*made, missing], dtype=object)
    return table[codes].tolist()


def text_frame(ex: Extract, cat: Catalogue | None = None) -> pd.DataFrame:
    """The rows exactly as the CSV holds them (periods YYYY-MM, figures as text, neutralised).

    Only the text columns are neutralised: a negative figure must stay a number.
    """
    cat = cat or catalogue()
    rows = ex.rows.copy()
    if rows.empty:
        return rows
    places = {i.code: i.decimals for i in cat.indicators}
    decimals = rows["indicator"].map(places).tolist()
    rows["period"] = [format_period(p) for p in rows["period"]]
    for column in ("value", "target"):
        rows[column] = [
            number_text(v, d) for v, d in zip(rows[column].tolist(), decimals, strict=True)
        ]
    for column in ("numerator", "denominator", "submission_id"):
        if column in rows:
            rows[column] = [number_text(v, 0) for v in rows[column].tolist()]
    for column in TEXT_COLUMNS:
        if column in rows:
            rows[column] = safe_texts(rows[column])
    return rows.astype(object)


def csv_bytes(ex: Extract, cat: Catalogue | None = None) -> bytes:
    """UTF-8 with a byte-order mark so Excel reads the accents; formula-like text neutralised."""
    columns = PUBLISHED_COLUMNS if ex.filter.published else EXTRACT_COLUMNS
    frame = text_frame(ex, cat) if not ex.empty else pd.DataFrame(columns=columns)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(
    ex: Extract,
    extracted_by: str,
    extracted_at: dt.datetime | None = None,
    cat: Catalogue | None = None,
) -> bytes:
    """Data, definitions and about sheets (see etl.outputs.extract_workbook for the layout)."""
    cat = cat or catalogue()
    about = about_items(ex, extracted_by, extracted_at or _now(), cat)
    return extract_workbook(ex.rows, ex.filter.published, about, cat, created=extracted_at)


def about_items(
    ex: Extract, extracted_by: str, extracted_at: dt.datetime, cat: Catalogue
) -> list[tuple[str, str]]:
    """The about sheet: what was filtered, when and by whom, the source, and what is hidden."""
    flt, contact = ex.filter, settings()["contact"]
    status = (
        "ILLUSTRATIVE SAMPLE DATA: these figures are synthetic and must not be quoted."
        if ex.illustrative
        else "Figures as loaded into CYPS Performance (not the illustrative sample)."
    )
    items = [
        ("Extract", "CYPS Performance: figures extracted from the performance dashboard"),
        ("Data", status),
        *describe(flt, cat).items(),
        ("Rows", f"{len(ex.rows):,}"),
    ]
    if not ex.empty:
        first, last = ex.rows["period"].min(), ex.rows["period"].max()
        items.append(("Months included", f"{long_label(first)} to {long_label(last)}"))
    items.append(("Extracted at", f"{extracted_at:%d %B %Y at %H:%M}"))
    if flt.published:
        items.append(("Produced by", f"{contact['team']} ({contact['email']})"))
    else:
        items.append(("Extracted by", extracted_by))
    if ex.latest_submission:
        sub = ex.latest_submission
        loaded = f"{sub['submitted_at']:%d %B %Y}"
        items.append(
            (
                "Latest submission included",
                f"Submission {sub['id']}, loaded {loaded}"
                + ("" if flt.published else f" from {sub['file_name']}"),
            )
        )
    items += _about_notes(ex)
    items.append(("Questions", f"{contact['team']}, {contact['email']}"))
    return items


def _about_notes(ex: Extract) -> list[tuple[str, str]]:
    rules = PublicationRules.from_settings()
    notes = [
        (
            "Percentages",
            "Percentages are in percent format: 37.0% is stored as the number 0.37. In the CSV "
            "they are percent points (37.0). Periods are months, shown as 'Apr 2015'.",
        ),
        (
            "RAG",
            "On target, Near target or Off target against the target for that month; "
            "blank for measures where neither higher nor lower is better.",
        ),
    ]
    if ex.filter.published:
        hidden = sum(ex.suppressed.values())
        detail = "; ".join(f"{reason}: {n}" for reason, n in ex.suppressed.items())
        notes.append(("Suppression", rules.explanation()))
        notes.append(("Figures suppressed", f"{hidden}" + (f" ({detail})" if detail else "")))
        notes.append(
            (
                "Not included",
                "Numerators, denominators, commentary and the submission and person each "
                "figure came from are left out of published extracts.",
            )
        )
    else:
        notes.append(
            (
                "Internal use",
                "Not for publication: small numbers of children are not suppressed. Tick "
                "'Published extract' (or use --published) for anything leaving the council.",
            )
        )
    return notes


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"


def file_name(ex: Extract, file_format: str) -> str:
    """Say what is inside: cyps-extract_REF_24H-REREF_12M_2015-04_2016-03.csv."""
    flt, cat = ex.filter, catalogue()
    if not flt.indicators:
        what = "all-indicators"
    elif flt.families and set(flt.indicators) == {
        i.code for key in flt.families for i in cat.in_family(key)
    }:
        what = "-".join(flt.families)
    elif len(flt.indicators) <= 4:
        what = "-".join(flt.indicators)
    else:
        what = f"{len(flt.indicators)}-indicators"
    parts = ["cyps-extract", what]
    if not ex.empty:
        parts += [format_period(ex.rows["period"].min()), format_period(ex.rows["period"].max())]
    chosen = [_slug(KIND_LABELS[k]) for k in flt.breakdown_kinds] + [
        _slug(b) for b in flt.breakdowns
    ]
    if chosen:
        parts.append("-".join(chosen) if len(chosen) <= 3 else f"{len(chosen)}-breakdowns")
    if flt.published:
        parts.append("published")
    if ex.illustrative:
        parts.append("illustrative")
    return "_".join(parts) + f".{file_format}"


def produce(
    store: Store,
    flt: ExtractFilter,
    file_format: str,
    user: str,
    role: str | None = None,
    via: str = "page",
    extracted_by: str | None = None,
    cat: Catalogue | None = None,
) -> Download:
    """Make the file and record it in the audit log. Raises NothingMatches on an empty match.

    `user` is the name the audit log keeps; `extracted_by` the words on the about sheet
    (default: the same).
    """
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    ex = extract(store, flt, cat)
    if ex.empty:
        raise NothingMatches(NOTHING_MATCHES)
    if file_format == "csv":
        content = csv_bytes(ex, cat)
    else:
        content = xlsx_bytes(ex, extracted_by or user, cat=cat)
    name = file_name(ex, file_format)
    log_extract(
        store,
        user,
        "figures",
        len(ex.rows),
        file_format,
        role,
        {"filters": flt.audit_detail(), "published": flt.published, "file": name, "via": via},
    )
    return Download(name, content, FORMATS[file_format], len(ex.rows))
