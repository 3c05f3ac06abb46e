"""Every rule a director's file must meet: each refusal names sheet, row, column and value.

Each test writes a real file (openpyxl or CSV text) and runs the same `prepare`
that the upload page and the command line use.
"""

from __future__ import annotations

import datetime as dt

import pytest

from etl.ingest.load import prepare
from etl.ingest.problems import Invalid, Problem
from tests.workbooks import LONG_HEADER, csv_bytes, xlsx

TODAY = dt.date(2017, 6, 15)


def problems_in(content: bytes, name: str = "return.xlsx") -> list[Problem]:
    with pytest.raises(Invalid) as err:
        prepare(name, content, today=TODAY)
    return err.value.problems


def only_problem(content: bytes, name: str = "return.xlsx") -> Problem:
    found = problems_in(content, name)
    assert len(found) == 1, [p.describe() for p in found]
    return found[0]


def long_file(*rows: list[object]) -> bytes:
    return xlsx([LONG_HEADER, *rows])


def test_a_correct_file_loads_every_figure() -> None:
    prepared = prepare(
        "return.xlsx",
        long_file(
            ["REF_24H", dt.date(2015, 4, 1), None, 37.5, 75, 200, "Inspection month"],
            ["Re-referrals within 12 months", "Apr-15", None, 24.1],
            ["CASELOAD_AVG", "May 2015", "Duty team", 21.5],
            ["LAC_DISTANCE", "01/05/2015", "over 100 miles", 8],
        ),
        today=TODAY,
    )
    frame = prepared.observations
    assert list(frame["indicator"]) == ["REF_24H", "REREF_12M", "CASELOAD_AVG", "LAC_DISTANCE"]
    assert list(frame["value"]) == [37.5, 24.1, 21.5, 8.0]
    assert list(frame["breakdown"]) == ["", "", "Duty team", "Over 100 miles"]
    assert frame["commentary"].iloc[0] == "Inspection month"
    assert prepared.layout == "long"


def test_unknown_indicator_is_named_with_its_cell() -> None:
    problem = only_problem(long_file(["REF_48H", "2015-04", None, 50]))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "data",
        2,
        "A (indicator)",
        "REF_48H",
    )
    assert "not an indicator" in problem.message


def test_value_that_is_not_a_number() -> None:
    problem = only_problem(long_file(["REFERRALS", "2015-04", None, "about 300"]))
    assert (problem.row, problem.column, problem.value) == (2, "D (value)", "about 300")
    assert "not a number" in problem.message


@pytest.mark.parametrize("value", [100.5, -0.1])
def test_percentage_outside_0_to_100(value: float) -> None:
    problem = only_problem(long_file(["REF_24H", "2015-04", None, value]))
    assert "outside 0 to 100" in problem.message


def test_negative_count() -> None:
    problem = only_problem(long_file(["LAC_COUNT", "2015-04", None, -4]))
    assert "negative" in problem.message and problem.value == "-4"


def test_count_must_be_whole() -> None:
    assert "whole number" in only_problem(long_file(["LAC_COUNT", "2015-04", None, 4.5])).message


def test_same_indicator_period_and_breakdown_twice() -> None:
    problem = only_problem(
        long_file(["REFERRALS", "2015-04", None, 300], ["REFERRALS", "Apr 2015", None, 301])
    )
    assert problem.row == 3 and "also on row 2" in problem.message


def test_same_figure_for_different_breakdowns_is_not_a_duplicate() -> None:
    prepared = prepare(
        "r.xlsx",
        long_file(
            ["CASELOAD_AVG", "2015-04", "Team A", 20], ["CASELOAD_AVG", "2015-04", "Team B", 21]
        ),
        today=TODAY,
    )
    assert len(prepared.observations) == 2


def test_unreadable_period() -> None:
    problem = only_problem(long_file(["REFERRALS", "Aprl 2015", None, 300]))
    assert problem.column == "B (period)" and "cannot be read as a month" in problem.message


def test_period_in_the_future() -> None:
    problem = only_problem(long_file(["REFERRALS", "2017-07", None, 300]))
    assert "in the future" in problem.message


def test_missing_required_column() -> None:
    problem = only_problem(xlsx([["indicator", "period", "amount"], ["REFERRALS", "2015-04", 3]]))
    assert problem.row == 1 and "'value'" in problem.message


