"""One mapping row's figures from a LAIT extract: its measure's rows, rounded, or their complement.

LAIT stores each figure as a double printed to 17 significant digits (`64.900000000000006` is
the 64.9 LAIT shows, `9.6000000000000014` the 9.6), so each figure is rounded to the measure's
decimal places in `data/benchmarks/mapping.csv`, the places LAIT publishes it with (the
dictionary's `dps` where it gives one; see data/dfe/README.md). Rounding at those places
removes the noise and nothing else: a test holds every published figure to it.

A mapping column written `100 - SHORT_DESC` takes the complement of a published percentage:
LAIT publishes care leavers the council is *not* in touch with, the dashboard shows those it
is. A symbol stays the symbol (100 minus a suppressed figure is not a figure).
"""

from __future__ import annotations

import re

import pandas as pd

from etl.benchmarks.dfe_files import parse_cells
from etl.benchmarks.mapping import MappingRow

_COMPLEMENT = re.compile(r"^\s*100\s*-\s*(.+?)\s*$")


def lait_measure(column: str) -> tuple[str, bool]:
    """(LAIT short_desc, whether the mapping takes 100 minus it) for a mapping column."""
    found = _COMPLEMENT.match(column)
    return (found.group(1), True) if found else (column.strip(), False)


def lait_cells(
    frame: pd.DataFrame, mask: pd.Series, row: MappingRow, file_name: str
) -> tuple[pd.Series, tuple[pd.Series, pd.Series, pd.Series], str]:
    """(the mask narrowed to the row's measure, (value, symbol, blank), how the source names it).

    `frame` is a LAIT extract read as text (`read_table`); `mask` the rows in scope so far.
    """
    short_desc, complement = lait_measure(row.column)
    mask = mask & (frame["short_desc"] == short_desc)
    value, symbol, blank = parse_cells(frame.loc[mask, "value"], file_name, "value")
    if complement:
        value = 100 - value
    value = value.round(row.decimals)
    shown = f"100 - {short_desc}" if complement else short_desc
    return mask, (value, symbol, blank), shown
