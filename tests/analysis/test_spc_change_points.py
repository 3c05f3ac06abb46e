"""Recalculation points are catalogue data: read and checked with the catalogue, errors by line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from core.catalogue import CatalogueError, ChangePoint, catalogue, load_catalogue
from core.settings import DATA_DIR

HEADER = "# comment line\nindicator,month,baseline_months,reason\n"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the catalogue files, so a test can write its own change_points.csv."""
    for name in ("indicators.toml", "targets.csv", "events.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def with_points(data_dir: Path, rows: str) -> Path:
    (data_dir / "change_points.csv").write_text(HEADER + rows, encoding="utf-8")
    return data_dir


def test_change_points_are_read_with_comments_quoted_reasons_and_baselines(data_dir):
    cat = load_catalogue(
        with_points(
            data_dir,
            '*,2015-04,,"New system, new counting rules"\n'
            "# another comment\n"
            "REF_24H,2016-01,12,Front door restructure\n",
        )
    )
    assert cat.change_points == (
        ChangePoint("*", dt.date(2015, 4, 1), "New system, new counting rules", None),
        ChangePoint("REF_24H", dt.date(2016, 1, 1), "Front door restructure", 12),
    )


def test_a_catalogue_without_the_file_has_no_change_points(data_dir):
    assert load_catalogue(data_dir).change_points == ()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("REF_2H,2015-04,,x\n", "change_points.csv line 3: unknown indicator 'REF_2H'"),
        ("REF_24H,April 2015x,,x\n", "change_points.csv line 3: month 'April 2015x'"),
        ("REF_24H,2015-04,,\n", "change_points.csv line 3: reason is blank"),
        ("REF_24H,2015-04,twelve,x\n", "line 3: baseline_months 'twelve' must be a whole number"),
        ("REF_24H,2015-04,1,x\n", "line 3: baseline_months '1' must be a whole number"),
        (
            "REF_24H,2015-04,,x\nREF_24H,2015-04,,y\n",
            "change_points.csv line 4: REF_24H already has a change point in 2015-04",
        ),
    ],
)
def test_a_mistake_in_change_points_is_named_by_file_and_line(data_dir, row, message):
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(with_points(data_dir, row))


def test_shipped_change_points_name_real_indicators_and_give_reasons():
    cat = catalogue()
    assert cat.change_points
    assert {p.indicator for p in cat.change_points} <= set(cat.codes) | {"*"}
    assert all(p.reason for p in cat.change_points)
