"""What the director sees before confirming: the preview, its diff, warnings and targets.

Real workbooks (openpyxl) and a real DuckDB file per test; the upload page's
tables come from `ui.upload_tables`, so they are checked here without a browser.
Committing and rolling back through the page's actions: test_commit_rollback_actions.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from core.catalogue import catalogue
from core.periods import add_months
from etl.ingest.load import Preview, commit, prepare, preview
from etl.store.database import Store
from tests.workbooks import xlsx
from ui.upload_tables import changed_values, counts_by_indicator, target_changes

TODAY = dt.date(2017, 6, 15)
HEADER = ["indicator", "period", "breakdown", "value", "numerator", "denominator", "commentary"]
CAT = catalogue()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "cyps.duckdb")


def _file(rows: list[list[object]], targets: list[list[object]] | None = None) -> bytes:
    header = ["indicator", "effective from", "target", "amber tolerance"]
    extra = {"targets": [header, *targets]} if targets else None
    return xlsx([HEADER, *rows], extra_sheets=extra)


def _preview(store: Store, rows: list[list[object]], **kw) -> Preview:
    return preview(store, prepare("p.xlsx", _file(rows, kw.get("targets")), today=TODAY))


def _load(store: Store, rows: list[list[object]], name: str = "f.xlsx", **kw) -> int | None:
    prepared = prepare(name, _file(rows, kw.get("targets")), today=TODAY)
    return commit(store, prepared, "dee@council.gov.uk").submission_id


def _status(pv: Preview) -> dict[tuple[str, str, str], str]:
    return {
        (r.indicator, f"{pd.Timestamp(r.period):%Y-%m}", r.breakdown): r.status
        for r in pv.diff.itertuples()
    }


# --- the diff: new, changed, details, unchanged -------------------------------------------


def test_every_figure_gets_exactly_one_status(store: Store) -> None:
    _load(store, [["LAC_COUNT", "2016-04", "", 410], ["LAC_COUNT", "2016-05", "", 415]])
    pv = _preview(
        store,
        [
            ["LAC_COUNT", "2016-04", "", 410],  # same value
            ["LAC_COUNT", "2016-05", "", 420],  # revised
            ["LAC_COUNT", "2016-06", "", 425],  # a month never loaded
            ["REF_24H", "2016-04", "", 97.5, 195, 200],
        ],
    )
    assert _status(pv) == {
        ("LAC_COUNT", "2016-04", ""): "unchanged",
        ("LAC_COUNT", "2016-05", ""): "changed",
        ("LAC_COUNT", "2016-06", ""): "new",
        ("REF_24H", "2016-04", ""): "new",
    }
    assert (pv.count("new"), pv.count("changed"), pv.count("unchanged")) == (2, 1, 1)
    assert pv.changes_anything and pv.already_loaded is None


def test_a_new_note_or_ratio_on_an_unchanged_value_is_a_details_change(store: Store) -> None:
    _load(store, [["REF_24H", "2016-04", "", 97.5], ["REF_24H", "2016-05", "", 98.0]])
    pv = _preview(
        store,
        [
            ["REF_24H", "2016-04", "", 97.5, 195, 200],
            ["REF_24H", "2016-05", "", 98.0, None, None, "Half-term staffing"],
        ],
    )
    assert set(_status(pv).values()) == {"details"}
    assert pv.changes_anything


def test_breakdowns_are_separate_figures(store: Store) -> None:
    _load(store, [["LAC_DISTANCE", "2016-04", "Over 100 miles", 8]])
    pv = _preview(
        store,
        [
            ["LAC_DISTANCE", "2016-04", "over 100 miles", 8],  # matched whatever the case
            ["LAC_DISTANCE", "2016-04", "Under 20 miles", 300],
        ],
    )
    assert _status(pv) == {
        ("LAC_DISTANCE", "2016-04", "Over 100 miles"): "unchanged",
        # "Under 20 miles" is the band's old label (issue 12): kept as an alias of the
        # DfE's wording, so it is previewed and stored as "20 miles or less".
        ("LAC_DISTANCE", "2016-04", "20 miles or less"): "new",
    }


def test_commentary_is_carried_forward_when_a_correction_gives_none(store: Store) -> None:
    _load(store, [["REF_24H", "2016-04", "", 97.5, None, None, "Inspection month"]])
    pv = _preview(store, [["REF_24H", "2016-04", "", 96.0]])
    row = pv.diff.iloc[0]
    assert row["status"] == "changed"
    assert row["commentary"] == "Inspection month"
    assert row["old_value"] == 97.5


def test_the_changed_values_table_shows_old_and_new_as_the_indicator_writes_them(
    store: Store,
) -> None:
    _load(store, [["REF_24H", "2016-04", "", 97.5], ["LAC_COUNT", "2016-04", "", 410]])
    pv = _preview(
        store,
        [
            ["REF_24H", "2016-04", "", 96.0],
            ["LAC_COUNT", "2016-04", "", 410],
            ["LAC_COUNT", "2016-05", "", 1412],
        ],
    )
    table = changed_values(pv)
    assert table.to_dict("records") == [
        {
            "Indicator": "Referrals responded to within 24 hours",
            "Month": "April 2016",
            "Breakdown": "Whole authority",
            "Now": "97.5%",
            "After loading": "96.0%",
        }
    ]
    counts = counts_by_indicator(pv).set_index("Indicator")
    assert counts.loc["LAC_COUNT: Looked-after children"].to_dict() == {
        "New": 1,
        "Changed": 0,
        "Notes only": 0,
        "Unchanged": 1,
    }


def test_an_identical_file_says_which_submission_already_holds_it(store: Store) -> None:
    content = _file([["LAC_COUNT", "2016-04", "", 410]])
    first = commit(store, prepare("a.xlsx", content, today=TODAY), "dee").submission_id
    pv = preview(store, prepare("a again.xlsx", content, today=TODAY))
    assert pv.already_loaded == first
    assert not pv.changes_anything


def test_a_file_that_repeats_current_figures_changes_nothing(store: Store) -> None:
    _load(store, [["LAC_COUNT", "2016-04", "", 410]], "a.xlsx")
    pv = _preview(store, [["Looked-after children", "April 2016", "", 410]])
    assert pv.already_loaded is None  # a different file...
    assert not pv.changes_anything  # ...with nothing new in it


# --- warnings worth a second look ---------------------------------------------------------


def test_percentages_typed_as_fractions_are_flagged(store: Store) -> None:
    pv = _preview(store, [["REF_24H", "2016-04", "", 0.97], ["REF_24H", "2016-05", "", 0.98]])
    assert any("look like fractions" in w and w.startswith("REF_24H") for w in pv.warnings)


def test_real_small_percentages_mixed_with_larger_ones_are_not_flagged(store: Store) -> None:
    pv = _preview(store, [["REF_24H", "2016-04", "", 0.5], ["REF_24H", "2016-05", "", 37]])
    assert not any("fractions" in w for w in pv.warnings)


def test_a_value_that_moves_far_more_than_usual_is_flagged(store: Store) -> None:
    start = dt.date(2015, 4, 1)
    history = [["LAC_COUNT", f"{add_months(start, i):%Y-%m}", "", 400 + (i % 3)] for i in range(12)]
    _load(store, history)
    pv = _preview(store, [["LAC_COUNT", "2016-04", "", 520]])
    unusual = [w for w in pv.warnings if "far more than it usually moves" in w]
    assert len(unusual) == 1 and "April 2016" in unusual[0]
    ordinary = _preview(store, [["LAC_COUNT", "2016-04", "", 402]])
    assert not any("far more" in w for w in ordinary.warnings)


def test_columns_ignored_in_a_wide_scorecard_are_listed(store: Store) -> None:
    content = xlsx(
        [
            ["Children's services scorecard"],
            ["indicator", "Apr 2016", "May 2016", "Target", "RAG"],
            ["LAC_COUNT", 410, 415, 400, "Amber"],
        ]
    )
    pv = preview(store, prepare("scorecard.xlsx", content, today=TODAY))
    assert pv.prepared.layout == "wide"
    ignored = [w for w in pv.warnings if "were ignored" in w]
    assert ignored and "D (Target)" in ignored[0] and "E (RAG)" in ignored[0]


def test_empty_cells_are_reported_as_skipped_not_zero(store: Store) -> None:
    pv = _preview(store, [["LAC_COUNT", "2016-04", "", "n/a"], ["LAC_COUNT", "2016-05", "", 5]])
    assert pv.prepared.skipped == 1
    assert any("1 cell(s) had no figure" in w for w in pv.warnings)


# --- targets --------------------------------------------------------------------------------


def test_target_rows_are_new_changed_or_unchanged(store: Store) -> None:
    pv = _preview(
        store,
        [["LAC_COUNT", "2016-04", "", 410]],
        targets=[
            ["REF_24H", "2017-04", 96, 4],  # no target starts that month yet
            ["ASSESS_45WD", "2016-04", 90, None],  # as in targets.csv (default tolerance 5)
            ["REREF_12M", "2016-04", 21, 2],  # targets.csv says 22
        ],
    )
    statuses = dict(zip(pv.target_diff["indicator"], pv.target_diff["status"], strict=True))
    assert statuses == {"REF_24H": "new", "ASSESS_45WD": "unchanged", "REREF_12M": "changed"}
    assert pv.targets_changed == 2
    assert target_changes(pv).to_dict("records") == [
        {
            "Indicator": "Referrals responded to within 24 hours",
            "From": "April 2017",
            "Now": "none set from this month",
            "After loading": "96.0% (amber within 4.0%)",
            "Status": "new from this month",
        },
        {
            "Indicator": "Re-referrals within 12 months",
            "From": "April 2016",
            "Now": "22.0% (amber within 2.0%)",
            "After loading": "21.0% (amber within 2.0%)",
            "Status": "changed",
        },
    ]


def test_an_uploaded_target_is_compared_with_the_last_upload_not_the_catalogue(
    store: Store,
) -> None:
    _load(store, [["LAC_COUNT", "2016-04", "", 410]], targets=[["REF_24H", "2016-04", 96, 4]])
    pv = _preview(
        store, [["LAC_COUNT", "2016-04", "", 410]], targets=[["REF_24H", "2016-04", 96, 4]]
    )
    assert pv.target_diff["status"].tolist() == ["unchanged"]
    assert not pv.changes_anything
