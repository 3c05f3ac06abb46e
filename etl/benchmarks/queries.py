"""Read-only answers to "how do we compare?", as tidy frames and small records.

Everything here reads the published DfE figures already stored
(`etl.store.benchmark_releases`) and the benchmark configuration (`data/benchmarks/`), and hands
back plain data: the page lays it out,
the indicator chart draws `comparator_lines`, the scorecard joins `latest_benchmarks`. Nothing
is written and nothing imports Streamlit, so every answer can be tested on a real database.
The council's own comparators (geographic level 'Comparator', from a comparators file) are
extra chart lines labelled with their source; they never enter ranks, quartiles or the
England/region/neighbour figures, which are the DfE's alone.

Whose dashboard it is comes from `data/benchmarks/council.toml` (la_code, neighbour model); the
council's name comes from the published data for that code, and its region from council.toml's
optional `region_code`, else from the region columns of the published tidy files in `data/dfe/`
(the stored benchmark rows do not keep an authority's region).
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cache

import duckdb
import pandas as pd

from analysis import comparators as cmp
from analysis.benchmarking import (
    NationalPosition,
    NeighbourSummary,
    national_position,
    neighbour_summary,
    rank_councils,
)
from core.catalogue import Indicator, catalogue
from core.settings import DATA_DIR
from etl.benchmarks.comparators_file import FINANCIAL_YEAR
from etl.benchmarks.comparators_file import LEVEL as OWN_LEVEL
from etl.benchmarks.dfe_files import REGIONS, sniff_kind
from etl.benchmarks.mapping import BENCHMARKS_DIR, MappingRow, council, measures
from etl.store.benchmark_releases import current_values, neighbours
from etl.store.database import Store

ENGLAND_CODE = "E92000001"
NEIGHBOUR_STATS = ("mean", "median")
LINE_COLUMNS = [
    "series", "kind", "year", "period_label", "start", "end", "value", "symbol",
    "symbol_meaning", "source", "segment", "break_before", "neighbours_with_figure", "label",
]  # fmt: skip
LATEST_COLUMNS = [
    "code", "measure", "year", "period_label", "council", "council_symbol", "england",
    "region", "sn_mean", "sn_median", "sn_with_figure", "best_neighbour", "best_neighbour_value",
    "top_quartile_threshold", "rank", "ranked", "band", "source",
]  # fmt: skip


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


@dataclass(frozen=True)
class Comparison:
    """One measure and year: the council beside its neighbours, England and the region."""

    measure: Measure
    year: int
    period_label: str
    council: CouncilArea
    council_value: float | None
    council_symbol: str | None
    england: tuple[float | None, str | None]
    region: tuple[float | None, str | None]
    neighbours: NeighbourSummary
    position: NationalPosition
    tied: int
    bars: pd.DataFrame  # council and neighbours, best first
    sentence: str
    source: str
    notes: tuple[str, ...] = field(default_factory=tuple)


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
    mine = sorted((m for m in described if not m.dfe_only), key=lambda m: order[m.key])
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
        return _council_area(con)


def _council_area(con: duckdb.DuckDBPyConnection) -> CouncilArea:
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
        return _measure_values(con, key, year)


def _measure_values(con: duckdb.DuckDBPyConnection, key: str, year: int | None) -> pd.DataFrame:
    frame = current_values(con, key, year)
    frame = frame[frame["geographic_level"] != OWN_LEVEL].reset_index(drop=True)
    frame["area_code"] = frame["area_code"].astype(str)
    frame["symbol"] = frame["symbol"].where(frame["symbol"].notna(), None)
    return frame


def council_years(store: Store, key: str) -> list[int]:
    """Years with a published row (a figure or a symbol) for the council, newest first."""
    with store.connect() as con:
        return _council_years(con, key)


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


def _council_years(con: duckdb.DuckDBPyConnection, key: str) -> list[int]:
    rows = con.execute(
        """SELECT DISTINCT year FROM benchmark_current
           WHERE measure = ? AND geographic_level = 'Local authority' AND area_code = ?
           ORDER BY year DESC""",
        [key, council().la_code],
    ).fetchall()
    return [int(r[0]) for r in rows]


def _neighbour_label(area: CouncilArea, stat: str) -> str:
    return f"Statistical neighbours ({stat} of {len(area.neighbour_codes)})"


def comparator_lines(
    store: Store, indicator_code: str, neighbour_stat: str = "mean"
) -> pd.DataFrame:
    """Stepped annual reference lines for a monthly indicator chart; empty when there are none.

    One row per series and year: the DfE's England, the council's region and the statistical
    neighbours' mean or median (none for a local measure or a count), then the council's own
    comparators (kind 'own'), one series per area, named '<area> (<its sources>)'.
    `start` and `end` are the first and last months the figure covers (first-of-month dates,
    inclusive; see `analysis.comparators.period_span`): draw a flat step from `start` to the
    month after `end`. A suppressed value is NaN with its `symbol`, to be left as a gap. Never
    join a line across rows with different `segment` (a method change; `break_before` marks
    the first year after one). `label` is the hover text. With no benchmark file loaded at all
    the frame is simply empty.
    """
    if neighbour_stat not in NEIGHBOUR_STATS:
        raise ValueError(f"neighbour_stat must be one of {NEIGHBOUR_STATS}")
    found = counterpart(indicator_code)
    with store.connect() as con:
        own = _own_lines(con, indicator_code)
        if found is None or found.unit == "count":
            return own
        area = _council_area(con)
        values = _measure_values(con, found.key, None)
    national = _national_lines(values, area, found, neighbour_stat)
    frames = [f for f in (national, own) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=LINE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[LINE_COLUMNS]


def _national_lines(
    values: pd.DataFrame, area: CouncilArea, found: Measure, neighbour_stat: str
) -> pd.DataFrame:
    """England, region and neighbour lines from the DfE's figures for one measure."""
    parts = []
    for level, code, series, kind in (
        ("National", ENGLAND_CODE, "England", "england"),
        ("Regional", area.region_code, area.region_name, "region"),
    ):
        rows = cmp.area_rows(values, level)
        rows = rows[rows["area_code"] == code]
        parts.append(rows.assign(series=series, kind=kind, neighbours_with_figure=pd.NA))
    sn = cmp.neighbour_lines(values, list(area.neighbour_codes), found.polarity)
    if not sn.empty and area.neighbour_codes:
        parts.append(
            sn.assign(
                series=_neighbour_label(area, neighbour_stat),
                kind="neighbours",
                value=sn[neighbour_stat],
                symbol=None,
                source=(
                    f"{neighbour_stat.capitalize()} of the council's statistical neighbours with "
                    f"a figure (DfE model {area.neighbour_model}); {found.source}"
                ),
                neighbours_with_figure=sn["with_values"],
            )
        )
    parts = [p for p in parts if not p.empty]
    if not parts:  # no DfE file loaded yet, or none with this measure
        return pd.DataFrame(columns=LINE_COLUMNS)
    lines = pd.concat(parts, ignore_index=True)
    spans = [cmp.period_span(int(y), found.period_basis) for y in lines["year"]]
    lines["start"] = [s for s, _ in spans]
    lines["end"] = [e for _, e in spans]
    lines["year"] = lines["year"].astype(int)
    lines["segment"] = cmp.segments(lines["year"], found.series_break_year)
    lines["break_before"] = lines["year"] == (found.series_break_year or -1)
    lines["symbol_meaning"] = lines["symbol"].map(cmp.symbol_meaning)
    lines["label"] = [
        f"{s} {p}: {cmp.display_value(v, sym, found.unit, found.decimals)}"
        + (f" ({n} of {len(area.neighbour_codes)} with a figure)" if _partial(n, area) else "")
        for s, p, v, sym, n in zip(
            lines["series"],
            lines["period_label"],
            lines["value"],
            lines["symbol"],
            lines["neighbours_with_figure"],
            strict=True,
        )
    ]
    lines["order"] = lines["kind"].map({"england": 0, "region": 1, "neighbours": 2})
    return lines.sort_values(["order", "year"], ignore_index=True)[LINE_COLUMNS]


