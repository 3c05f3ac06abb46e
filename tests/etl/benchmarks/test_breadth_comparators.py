"""Issue 14's comparators from LAIT: mapped as data, rounded to LAIT's places, pinned exactly.

The bundled database (`bench`) holds `data/dfe/lait_cyps_breadth_2016_2025.csv` loaded through
`data/benchmarks/mapping.csv`; the figures below are the ones LAIT shows for the model council
(372) and England, and the mapping is checked against LAIT's own data dictionary.
"""

from __future__ import annotations

import csv
import math

import pytest

from core.catalogue import catalogue
from core.settings import DATA_DIR
from etl.benchmarks.comparison import comparison
from etl.benchmarks.lait_values import lait_measure
from etl.benchmarks.mapping import mapping
from etl.benchmarks.published import counterpart, measure_values
from etl.store.database import Store

BREADTH = DATA_DIR / "dfe" / "lait_cyps_breadth_2016_2025.csv"
DICTIONARY = DATA_DIR / "dfe" / "lait_data_dictionary_cyps_breadth.csv"
POLARITY = {"High": "higher", "Low": "lower", "-": "neither"}
FLIPPED = {"higher": "lower", "lower": "higher", "neither": "neither"}
ISSUE_14 = {
    "CP_PLANS": "CPP_Num", "CP_RATE": "CPP_rate", "CP_ICPC_15WD": "CP_conf_15days",
    "CP_2YRS": "CPPlans2yrs", "LAC_RATE": "LAC", "LAC_STABILITY_3PL": "LACStable_2016on",
    "LAC_STABILITY_LT": "LAC_LongStable%", "LAC_HEALTH": "LACHealth%",
    "LAC_DENTAL": "LACDental%", "CL_EET": "CareLeaverEET", "CL_ACCOM": "CareLeaverAcc",
    "CL_IN_TOUCH": "100 - CareLeavers_LA_NotInTouch", "SW_AGENCY": "Work_Force_Agecy_Rate",
    "SW_VACANCY": "Work_Force_Vac_Rate", "SW_TURNOVER": "Work_Force_TO_Rate",
    "REF_RATE": "CPP_Total_Rateper10,000",
}  # fmt: skip


def published(short_desc: str) -> list[dict[str, str]]:
    with open(BREADTH, encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["short_desc"] == short_desc]


def dictionary() -> dict[str, dict[str, str]]:
    with open(DICTIONARY, encoding="utf-8-sig", newline="") as fh:
        return {r["Measure_short"]: r for r in csv.DictReader(fh)}


def figure(store: Store, code: str, year: int, area: str) -> tuple[float | None, str | None]:
    values = measure_values(store, code, year)
    row = values[values["area_code"] == area].iloc[0]
    value = None if math.isnan(row["value"]) else float(row["value"])
    return value, row["symbol"] if isinstance(row["symbol"], str) else None


def test_every_issue_14_comparator_is_mapped_to_its_lait_measure_as_data() -> None:
    rows = {r.measure: r for r in mapping() if r.file_kind == "lait"}
    for code, short_desc in ISSUE_14.items():
        row = rows[code]
        assert (row.catalogue_indicator, row.column) == (code, short_desc), code
        ind = catalogue().get(code)
        assert (row.unit, row.polarity) == (ind.unit, ind.polarity), code
        assert counterpart(code) is not None


def test_the_mapping_agrees_with_lait_s_dictionary_on_polarity_and_places() -> None:
    entries = dictionary()
    for code, column in ISSUE_14.items():
        short_desc, complement = lait_measure(column)
        entry, row = entries[short_desc], next(r for r in mapping() if r.measure == code)
        polarity = POLARITY[entry["Polarity"]]
        assert row.polarity == (FLIPPED[polarity] if complement else polarity), code
        if entry["dps"] != "NA":  # the dictionary gives places only for CPP_Num (0)
            assert row.decimals == int(entry["dps"]), code


def test_rounding_to_the_mapped_places_removes_float_noise_and_nothing_else() -> None:
    places = {lait_measure(r.column)[0]: r.decimals for r in mapping() if r.file_kind == "lait"}
    checked = 0
    for short_desc in {lait_measure(c)[0] for c in ISSUE_14.values()}:
        for row in published(short_desc):
            if row["value"] == "-":
                continue
            raw = float(row["value"])
            assert abs(round(raw, places[short_desc]) - raw) < 1e-9, (short_desc, row)
            checked += 1
    assert checked > 20_000


def test_lait_s_float_noise_is_stored_as_the_figure_lait_shows(bench: Store) -> None:
    noisy = {r["year"]: r["value"] for r in published("CPP_rate") if r["la_number"] == "372"}
    assert noisy["2017"] == "64.900000000000006"
    assert figure(bench, "CP_RATE", 2017, "372") == (64.9, None)
    assert figure(bench, "CP_RATE", 2016, "372") == (65.3, None)
    # 9.6000000000000014 is not even the double 9.6: rounding makes it the 9.6 LAIT shows
    assert float("9.6000000000000014") != 9.6
    assert figure(bench, "SW_TURNOVER", 2016, "372") == (9.6, None)


def test_care_leavers_in_education_2016_17_council_42_against_england_50(bench: Store) -> None:
    c = comparison(bench, "CL_EET", 2017)
    assert c.period_label == "2016/17"
    assert c.council_value == 42.0 and c.england == (50.0, None)
    assert comparison(bench, "CL_EET", 2016).council_value == 61.0  # falling from 61%


def test_conferences_within_15_days_2015_16_are_84_3_against_76_7(bench: Store) -> None:
    c = comparison(bench, "CP_ICPC_15WD", 2016)
    assert c.period_label == "2015/16"
    assert (c.council_value, c.england) == (84.3, (76.7, None))
    assert c.position.band in {"A", "B", "C", "D"} and c.position.ranked > 140


def test_agency_social_workers_are_the_30_september_snapshot(bench: Store) -> None:
    assert figure(bench, "SW_AGENCY", 2016, "372") == (25.1, None)
    assert figure(bench, "SW_AGENCY", 2017, "372") == (18.2, None)
    c = comparison(bench, "SW_AGENCY", 2016)
    assert c.period_label == "at 30 September 2016" and c.england == (16.1, None)


def test_in_touch_is_100_minus_not_in_touch_where_lait_publishes_it(bench: Store) -> None:
    rows = [r for r in published("CareLeavers_LA_NotInTouch") if r["year"] == "2017"]
    england = next(r for r in rows if r["area_name"] == "England")
    assert figure(bench, "CL_IN_TOUCH", 2017, "E92000001") == (100 - float(england["value"]), None)
    council = next(r for r in rows if r["la_number"] == "372")
    assert council["value"] == "-"  # not published for the model council: no figure, no zero
    assert figure(bench, "CL_IN_TOUCH", 2017, "372") == (None, "-")
    some = next(r for r in rows if r["value"] not in ("-", "") and int(r["la_number"]) < 900)
    expected = round(100 - float(some["value"]), 0)
    assert figure(bench, "CL_IN_TOUCH", 2017, some["la_number"]) == (expected, None)


@pytest.mark.parametrize("code", ["LAC_HEALTH", "LAC_DENTAL", "LAC_STABILITY_LT"])
def test_lait_publishes_health_dental_and_long_term_stability_from_2018(
    bench: Store, code: str
) -> None:
    years = set(measure_values(bench, code)["year"])
    assert min(years) == 2018
