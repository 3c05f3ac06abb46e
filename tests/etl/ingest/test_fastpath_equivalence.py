"""The column-wise shortcut for plainly valid rows gives exactly what the full checker gives.

The cells include hostile ones (infinity, decimal commas, months before the first
financial year, values over an indicator's bound, team names with invisible
characters), so both routes are shown to refuse, or store, them alike.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.catalogue import catalogue
from etl.ingest.layouts import LONG_COLUMNS, Entry, Located
from etl.ingest.validate import SheetChecker
from etl.ingest.workbook import Sheet

TODAY = dt.date(2017, 6, 15)


def mostly(valid: list[object], odd: list[object]) -> st.SearchStrategy[object]:
    """Valid cells most of the time, so whole rows are often valid and the shortcut is used."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(odd))


indicator_cells = mostly(
    [
        "REFERRALS",
        "REF_24H",
        "ref_24h",
        "Re-referrals within 12 months",
        "CASELOAD_AVG",
        "LAC_DISTANCE",
        "LAC_COUNT",
    ],
    ["BOGUS", "", None, "n/a", 5.0, True],
)
period_cells = mostly(
    ["2015-04", "Apr-15", dt.date(2015, 5, 1), dt.datetime(2015, 6, 3), 42095.0],
    ["2099-01", "Aprl 15", "", None, dt.date(2017, 7, 1), False, "1916-04", "Apr-30", 36251.0],
)
value_cells = st.one_of(
    st.sampled_from([0.0, -0.0, 100.0, 100.05, 100.5, 101.0, -0.5, 22.5, 1.5, 3.0, 150.0]),
    st.floats(min_value=-5, max_value=150, allow_nan=False).map(lambda v: round(v, 1)),
    st.integers(min_value=-3, max_value=120).map(float),
    st.sampled_from(["", None, "n/a", "-", "..", "37%", "1,234", "abc", True, float("nan")]),
    st.sampled_from([float("inf"), -float("inf"), 182.0, 5000.0, 20000.0, 1e9]),
    st.sampled_from(["18,2", "1,2,3,4", "1E+309", "inf", "12 345", "1 2"]),
)
breakdown_cells = mostly(
    [None, "", "Team A", "over 100 miles", "Under 20 miles", "Duty and Assessment"],
    ["n/a", "Nowhere", 3.0, "team  a", "Team\u00a0A", "Team\u200bA", "duty and ASSESSMENT"],
)
ratio_cells = mostly([None, ""], [10.0, 0.0, "x", -3.0, "1,5", float("inf")])
comment_cells = mostly([None, "", "note"], ["n/a", " padded ", 4.0])


@st.composite
def sheets(draw: st.DrawFn) -> Located:
    count = draw(st.integers(min_value=0, max_value=25))
    entries = [
        Entry(
            row0=r + 1,
            indicator=draw(indicator_cells),
            period=draw(period_cells),
            value=draw(value_cells),
            value_col=3,
            period_row0=r + 1,
            period_col=1,
            breakdown=draw(breakdown_cells),
            numerator=draw(ratio_cells),
            denominator=draw(ratio_cells),
            commentary=draw(comment_cells),
        )
        for r in range(count)
    ]
    percent = {(e.row0, 3) for e in entries if draw(st.booleans()) and draw(st.booleans())}
    header = list(LONG_COLUMNS)
    rows = [header, *([""] * 7 for _ in entries)]
    sheet = Sheet("data", rows, percent_cells=percent)
    columns = {name: i for i, name in enumerate(header)}
    return Located(sheet, "long", entries, columns, 0)


def run(located: Located, shortcut: bool):
    import etl.ingest.fastpath as fastpath

    original = fastpath.fast_accept
    if not shortcut:
        fastpath.fast_accept = lambda loc, *_rules: (
            pd.DataFrame(),
            np.arange(0),
            np.arange(len(loc.entries)),
        )
    try:
        return SheetChecker(located, catalogue(), TODAY).check()
    finally:
        fastpath.fast_accept = original


@settings(max_examples=300, deadline=None)
@given(sheets())
def test_shortcut_and_full_checker_agree(located: Located) -> None:
    fast, slow = run(located, True), run(located, False)
    assert fast.problems == slow.problems
    assert fast.skipped == slow.skipped
    columns = [*LONG_COLUMNS, "row"]
    left = fast.observations[columns].reset_index(drop=True).astype(object)
    right = slow.observations[columns].reset_index(drop=True).astype(object)
    pd.testing.assert_frame_equal(left.where(left.notna(), None), right.where(right.notna(), None))
