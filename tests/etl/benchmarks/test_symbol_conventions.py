"""A symbol means what its own file says (issue 12 §4).

In the DfE's SFR tables of 2013-2017 an `x` is a count of 1 to 5, suppressed, and `..` is "not
available" (SFR50_2017_MetaData.txt, line 19); in DfE open data (tidy EES files) an `x` is "not
available". Each stored figure keeps the convention of the file it came from, and every place a
symbol is put into words uses it.
"""

from __future__ import annotations

import dataclasses

from analysis import comparators as cmp
from etl.benchmarks.comparison import comparison, comparison_in
from etl.benchmarks.published import council_area, measure_values
from etl.store.database import Store

SFR_X = "1 to 5, suppressed"


def test_an_x_reads_by_the_convention_of_its_source() -> None:
    assert cmp.display_value(None, "x", "count", 0, "sfr").startswith(f"x ({SFR_X}")
    assert cmp.display_value(None, "x", "count", 0, "gss") == "x (not available)"
    assert cmp.display_value(None, "x", "count", 0) == "x (not available)"
    assert cmp.symbol_meaning("..", "sfr") == "not available"
    assert cmp.symbol_meaning("c", "sfr") == cmp.symbol_meaning("c", "gss")


def test_each_stored_figure_keeps_the_convention_of_the_file_it_came_from(bench: Store) -> None:
    # City of London's children placed outside its boundary at 31 March 2017: 'x' in SFR50
    sfr = measure_values(bench, "DFE_LAC_OUTSIDE_BOUNDARY", 2017).set_index("area_code")
    assert sfr.loc["201", "symbol"] == "x"
    assert set(sfr["symbol_convention"]) == {"sfr"}
    # Hackney's re-referrals in 2021/22: 'x' (not available) in the tidy CIN file
    tidy = measure_values(bench, "REREF_12M", 2022).set_index("area_code")
    assert tidy.loc["204", "symbol"] == "x"
    assert set(tidy["symbol_convention"]) == {"gss"}


def test_a_comparison_names_the_meanings_its_source_uses(bench: Store) -> None:
    sfr = comparison(bench, "DFE_LAC_OUTSIDE_BOUNDARY", 2017)
    assert sfr.symbol_convention == "sfr"
    assert sfr.symbol_meanings["x"].startswith(SFR_X)
    assert sfr.symbol_meanings[".."] == "not available"
    assert "SFR tables" in sfr.symbol_source
    tidy = comparison(bench, "REREF_12M", 2022)
    assert tidy.symbol_convention == "gss"
    assert tidy.symbol_meanings["x"] == "not available"
    assert tidy.display((None, "x")) == "x (not available)"
    assert sfr.display((None, "x")).startswith(f"x ({SFR_X}")


def test_a_neighbour_with_an_x_is_described_in_its_files_words(bench: Store) -> None:
    """The neighbour table reads an SFR x as '1 to 5, suppressed', a tidy x as 'not available'."""
    area = council_area(bench)
    with_city = dataclasses.replace(area, neighbour_codes=("201",), neighbour_names=("City",))
    with_hackney = dataclasses.replace(area, neighbour_codes=("204",), neighbour_names=("Hackney",))
    with bench.connect() as con:
        sfr = comparison_in(con, "DFE_LAC_OUTSIDE_BOUNDARY", 2017, area=with_city)
        tidy = comparison_in(con, "REREF_12M", 2022, area=with_hackney)
    city = sfr.bars.set_index("area_code").loc["201"]
    assert city["display"].startswith(f"x ({SFR_X}") and city["symbol_meaning"].startswith(SFR_X)
    hackney = tidy.bars.set_index("area_code").loc["204"]
    assert hackney["display"] == "x (not available)"
