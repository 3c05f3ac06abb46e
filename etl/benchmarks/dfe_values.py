"""Published figures out of a DfE file, through the mapping rows that apply to it.

`read_values` reads one tidy, LAIT or SFR file into one row per measure, year and area, exactly
as published (symbols kept), deriving a percentage where the mapping gives a denominator.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.benchmarks.dfe_files import (
    KIND_DESCRIPTIONS,
    VALUE_COLUMNS,
    BenchmarkFileError,
    detect_kind,
    parse_cells,
    read_table,
)
from etl.benchmarks.dfe_geography import (
    LEVELS,
    lait_geography,
    sfr_geography,
    sfr_year,
    tidy_geography,
    tidy_year,
)
from etl.benchmarks.mapping import MappingRow


def _derived_percent(
    num: tuple[pd.Series, pd.Series, pd.Series], den: tuple[pd.Series, pd.Series, pd.Series]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """100 x numerator / denominator, keeping symbols: a percentage of a suppressed count is
    suppressed too, and a zero denominator gives 'z' (not applicable)."""
    n_val, n_sym, n_blank = num
    d_val, d_sym, d_blank = den
    zero = d_val == 0
    value = (n_val / d_val * 100).where(n_val.notna() & d_val.notna() & ~zero)
    symbol = n_sym.where(n_sym.notna(), d_sym)
    symbol = symbol.where(symbol.notna() | ~(zero & n_val.notna()), "z").astype(object)
    symbol = symbol.where(symbol.notna(), None)
    return value.astype("float64"), symbol, n_blank | d_blank


def _column(frame: pd.DataFrame, name: str, file_name: str, measure: str) -> str:
    """The frame's column called `name`, ignoring case (SFR files spell CLA_OutBound both ways)."""
    for column in frame.columns:
        if column.lower() == name.lower():
            return column
    raise BenchmarkFileError(
        f"{file_name} has no column '{name}', which data/benchmarks/mapping.csv reads for "
        f"{measure}; check the mapping row for this file."
    )


def read_values(
    path: Path | str, rows: tuple[MappingRow, ...], raw: bytes | None = None
) -> tuple[str, pd.DataFrame, int]:
    """Read a published values file through the mapping rows that apply to it.

    Returns the file's kind, a frame with VALUE_COLUMNS (one row per measure, year and area)
    and the number of blank cells skipped (a blank is neither a figure nor a symbol).
    """
    path = Path(path)
    frame = read_table(path, raw)
    kind = detect_kind(list(frame.columns), path.name)
    if kind in ("sn_model", "comparators"):
        raise BenchmarkFileError(f"{path.name} is a {KIND_DESCRIPTIONS[kind]}, not DfE values.")
    applicable = [r for r in rows if r.applies_to(path.name, kind)]
    if not applicable:
        raise BenchmarkFileError(
            f"{path.name} is {KIND_DESCRIPTIONS[kind]} but data/benchmarks/mapping.csv has no "
            "row for it; add one saying which columns feed which measures."
        )
    if kind == "tidy":
        geography = tidy_geography(frame)
        years = tidy_year(frame["time_period"], path.name)
    elif kind == "lait":
        geography = lait_geography(frame)
        years = tidy_year(frame["year"], path.name)
    else:
        geography = sfr_geography(frame)
        years = pd.Series(sfr_year(frame, path.name), index=frame.index)
    in_scope = geography["geographic_level"].isin(LEVELS)

    parts, blanks = [], 0
    for row in applicable:
        mask = in_scope & years.map(row.owns_year)
        for column, value in row.filters:
            mask &= frame[_column(frame, column, path.name, row.measure)] == value
        if kind == "lait":
            mask &= frame["short_desc"] == row.column
            cells = frame["value"]
            parsed = parse_cells(cells[mask], path.name, "value")
            source_column = row.column
        else:
            year = int(years.iloc[0]) if kind == "sfr_cla" else None
            source_column = _column(frame, row.column_for(year), path.name, row.measure)
            parsed = parse_cells(frame.loc[mask, source_column], path.name, source_column)
            if row.denominator:
                den_column = _column(frame, row.denominator_for(year), path.name, row.measure)
                den = parse_cells(frame.loc[mask, den_column], path.name, den_column)
                parsed = _derived_percent(parsed, den)
                source_column = f"100 x {source_column} / {den_column}"
        value, symbol, blank = parsed
        blanks += int(blank.sum())
        keep = ~blank
        part = geography[mask][keep].assign(
            measure=row.measure,
            year=years[mask][keep].astype("int64"),
            value=value[keep],
            symbol=symbol[keep],
            source=f"{row.source} ({path.name}, {source_column})",
        )
        part["period_label"] = part["year"].map(row.period_label)
        parts.append(part[VALUE_COLUMNS])
    values = pd.concat(parts, ignore_index=True)
    key = ["measure", "year", "geographic_level", "area_code"]
    dupes = values.duplicated(key, keep=False)
    if dupes.any():
        first = values[dupes].iloc[0]
        raise BenchmarkFileError(
            f"{path.name} has more than one row for {first['measure']}, {first['area_name']}, "
            f"{first['year']}; add a filter to its row in data/benchmarks/mapping.csv."
        )
    return kind, values, blanks
