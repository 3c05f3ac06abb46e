"""A director removes commentary stored by mistake: from every version, signed, audit-logged, gone.

The text a director pastes by mistake is a child's name; after the redaction it is in no
version of the figure, in no audit row, and nowhere in the database file's bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from core.roles import DIRECTOR, MEMBER, OFFICER, NotAllowed, User
from etl.cli.main import main
from etl.store import audit
from etl.store.database import Store
from etl.store.integrity import check
from etl.store.redaction import NotRedacted, redact
from tests.etl.store.store_files import checkpointed, load, sha256
from ui.redaction import redact_commentary

NAME = "Zebedee Quuxworth"
PASTED = f"Rise due to the {NAME} sibling group (placed 3 May)"
APRIL = dt.date(2015, 4, 1)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """The name pasted in April's note, kept in two versions, plus another month's note."""
    store = Store(tmp_path / "cyps.duckdb")
    load(store, [["LAC_COUNT", "2015-04", 410, PASTED], ["LAC_COUNT", "2015-05", 415, "Steady"]])
    load(store, [["LAC_COUNT", "2015-04", 412, PASTED]], "revised.xlsx")
    checkpointed(store)
    assert NAME.encode() in store.path.read_bytes()
    return store


def _notes(store: Store) -> list[tuple]:
    return store.query(
        "SELECT submission_id, period, commentary FROM observations ORDER BY ALL"
    ).values.tolist()


def test_the_text_is_replaced_in_every_version_and_gone_from_the_file(store: Store) -> None:
    version_before = store.data_version()
    done = redact(store, 1, "LAC_COUNT", APRIL, "a child's name", "dee@council.gov.uk")
    stamp = f"[removed by dee@council.gov.uk on {dt.date.today():%d %B %Y}: a child's name]"
    assert done.text == stamp and done.versions_changed == 2 and done.compacted
    notes = _notes(store)
    assert [n[2] for n in notes if n[1].month == 4] == [stamp, stamp]
    assert [n[2] for n in notes if n[1].month == 5] == ["Steady"]  # other months untouched
    assert NAME.encode() not in store.path.read_bytes()
    assert store.data_version() != version_before  # pages read the figures afresh
    assert check(store).ok


def test_the_redaction_is_audited_with_who_and_why_but_not_the_text(store: Store) -> None:
    redact(store, 2, "LAC_COUNT", APRIL, "a child's name", "dee@council.gov.uk", DIRECTOR)
    event = audit.events(store, ["redact"]).iloc[0]
    detail = json.loads(event["detail"])
    assert (event["username"], event["role"], event["outcome"]) == (
        "dee@council.gov.uk",
        DIRECTOR,
        "done",
    )
    assert detail["reason"] == "a child's name" and detail["submissions"] == [1, 2]
    assert detail["indicator"] == "LAC_COUNT" and detail["period"] == "2015-04"
    assert NAME not in store.query("SELECT string_agg(detail, ' ') AS d FROM audit_log")["d"][0]


@pytest.mark.parametrize(
    ("submission", "indicator", "month", "reason", "why"),
    [
        (9, "LAC_COUNT", APRIL, "name", "There is no submission 9"),
        (1, "REFERRALS", APRIL, "name", "holds no figure for REFERRALS in April 2015"),
        (2, "LAC_COUNT", dt.date(2015, 5, 1), "name", "holds no figure for LAC_COUNT in May"),
        (1, "LAC_COUNT", APRIL, "   ", "Give a reason"),
    ],
)
def test_a_redaction_that_cannot_be_done_changes_nothing(
    store: Store, submission: int, indicator: str, month: dt.date, reason: str, why: str
) -> None:
    before = sha256(store.path)
    with pytest.raises(NotRedacted, match=why):
        redact(store, submission, indicator, month, reason, "dee@council.gov.uk")
    assert sha256(store.path) == before


def test_redacting_twice_says_it_was_already_removed(store: Store) -> None:
    redact(store, 1, "LAC_COUNT", APRIL, "a child's name", "dee")
    with pytest.raises(NotRedacted, match="already removed"):
        redact(store, 1, "LAC_COUNT", APRIL, "again", "dee")


def test_the_command_line_redacts_and_records_the_server_account(store: Store, capsys) -> None:
    code = main(
        [
            "redact", "--db", str(store.path), "--submission", "1", "--indicator", "LAC_COUNT",
            "--period", "2015-04", "--reason", "a child's name", "--user", "dee@council.gov.uk",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "replaced in 2 stored version(s)" in out and "Backups taken before now" in out
    event = audit.events(store, ["redact"]).iloc[0]
    assert event["username"] == "dee@council.gov.uk" and event["os_user"]
    assert NAME.encode() not in store.path.read_bytes()


def test_the_command_line_refuses_with_a_sentence(store: Store, capsys) -> None:
    before = sha256(store.path)
    args = ["redact", "--db", str(store.path), "--submission", "1", "--indicator", "LAC_COUNT"]
    code = main([*args, "--period", "2015-06", "--reason", "x", "--user", "dee"])
    assert code == 1
    assert "holds no figure for LAC_COUNT in June 2015" in capsys.readouterr().err
    assert sha256(store.path) == before


@pytest.mark.parametrize("role", [MEMBER, OFFICER])
def test_only_a_director_may_redact(store: Store, role: str) -> None:
    before = sha256(store.path)
    with pytest.raises(NotAllowed, match="redact"):
        redact_commentary(store, User("X", "x@council.gov.uk", role), 1, "LAC_COUNT", APRIL, "r")
    assert sha256(store.path) == before
    director = User("Dee", "dee@council.gov.uk", DIRECTOR)
    assert redact_commentary(store, director, 1, "LAC_COUNT", APRIL, "r").versions_changed == 2
