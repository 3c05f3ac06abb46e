"""Issue 13 §2: never store a figure the file did not mean (numbers).

Each test writes the hostile file (a real .xlsx, its XML edited where Excel would
never write it, or CSV bytes), shows the refusal in a director's words (sheet, row
as Excel numbers it, column, value) or the right stored figure, and shows the
database unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.roles import User
from etl.ingest.load import commit, prepare
from etl.ingest.problems import Invalid, Problem
from etl.store.database import Store
from etl.store.queries import current_values
from tests.etl.ingest.hostile_files import LONG, replace_value, snapshot, workbook
from tests.workbooks import xlsx
from ui.upload_flow import check_upload

TODAY = dt.date(2017, 6, 15)
DIRECTOR = User("Dee Director", "dee@council.gov.uk", "director")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A database already holding figures, so 'unchanged' means something."""
    store = Store(tmp_path / "cyps.duckdb")
    content = xlsx([LONG, ["CASELOAD_AVG", "2016-03", "", 18.4], ["LAC_COUNT", "2016-03", "", 410]])
    commit(store, prepare("march.xlsx", content, today=TODAY), "dee")
    return store


def refused(store: Store, name: str, content: bytes) -> list[Problem]:
    """Check the file as the upload page does; it must be refused and change nothing."""
    before = snapshot(store)
    check = check_upload(store, DIRECTOR, name, content)
    assert not check.ok, "the file should have been refused"
    assert snapshot(store) == before
    return check.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_decimal_comma_is_refused_saying_what_was_read(store: Store) -> None:
    content = xlsx([LONG, ["CASELOAD_AVG", "2016-04", "", "18,2"]])
    problem = only(refused(store, "comma.xlsx", content))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "data",
        2,
        "D (value)",
        "18,2",
    )
    assert "was read as '18,2'" in problem.message and "comma" in problem.message
    assert "18.2" in problem.message  # says how to write it


def test_a_european_semicolon_csv_with_decimal_commas_is_refused(store: Store) -> None:
    content = "indicator;period;value\r\nCASELOAD_AVG;2016-04;18,2\r\n".encode("utf-8-sig")
    problem = only(refused(store, "europe.csv", content))
    assert (problem.row, problem.column, problem.value) == (2, "C (value)", "18,2")
    assert "comma that does not separate thousands" in problem.message


def test_commas_between_single_digits_are_refused_not_joined(store: Store) -> None:
    content = xlsx([LONG, ["LAC_COUNT", "2016-04", "", "1,2,3,4"]])
    problem = only(refused(store, "list.xlsx", content))
    assert problem.value == "1,2,3,4" and "was read as '1,2,3,4'" in problem.message


def test_a_comma_between_thousands_is_stored_as_the_whole_number(store: Store) -> None:
    content = xlsx(
        [LONG, ["REFERRALS", "2016-04", "", "1,234"], ["LAC_COUNT", "2016-04", "", "1 412"]]
    )
    commit(store, prepare("thousands.xlsx", content, today=TODAY), "dee")
    stored = current_values(store).set_index("indicator")["value"]
    assert stored["REFERRALS"] == 1234 and stored["LAC_COUNT"].tolist() == [410, 1412]


def test_infinity_in_a_numeric_cell_is_refused(store: Store) -> None:
    # Excel never writes it; a crafted file can: 1E+309 reads as infinity. CASELOAD_AVG has
    # no lower unit bound beyond zero, so before this rule the shortcut accepted it.
    content = replace_value(xlsx([LONG, ["CASELOAD_AVG", "2016-04", "", 17.25]]), "17.25", "1E+309")
    problem = only(refused(store, "infinite.xlsx", content))
    assert (problem.row, problem.column, problem.value) == (2, "D (value)", "infinity")
    assert "not a figure" in problem.message


