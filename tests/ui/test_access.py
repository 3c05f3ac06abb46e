"""Who may do what, and when demo mode may run: the rules, tested without drawing a page."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.secrets import Secrets

from core.roles import (
    DIRECTOR,
    MEMBER,
    OFFICER,
    PERMISSIONS,
    ROLES,
    NotAllowed,
    User,
    may,
    require,
    roles_allowed,
)
from etl.ingest.load import commit, prepare
from etl.store.database import Store
from tests.workbooks import LONG_HEADER, xlsx
from ui import access, session

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "cid",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example/.well-known/openid-configuration",
}

# The issue's rule, written out independently of PERMISSIONS so a change to one is caught.
EXPECTED = {
    MEMBER: {"view"},
    OFFICER: {"view", "extract", "export_audit", "exempt_report"},
    DIRECTOR: set(PERMISSIONS),
}


@pytest.fixture
def roles_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the app at a roles file of the test's own, written by the returned function."""
    path = tmp_path / "roles.toml"

    def write(text: str) -> Path:
        path.write_text(text)
        access._roles_cache.clear()
        return path

    monkeypatch.setattr(access, "ROLES_FILE", path)
    monkeypatch.setenv("CYPS_DEMO", "on")  # the demo opt-in, as `make run` sets it
    monkeypatch.setenv("CYPS_DB", str(tmp_path / "no-figures-yet.duckdb"))
    write("[emails]\n[groups]\n[demo]\nenabled = true\n")
    yield write
    access._roles_cache.clear()


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch):
    """Replace st.secrets the way AppTest does; the returned function sets their content."""

    def use(content: dict) -> None:
        fake = Secrets()
        fake._secrets = content
        monkeypatch.setattr(st, "secrets", fake)

    use({"unrelated": "value"})
    return use


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_the_issue_says(role: str) -> None:
    user = User("Someone", "someone@example.gov.uk", role)
    for action in PERMISSIONS:
        if action in EXPECTED[role]:
            assert require(user, action) is user
        else:
            assert not may(user, action)
            with pytest.raises(NotAllowed, match="does not allow"):
                require(user, action)


@pytest.mark.parametrize(
    "action", ["upload", "commit", "rollback", "download_template", "load_benchmarks"]
)
def test_only_directors_may_load_or_roll_back(action: str) -> None:
    assert roles_allowed(action) == [DIRECTOR]


def test_no_user_no_role_and_unknown_actions_are_refused() -> None:
    assert not may(None, "view")
    with pytest.raises(NotAllowed, match="not signed in"):
        require(None, "view")
    with pytest.raises(NotAllowed, match="no role"):
        require(User("x", "x@example.gov.uk", None), "view")
    assert not may(User("x", "x@example.gov.uk", DIRECTOR), "delete_everything")


def test_highest_role_wins_and_matching_ignores_case() -> None:
    emails = {"Jane.Smith@Council.gov.uk": OFFICER}
    groups = {"CYPS-Directors": DIRECTOR, "Members": MEMBER}
    assert access.resolve_role("jane.smith@council.gov.uk", [], emails, groups) == OFFICER
    assert access.resolve_role("jane.smith@council.gov.uk", ["cyps-directors"], emails, groups) == (
        DIRECTOR
    )
    assert access.resolve_role("other@council.gov.uk", ["Members"], emails, groups) == MEMBER
    assert access.resolve_role("other@council.gov.uk", ["Unknown"], emails, groups) is None
    assert access.resolve_role(None, [], emails, groups) is None


def test_entra_claims_without_email_use_the_sign_in_name_and_app_roles(roles_toml, secrets) -> None:
    roles_toml('[groups]\n"0f1e-officers" = "officer"\n"CYPS.Director" = "director"\n')
    officer = access.user_from_claims(
        {"name": "Ann", "preferred_username": "ann@council.gov.uk", "groups": ["0f1e-officers"]}
    )
    assert (officer.email, officer.role, officer.groups) == (
        "ann@council.gov.uk",
        OFFICER,
        ("0f1e-officers",),
    )
    director = access.user_from_claims({"email": "bo@council.gov.uk", "roles": "CYPS.Director"})
    assert director.role == DIRECTOR


