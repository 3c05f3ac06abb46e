"""The audit log records who did what and when, for uploads, refusals, rollbacks and extracts."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.secrets import Secrets

from core.roles import DIRECTOR, MEMBER, OFFICER, NotAllowed, User
from core.settings import SAMPLE_DIR
from etl.ingest import load, rollback
from etl.ingest.problems import FileRefused, Invalid
from etl.store import audit
from etl.store.database import Store
from ui import access, audit_log
from ui.session import SignedInUser

# Signed in through the identity provider for the next hour, as ui.access makes users from
# st.user (a real user without a sign-in that still holds is refused at every action).
_HOUR = time.time() + 3600
DIRECTOR_USER = SignedInUser(
    "Dee Director", "dee@council.gov.uk", DIRECTOR, sign_in="d", expires_at=_HOUR
)
OFFICER_USER = SignedInUser(
    "Olu Officer", "olu@council.gov.uk", OFFICER, sign_in="o", expires_at=_HOUR
)
MEMBER_USER = SignedInUser("Cllr Mo", "mo@council.gov.uk", MEMBER, sign_in="m", expires_at=_HOUR)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "cyps.duckdb")


@pytest.fixture(autouse=True)
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A deployment with an identity provider and these three people's roles.

    Actions re-confirm the user against the configuration in force, so the test
    users must really hold their roles there.
    """
    roles = tmp_path / "roles.toml"
    roles.write_text(
        '[emails]\n"dee@council.gov.uk" = "director"\n"olu@council.gov.uk" = "officer"\n'
        '"mo@council.gov.uk" = "member"\n'
    )
    monkeypatch.setattr(access, "ROLES_FILE", roles)
    access._roles_cache.clear()
    secrets = Secrets()
    secrets._secrets = {"auth": {"client_id": "x", "server_metadata_url": "https://idp"}}
    monkeypatch.setattr(st, "secrets", secrets)
    yield
    access._roles_cache.clear()


def _events(store: Store) -> pd.DataFrame:
    frame = audit.events(store).sort_values("id")
    frame["detail"] = frame["detail"].map(json.loads)
    return frame.reset_index(drop=True)


def _just_now(when: pd.Timestamp) -> bool:
    return abs(dt.datetime.now() - when.to_pydatetime()) < dt.timedelta(minutes=1)


def _upload(store: Store, user: User, name: str, content: bytes) -> load.CommitResult | None:
    """What the upload page does: check, record the outcome, commit if accepted."""
    try:
        prepared = load.prepare(name, content)
    except FileRefused as err:
        audit.log_upload(store, user.audit_name, name, False, [str(err)], user.role)
        return None
    except Invalid as err:
        reasons = [p.describe() for p in err.problems]
        audit.log_upload(store, user.audit_name, name, False, reasons, user.role)
        return None
    audit.log_upload(store, user.audit_name, name, True, role=user.role)
    return load.commit(store, prepared, user.audit_name, role=user.role)


def test_an_accepted_upload_records_the_upload_and_the_commit(store: Store) -> None:
    name = "cyps-sample-2014-15.xlsx"
    result = _upload(store, DIRECTOR_USER, name, (SAMPLE_DIR / name).read_bytes())
    events = _events(store)
    assert list(events["action"]) == ["upload", "commit"]
    assert list(events["outcome"]) == ["accepted", "accepted"]
    assert set(events["username"]) == {"dee@council.gov.uk"}
    assert set(events["role"]) == {DIRECTOR}
    assert events["occurred_at"].map(_just_now).all()
    commit = events["detail"].iloc[1]
    assert commit["submission"] == result.submission_id
    assert commit["file"] == name
    assert commit["added"] == result.added > 0


def test_a_refused_upload_records_the_reasons_and_loads_nothing(store: Store) -> None:
    _upload(store, DIRECTOR_USER, "march.xlsx", b"this is not a spreadsheet")
    events = _events(store)
    assert list(events["action"]) == ["upload"]
    assert events["outcome"].iloc[0] == "refused"
    detail = events["detail"].iloc[0]
    assert detail["file"] == "march.xlsx"
    assert detail["reason_count"] == 1
    assert detail["reasons"][0]  # the sentence the director was shown
    assert store.query("SELECT count(*) AS n FROM submissions")["n"].iloc[0] == 0


