"""The published benchmarks as stored: the measures on offer, whose council it is, and figures.

Everything here reads the published DfE figures already stored (`etl.store.benchmark_releases`)
and the benchmark configuration (`data/benchmarks/`) and hands back plain data; nothing is
written and nothing imports Streamlit, so every answer can be tested on a real database. The
council's own comparators (geographic level 'Comparator') are left out of `measure_values`:
they never enter ranks, quartiles or the England/region/neighbour figures, which are the DfE's.

Whose dashboard it is comes from `data/benchmarks/council.toml` (la_code, neighbour model); the
council's name comes from the published data for that code, and its region from council.toml's
optional `region_code`, else from the region columns of the published tidy files in `data/dfe/`
(the stored benchmark rows do not keep an authority's region). The `*_in(con, ...)` twins take
an open connection, so a caller asking many questions opens the database once.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache

import pandas as pd

from core.catalogue import catalogue
from core.settings import DATA_DIR
from etl.benchmarks.comparators_file import LEVEL as OWN_LEVEL
from etl.benchmarks.dfe_files import sniff_kind
from etl.benchmarks.dfe_geography import REGIONS
from etl.benchmarks.mapping import BENCHMARKS_DIR, MappingRow, council, measures
from etl.store.benchmark_releases import current_values, neighbours
from etl.store.database import Connection, Store

ENGLAND_CODE = "E92000001"
# Which symbol convention (analysis.comparators.SYMBOL_CONVENTIONS) each kind of file uses;
# any other kind uses the GSS symbols.
SYMBOL_CONVENTION_BY_KIND = {"sfr_cla": "sfr"}


@dataclass(frozen=True)
class CouncilArea:
    """The council whose dashboard this is, as the published data names it."""

    la_code: str
    name: str
    region_code: str | None
    region_name: str | None
    neighbour_model: str
    neighbour_codes: tuple[str, ...] = ()
    neighbour_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measure:
    """A benchmark measure as the page offers it: a catalogue indicator or a DfE-only one."""

    key: str
    name: str
    unit: str
    polarity: str
    decimals: int
    period_basis: str
    series_break_year: int | None
    definition_note: str
    source: str
    catalogue_indicator: str

    @property
    def dfe_only(self) -> bool:
        return not self.catalogue_indicator

    @property
    def label(self) -> str:
        """The choice as listed: DfE-only measures say so, so no one mistakes the definition."""
        return f"{self.name} (DfE measure)" if self.dfe_only else self.name


def _measure(row: MappingRow) -> Measure:
    return Measure(
        key=row.measure,
        name=row.name,
        unit=row.unit,
        polarity=row.polarity,
        decimals=row.decimals,
        period_basis=row.period_basis,
        series_break_year=row.series_break_year,
        definition_note=row.definition_note,
        source=row.source,
        catalogue_indicator=row.catalogue_indicator,
    )


def benchmark_measures() -> list[Measure]:
    """Catalogue indicators with a national counterpart (catalogue order), then DfE-only ones."""
    described = [_measure(r) for r in measures().values()]
    order = {code: i for i, code in enumerate(catalogue().codes)}
    mine = sorted(
        (m for m in described if not m.dfe_only), key=lambda m: order[m.catalogue_indicator]
    )
    return mine + [m for m in described if m.dfe_only]


def measure(key: str) -> Measure:
    """One measure by key; a KeyError names the keys there are."""
    for m in benchmark_measures():
        if m.key == key:
            return m
    raise KeyError(f"no benchmark measure {key!r}; see data/benchmarks/mapping.csv")


def counterpart(indicator_code: str) -> Measure | None:
    """The benchmark measure that is this catalogue indicator's national counterpart, if any."""
    return next((m for m in benchmark_measures() if m.catalogue_indicator == indicator_code), None)