def test_secrets_roles_add_to_the_roles_file(roles_toml, secrets) -> None:
    roles_toml('[emails]\n"a@council.gov.uk" = "member"\n')
    secrets({"roles": {"emails": {"b@council.gov.uk": "director"}}})
    emails, _ = access.role_tables()
    assert emails == {"a@council.gov.uk": MEMBER, "b@council.gov.uk": DIRECTOR}


def test_a_misspelt_role_stops_with_a_sentence_not_a_silent_refusal(roles_toml, secrets) -> None:
    roles_toml('[groups]\n"Officers" = "oficer"\n')
    with pytest.raises(access.RolesConfigError, match="'oficer', which is not one of"):
        access.role_tables()


def test_a_changed_roles_file_takes_effect_without_a_restart(roles_toml, secrets) -> None:
    path = roles_toml('[emails]\n"a@council.gov.uk" = "director"\n')
    assert access.role_tables()[0] == {"a@council.gov.uk": DIRECTOR}
    path.write_text('[emails]\n"a@council.gov.uk" = "member"\n')
    stat = path.stat()  # make sure the modification time moves even on coarse clocks
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert access.role_tables()[0] == {"a@council.gov.uk": MEMBER}


def test_demo_mode_runs_with_nothing_configured(roles_toml, secrets) -> None:
    assert access.demo_status() == (True, "")


def test_demo_mode_is_refused_when_an_identity_provider_is_configured(roles_toml, secrets) -> None:
    secrets({"auth": AUTH})
    allowed, reason = access.demo_status()
    assert not allowed
    assert "identity provider is configured" in reason


@pytest.mark.parametrize(
    "value",
    ["off", "OFF", "0", "false", "no", '"off"', "'off'", "disabled", "none", "of", "onn", ""],
)
def test_demo_mode_is_off_for_every_value_but_on(roles_toml, secrets, monkeypatch, value) -> None:
    """Quoted (as a Docker env-file passes it), misspelt or empty: all off. Only on opts in."""
    monkeypatch.setenv("CYPS_DEMO", value)
    allowed, reason = access.demo_status()
    assert allowed is False
    assert "CYPS_DEMO=on" in reason


def test_demo_mode_is_off_when_the_variable_is_unset(roles_toml, secrets, monkeypatch) -> None:
    monkeypatch.delenv("CYPS_DEMO", raising=False)
    assert access.demo_status()[0] is False


@pytest.mark.parametrize("value", ["on", "ON", ' "on" ', "'on'"])
def test_demo_mode_opts_in_with_on_however_it_is_quoted(
    roles_toml, secrets, monkeypatch, value
) -> None:
    monkeypatch.setenv("CYPS_DEMO", value)
    assert access.demo_status() == (True, "")


def test_an_empty_auth_table_is_a_sign_in_meant_and_never_opens_demo_mode(
    roles_toml, secrets
) -> None:
    secrets({"auth": {}})
    allowed, reason = access.demo_status()
    assert not allowed
    assert "[auth] table" in reason


def test_demo_mode_is_refused_beside_figures_loaded_by_a_named_person(
    roles_toml, secrets, monkeypatch, tmp_path
) -> None:
    """One CLI load by a person is enough: anyone could otherwise pick Director over real data."""
    store = Store(tmp_path / "real.duckdb")
    monkeypatch.setenv("CYPS_DB", str(store.path))
    rows = [LONG_HEADER, ["REFERRALS", dt.datetime(2016, 4, 1), None, 361, None, None, None]]
    commit(store, prepare("april.xlsx", xlsx(rows)), "a.director@council.gov.uk")
    allowed, reason = access.demo_status()
    assert not allowed
    assert "not only the illustrative sample" in reason


def test_demo_mode_stays_on_beside_the_sample_and_demo_users_uploads(
    roles_toml, secrets, monkeypatch, tmp_path
) -> None:
    store = Store(tmp_path / "demo.duckdb")
    monkeypatch.setenv("CYPS_DB", str(store.path))
    rows = [LONG_HEADER, ["REFERRALS", dt.datetime(2016, 4, 1), None, 361, None, None, None]]
    commit(store, prepare("april.xlsx", xlsx(rows)), access.demo_user("director").audit_name)
    assert access.demo_status() == (True, "")


def test_a_demo_visitor_starts_as_a_member(roles_toml, secrets) -> None:
    roles_toml("[demo]\nenabled = true\n")
    assert access._demo_default_role() == "member"


