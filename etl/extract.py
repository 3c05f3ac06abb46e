"""Filtered extracts of current figures, for officers' reports and returns.

The command line's `extract` and the extract page both call `extract_frame`
with the same `ExtractFilter`, so the same filters always give the same rows.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import pandas as pd

from analysis.rag import RAG_WORDS, rag, with_targets
from etl.catalogue import Catalogue, catalogue
from etl.export_safety import neutralise_frame
from etl.periods import format_period
from etl.queries import current_values, targets
from etl.store import Store

EXTRACT_COLUMNS = [
    "indicator",
    "indicator_name",
    "period",
    "breakdown",
    "value",
    "unit",
    "target",
    "rag",
    "commentary",
    "submission_id",
]


@dataclass(frozen=True)
class ExtractFilter:
    indicators: tuple[str, ...] = ()  # empty: every indicator
    first: dt.date | None = None
    last: dt.date | None = None
    breakdowns: tuple[str, ...] = ()  # empty: all; '' whole authority; else exact values
    extra: dict = field(default_factory=dict, compare=False)


def extract_frame(store: Store, flt: ExtractFilter, cat: Catalogue | None = None) -> pd.DataFrame:
    """One row per indicator, period and breakdown, with name, unit, target and RAG."""
    cat = cat or catalogue()
    values = current_values(store, flt.indicators or None, flt.first, flt.last)
    if flt.breakdowns:
        values = values[values["breakdown"].isin(flt.breakdowns)]
    if values.empty:
        return pd.DataFrame(columns=EXTRACT_COLUMNS)
    values = with_targets(values, targets(store, cat))
    info = {i.code: i for i in cat.indicators}
    values["indicator_name"] = values["indicator"].map(lambda c: info[c].name)
    values["unit"] = values["indicator"].map(lambda c: info[c].unit)
    values["rag"] = [
        RAG_WORDS[rag(v, t, a, info[c].polarity)] if info[c].polarity != "neither" else ""
        for c, v, t, a in zip(
            values["indicator"],
            values["value"],
            values["target"],
            values["amber_tolerance"],
            strict=True,
        )
    ]
    values["period"] = values["period"].map(format_period)
    order = {code: n for n, code in enumerate(cat.codes)}
    values = values.sort_values(
        ["indicator", "breakdown", "period"],
        key=lambda s: s.map(order) if s.name == "indicator" else s,
    )
    return values[EXTRACT_COLUMNS].reset_index(drop=True)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark so Excel opens it correctly; formula-like text neutralised."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(frame).to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()
