"""A scaled synthetic database for benchmarks: ten years, every indicator, twenty teams.

`build_scaled_db(path)` writes ten financial years (April 2015 to March 2025) of
every catalogue indicator, with twenty teams for the team-broken indicators and
the four distance bands, straight into a DuckDB file through `etl.ingest.load.commit`
(one submission per financial year, as a council would load them). It skips
spreadsheet parsing on purpose: the benchmarks measure reading and extracting,
and building the rows as DataFrames keeps the fixture to a couple of seconds.

Deterministic: a seeded generator and fixed file names, so two builds hold the
same figures. The figures are synthetic and recorded under the illustrative
sample's submitter name, so every page shows the illustrative-data banner.

`teams_for_every_indicator=True` gives every indicator twenty team rows too
(about 26,000 figures rather than 6,400): a stress case for exports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from core.catalogue import Catalogue, catalogue
from core.periods import add_months, financial_year_label
from etl.ingest.load import Prepared, commit
from etl.ingest.validate import OBSERVATION_COLUMNS
from etl.sample.bundled import SAMPLE_SUBMITTER
from etl.store.database import Store
from etl.store.revisions import TARGET_COLUMNS

FIRST_MONTH = dt.date(2015, 4, 1)
YEARS = 10
TEAMS = tuple(f"Locality team {n:02d}" for n in range(1, 21))
SEED = 20150401


def _months() -> list[dt.date]:
    return [add_months(FIRST_MONTH, n) for n in range(12 * YEARS)]


def _count_rows(rng: np.random.Generator, months: list[dt.date]) -> dict[str, np.ndarray]:
    """Whole-authority counts that the percentages and bands are built on."""
    n = len(months)
    trend = np.linspace(0, 1, n)
    return {
        "REFERRALS": np.round(300 + 60 * trend + rng.normal(0, 20, n)).clip(150),
        "LAC_COUNT": np.round(400 + 90 * trend + rng.normal(0, 6, n)).clip(300),
        "ASSESS_DONE": np.round(260 + rng.normal(0, 25, n)).clip(100),
    }


def _records(cat: Catalogue, every_indicator_by_team: bool) -> list[tuple]:
    rng = np.random.default_rng(SEED)
    months = _months()
    counts = _count_rows(rng, months)
    rows: list[tuple] = []

    def add(code: str, m: int, breakdown: str, value: float, num=None, den=None) -> None:
        rows.append((code, months[m], breakdown, float(value), num, den, None, "data", len(rows)))

    for m in range(len(months)):
        referrals, lac, assessed = (counts[k][m] for k in ("REFERRALS", "LAC_COUNT", "ASSESS_DONE"))
        add("REFERRALS", m, "", referrals)
        add("LAC_COUNT", m, "", lac)
        for code, den, rate in (
            ("REF_24H", referrals, rng.uniform(0.85, 0.99)),
            ("REREF_12M", referrals, rng.uniform(0.18, 0.28)),
            ("ASSESS_45WD", assessed, rng.uniform(0.75, 0.93)),
            ("LAC_OOA", lac, rng.uniform(0.28, 0.40)),
        ):
            num = round(den * rate)
            add(code, m, "", round(100 * num / den, 1), float(num), float(den))
        far = int(rng.integers(3, 12))  # sometimes 1-5: exercises suppression at scale
        mid = int(rng.integers(14, 26))
        near20 = int(rng.integers(38, 62))
        under = int(lac) - far - mid - near20
        for band, value in zip(
            cat.breakdown_values["distance_band"], (under, near20, mid, far), strict=True
        ):
            add("LAC_DISTANCE", m, band, value)
        add("LAC_20MI", m, "", round(100 * under / lac, 1), float(under), float(lac))
        team_avg = rng.normal(18, 3, len(TEAMS)).clip(10, 30).round(1)
        over = rng.integers(0, 6, len(TEAMS))
        add("CASELOAD_AVG", m, "", round(float(team_avg.mean()), 1))
        add("CASELOAD_OVER_22", m, "", int(over.sum()))
        for team, avg, n_over in zip(TEAMS, team_avg, over, strict=True):
            add("CASELOAD_AVG", m, team, avg)
            add("CASELOAD_OVER_22", m, team, int(n_over))
        _other_rows(cat, rng, m, add, months[m])
        if every_indicator_by_team:
            _team_rows(cat, rng, m, add)
    return rows


HAND_MADE = {"REFERRALS", "LAC_COUNT", "REF_24H", "REREF_12M", "ASSESS_45WD", "LAC_OOA",
             "LAC_DISTANCE", "LAC_20MI", "CASELOAD_AVG", "CASELOAD_OVER_22"}  # fmt: skip


def _other_rows(cat: Catalogue, rng: np.random.Generator, m: int, add, month: dt.date) -> None:
    """Every other uploadable indicator (issue 14's among them), whole authority: the derived
    rates are worked out on reading, and the population is entered each April."""
    for ind in cat.uploadable:
        if ind.code in HAND_MADE:
            continue
        if ind.code == "POP_0_17":
            if month.month == 4:
                add(ind.code, m, "", 56_000 + 50 * (m // 12))
        elif ind.unit == "percent":
            den = int(rng.integers(20, 400))
            num = int(rng.integers(0, den + 1))
            add(ind.code, m, "", round(100 * num / den, 1), float(num), float(den))
        else:
            add(ind.code, m, "", int(rng.integers(0, 400)))


def _team_rows(cat: Catalogue, rng: np.random.Generator, m: int, add) -> None:
    """Stress case only: twenty team rows for every uploadable indicator not already by team."""
    for ind in cat.uploadable:
        if ind.breakdown == "team":
            continue
        for team in TEAMS:
            if ind.unit == "percent":
                den = int(rng.integers(2, 40))
                num = int(rng.integers(0, den + 1))
                add(ind.code, m, team, round(100 * num / den, 1), float(num), float(den))
            else:
                add(ind.code, m, team, int(rng.integers(0, 30)))


def scaled_frames(every_indicator_by_team: bool = False) -> dict[str, pd.DataFrame]:
    """The observations, one frame per financial year, keyed by its label (2015/16)."""
    cat = catalogue()
    frame = pd.DataFrame.from_records(
        _records(cat, every_indicator_by_team), columns=OBSERVATION_COLUMNS
    )
    years = frame["period"].map(lambda p: financial_year_label(p))
    return {label: part.reset_index(drop=True) for label, part in frame.groupby(years, sort=True)}


def build_scaled_db(path: Path, every_indicator_by_team: bool = False) -> None:
    """Write the scaled dataset into a new DuckDB file at `path` (replaced if present)."""
    path = Path(path)
    path.unlink(missing_ok=True)
    store = Store(path)
    for label, observations in scaled_frames(every_indicator_by_team).items():
        name = f"scaled-{label.replace('/', '-')}.xlsx"
        digest = hashlib.sha256(pd.util.hash_pandas_object(observations).to_numpy().tobytes())
        prepared = Prepared(
            file_name=name,
            sha256=digest.hexdigest(),
            layout="long",
            sheet="data",
            observations=observations,
            targets=pd.DataFrame(columns=TARGET_COLUMNS),
        )
        commit(store, prepared, SAMPLE_SUBMITTER)


if __name__ == "__main__":  # python -m bench.scaled_data PATH
    import sys

    build_scaled_db(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/cyps-scaled.duckdb"))
