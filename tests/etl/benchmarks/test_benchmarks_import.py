"""Importing the DfE's real published files as benchmarks, into a real DuckDB file."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from core.catalogue import catalogue
from core.settings import DATA_DIR
from etl.benchmarks.dfe_files import SYMBOLS, BenchmarkFileError
from etl.benchmarks.mapping import MappingError, load_council, mapping
from etl.benchmarks.releases import load_file
from etl.cli.benchmarks import main as cli_main
from etl.store.benchmark_releases import (
    current_values,
    ensure_schema,
    neighbours,
    releases,
    value_history,
)

DFE = DATA_DIR / "dfe"
C1 = DFE / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
CSWW = DFE / "csww_indicators_2017_to_2025.csv"
LAIT = DFE / "lait_key_cyps_measures_2016_2025.csv"
SFR = sorted(DFE.glob("SFR*_CLA20??.csv"))
SN_2021 = DFE / "New_Statistical_Neighbour_Groupings_April_2021.csv"
SN_2025 = DFE / "sn_model_2025_wide.csv"
REAL_FILES = [C1, CSWW, LAIT, *SFR, SN_2021, SN_2025]


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    ensure_schema(con)
    return con


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Every real file loaded once into one database, with the load results by file name."""
    con = _connect(tmp_path_factory.mktemp("bench") / "bench.duckdb")
    results = {p.name: load_file(con, p, user="tester") for p in REAL_FILES}
    yield con, results
    con.close()


@pytest.fixture
def fresh(tmp_path):
    con = _connect(tmp_path / "fresh.duckdb")
    yield con
    con.close()


def _one(con, measure: str, year: int, area_code: str) -> dict:
    frame = current_values(con, measure, year)
    rows = frame[frame["area_code"] == area_code].to_dict("records")
    assert len(rows) == 1, f"expected one {measure} {year} row for {area_code}"
    return rows[0]