def _own_lines(con: duckdb.DuckDBPyConnection, indicator_code: str) -> pd.DataFrame:
    """The council's own comparators for one indicator, one series per area (and kind of year).

    A financial year ('2015/16') spans April to March, a calendar year ('2016') January to
    December. Each series is named '<area> (<source>; <source>...)', every source its years
    came from, so no one takes it for a DfE figure and it never shares a DfE series' name.
    """
    rows = con.execute(
        """SELECT * FROM benchmark_current WHERE measure = ? AND geographic_level = ?
           ORDER BY area_name, area_code, year""",
        [indicator_code, OWN_LEVEL],
    ).df()
    cat = catalogue()
    if rows.empty or indicator_code not in cat.codes:
        return pd.DataFrame(columns=LINE_COLUMNS)
    ind = cat.get(indicator_code)
    rows["symbol"] = rows["symbol"].where(rows["symbol"].notna(), None)
    rows["year"] = rows["year"].astype(int)
    sources = rows.groupby("area_code", sort=False)["source"].agg(
        lambda s: "; ".join(dict.fromkeys(s))
    )
    rows["series"] = rows["area_name"] + " (" + rows["area_code"].map(sources) + ")"
    rows["kind"] = "own"
    financial = rows["area_code"].str.endswith(f"({FINANCIAL_YEAR})")
    spans = [
        cmp.period_span(y, "year to 31 March") if fy else (dt.date(y, 1, 1), dt.date(y, 12, 1))
        for y, fy in zip(rows["year"], financial, strict=True)
    ]
    rows["start"] = [s for s, _ in spans]
    rows["end"] = [e for _, e in spans]
    rows["segment"] = 0
    rows["break_before"] = False
    rows["neighbours_with_figure"] = pd.NA
    rows["symbol_meaning"] = rows["symbol"].map(cmp.symbol_meaning)
    rows["label"] = [
        f"{s} {p}: {cmp.display_value(v, sym, ind.unit, ind.decimals)}"
        for s, p, v, sym in zip(
            rows["series"], rows["period_label"], rows["value"], rows["symbol"], strict=True
        )
    ]
    return rows[LINE_COLUMNS]


