"""Each role, signed in through a simulated identity provider, reaches only what it may.

AppTest fakes the signed-in user (`at.user`) and the deployment's secrets
(`at.secrets`). Full-navigation tests need every page in NAVIGATION_TABLE; until
they all exist those tests skip, naming the missing files.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.roles import DIRECTOR, MEMBER, OFFICER, ROLES, may
from etl.store import audit
from etl.store.database import Store
from tests.pages.screens import app
from ui import access
from ui.navigation import NAVIGATION as NAVIGATION_TABLE

ROOT = Path(__file__).resolve().parents[2]
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "cid",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example/.well-known/openid-configuration",
}
PEOPLE = {
    MEMBER: "mo@council.gov.uk",
    OFFICER: "olu@council.gov.uk",
    DIRECTOR: "dee@council.gov.uk",
}
TIMEOUT = 60


@pytest.fixture(scope="session")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database for the module, not empty, so the dashboard does not load the sample.

    These tests are about access, not figures; one submission row is enough. It is a
    demo user's, since demo mode is refused beside figures loaded by a named person.
    """
    path = tmp_path_factory.mktemp("db") / "cyps.duckdb"
    with Store(path).writing() as con:
        con.execute(
            "INSERT INTO submissions (file_name, sha256, submitted_by, submitted_at, "
            "values_added, values_changed, values_unchanged, values_skipped, targets_changed) "
            "VALUES ('seed.xlsx', 'seed', 'demo-director@example.invalid', now()::TIMESTAMP, "
            "0, 0, 0, 0, 0)"
        )
    return path


