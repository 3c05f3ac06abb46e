"""Extracts: the rows a filter selects, the CSV and Excel files, publication and safety.

Tests run against real DuckDB files (the illustrative sample, or a few figures
committed for the case) and reopen real files with openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from core.catalogue import catalogue
from etl.cli.main import main
from etl.ingest.load import Prepared, commit
from etl.ingest.validate import OBSERVATION_COLUMNS
from etl.outputs.extract import EXTRACT_COLUMNS, PUBLISHED_COLUMNS, extract
from etl.outputs.extract_files import NothingMatches, csv_bytes, file_name, produce, xlsx_bytes
from etl.outputs.extract_filter import FilterError, build_filter
from etl.store.audit import events
from etl.store.database import Store
from etl.store.revisions import TARGET_COLUMNS

FY_2015 = build_filter(indicators=["REF_24H", "REREF_12M"], financial_years=["2015/16"])


def commit_rows(store: Store, rows: list[tuple], user: str = "Test loader") -> None:
    """Commit figures (indicator, 'YYYY-MM', breakdown, value[, num, den, commentary])."""
    records = [
        (
            r[0],
            dt.date(int(r[1][:4]), int(r[1][5:]), 1),
            r[2],
            float(r[3]),
            r[4] if len(r) > 4 else None,
            r[5] if len(r) > 5 else None,
            r[6] if len(r) > 6 else None,
            "data",
            n,
        )
        for n, r in enumerate(rows, start=2)
    ]
    frame = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
    digest = hashlib.sha256(repr(records).encode()).hexdigest()
    prepared = Prepared(
        "test.xlsx", digest, "long", "data", frame, pd.DataFrame(columns=TARGET_COLUMNS)
    )
    commit(store, prepared, user)


@pytest.fixture
def small_db(empty_db: Store) -> Store:
    """One month with small numbers of children, and figures that look like formulas."""
    commit_rows(
        empty_db,
        [
            ("REFERRALS", "2016-04", "", 300),
            ("REF_24H", "2016-04", "", 1.0, 3, 300),  # 3 children: suppressed when published
            ("REREF_12M", "2016-04", "", 25.0, 75, 300, '=HYPERLINK("http://x","click")'),
            ("LAC_COUNT", "2016-04", "", 355),
            # The bands as stored since issue 12, in the DfE's wording.
            ("LAC_DISTANCE", "2016-04", "20 miles or less", 300),
            ("LAC_DISTANCE", "2016-04", "Over 20 to 50 miles", 40),
            ("LAC_DISTANCE", "2016-04", "Over 50 to 100 miles", 12),
            ("LAC_DISTANCE", "2016-04", "Over 100 miles", 3),
            ("CASELOAD_OVER_22", "2016-04", "", 3),
            ("CASELOAD_OVER_22", "2016-04", "+Team", 2, None, None, "@SUM(A1)"),
            ("CASELOAD_OVER_22", "2016-04", "-Team", 1, None, None, "\tTabbed"),
            ("CASELOAD_AVG", "2016-04", "", -1.5, None, None, "\rCarriage"),
        ],
    )
    return empty_db


def rows_of(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# ---------------------------------------------------------------- filters


def test_the_filter_is_canonical_however_the_choices_are_written() -> None:
    by_code = build_filter(indicators=["REF_24H"], financial_years=[2015])
    by_words = build_filter(
        indicators=["referrals responded to within 24 hours", "ref_24h"],
        financial_years=["2015-16"],
    )
    assert by_code == by_words
    assert build_filter(families=["Placements"]).indicators == (
        "LAC_COUNT",
        "LAC_OOA",
        "LAC_20MI",
        "LAC_OOA_20MI",  # added by issue 12: the papers' share of out-of-authority placements
        "LAC_DISTANCE",
    )
    assert build_filter(breakdowns=["", "Teams"]) == build_filter(
        breakdown_kinds=["whole authority", "team"]
    )
    everything = build_filter(
        families=[f.key for f in catalogue().families],  # eleven since issue 14
        breakdown_kinds=["none", "team", "distance_band"],
    )
    assert everything == build_filter()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"indicators": ["NOPE"]}, "There is no indicator 'NOPE'"),
        ({"families": ["nope"]}, "There is no family 'nope'"),
        ({"financial_years": ["2015"]}, "write it like 2015/16"),
        ({"breakdown_kinds": ["wards"]}, "not a kind of breakdown"),
        ({"first": dt.date(2016, 5, 1), "last": dt.date(2016, 4, 1)}, "is after the last month"),
    ],
)
def test_a_filter_naming_something_unknown_says_what(kwargs: dict, words: str) -> None:
    with pytest.raises(FilterError, match=words):
        build_filter(**kwargs)


# ---------------------------------------------------------------- rows and CSV


def test_a_financial_year_gives_its_twelve_months_of_each_indicator(sample_db: Store) -> None:
    ex = extract(sample_db, FY_2015)
    assert list(ex.rows.columns) == EXTRACT_COLUMNS
    assert len(ex.rows) == 24
    assert ex.rows["period"].min() == dt.date(2015, 4, 1)
    assert ex.rows["period"].max() == dt.date(2016, 3, 1)
    assert ex.illustrative and ex.latest_submission["id"] == 2
    assert file_name(ex, "csv") == (
        "cyps-extract_REF_24H-REREF_12M_2015-04_2016-03_illustrative.csv"
    )


def test_the_file_name_says_what_is_inside_for_council_figures(small_db: Store) -> None:
    ex = extract(small_db, build_filter(families=["placements"], breakdowns=["distance bands"]))
    assert file_name(ex, "xlsx") == "cyps-extract_placements_2016-04_2016-04_distance-band.xlsx"
    published = extract(small_db, build_filter(published=True))
    assert (
        file_name(published, "csv") == "cyps-extract_all-indicators_2016-04_2016-04_published.csv"
    )


def test_csv_has_a_bom_one_row_per_figure_and_months_as_yyyy_mm(sample_db: Store) -> None:
    content = csv_bytes(extract(sample_db, FY_2015))
    assert b"\r\n" in content
    rows = rows_of(content)
    first = rows[0]
    assert first["indicator"] == "REF_24H" and first["period"] == "2015-04"
    assert first["indicator_name"] == "Referrals responded to within 24 hours"
    assert first["unit"] == "percent" and first["target"] == "95.0"
    assert first["rag"] in ("On target", "Near target", "Off target")
    assert first["breakdown_type"] == "Whole authority" and first["breakdown"] == ""
    assert first["submission_id"] == "2" and first["submission_file"] == "cyps-sample-2015-16.xlsx"
    months = pd.date_range("2015-04-01", "2016-03-01", freq="MS").strftime("%Y-%m")
    assert {r["period"] for r in rows} == set(months)


def test_counts_are_written_as_whole_numbers_and_percentages_at_their_precision(
    small_db: Store,
) -> None:
    rows = rows_of(csv_bytes(extract(small_db, build_filter())))
    value = {(r["indicator"], r["breakdown"]): r["value"] for r in rows}
    assert value[("REFERRALS", "")] == "300"
    assert value[("REF_24H", "")] == "1.0"
    assert value[("CASELOAD_AVG", "")] == "-1.5"  # a negative number is not neutralised


def test_breakdown_filters_choose_whole_authority_kinds_or_names(small_db: Store) -> None:
    def picked(**kwargs) -> set[tuple[str, str]]:
        return {
            (i, b) for i, b in extract(small_db, build_filter(**kwargs)).rows[
                ["indicator", "breakdown"]].itertuples(index=False)
        }  # fmt: skip

    assert ("LAC_DISTANCE", "Over 100 miles") in picked(breakdowns=["distance bands"])
    assert all(b == "" for _, b in picked(breakdowns=["whole authority"]))
    assert picked(breakdowns=["over 100 MILES"]) == {("LAC_DISTANCE", "Over 100 miles")}
    assert picked(breakdowns=["teams"]) == {
        ("CASELOAD_OVER_22", "+Team"),
        ("CASELOAD_OVER_22", "-Team"),
    }


# ---------------------------------------------------------------- Excel


def test_the_excel_file_reopens_with_three_sheets_and_real_types(sample_db: Store) -> None:
    ex = extract(
        sample_db, build_filter(indicators=["REF_24H", "LAC_COUNT"], financial_years=["2016/17"])
    )
    content = xlsx_bytes(ex, "Ada Officer (Officer)", dt.datetime(2024, 5, 1, 9, 30))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["data", "definitions", "about"]
    data = book["data"]
    assert [c.value for c in data[1]] == EXTRACT_COLUMNS
    assert data.freeze_panes == "A2"
    assert data.auto_filter.ref == f"A1:O{len(ex.rows) + 1}"
    p = dict(zip(EXTRACT_COLUMNS, data[2], strict=True))  # REF_24H, April 2016
    c = dict(zip(EXTRACT_COLUMNS, data[14], strict=True))  # LAC_COUNT, April 2016
    assert p["indicator"].value == "REF_24H" and c["indicator"].value == "LAC_COUNT"
    assert p["period"].value == dt.datetime(2016, 4, 1) and p["period"].number_format == "mmm yyyy"
    assert p["value"].number_format == "0.0%" and 0 < p["value"].value < 1
    assert p["value"].value == pytest.approx(ex.rows["value"].iloc[0] / 100)
    assert p["target"].value == pytest.approx(ex.rows["target"].iloc[0] / 100)
    assert p["target"].number_format == "0.0%"
    assert isinstance(c["value"].value, int) and c["value"].number_format == "#,##0"
    assert isinstance(p["submission_id"].value, int)
    assert p["breakdown"].value is None  # whole authority: an empty cell
    definitions = list(book["definitions"].iter_rows(values_only=True))
    assert [r[0] for r in definitions[1:]] == ["REF_24H", "LAC_COUNT"]
    about = dict(book["about"].iter_rows(min_row=2, values_only=True))
    assert about["Data"].startswith("ILLUSTRATIVE SAMPLE DATA")
    assert about["Extracted by"] == "Ada Officer (Officer)"
    assert about["Extracted at"] == "01 May 2024 at 09:30"
    assert about["Indicators"].startswith("REF_24H (Referrals responded")
    assert about["Months"] == "financial year 2016/17"
    assert about["Latest submission included"].startswith("Submission 3, loaded")
    assert about["Rows"] == str(len(ex.rows))


def test_the_same_rows_give_the_same_data_sheet_bytes(sample_db: Store) -> None:
    ex = extract(sample_db, FY_2015)
    one = xlsx_bytes(ex, "a", dt.datetime(2024, 1, 1))
    two = xlsx_bytes(ex, "b", dt.datetime(2025, 1, 1))
    sheet = "xl/worksheets/sheet1.xml"
    assert zipfile.ZipFile(io.BytesIO(one)).read(sheet) == zipfile.ZipFile(io.BytesIO(two)).read(
        sheet
    )


# ---------------------------------------------------------------- published extracts


def test_published_extracts_suppress_the_right_cells_only(small_db: Store) -> None:
    ex = extract(small_db, build_filter(published=True))
    assert list(ex.rows.columns) == PUBLISHED_COLUMNS
    shown = {(r.indicator, r.breakdown): r.value for r in ex.rows.itertuples()}
    assert shown[("REF_24H", "")] == "c"  # 3 of 300 children
    assert shown[("LAC_DISTANCE", "Over 100 miles")] == "c"  # 3 children
    assert shown[("LAC_DISTANCE", "Over 50 to 100 miles")] == "c"  # secondary: 355-300-40-12
    assert shown[("LAC_DISTANCE", "Over 20 to 50 miles")] == 40
    assert shown[("REFERRALS", "")] == 300 and shown[("REREF_12M", "")] == 25.0
    assert shown[("CASELOAD_OVER_22", "")] == 3  # social workers, not children
    assert sum(ex.suppressed.values()) == 3


def test_suppression_does_not_depend_on_the_breakdowns_chosen(small_db: Store) -> None:
    one_band = extract(small_db, build_filter(breakdowns=["Over 50 to 100 miles"], published=True))
    assert one_band.rows["value"].tolist() == ["c"]


def test_published_files_mark_suppression_and_drop_submission_and_user(small_db: Store) -> None:
    ex = extract(small_db, build_filter(published=True))
    rows = rows_of(csv_bytes(ex))
    assert list(rows[0]) == PUBLISHED_COLUMNS
    assert not {"submission_id", "submitted_by", "numerator", "commentary"} & set(rows[0])
    assert {r["value"] for r in rows if r["indicator"] == "REF_24H"} == {"c"}
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(ex, "Ada Officer")))
    values = [r[5] for r in book["data"].iter_rows(min_row=2, values_only=True)]
    assert "c" in values and 300 in values  # the symbol as text, the rest as numbers
    about = dict(book["about"].iter_rows(min_row=2, values_only=True))
    assert "'c' marks a figure suppressed" in about["Suppression"]
    assert about["Figures suppressed"].startswith("3 (")
    assert "Extracted by" not in about and "Ada Officer" not in str(about)
    assert "Produced by" in about


# ---------------------------------------------------------------- formula-like text


def test_formula_like_text_is_neutralised_in_csv_and_excel(small_db: Store) -> None:
    ex = extract(small_db, build_filter())
    rows = rows_of(csv_bytes(ex))
    texts = [v for r in rows for k, v in r.items() if k not in ("value", "target")]
    assert '\'=HYPERLINK("http://x","click")' in texts
    assert {"'+Team", "'-Team", "'@SUM(A1)", "'\tTabbed", "'\rCarriage"} <= set(texts)
    assert not any(t[:1] in ("=", "+", "-", "@", "\t", "\r") for t in texts if t)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(ex, "=cmd|' /C calc'!A0")))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert cell.value[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell.value
    data = [c for r in book["data"].iter_rows(values_only=True) for c in r]
    assert "'+Team" in data and '\'=HYPERLINK("http://x","click")' in data
    assert -1.5 in data  # numbers are never touched
    about = dict(book["about"].iter_rows(min_row=2, values_only=True))
    assert about["Extracted by"] == "'=cmd|' /C calc'!A0"


# ---------------------------------------------------------------- empty matches and audit


def test_an_empty_match_gives_a_clear_message_not_an_empty_file(
    small_db: Store, tmp_path, capsys
) -> None:
    flt = build_filter(financial_years=["2030/31"])
    with pytest.raises(NothingMatches, match="No figures match those filters"):
        produce(small_db, flt, "xlsx", "someone")
    out = tmp_path / "out.csv"
    code = main(
        ["extract", "--db", str(small_db.path), "--financial-year", "2030/31", "--output", str(out)]
    )
    assert code == 1 and not out.exists()
    err = capsys.readouterr().err
    assert "No figures match those filters" in err and "financial year 2030/31" in err


def test_every_file_made_is_recorded_in_the_audit_log(small_db: Store) -> None:
    download = produce(
        small_db, build_filter(published=True), "csv", "ada@example.gov.uk", "officer"
    )
    logged = events(small_db, ["extract"])
    assert len(logged) == 1
    assert logged["username"].iloc[0] == "ada@example.gov.uk"
    assert logged["role"].iloc[0] == "officer"
    detail = logged["detail"].iloc[0]
    assert '"published": true' in detail and download.file_name in detail
    assert '"rows": 12' in detail
