"""Where the national comparators come from, in plain words: publication names and their links.

A stored DfE figure keeps its full provenance ("DfE, Characteristics of children in need, table
C1 (c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv, rereferral_percent)") for
officers and the audit; a councillor reads only the publication (issue 16 §5), so every caption
says a source through `plain_source`, and the About page lists the publications with their
links from data/benchmarks/publications.toml (data, not code: a new release is a new entry).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.benchmarks.mapping import BENCHMARKS_DIR, MappingError
from etl.benchmarks.release_dates import load_releases

PUBLICATIONS_FILE = BENCHMARKS_DIR / "publications.toml"
# "(file.csv, column)" as the DfE import appends it to a source (`etl.benchmarks.dfe_values`):
# a file name has no comma or bracket; the column after it may have both ("100 x (a+b) / c").
_PROVENANCE = re.compile(r"\s*\([^(),]+\.(?:csv|xlsx|xls|ods|txt|parquet),[^;]*?\)(?=;|$)", re.I)


@dataclass(frozen=True)
class Publication:
    """One publication the comparators come from, as the About page lists it."""

    name: str
    url: str
    covers: str


def plain_source(source: str) -> str:
    """A source as a councillor reads it: the publication, without file or column names.

    Several sources joined by "; " are each cleaned, and a source said twice is said once.
    """
    cleaned = _PROVENANCE.sub("", source)
    parts = [p.strip() for p in cleaned.split(";") if p.strip()]
    return "; ".join(dict.fromkeys(parts))


@cache
def publications(path: Path = PUBLICATIONS_FILE) -> tuple[Publication, ...]:
    """publications.toml, checked: each entry a release in releases.csv or a name, and an
    https address."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    releases = load_releases()
    found = []
    for n, entry in enumerate(raw.get("publication", []), start=1):
        where = f"{path.name} publication {n}"
        key = str(entry.get("release", "")).strip()
        if key and key not in releases:
            raise MappingError(f"{where}: release '{key}' is not in releases.csv")
        name = releases[key].title if key else str(entry.get("name", "")).strip()
        url = str(entry.get("url", "")).strip()
        if not name or not url.startswith("https://"):
            raise MappingError(f"{where}: needs a release or a name, and an https url")
        found.append(Publication(name, url, str(entry.get("covers", "")).strip()))
    return tuple(found)
