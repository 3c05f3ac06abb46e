"""The filter behind every extract: what to include, built one canonical way, and said in words.

The extract page and the command line's `extract` both build one `ExtractFilter` with
`build_filter` (the page's choices and the command line's arguments come in different shapes),
so the same choices always give equal filters and therefore the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from core.catalogue import BREAKDOWN_KINDS, Catalogue, catalogue
from core.errors import CypsError, Kind
from core.periods import (
    PeriodError,
    financial_year_label,
    format_period,
    long_label,
    parse_financial_year,
)

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


class FilterError(CypsError, ValueError):
    """A filter that names something the catalogue does not know; the message says what."""

    kind = Kind.INVALID_REQUEST


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
    spc: bool = False  # add each month's SPC reading (analysis.spc_view.spc_columns)

    def audit_detail(self) -> dict:
        detail = asdict(self)
        detail["first"] = format_period(self.first) if self.first else None
        detail["last"] = format_period(self.last) if self.last else None
        return detail


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
    spc: bool = False,
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
        spc=bool(spc),
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
    words = {
        "Indicators": indicators,
        "Months": " within ".join(months) if months else "All months",
        "Breakdowns": "; ".join(chosen) if chosen else "All (whole authority and every breakdown)",
        "Published": "Yes: small numbers suppressed" if flt.published else "No: internal use",
    }
    if flt.spc:
        words["SPC columns"] = "Yes: each month as the SPC chart drawn to the last month reads it"
    return words
