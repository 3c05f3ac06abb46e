"""`python -m etl` is the contract for automation: exit codes, a line per file, errors on stderr."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from core.settings import ROOT, SAMPLE_DIR
from etl.cli.main import main
from etl.sample.generate import SAMPLE_FILES
from tests.workbooks import xlsx


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.duckdb")


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_load_prints_one_summary_line_per_file_and_exits_zero(db: str, capsys) -> None:
    files = [str(SAMPLE_DIR / name) for name in SAMPLE_FILES]
    assert main(["load", "--db", db, "--user", "tester", *files]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(files)
    # 601 rows a year since issue 14: the 312 before, 24 new monthly measures (288 rows) and
    # the population figure entered each April (the derived rates are never uploaded)
    assert lines[0].startswith("cyps-sample-2014-15.xlsx: submission 1 loaded: 601 new")
    assert "2 changed" in lines[-1]


def test_load_refuses_a_bad_file_with_errors_on_stderr(db: str, tmp_path: Path, capsys) -> None:
    bad = write(
        tmp_path, "bad.xlsx", xlsx([["indicator", "period", "value"], ["NOPE", "2015-04", 1]])
    )
    assert main(["load", "--db", db, bad]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "refused, nothing was loaded" in captured.err
    assert "row 2, column A (indicator)" in captured.err and "'NOPE'" in captured.err


def test_load_of_a_missing_file_is_a_sentence(db: str, capsys) -> None:
    assert main(["load", "--db", db, "no-such-file.xlsx"]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_reloading_says_nothing_changed(db: str, capsys) -> None:
    first = str(SAMPLE_DIR / SAMPLE_FILES[0])
    main(["load", "--db", db, first])
    capsys.readouterr()
    assert main(["load", "--db", db, first]) == 0
    assert "already loaded. Nothing was changed." in capsys.readouterr().out


def test_extract_writes_the_four_named_columns(db: str, capsys) -> None:
    main(["load", "--db", db, *(str(SAMPLE_DIR / n) for n in SAMPLE_FILES)])
    capsys.readouterr()
    code = main(
        ["extract", "--db", db, "--indicator", "REREF_12M", "--from", "2016-04", "--to", "2016-06"]
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["indicator"], r["period"], r["breakdown"], r["value"]) for r in rows] == [
        ("REREF_12M", "2016-04", "", "24.1"),
        ("REREF_12M", "2016-05", "", rows[1]["value"]),
        ("REREF_12M", "2016-06", "", rows[2]["value"]),
    ]


def test_extract_to_xlsx(db: str, tmp_path: Path, capsys) -> None:
    main(["load", "--db", db, str(SAMPLE_DIR / SAMPLE_FILES[0])])
    out = tmp_path / "out.xlsx"
    assert (
        main(
            [
                "extract",
                "--db",
                db,
                "--indicator",
                "LAC_COUNT",
                "--format",
                "xlsx",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    sheet = openpyxl.load_workbook(out)["data"]
    header = [c.value for c in sheet[1]]
    assert {"indicator", "period", "breakdown", "value"} <= set(header)
    assert sheet.max_row == 13


def test_submissions_lists_id_first_and_rollback_works(db: str, capsys) -> None:
    main(["load", "--db", db, *(str(SAMPLE_DIR / n) for n in SAMPLE_FILES)])
    capsys.readouterr()
    assert main(["submissions", "--db", db, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert next(iter(rows[0])) == "id" and [r["id"] for r in rows] == ["4", "3", "2", "1"]
    assert main(["rollback", "--db", db, "4"]) == 0
    assert "rolled back: 2 figure(s) restored" in capsys.readouterr().out
    assert main(["rollback", "--db", db, "4"]) == 1
    assert "already rolled back" in capsys.readouterr().err


def test_the_module_runs_as_a_real_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "etl", "load", "--db", str(tmp_path / "x.duckdb"), "nothing.csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "does not exist" in done.stderr


@pytest.mark.parametrize("command", [["extract"], ["submissions"], ["rollback", "1"]])
def test_a_mistyped_database_is_named_not_created(tmp_path: Path, capsys, command) -> None:
    missing = tmp_path / "typo" / "cyps.duckdb"
    assert main([command[0], "--db", str(missing), *command[1:]]) == 1
    assert "There is no database at" in capsys.readouterr().err
    assert not missing.exists() and not missing.parent.exists()


def test_an_output_folder_that_does_not_exist_is_a_sentence(tmp_path: Path, capsys) -> None:
    target = tmp_path / "no-such-folder" / "template.xlsx"
    assert main(["template", "--output", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Could not use") and "no-such-folder" in err
    assert "Traceback" not in err
