"""The extract workbook's layout: a typed data sheet, the definitions and the about sheet.

Percentages are stored as fractions in Excel's percent format (37.0% is 0.37), months as dates,
and every text cell is neutralised so a file edited and re-saved in Excel stays safe. The sheets
are written by etl.outputs.xlsx_writer.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.catalogue import Catalogue
from etl.outputs.export_safety import DANGEROUS_STARTS, neutralise
from etl.outputs.xlsx_cells import Column, Sheet
from etl.outputs.xlsx_writer import write_xlsx

DATE_FORMAT = "mmm yyyy"
HEADER_WIDTHS = {
    "indicator": 18,
    "indicator_name": 44,
    "period": 11,
    "breakdown_type": 16,
    "breakdown": 24,
    "value": 11,
    "unit": 9,
    "target": 10,
    "rag": 12,
    "numerator": 11,
    "denominator": 12,
    "commentary": 40,
    "submission_id": 13,
    "submission_file": 40,
    "submitted_by": 30,
}


def number_format(unit: str, decimals: int) -> str:
    """Excel format for a figure: percent format for percentages, thousands for the rest."""
    places = "." + "0" * decimals if decimals > 0 else ""
    if unit == "percent":
        return f"0{places}%"
    return f"#,##0{places}"


def _figures(
    values: pd.Series, units: pd.Series, formats: list[str]
) -> tuple[list[object], list[str | None]]:
    """Percentages divided by 100 (so Excel's percent format shows 37.0%); text stays text."""
    out: list[object] = []
    fmts: list[str | None] = []
    for value, unit, fmt in zip(values, units, formats, strict=True):
        if isinstance(value, str):
            out.append(neutralise(value))
            fmts.append(None)
        elif value is None or pd.isna(value):
            out.append(None)
            fmts.append(fmt)
        else:
            out.append(float(value) / 100 if unit == "percent" else float(value))
            fmts.append(fmt)
    return out, fmts


def _text_values(values: pd.Series) -> list[object]:
    """Text cells, neutralised; empty text (the whole authority's breakdown) as an empty cell."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    made = [
        None if text == "" else "'" + text if text.startswith(DANGEROUS_STARTS) else text
        for text in map(str, uniques)
    ]
    return np.array([*made, None], dtype=object)[codes].tolist()


def _data_sheet(rows: pd.DataFrame, cat: Catalogue) -> Sheet:
    info = {i.code: i for i in cat.indicators}
    units = rows["indicator"].map(lambda c: info[c].unit)
    formats = [number_format(info[c].unit, info[c].decimals) for c in rows["indicator"]]
    columns = []
    for name in rows.columns:
        series = rows[name]
        if name == "period":
            column = Column(name, list(series), DATE_FORMAT)
        elif name in ("value", "target", "spc_mean", "spc_lower", "spc_upper"):
            values, fmts = _figures(series, units, formats)
            column = Column(name, values, fmts)
        elif name in ("numerator", "denominator"):
            column = Column(name, [None if pd.isna(v) else float(v) for v in series], "#,##0")
        elif name == "submission_id":
            column = Column(name, [int(v) for v in series], "0")
        else:
            column = Column(name, _text_values(series))
        column.width = HEADER_WIDTHS.get(name, 14)
        columns.append(column)
    return Sheet("data", columns)


def _definitions_sheet(codes: list[str], cat: Catalogue) -> Sheet:
    chosen = [cat.get(c) for c in codes]
    fields = [
        ("indicator", 18, lambda i: i.code),
        ("name", 40, lambda i: i.name),
        ("family", 24, lambda i: cat.family(i.family).title),
        ("unit", 9, lambda i: i.unit),
        ("good_performance_is", 22, lambda i: i.better),
        ("breakdown", 16, lambda i: cat.breakdown_labels.get(i.breakdown, "Whole authority only")),
        ("definition", 60, lambda i: i.definition),
        ("why_it_matters", 50, lambda i: i.why_it_matters),
        ("official_definition", 60, lambda i: i.official_definition),
        ("source", 36, lambda i: i.source),
        ("national_comparison", 50, lambda i: i.comparator_note),
        (
            "suppressed_when_published",
            16,
            lambda i: "Yes: counts children" if i.counts_children else "No",
        ),
    ]
    columns = [
        Column(name, [neutralise(get(i)) for i in chosen], width=width, wrap=width >= 36)
        for name, width, get in fields
    ]
    return Sheet("definitions", columns)


def _about_sheet(about: list[tuple[str, str]]) -> Sheet:
    return Sheet(
        "about",
        [
            Column("item", [neutralise(k) for k, _ in about], width=26),
            Column("detail", [neutralise(v) for _, v in about], width=100, wrap=True),
        ],
        auto_filter=False,
    )


def extract_workbook(
    rows: pd.DataFrame,
    published: bool,
    about: list[tuple[str, str]],
    cat: Catalogue,
    created: dt.datetime | None = None,
) -> bytes:
    """The three sheets the issue asks for: data (typed), definitions, about."""
    codes = list(dict.fromkeys(rows["indicator"])) if not rows.empty else []
    title = "CYPS Performance published extract" if published else "CYPS Performance extract"
    return write_xlsx(
        [_data_sheet(rows, cat), _definitions_sheet(codes, cat), _about_sheet(about)],
        title=title,
        creator="CYPS Performance",
        created=created,
    )
