"""One measure and year compared: the council beside its neighbours, England and the region.

What the How we compare page shows for a measure and year (`comparison`), and the council's rank
and band year by year (`rank_trend`). Ranks and quartile bands follow LAIT's rules
(`analysis.benchmarking`); the words come from `analysis.comparators`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis import comparators as cmp
from analysis.benchmarking import (
    NationalPosition,
    NeighbourSummary,
    national_position,
    neighbour_summary,
    rank_councils,
)
from etl.benchmarks.mapping import council
from etl.benchmarks.published import (
    ENGLAND_CODE,
    CouncilArea,
    Measure,
    council_area_in,
    measure,
    measure_values,
    measure_values_in,
)
from etl.store.database import Connection, Store


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
    symbol_convention: str = "gss"  # of the file this year's figures came from

    @property
    def symbol_meanings(self) -> dict[str, str]:
        """Every symbol's meaning as this year's source file uses it (for the page's key)."""
        return dict(cmp.SYMBOL_CONVENTIONS[self.symbol_convention])

    @property
    def symbol_source(self) -> str:
        """Whose convention the symbols follow, in words."""
        return cmp.CONVENTION_NAMES[self.symbol_convention]

    def display(self, figure: tuple[float | None, str | None]) -> str:
        """A (value, symbol) of this comparison as members read it, in its source's words."""
        m = self.measure
        return cmp.display_value(*figure, m.unit, m.decimals, self.symbol_convention)


def comparison(
    store: Store,
    key: str,
    year: int,
    neighbour_stat: str = "mean",
    area: CouncilArea | None = None,
) -> Comparison:
    """Everything the page shows for one measure and year."""
    with store.connect() as con:
        return comparison_in(con, key, year, neighbour_stat)


def comparison_in(
    con: Connection,
    key: str,
    year: int,
    neighbour_stat: str = "mean",
    area: CouncilArea | None = None,
) -> Comparison:
    m = measure(key)
    area = area or council_area_in(con)
    values = measure_values_in(con, key, year)
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
    convention = convention_of(values, area.la_code)
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
        convention=convention,
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
        symbol_convention=convention,
    )


def convention_of(values: pd.DataFrame, la_code: str) -> str:
    """The symbol convention of one year's figures: the council's row's source, else England's,
    else any row's (one year of a measure comes from one file)."""
    if values.empty or "symbol_convention" not in values:
        return "gss"
    mine = values[values["area_code"] == str(la_code)]
    england = values[values["area_code"] == ENGLAND_CODE]
    row = next(f for f in (mine, england, values) if not f.empty)
    return str(row["symbol_convention"].iloc[0])


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
    symbols = rows.get("symbol", pd.Series(None, index=rows.index)).tolist()
    conventions = rows.get("symbol_convention", pd.Series("gss", index=rows.index)).tolist()
    rows["display"] = [
        cmp.display_value(v, s, m.unit, m.decimals, conv)
        for v, s, conv in zip(rows["value"], symbols, conventions, strict=True)
    ]
    rows["symbol_meaning"] = [
        cmp.symbol_meaning(s, conv) for s, conv in zip(symbols, conventions, strict=True)
    ]
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
    values = measure_values(store, key)
    la_code = council().la_code
    frame = cmp.rank_by_year(values, la_code, m.polarity)
    frame["segment"] = cmp.segments(frame["year"], m.series_break_year)
    frame["short_label"] = [cmp.short_period_label(int(y), m.period_basis) for y in frame["year"]]
    by_year = {int(y): convention_of(v, la_code) for y, v in values.groupby("year")}
    frame["display"] = [
        cmp.display_value(v, s, m.unit, m.decimals, by_year.get(int(y), "gss"))
        for v, s, y in zip(frame["value"], frame["symbol"], frame["year"], strict=True)
    ]
    return frame
