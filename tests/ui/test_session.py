"""When a sign-in holds, and the refusal ticket from the provider: ui/session.py's rules.

The whole journey (a real provider, Chromium, two tabs) is tests/browser/test_sign_in_browser.py;
these pin each rule on its own, quickly.
"""

from __future__ import annotations

import logging
import time
import warnings
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from streamlit import auth_util, config
from streamlit.runtime.secrets import Secrets
from streamlit.web.server.starlette import starlette_auth_routes as routes

from core.roles import DIRECTOR, User
from core.settings import settings
from ui import session


def claims(sub: str = "dee", iat: float | None = None, lifetime: float = 3600, **extra) -> dict:
    """The claims Streamlit keeps from an ID token (authlib's parsed token), as st.user has them."""
    issued = time.time() if iat is None else iat
    return {
        "is_logged_in": True,
        "iss": "https://login.example",
        "sub": sub,
        "aud": "cid",
        "iat": int(issued),
        "exp": int(issued + lifetime),
        "nonce": f"nonce-{sub}-{issued}",
        "email": f"{sub}@council.gov.uk",
        **extra,
    }


@pytest.fixture(autouse=True)
def fresh_process_memory():
    session.forget_for_tests()
    yield
    session.forget_for_tests()


def test_every_tab_of_one_sign_in_shares_a_key_and_each_new_sign_in_gets_another() -> None:
    first = claims(iat=1_800_000_000)
    assert session.sign_in_key(dict(first)) == session.sign_in_key(dict(first))
    again = claims(iat=1_800_000_000 + 5)  # signed in again: a new token, issued later
    assert session.sign_in_key(again) != session.sign_in_key(first)
    other_nonce = {**first, "nonce": "another"}
    assert session.sign_in_key(other_nonce) != session.sign_in_key(first)


def test_a_sign_in_holds_until_its_token_expires() -> None:
    token = claims(iat=1_800_000_000, lifetime=3600)
    key, expiry = session.sign_in_key(token), session.expires_at(token)
    assert expiry == 1_800_003_600
    assert session.ended_reason(key, expiry, now=1_800_003_599) is None
    assert session.ended_reason(key, expiry, now=1_800_003_600) == session.EXPIRED
    assert session.ended(token, now=1_800_000_010) is None
    reason, message = session.ended(token, now=1_800_003_601)
    assert reason == session.EXPIRED
    assert "Your sign-in ended at" in message and "Sign in again" in message


def test_the_allowed_age_setting_replaces_the_tokens_own_expiry(monkeypatch) -> None:
    monkeypatch.setitem(settings(), "sign_in", {"max_age_minutes": 480})  # a working day
    token = claims(iat=1_800_000_000, lifetime=3600)
    assert session.expires_at(token) == 1_800_000_000 + 480 * 60
    monkeypatch.setitem(settings(), "sign_in", {"max_age_minutes": 0.5})
    assert session.expires_at(token) == 1_800_000_030


@pytest.mark.parametrize("value", [-5, "ten", True])
def test_an_allowed_age_that_is_not_minutes_falls_back_to_the_token_and_is_logged(
    monkeypatch, caplog, value
) -> None:
    monkeypatch.setitem(settings(), "sign_in", {"max_age_minutes": value})
    token = claims(iat=1_800_000_000, lifetime=3600)
    with caplog.at_level(logging.ERROR, logger="ui.session"):
        assert session.expires_at(token) == 1_800_003_600
    assert "max_age_minutes" in caplog.text


def test_the_shipped_setting_uses_the_tokens_own_expiry() -> None:
    assert settings()["sign_in"]["max_age_minutes"] == 0
    assert session.max_age_seconds() is None


def test_a_token_without_an_expiry_is_never_trusted() -> None:
    token = claims()
    del token["exp"]
    assert session.expires_at(token) is None
    assert session.ended_reason(session.sign_in_key(token), None) == session.NO_EXPIRY
    assert session.ended(token)[0] == session.NO_EXPIRY


def test_a_sign_out_ends_the_sign_in_for_every_tab_but_not_the_next_sign_in() -> None:
    token = claims()
    user = session.SignedInUser(
        "Dee",
        "dee@council.gov.uk",
        DIRECTOR,
        sign_in=session.sign_in_key(token),
        expires_at=session.expires_at(token),
    )
    assert session.still_holds(user)
    session.end(user.sign_in)
    assert not session.still_holds(user)
    reason, message = session.ended(token)
    assert reason == session.SIGNED_OUT
    assert "signed out" in message
    later = claims(iat=time.time() + 1)  # the same person signing in again
    assert session.ended(later) is None


def test_a_real_user_without_a_sign_in_is_refused_and_a_demo_user_is_not() -> None:
    assert not session.still_holds(User("Dee", "dee@council.gov.uk", DIRECTOR))
    assert session.still_holds(User("Demo", "demo@example.invalid", DIRECTOR, demo=True))


# --- a refusal at the identity provider ---------------------------------------------------


def test_a_refusal_ticket_works_once_and_only_if_this_process_issued_it() -> None:
    ticket = session._note_refusal("access_denied", "The user said no")
    assert session.take_refusal("made-up-ticket") is None
    assert session.take_refusal(ticket) == ("access_denied", "The user said no")
    assert session.take_refusal(ticket) is None


def test_refusal_tickets_are_bounded_however_many_callbacks_arrive() -> None:
    for _ in range(session.MAX_REFUSALS + 50):
        session._note_refusal("access_denied", "")
    assert len(session._refusals) == session.MAX_REFUSALS


@pytest.fixture
def callback_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Streamlit's own sign-in routes, with our refusal capture installed, on a test client."""
    with warnings.catch_warnings():  # Starlette would prefer httpx2 for its test client
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:8501/oauth2callback"\n'
        f'cookie_secret = "{"c" * 40}"\n'
        'client_id = "cid"\nclient_secret = "secret"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
    )
    real_get_option = config.get_option
    monkeypatch.setattr(
        config,
        "get_option",
        lambda key: [str(secrets)] if key == "secrets.files" else real_get_option(key),
    )
    monkeypatch.setattr(auth_util, "secrets_singleton", Secrets())
    monkeypatch.setattr(routes, "_auth_callback", routes._auth_callback)  # restored afterwards
    assert session.capture_provider_refusals()
    assert session.capture_provider_refusals()  # a second call does not wrap it twice
    app = Starlette(
        routes=routes.create_auth_routes(""),
        middleware=[Middleware(SessionMiddleware, secret_key="k")],
    )
    return TestClient(app, base_url="http://127.0.0.1:8501")


def test_the_providers_refusal_comes_back_to_the_app_with_a_ticket(callback_client) -> None:
    response = callback_client.get(
        "/oauth2callback?error=access_denied&error_description=The+user+said+no",
        follow_redirects=False,
    )
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(f"/?{session.REFUSAL_PARAM}=")
    ticket = location.split("=", 1)[1]
    assert session.take_refusal(ticket) == ("access_denied", "The user said no")


def test_a_callback_without_an_error_is_left_as_streamlit_made_it(callback_client) -> None:
    response = callback_client.get("/oauth2callback?code=abc&state=unknown", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/"
    assert not session._refusals
