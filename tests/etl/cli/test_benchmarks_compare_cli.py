"""`python -m etl benchmarks compare`: the How we compare page's figures on the command line.

A real database holding the published LAIT file and the DfE's April 2021 neighbours, loaded
by the loader `python -m etl benchmarks load` uses; the command's rows are checked against the
published figures and against the page's own `comparison` for every year.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import DATA_DIR
from etl.benchmarks.compare_table import COLUMNS, year_number
from etl.benchmarks.comparison import comparison
from etl.benchmarks.published import council_years
from etl.benchmarks.releases import load_file
from etl.cli.main import main
from etl.store.database import Store

ROOT = Path(__file__).resolve().parents[3]
FILES = ("New_Statistical_Neighbour_Groupings_April_2021.csv", "lait_cyps_breadth_2016_2025.csv")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("compare") / "bench.duckdb")
    with Store(path).connect() as con:  # these two alone: the command line would give a new
        for name in FILES:  # database every bundled file first (etl.benchmarks.bundled_releases)
            load_file(con, DATA_DIR / "dfe" / name, user="tester")
    return path


def run(db: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["benchmarks", "compare", "--db", db, *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_care_leavers_in_education_year_ending_march_2017_council_42_england_50(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        db, capsys, "--indicator", "CL_EET", "--year", "2016/17", "--format", "csv"
    )
    assert status == 0
    assert out.splitlines()[0] == ",".join(COLUMNS)
    (row,) = rows(out)
    assert (row["indicator"], row["year"], row["council"], row["england"]) == (
        "CL_EET", "2016/17", "42", "50"
    )  # fmt: skip
    assert row["quartile_band"] == "D" and int(row["rank"]) <= int(row["ranked"])


def test_conferences_within_15_days_2015_16_are_84_3_against_76_7(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(db, capsys, "--indicator", "CP_ICPC_15WD", "--year", "2015/16",
                         "--format", "csv")  # fmt: skip
    (row,) = rows(out)
    assert status == 0 and (row["council"], row["england"]) == ("84.3", "76.7")


def test_without_a_year_there_is_one_row_per_published_year_as_the_page_shows_it(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(db, capsys, "--indicator", "cp_icpc_15wd", "--format", "csv")
    found = rows(out)
    store = Store(db)
    years = sorted(council_years(store, "CP_ICPC_15WD"))
    assert status == 0 and len(found) == len(years) == 10  # 2015/16 to 2024/25
    for row, year in zip(found, years, strict=True):
        page = comparison(store, "CP_ICPC_15WD", year)
        assert row["year"] == page.period_label
        assert float(row["council"]) == page.council_value
        assert float(row["england"]) == page.england[0]
        assert float(row["region"]) == page.region[0]
        assert float(row["neighbours_mean"]) == round(page.neighbours.mean, 1)
        assert float(row["neighbours_median"]) == round(page.neighbours.median, 1)
        assert row["rank"] == str(page.position.rank) and row["ranked"] == str(page.position.ranked)
        assert row["quartile_band"] == (page.position.band or "")


def test_a_figure_lait_does_not_publish_stays_a_symbol_and_is_not_ranked(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(db, capsys, "--indicator", "CL_IN_TOUCH", "--year", "2017",
                         "--format", "csv")  # fmt: skip
    (row,) = rows(out)
    assert status == 0 and row["council"] == "-" and row["england"] == "92"
    assert row["rank"] == "" and row["quartile_band"] == ""


def test_the_table_format_and_an_output_file(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = run(db, capsys, "--indicator", "SW_AGENCY", "--year", "2016")
    header, line = out.splitlines()
    assert status == 0 and header.split() == list(COLUMNS)
    assert "at 30 September 2016" in line and " 25.1 " in f" {line} " and " 16.1 " in line
    target = tmp_path / "agency.csv"
    status, out, _ = run(db, capsys, "--indicator", "SW_AGENCY", "--format", "csv",
                         "--output", str(target))  # fmt: skip
    assert status == 0 and f"row(s) written to {target}" in out
    assert [r["council"] for r in rows(target.read_text())][:2] == ["25.1", "18.2"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--indicator", "CP_VISITS"), "'CP_VISITS' has no DfE comparator"),
        (("--indicator", "CL_EET", "--year", "2013/14"), "no published figure for the council"),
        (("--indicator", "CL_EET", "--year", "2016/18"), "is not a financial year"),
        (("--indicator", "CASELOAD_AVG"), "No DfE figures are loaded for CASELOAD_AVG"),
    ],
)
def test_a_question_the_figures_cannot_answer_is_one_sentence_and_status_1(
    db: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str
) -> None:
    status, out, err = run(db, capsys, *args)
    assert status == 1 and out == "" and words in err and "Traceback" not in err


def test_a_missing_database_is_not_created(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "none.duckdb"
    status, _, err = run(str(missing), capsys, "--indicator", "CL_EET")
    assert status == 1 and "There is no database" in err and not missing.exists()


def test_years_are_written_as_financial_years_or_the_year_they_end() -> None:
    assert year_number("2016/17") == year_number("2017") == year_number("2016-2017") == 2017
    assert year_number("1999/00") == 2000


def test_it_runs_as_a_real_command(db: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "etl", "benchmarks", "compare", "--db", db,
         "--indicator", "CL_EET", "--year", "2016/17", "--format", "csv"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("CL_EET,2016/17,42,50,")
