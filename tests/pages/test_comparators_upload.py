"""The council's own comparators file, and loading benchmark files from the upload page.

Real files into real DuckDB databases: a comparators CSV and workbook written here, the DfE's
published workforce CSV from data/dfe/, the upload page driven through AppTest in demo mode.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from core.roles import NotAllowed
from core.settings import DATA_DIR
from etl.benchmarks import chart_lines as bq
from etl.benchmarks.comparators_file import comparator_year
from etl.benchmarks.dfe_files import BenchmarkFileError, sniff_kind
from etl.benchmarks.latest import latest_benchmarks
from etl.benchmarks.releases import load_bytes, load_file
from etl.sample.bundled import load_sample
from etl.store.audit import events
from etl.store.benchmark_releases import releases
from etl.store.database import Store
from tests.pages.screens import app, shown
from ui import access
from ui.benchmark_upload import has_comparators_sheet, load_benchmarks

ROOT = Path(__file__).resolve().parents[2]
CSWW = DATA_DIR / "dfe" / "csww_indicators_2017_to_2025.csv"
CLUB = "Yorkshire and Humber benchmarking club, 2017 return"
GOOD = (
    "indicator,year,area,value,source\n"
    f'REF_24H,2015/16,Regional benchmarking club,88.0,"{CLUB}"\n'
    f'REF_24H,2016/17,Regional benchmarking club,89.5,"{CLUB}"\n'
).encode()


def _load(store: Store, name: str, content: bytes):
    with store.connect() as con:
        return load_bytes(con, name, content, user="tester")


# --- the comparators file --------------------------------------------------------------------


def test_a_comparators_file_is_told_from_its_header(tmp_path: Path) -> None:
    path = tmp_path / "anything.csv"
    path.write_bytes(GOOD)
    assert sniff_kind(path) == "comparators"
    assert sniff_kind("upload.csv", GOOD) == "comparators"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2015/16", (2016, "2015/16", "financial year")),
     ("2015-16", (2016, "2015/16", "financial year")),
     ("2015/2016", (2016, "2015/16", "financial year")),
     ("2016", (2016, "2016", "calendar year")),
     ("1999/00", (2000, "1999/00", "financial year")),
     ("2015/17", None), ("16", None), ("April 2016", None)],
)  # fmt: skip
def test_comparator_years_are_financial_or_calendar(text: str, expected) -> None:
    assert comparator_year(text) == expected


def test_a_comparators_csv_loads_and_loading_it_again_changes_nothing(empty_db: Store) -> None:
    first = _load(empty_db, "club.csv", GOOD)
    assert (first.status, first.file_kind, first.rows_added) == ("loaded", "comparators", 2)
    assert "council's own comparators file" in first.summary()
    again = _load(empty_db, "club.csv", GOOD)
    assert again.status == "already loaded"
    same_figures = _load(empty_db, "club copy.csv", GOOD.replace(b"\n", b"\r\n"))
    assert (same_figures.status, same_figures.rows_added, same_figures.rows_changed) == (
        "no change",
        0,
        0,
    )
    with empty_db.connect() as con:
        stored = con.execute(
            "SELECT geographic_level, area_name, source, period_label FROM benchmark_values"
        ).fetchall()
    assert stored == [
        ("Comparator", "Regional benchmarking club", CLUB, "2015/16"),
        ("Comparator", "Regional benchmarking club", CLUB, "2016/17"),
    ]


def test_a_corrected_comparator_is_a_revision_and_the_old_figure_is_kept(empty_db: Store) -> None:
    _load(empty_db, "club.csv", GOOD)
    revised = _load(empty_db, "club v2.csv", GOOD.replace(b"88.0", b"87.0"))
    assert (revised.rows_added, revised.rows_changed) == (0, 1)
    with empty_db.connect() as con:
        history = con.execute(
            "SELECT value FROM benchmark_values WHERE year = 2016 ORDER BY release_id"
        ).fetchall()
    assert history == [(88.0,), (87.0,)]


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("NOPE,2015/16,Club,88,Club report", ["row 2", "column 'indicator'", "'NOPE'"]),
        ("REF_24H,2015/16,Club,88%,Club report", ["row 2", "column 'value'", "'88%'"]),
        ("REF_24H,2015/16,Club,high,Club report", ["row 2", "column 'value'", "not a number"]),
        ("REF_24H,2015/16,Club,88,", ["row 2", "column 'source'", "source"]),
        ("REF_24H,Spring 2016,Club,88,Club report", ["row 2", "column 'year'", "2015/16"]),
        ("REF_24H,2015/16,Club,140,Club report", ["row 2", "column 'value'", "0 and 100"]),
        ("REFERRALS,2015/16,Club,3000,Club report", ["row 2", "column 'indicator'", "count"]),
    ],
)
def test_a_bad_comparators_file_is_refused_naming_row_and_column(
    empty_db: Store, row: str, words: list[str]
) -> None:
    content = f"indicator,year,area,value,source\n{row}\n".encode()
    with pytest.raises(BenchmarkFileError) as refused:
        _load(empty_db, "club.csv", content)
    for word in words:
        assert word in str(refused.value)
    with empty_db.connect() as con:
        assert releases(con).empty


def test_an_unquoted_comma_in_a_source_is_refused_not_cut_short(empty_db: Store) -> None:
    content = f"indicator,year,area,value,source\nREF_24H,2015/16,Club,88,{CLUB}\n".encode()
    with pytest.raises(BenchmarkFileError, match="row 2 has more cells than the header"):
        _load(empty_db, "club.csv", content)


def test_every_problem_is_counted_and_a_duplicate_is_named(empty_db: Store) -> None:
    content = (
        b"indicator,year,area,value,source\n"
        b"REF_24H,2015/16,Club,88,Club report\n"
        b"REF_24H,2015-16,Club,89,Club report\n"
        b"NOPE,2015/16,Club,abc,\n"
    )
    with pytest.raises(BenchmarkFileError) as refused:
        _load(empty_db, "club.csv", content)
    text = str(refused.value)
    assert text.startswith("club.csv row 3, column 'area'") and "row 2" in text
    assert "3 more problems" in text


def test_a_workbook_comparators_sheet_loads_like_the_csv(empty_db: Store) -> None:
    book = openpyxl.Workbook()
    book.active.title = "data"
    sheet = book.create_sheet("comparators")
    sheet.append(["indicator", "year", "area", "value", "source"])
    sheet.append(["REF_24H", "2015/16", "Regional benchmarking club", 88, CLUB])
    sheet.append(["REF_24H", 2016, "Statistical neighbours (mean)", 90.5, "Neighbour exchange"])
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    assert has_comparators_sheet("march.xlsx", content)
    result = _load(empty_db, "march.xlsx", content)
    assert (result.file_kind, result.rows_added) == ("comparators", 2)


# --- the chart lines ---------------------------------------------------------------------------


def test_a_local_measure_gets_its_own_comparator_line_with_year_and_source(
    empty_db: Store,
) -> None:
    _load(empty_db, "club.csv", GOOD)
    lines = bq.comparator_lines(empty_db, "REF_24H")
    assert list(lines.columns) == bq.LINE_COLUMNS
    assert set(lines["kind"]) == {"own"}
    first = lines[lines["year"] == 2016].iloc[0]
    assert first["series"] == f"Regional benchmarking club ({CLUB})"
    assert first["source"] == CLUB
    assert first["label"].endswith("2015/16: 88.0%")
    assert (first["start"], first["end"]) == (dt.date(2015, 4, 1), dt.date(2016, 3, 1))
    note = bq.comparator_note("REF_24H", lines)
    assert note.startswith("No national comparator")
    assert "council's own comparator" in note and CLUB in note


def test_a_calendar_year_comparator_spans_january_to_december(empty_db: Store) -> None:
    _load(empty_db, "club.csv", b"indicator,year,area,value,source\nREF_24H,2016,Club,91,Club\n")
    row = bq.comparator_lines(empty_db, "REF_24H").iloc[0]
    assert (row["start"], row["end"], row["period_label"]) == (
        dt.date(2016, 1, 1),
        dt.date(2016, 12, 1),
        "2016",
    )


def test_with_no_benchmark_file_loaded_the_lines_are_an_empty_frame(empty_db: Store) -> None:
    for code in ("REREF_12M", "REF_24H", "CASELOAD_AVG", "REFERRALS"):
        lines = bq.comparator_lines(empty_db, code)
        assert lines.empty and list(lines.columns) == bq.LINE_COLUMNS
        assert bq.comparator_lines(empty_db, code).empty
    assert latest_benchmarks(empty_db).empty


def test_own_comparators_sit_beside_the_dfe_lines_and_stay_out_of_the_ranks(
    empty_db: Store,
) -> None:
    with empty_db.connect() as con:
        load_file(con, CSWW, user="tester")
    before = latest_benchmarks(empty_db)
    own = b"indicator,year,area,value,source\nCASELOAD_AVG,2018,England,99,Our own survey\n"
    _load(empty_db, "own.csv", own)
    lines = bq.comparator_lines(empty_db, "CASELOAD_AVG")
    assert {"england", "own"} <= set(lines["kind"])
    assert "England (Our own survey)" in set(lines["series"])
    england_2018 = lines[(lines["kind"] == "england") & (lines["year"] == 2018)]
    assert england_2018["value"].iloc[0] != 99
    assert latest_benchmarks(empty_db).equals(before)


# --- the upload page's comparators section ----------------------------------------------------


@pytest.fixture
def db(empty_db: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The sample figures with no DfE files loaded yet, so loading one lands a release."""
    load_sample(empty_db)
    monkeypatch.setenv("CYPS_DB", str(empty_db.path))
    monkeypatch.setenv("CYPS_DEMO", "on")  # the demo opt-in, as `make run` sets it
    return empty_db


