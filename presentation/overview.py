"""The Overview page's model: everything it draws for one month, built once per data version.

The page itself only issues Streamlit calls (`pages/overview.py`); this module turns the
scorecards of the month and the month before, and the latest national figures, into the
headline, one section per family (the scorecard as HTML for a laptop and as cards for a
phone, the national comparisons, and which indicators to link to) and the captions that
explain missing comparators. `ui.cached.overview_model` keeps the result per (database,
data version, month) for every session (issue 17: a committee opening the Overview
together gets one computation, not thirty).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analysis.headline import Headline, build_headline
from analysis.scorecard import LOCAL_MEASURE, NOT_LOADED, benchmark_table, display_table
from core.catalogue import Catalogue, Family
from core.periods import long_label
from etl.benchmarks.sources import plain_source
from presentation.scorecard_html import (
    plain_table_html,
    scorecard_cards_html,
    scorecard_table_html,
)

BENCHMARK_HELP = {
    "Quartile band": "Where the council's published figure falls among all councils in "
    "England, by quarter: A is the best quarter, whichever way is better",
    "Neighbours (mean)": "The mean of the council's ten statistical neighbours with a figure "
    "(DfE statistical-neighbour model)",
}


@dataclass(frozen=True)
class FamilySection:
    """One family's part of the Overview."""

    family: Family
    rows: pd.DataFrame  # `display_table` rows: the words every format shows
    table_html: str
    cards_html: str
    benchmarks: pd.DataFrame  # the national figures shown (empty: none published)
    benchmarks_html: str
    captions: tuple[str, ...]  # why some indicators have no national figure beside them
    links: tuple[tuple[str, str], ...]  # (code, indicator label) for each chart link


@dataclass(frozen=True)
class OverviewModel:
    month: dt.date
    headline: Headline
    sections: tuple[FamilySection, ...]


def _captions(rows: pd.DataFrame) -> tuple[str, ...]:
    local = rows[rows["Comparison"] == LOCAL_MEASURE]
    not_loaded = rows[rows["Comparison"] == NOT_LOADED]
    out = []
    if not not_loaded.empty:
        out.append(
            "The DfE publishes national figures for "
            + "; ".join(not_loaded["Indicator"])
            + ", but none are loaded in this database yet. A director can load the DfE's "
            "files on the Upload figures page."
        )
    if not local.empty:
        many = len(local) > 1
        out.append(
            "No national comparator exists for "
            + "; ".join(local["Indicator"])
            + (": these are local measures" if many else ": this is a local measure")
            + ", not collected nationally."
        )
    return tuple(out)


def build_overview(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    benchmarks: pd.DataFrame,
    cat: Catalogue,
    as_at: dt.date,
    before: dt.date,
) -> OverviewModel:
    """The Overview for `as_at` from its scorecard, last month's and the latest benchmarks."""
    headline = build_headline(current, previous, cat, as_at, before)
    table = display_table(current, cat)
    national = benchmark_table(benchmarks, cat)
    sections = []
    for family in cat.families:
        codes = [i.code for i in cat.in_family(family.key)]
        rows = table[table["code"].isin(codes)].reset_index(drop=True)
        if rows.empty:
            continue
        mine = national[national["code"].isin(codes)]
        compared = mine[mine["Published year"] != ""].drop(columns=["code"])
        # The publication in words, not the import's file and column (issue 16 §5).
        compared = compared.assign(Source=[plain_source(str(x)) for x in compared["Source"]])
        shown = rows.drop(columns=["code"])
        sections.append(
            FamilySection(
                family=family,
                rows=rows,
                table_html=scorecard_table_html(
                    shown, f"{family.title}: figures as at {long_label(as_at)}"
                ),
                cards_html=scorecard_cards_html(shown),
                benchmarks=compared.reset_index(drop=True),
                benchmarks_html=plain_table_html(
                    compared,
                    f"{family.title}: the latest published national figures",
                    BENCHMARK_HELP,
                )
                if not compared.empty
                else "",
                captions=_captions(mine),
                links=tuple(zip(rows["code"], rows["Indicator"], strict=True)),
            )
        )
    return OverviewModel(month=as_at, headline=headline, sections=tuple(sections))
