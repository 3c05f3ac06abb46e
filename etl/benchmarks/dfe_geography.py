"""Where a published figure belongs: the area and year of each row of a DfE file.

Each kind of file names areas its own way (tidy open data by ONS codes, LAIT by numbering England
and the regions like authorities, SFR tables by level and name), and names years its own way too;
these turn each into one geography (level, code, name) and the calendar year a period ends in.
"""

from __future__ import annotations

import re

import pandas as pd

from etl.benchmarks.dfe_files import BenchmarkFileError

LEVELS = ("National", "Regional", "Local authority")
ENGLAND = ("E92000001", "England")
# Region codes and names as the tidy open data spells them; Inner and Outer London are the
# sub-regions (E13) that the DfE publishes alongside London.
REGIONS = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
    "E13000001": "Inner London",
    "E13000002": "Outer London",
}
# LAIT numbers its England and regional rows like authorities.
LAIT_ENGLAND = "970"
LAIT_REGIONS = {
    "980": "E12000001",
    "981": "E12000002",
    "982": "E12000003",
    "983": "E12000004",
    "984": "E12000005",
    "985": "E12000006",
    "986": "E12000007",
    "987": "E13000001",
    "988": "E13000002",
    "989": "E12000008",
    "990": "E12000009",
}
_REGION_BY_NAME = {name.upper(): code for code, name in REGIONS.items()}


def tidy_geography(frame: pd.DataFrame) -> pd.DataFrame:
    level = frame["geographic_level"]
    cols = {c.lower(): c for c in frame.columns}

    def col(name: str) -> pd.Series:
        return frame[cols[name]] if name in cols else pd.Series("", index=frame.index)

    code = col("old_la_code").where(level == "Local authority", col("region_code"))
    code = code.where(level != "National", col("country_code").replace("", ENGLAND[0]))
    name = col("la_name").where(level == "Local authority", col("region_name"))
    name = name.where(level != "National", col("country_name").replace("", ENGLAND[1]))
    return pd.DataFrame({"geographic_level": level, "area_code": code, "area_name": name})


def tidy_year(time_period: pd.Series, file_name: str) -> pd.Series:
    """The calendar year a period ends in: '2016' -> 2016, '201516' -> 2016."""
    ok = time_period.str.fullmatch(r"\d{4}(\d{2})?")
    if not ok.all():
        bad = time_period[~ok].iloc[0]
        raise BenchmarkFileError(
            f"{file_name}: the period '{bad}' is not a year such as 2016 or 201516."
        )
    start = time_period.str[:4].astype(int)
    return start.where(time_period.str.len() == 4, start + 1)


def lait_geography(frame: pd.DataFrame) -> pd.DataFrame:
    number = frame["la_number"]
    level = pd.Series("Local authority", index=frame.index, dtype=object)
    level[number.isin(LAIT_REGIONS.keys())] = "Regional"
    level[number == LAIT_ENGLAND] = "National"
    code = number.map(LAIT_REGIONS).fillna(number)
    code[number == LAIT_ENGLAND] = ENGLAND[0]
    name = code.map(REGIONS).fillna(frame["area_name"])
    name[number == LAIT_ENGLAND] = ENGLAND[1]
    return pd.DataFrame({"geographic_level": level, "area_code": code, "area_name": name})


def sfr_geography(frame: pd.DataFrame) -> pd.DataFrame:
    level_text = frame["geog_l"].str.upper()
    level = level_text.map({"NATIONAL": "National", "REGION": "Regional", "LA": "Local authority"})
    # SFR files give Inner and Outer London London's own code, so regions are known by name.
    region_code = frame["geog_n"].str.upper().map(_REGION_BY_NAME)
    code = frame["geog_c"].where(level == "Local authority", region_code)
    code = code.where(level != "National", ENGLAND[0])
    name = frame["geog_n"].where(level == "Local authority", code.map(REGIONS))
    name = name.where(level != "National", ENGLAND[1])
    return pd.DataFrame({"geographic_level": level, "area_code": code, "area_name": name})


def sfr_year(frame: pd.DataFrame, file_name: str) -> int:
    years = {int(m.group(1)) for c in frame.columns if (m := re.fullmatch(r"CLA_Mar(\d{4})", c))}
    if len(years) != 1:
        raise BenchmarkFileError(f"{file_name} must have exactly one CLA_Mar<year> column.")
    return years.pop()