def _copy_with(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    """A copy of a real file under its own name, with one line's text replaced."""
    target = tmp_path / "revised" / source.name
    target.parent.mkdir(exist_ok=True)
    text = source.read_text(encoding="utf-8-sig")
    assert text.count(old) == 1, "the test's edit must hit exactly one line"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


def test_each_real_file_imports(loaded):
    _, results = loaded
    assert {name: r.status for name, r in results.items()} == {p.name: "loaded" for p in REAL_FILES}
    assert all(r.rows_read > 0 and r.rows_changed == 0 for r in results.values())
    assert results[C1.name].file_kind == "tidy"
    assert results[LAIT.name].file_kind == "lait"
    assert {results[p.name].file_kind for p in SFR} == {"sfr_cla"}
    assert results[SN_2021.name].model == "2021" and results[SN_2025.name].model == "2025"


def test_england_rereferrals_2015_16_is_22_5_exactly(loaded):
    con, _ = loaded
    row = _one(con, "REREF_12M", 2016, "E92000001")
    assert row["value"] == 22.5
    assert pd.isna(row["symbol"])
    assert row["period_label"] == "2015/16"
    assert row["geographic_level"] == "National" and row["area_name"] == "England"


def test_model_council_rereferrals_2015_16_is_28_0(loaded):
    con, _ = loaded
    row = _one(con, "REREF_12M", 2016, "372")
    assert row["value"] == 28.0
    assert row["area_name"] == "Rotherham"
    assert _one(con, "REFERRALS", 2016, "372")["value"] == 4599


def test_regional_rows_use_region_codes(loaded):
    con, _ = loaded
    assert _one(con, "REREF_12M", 2016, "E12000003")["value"] == 30.4  # Yorkshire and The Humber


def test_workforce_caseload_is_at_30_september(loaded):
    con, _ = loaded
    row = _one(con, "CASELOAD_AVG", 2017, "372")
    assert row["value"] == 15.1
    assert row["period_label"] == "at 30 September 2017"
    assert _one(con, "CASELOAD_AVG", 2025, "E92000001")["value"] == 15.2


def test_caseload_before_the_2017_break_comes_from_lait_as_published(loaded):
    con, _ = loaded
    # LAIT stores 12.600000000000001, its 17-digit print of the 12.6 it shows; since issue 14
    # LAIT figures are rounded to the measure's published places (one) on import.
    assert _one(con, "CASELOAD_AVG", 2016, "372")["value"] == 12.6
    rows = [r for r in mapping() if r.measure == "CASELOAD_AVG"]
    assert {r.series_break_year for r in rows} == {2017}
    assert current_values(con, "CASELOAD_AVG", 2015).empty


def test_lait_assessments_and_distance(loaded):
    con, _ = loaded
    assert _one(con, "ASSESS_45WD", 2016, "E92000001")["value"] == 83.4
    assert _one(con, "ASSESS_45WD", 2016, "372")["value"] == 93
    distance = _one(con, "DFE_LAC_OVER_20MI_OUTSIDE", 2016, "372")
    assert distance["value"] == 20 and distance["period_label"] == "at 31 March 2016"
    assert _one(con, "DFE_LAC_OVER_20MI_OUTSIDE", 2016, "E92000001")["value"] == 14


def test_sfr_looked_after_counts_and_outside_boundary(loaded):
    con, _ = loaded
    assert _one(con, "LAC_COUNT", 2013, "E92000001")["value"] == 68110
    assert _one(con, "LAC_COUNT", 2014, "372")["value"] == 394
    assert _one(con, "LAC_COUNT", 2017, "372")["value"] == 487
    assert _one(con, "DFE_LAC_OUTSIDE_BOUNDARY_COUNT", 2014, "372")["value"] == 175
    share = _one(con, "DFE_LAC_OUTSIDE_BOUNDARY", 2014, "372")["value"]
    assert share == pytest.approx(175 / 394 * 100)
    # Inner London shares London's code in the SFR file; it gets its own sub-region code here.
    assert _one(con, "LAC_COUNT", 2016, "E13000001")["area_name"] == "Inner London"


def _published_symbols(path: Path, column: str) -> set[tuple[int, str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {
            (int(r["time_period"]), r["old_la_code"], r[column])
            for r in csv.DictReader(fh)
            if r[column] in SYMBOLS and r["geographic_level"] == "Local authority"
        }


def test_every_suppressed_cell_stays_a_symbol(loaded):
    con, _ = loaded
    published = _published_symbols(C1, "rereferral_percent")
    assert {s for _, _, s in published} >= {"c", "x", "u"}
    stored = con.execute(
        """SELECT year, area_code, symbol, value FROM benchmark_current
           WHERE measure = 'REREF_12M' AND symbol IS NOT NULL"""
    ).fetchall()
    assert {(y, a, s) for y, a, s, _ in stored} == published
    assert all(value is None for *_, value in stored)


def test_low_and_legacy_symbols_are_kept(loaded):
    con, _ = loaded
    symbols = dict(
        con.execute(
            "SELECT measure, list(DISTINCT symbol) FROM benchmark_current "
            "WHERE symbol IS NOT NULL GROUP BY measure"
        ).fetchall()
    )
    assert "low" in symbols["DFE_SW_AGENCY_RATE"]
    assert symbols["ASSESS_45WD"] == ["-"]  # LAIT's missing marker
    assert "x" in symbols["DFE_LAC_OUTSIDE_BOUNDARY"]  # a share of a suppressed count


def test_reimporting_the_same_file_changes_nothing(loaded):
    con, _ = loaded
    before = len(releases(con))
    again = load_file(con, C1, user="tester")
    assert again.status == "already loaded"
    assert "already loaded" in again.summary()
    assert len(releases(con)) == before


def test_same_figures_in_a_new_file_add_no_rows(fresh, tmp_path):
    load_file(fresh, C1)
    copy = tmp_path / "crlf" / C1.name
    copy.parent.mkdir()
    copy.write_bytes(C1.read_bytes().replace(b"\n", b"\r\n"))
    result = load_file(fresh, copy)
    assert (result.status, result.rows_added, result.rows_changed) == ("no change", 0, 0)
    count = fresh.execute(
        "SELECT count(*) FROM benchmark_values WHERE release_id = ?", [result.release_id]
    ).fetchone()[0]
    assert count == 0


def test_a_revised_release_keeps_the_old_value_in_history(fresh, tmp_path):
    first = load_file(fresh, C1)
    england_2016 = "2016,Reporting year,National,E92000001,England,,,,,,Referrals and Re-referrals,"
    line = next(x for x in C1.read_text(encoding="utf-8-sig").splitlines() if england_2016 in x)
    revised = _copy_with(tmp_path, C1, line, line.replace(",22.5,", ",22.7,"))
    result = load_file(fresh, revised)
    assert (result.status, result.rows_added, result.rows_changed) == ("loaded", 0, 1)
    assert _one(fresh, "REREF_12M", 2016, "E92000001")["value"] == 22.7
    history = value_history(fresh, "REREF_12M", 2016, "E92000001")
    assert history["value"].tolist() == [22.5, 22.7]
    assert history["release_id"].tolist() == [first.release_id, result.release_id]


def test_an_unrecognised_file_is_refused_in_one_sentence(fresh, tmp_path):
    odd = tmp_path / "budget.csv"
    odd.write_text("month,spend\n2016-04,100\n")
    with pytest.raises(BenchmarkFileError) as err:
        load_file(fresh, odd)
    message = str(err.value)
    assert message.startswith("budget.csv is not a DfE file we can read; expected")
    assert "\n" not in message and message.endswith(".")
    assert releases(fresh).empty


def test_a_cell_that_is_neither_number_nor_symbol_stops_the_load(fresh, tmp_path):
    line = next(
        x
        for x in C1.read_text(encoding="utf-8-sig").splitlines()
        if x.startswith("2016,") and ",372,E08000018," in x
    )
    broken = _copy_with(tmp_path, C1, line, line.replace("Re-referrals,4599,", "Re-referrals,n/a,"))
    with pytest.raises(BenchmarkFileError, match="column 'referral_count': 'n/a' is neither"):
        load_file(fresh, broken)
    assert releases(fresh).empty
    assert fresh.execute("SELECT count(*) FROM benchmark_values").fetchone()[0] == 0


def test_statistical_neighbours_of_the_model_council(loaded):
    con, _ = loaded
    config = load_council()
    assert (config.la_code, config.neighbour_model) == ("372", "2021")
    names = neighbours(con, config.neighbour_model, config.la_code)["neighbour_name"].tolist()
    assert names == [
        "Doncaster",
        "Wigan",
        "Dudley",
        "Tameside",
        "Barnsley",
        "Telford and Wrekin",
        "North Lincolnshire",
        "Redcar and Cleveland",
        "North East Lincolnshire",
        "Wakefield",
    ]
    assert len(neighbours(con, "2025", "372")) == 10


def test_council_configuration_is_checked(tmp_path):
    bad = tmp_path / "council.toml"
    bad.write_text('[council]\nla_code = "Rotherham"\n')
    with pytest.raises(MappingError, match="three-digit DfE code"):
        load_council(bad)


def test_mapping_covers_every_indicator_with_a_national_comparator():
    mapped = {r.catalogue_indicator for r in mapping() if r.catalogue_indicator}
    national = {i.code for i in catalogue().indicators if i.national_comparator}
    assert mapped == national
    local = {"REF_24H", "CASELOAD_OVER_22", "LAC_DISTANCE", "LAC_OOA"}  # LAC_20MI: SFR 2017
    assert not local & {r.measure for r in mapping()}


def test_cli_loads_reports_and_fails_on_a_bad_file(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    odd = tmp_path / "notes.csv"
    odd.write_text("a,b\n1,2\n")
    code = cli_main(["benchmarks", "load", "--db", db, "--user", "me", str(SN_2021), str(odd)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith(f"{SN_2021.name}: neighbour model 2021, release 1:")
    assert err.startswith("notes.csv: refused, nothing was loaded:")
    assert "Traceback" not in err
    assert cli_main(["benchmarks", "load", "--db", db, str(SN_2021)]) == 0
    assert "already loaded" in capsys.readouterr().out


def test_project_reads_its_own_copy_of_the_dfe_files():
    assert all(p.is_file() for p in REAL_FILES)
    assert (DFE / "README.md").read_text().count("came from") == 1
    for module in Path(DATA_DIR.parent, "etl", "benchmarks").glob("*.py"):
        assert "/work/shared" not in module.read_text()


def test_a_load_inside_the_callers_transaction_is_undone_by_its_rollback(fresh):
    fresh.execute("BEGIN TRANSACTION")
    load_file(fresh, SN_2025, own_transaction=False)
    fresh.execute("ROLLBACK")
    assert releases(fresh).empty
    assert neighbours(fresh, "2025", "372").empty
