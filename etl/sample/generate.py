"""Illustrative synthetic sample data, written as the spreadsheets a director would upload.

The dashboard needs something to show before a council loads its own returns, and
the tests and demos need files that exercise every upload layout. Real monthly
figures are not published, so these are invented: shaped on a handful of public
facts about one council's children's services from 2014 to 2017 (see
`data/sample/README.md`), with seeded noise so every run writes the same bytes.

Run `python -m etl.sample.generate` to (re)write the files in `data/sample/`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from core.catalogue import WHOLE_AUTHORITY, Target, catalogue
from core.periods import financial_year_label, financial_year_start, month_range
from core.settings import SAMPLE_DIR
from etl.ingest.layouts import LONG_COLUMNS

FIRST_MONTH = dt.date(2014, 4, 1)
LAST_MONTH = dt.date(2017, 3, 1)
MONTHS = tuple(month_range(FIRST_MONTH, LAST_MONTH))
SEED = 20141117  # the week of the inspection; any fixed number would do
FIXED_TIME = dt.datetime(2017, 4, 28, 9, 0, 0)  # workbook and zip-entry timestamps
COLUMNS = list(LONG_COLUMNS)
ILLUSTRATIVE = "ILLUSTRATIVE SYNTHETIC DATA — not real figures"

# Published figures the series must hit exactly (indicator, month) -> value.
PINNED = {
    ("REF_24H", dt.date(2014, 11, 1)): 37.0,  # "about 37%" at the November 2014 inspection
    ("REF_24H", dt.date(2014, 12, 1)): 36.7,  # 36.7% at the end of 2014
    ("REF_24H", dt.date(2015, 12, 1)): 98.6,  # 98.6% by December 2015
    ("REREF_12M", dt.date(2016, 4, 1)): 24.1,  # the worked example
}

# Aggregate notes only: never anything about an individual child or worker.
COMMENTARY = {
    ("REFERRALS", dt.date(2014, 8, 1), ""): "Seasonal dip over the school summer holidays.",
    ("REF_24H", dt.date(2014, 11, 1), ""): (
        "Ofsted inspection month; new duty team rota from December."
    ),
    ("CASELOAD_AVG", dt.date(2015, 2, 1), ""): (
        "Commissioners appointed; additional social worker posts approved."
    ),
    ("REF_24H", dt.date(2015, 12, 1), ""): "Improvement plan milestone met: 98.6% within 24 hours.",
    ("LAC_DISTANCE", dt.date(2016, 1, 1), "Over 100 miles"): (
        "Every placement over 100 miles reviewed by the head of service this quarter."
    ),
    ("REREF_12M", dt.date(2016, 4, 1), ""): (
        "Down from the 2015/16 peak; audit of cases closed after assessment under way."
    ),
    ("LAC_COUNT", dt.date(2017, 3, 1), ""): (
        "Year-end figure; more children came into care after the inspection."
    ),
}


@dataclass(frozen=True)
class Team:
    """A social work team: average caseload and headcount at the start and the end."""

    name: str
    load_from: float
    load_to: float
    workers_from: int
    workers_to: int


TEAMS = (
    Team("Duty and Assessment", 30.0, 19.0, 14, 22),
    Team("Child Protection North", 28.0, 18.0, 12, 17),
    Team("Child Protection South", 26.0, 17.5, 12, 17),
    Team("Children in Care", 23.0, 16.5, 11, 14),
    Team("Leaving Care", 20.0, 15.0, 8, 10),
    Team("Disabled Children", 17.0, 14.0, 7, 8),
)


@dataclass(frozen=True)
class Revision:
    """A figure the quarter-four scorecard corrects, and why (told as a council would)."""

    indicator: str
    period: dt.date
    numerator_change: int
    reason: str


REVISIONS = (
    Revision("REREF_12M", dt.date(2017, 1, 1), +1, "one re-referral recorded late"),
    Revision("LAC_OOA", dt.date(2017, 2, 1), -1, "one placement reclassified as in-house"),
)

LONG_FILES = tuple(f"cyps-sample-{y}-{(y + 1) % 100:02d}.xlsx" for y in (2014, 2015, 2016))
SCORECARD_FILE = "cyps-sample-scorecard-2016-17-q4-revisions.xlsx"
SAMPLE_FILES = (*LONG_FILES, SCORECARD_FILE)  # the order to load them in
SCORECARD_MONTHS = MONTHS[-3:]


# --- the series ---------------------------------------------------------------------


def _rng(component: int) -> np.random.Generator:
    """One generator per series, so changing one series leaves the others' bytes alone."""
    return np.random.default_rng([SEED, component])


def _curve(knots: Iterable[tuple[int, float]]) -> np.ndarray:
    """A smooth-enough path through (month index, level) knots, one value per month."""
    xs, ys = zip(*knots, strict=True)
    return np.interp(np.arange(len(MONTHS)), xs, ys)


