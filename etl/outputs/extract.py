"""Filtered extracts of current figures, for committee reports, returns and partners.

The extract page and the command line's `extract` both build one
`ExtractFilter` with `build_filter` and hand it to `extract`, so the same
filters always give the same rows; `csv_bytes` and `xlsx_bytes` then write
those rows, and `produce` does the lot and records it in the audit log.

A *published* extract (for anything that leaves the council) has small numbers
of children suppressed (see etl.outputs.publication) and loses the columns that say
which submission and which person a figure came from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from analysis.rag import RAG_WORDS, rag, with_targets
from core.catalogue import BREAKDOWN_KINDS, WHOLE_AUTHORITY, Catalogue, catalogue
from core.periods import (
    PeriodError,
    financial_year_label,
    financial_year_start,
    format_period,
    long_label,
    parse_financial_year,
)
from core.settings import settings
from etl.outputs.export_safety import DANGEROUS_STARTS
from etl.outputs.publication import PublicationRules, apply_suppression, suppression_reasons
from etl.outputs.xlsx_writer import extract_workbook
from etl.sample.bundled import SAMPLE_SUBMITTER
from etl.store.audit import log_extract
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
KIND_LABELS = {"none": "Whole authority", "team": "Team", "distance_band": "Distance band"}
# The words a user may give for a kind of breakdown (the page's options, --breakdown).
KIND_WORDS = {
    "whole authority": "none",
    "whole-authority": "none",
    "none": "none",
    "teams": "team",
    "team": "team",
    "distance bands": "distance_band",
    "distance-bands": "distance_band",
    "distance band": "distance_band",
    "distance_band": "distance_band",
}
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NOTHING_MATCHES = "No figures match those filters, so no file was made."


class FilterError(ValueError):
    """A filter that names something the catalogue does not know; the message says what."""


class NothingMatches(LookupError):
    """The filters select no figures: say so rather than hand over an empty file."""


@dataclass(frozen=True)
class ExtractFilter:
    """What to extract. Empty means everything; build it with `build_filter` (canonical)."""

    indicators: tuple[str, ...] = ()  # indicator codes, catalogue order
    families: tuple[str, ...] = ()  # family keys; their indicators are added to `indicators`
    first: dt.date | None = None  # first month
    last: dt.date | None = None  # last month
    financial_years: tuple[int, ...] = ()  # start years: 2015 means 2015/16
    breakdowns: tuple[str, ...] = ()  # exact team or band names
    breakdown_kinds: tuple[str, ...] = ()  # 'none' (whole authority) | 'team' | 'distance_band'
    published: bool = False  # suppress small numbers; drop submission and user columns

    def audit_detail(self) -> dict:
        detail = asdict(self)
        detail["first"] = format_period(self.first) if self.first else None
        detail["last"] = format_period(self.last) if self.last else None
        return detail


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


@dataclass(frozen=True)
class Download:
    file_name: str
    content: bytes
    mime: str
    rows: int


# ---------------------------------------------------------------- the filter


def build_filter(
    *,
    indicators: Iterable[str] = (),
    families: Iterable[str] = (),
    first: dt.date | None = None,
    last: dt.date | None = None,
    financial_years: Iterable[int | str] = (),
    breakdowns: Iterable[str] = (),
    breakdown_kinds: Iterable[str] = (),
    published: bool = False,
    cat: Catalogue | None = None,
) -> ExtractFilter:
    """The one canonical filter for these choices, whichever way they were given.

    Indicator codes or names in any case, family keys or titles, financial years
    as 2015 or '2015/16', '' (or a kind word) for the whole authority: the page
    and the command line give the same choices in different shapes, and this
    makes them equal objects. Raises FilterError naming anything unknown.
    """
    cat = cat or catalogue()
    codes = {_indicator_code(text, cat) for text in indicators}
    keys = {_family_key(text, cat) for text in families}
    codes |= {i.code for key in keys for i in cat.in_family(key)}
    if codes == set(cat.codes):
        codes, keys = set(), set()  # everything, however it was chosen
    values, kinds = set(), {_kind(k) for k in breakdown_kinds}
    for value in breakdowns:
        word = KIND_WORDS.get(value.strip().lower()) if value.strip() else "none"
        if word:
            kinds.add(word)
        else:
            values.add(value.strip())
    if kinds == set(BREAKDOWN_KINDS) and not values:
        kinds = set()
    if first and last and first > last:
        raise FilterError(f"The first month ({long_label(first)}) is after the last month.")
    return ExtractFilter(
        indicators=tuple(c for c in cat.codes if c in codes),
        families=tuple(f.key for f in cat.families if f.key in keys),
        first=first,
        last=last,
        financial_years=tuple(sorted({_year(y) for y in financial_years})),
        breakdowns=tuple(sorted(values)),
        breakdown_kinds=tuple(k for k in BREAKDOWN_KINDS if k in kinds),
        published=bool(published),
    )


def _indicator_code(text: str, cat: Catalogue) -> str:
    found = cat.lookup(text)
    if found is None:
        raise FilterError(f"There is no indicator '{text}'. Known codes: {', '.join(cat.codes)}.")
    return found.code


def _family_key(text: str, cat: Catalogue) -> str:
    wanted = text.strip().lower()
    for fam in cat.families:
        if wanted in (fam.key.lower(), fam.title.lower()):
            return fam.key
    known = ", ".join(f.key for f in cat.families)
    raise FilterError(f"There is no family '{text}'. Known families: {known}.")


def _kind(text: str) -> str:
    kind = KIND_WORDS.get(text.strip().lower(), text.strip())
    if kind not in BREAKDOWN_KINDS:
        raise FilterError(
            f"'{text}' is not a kind of breakdown: use whole authority, teams or distance bands."
        )
    return kind


def _year(value: int | str) -> int:
    if isinstance(value, int):
        return value
    try:
        return parse_financial_year(str(value))[0].year
    except PeriodError as err:
        raise FilterError(str(err)) from None


def describe(flt: ExtractFilter, cat: Catalogue | None = None) -> dict[str, str]:
    """The filter in words, for the about sheet, the page and the empty-match message."""
    cat = cat or catalogue()
    if flt.indicators:
        indicators = "; ".join(f"{c} ({cat.get(c).name})" for c in flt.indicators)
    else:
        indicators = "All indicators"
    months = []
    if flt.first or flt.last:
        start = long_label(flt.first) if flt.first else "the first month held"
        end = long_label(flt.last) if flt.last else "the latest month held"
        months.append(f"{start} to {end}")
    if flt.financial_years:
        years = ", ".join(financial_year_label(y) for y in flt.financial_years)
        months.append(f"financial year{'s' if len(flt.financial_years) > 1 else ''} {years}")
    kinds = [KIND_LABELS[k] + ("" if k == "none" else "s") for k in flt.breakdown_kinds]
    chosen = kinds + list(flt.breakdowns)
    return {
        "Indicators": indicators,
        "Months": " within ".join(months) if months else "All months",
        "Breakdowns": "; ".join(chosen) if chosen else "All (whole authority and every breakdown)",
        "Published": "Yes: small numbers suppressed" if flt.published else "No: internal use",
    }


# ---------------------------------------------------------------- the rows


def extract(store: Store, flt: ExtractFilter, cat: Catalogue | None = None) -> Extract:
    """The figures `flt` selects, one row per indicator, month and breakdown."""
    cat = cat or catalogue()
    rules = PublicationRules.from_settings()
    months = _months(store, flt)
    if flt.published:  # decided on every figure of the months, before narrowing
        months["_reason"] = suppression_reasons(months, cat, rules)
    chosen = months[_selected(months, flt, cat)]
    if chosen.empty:
        columns = PUBLISHED_COLUMNS if flt.published else EXTRACT_COLUMNS
        return Extract(flt, pd.DataFrame(columns=columns), None, False)
    found = submissions(store)
    rows = _decorate(store, chosen, found, cat)
    latest = _latest(found, chosen)
    illustrative = bool((chosen["submitted_by"] == SAMPLE_SUBMITTER).any())
    if not flt.published:
        return Extract(flt, rows[EXTRACT_COLUMNS], latest, illustrative)
    hidden = rows["_reason"]
    rows = apply_suppression(rows, hidden, rules)
    counts = {r: int((hidden == r).sum()) for r in hidden.unique() if r}
    return Extract(flt, rows[PUBLISHED_COLUMNS], latest, illustrative, counts)


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
    rows["rag"] = [
        RAG_WORDS[rag(v, t, a, info[c].polarity)] if info[c].polarity != "neither" else ""
        for c, v, t, a in zip(
            rows["indicator"], rows["value"], rows["target"], rows["amber_tolerance"], strict=True
        )
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


# ---------------------------------------------------------------- writing it down


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
    return text if float(text) == value else repr(float(value))


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
    """Data, definitions and about sheets (see etl.outputs.xlsx_writer for the layout)."""
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
