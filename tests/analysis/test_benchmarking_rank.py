"""Rank, quartile band and neighbours on small hand-made tables: ties, both polarities,
suppressed figures. Bands follow LAIT's `calculate_quartile_band` exactly (each band includes its
upper cut point), worked at every cut point for both polarities."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.benchmarking import (
    NO_POLARITY,
    Quartiles,
    national_position,
    neighbour_summary,
    quartile_band,
    quartile_points,
    rank_councils,
)

NAN = float("nan")


def councils(values: dict[str, float], symbols: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per council, plus England and a region that must never be ranked."""
    symbols = symbols or {}
    rows = [
        {
            "geographic_level": "Local authority",
            "area_code": code,
            "area_name": f"Council {code}",
            "value": value,
            "symbol": symbols.get(code),
        }
        for code, value in values.items()
    ]
    rows += [
        {"geographic_level": "National", "area_code": "E92000001", "area_name": "England",
         "value": 1.0, "symbol": None},
        {"geographic_level": "Regional", "area_code": "E12000003", "area_name": "Region",
         "value": 99.0, "symbol": None},
    ]  # fmt: skip
    return pd.DataFrame(rows)


# Seven councils with figures, a tie at 20, and one suppressed ('c').
TABLE = councils(
    {"101": 10, "102": 20, "103": 20, "104": 30, "105": 40, "106": NAN, "107": 50, "108": 60},
    symbols={"106": "c"},
)


def ranks(polarity: str) -> dict[str, int | None]:
    ranked = rank_councils(TABLE, polarity)
    return {
        c: None if pd.isna(r) else int(r)
        for c, r in zip(ranked.area_code, ranked["rank"], strict=True)
    }


def bands(polarity: str) -> dict[str, str | None]:
    ranked = rank_councils(TABLE, polarity)
    return dict(zip(ranked.area_code, ranked.band, strict=True))


def test_lower_is_better_ranks_smallest_first_and_ties_share_the_lowest_number():
    assert ranks("lower") == {
        "101": 1, "102": 2, "103": 2, "104": 4, "105": 5, "107": 6, "108": 7, "106": None,
    }  # fmt: skip


def test_higher_is_better_ranks_largest_first_and_ties_share_the_lowest_number():
    assert ranks("higher") == {
        "108": 1, "107": 2, "105": 3, "104": 4, "102": 5, "103": 5, "101": 7, "106": None,
    }  # fmt: skip


def test_england_and_regions_are_never_ranked():
    assert set(rank_councils(TABLE, "lower").area_code) == {f"10{i}" for i in range(1, 9)}


def test_quartiles_ignore_suppressed_figures():
    # [10, 20, 20, 30, 40, 50, 60] by linear interpolation: 20, 30 and 45.
    assert quartile_points(TABLE.loc[TABLE.geographic_level == "Local authority", "value"]) == (
        Quartiles(20.0, 30.0, 45.0)
    )


def test_bands_for_lower_is_better_follow_lait_a_figure_on_a_cut_point_takes_the_better_band():
    # cut points 20, 30 and 45: 20 is A (<= Q1), 30 is B (<= median)
    assert bands("lower") == {
        "101": "A", "102": "A", "103": "A", "104": "B", "105": "C", "107": "D", "108": "D",
        "106": None,
    }  # fmt: skip


def test_bands_for_higher_is_better_follow_lait_a_figure_on_a_cut_point_takes_the_worse_band():
    # cut points 20, 30 and 45: 30 (the median) is C, not B; 20 (Q1) is D, not C
    assert bands("higher") == {
        "108": "A", "107": "A", "105": "B", "104": "C", "102": "D", "103": "D", "101": "D",
        "106": None,
    }  # fmt: skip


# LAIT's calculate_quartile_band with cut points Q1 = 2, median = 3, Q3 = 4:
#   polarity Low:  [min, Q1] A, (Q1, median] B, (median, Q3] C, (Q3, max] D
#   polarity High: [min, Q1] D, (Q1, median] C, (median, Q3] B, (Q3, max] A
QUARTILES = Quartiles(2.0, 3.0, 4.0)
LAIT_WORKED_EXAMPLES = [
    # value, band when lower is better, band when higher is better
    (1.0, "A", "D"),
    (2.0, "A", "D"),  # on Q1
    (2.0001, "B", "C"),
    (3.0, "B", "C"),  # on the median
    (3.0001, "C", "B"),
    (4.0, "C", "B"),  # on Q3
    (4.0001, "D", "A"),
    (5.0, "D", "A"),
]


@pytest.mark.parametrize(("value", "lower", "higher"), LAIT_WORKED_EXAMPLES)
def test_a_figure_at_and_either_side_of_each_cut_point_gets_laits_band(
    value: float, lower: str, higher: str
) -> None:
    assert quartile_band(value, QUARTILES, "lower") == lower
    assert quartile_band(value, QUARTILES, "higher") == higher


