"""Annual comparator lines for a monthly indicator chart, and the note that goes under it.

`comparator_lines` gives the DfE's England, region and statistical-neighbour figures for an
indicator's national counterpart, and the council's own comparators (labelled with their
sources, never taken for DfE figures), as stepped annual lines placed on the months each year
covers. `comparator_note` says what a chart's comparison is based on, or why there is none.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import pandas as pd

from analysis import comparators as cmp
from core.catalogue import Indicator, catalogue
from core.periods import add_months
from etl.benchmarks.comparators_file import FINANCIAL_YEAR
from etl.benchmarks.comparators_file import LEVEL as OWN_LEVEL
from etl.benchmarks.published import (
    ENGLAND_CODE,
    CouncilArea,
    Measure,
    council_area_in,
    counterpart,
    measure_values_in,
)
from etl.benchmarks.release_dates import known_by, publication
from etl.benchmarks.sources import plain_source
from etl.store.database import Connection, Store

NEIGHBOUR_STATS = ("mean", "median")
LINE_COLUMNS = [
    "series", "kind", "year", "period_label", "start", "end", "value", "symbol",
    "symbol_meaning", "source", "segment", "break_before", "neighbours_with_figure", "label",
    "published",
]  # fmt: skip


def _neighbour_label(area: CouncilArea, stat: str) -> str:
    return f"Statistical neighbours ({stat} of {len(area.neighbour_codes)})"


def comparator_lines(
    store: Store, indicator_code: str, neighbour_stat: str = "mean", as_at: dt.date | None = None
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

    `published` is the month a DfE year was published (`release_dates`); the council's own
    comparators record no date, so each counts as known from the month after its period ends.
    With `as_at` (a month), only the years known by then are kept (see `lines_known_by`), each
    still drawn over its own year: the March 2017 report shows no year published after it.
    """
    if neighbour_stat not in NEIGHBOUR_STATS:
        raise ValueError(f"neighbour_stat must be one of {NEIGHBOUR_STATS}")
    found = counterpart(indicator_code)
    with store.connect() as con:
        own = _own_lines(con, indicator_code)
        if found is None or found.unit == "count":
            return lines_known_by(own, as_at)
        area = council_area_in(con)
        values = measure_values_in(con, found.key, None)
    national = _national_lines(values, area, found, neighbour_stat)
    frames = [f for f in (national, own) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=LINE_COLUMNS)
    return lines_known_by(pd.concat(frames, ignore_index=True)[LINE_COLUMNS], as_at)


def lines_known_by(lines: pd.DataFrame | None, as_at: dt.date | None) -> pd.DataFrame:
    """The comparator lines a month could know: years published by the end of `as_at`.

    For callers that hold every year already (read once, drawn for several months); with no
    month, every year is kept.
    """
    if lines is None:
        return pd.DataFrame(columns=LINE_COLUMNS)
    if as_at is None or lines.empty:
        return lines
    month = as_at.replace(day=1)
    return lines[[known_by(p, month) for p in lines["published"]]].reset_index(drop=True)


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
                symbol_convention="gss",
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
    lines["source"] = lines["source"].map(plain_source)  # the publication, not file or column
    spans = [cmp.period_span(int(y), found.period_basis) for y in lines["year"]]
    lines["start"] = [s for s, _ in spans]
    lines["end"] = [e for _, e in spans]
    lines["year"] = lines["year"].astype(int)
    lines["segment"] = cmp.segments(lines["year"], found.series_break_year)
    lines["break_before"] = lines["year"] == (found.series_break_year or -1)
    symbols, conventions = lines["symbol"].tolist(), lines["symbol_convention"].tolist()
    lines["symbol_meaning"] = [
        cmp.symbol_meaning(sym, conv) for sym, conv in zip(symbols, conventions, strict=True)
    ]
    lines["label"] = [
        f"{s} {p}: {cmp.display_value(v, sym, found.unit, found.decimals, conv)}"
        + (f" ({n} of {len(area.neighbour_codes)} with a figure)" if _partial(n, area) else "")
        for s, p, v, sym, conv, n in zip(
            lines["series"],
            lines["period_label"],
            lines["value"],
            lines["symbol"],
            conventions,
            lines["neighbours_with_figure"],
            strict=True,
        )
    ]
    lines["published"] = [_published(found.key, int(y)) for y in lines["year"]]
    lines["order"] = lines["kind"].map({"england": 0, "region": 1, "neighbours": 2})
    return lines.sort_values(["order", "year"], ignore_index=True)[LINE_COLUMNS]


def _own_lines(con: Connection, indicator_code: str) -> pd.DataFrame:
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
    rows["published"] = [add_months(end, 1) for end in rows["end"]]  # no date is recorded
    rows["label"] = [
        f"{s} {p}: {cmp.display_value(v, sym, ind.unit, ind.decimals)}"
        for s, p, v, sym in zip(
            rows["series"], rows["period_label"], rows["value"], rows["symbol"], strict=True
        )
    ]
    return rows[LINE_COLUMNS]


def _published(key: str, year: int) -> dt.date | None:
    found = publication(key, year)
    return found.month if found else None


def _partial(with_figure: object, area: CouncilArea) -> bool:
    """True for a neighbour average taken over fewer than all the neighbours."""
    if with_figure is None or pd.isna(with_figure):
        return False
    return int(cast(int, with_figure)) < len(area.neighbour_codes)


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
