"""When each year of a DfE release was published, so a month is compared only with what it knew.

The DfE publishes a year's figures months after the year ends (the children in need figures for
2015/16 came out in November 2016). A scorecard for October 2015, or a committee report for
March 2017, must therefore be set beside the latest year published by then, not the latest year
held today. The dates are data (`data/benchmarks/release_dates.csv`, with the source of each);
a year with no recorded date is taken to come out in its release's usual month
(`data/benchmarks/releases.csv`) and says so. Each mapping row names its release, and a measure's
years belong to one row each, so every stored figure has one publication date.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.periods import long_label
from etl.benchmarks.mapping import BENCHMARKS_DIR, MappingError, mapping


@dataclass(frozen=True)
class Release:
    """A DfE release the comparators come from, and the month it usually comes out."""

    key: str
    title: str
    usual_month: int  # 1-12
    years_after: int  # 0: published in the year the figures' period ends; 1: the year after


@dataclass(frozen=True)
class Publication:
    """When one year of a release was published (the month is what a comparison needs)."""

    release: Release
    year: int
    month: dt.date  # the first of the month it was published
    day: dt.date | None  # the date, when recorded
    confirmed: bool  # False: the release's usual month, no date recorded
    source: str

    @property
    def words(self) -> str:
        """'published 3 November 2016', 'published November 2016', or the usual month."""
        if self.day is not None:
            return f"published {self.day.day} {self.day:%B %Y}"
        if self.confirmed:
            return f"published {long_label(self.month)}"
        return f"published {long_label(self.month)} (the DfE's usual month; date not recorded)"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def load_releases(path: Path = BENCHMARKS_DIR / "releases.csv") -> dict[str, Release]:
    """releases.csv, checked: a usual month of 1 to 12, and 0 or 1 years after."""
    found = {}
    for n, row in enumerate(_rows(path), start=1):
        try:
            month, after = int(row["usual_month"]), int(row["years_after"])
        except (KeyError, TypeError, ValueError):
            raise MappingError(f"{path.name} row {n}: usual_month and years_after must be whole "
                               "numbers") from None  # fmt: skip
        if not 1 <= month <= 12 or after not in (0, 1):
            raise MappingError(f"{path.name} row {n}: usual_month 1-12, years_after 0 or 1")
        found[row["release"].strip()] = Release(row["release"].strip(), row["title"], month, after)
    return found


def _date(text: str, where: str) -> tuple[dt.date, dt.date | None]:
    """'2016-11-03' -> (1 Nov 2016, 3 Nov 2016); '2016-11' -> (1 Nov 2016, None)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text.strip())
    if not match:
        raise MappingError(f"{where}: published must be YYYY-MM-DD or YYYY-MM, not '{text}'")
    year, month, day = match.groups()
    first = dt.date(int(year), int(month), 1)
    return first, dt.date(int(year), int(month), int(day)) if day else None


def load_dates(
    releases: dict[str, Release], path: Path = BENCHMARKS_DIR / "release_dates.csv"
) -> dict[tuple[str, int], Publication]:
    """release_dates.csv, checked against releases.csv."""
    found = {}
    for n, row in enumerate(_rows(path), start=1):
        where = f"{path.name} row {n}"
        key = row["release"].strip()
        if key not in releases:
            raise MappingError(f"{where}: release '{key}' is not in releases.csv")
        month, day = _date(row["published"], where)
        year = int(row["year"])
        found[(key, year)] = Publication(releases[key], year, month, day, True, row["source"])
    return found


@cache
def _tables() -> tuple[dict[str, Release], dict[tuple[str, int], Publication]]:
    releases = load_releases()
    for row in mapping():
        if row.release not in releases:
            raise MappingError(
                f"mapping.csv ({row.measure}, {row.file_pattern}): release '{row.release}' is "
                "not in releases.csv"
            )
    return releases, load_dates(releases)


def release_of(measure: str, year: int) -> Release | None:
    """The release a measure's figure for a year comes from: its mapping row's, for that year."""
    releases, _ = _tables()
    row = next((r for r in mapping() if r.measure == measure and r.owns_year(year)), None)
    return releases.get(row.release) if row else None


def publication(measure: str, year: int) -> Publication | None:
    """When a measure's figure for a year was published (recorded, else the usual month)."""
    release = release_of(measure, year)
    if release is None:
        return None
    _, dates = _tables()
    recorded = dates.get((release.key, year))
    if recorded is not None:
        return recorded
    usual = dt.date(year + release.years_after, release.usual_month, 1)
    return Publication(release, year, usual, None, False, release.title)


def known_by(published: dt.date | None, as_at: dt.date) -> bool:
    """True when a figure published in the month `published` could be read in month `as_at`."""
    return published is not None and published <= as_at.replace(day=1)


def not_yet_published(as_at: dt.date) -> str:
    """What a month with no published DfE figure yet says instead."""
    return f"No DfE figure had been published by {long_label(as_at)}"
