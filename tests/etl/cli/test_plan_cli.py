"""`python -m etl plan ...`: the plan's command-line twin, its exit codes and hand-counted status.

The plan in `tests.plan_workbooks` was counted by hand. As at January 2016 (its own snapshot):
Alpha has a1 Complete, a2 due December (overdue), a3 At risk due January (the month itself: not
overdue), a4 Withdrawn (not counted); Beta has b1 Off track due March, b2 Complete, b3 Not
started due September 2015 (overdue). As at April 2016 a2 is complete, a3 slipped to April (the
month itself again), b1 is now overdue, b3 was withdrawn and b4 added. March 2016 has no
snapshot of its own, so it counts January's actions against March: a3 is overdue by then, and
b1, due in March, is not.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from etl.cli.main import main
from etl.store.audit import events
from etl.store.database import Store
from etl.store.plan_snapshots import snapshots
from tests.plan_workbooks import SNAPSHOT_APR_2016, SNAPSHOT_JAN_2016, plan_xlsx

HEADER = ["theme", "actions", "complete", "percent_complete", "overdue", "at_risk_or_off_track"]
EXPECTED = {
    "2016-01": [
        ["Alpha", "3", "1", "33.3", "1", "1"],
        ["Beta", "3", "1", "33.3", "1", "1"],
        ["All themes", "6", "2", "33.3", "2", "2"],
    ],
    "2016-03": [
        ["Alpha", "3", "1", "33.3", "2", "1"],
        ["Beta", "3", "1", "33.3", "1", "1"],
        ["All themes", "6", "2", "33.3", "3", "2"],
    ],
    "2016-04": [
        ["Alpha", "3", "2", "66.7", "0", "1"],
        ["Beta", "3", "1", "33.3", "1", "1"],
        ["All themes", "6", "3", "50.0", "1", "2"],
    ],
}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "plan.duckdb")


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.fixture
def loaded(db: str, tmp_path: Path, capsys) -> str:
    jan = write(tmp_path, "jan.xlsx", plan_xlsx(SNAPSHOT_JAN_2016))
    apr = write(tmp_path, "apr.xlsx", plan_xlsx(SNAPSHOT_APR_2016))
    assert main(["plan", "load", "--db", db, "--as-at", "2016-01", jan]) == 0
    assert main(["plan", "load", "--db", db, "--as-at", "2016-04", apr]) == 0
    capsys.readouterr()
    return db


def status_rows(db: str, month: str | None, capsys) -> list[list[str]]:
    args = ["plan", "status", "--db", db, "--format", "csv"]
    assert main([*args, "--as-at", month] if month else args) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == HEADER
    return rows[1:]


@pytest.mark.parametrize("month", ["2016-01", "2016-03", "2016-04"])
def test_status_matches_the_hand_counted_plan(loaded: str, month: str, capsys) -> None:
    assert status_rows(loaded, month, capsys) == EXPECTED[month]


def test_status_without_a_month_counts_the_latest_snapshot(loaded: str, capsys) -> None:
    assert status_rows(loaded, None, capsys) == EXPECTED["2016-04"]


def test_status_as_a_table_names_the_month_and_the_snapshot_used(loaded: str, capsys) -> None:
    assert main(["plan", "status", "--db", loaded, "--as-at", "2016-03"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "Improvement plan as at March 2016 (snapshot as at January 2016)"
    )
    assert "All themes" in out and "33.3" in out


def test_status_can_be_written_to_a_file(loaded: str, tmp_path: Path, capsys) -> None:
    target = tmp_path / "status.csv"
    args = ["plan", "status", "--db", loaded, "--format", "csv", "--output", str(target)]
    assert main(args) == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[1:] == EXPECTED["2016-04"]


def test_status_before_the_first_snapshot_is_refused_in_a_sentence(loaded: str, capsys) -> None:
    assert main(["plan", "status", "--db", loaded, "--as-at", "2015-12"]) == 1
    assert "first improvement plan snapshot is later than December 2015" in (
        capsys.readouterr().err
    )


def test_load_refuses_a_bad_file_with_every_problem_on_stderr_and_stores_nothing(
    db: str, tmp_path: Path, capsys
) -> None:
    rows = [list(SNAPSHOT_JAN_2016[0]), list(SNAPSHOT_JAN_2016[0])]
    rows[1][5] = "Finished"
    bad = write(tmp_path, "bad.xlsx", plan_xlsx(rows))
    assert main(["plan", "load", "--db", db, "--user", "tester", "--as-at", "2016-01", bad]) == 1
    captured = capsys.readouterr()
    assert "bad.xlsx: refused, nothing was loaded. 2 problem(s):" in captured.err
    assert "sheet 'actions', row 3, column A (ref)" in captured.err
    assert "row 3, column F (status): is not a status" in captured.err
    assert captured.out == ""
    assert snapshots(Store(db)).empty
    refused = events(Store(db), ["upload"]).iloc[0]
    assert (refused["outcome"], refused["username"]) == ("refused", "tester")
    assert "row 3, column F (status)" in refused["detail"]


def test_load_says_what_was_loaded_and_warns_of_a_missing_completion_date(
    db: str, tmp_path: Path, capsys
) -> None:
    jan = write(tmp_path, "jan.xlsx", plan_xlsx(SNAPSHOT_JAN_2016))
    assert main(["plan", "load", "--db", db, "--user", "dee", "--as-at", "Jan 2016", jan]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("jan.xlsx: plan snapshot 1 loaded as at January 2016")
    assert "2 of 6 complete, 2 overdue, 2 at risk or off track" in captured.out
    assert "warning: Action 6 (row 7) is Complete but has no completed date" in captured.err
    assert snapshots(Store(db))["submitted_by"].tolist() == ["dee"]


def test_loading_the_same_file_again_changes_nothing_and_exits_zero(
    loaded: str, tmp_path: Path, capsys
) -> None:
    jan = str(tmp_path / "jan.xlsx")  # the very file the fixture loaded
    assert main(["plan", "load", "--db", loaded, "--as-at", "2016-01", jan]) == 0
    assert "identical to snapshot 1" in capsys.readouterr().out
    assert len(snapshots(Store(loaded))) == 2


def test_load_of_a_missing_file_is_a_sentence(db: str, capsys) -> None:
    assert main(["plan", "load", "--db", db, "--as-at", "2016-01", "nope.xlsx"]) == 1
    assert "'nope.xlsx' does not exist" in capsys.readouterr().err


def test_template_has_the_status_list_as_a_drop_down(tmp_path: Path, capsys) -> None:
    target = tmp_path / "plan.xlsx"
    assert main(["plan", "template", "--output", str(target)]) == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["instructions", "actions", "indicators"]
    sheet = book["actions"]
    assert [c.value for c in sheet[1]] == [
        "ref",
        "theme",
        "action",
        "lead",
        "due",
        "status",
        "completed",
        "indicators",
        "evidence",
    ]
    assert sheet.max_row == 1, "the actions sheet starts empty"
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1 and str(lists[0].sqref).startswith("F2:F")
    assert lists[0].formula1 == '"Not started,On track,At risk,Off track,Complete,Withdrawn"'


def test_a_filled_template_loads(db: str, tmp_path: Path, capsys) -> None:
    target = tmp_path / "plan.xlsx"
    main(["plan", "template", "--output", str(target)])
    book = openpyxl.load_workbook(target)
    for row in SNAPSHOT_JAN_2016:
        book["actions"].append(list(row))
    book.save(target)
    assert main(["plan", "load", "--db", db, "--as-at", "2016-01", str(target)]) == 0


def test_actions_extract_filters_by_status_and_is_injection_safe(
    db: str, tmp_path: Path, capsys
) -> None:
    rows = [list(r) for r in SNAPSHOT_JAN_2016]
    rows[1][2] = '=HYPERLINK("http://evil")'
    rows[4][3] = "@lead"
    plan = write(tmp_path, "jan.xlsx", plan_xlsx(rows))
    main(["plan", "load", "--db", db, "--as-at", "2016-01", plan])
    capsys.readouterr()
    args = ["plan", "actions", "--db", db, "--status", "on track", "--status", "Off track,at risk"]
    assert main(args) == 0
    extract = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["ref"] for r in extract] == ["2", "3", "5"]
    assert extract[0]["action"] == '\'=HYPERLINK("http://evil")'
    assert extract[2]["lead"] == "'@lead"
    assert (extract[0]["overdue"], extract[1]["overdue"], extract[0]["due"]) == (
        "yes",
        "no",
        "2015-12",
    )
    assert events(Store(db), ["extract"]).iloc[0]["outcome"] == "done"


def test_actions_extract_as_excel_keeps_text_as_text(loaded: str, tmp_path: Path, capsys) -> None:
    assert (
        main(["plan", "actions", "--db", loaded, "--format", "xlsx", "--output", str(tmp_path)])
        == 0
    )
    written = tmp_path / "cyps-improvement-plan-2016-04.xlsx"
    sheet = openpyxl.load_workbook(written)["actions"]
    assert sheet["A1"].value == "Improvement plan actions, as at April 2016."
    assert [c.value for c in sheet[2]][:3] == ["as_at", "ref", "theme"]
    assert sheet.max_row == 2 + len(SNAPSHOT_APR_2016)


def test_an_unknown_status_filter_is_a_usage_error(loaded: str, capsys) -> None:
    assert main(["plan", "actions", "--db", loaded, "--status", "Done"]) == 2
    assert "'Done' is not a status" in capsys.readouterr().err


def test_reading_commands_never_create_a_database(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "typo.duckdb"
    assert main(["plan", "status", "--db", str(missing)]) == 1
    assert main(["plan", "actions", "--db", str(missing)]) == 1
    assert not missing.exists()
    assert "There is no database" in capsys.readouterr().err
