"""The audit log on screen reads as sentences, not JSON (issue 16 §5); the export keeps the
raw detail. On the sample database's real audit rows."""

from __future__ import annotations

import time

from core.roles import DIRECTOR
from etl.store import audit
from etl.store.database import Store
from ui import audit_log
from ui.session import SignedInUser

DIRECTOR_USER = SignedInUser(
    "Dee Director", "dee@council.gov.uk", DIRECTOR, sign_in="d", expires_at=time.time() + 3600
)


def test_a_load_reads_as_a_sentence_with_its_counts(sample_db: Store) -> None:
    shown = audit_log.view(sample_db, DIRECTOR_USER, audit_log.AuditFilter(actions=("commit",)))
    first = shown["detail"].iloc[0]
    file = "cyps-sample-scorecard-2016-17-q4-revisions.xlsx"
    assert first == f"Loaded {file} (submission 4): 0 new, 2 changed."
    assert not any(text.startswith("{") for text in shown["detail"])
    raw = audit.events(sample_db, ("commit",))["detail"].iloc[0]
    assert raw.startswith("{") and '"changed": 2' in raw  # the stored detail is untouched


def test_a_refused_load_says_it_was_tried_and_why() -> None:
    detail = '{"file": "bad.xlsx", "via": "command line", "reasons": ["Row 3: not a month."]}'
    assert audit_log.sentence("commit", "refused", detail) == (
        "Tried to load bad.xlsx: via command line (refused). Row 3: not a month."
    )