def _percent(numerator: int, denominator: int) -> float:
    """The one rounding rule, shared by the generator and the tests."""
    return round(100 * numerator / denominator, 1)


def _numerator(percent: float, denominator: int) -> int:
    return round(percent * denominator / 100)


def _fit(target: float, near: int) -> tuple[int, int]:
    """A numerator and denominator close to `near` whose percentage is exactly `target`."""
    for step in range(60):
        for den in (near + step, near - step):
            for num in range(_numerator(target, den) - 1, _numerator(target, den) + 2):
                if 0 <= num <= den and _percent(num, den) == target:
                    return num, den
    raise ValueError(f"no fraction near {near} gives {target}")


def _row(
    code: str,
    period: dt.date,
    value: float,
    breakdown: str = WHOLE_AUTHORITY,
    numerator: int | None = None,
    denominator: int | None = None,
) -> dict:
    return {
        "indicator": code,
        "period": period,
        "breakdown": breakdown,
        "value": float(value),
        "numerator": numerator,
        "denominator": denominator,
    }


def _ratio_rows(code: str, percents: np.ndarray, denominators: list[int]) -> list[dict]:
    """Rows of a percentage built from counts, honouring any pinned published figure."""
    rows = []
    for period, pct, den in zip(MONTHS, percents, denominators, strict=True):
        num = _numerator(pct, den)
        if (code, period) in PINNED:
            num, den = _fit(PINNED[code, period], den)
        rows.append(_row(code, period, _percent(num, den), numerator=num, denominator=den))
    return rows


def _front_door() -> list[dict]:
    """Referrals, and the two percentages of them: responded within 24 hours, re-referred.

    Referrals rise after the November 2014 inspection (more awareness) and dip in
    August and December. A pinned month may nudge that month's referral count so
    the published percentage is exact; both percentages and REFERRALS then use the
    nudged count, so numerator / denominator agree across the three.
    """
    rng = _rng(1)
    level = _curve([(0, 300), (7, 305), (13, 350), (35, 352)])
    season = np.array([{8: 0.84, 12: 0.87, 4: 0.96}.get(m.month, 1.0) for m in MONTHS])
    counts = np.clip(np.round(level * season * rng.normal(1, 0.035, len(MONTHS))), 250, 400)
    referrals = [int(c) for c in counts]

    fast = _curve([(0, 34.5), (7, 37.0), (8, 36.7), (12, 58), (16, 84), (20, 98.6), (35, 98)])
    fast += rng.normal(0, 0.8, len(MONTHS))
    later = np.arange(len(MONTHS)) > 20
    fast[later] = np.clip(97.8 + rng.normal(0, 0.6, later.sum()), 96.2, 98.8)
    rereferred = _curve([(0, 25.2), (11, 26.3), (16, 28.4), (23, 26.2), (24, 24.1), (35, 22.6)])
    rereferred = np.clip(rereferred + rng.normal(0, 0.6, len(MONTHS)), 21.5, 29.0)

    for (code, period), target in PINNED.items():
        if code in ("REF_24H", "REREF_12M"):
            i = MONTHS.index(period)
            referrals[i] = _fit(target, referrals[i])[1]
    counts_rows = [_row("REFERRALS", p, n) for p, n in zip(MONTHS, referrals, strict=True)]
    return (
        counts_rows
        + _ratio_rows("REF_24H", fast, referrals)
        + _ratio_rows("REREF_12M", rereferred, referrals)
    )


def _assessments() -> list[dict]:
    """Assessments within 45 working days: about 70% in 2014, 85-93% from 2016."""
    rng = _rng(2)
    completed = [int(n) for n in np.round(rng.normal(275, 18, len(MONTHS)))]
    pct = _curve([(0, 70.5), (8, 69.0), (13, 75), (19, 84), (22, 88), (35, 90.5)])
    pct += rng.normal(0, 1.0, len(MONTHS))
    pct[21:] = np.clip(pct[21:], 85.5, 92.5)
    return _ratio_rows("ASSESS_45WD", pct, completed)


def _team_month(
    team: Team, progress: float, offsets: np.ndarray, rng: np.random.Generator
) -> tuple[int, int, int]:
    """Cases held, headcount and workers over 22 for one team in one month.

    Individual caseloads are simulated (a lasting per-worker offset plus monthly
    noise) so the count over 22 agrees with the average rather than being drawn apart.
    """
    workers = round(team.workers_from + (team.workers_to - team.workers_from) * progress)
    average = team.load_from + (team.load_to - team.load_from) * progress
    loads = np.clip(np.round(average + offsets[:workers] + rng.normal(0, 1, workers)), 1, None)
    return int(loads.sum()), workers, int((loads > 22).sum())