def _partial(with_figure: object, area: CouncilArea) -> bool:
    """True for a neighbour average taken over fewer than all the neighbours."""
    return not pd.isna(with_figure) and int(with_figure) < len(area.neighbour_codes)


def comparator_note(indicator: Indicator | str, lines: pd.DataFrame | None = None) -> str:
    """What a chart says about national comparison: why there is none, or what it is based on.

    Given the chart's `comparator_lines`, it also names the council's own comparators drawn,
    with their sources: a local measure still has no national comparator, but may have one.
    """
    ind = catalogue().get(indicator) if isinstance(indicator, str) else indicator
    return _national_note(ind) + _own_note(lines)


def _own_note(lines: pd.DataFrame | None) -> str:
    if lines is None or lines.empty:
        return ""
    own = list(dict.fromkeys(lines.loc[lines["kind"] == "own", "series"]))
    if not own:
        return ""
    return (
        " The chart also shows the council's own comparator"
        f"{'s' if len(own) > 1 else ''}, not DfE figures: {'; '.join(own)}."
    )


def _national_note(ind: Indicator) -> str:
    found = counterpart(ind.code)
    if found is None:
        return f"No national comparator. {ind.comparator_note}"
    if found.unit == "count":
        return (
            "No comparator lines: the DfE publishes an annual count for every council, but a "
            "count cannot be set beside England's or another council's (they differ in size; "
            "compare rates per 10,000 children), nor beside a monthly figure. The published "
            "counts are on the How we compare page."
        )
    note = f"Comparators: DfE published figures ({found.source}), {found.period_basis}."
    if found.series_break_year:
        note += (
            f" The DfE method changed in {found.series_break_year}, so the comparator lines "
            f"are not joined across {found.series_break_year - 1} and {found.series_break_year}."
        )
    return note


def comparison(
    store: Store,
    key: str,
    year: int,
    neighbour_stat: str = "mean",
    area: CouncilArea | None = None,
) -> Comparison:
    """Everything the page shows for one measure and year."""
    with store.connect() as con:
        return _comparison(con, key, year, neighbour_stat)


def _comparison(
    con: duckdb.DuckDBPyConnection,
    key: str,
    year: int,
    neighbour_stat: str = "mean",
    area: CouncilArea | None = None,
) -> Comparison:
    m = measure(key)
    area = area or _council_area(con)
    values = _measure_values(con, key, year)
    period = values["period_label"].iloc[0] if len(values) else str(year)
    councils = cmp.area_rows(values, "Local authority")
    mine = cmp.one_value(values, "Local authority", area.la_code)
    england = cmp.one_value(values, "National", ENGLAND_CODE)
    region = (
        cmp.one_value(values, "Regional", area.region_code) if area.region_code else (None, None)
    )
    codes = list(area.neighbour_codes)
    sn = neighbour_summary(councils, codes, m.polarity)
    position = national_position(councils, area.la_code, m.polarity)
    ranked = rank_councils(councils, m.polarity)
    tied = cmp.tied_with(ranked, position.rank)
    bars = _bars(ranked, area, m)
    sentence = cmp.comparison_sentence(
        period_label=period,
        measure_name=m.name,
        council_name=area.name,
        council=mine,
        england=england[0],
        neighbour_average=sn.mean if neighbour_stat == "mean" else sn.median,
        neighbour_stat=neighbour_stat,
        unit=m.unit,
        decimals=m.decimals,
        polarity=m.polarity,
        rank=cmp.rank_phrase(position.rank, position.ranked, tied),
        band=position.band,
    )
    sources = sorted(set(values["source"])) if len(values) else [m.source]
    return Comparison(
        measure=m,
        year=year,
        period_label=period,
        council=area,
        council_value=mine[0],
        council_symbol=mine[1],
        england=england,
        region=region,
        neighbours=sn,
        position=position,
        tied=tied,
        bars=bars,
        sentence=sentence,
        source="; ".join(sources),
        notes=_notes(m, year),
    )


