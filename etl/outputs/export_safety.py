"""Make exported text safe to open in Excel (OWASP CSV injection guidance).

Text starting with =, +, -, @, a tab, a carriage return or a newline can be run
as a formula by spreadsheet programs. Such text is prefixed with a single quote,
which Excel shows as plain text. Numbers are never touched.
"""

from __future__ import annotations

import pandas as pd

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    return safe
