"""On the illustrative sample, the Overview's assurance never reads against its RAG unexplained.

Issue 12 found March 2017 saying "On target" and "Will consistently miss the target" side by side
for average caseload (17.0 against 18) and assessments in 45 days (91.0% against 90%). The
database is built as the dashboard builds it (tests/conftest.py) and the scorecard as the
Overview and the committee report build it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.scorecard import build_scorecard, display_table, months_with_data
from core.catalogue import catalogue
from core.periods import add_months
from etl.store import queries

CAT = catalogue()
MARCH_2017 = dt.date(2017, 3, 1)
WHY = "Why this differs from the status:"


@pytest.fixture
def sample_inputs(sample_db) -> tuple[pd.DataFrame, pd.DataFrame]:
    return queries.current_values(sample_db), queries.targets(sample_db)


def test_march_2017_caseload_and_assessments_read_the_same_on_status_and_assurance(
    sample_inputs,
):
    values, targets = sample_inputs
    card = build_scorecard(values, targets, CAT, MARCH_2017)
    table = display_table(card, CAT).set_index("code")
    for code, latest in (("CASELOAD_AVG", "17.0"), ("ASSESS_45WD", "91.0%")):
        row = table.loc[code]
        assert row["Latest"] == latest
        assert row["Status"] == "✔ On target"
        assert "consistently miss" not in row["Assurance (SPC)"], row["Assurance (SPC)"]
        assert WHY not in row["Assurance (SPC)"]
    keys = card.set_index("code")["assurance_key"]
    assert keys["CASELOAD_AVG"] == "pass"  # limits 16.8 to 17.9 since April 2016, target 18
    assert keys["ASSESS_45WD"] == "hit_and_miss"  # limits 85.7% to 92.0% since January 2016
    with_target = card.loc[card["target"].notna(), "assurance_key"]
    assert set(with_target) != {"fail"}, "not every measure with a target fails"


def test_no_month_shows_an_assurance_against_its_rag_without_saying_why(sample_inputs):
    values, targets = sample_inputs
    months = sorted(months_with_data(values))
    cards = {m: build_scorecard(values, targets, CAT, m).set_index("code") for m in months}
    checked = 0
    for month in months:
        card = cards[month]
        for code, row in card.iterrows():
            key, text = row["assurance_key"], row["assurance_icon"]
            if key not in ("pass", "fail", "hit_and_miss"):
                continue
            checked += 1
            earlier = [add_months(month, -n) for n in range(12)]
            statuses = [cards[m].loc[code, "rag"] for m in earlier if m in cards]
            twelve_met = len(statuses) == 12 and all(s == "green" for s in statuses)
            twelve_missed = len(statuses) == 12 and all(s in ("amber", "red") for s in statuses)
            against = (
                (key == "fail" and (row["rag"] == "green" or twelve_met))
                or (key == "pass" and (row["rag"] in ("amber", "red") or twelve_missed))
                or (key == "hit_and_miss" and (twelve_met or twelve_missed))
            )
            assert (WHY in text) == against, (month, code, key, row["rag"], text)
    assert checked > 100