@cache
def _region_from_files(la_code: str) -> tuple[str, str] | None:
    """The council's region from the region columns of a published tidy file in data/dfe/."""
    for path in sorted((DATA_DIR / "dfe").glob("*.csv")):
        try:
            if sniff_kind(path) != "tidy":
                continue
        except Exception:  # a file of another kind is simply not a source of regions
            continue
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("old_la_code", "").strip() == la_code and row.get("region_code"):
                    code = row["region_code"].strip()
                    return code, REGIONS.get(code, row.get("region_name", code).strip())
    return None


def council_region(la_code: str) -> tuple[str, str] | None:
    """(region code, name): council.toml's `region_code` if set, else from the published files."""
    with open(BENCHMARKS_DIR / "council.toml", "rb") as fh:
        configured = str(tomllib.load(fh).get("council", {}).get("region_code", "")).strip()
    if configured:
        return configured, REGIONS.get(configured, configured)
    return _region_from_files(la_code)


def council_area(store: Store) -> CouncilArea:
    """The configured council with its published name, region and statistical neighbours."""
    with store.connect() as con:
        return council_area_in(con)


def council_area_in(con: Connection) -> CouncilArea:
    config = council()
    named = con.execute(
        """SELECT area_name FROM benchmark_current
           WHERE geographic_level = 'Local authority' AND area_code = ?
           ORDER BY year DESC LIMIT 1""",
        [config.la_code],
    ).fetchall()
    sns = neighbours(con, config.neighbour_model, config.la_code)
    region = council_region(config.la_code)
    return CouncilArea(
        la_code=config.la_code,
        name=named[0][0] if named else f"council {config.la_code}",
        region_code=region[0] if region else None,
        region_name=region[1] if region else None,
        neighbour_model=config.neighbour_model,
        neighbour_codes=tuple(sns["neighbour_code"].astype(str)),
        neighbour_names=tuple(str(n) for n in sns["neighbour_name"]),
    )


def measure_values(store: Store, key: str, year: int | None = None) -> pd.DataFrame:
    """Every area's current published figure for one measure (optionally one year)."""
    with store.connect() as con:
        return measure_values_in(con, key, year)


def measure_values_in(con: Connection, key: str, year: int | None) -> pd.DataFrame:
    frame = current_values(con, key, year)
    frame = frame[frame["geographic_level"] != OWN_LEVEL].reset_index(drop=True)
    frame["area_code"] = frame["area_code"].astype(str)
    frame["symbol"] = frame["symbol"].where(frame["symbol"].notna(), None)
    frame["symbol_convention"] = symbol_conventions_in(con, frame["release_id"])
    return frame


def symbol_conventions_in(con: Connection, release_ids: pd.Series) -> list[str]:
    """The symbol convention of each figure's source: the kind of file its release came from.

    An 'x' in an SFR table (2013-2017) is a count of 1 to 5, suppressed; in DfE open data it is
    "not available" (see `analysis.comparators.SYMBOL_CONVENTIONS`).
    """
    kinds = dict(con.execute("SELECT id, file_kind FROM benchmark_releases").fetchall())
    return [SYMBOL_CONVENTION_BY_KIND.get(kinds.get(int(r), ""), "gss") for r in release_ids]


def council_years(store: Store, key: str) -> list[int]:
    """Years with a published row (a figure or a symbol) for the council, newest first."""
    with store.connect() as con:
        return council_years_in(con, key)


def council_years_by_measure(store: Store) -> dict[str, list[int]]:
    """For every measure, the years with a published row for the council, newest first."""
    with store.connect() as con:
        rows = con.execute(
            """SELECT measure, list(DISTINCT year ORDER BY year DESC) FROM benchmark_current
               WHERE geographic_level = 'Local authority' AND area_code = ?
               GROUP BY measure""",
            [council().la_code],
        ).fetchall()
    return {measure: [int(y) for y in years] for measure, years in rows}


def council_years_in(con: Connection, key: str) -> list[int]:
    rows = con.execute(
        """SELECT DISTINCT year FROM benchmark_current
           WHERE measure = ? AND geographic_level = 'Local authority' AND area_code = ?
           ORDER BY year DESC""",
        [key, council().la_code],
    ).fetchall()
    return [int(r[0]) for r in rows]
