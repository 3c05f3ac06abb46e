"""The synthetic sample data keeps the public facts it is shaped on, and agrees with itself.

These check the generated frame and the written workbooks directly (not a database),
so a change to the generator that breaks a published figure or a cross-check fails here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from core.catalogue import catalogue
from core.periods import month_range
from etl.sample.generate import (
    COLUMNS,
    SAMPLE_FILES,
    SCORECARD_MONTHS,
    TEAMS,
    revised_values,
    sample_frames,
    write_sample,
)

MONTHS = month_range(dt.date(2014, 4, 1), dt.date(2017, 3, 1))
YEAR_2016 = month_range(dt.date(2016, 1, 1), dt.date(2016, 12, 1))
FY_2014 = month_range(dt.date(2014, 4, 1), dt.date(2015, 3, 1))


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return sample_frames()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_sample(tmp_path_factory.mktemp("sample"))


def whole(frame: pd.DataFrame, code: str) -> pd.Series:
    """One indicator's whole-authority series, indexed by month."""
    rows = frame[(frame.indicator == code) & (frame.breakdown == "")]
    return rows.set_index("period").value


def value(frame: pd.DataFrame, code: str, period: dt.date) -> float:
    return whole(frame, code)[period]


def by_breakdown(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    rows = frame[(frame.indicator == code) & (frame.breakdown != "")]
    return rows.pivot(index="period", columns="breakdown", values="value")


def test_frame_has_the_upload_columns(frame):
    assert list(frame.columns) == COLUMNS
    assert all(isinstance(p, dt.date) for p in frame.period)


def test_every_indicator_has_every_month_from_april_2014_to_march_2017(frame):
    # Derived rates are worked out, never uploaded, so the sample holds none; the population
    # is entered once a year, each April, as a director enters the ONS estimate (issue 14).
    for ind in catalogue().uploadable:
        months = sorted(set(frame[frame.indicator == ind.code].period))
        wanted = [m for m in MONTHS if m.month == 4] if ind.code == "POP_0_17" else MONTHS
        assert months == wanted, ind.code
    assert not frame.indicator.isin(["CP_RATE", "LAC_RATE", "REF_RATE"]).any()


def test_one_row_per_indicator_month_and_breakdown(frame):
    assert not frame.duplicated(["indicator", "period", "breakdown"]).any()


def test_breakdowns_are_the_catalogue_bands_and_the_six_teams(frame):
    bands = set(catalogue().breakdown_values["distance_band"])
    assert set(frame[frame.indicator == "LAC_DISTANCE"].breakdown) == bands
    teams = {t.name for t in TEAMS} | {""}
    for code in ("CASELOAD_AVG", "CASELOAD_OVER_22"):
        assert set(frame[frame.indicator == code].breakdown) == teams
    others = frame[~frame.indicator.isin(["LAC_DISTANCE", "CASELOAD_AVG", "CASELOAD_OVER_22"])]
    assert set(others.breakdown) == {""}


def test_percentages_are_percent_points_between_0_and_100(frame):
    percents = frame[frame.indicator.map(lambda c: catalogue().get(c).is_percent)]
    assert percents.value.between(0, 100).all()
    assert percents.value.max() > 1  # percent points, not fractions


def test_counts_are_whole_and_not_negative(frame):
    counts = frame[frame.indicator.map(lambda c: catalogue().get(c).unit == "count")]
    assert (counts.value >= 0).all()
    assert (counts.value == counts.value.round()).all()


def test_numerator_and_denominator_agree_with_the_value(frame):
    with_counts = frame[frame.numerator.notna()]
    assert set(with_counts.indicator) >= {"REF_24H", "REREF_12M", "LAC_20MI", "LAC_OOA_20MI"}
    for row in with_counts.itertuples():
        assert 0 <= row.numerator <= row.denominator
        assert row.value == round(100 * row.numerator / row.denominator, 1), row


def test_percentages_of_referrals_use_the_referral_count(frame):
    referrals = whole(frame, "REFERRALS")
    for code in ("REF_24H", "REREF_12M"):
        rows = frame[frame.indicator == code].set_index("period")
        assert (rows.denominator.astype(float) == referrals).all(), code


def test_referrals_are_plausible_for_a_borough_of_60000_children(frame):
    referrals = whole(frame, "REFERRALS")
    assert referrals.between(250, 400).all()
    for year in (2014, 2015, 2016):
        august, july = referrals[dt.date(year, 8, 1)], referrals[dt.date(year, 7, 1)]
        assert august < july
    before = referrals[[m for m in MONTHS if m < dt.date(2014, 11, 1)]].mean()
    after = referrals[[m for m in MONTHS if m >= dt.date(2015, 4, 1)]].mean()
    assert after > before


def test_responses_within_24_hours_match_the_published_figures(frame):
    assert abs(value(frame, "REF_24H", dt.date(2014, 11, 1)) - 37) <= 1
    assert value(frame, "REF_24H", dt.date(2014, 12, 1)) == 36.7
    assert value(frame, "REF_24H", dt.date(2015, 12, 1)) == 98.6
    assert value(frame, "REF_24H", dt.date(2015, 12, 1)) >= 98
    later = whole(frame, "REF_24H")[[m for m in MONTHS if m > dt.date(2015, 12, 1)]]
    assert later.between(96, 99).all()


def test_rereferrals_were_24_1_percent_in_april_2016(frame):
    series = whole(frame, "REREF_12M")
    assert value(frame, "REREF_12M", dt.date(2016, 4, 1)) == 24.1
    assert series.between(21, 29).all()
    fy1516 = series[[m for m in MONTHS if dt.date(2015, 4, 1) <= m <= dt.date(2016, 3, 1)]]
    fy1617 = series[[m for m in MONTHS if m >= dt.date(2016, 4, 1)]]
    assert fy1516.max() >= 27.5
    assert fy1617.mean() < fy1516.mean()


def test_assessments_rise_from_about_70_to_85_to_93_percent(frame):
    series = whole(frame, "ASSESS_45WD")
    assert abs(series[[m for m in MONTHS if m.year == 2014]].mean() - 70) <= 2
    assert series[[m for m in MONTHS if m.year >= 2016]].between(85, 93).all()


def test_some_teams_are_above_and_some_below_22_cases_in_2014_15(frame):
    teams = by_breakdown(frame, "CASELOAD_AVG")
    for month in FY_2014:
        assert (teams.loc[month] > 22).any() and (teams.loc[month] < 22).any(), month


def test_whole_authority_caseload_is_consistent_with_the_teams(frame):
    teams = by_breakdown(frame, "CASELOAD_AVG")
    authority = whole(frame, "CASELOAD_AVG")
    assert ((authority >= teams.min(axis=1)) & (authority <= teams.max(axis=1))).all()
    over = by_breakdown(frame, "CASELOAD_OVER_22")
    assert (over.sum(axis=1) == whole(frame, "CASELOAD_OVER_22")).all()


def test_caseloads_fall_from_about_25_to_about_17(frame):
    authority = whole(frame, "CASELOAD_AVG")
    assert authority[[m for m in MONTHS if m.year == 2014]].between(24, 26).all()
    assert authority[[m for m in MONTHS if m.year == 2017]].between(16, 18).all()


def test_looked_after_children_rise_from_about_400_to_about_485(frame):
    lac = whole(frame, "LAC_COUNT")
    assert abs(lac[MONTHS[0]] - 400) <= 10
    assert 478 <= lac[MONTHS[-1]] <= 492


def test_about_35_percent_out_of_authority_in_2016(frame):
    assert abs(whole(frame, "LAC_OOA")[YEAR_2016].mean() - 35) <= 1


def test_distance_bands_sum_to_the_looked_after_count(frame):
    bands = by_breakdown(frame, "LAC_DISTANCE")
    assert (bands.sum(axis=1) == whole(frame, "LAC_COUNT")).all()


def test_within_20_miles_is_the_first_band_over_the_count(frame):
    # The first band was "Under 20 miles" until the catalogue took the DfE's wording
    # ("20 miles or less", issue 12); the old label is still accepted on upload.
    bands = by_breakdown(frame, "LAC_DISTANCE")
    lac = whole(frame, "LAC_COUNT")
    for month in MONTHS:
        expected = round(100 * bands.loc[month, "20 miles or less"] / lac[month], 1)
        assert value(frame, "LAC_20MI", month) == expected, month


def test_within_20_miles_of_those_placed_out_is_a_share_of_the_out_of_authority_count(frame):
    """LAC_OOA_20MI's denominator is LAC_OOA's numerator, not all looked-after children."""
    near = frame[frame.indicator == "LAC_OOA_20MI"].set_index("period")
    out = frame[frame.indicator == "LAC_OOA"].set_index("period")
    assert (near.denominator == out.numerator).all()
    bands = by_breakdown(frame, "LAC_DISTANCE")
    further = bands.drop(columns="20 miles or less").sum(axis=1)
    assert (further == near.numerator.rsub(near.denominator).astype(float)).all()


def test_the_2016_papers_placement_figures_can_be_read_from_march_2016(frame):
    """About 35% out of authority, about 65% of those within 20 miles, 8 over 100 miles."""
    march = dt.date(2016, 3, 1)
    assert abs(value(frame, "LAC_OOA", march) - 35) <= 1
    assert abs(value(frame, "LAC_OOA_20MI", march) - 65) <= 0.5
    assert by_breakdown(frame, "LAC_DISTANCE").loc[march, "Over 100 miles"] == 8
    # Of all looked-after children the share within 20 miles is much higher: a different
    # measure, which is why the papers' 65% needs an indicator of its own.
    assert value(frame, "LAC_20MI", march) > 80


def test_within_20_miles_of_those_placed_out_rises_towards_the_ambition(frame):
    series = whole(frame, "LAC_OOA_20MI")
    assert abs(series[FY_2014].mean() - 55) <= 2
    assert series[YEAR_2016].between(62, 69).all()
    assert series.max() < 100


def test_eight_children_over_100_miles_throughout_2016(frame):
    over = by_breakdown(frame, "LAC_DISTANCE")["Over 100 miles"]
    assert (over[YEAR_2016] == 8).all()
    assert over[[m for m in MONTHS if m < dt.date(2016, 1, 1)]].between(9, 12).all()
    assert over[[m for m in MONTHS if m > dt.date(2016, 12, 1)]].between(6, 8).all()


def test_commentary_is_about_months_not_children(frame):
    notes = frame[frame.commentary != ""]
    assert notes.shape[0] >= 3
    note = notes.set_index(["indicator", "period"]).commentary
    assert note["REF_24H", dt.date(2014, 11, 1)].startswith("Ofsted inspection month")
    individual = re.compile(r"\b(child|he|she|his|her|him)\b", re.IGNORECASE)
    for text in notes.commentary:
        assert not individual.search(text), text


def test_commentary_agrees_with_the_key_events(frame):
    """Commissioners took over the council's executive functions in February 2015; the
    Children's Social Care Commissioner had been appointed in October 2014 (issue 12)."""
    events = {(e.month, e.label) for e in catalogue().events}
    assert (dt.date(2014, 10, 1), "Children's Social Care Commissioner") in events
    assert (dt.date(2015, 2, 1), "Commissioners take over") in events
    note = frame.set_index(["indicator", "period", "breakdown"]).commentary
    assert "executive functions" in note["CASELOAD_AVG", dt.date(2015, 2, 1), ""]


def test_files_are_written_in_load_order(written):
    assert [p.name for p in written] == list(SAMPLE_FILES)
    assert all(p.exists() for p in written)


def test_long_workbooks_hold_the_frame_under_an_illustrative_about_sheet(written, frame):
    total = 0
    for path in written[:3]:
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == ["about", "data"]
        assert "ILLUSTRATIVE SYNTHETIC DATA" in wb["about"]["A1"].value
        assert "Illustrative" in wb.properties.title
        rows = list(wb["data"].iter_rows(values_only=True))
        assert list(rows[0]) == COLUMNS
        assert all(isinstance(r[1], dt.datetime) and r[1].day == 1 for r in rows[1:])
        total += len(rows) - 1
    assert total == len(frame)


def test_scorecard_repeats_the_long_figures_except_two_revisions(written, frame):
    sheet = openpyxl.load_workbook(written[-1])["data"]
    rows = list(sheet.iter_rows(values_only=True))
    assert "ILLUSTRATIVE" in rows[0][0]
    header = rows[2]
    assert header[0] == "indicator" and list(header[4:]) == ["Target", "RAG"]
    months = [h.date() for h in header[1:4]]
    assert months == list(SCORECARD_MONTHS)
    revisions = revised_values(frame)
    changed = {}
    for row in rows[3:]:
        ind = catalogue().lookup(row[0])
        if ind is None:  # a section heading
            assert all(v is None for v in row[1:])
            continue
        for month, cell in zip(months, row[1:4], strict=True):
            old = value(frame, ind.code, month)
            if cell != old:
                changed[ind.code, month] = (old, cell)
    assert changed == revisions
    assert len(changed) == 2
    assert all(old != new for old, new in revisions.values())


def test_writing_twice_gives_identical_bytes(tmp_path):
    def digests(directory: Path) -> list[str]:
        return [hashlib.sha256(p.read_bytes()).hexdigest() for p in write_sample(directory)]

    assert digests(tmp_path / "first") == digests(tmp_path / "second")
