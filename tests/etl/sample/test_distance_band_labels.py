"""Distance bands are written as the DfE writes them, and files with the old labels still load.

The catalogue took the DfE's wording for the distance bands (issue 12): "20 miles or
less", "Over 20 to 50 miles", "Over 50 to 100 miles", "Over 100 miles". A director's
file written before then says "Under 20 miles", "20 to 50 miles" and "50 to 100 miles";
those labels are aliases in data/indicators.toml, so the file loads as the new wording.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from core.catalogue import CatalogueError, canonical_breakdown, catalogue, load_catalogue
from core.settings import DATA_DIR
from etl.ingest.load import commit, prepare
from etl.ingest.problems import Invalid
from etl.sample.generate import sample_frames
from etl.store import queries
from etl.store.database import Store
from tests.workbooks import LONG_HEADER, xlsx

TODAY = dt.date(2017, 6, 15)
DFE_BANDS = ("20 miles or less", "Over 20 to 50 miles", "Over 50 to 100 miles", "Over 100 miles")
OLD_BANDS = ("Under 20 miles", "20 to 50 miles", "50 to 100 miles", "Over 100 miles")
MONTHS = [dt.date(2016, 4, 1), dt.date(2016, 5, 1), dt.date(2016, 6, 1)]


def old_label_file() -> bytes:
    """Three months of distance bands under the old labels, spelt as people type them.

    The first month's cells are plain (the fast path reads them); the later months give
    the value as text or with a comment, so the full checker reads those rows.
    """
    counts = (300, 110, 40, 8)
    spellings = [
        list(OLD_BANDS),
        [b.upper() for b in OLD_BANDS],
        [f" {b.lower()} " for b in OLD_BANDS],
    ]
    rows: list[list[object]] = [list(LONG_HEADER)]
    for month, labels in zip(MONTHS, spellings, strict=True):
        for label, count in zip(labels, counts, strict=True):
            value: object = float(count) if month == MONTHS[0] else str(count)
            note = "" if month == MONTHS[0] else "Written before the DfE wording"
            rows.append(["LAC_DISTANCE", month, label, value, None, None, note])
    return xlsx(rows)


def test_the_catalogue_writes_the_distance_bands_as_the_dfe_does():
    assert catalogue().breakdown_values["distance_band"] == DFE_BANDS


def test_the_sample_uses_the_dfe_wording_for_every_band():
    frame = sample_frames()
    assert set(frame[frame.indicator == "LAC_DISTANCE"].breakdown) == set(DFE_BANDS)


def test_old_labels_name_the_band_they_were_renamed_to_whatever_the_case_and_spacing():
    assert canonical_breakdown("distance_band", "Under 20 miles") == "20 miles or less"
    assert canonical_breakdown("distance_band", "20 TO 50 MILES") == "Over 20 to 50 miles"
    assert canonical_breakdown("distance_band", " 50 to 100 miles") == "Over 50 to 100 miles"
    assert canonical_breakdown("distance_band", "over_100 miles") == "Over 100 miles"
    assert canonical_breakdown("distance_band", "Over 200 miles") is None
    assert canonical_breakdown("team", "Duty and Assessment") == "Duty and Assessment"


def test_a_workbook_with_the_old_band_labels_loads_as_the_dfe_wording(empty_db: Store):
    prepared = prepare("placements-2016.xlsx", old_label_file(), today=TODAY)
    assert set(prepared.observations["breakdown"]) == set(DFE_BANDS)
    assert len(prepared.observations) == 12

    commit(empty_db, prepared, "Test director")
    stored = queries.current_values(empty_db, ["LAC_DISTANCE"])
    by_band = stored.groupby("breakdown")["value"].agg(list).to_dict()
    assert by_band == {
        "20 miles or less": [300.0] * 3,
        "Over 20 to 50 miles": [110.0] * 3,
        "Over 50 to 100 miles": [40.0] * 3,
        "Over 100 miles": [8.0] * 3,
    }


def test_an_unknown_band_is_refused_naming_the_dfe_wording():
    content = xlsx([LONG_HEADER, ["LAC_DISTANCE", MONTHS[0], "Over 200 miles", 2.0]])
    with pytest.raises(Invalid) as err:
        prepare("return.xlsx", content, today=TODAY)
    [problem] = err.value.problems
    assert problem.value == "Over 200 miles"
    assert "20 miles or less, Over 20 to 50 miles" in problem.message


def test_an_alias_that_names_no_band_is_a_catalogue_mistake(tmp_path: Path):
    for name in ("indicators.toml", "targets.csv", "events.csv"):
        shutil.copyfile(DATA_DIR / name, tmp_path / name)
    toml = tmp_path / "indicators.toml"
    toml.write_text(
        toml.read_text().replace('"Under 20 miles" = "20 miles or less"', '"Near" = "Nearby"')
    )
    with pytest.raises(CatalogueError, match="'Near' points to 'Nearby'"):
        load_catalogue(tmp_path)