def _bars(ranked: pd.DataFrame, area: CouncilArea, m: Measure) -> pd.DataFrame:
    """The council and its neighbours with rank, band and display text, best first."""
    wanted = [area.la_code, *area.neighbour_codes]
    rows = ranked[ranked["area_code"].isin(wanted)].copy()
    missing = [c for c in wanted if c not in set(rows["area_code"])]
    names = dict(zip(area.neighbour_codes, area.neighbour_names, strict=True))
    if missing:  # a neighbour with no row at all still appears, marked as no figure
        extra = pd.DataFrame(
            {"area_code": missing, "area_name": [names.get(c, c) for c in missing]}
        )
        rows = pd.concat([rows, extra], ignore_index=True)
    rows["is_council"] = rows["area_code"] == area.la_code
    order = {c: i for i, c in enumerate(area.neighbour_codes, start=1)}
    rows["closeness_rank"] = rows["area_code"].map(order).astype("Int64")
    rows["display"] = [
        cmp.display_value(v, s, m.unit, m.decimals)
        for v, s in zip(rows["value"], rows.get("symbol", pd.Series(None, index=rows.index)),
                        strict=True)
    ]  # fmt: skip
    rows["symbol_meaning"] = rows.get("symbol", pd.Series(None, index=rows.index)).map(
        cmp.symbol_meaning
    )
    keep = ["area_code", "area_name", "is_council", "closeness_rank", "value", "symbol",
            "display", "symbol_meaning", "rank", "band"]  # fmt: skip
    return cmp.order_best_first(rows.reindex(columns=keep), m.polarity).reset_index(drop=True)


def _notes(m: Measure, year: int) -> tuple[str, ...]:
    """Warnings the page shows above the chart: today, a method change either side of it."""
    notes = []
    if m.series_break_year:
        side = "before" if year < m.series_break_year else "from"
        notes.append(
            f"The DfE changed how this is measured in {m.series_break_year}. This year is "
            f"{side} the change; years either side of it are not comparable and are never "
            "joined on the charts."
        )
    return tuple(notes)


def rank_trend(store: Store, key: str) -> pd.DataFrame:
    """The council's rank, number ranked and band each year, with the method-change segment."""
    m = measure(key)
    frame = cmp.rank_by_year(measure_values(store, key), council().la_code, m.polarity)
    frame["segment"] = cmp.segments(frame["year"], m.series_break_year)
    frame["short_label"] = [cmp.short_period_label(int(y), m.period_basis) for y in frame["year"]]
    frame["display"] = [
        cmp.display_value(v, s, m.unit, m.decimals)
        for v, s in zip(frame["value"], frame["symbol"], strict=True)
    ]
    return frame


def latest_benchmarks(store: Store) -> pd.DataFrame:
    """One row per catalogue indicator with a national counterpart: its latest published year.

    The latest year is the newest with a published row for the council (else for England), so
    the council figure, England, region, neighbours and rank all describe the same year.
    """
    with store.connect() as con:
        return _latest_benchmarks(con)


def _latest_benchmarks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    rows = []
    area = _council_area(con)
    for m in benchmark_measures():
        if m.dfe_only:
            continue
        years = _council_years(con, m.key) or sorted(
            {int(y) for y in _measure_values(con, m.key, None)["year"]}, reverse=True
        )
        if not years:
            continue
        c = _comparison(con, m.key, years[0], area=area)
        rows.append(
            {
                "code": m.catalogue_indicator,
                "measure": m.key,
                "year": c.year,
                "period_label": c.period_label,
                "council": c.council_value,
                "council_symbol": c.council_symbol,
                "england": c.england[0],
                "region": c.region[0],
                "sn_mean": c.neighbours.mean,
                "sn_median": c.neighbours.median,
                "sn_with_figure": c.neighbours.with_values,
                "best_neighbour": c.neighbours.best_name,
                "best_neighbour_value": c.neighbours.best_value,
                "top_quartile_threshold": c.position.top_quartile_threshold,
                "rank": c.position.rank,
                "ranked": c.position.ranked,
                "band": c.position.band,
                "source": c.source,
            }
        )
    frame = pd.DataFrame(rows, columns=LATEST_COLUMNS)
    frame["rank"] = frame["rank"].astype("Int64")
    return frame