def _upload_page(role: str) -> AppTest:
    at = app("pages/upload.py")
    at.session_state[access.DEMO_ROLE_KEY] = role
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [shown(e.value) for kind in ("success", "info", "error", "markdown", "caption")
             for e in at.get(kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


def test_a_director_loads_a_dfe_file_from_the_upload_page(db: Store) -> None:
    at = _upload_page("director")
    assert len(at.file_uploader) == 2  # the month's figures, then the comparators
    at.file_uploader[1].set_value([(CSWW.name, CSWW.read_bytes(), "text/csv")]).run()
    at.button(key="benchmark_load").click().run()
    assert not at.exception, at.exception
    success = [shown(e.value) for e in at.success]
    assert any(text.startswith(f"{CSWW.name}: DfE tidy open data, release") for text in success), (
        success
    )
    assert CSWW.name in set(at.dataframe[-1].value["File"])
    logged = events(db, actions=["benchmarks_load"])
    assert list(logged["outcome"]) == ["loaded"]
    assert logged["username"].iloc[0] == "demo-director@example.invalid"


def test_a_bad_comparators_file_on_the_page_is_refused_in_a_sentence(db: Store) -> None:
    at = _upload_page("director")
    bad = b"indicator,year,area,value,source\nREF_24H,2015/16,Club,lots,Club report\n"
    at.file_uploader[1].set_value([("club.csv", bad, "text/csv")]).run()
    at.button(key="benchmark_load").click().run()
    errors = " ".join(shown(e.value) for e in at.error)
    assert "club.csv: refused, nothing was loaded" in errors
    assert "row 2, column 'value'" in errors
    assert list(events(db, actions=["benchmarks_load"])["outcome"]) == ["refused"]


def test_a_monthly_workbook_with_a_comparators_sheet_says_so(db: Store) -> None:
    book = openpyxl.Workbook()
    book.active.title = "data"
    book.active.append(["indicator", "period", "value"])
    sheet = book.create_sheet("comparators")
    sheet.append(["indicator", "year", "area", "value", "source"])
    sheet.append(["REF_24H", "2015/16", "Regional benchmarking club", 88, CLUB])
    out = io.BytesIO()
    book.save(out)
    at = _upload_page("director")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader[0].set_value(("march.xlsx", out.getvalue(), xlsx)).run()
    assert "also has a `comparators` sheet" in _texts(at)
    at.button(key="benchmark_load_sheet").click().run()
    assert any("council's own comparators file" in shown(e.value) for e in at.success)
    assert not bq.comparator_lines(db, "REF_24H").empty


def test_an_officer_cannot_reach_the_page_nor_call_the_action(db: Store) -> None:
    at = _upload_page("officer")
    assert not at.file_uploader
    assert "does not allow this: upload" in " ".join(shown(e.value) for e in at.error)
    with pytest.raises(NotAllowed, match="load benchmarks"):
        load_benchmarks(db, access.demo_user("officer"), [(CSWW.name, CSWW.read_bytes())])
    with db.connect() as con:
        assert not (releases(con)["file_name"] == CSWW.name).any()
