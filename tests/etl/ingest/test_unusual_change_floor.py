"""Warnings only for a change unusual for that indicator (issue 16 §8): a small figure that
never moved is not flagged for moving by one, while a slip still is. Real workbooks, a real
DuckDB file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.periods import add_months
from etl.ingest.load import commit, prepare, preview
from etl.store.database import Store
from tests.workbooks import xlsx

TODAY = dt.date(2017, 6, 15)
HEADER = ["indicator", "period", "breakdown", "value"]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """Eight months of a repeat-plan rate that sat at 3.0% every month."""
    store = Store(tmp_path / "cyps.duckdb")
    start = dt.date(2015, 8, 1)
    rows = [["CP_REPEAT", f"{add_months(start, i):%Y-%m}", "", 3.0] for i in range(8)]
    commit(store, prepare("history.xlsx", xlsx([HEADER, *rows]), today=TODAY), "dee")
    return store


def _unusual(store: Store, value: float) -> list[str]:
    content = xlsx([HEADER, ["CP_REPEAT", "2016-04", "", value]])
    checked = preview(store, prepare("april.xlsx", content, today=TODAY))
    return [w for w in checked.warnings if "far more than it usually moves" in w]


def test_a_flat_small_figure_moving_by_one_is_not_flagged(store: Store) -> None:
    assert _unusual(store, 4.0) == []


def test_a_flat_small_figure_jumping_tenfold_is_still_flagged(store: Store) -> None:
    (warning,) = _unusual(store, 30.0)
    assert "CP_REPEAT April 2016: 30.0%" in warning and "by 1.0 or less" in warning