def _caseloads() -> list[dict]:
    """Caseloads by team and for the whole authority, falling as posts were added."""
    rng = _rng(3)
    offsets = {t.name: rng.normal(0, 3.0, t.workers_to) for t in TEAMS}
    t = np.clip((np.arange(len(MONTHS)) - 8) / 22, 0, 1)
    progress = t * t * (3 - 2 * t)  # starts after the inspection, settles by late 2016
    rows = []
    for period, p in zip(MONTHS, progress, strict=True):
        figures = {team.name: _team_month(team, p, offsets[team.name], rng) for team in TEAMS}
        cases, workers, over = (sum(f[i] for f in figures.values()) for i in range(3))
        rows.append(_row("CASELOAD_AVG", period, round(cases / workers, 1)))
        rows.append(_row("CASELOAD_OVER_22", period, over))
        for name, (c, w, o) in figures.items():
            rows.append(_row("CASELOAD_AVG", period, round(c / w, 1), breakdown=name))
            rows.append(_row("CASELOAD_OVER_22", period, o, breakdown=name))
    return rows


def _over_100_miles(rng: np.random.Generator) -> list[int]:
    """9-12 children placed over 100 miles in 2014 and 2015, 8 in 2016, 7 in 2017."""
    by_year = {2014: (10, 13), 2015: (9, 11), 2016: (8, 9), 2017: (7, 8)}
    return [int(rng.integers(*by_year[m.year])) for m in MONTHS]


def _placements() -> list[dict]:
    """Looked-after children, the local out-of-authority rate and distance from home.

    The distance bands sum to the count, and LAC_20MI is the under-20 band as a
    percentage of the count, so the placements page agrees with itself.
    """
    rng = _rng(4)
    lac = np.round(_curve([(0, 400), (8, 405), (20, 440), (30, 476), (35, 487)]))
    lac = [int(n) for n in lac + np.round(rng.normal(0, 2.5, len(MONTHS)))]
    ooa = _curve([(0, 39.5), (8, 39.0), (20, 36.5), (21, 35.2), (32, 34.8), (35, 33.8)])
    near = _curve([(0, 77.0), (8, 77.5), (20, 81.5), (32, 85.5), (35, 86.5)])
    near += rng.normal(0, 0.5, len(MONTHS))
    far = _over_100_miles(rng)
    ooa_rows = _ratio_rows("LAC_OOA", ooa + rng.normal(0, 0.4, len(MONTHS)), lac)
    rows = [_row("LAC_COUNT", p, n) for p, n in zip(MONTHS, lac, strict=True)] + ooa_rows
    bands = catalogue().breakdown_values["distance_band"]
    for period, count, pct, over100 in zip(MONTHS, lac, near, far, strict=True):
        under20 = _numerator(pct, count)
        mid = round(0.28 * (count - under20 - over100))
        sizes = (under20, count - under20 - over100 - mid, mid, over100)
        rows.append(_row("LAC_20MI", period, _percent(under20, count), "", under20, count))
        rows += [
            _row("LAC_DISTANCE", period, n, band) for band, n in zip(bands, sizes, strict=True)
        ]
    return rows


def sample_frames() -> pd.DataFrame:
    """The whole synthetic history as a tidy long frame, as written to the long files.

    One row per indicator, month and breakdown ('' for the whole authority); the
    quarter-four scorecard's revisions are not applied here.
    """
    rows = _front_door() + _assessments() + _caseloads() + _placements()
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


# --- the files ----------------------------------------------------------------------


def _cell(value: object) -> object:
    """A frame value as a worksheet cell: missing or blank becomes an empty cell."""
    if value is None or value is pd.NA or value == "":
        return None
    return int(value) if isinstance(value, np.integer) else value


def _number(code: str, value: float) -> int | float:
    """Counts are written as whole numbers, everything else as a plain float."""
    return int(value) if catalogue().get(code).unit == "count" else float(value)


def _number_format(code: str) -> str:
    return "0" if catalogue().get(code).unit == "count" else "0.0"


