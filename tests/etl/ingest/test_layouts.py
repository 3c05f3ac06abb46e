"""Both accepted layouts are found automatically, with titles, headings and blanks skipped."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from etl.ingest.load import prepare
from etl.ingest.problems import Invalid
from tests.workbooks import xlsx

TODAY = dt.date(2017, 6, 15)


def scorecard() -> bytes:
    """A council scorecard as kept in Excel: merged title, blank row, sections, Target and RAG."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Scorecard"
    ws.append(["CYPS monthly scorecard (illustrative)"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["Indicator", dt.date(2016, 1, 1), "Feb-16", "March 2016", "Target", "RAG"])
    ws.append(["Referrals and assessments"])
    ws.append(["REF_24H", 0.97, 0.985, None, 0.95, "Green"])
    for ref in ("B5", "C5", "E5"):
        ws[ref].number_format = "0.0%"
    ws.append(["Referrals received", 310, 295, "n/a", None, None])
    ws.append([])
    ws.append(["Caseloads"])
    ws.append(["Average social worker caseload", 19.5, 19.1, 18.8, 18, "Amber"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_wide_scorecard_is_read_by_month_columns() -> None:
    prepared = prepare("scorecard.xlsx", scorecard(), today=TODAY)
    assert prepared.layout == "wide"
    frame = prepared.observations.set_index(["indicator", "period"])["value"]
    assert frame[("REF_24H", dt.date(2016, 1, 1))] == 97.0
    assert frame[("REF_24H", dt.date(2016, 2, 1))] == 98.5
    assert frame[("REFERRALS", dt.date(2016, 2, 1))] == 295
    assert frame[("CASELOAD_AVG", dt.date(2016, 3, 1))] == 18.8
    assert len(frame) == 7


def test_wide_scorecard_reports_ignored_columns_and_skipped_cells() -> None:
    prepared = prepare("scorecard.xlsx", scorecard(), today=TODAY)
    assert prepared.ignored_columns == ["E (Target)", "F (RAG)"]
    assert prepared.skipped == 2  # REF_24H March (empty) and referrals March (n/a)


def test_wide_problem_names_the_month_column() -> None:
    content = xlsx([["indicator", "Apr-15", "May-15"], ["REFERRALS", 300, "three hundred"]])
    with pytest.raises(Invalid) as err:
        prepare("s.xlsx", content, today=TODAY)
    problem = err.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (2, "C (May-15)", "three hundred")


def test_wide_with_breakdown_column() -> None:
    content = xlsx(
        [
            ["indicator", "team", "Apr-15", "May-15"],
            ["CASELOAD_AVG", "North", 21, 20.5],
            ["CASELOAD_AVG", "South", 23, 22.5],
        ]
    )
    frame = prepare("s.xlsx", content, today=TODAY).observations
    assert sorted(set(frame["breakdown"])) == ["North", "South"] and len(frame) == 4


def test_data_sheet_is_preferred_over_the_first_sheet() -> None:
    content = xlsx(
        [["Read me first"]],
        sheet="about",
        extra_sheets={"Data": [["indicator", "period", "value"], ["LAC_COUNT", "2015-04", 410]]},
    )
    prepared = prepare("r.xlsx", content, today=TODAY)
    assert prepared.sheet == "Data" and prepared.observations["value"].iloc[0] == 410


def test_long_layout_with_title_rows_above_the_header() -> None:
    content = xlsx(
        [["Monthly return"], [], ["indicator", "period", "value"], ["LAC_COUNT", "2015-04", 410]]
    )
    prepared = prepare("r.xlsx", content, today=TODAY)
    assert prepared.observations["row"].iloc[0] == 4


def test_targets_sheet_is_read_with_figures() -> None:
    content = xlsx(
        [["indicator", "period", "value"], ["REREF_12M", "2015-04", 24]],
        extra_sheets={
            "targets": [
                ["indicator", "effective from", "target", "amber tolerance"],
                ["REREF_12M", "2017-04", 21, 1.5],
            ]
        },
    )
    targets = prepare("r.xlsx", content, today=TODAY).targets
    assert targets.to_dict("records") == [
        {
            "indicator": "REREF_12M",
            "effective_from": dt.date(2017, 4, 1),
            "target": 21.0,
            "amber_tolerance": 1.5,
        }
    ]