def test_councils_tied_at_the_national_maximum_are_in_band_b_as_lait_gives_them():
    """Higher is better, two of five councils at 100: Q3 is 100, and band A is only above Q3."""
    full_marks = councils({"101": 100.0, "102": 100.0, "103": 90.0, "104": 80.0, "105": 70.0})
    ranked = rank_councils(full_marks, "higher").set_index("area_code")
    assert ranked.loc[["101", "102"], "band"].tolist() == ["B", "B"]
    assert ranked.loc[["101", "102"], "rank"].tolist() == [1, 1]
    assert ranked.loc[["103", "104", "105"], "band"].tolist() == ["C", "D", "D"]  # on the median


def test_the_same_ties_at_the_national_minimum_are_band_a_when_lower_is_better():
    few_cases = councils({"101": 70.0, "102": 70.0, "103": 80.0, "104": 90.0, "105": 100.0})
    ranked = rank_councils(few_cases, "lower").set_index("area_code")
    assert ranked.loc[["101", "102", "103", "104", "105"], "band"].tolist() == list("AABCD")


def test_national_position_of_a_council_with_a_tie():
    position = national_position(TABLE, "103", "lower")
    assert (position.value, position.rank, position.ranked, position.band) == (20.0, 2, 7, "A")
    assert position.top_quartile_threshold == 20.0
    assert position.reason == ""
    higher = national_position(TABLE, "103", "higher")
    assert (higher.rank, higher.band, higher.top_quartile_threshold) == (5, "D", 45.0)


def test_a_suppressed_council_has_no_rank_and_says_why():
    position = national_position(TABLE, "106", "lower")
    assert (position.rank, position.band, position.value) == (None, None, None)
    assert position.ranked == 7
    assert "'c'" in position.reason
    assert position.top_quartile_threshold == 20.0


def test_a_council_missing_from_the_table_has_no_rank():
    position = national_position(TABLE, "999", "higher")
    assert position.rank is None and "no figure" in position.reason


def test_no_polarity_means_no_rank_band_or_threshold():
    position = national_position(TABLE, "101", "neither")
    assert (position.rank, position.band, position.top_quartile_threshold) == (None, None, None)
    assert position.reason == NO_POLARITY
    assert position.value == 10.0
    assert rank_councils(TABLE, "neither")["rank"].isna().all()


def test_nobody_with_a_figure_gives_no_quartiles():
    empty = councils({"101": NAN, "102": NAN}, symbols={"101": "x", "102": "c"})
    position = national_position(empty, "101", "lower")
    assert (position.ranked, position.quartiles, position.top_quartile_threshold) == (0, None, None)


def test_neighbour_mean_and_median_use_only_neighbours_with_figures():
    summary = neighbour_summary(TABLE, ["102", "106", "105", "108"], "lower")
    assert (summary.neighbours, summary.with_values) == (4, 3)
    assert summary.mean == pytest.approx(40.0)
    assert summary.median == 40.0
    assert summary.without_values == ("Council 106",)
    assert (summary.best_code, summary.best_name, summary.best_value) == ("102", "Council 102", 20)


def test_best_neighbour_for_higher_is_better_and_ties_go_to_the_closer_neighbour():
    assert neighbour_summary(TABLE, ["104", "108", "107"], "higher").best_code == "108"
    assert neighbour_summary(TABLE, ["103", "102", "101"], "lower").best_code == "101"
    assert neighbour_summary(TABLE, ["103", "102"], "lower").best_code == "103"


def test_neighbours_without_any_figures_or_polarity():
    none = neighbour_summary(TABLE, ["106", "404"], "lower")
    assert (none.mean, none.median, none.best_code, none.with_values) == (None, None, None, 0)
    assert none.without_values == ("Council 106", "404")
    context = neighbour_summary(TABLE, ["101", "102"], "neither")
    assert context.mean == 15.0 and context.best_code is None and context.reason == NO_POLARITY


def test_inputs_are_checked_at_the_door():
    with pytest.raises(ValueError, match="polarity must be one of"):
        rank_councils(TABLE, "up")
    with pytest.raises(ValueError, match="area_code and value"):
        rank_councils(pd.DataFrame({"code": ["1"]}), "lower")
    with pytest.raises(ValueError, match="each council may appear once"):
        rank_councils(councils({"101": 1.0}).pipe(lambda f: pd.concat([f, f])), "lower")


@given(st.lists(st.one_of(st.integers(0, 40).map(float), st.just(NAN)), min_size=1, max_size=30))
def test_rank_is_one_plus_the_number_of_councils_strictly_better(values):
    table = councils({str(100 + i): v for i, v in enumerate(values)})
    figures = [v for v in values if not math.isnan(v)]
    for polarity, better in (("lower", float.__lt__), ("higher", float.__gt__)):
        ranked = rank_councils(table, polarity)
        for value, rank in zip(ranked["value"], ranked["rank"], strict=True):
            if math.isnan(value):
                assert pd.isna(rank)
            else:
                assert rank == 1 + sum(better(other, value) for other in figures)
        best = ranked.iloc[0]
        if figures and polarity == "lower":
            assert best["rank"] == 1 and best["band"] == "A"  # the minimum is never above Q1
        elif figures:  # higher: the best is A exactly when it is above Q3, else B, C or D
            q3 = quartile_points(pd.Series(figures)).q3
            assert best["rank"] == 1 and (best["band"] == "A") == (best["value"] > q3)
