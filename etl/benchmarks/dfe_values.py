"""Published figures out of a DfE file, through the mapping rows that apply to it.

`read_values` reads one tidy, LAIT or SFR file into one row per measure, year and area, exactly
as published (symbols kept), adding columns the mapping joins with '+' and deriving a percentage
where it gives a denominator.
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
from etl.benchmarks.lait_values import lait_cells
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


def _summed(
    frame: pd.DataFrame, mask: pd.Series, spec: str, file_name: str, measure: str
) -> tuple[tuple[pd.Series, pd.Series, pd.Series], str]:
    """One mapping column, or several joined by '+' added up, and how the source names them.

    A sum with a suppressed or unavailable part is not a figure: it keeps the first part's
    symbol (children within 20 miles inside the boundary plus those outside it, say, when
    either count is 'x'). A blank part leaves the sum blank.
    """
    names = [_column(frame, name.strip(), file_name, measure) for name in spec.split("+")]
    parts = [parse_cells(frame.loc[mask, name], file_name, name) for name in names]
    value, symbol, blank = parts[0]
    for more_value, more_symbol, more_blank in parts[1:]:
        value = value + more_value
        symbol = symbol.where(symbol.notna(), more_symbol)
        blank = blank | more_blank
    symbol = symbol.astype(object).where(symbol.notna(), None)
    return (value, symbol, blank), " + ".join(names)


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
        owned = years.map(row.owns_year)
        if not owned.any():  # a row for later years (2017's distance columns, say)
            continue
        mask = in_scope & owned
        for column, value in row.filters:
            mask &= frame[_column(frame, column, path.name, row.measure)] == value
        if kind == "lait":  # rounded to the measure's places; '100 - X' is a complement
            mask, parsed, source_column = lait_cells(frame, mask, row, path.name)
        else:
            year = int(years.iloc[0]) if kind == "sfr_cla" else None
            parsed, source_column = _summed(
                frame, mask, row.column_for(year), path.name, row.measure
            )
            if row.denominator:
                den_column = _column(frame, row.denominator_for(year), path.name, row.measure)
                den = parse_cells(frame.loc[mask, den_column], path.name, den_column)
                parsed = _derived_percent(parsed, den)
                shown = f"({source_column})" if "+" in source_column else source_column
                source_column = f"100 x {shown} / {den_column}"
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
    if not parts:
        raise BenchmarkFileError(
            f"{path.name}: no row of data/benchmarks/mapping.csv for it covers its year "
            f"({', '.join(sorted(set(years.astype(str))))}); add one, or widen a row's years."
        )
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