@pytest.fixture(autouse=True)
def deployment(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A roles file granting the three PEOPLE their roles through groups, and a test database."""
    monkeypatch.setenv("CYPS_DB", str(db_path))
    monkeypatch.setenv("CYPS_DEMO", "on")  # the demo opt-in, as `make run` sets it
    roles = tmp_path / "roles.toml"
    roles.write_text(
        "[groups]\n"
        + "".join(f'"grp-{role}" = "{role}"\n' for role in ROLES)
        + "[demo]\nenabled = true\n"
    )
    monkeypatch.setattr(access, "ROLES_FILE", roles)
    access._roles_cache.clear()
    yield roles
    access._roles_cache.clear()


def _token(role: str | None, email: str | None = None, lifetime: float = 3600, **extra) -> dict:
    """st.user as Streamlit fills it from an ID token: who, their groups, issued and expiry."""
    issued = time.time()
    return {
        "is_logged_in": True,
        "iss": "https://login.example",
        "sub": email or PEOPLE[role],
        "iat": int(issued),
        "exp": int(issued + lifetime),
        "nonce": f"nonce-{issued}",
        "name": f"Test {role}",
        "email": email or PEOPLE[role],
        "groups": [f"grp-{role}"] if role else [],
        **extra,
    }


def _signed_in(
    script: str, role: str | None, email: str | None = None, token: dict | None = None
) -> AppTest:
    at = app(script, TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = token or _token(role, email)
    return at


def _read(element) -> str:
    """An element's text as a reader sees it: md() escapes markdown's characters in the source."""
    return str(element.value).replace("\\", "")


def _last_events(db_path: Path, n: int = 1) -> list[dict]:
    frame = audit.events(Store(db_path), limit=n)
    return frame.to_dict("records")


def _missing_pages() -> list[str]:
    return [spec.source for spec in NAVIGATION_TABLE if not (ROOT / spec.source).exists()]


# --- the door: who gets which page before any figures ---------------------------------------


def test_nobody_signed_in_sees_only_the_sign_in_button() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in with your council account"]
    assert not at.selectbox  # no demo role picker
    assert not at.dataframe and not at.metric


def test_signed_in_without_a_role_is_asked_to_request_access(db_path: Path) -> None:
    at = _signed_in("dashboard.py", None, email="new.starter@council.gov.uk")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Ask for access"
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # as read: md() escapes
    assert "new.starter@council.gov.uk" in text
    assert "cyps.performance@example.gov.uk" in text
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.dataframe and not at.metric
    event = _last_events(db_path)[0]
    assert (event["action"], event["outcome"], event["username"]) == (
        "sign_in",
        "no_role",
        "new.starter@council.gov.uk",
    )


def test_demo_mode_is_refused_when_an_identity_provider_is_configured() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.session_state[access.DEMO_ROLE_KEY] = DIRECTOR  # a crafted "demo" choice
    at.run()
    assert not at.exception
    assert not at.selectbox
    assert [b.label for b in at.button] == ["Sign in with your council account"]
    assert not any("Demo mode" in w.value for w in at.warning)


def test_with_demo_mode_off_and_no_sign_in_nothing_but_an_explanation_is_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CYPS_DEMO", "off")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Sign-in is not set up yet"
    assert "CYPS_DEMO=on" in at.warning[0].value
    assert not at.dataframe and not at.metric and not at.button


def test_a_mistyped_role_locks_everyone_out_with_whom_to_contact_and_no_detail(
    deployment, caplog
) -> None:
    """The detail names someone else's address and the secrets' layout: the server log only."""
    deployment.write_text('[emails]\n"someone.else@council.gov.uk" = "Director"\n')
    access._roles_cache.clear()
    at = _signed_in("dashboard.py", DIRECTOR)
    with caplog.at_level(logging.ERROR, logger="__main__"):
        at.run()
    assert not at.exception
    shown = " ".join(_read(e) for e in (*at.title, *at.error, *at.markdown))
    assert at.title[0].value == "Access cannot be checked"
    assert "Access cannot be checked, so no figures are shown. Please contact" in shown
    assert "cyps.performance@example.gov.uk" in shown
    assert "someone.else" not in shown and "[emails]" not in shown and "Director" not in shown
    assert "someone.else@council.gov.uk" in caplog.text and "'Director'" in caplog.text
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.dataframe and not at.metric


# --- the audit page, reached directly (as a crafted URL or stale session would) -------------


def test_a_member_opening_the_audit_page_directly_is_refused() -> None:
    at = _signed_in("pages/audit.py", MEMBER)
    at.run()
    assert not at.exception
    assert "does not allow this: export audit" in _read(at.error[0])
    assert not at.dataframe and not at.get("download_button")


def test_an_officer_gets_the_export_but_not_the_table() -> None:
    at = _signed_in("pages/audit.py", OFFICER)
    at.run()
    assert not at.exception
    assert not at.dataframe
    assert at.get("download_button")
    assert not at.multiselect  # the filters that only make sense on screen


def test_a_director_reads_the_log_and_can_filter_it(db_path: Path) -> None:
    audit.log(Store(db_path), "olu@council.gov.uk", "extract", "done", {"what": "x"}, OFFICER)
    at = _signed_in("pages/audit.py", DIRECTOR)
    at.run()
    assert not at.exception
    assert at.get("download_button")
    at.multiselect[0].set_value(["extract"]).run()
    shown = at.dataframe[0].value
    assert len(shown) >= 1
    assert set(shown["action"]) == {"extract"}


def test_an_officer_whose_role_is_removed_loses_the_page_on_the_next_run(deployment) -> None:
    """The role is read from st.user and the roles file on every run, never from the session."""
    at = _signed_in("pages/audit.py", OFFICER)
    at.run()
    assert not at.exception
    deployment.write_text("[groups]\n")
    access._roles_cache.clear()
    at.run()
    assert "(no role) does not allow this" in _read(at.error[0])
    assert not at.get("download_button")


# --- the whole navigation, per role (needs every page file) ---------------------------------


def _pages_ready() -> None:
    missing = _missing_pages()
    if missing:
        pytest.skip(f"pages not written yet: {', '.join(missing)}")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_its_pages_and_no_others(role: str) -> None:
    _pages_ready()
    at = _signed_in("dashboard.py", role)
    at.run()
    assert not at.exception
    for spec in NAVIGATION_TABLE:
        if may(access.demo_user(role), spec.action):
            at.switch_page(spec.source).run()
            assert not at.exception, spec.source
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(spec.source)


NAVIGATION = {
    MEMBER: {"overview", "benchmarking", "plan", "report", "about"},
    OFFICER: {"overview", "benchmarking", "plan", "report", "about", "extract", "audit"},
    DIRECTOR: {
        "overview",
        "benchmarking",
        "plan",
        "report",
        "about",
        "extract",
        "audit",
        "upload",
        "history",
    },
}


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_lists_exactly_the_pages_each_role_may_use(role: str) -> None:
    user = access.demo_user(role)
    assert {s.url_path for s in NAVIGATION_TABLE if may(user, s.action)} == NAVIGATION[role]


def test_demo_mode_is_bannered_and_the_chosen_role_is_audited(
    db_path: Path, deployment: Path
) -> None:
    _pages_ready()
    # Demo mode is refused while any real group holds a role, so this test's roles file
    # grants none: the state of a fresh checkout.
    deployment.write_text("[demo]\nenabled = true\n")
    access._roles_cache.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert any("Demo mode" in w.value for w in at.warning)
    assert at.selectbox(key=access.DEMO_ROLE_KEY).value == MEMBER  # the least privilege first
    at.selectbox(key=access.DEMO_ROLE_KEY).set_value(OFFICER).run()
    at.selectbox(key=access.DEMO_ROLE_KEY).set_value(MEMBER).run()
    assert not at.exception
    event = _last_events(db_path)[0]
    assert (event["action"], event["outcome"], event["role"]) == ("sign_in", "demo", MEMBER)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/upload.py")
