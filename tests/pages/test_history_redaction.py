"""A director removes a note from the Submission history page, in every version, audit-logged.

Demo mode over a copy of the illustrative sample, driven through AppTest as a person would:
pick the submission, pick the note, give a reason, tick, click.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from etl.store import audit
from etl.store.database import Store
from tests.pages.screens import screen
from ui import access

TIMEOUT = 60


@pytest.fixture
def db(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    monkeypatch.setenv("CYPS_DEMO", "on")
    return sample_db


def _history(role: str) -> AppTest:
    at = screen("history", TIMEOUT)
    at.session_state[access.DEMO_ROLE_KEY] = role
    at.run()
    assert not at.exception, at.exception
    return at


def _first_note(db: Store) -> tuple[int, str, str]:
    row = db.query(
        "SELECT submission_id, indicator, commentary FROM observations "
        "WHERE commentary IS NOT NULL ORDER BY submission_id, indicator, period LIMIT 1"
    ).iloc[0]
    return int(row.submission_id), str(row.indicator), str(row.commentary)


def test_a_director_removes_a_note_from_every_version(db: Store) -> None:
    submission, indicator, text = _first_note(db)
    at = _history("director")
    at.selectbox(key="history_pick").select(submission).run()
    assert at.button(key=f"redact_button_{submission}").disabled  # no reason, no tick yet
    at.text_input(key=f"redact_reason_{submission}").input("a child's name").run()
    at.checkbox(key=f"redact_confirm_{submission}").check().run()
    at.button(key=f"redact_button_{submission}").click().run()
    assert not at.exception, at.exception
    said = " ".join(str(s.value) for s in at.success).replace("\\", "")
    assert f"Commentary for {indicator}" in said and "a child's name" in said
    left = db.query("SELECT count(*) AS n FROM observations WHERE commentary = ?", [text])
    assert left["n"].iloc[0] == 0
    event = audit.events(db, ["redact"]).iloc[0]
    assert json.loads(event["detail"])["reason"] == "a child's name"
    assert event["role"] == "director"
