"""The DfE's own distance figures as comparators (issue 12 §3, second bullet).

SFR 50/2017's underlying data gives, per authority at 31 March 2017, children placed 20 miles or
less from home inside (CLA_InLA_LTE20) and outside (CLA_OutLA_LTE20) the council boundary. For
the model council (Rotherham, 372): 253 + 137 = 390 of 487 looked-after children within 20 miles,
80.1%, against England's 74.2% (37,930 + 15,970 of 72,670); and 137 of the 228 placed outside
the boundary within 20 miles, 60.1%. The tables for 2013 to 2016 give no distance.
"""

from __future__ import annotations

import datetime as dt

import pytest

from analysis import comparators as cmp
from etl.benchmarks.chart_lines import comparator_lines, comparator_note
from etl.benchmarks.comparison import comparison
from etl.benchmarks.latest import latest_benchmarks
from etl.benchmarks.published import counterpart, measure_values
from etl.store.database import Store

OOA = "DFE_LAC_OUTSIDE_WITHIN_20MI"  # the DfE's definition, benchmarking LAC_OOA_20MI


def figures(store: Store, key: str) -> dict[tuple[int, str], tuple[float, object]]:
    frame = measure_values(store, key)
    return {
        (int(r.year), str(r.area_code)): (r.value, r.symbol) for r in frame.itertuples(index=False)
    }


def test_all_looked_after_children_within_20_miles_at_31_march_2017(bench: Store) -> None:
    found = figures(bench, "LAC_20MI")
    council, _ = found[(2017, "372")]
    england, _ = found[(2017, "E92000001")]
    assert council == pytest.approx(100 * 390 / 487)
    assert england == pytest.approx(100 * (37930 + 15970) / 72670)
    assert cmp.format_figure(council, "percent", 1) == "80.1%"
    assert cmp.format_figure(england, "percent", 1) == "74.2%"
    assert {year for year, _ in found} == {2017}  # no distance in the 2013 to 2016 tables


def test_children_placed_outside_the_boundary_within_20_miles(bench: Store) -> None:
    found = figures(bench, OOA)
    council, _ = found[(2017, "372")]
    assert council == pytest.approx(100 * 137 / 228)
    assert cmp.format_figure(council, "percent", 1) == "60.1%"
    assert counterpart("LAC_OOA_20MI").key == OOA
    assert counterpart("LAC_20MI").key == "LAC_20MI"


def test_a_suppressed_count_suppresses_the_percentage_with_the_sfr_meaning(bench: Store) -> None:
    # North Yorkshire (815), 31 March 2017: CLA_OutLA_LTE20 is 'x' (1 to 5, suppressed)
    assert figures(bench, OOA)[(2017, "815")] == (pytest.approx(float("nan"), nan_ok=True), "x")
    value, symbol = figures(bench, "LAC_20MI")[(2017, "815")]  # the sum has an 'x' part
    assert value != value and symbol == "x"  # no figure (NaN), only the symbol
    sfr = measure_values(bench, "LAC_20MI", 2017)
    assert set(sfr["symbol_convention"]) == {"sfr"}


def test_the_comparison_reads_as_the_papers_would(bench: Store) -> None:
    c = comparison(bench, "LAC_20MI", 2017)
    assert c.sentence.startswith(
        "At 31 March 2017, Rotherham's figure for looked-after children placed within 20 miles "
        "was 80.1%, better than England (74.2%)"
    )
    assert "CLA_InLA_LTE20 + CLA_OutLA_LTE20" in c.source
    ooa = comparison(bench, OOA, 2017)
    assert ooa.council_value == pytest.approx(100 * 137 / 228)
    assert "CLA_OutLA_LTE20 / CLA_Outbound" in ooa.source


def test_the_scorecard_and_charts_get_them_once_published(bench: Store) -> None:
    latest = latest_benchmarks(bench).set_index("code")
    assert latest.loc["LAC_20MI", "council"] == pytest.approx(100 * 390 / 487)
    assert latest.loc["LAC_OOA_20MI", "council"] == pytest.approx(100 * 137 / 228)
    march = latest_benchmarks(bench, as_at=dt.date(2017, 3, 1)).set_index("code")
    assert march.loc["LAC_20MI", "note"] == "No DfE figure had been published by March 2017"
    december = latest_benchmarks(bench, as_at=dt.date(2017, 12, 1)).set_index("code")
    assert december.loc["LAC_OOA_20MI", "period_label"] == "at 31 March 2017"
    lines = comparator_lines(bench, "LAC_20MI")
    england = lines[lines["kind"] == "england"]
    assert list(england["year"]) == [2017]
    assert england["label"].iloc[0] == "England at 31 March 2017: 74.2%"
    assert comparator_note("LAC_20MI", lines).startswith("Comparators: DfE published figures")
