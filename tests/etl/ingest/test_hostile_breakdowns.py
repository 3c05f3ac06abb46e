"""Issue 13 §2: one team is one team, however its name is typed.

`Duty and Assessment`, `duty and assessment`, `Duty  and Assessment` and versions
with a non-breaking or zero-width space used to become separate teams, with
conflicting figures for one month. Names are cleaned, matched to the council's list
(`[breakdowns] team` in data/settings.toml), variants in one file are duplicates,
and names never seen before are flagged on the page and refused on the command line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.roles import User
from core.settings import settings
from etl.cli.main import main
from etl.ingest.breakdowns import clean, name_key
from etl.ingest.load import commit, prepare, preview
from etl.ingest.problems import Invalid
from etl.store.database import Store
from etl.store.queries import current_values
from tests.etl.ingest.hostile_files import LONG, snapshot
from tests.workbooks import csv_bytes, xlsx
from ui.upload_flow import check_upload

TODAY = dt.date(2017, 6, 15)
DIRECTOR = User("Dee Director", "dee@council.gov.uk", "director")
TEAM = "Duty and Assessment"
VARIANTS = [
    "duty and assessment",
    "Duty  and Assessment",
    "Duty\u00a0and Assessment",  # non-breaking space
    "Duty and\u200b Assessment",  # zero-width space
    "\ufeffDUTY AND ASSESSMENT ",  # byte-order mark and a trailing space
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "cyps.duckdb")


def test_the_council_list_of_teams_is_in_the_settings() -> None:
    assert TEAM in settings()["breakdowns"]["team"]


def test_every_variant_of_a_listed_team_is_stored_as_the_listed_name(store: Store) -> None:
    months = [f"2016-{m:02d}" for m in range(1, len(VARIANTS) + 1)]
    rows = [
        ["CASELOAD_AVG", m, v, 20 + n]
        for n, (m, v) in enumerate(zip(months, VARIANTS, strict=True))
    ]
    commit(store, prepare("teams.xlsx", xlsx([LONG, *rows]), today=TODAY), "dee")
    assert set(current_values(store)["breakdown"]) == {TEAM}


def test_variants_of_one_name_in_one_month_are_duplicates(store: Store) -> None:
    rows = [["CASELOAD_AVG", "2016-04", TEAM, 20.0]] + [
        ["CASELOAD_AVG", "2016-04", v, 21.0 + n] for n, v in enumerate(VARIANTS)
    ]
    with pytest.raises(Invalid) as refused:
        prepare("conflict.xlsx", xlsx([LONG, *rows]), today=TODAY)
    problems = refused.value.problems
    assert [p.row for p in problems] == [3, 4, 5, 6, 7]
    assert all(f"({TEAM}) is given twice: also on row 2" in p.message for p in problems)
    assert snapshot(store) == ([], [])


def test_variants_of_a_new_name_share_its_first_spelling_and_are_duplicates_too() -> None:
    rows = [
        ["CASELOAD_AVG", "2016-04", "Edge of Care", 20.0],
        ["CASELOAD_AVG", "2016-05", "edge  of\u00a0care", 21.0],
        ["CASELOAD_AVG", "2016-05", "EDGE OF CARE", 22.0],
    ]
    with pytest.raises(Invalid) as refused:
        prepare("new.csv", csv_bytes([LONG[:4], *rows]), today=TODAY)
    [problem] = refused.value.problems
    assert problem.row == 4 and "(Edge of Care) is given twice: also on row 3" in problem.message


def test_names_are_cleaned_of_format_characters_and_any_unicode_space() -> None:
    assert clean("Duty\u2003and\u200d\u00a0Assessment\u2060") == TEAM
    assert name_key(" duty_and  ASSESSMENT") == name_key(TEAM)


def test_a_new_team_is_flagged_in_the_preview_and_a_known_or_stored_one_is_not(
    store: Store,
) -> None:
    rows = [
        ["CASELOAD_AVG", "2016-04", "Edge of Care", 20.0],
        ["CASELOAD_AVG", "2016-04", TEAM, 19],
    ]
    pv = preview(store, prepare("new.xlsx", xlsx([LONG, *rows]), today=TODAY))
    assert pv.new_breakdowns == ["Edge of Care"]
    assert any("never been loaded before" in w and "'Edge of Care'" in w for w in pv.warnings)
    commit(store, pv.prepared, "dee")
    again = [["CASELOAD_AVG", "2016-05", "edge of care", 21.0]]
    later = preview(store, prepare("next.xlsx", xlsx([LONG, *again]), today=TODAY))
    assert later.new_breakdowns == []  # stored once, it is known...
    commit(store, later.prepared, "dee")  # ...and another file's spelling takes the stored one
    assert set(current_values(store)["breakdown"]) == {"Edge of Care", TEAM}


def test_the_page_loads_a_new_team_after_its_warning(store: Store) -> None:
    content = xlsx([LONG, ["CASELOAD_AVG", "2016-04", "Edge of Care", 20.0]])
    check = check_upload(store, DIRECTOR, "new.xlsx", content)
    assert check.ok and check.preview.new_breakdowns == ["Edge of Care"]


def test_the_command_line_refuses_a_new_team_unless_allowed(
    store: Store, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "new.xlsx"
    path.write_bytes(xlsx([LONG, ["CASELOAD_AVG", "2016-04", "Edge of Care", 20.0]]))
    db = str(store.path)
    assert main(["load", "--db", db, str(path)]) == 1
    err = capsys.readouterr().err
    assert "new.xlsx: warning: 1 breakdown name(s) have never been loaded before" in err
    assert "refused, nothing was loaded" in err and "--allow-new-breakdowns" in err
    assert snapshot(store) == ([], [])
    assert main(["load", "--db", db, "--allow-new-breakdowns", str(path)]) == 0
    assert current_values(store)["breakdown"].tolist() == ["Edge of Care"]