def test_no_data_rows() -> None:
    problem = only_problem(xlsx([LONG_HEADER]))
    assert "no figures" in problem.message


def test_formula_cell_with_no_saved_value() -> None:
    problem = only_problem(long_file(["REFERRALS", "2015-04", None, "=SUM(E2:F2)"]))
    assert problem.column == "D (value)" and "formula" in problem.message


def test_numerator_and_denominator_must_agree_with_the_value() -> None:
    problem = only_problem(long_file(["REF_24H", "2015-04", None, 40, 75, 200]))
    assert "does not agree" in problem.message and "37.50" in problem.message


def test_numerator_and_denominator_agree_at_the_precision_given() -> None:
    prepared = prepare(
        "r.xlsx", long_file(["REF_24H", "2015-04", None, 36.7, 97, 264]), today=TODAY
    )  # 97/264 = 36.74%
    assert prepared.observations["value"].iloc[0] == 36.7


def test_breakdown_not_allowed_for_whole_authority_indicator() -> None:
    problem = only_problem(long_file(["REF_24H", "2015-04", "North", 50]))
    assert "no breakdowns" in problem.message


def test_distance_band_must_be_one_of_the_catalogue_bands() -> None:
    problem = only_problem(long_file(["LAC_DISTANCE", "2015-04", "Over 200 miles", 2]))
    # The bands are named as the DfE writes them since issue 12 (was "Under 20 miles").
    assert "20 miles or less" in problem.message


def test_every_problem_is_listed_not_just_the_first() -> None:
    found = problems_in(
        long_file(
            ["BOGUS", "2015-04", None, 1],
            ["REF_24H", "2099-01", None, 50],
            ["REFERRALS", "2015-04", None, "lots"],
            ["REFERRALS", "2015-05", None, 250],
        )
    )
    assert [p.row for p in found] == [2, 3, 4]


@pytest.mark.parametrize("marker", [None, "", "n/a", "-", "..", "N/A"])
def test_missing_markers_are_skipped_and_counted_never_stored_as_zero(marker: object) -> None:
    prepared = prepare(
        "r.xlsx",
        long_file(["REFERRALS", "2015-04", None, 300], ["REFERRALS", "2015-05", None, marker]),
        today=TODAY,
    )
    assert list(prepared.observations["value"]) == [300.0]
    assert prepared.skipped == 1


def test_percent_formatted_cell_is_read_as_percent_points() -> None:
    content = xlsx([LONG_HEADER, ["REF_24H", "2015-04", None, 0.37]], formats={"D2": "0%"})
    assert prepare("r.xlsx", content, today=TODAY).observations["value"].iloc[0] == 37.0


def test_custom_percent_format_and_percent_text() -> None:
    content = xlsx(
        [LONG_HEADER, ["REF_24H", "2015-04", None, 0.375], ["REF_24H", "2015-05", None, "37%"]],
        formats={"D2": "0.0%"},
    )
    assert list(prepare("r.xlsx", content, today=TODAY).observations["value"]) == [37.5, 37.0]


def test_headers_match_ignoring_case_spaces_and_underscores() -> None:
    content = xlsx(
        [
            ["  Indicator ", "PERIOD", "Team", "Value", "Com_Mentary"],
            ["CASELOAD_AVG", "2015-04", "Duty", 19.5, "note"],
        ]
    )
    frame = prepare("r.xlsx", content, today=TODAY).observations
    assert frame["breakdown"].iloc[0] == "Duty" and frame["commentary"].iloc[0] == "note"


@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_or_without_byte_order_mark(bom: bool) -> None:
    rows = [["indicator", "period", "value"], ["REFERRALS", "Apr-15", '"1,234"']]
    content = csv_bytes(rows, bom)
    prepared = prepare("return.csv", content, today=TODAY)
    assert prepared.observations["value"].iloc[0] == 1234.0


def test_csv_problems_name_the_file_as_the_sheet() -> None:
    content = csv_bytes([["indicator", "period", "value"], ["REFERRALS", "Apr-15", "x1"]])
    problem = only_problem(content, "return.csv")
    assert problem.sheet == "return.csv" and problem.row == 2


def test_problem_description_reads_as_a_sentence() -> None:
    problem = only_problem(long_file(["REFERRALS", "2015-04", None, "lots"]))
    assert problem.describe().startswith("sheet 'data', row 2, column D (value): is not a number")