def _new_workbook(title: str, about: list[str]) -> Workbook:
    """A workbook whose first sheet says, before anything else, that the data is invented."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "about"
    for line in [ILLUSTRATIVE, *about]:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110
    wb.properties.title = f"CYPS Performance — Illustrative synthetic sample data, {title}"
    wb.properties.creator = "etl/sample/generate.py"
    return wb


def _about(year: str) -> list[str]:
    return [
        f"Covers {year}. The figures are on the sheet named 'data'.",
        "Invented for demonstrating and testing the CYPS Performance dashboard, shaped on a "
        "few public facts about one council's children's services (see data/sample/README.md).",
        "Made by etl/sample/generate.py: run `python -m etl.sample.generate` to write it again.",
    ]


def _long_workbook(frame: pd.DataFrame, start_year: int) -> Workbook:
    """One financial year in the long layout: the upload template."""
    year = financial_year_label(start_year)
    wb = _new_workbook(year, _about(year))
    sheet = wb.create_sheet("data")
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = frame[frame["period"].map(financial_year_start) == start_year]
    for r in rows.itertuples(index=False):
        cells = [r.indicator, r.period, r.breakdown, _number(r.indicator, r.value)]
        sheet.append([_cell(c) for c in [*cells, r.numerator, r.denominator, r.commentary]])
        sheet.cell(sheet.max_row, 2).number_format = "mmm yyyy"
        sheet.cell(sheet.max_row, 4).number_format = _number_format(r.indicator)
    for column, width in zip("ABCDEFG", (18, 11, 24, 9, 11, 12, 70), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    return wb


def revised_values(frame: pd.DataFrame) -> dict[tuple[str, dt.date], tuple[float, float]]:
    """(indicator, month) -> (value in the long file, value in the scorecard)."""
    changes = {}
    for rev in REVISIONS:
        row = frame[(frame.indicator == rev.indicator) & (frame.period == rev.period)]
        row = row[row.breakdown == WHOLE_AUTHORITY].iloc[0]
        new = _percent(int(row.numerator) + rev.numerator_change, int(row.denominator))
        changes[rev.indicator, rev.period] = (float(row.value), new)
    return changes


def _target(code: str, period: dt.date) -> Target | None:
    """The target in force for `period`: the latest one that started on or before it."""
    targets = [
        t
        for t in catalogue().default_targets()
        if t.indicator == code and t.effective_from <= period
    ]
    return max(targets, key=lambda t: t.effective_from, default=None)


def _rag(code: str, value: float, target: Target | None) -> str:
    """Red, amber or green against the target, as the scorecard's RAG column shows it."""
    polarity = catalogue().get(code).polarity
    if polarity == "neither" or target is None:
        return ""
    gap = value - target.target if polarity == "higher" else target.target - value
    return "Green" if gap >= 0 else "Amber" if gap >= -target.amber_tolerance else "Red"


def _scorecard_workbook(frame: pd.DataFrame) -> Workbook:
    """January to March 2017 as a wide scorecard, revising two figures from the long file."""
    wb = _new_workbook("scorecard January to March 2017", _about("January to March 2017"))
    sheet = wb.create_sheet("data")
    sheet.append(["CYPS monthly scorecard — ILLUSTRATIVE SAMPLE DATA"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["indicator", *SCORECARD_MONTHS, "Target", "RAG"])
    for column in range(2, 5):
        sheet.cell(3, column).number_format = "mmm yyyy"
    whole = frame[frame.breakdown == WHOLE_AUTHORITY].set_index(["indicator", "period"]).value
    changes = {key: new for key, (_, new) in revised_values(frame).items()}
    for family in catalogue().families:
        shown = [i for i in catalogue().in_family(family.key) if i.breakdown == "none"]
        if not shown:
            continue
        sheet.append([family.title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for ind in shown:
            values = [changes.get((ind.code, m), whole[ind.code, m]) for m in SCORECARD_MONTHS]
            target = _target(ind.code, SCORECARD_MONTHS[-1])
            rag = _rag(ind.code, values[-1], target)
            cells = [_number(ind.code, v) for v in values]
            sheet.append([ind.name, *cells, target and target.target, rag])
            for column in range(2, 5):
                sheet.cell(sheet.max_row, column).number_format = _number_format(ind.code)
    sheet.column_dimensions["A"].width = 48
    return wb


def _save(wb: Workbook, path: Path) -> None:
    """Save with fixed timestamps, so the same data always gives the same bytes.

    openpyxl stamps the save time into the document properties and every zip entry;
    both are replaced by FIXED_TIME so a regenerated file shows no spurious change.
    """
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, FIXED_TIME.timetuple()[:6])
            target.writestr(fixed, source.read(entry), zipfile.ZIP_DEFLATED)


def write_sample(directory: Path = SAMPLE_DIR) -> list[Path]:
    """Write every sample file into `directory`; returns them in the order to load them."""
    directory.mkdir(parents=True, exist_ok=True)
    frame = sample_frames()
    years = [_long_workbook(frame, start) for start in (2014, 2015, 2016)]
    paths = []
    for name, wb in zip(SAMPLE_FILES, [*years, _scorecard_workbook(frame)], strict=True):
        _save(wb, directory / name)
        paths.append(directory / name)
    return paths


def main() -> None:
    for path in write_sample(SAMPLE_DIR):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        print(f"{path.relative_to(SAMPLE_DIR.parent.parent)}  sha256 {digest}")


if __name__ == "__main__":
    main()
