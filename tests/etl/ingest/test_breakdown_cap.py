"""Issue 13 §1: an indicator may hold at most `[breakdowns] max_distinct` distinct teams.

1,392 distinct team names made the Caseloads page run for minutes. A file that would give
an indicator more distinct breakdowns than the cap, counting those already stored, is
refused with a sentence naming the indicator and the count, and nothing is stored.
"""

from __future__ import annotations

import pytest

from core.roles import User
from core.settings import settings
from etl.ingest.load import commit, prepare
from etl.ingest.problems import Invalid
from etl.store.database import Store
from tests.etl.ingest.hostile_files import LONG, snapshot
from tests.workbooks import xlsx
from ui.upload_flow import check_upload

DIRECTOR = User("Dee Director", "dee@council.gov.uk", "director")


def teams(names: list[str]) -> bytes:
    return xlsx([LONG] + [["CASELOAD_AVG", "2017-04", name, 15] for name in names])


def _stored_teams(store: Store) -> list[str]:
    return store.query(
        "SELECT DISTINCT breakdown FROM current_observations "
        "WHERE indicator = 'CASELOAD_AVG' AND breakdown <> ''"
    )["breakdown"].tolist()


def test_a_file_of_1392_team_names_is_refused_naming_the_indicator_and_the_count(
    sample_db: Store,
) -> None:
    before = snapshot(sample_db)
    check = check_upload(
        sample_db, DIRECTOR, "teams.xlsx", teams([f"Team {n}" for n in range(1392)])
    )
    assert not check.ok and len(check.problems) == 1
    sentence = check.problems[0].describe()
    stored = len(_stored_teams(sample_db))  # the sample's own teams count too
    assert "CASELOAD_AVG" in sentence and f"{1392 + stored} distinct breakdowns" in sentence
    assert "more than the 50" in sentence
    assert snapshot(sample_db) == before
    row = sample_db.query("SELECT outcome, detail FROM audit_log ORDER BY id DESC LIMIT 1")
    assert row["outcome"].iloc[0] == "refused" and "CASELOAD_AVG" in row["detail"].iloc[0]


def test_the_cap_counts_the_teams_already_stored(
    sample_db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = _stored_teams(sample_db)
    assert stored  # the sample holds caseloads by team
    monkeypatch.setitem(settings()["breakdowns"], "max_distinct", len(stored))
    same = check_upload(sample_db, DIRECTOR, "same.xlsx", teams(stored))
    assert same.ok  # the stored teams again: still within the cap
    one_more = check_upload(sample_db, DIRECTOR, "more.xlsx", teams([*stored, "Edge of Care"]))
    assert not one_more.ok
    assert f"{len(stored) + 1} distinct breakdowns" in one_more.problems[0].describe()


def test_commit_refuses_past_the_cap_too(sample_db: Store) -> None:
    prepared = prepare("teams.xlsx", teams([f"Team {n}" for n in range(60)]))
    before = snapshot(sample_db)
    with pytest.raises(Invalid):
        commit(sample_db, prepared, "someone")
    assert snapshot(sample_db) == before
