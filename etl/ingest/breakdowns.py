"""Breakdown names (teams, distance bands): one stored spelling per name, and which are new.

A name typed with another case, a double space, a non-breaking space or a
zero-width character is still the same team: left as typed, each variant would
become a team of its own, with conflicting figures for one month. So a name is
cleaned (invisible format characters removed, any Unicode space collapsed), then
matched, ignoring case and spacing, to the catalogue's values (distance bands) or
the council's own list (`[breakdowns]` in data/settings.toml); a name on neither
keeps the first spelling the file gives it, so its variants are duplicates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from core.catalogue import Catalogue
from core.settings import settings
from etl.ingest.cells import is_missing
from etl.ingest.problems import Problem


def clean(text: str) -> str:
    """`text` without format characters (zero-width spaces...) and with its spaces collapsed."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(visible.split())


def name_key(text: str) -> str:
    """What two spellings of one name share: case, spaces and underscores ignored."""
    return re.sub(r"[\s_]+", "", clean(text)).casefold()


def council_names(kind: str) -> tuple[str, ...]:
    """The council's own names for a breakdown kind with no fixed values (its teams)."""
    listed = settings().get("breakdowns", {}).get(kind, [])
    return tuple(clean(str(name)) for name in listed)


class BreakdownNames:
    """The stored spelling of each breakdown cell in one sheet.

    Built once per sheet, so the row checker and its fast path give every cell the
    same answer, and every variant of a name the same spelling.
    """

    def __init__(self, catalogue: Catalogue, cells: Iterable[object]):
        self.catalogue = catalogue
        self._council: dict[str, dict[str, str]] = {}
        self._first_spelling: dict[str, str] = {}
        for raw in dict.fromkeys(c for c in cells if isinstance(c, str)):
            text = clean(raw)
            if text:
                self._first_spelling.setdefault(name_key(text), text)

    def text(self, raw: object) -> str:
        """A breakdown cell as cleaned text ('' when empty)."""
        return "" if raw is None or is_missing(raw) else clean(str(raw))

    def stored(self, kind: str, raw: object) -> str | None:
        """The spelling stored for `raw` under `kind`, or None when it is not allowed."""
        text = self.text(raw)
        if self.catalogue.breakdown_values.get(kind):
            return self.catalogue.canonical_breakdown(kind, text)
        if not text:
            return text
        if kind not in self._council:
            self._council[kind] = {name_key(n): n for n in council_names(kind)}
        key = name_key(text)
        return self._council[kind].get(key) or self._first_spelling.get(key, text)


def _free_codes(cat: Catalogue) -> set[str]:
    """Indicators whose breakdown values the catalogue does not fix (teams)."""
    return {i.code for i in cat.indicators if not cat.breakdown_values.get(i.breakdown)}


def align_to_stored(
    observations: pd.DataFrame, stored: Iterable[str], cat: Catalogue
) -> pd.DataFrame:
    """`observations` with each new-looking name spelled as it is already stored.

    A team loaded last month as 'Edge of Care' (not on the council's list) and typed
    'edge of care' this month is the same team: it takes the stored spelling, so a
    second file never starts a second team. Names on the council's list keep the
    list's spelling, which `prepare` has already given them.
    """
    if observations.empty:
        return observations
    listed = {
        name_key(n) for kind in {i.breakdown for i in cat.indicators} for n in council_names(kind)
    }
    spelling: dict[str, str] = {}
    for name in sorted(set(stored)):
        key = name_key(name)
        if name and key not in listed:
            spelling.setdefault(key, name)
    free = observations["indicator"].isin(_free_codes(cat)) & (observations["breakdown"] != "")
    if not spelling or not free.any():
        return observations
    aligned = observations.copy()
    aligned.loc[free, "breakdown"] = [
        spelling.get(name_key(b), b) for b in aligned.loc[free, "breakdown"]
    ]
    return aligned


def new_names(observations: pd.DataFrame, stored: Iterable[str], cat: Catalogue) -> list[str]:
    """Names in a file for breakdowns the catalogue does not fix (teams) that are new:
    neither on the council's list nor already loaded, in the order they first appear."""
    if observations.empty:
        return []
    known = {n for kind in {i.breakdown for i in cat.indicators} for n in council_names(kind)}
    known |= set(stored)
    free = _free_codes(cat)
    rows = observations[observations["indicator"].isin(free) & (observations["breakdown"] != "")]
    return [name for name in dict.fromkeys(rows["breakdown"]) if name not in known]


def max_distinct() -> int:
    """The most distinct breakdown values one indicator may hold (`[breakdowns] max_distinct`)."""
    return int(settings()["breakdowns"]["max_distinct"])


def too_many(observations: pd.DataFrame, stored: pd.DataFrame, cap: int) -> list[Problem]:
    """A problem for each indicator this file would take past `cap` distinct breakdowns,
    counting those already stored (`stored`: indicator and breakdown), so no page has to
    draw thousands of teams."""
    named = observations[observations["breakdown"] != ""]
    if named.empty:
        return []
    pairs = pd.concat([stored[["indicator", "breakdown"]], named[["indicator", "breakdown"]]])
    counts = pairs.drop_duplicates().groupby("indicator")["breakdown"].size()
    sheet = str(named["sheet"].iloc[0]) if "sheet" in named else ""
    return [
        Problem(
            sheet,
            None,
            "breakdown",
            "",
            f"would give {code} {int(counts[code])} distinct breakdowns (teams), more than the "
            f"{cap} an indicator may have ([breakdowns] max_distinct in data/settings.toml): "
            "check the breakdown column for names that are not teams.",
        )
        for code in dict.fromkeys(named["indicator"])
        if int(counts.get(code, 0)) > cap
    ]