def test_demo_mode_is_refused_by_the_roles_file_or_secrets(roles_toml, secrets) -> None:
    roles_toml("[demo]\nenabled = false\n")
    assert "data/roles.toml" in access.demo_status()[1]
    roles_toml("[emails]\n")  # no [demo] table at all: the file must opt in
    assert access.demo_status()[0] is False
    roles_toml("[demo]\nenabled = true\n")
    secrets({"demo": {"enabled": False}})
    assert "secrets" in access.demo_status()[1]


def test_demo_mode_is_refused_when_real_people_have_roles(roles_toml, secrets) -> None:
    """Roles for real people but no [auth]: a deployment whose secrets went missing."""
    roles_toml('[emails]\n"jane@council.gov.uk" = "director"\n[demo]\nenabled = true\n')
    allowed, reason = access.demo_status()
    assert not allowed
    assert "no identity provider" in reason


def test_demo_mode_is_refused_when_the_secrets_file_is_broken(
    roles_toml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit reports a broken secrets file like a missing one; that must not mean demo."""
    from streamlit import config

    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nclient_id = "unterminated\n')
    real_get_option = config.get_option
    monkeypatch.setattr(
        config,
        "get_option",
        lambda key: [str(broken)] if key == "secrets.files" else real_get_option(key),
    )
    monkeypatch.setattr(st, "secrets", Secrets())
    allowed, reason = access.demo_status()
    assert not allowed
    assert "could not be read" in reason


def test_login_providers_flat_and_named(secrets) -> None:
    secrets({"auth": {**AUTH, "client_kwargs": {"prompt": "select_account"}}})
    assert access.login_providers() == [None]
    secrets({"auth": {"redirect_uri": "r", "cookie_secret": "c", "microsoft": AUTH}})
    assert access.login_providers() == ["microsoft"]


def _token(email: str, groups: list[str], lifetime: float = 3600) -> dict:
    """An ID token's claims as st.user holds them: who, their groups, and when it was issued."""
    now = time.time()
    return {
        "iss": "https://login.example",
        "sub": email,
        "iat": int(now),
        "exp": int(now + lifetime),
        "nonce": f"n-{now}",
        "email": email,
        "groups": groups,
    }


def test_reconfirm_uses_the_roles_in_force_now(roles_toml, secrets) -> None:
    """A download callable runs after the page was drawn: a role removed since is refused."""
    secrets({"auth": AUTH})
    roles_toml('[groups]\n"officers" = "officer"\n')
    user = access.user_from_claims(_token("o@council.gov.uk", ["officers"]))
    assert access.reconfirm(user).role == OFFICER
    roles_toml("[groups]\n")
    assert access.reconfirm(user).role is None
    with pytest.raises(NotAllowed):
        require(access.reconfirm(user), "extract")


def test_reconfirm_refuses_a_sign_in_that_expired_or_was_signed_out(roles_toml, secrets) -> None:
    """A download clicked in a tab left open past the token's expiry, or after a sign-out."""
    secrets({"auth": AUTH})
    roles_toml('[groups]\n"officers" = "officer"\n')
    expired = access.user_from_claims(_token("o@council.gov.uk", ["officers"], lifetime=-1))
    assert access.reconfirm(expired) is None
    user = access.user_from_claims(_token("o@council.gov.uk", ["officers"]))
    assert access.reconfirm(user).role == OFFICER
    session.end(user.sign_in)
    try:
        assert access.reconfirm(user) is None
        with pytest.raises(NotAllowed, match="not signed in"):
            require(access.reconfirm(user), "extract")
    finally:
        session.forget_for_tests()


def test_a_token_without_an_expiry_is_refused_at_the_moment_of_an_action(roles_toml, secrets):
    secrets({"auth": AUTH})
    roles_toml('[groups]\n"officers" = "officer"\n')
    token = _token("o@council.gov.uk", ["officers"])
    del token["exp"]
    assert access.reconfirm(access.user_from_claims(token)) is None


def test_a_demo_user_is_refused_once_demo_mode_is_off(roles_toml, secrets) -> None:
    user = access.demo_user(DIRECTOR)
    assert access.reconfirm(user) == user
    secrets({"auth": AUTH})  # the deployment gained an identity provider
    assert access.reconfirm(user) is None
    with pytest.raises(NotAllowed):
        require(access.reconfirm(user), "commit")