def test_a_refused_upload_keeps_at_most_twenty_reasons_and_the_count(store: Store) -> None:
    reasons = [f"sheet 'data', row {n}: not a number" for n in range(2, 60)]
    audit.log_upload(store, "dee@council.gov.uk", "bad.xlsx", False, reasons, DIRECTOR)
    detail = _events(store)["detail"].iloc[0]
    assert len(detail["reasons"]) == audit.MAX_REASONS
    assert detail["reason_count"] == len(reasons)


def test_a_rollback_records_who_rolled_back_what(store: Store) -> None:
    name = "cyps-sample-2014-15.xlsx"
    result = _upload(store, DIRECTOR_USER, name, (SAMPLE_DIR / name).read_bytes())
    rollback.rollback(store, result.submission_id, "dee@council.gov.uk", DIRECTOR)
    last = _events(store).iloc[-1]
    assert (last["action"], last["outcome"], last["username"], last["role"]) == (
        "rollback",
        "done",
        "dee@council.gov.uk",
        DIRECTOR,
    )
    assert last["detail"]["submission"] == result.submission_id
    assert last["detail"]["figures_restored"] > 0
    assert _just_now(last["occurred_at"])


def test_an_extract_records_what_was_taken(store: Store) -> None:
    audit.log_extract(store, "olu@council.gov.uk", "figures", 120, "xlsx", OFFICER, {"from": "x"})
    event = _events(store).iloc[0]
    assert (event["action"], event["outcome"], event["role"]) == ("extract", "done", OFFICER)
    assert event["detail"] == {"what": "figures", "rows": 120, "format": "xlsx", "from": "x"}


def test_officers_export_the_audit_log_and_the_export_is_itself_recorded(store: Store) -> None:
    audit.log(store, '=HYPERLINK("http://evil")', "sign_in", "no_role", {}, None)
    csv = audit_log.export_csv(store, OFFICER_USER, audit_log.AuditFilter())
    text = csv.decode("utf-8-sig")
    assert "'=HYPERLINK" in text  # formula-like text is neutralised for Excel
    last = _events(store).iloc[-1]
    assert (last["action"], last["username"], last["role"]) == (
        "extract",
        "olu@council.gov.uk",
        OFFICER,
    )
    assert last["detail"]["what"] == "audit_log"
    assert last["detail"]["rows"] == 1


def test_members_cannot_export_or_view_the_audit_log(store: Store) -> None:
    with pytest.raises(NotAllowed):
        audit_log.export_csv(store, MEMBER_USER, audit_log.AuditFilter())
    with pytest.raises(NotAllowed):
        audit_log.export_csv(store, None, audit_log.AuditFilter())
    with pytest.raises(NotAllowed):
        audit_log.view(store, MEMBER_USER, audit_log.AuditFilter())
    with pytest.raises(NotAllowed):
        audit_log.view(store, OFFICER_USER, audit_log.AuditFilter())
    assert audit.events(store).empty  # a refused export writes no extract event


def test_an_officer_whose_role_was_removed_cannot_use_an_old_download_button(
    store: Store, tmp_path: Path
) -> None:
    """The page captured the officer when it was drawn; the role went before the click."""
    (tmp_path / "roles.toml").write_text("[emails]\n")
    access._roles_cache.clear()
    with pytest.raises(NotAllowed):
        audit_log.export_csv(store, OFFICER_USER, audit_log.AuditFilter())


def test_the_audit_log_filters_by_action_user_and_date(store: Store) -> None:
    audit.log(store, "dee@council.gov.uk", "sign_in", "signed_in", {}, DIRECTOR)
    audit.log(store, "olu@council.gov.uk", "extract", "done", {}, OFFICER)
    view = audit_log.view
    assert len(view(store, DIRECTOR_USER, audit_log.AuditFilter(actions=("extract",)))) == 1
    assert len(view(store, DIRECTOR_USER, audit_log.AuditFilter(user_contains="DEE"))) == 1
    today = dt.date.today()
    assert len(view(store, DIRECTOR_USER, audit_log.AuditFilter(first=today, last=today))) == 2
    yesterday = today - dt.timedelta(days=1)
    assert view(store, DIRECTOR_USER, audit_log.AuditFilter(first=yesterday, last=yesterday)).empty
