"""A plan workbook is checked whole: every problem by sheet, Excel row, column and value."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.ingest.plan_load import is_plan_file, prepare_plan
from etl.ingest.problems import FileRefused, Invalid
from tests.plan_workbooks import HEADER, SNAPSHOT_JAN_2016, plan_xlsx
from tests.workbooks import xlsx

D = dt.date
GOOD = ("1.1", "Front door", "Open the MASH", "Head of MASH", D(2016, 3, 1), "On track")


def problems_of(content: bytes) -> list[tuple[str, int | None, str, str]]:
    with pytest.raises(Invalid) as refused:
        prepare_plan("plan.xlsx", content)
    return [(p.sheet, p.row, p.column, p.value) for p in refused.value.problems]


def test_a_good_plan_is_read_with_its_dates_codes_and_rows() -> None:
    prepared = prepare_plan("plan.xlsx", plan_xlsx(SNAPSHOT_JAN_2016))
    actions = prepared.actions.set_index("ref")
    assert len(actions) == 7 and prepared.sheet == "actions"
    assert actions.loc["1", "due"] == D(2015, 11, 1)
    assert actions.loc["1", "completed"] == D(2015, 11, 20)
    assert actions.loc["3", "indicators"] == "REF_24H, REREF_12M"
    assert actions.loc["7", "row"] == 8  # as Excel numbers it: the header is row 1


def test_every_problem_is_reported_at_once_and_nothing_is_kept() -> None:
    rows = [
        ("1", "A", "x", "Lead", D(2016, 3, 1), "Done", None, "REF_24H, NOPE"),
        ("1", "A", "y", "", "Foo 2016", "on track", "32/13/2016"),
        ("2", "", "z", "Lead", "2016-02", "Complete"),
    ]
    assert problems_of(plan_xlsx(rows)) == [
        ("actions", 2, "F (status)", "Done"),
        ("actions", 2, "H (indicators)", "NOPE"),
        ("actions", 3, "A (ref)", "1"),
        ("actions", 3, "D (lead)", ""),
        ("actions", 3, "E (due)", "Foo 2016"),
        ("actions", 3, "G (completed)", "32/13/2016"),
        ("actions", 4, "B (theme)", ""),
    ]


def test_the_messages_say_what_to_do() -> None:
    rows = [
        ("1", "A", "x", "Lead", D(2016, 3, 1), "Finished"),
        ("1", "A", "y", "L", "2016-03", "Complete"),
    ]
    with pytest.raises(Invalid) as refused:
        prepare_plan("plan.xlsx", plan_xlsx(rows))
    described = [p.describe() for p in refused.value.problems]
    assert (
        "choose one of: Not started, On track, At risk, Off track, Complete, Withdrawn"
        in (described[0])
    )
    assert "same ref as row 2" in described[1]


def test_headers_match_ignoring_case_spaces_and_underscores_and_statuses_ignore_case() -> None:
    header = ["REF", "Theme", "Action ", "LEAD", "Due", "Status", "Completed", "Indi_cators"]
    rows = [("9", "T", "x", "L", "Mar-16", "off  track", "", "ref_24h")]
    actions = prepare_plan("plan.xlsx", plan_xlsx(rows, header=header)).actions
    assert actions.loc[0, "status"] == "Off track"
    assert actions.loc[0, "indicators"] == "REF_24H"
    assert actions.loc[0, "due"] == D(2016, 3, 1)


def test_a_missing_required_column_names_it() -> None:
    header = ["ref", "theme", "action", "due", "status"]
    assert problems_of(plan_xlsx([("1", "T", "x", "2016-03", "On track")], header=header)) == [
        ("actions", 1, "", "")
    ]


def test_a_complete_action_without_its_date_is_only_a_warning() -> None:
    prepared = prepare_plan("plan.xlsx", plan_xlsx(SNAPSHOT_JAN_2016))
    assert len(prepared.warnings) == 1
    assert "Action 6 (row 7) is Complete but has no completed date" in prepared.warnings[0]


def test_a_workbook_without_an_actions_sheet_is_not_a_plan() -> None:
    content = xlsx([["indicator", "period", "value"]])
    assert not is_plan_file("figures.xlsx", content)
    assert is_plan_file("plan.xlsx", plan_xlsx([GOOD]))
    with pytest.raises(Invalid, match="problem"):
        prepare_plan("figures.xlsx", content)


def test_a_hidden_actions_sheet_is_refused_not_read() -> None:
    assert problems_of(plan_xlsx([GOOD], state="hidden")) == [("actions", None, "", "")]


def test_an_empty_actions_sheet_says_it_has_no_actions() -> None:
    assert problems_of(plan_xlsx([])) == [("actions", None, "", "")]


def test_blank_rows_between_actions_are_skipped() -> None:
    rows = [
        GOOD,
        (),
        ("1.2", "Front door", "Train partners", "Head of MASH", "2016-04", "Not started"),
    ]
    assert list(prepare_plan("plan.xlsx", plan_xlsx(rows)).actions["row"]) == [2, 4]


def test_a_file_that_is_not_a_workbook_is_refused_in_a_sentence() -> None:
    with pytest.raises(FileRefused):
        prepare_plan("plan.xlsx", b"")


def test_the_column_order_does_not_matter() -> None:
    header = list(reversed(HEADER))
    row = tuple(reversed((*GOOD, None, "", "")))
    actions = prepare_plan("plan.xlsx", plan_xlsx([row], header=header)).actions
    assert actions.loc[0, ["ref", "status"]].tolist() == ["1.1", "On track"]
