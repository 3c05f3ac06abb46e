"""The preview a director reads before loading: every new and changed figure, old → new, and
the RAG status it will have (issue 16 §8).

Real workbooks and a real DuckDB file; targets from data/targets.csv (REF_24H: 98% from April
2016, amber within 3 points) and, where the file sets one, the file's own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.ingest.load import commit, prepare, preview
from etl.store.database import Store
from etl.store.queries import targets
from tests.workbooks import xlsx
from ui.upload_tables import figures_to_load

TODAY = dt.date(2017, 6, 15)
HEADER = ["indicator", "period", "breakdown", "value"]
TARGETS = ["indicator", "effective from", "target", "amber tolerance"]
REF = "Referrals responded to within 24 hours"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "cyps.duckdb")
    first = prepare("april.xlsx", xlsx([HEADER, ["REF_24H", "2016-04", "", 97.5]]), today=TODAY)
    commit(store, first, "dee@council.gov.uk")
    return store


def test_a_correction_lists_old_and_new_with_the_status_it_will_have(store: Store) -> None:
    content = xlsx(
        [
            HEADER,
            ["REF_24H", "2016-04", "", 90.0],
            ["REF_24H", "2016-05", "", 93.0],
            ["LAC_COUNT", "2016-05", "", 410],
        ],
        extra_sheets={"targets": [TARGETS, ["REF_24H", "2016-05", 92, 2]]},
    )
    checked = preview(store, prepare("correction.xlsx", content, today=TODAY))
    table = figures_to_load(checked, targets(store)).sort_values(["Indicator", "Month"])
    assert list(table.pop("Worth a second look")) == ["", "", ""]  # nothing unusual here
    assert table.to_dict("records") == [
        {
            "Indicator": "Looked-after children",
            "Month": "May 2016",
            "Breakdown": "Whole authority",
            "Figure": "New",
            "Now": "no figure",
            "After loading": "410",
            "Status": "",  # neither higher nor lower is better: no RAG
        },
        {
            "Indicator": REF,
            "Month": "April 2016",
            "Breakdown": "Whole authority",
            "Figure": "Changed",
            "Now": "97.5%",
            "After loading": "90.0%",
            "Status": "Off target",  # 8 points under 98%, beyond the 3-point amber band
        },
        {
            "Indicator": REF,
            "Month": "May 2016",
            "Breakdown": "Whole authority",
            "Figure": "New",
            "Now": "no figure",
            "After loading": "93.0%",
            "Status": "On target",  # against the file's own 92% from May, not 98%
        },
    ]


def test_unchanged_figures_are_not_listed(store: Store) -> None:
    content = xlsx([HEADER, ["REF_24H", "2016-04", "", 97.5]])
    checked = preview(store, prepare("same.xlsx", content, today=TODAY))
    assert figures_to_load(checked, targets(store)).empty