def test_infinity_or_nan_typed_as_text_is_refused(store: Store) -> None:
    rows = [["CASELOAD_AVG", "2016-04", "", "1E+309"], ["CASELOAD_AVG", "2016-05", "", "inf"]]
    problems = refused(
        store, "typed.xlsx", xlsx([LONG, *rows, ["LAC_COUNT", "2016-04", "", "nan"]])
    )
    assert [(p.row, p.value) for p in problems] == [(2, "1E+309"), (3, "inf"), (4, "nan")]
    assert "not a figure" in problems[0].message
    assert all("not a number" in p.message for p in problems[1:])


def test_nan_in_a_numeric_cell_is_refused_not_skipped(store: Store) -> None:
    content = replace_value(xlsx([LONG, ["CASELOAD_AVG", "2016-04", "", 17.25]]), "17.25", "NaN")
    problem = only(refused(store, "nan.xlsx", content))
    assert problem.row == 2 and "not a number" in problem.message


def test_an_infinite_target_is_refused(store: Store) -> None:
    content = workbook(
        [
            ("data", [LONG, ["LAC_COUNT", "2016-04", "", 412]]),
            ("targets", [["indicator", "effective from", "target"], ["REF_24H", "2017-04", 96.5]]),
        ]
    )
    content = replace_value(content, "96.5", "1E+309", "xl/worksheets/sheet2.xml")
    problem = only(refused(store, "target.xlsx", content))
    assert (problem.sheet, problem.row, problem.column) == ("targets", 2, "C (target)")
    assert "not a figure" in problem.message


def test_negative_numerators_and_denominators_are_refused(store: Store) -> None:
    # -5 / -10 is 50%, so the agreement check alone would let it through.
    problems = refused(
        store, "negative.xlsx", xlsx([LONG, ["REF_24H", "2016-04", "", 50, -5, -10]])
    )
    assert [(p.column, p.value) for p in problems] == [
        ("E (numerator)", "-5"),
        ("F (denominator)", "-10"),
    ]
    assert all("is negative" in p.message for p in problems)


def test_values_beyond_the_catalogues_bound_are_refused(store: Store) -> None:
    rows = [
        ["CASELOAD_AVG", "2016-04", "Leaving Care", 182.0],  # 18.2 with the point lost
        ["REFERRALS", "2016-04", "", 1_000_000],  # a total pasted in
        ["REF_24H", "2016-04", "", 100.5],
    ]
    problems = refused(store, "bounds.xlsx", xlsx([LONG, *rows]))
    assert [(p.row, p.value) for p in problems] == [(2, "182"), (3, "1000000"), (4, "100.5")]
    assert "more than 100.0, the most CASELOAD_AVG can plausibly be" in problems[0].message
    assert "more than 10,000" in problems[1].message
    assert "outside 0 to 100" in problems[2].message


def test_the_bound_itself_is_accepted(store: Store) -> None:
    prepared = prepare(
        "edge.xlsx", xlsx([LONG, ["CASELOAD_AVG", "2016-04", "", 100.0]]), today=TODAY
    )
    assert prepared.observations["value"].tolist() == [100.0]


def test_the_command_line_refuses_the_same_decimal_comma(
    store: Store, tmp_path: Path, capsys
) -> None:
    from etl.cli.main import main

    path = tmp_path / "comma.xlsx"
    path.write_bytes(xlsx([LONG, ["CASELOAD_AVG", "2016-04", "", "18,2"]]))
    before = snapshot(store)
    assert main(["load", "--db", str(store.path), str(path)]) == 1
    err = capsys.readouterr().err
    assert "sheet 'data', row 2, column D (value): was read as '18,2'" in err
    assert snapshot(store) == before


def test_prepare_raises_invalid_for_a_decimal_comma() -> None:
    with pytest.raises(Invalid) as refused_file:
        prepare("comma.xlsx", xlsx([LONG, ["CASELOAD_AVG", "2016-04", "", "0,5"]]), today=TODAY)
    assert refused_file.value.problems[0].value == "0,5"
