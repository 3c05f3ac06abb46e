"""The benchmark mapping and the council's configuration, read from `data/benchmarks/`.

Which published column feeds which measure is data, not code: a new DfE release with a renamed
column, or a new comparator, is a row in `mapping.csv`. The council whose dashboard this is, and
its statistical-neighbour model, are settings in `council.toml`, so any council can use the
product. Both files are checked when read and a mistake is reported by file and line.
"""

from __future__ import annotations

import csv
import fnmatch
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.catalogue import POLARITIES, UNITS, catalogue
from core.errors import CypsError, Kind
from core.settings import DATA_DIR

BENCHMARKS_DIR = DATA_DIR / "benchmarks"
FILE_KINDS = ("tidy", "lait", "sfr_cla")
PERIOD_BASES = ("year to 31 March", "at 31 March", "at 30 September")


class MappingError(CypsError, ValueError):
    """A mistake in `mapping.csv` or `council.toml`."""

    kind = Kind.CONFIGURATION


@dataclass(frozen=True)
class MappingRow:
    """One published column feeding one benchmark measure, for the files matching a pattern."""

    measure: str
    name: str
    unit: str
    polarity: str
    catalogue_indicator: str  # "" when the DfE measure is context, not a catalogue indicator
    source: str
    file_kind: str
    file_pattern: str
    column: str
    filters: tuple[tuple[str, str], ...]
    denominator: str
    first_year: int | None
    last_year: int | None
    period_basis: str
    decimals: int
    series_break_year: int | None
    definition_note: str
    release: str = ""  # the DfE release it comes from (releases.csv): when each year was published

    def applies_to(self, file_name: str, file_kind: str) -> bool:
        return file_kind == self.file_kind and fnmatch.fnmatch(
            file_name.lower(), self.file_pattern.lower()
        )

    def owns_year(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )

    def column_for(self, year: int | None) -> str:
        return _for_year(self.column, year)

    def denominator_for(self, year: int | None) -> str:
        return _for_year(self.denominator, year)

    def period_label(self, year: int) -> str:
        """`2015/16` for a year to 31 March, else `at 31 March 2016` / `at 30 September 2016`."""
        if self.period_basis == "year to 31 March":
            return f"{year - 1}/{year % 100:02d}"
        return f"{self.period_basis} {year}"


def _for_year(template: str, year: int | None) -> str:
    return template.replace("{year}", str(year)) if year is not None else template


def _optional_int(text: str, where: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise MappingError(f"{where}: {field} must be a whole number, not '{text}'") from None


def _filters(text: str, where: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        column, sep, value = part.partition("=")
        if not sep or not column.strip():
            raise MappingError(f"{where}: filter '{part}' must be written column=value")
        pairs.append((column.strip(), value.strip()))
    return tuple(pairs)


def _row(raw: dict[str, str], where: str) -> MappingRow:
    def text(field: str) -> str:
        value = raw.get(field)
        if value is None:
            raise MappingError(f"{where}: missing column '{field}'")
        return value.strip()

    row = MappingRow(
        measure=text("measure"),
        name=text("name"),
        unit=text("unit"),
        polarity=text("polarity"),
        catalogue_indicator=text("catalogue_indicator"),
        source=text("source"),
        file_kind=text("file_kind"),
        file_pattern=text("file_pattern"),
        column=text("column"),
        filters=_filters(text("filter"), where),
        denominator=text("denominator"),
        first_year=_optional_int(text("first_year"), where, "first_year"),
        last_year=_optional_int(text("last_year"), where, "last_year"),
        period_basis=text("period_basis"),
        decimals=_optional_int(text("decimals"), where, "decimals") or 0,
        series_break_year=_optional_int(text("series_break_year"), where, "series_break_year"),
        definition_note=text("definition_note"),
        release=(raw.get("release") or "").strip(),
    )
    for field, allowed in (
        ("unit", UNITS),
        ("polarity", POLARITIES),
        ("file_kind", FILE_KINDS),
        ("period_basis", PERIOD_BASES),
    ):
        if getattr(row, field) not in allowed:
            raise MappingError(f"{where} ({row.measure}): {field} must be one of {allowed}")
    if not re.fullmatch(r"[A-Z][A-Z0-9_]*", row.measure):
        raise MappingError(
            f"{where}: measure '{row.measure}' must be upper-case letters, digits, _"
        )
    if not row.column or not row.file_pattern:
        raise MappingError(f"{where} ({row.measure}): column and file_pattern are required")
    if row.denominator and row.unit != "percent":
        raise MappingError(f"{where} ({row.measure}): a derived percentage must have unit percent")
    return row


def load_mapping(path: Path = BENCHMARKS_DIR / "mapping.csv") -> tuple[MappingRow, ...]:
    """Read and check mapping.csv; '#' lines are comments."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        numbered = [(n, line) for n, line in enumerate(fh, start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in numbered)
    rows = tuple(
        _row(raw, f"{path.name} line {numbered[i + 1][0]}") for i, raw in enumerate(reader)
    )
    codes = set(catalogue().codes)
    for row in rows:
        if row.catalogue_indicator and row.catalogue_indicator not in codes:
            raise MappingError(
                f"{path.name} ({row.measure}): unknown catalogue indicator "
                f"'{row.catalogue_indicator}'"
            )
        if row.measure in codes and row.catalogue_indicator != row.measure:
            raise MappingError(
                f"{path.name} ({row.measure}): a measure named like a catalogue indicator must "
                "benchmark that indicator; give a different definition its own DFE_ key"
            )
    by_measure: dict[str, MappingRow] = {}
    for row in rows:
        first = by_measure.setdefault(row.measure, row)
        if (first.unit, first.polarity, first.name) != (row.unit, row.polarity, row.name):
            raise MappingError(
                f"{path.name} ({row.measure}): every row of one measure needs the same "
                "name, unit and polarity"
            )
    return rows


@cache
def mapping() -> tuple[MappingRow, ...]:
    """The project's mapping, read once per process."""
    return load_mapping()


def measures() -> dict[str, MappingRow]:
    """Each measure's description (name, unit, polarity, decimals, break, note), by key.

    Rows of one measure share name, unit and polarity (checked on load); the first row's
    period basis and note describe it, later rows only add years from other files.
    """
    described: dict[str, MappingRow] = {}
    for row in mapping():
        described.setdefault(row.measure, row)
    return described


@dataclass(frozen=True)
class CouncilConfig:
    la_code: str  # old three-digit DfE code, as text ('372')
    neighbour_model: str  # the name a statistical-neighbour model was loaded under ('2021')


def load_council(path: Path = BENCHMARKS_DIR / "council.toml") -> CouncilConfig:
    """Read council.toml; defaults are the model council (372) and the April 2021 neighbours."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh).get("council", {})
    la_code = str(raw.get("la_code", "372")).strip()
    model = str(raw.get("neighbour_model", "2021")).strip()
    if not re.fullmatch(r"\d{3}", la_code):
        raise MappingError(
            f"{path.name}: la_code must be the council's three-digit DfE code, not '{la_code}'"
        )
    if not model:
        raise MappingError(f"{path.name}: neighbour_model must name a loaded model, e.g. '2021'")
    return CouncilConfig(la_code=la_code, neighbour_model=model)


@cache
def council() -> CouncilConfig:
    """The deployment's council configuration, read once per process."""
    return load_council()
