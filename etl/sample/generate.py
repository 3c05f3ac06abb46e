"""Illustrative synthetic sample data, written as the spreadsheets a director would upload.

The dashboard needs something to show before a council loads its own returns, and
the tests and demos need files that exercise every upload layout. Real monthly
figures are not published, so these are invented: shaped on a handful of public
facts about one council's children's services from 2014 to 2017 (see
`data/sample/README.md`), with seeded noise so every run writes the same bytes.

The series live in `shape`, `series` and `placements`, the workbooks in `workbooks`;
this module puts them together. Run `python -m etl.sample` (or
`python -m etl.sample.generate`) to (re)write the files in `data/sample/`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from core.catalogue import catalogue
from core.settings import SAMPLE_DIR
from etl.sample.care import care_leavers, children_in_care
from etl.sample.placements import placements
from etl.sample.protection import child_protection, exploitation_and_missing
from etl.sample.series import assessments, caseloads, front_door
from etl.sample.shape import COMMENTARY, MONTHS, TEAMS
from etl.sample.workbooks import (
    COLUMNS,
    SCORECARD_MONTHS,
    long_workbook,
    revised_values,
    save,
    scorecard_workbook,
)
from etl.sample.workforce import case_audits, population, social_workers

__all__ = [
    "COLUMNS",
    "MONTHS",
    "SAMPLE_FILES",
    "SCORECARD_MONTHS",
    "TEAMS",
    "revised_values",
    "sample_frames",
    "write_sample",
]

LONG_FILES = tuple(f"cyps-sample-{y}-{(y + 1) % 100:02d}.xlsx" for y in (2014, 2015, 2016))
SCORECARD_FILE = "cyps-sample-scorecard-2016-17-q4-revisions.xlsx"
SAMPLE_FILES = (*LONG_FILES, SCORECARD_FILE)  # the order to load them in


def sample_frames() -> pd.DataFrame:
    """The whole synthetic history as a tidy long frame, as written to the long files.

    One row per indicator, month and breakdown ('' for the whole authority); the
    quarter-four scorecard's revisions are not applied here.
    """
    rows = front_door() + assessments() + caseloads() + placements()
    rows += child_protection() + exploitation_and_missing()  # issue 14's measures
    rows += children_in_care() + care_leavers()
    rows += social_workers() + case_audits() + population()
    frame = pd.DataFrame(rows)
    frame["commentary"] = [
        COMMENTARY.get((r.indicator, r.period, r.breakdown), "") for r in frame.itertuples()
    ]
    for column in ("numerator", "denominator"):
        frame[column] = frame[column].astype("Int64")
    order = {code: n for n, code in enumerate(catalogue().codes)}
    frame["_i"] = frame["indicator"].map(order)
    frame["_b"] = frame.groupby(["indicator", "period"]).cumcount()
    frame = frame.sort_values(["period", "_i", "_b"], kind="stable")
    return frame[COLUMNS].reset_index(drop=True)


def write_sample(directory: Path = SAMPLE_DIR) -> list[Path]:
    """Write every sample file into `directory`; returns them in the order to load them."""
    directory.mkdir(parents=True, exist_ok=True)
    frame = sample_frames()
    years = [long_workbook(frame, start) for start in (2014, 2015, 2016)]
    paths = []
    for name, wb in zip(SAMPLE_FILES, [*years, scorecard_workbook(frame)], strict=True):
        save(wb, directory / name)
        paths.append(directory / name)
    return paths


def main() -> None:
    """Write the sample into data/sample/ and print each file's checksum."""
    for path in write_sample(SAMPLE_DIR):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        print(f"{path.relative_to(SAMPLE_DIR.parent.parent)}  sha256 {digest}")


if __name__ == "__main__":
    main()
