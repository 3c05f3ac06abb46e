"""Which teams a chart and table show when an indicator holds more than the cap (issue 13 §1)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.breakdowns import choose_breakdowns, left_out_sentence, only_shown

MARCH, FEBRUARY = dt.date(2017, 3, 1), dt.date(2017, 2, 1)


def _parts(rows: list[tuple[dt.date, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "breakdown", "value"])


TEAMS = _parts(
    [
        (MARCH, "", 20.0),  # the whole authority: never a team
        (MARCH, "Bravo", 30.0),
        (MARCH, "Alpha", 30.0),
        (MARCH, "Charlie", 10.0),
        (MARCH, "Delta", 25.0),
        (MARCH, "Echo", None),  # a row with no figure this month
        (FEBRUARY, "Echo", 99.0),
        (FEBRUARY, "Foxtrot", 50.0),
        (dt.date(2017, 1, 1), "Golf", 60.0),
    ]
)


def test_where_lower_is_better_the_highest_latest_figures_come_first_ties_by_name() -> None:
    choice = choose_breakdowns(TEAMS, "lower", 3)
    assert choice.shown == ("Alpha", "Bravo", "Delta")
    assert (choice.total, choice.left_out, choice.latest) == (7, 4, MARCH)


def test_where_higher_is_better_the_lowest_figures_come_first() -> None:
    assert choose_breakdowns(TEAMS, "higher", 2).shown == ("Charlie", "Delta")


def test_where_neither_direction_is_better_the_largest_figures_come_first() -> None:
    assert choose_breakdowns(TEAMS, "neither", 1).shown == ("Alpha",)


def test_teams_without_a_figure_in_the_latest_month_follow_the_most_recent_first_then_by_name() -> (
    None
):
    choice = choose_breakdowns(TEAMS, "lower", 10)
    assert choice.shown == ("Alpha", "Bravo", "Delta", "Charlie", "Echo", "Foxtrot", "Golf")
    assert choice.left_out == 0


def test_every_team_is_shown_and_nothing_said_when_there_are_no_more_than_the_cap() -> None:
    choice = choose_breakdowns(TEAMS, "lower", 7)
    assert choice.left_out == 0
    assert left_out_sentence(choice) is None


def test_an_indicator_with_no_teams_shows_none() -> None:
    choice = choose_breakdowns(_parts([(MARCH, "", 5.0)]), "lower", 50)
    assert (choice.shown, choice.total, choice.latest) == ((), 0, None)


def test_the_sentence_says_how_many_were_shown_left_out_and_where_the_rest_are() -> None:
    many = _parts([(MARCH, f"Team {i:04d}", float(i)) for i in range(1392)])
    sentence = left_out_sentence(choose_breakdowns(many, "lower", 50))
    assert sentence == (
        "Showing 50 of 1,392 teams: those with the highest figures in March 2017 (lower is "
        "better here), then any without a figure that month. The other 1,342 teams are left "
        "out of this chart and table; every one is in the Download figures page's files."
    )


def test_only_shown_drops_the_left_out_teams_of_that_indicator_alone() -> None:
    frame = pd.DataFrame(
        {
            "indicator": ["A", "A", "A", "A", "B"],
            "breakdown": ["", "Alpha", "Charlie", "Golf", "Golf"],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    kept = only_shown(frame, "A", choose_breakdowns(TEAMS, "lower", 3))
    assert list(zip(kept["indicator"], kept["breakdown"], strict=True)) == [
        ("A", ""),
        ("A", "Alpha"),
        ("B", "Golf"),
    ]
