"""Issue 13 §2: only the sheets a director can see are read, and the preview says which.

A hidden (or very hidden) sheet named `data` used to be loaded in place of the
visible sheet the director had checked. Each test writes the workbook with openpyxl.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.roles import User
from etl.cli.main import main
from etl.ingest.load import commit, prepare, preview
from etl.ingest.problems import Invalid
from etl.store.database import Store
from etl.store.queries import current_values
from tests.etl.ingest.hostile_files import LONG, snapshot, workbook
from ui.upload_flow import check_upload

TODAY = dt.date(2017, 6, 15)
DIRECTOR = User("Dee Director", "dee@council.gov.uk", "director")
CHECKED = ("Figures", [LONG, ["LAC_COUNT", "2016-04", "", 410]])  # what the director looked at
PLANTED = ("data", [LONG, ["LAC_COUNT", "2016-04", "", 9999]])  # what they never saw
TARGETS_HEADER = ["indicator", "effective from", "target"]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "cyps.duckdb")
    commit(store, prepare("a.xlsx", workbook([CHECKED]), today=dt.date(2016, 5, 1)), "dee")
    return store


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_data_sheet_is_refused_not_read_in_place_of_the_visible_one(
    store: Store, state: str
) -> None:
    content = workbook([CHECKED, PLANTED], hidden={"data": state})
    before = snapshot(store)
    check = check_upload(store, DIRECTOR, "planted.xlsx", content)
    assert not check.ok and len(check.problems) == 1
    problem = check.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("data", None, "")
    assert "hidden" in problem.message and "not read" in problem.message
    if state == "veryHidden":
        assert "Unhide menu does not show" in problem.message
    assert snapshot(store) == before
    assert 9999 not in current_values(store)["value"].tolist()


def test_a_hidden_targets_sheet_is_refused(store: Store) -> None:
    targets = ("targets", [TARGETS_HEADER, ["REF_24H", "2016-04", 10]])
    with pytest.raises(Invalid) as refused:
        prepare("t.xlsx", workbook([CHECKED, targets], hidden={"targets": "hidden"}), today=TODAY)
    assert [(p.sheet, "hidden" in p.message) for p in refused.value.problems] == [("targets", True)]


def test_a_hidden_helper_sheet_is_left_alone_and_the_visible_sheet_is_read(store: Store) -> None:
    lookup = ("lookup", [["code"], ["LAC_COUNT"]])
    content = workbook([lookup, CHECKED], hidden={"lookup": "hidden"})
    prepared = prepare("helper.xlsx", content, today=TODAY)
    assert prepared.sheet == "Figures"
    assert prepared.observations["value"].tolist() == [410]


def test_the_preview_says_which_sheet_was_read(store: Store) -> None:
    targets = ("targets", [TARGETS_HEADER, ["REF_24H", "2016-04", 97]])
    pv = preview(store, prepare("two.xlsx", workbook([CHECKED, targets]), today=TODAY))
    assert pv.prepared.read_from == (
        "Read figures from the sheet 'Figures' (long layout), and targets from the sheet 'targets'."
    )
    csv = b"indicator,period,value\r\nLAC_COUNT,2016-05,415\r\n"
    assert preview(store, prepare("may.csv", csv, today=TODAY)).prepared.read_from == (
        "Read figures from the CSV file (long layout)."
    )


def test_the_command_line_says_which_sheet_it_read(store: Store, tmp_path: Path, capsys) -> None:
    path = tmp_path / "may.xlsx"
    path.write_bytes(workbook([("Figures", [LONG, ["LAC_COUNT", "2016-05", "", 415]])]))
    assert main(["load", "--db", str(store.path), str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("may.xlsx: submission 2 loaded: 1 new")
    assert out.strip().endswith("Read figures from the sheet 'Figures' (long layout).")


def test_the_command_line_refuses_a_hidden_data_sheet(store: Store, tmp_path: Path, capsys) -> None:
    path = tmp_path / "planted.xlsx"
    path.write_bytes(workbook([CHECKED, PLANTED], hidden={"data": "veryHidden"}))
    before = snapshot(store)
    assert main(["load", "--db", str(store.path), str(path)]) == 1
    assert "sheet 'data': is hidden in a way Excel's Unhide menu" in capsys.readouterr().err
    assert snapshot(store) == before
