"""Sign-in through a real OpenID Connect provider, in Chromium: roles, guards, sign-out, expiry.

`oidc-provider-mock` (PyPI) stands in for Entra ID on a loopback port, in this process:
its authorize page lists the test's people, each a subject with the claims Entra ID
would send (email, name, groups), and has a Deny button. The app runs as a council
deploys it: `streamlit run dashboard.py` with an [auth] table in a secrets file of its
own (`--secrets.files`), roles granted by group and by address under [roles], demo mode
not asked for and an empty database. The people:

- dee, in the directors' group; olu, in the officers' group; mo, a member by address;
- new.starter, signed in but given no role;
- mo again (a member's address) carrying the directors' group: the highest role wins.

The first test signs each in, checks the menu and the address guards, signs out with a
second tab open, refuses at the provider, and reads the audit log; the second shows a
token's expiry forcing a new sign-in, which brings a group removed at the provider.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.roles import DIRECTOR, MEMBER, OFFICER, User
from etl.store import audit
from etl.store.database import Store
from ui.navigation import specs_for

from .harness import NAV_LINKS, READY_MS, nav_links, wait_ready
from .server import _free_port, _require_chromium, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SIGN_IN = "Sign in with your council account"
PEOPLE = {  # the provider's subjects and their claims
    "dee": {"email": "dee@council.gov.uk", "name": "Dee Director", "groups": ["cyps-directors"]},
    "olu": {"email": "olu@council.gov.uk", "name": "Olu Officer", "groups": ["cyps-officers"]},
    "mo": {"email": "mo@council.gov.uk", "name": "Mo Member", "groups": ["all-staff"]},
    "nia": {"email": "new.starter@council.gov.uk", "name": "Nia New", "groups": []},
    "mo-directors": {"email": "mo@council.gov.uk", "name": "Mo", "groups": ["cyps-directors"]},
}
# In this order: Dee last, as she then signs out with two tabs open.
ROLE_OF = {"olu": OFFICER, "mo": MEMBER, "nia": None, "mo-directors": DIRECTOR, "dee": DIRECTOR}
SHORT_TOKEN_SECONDS = 8  # long enough to see the menu under load, short enough to wait for


class Provider:
    """The mock identity provider: two instances behind one address, switched between sign-ins.

    Ordinary sign-ins get tokens that last an hour; `short()` makes the next ones expire
    after SHORT_TOKEN_SECONDS (the provider's own token lifetime), for the expiry test.
    """

    def __init__(self) -> None:
        from oidc_provider_mock import User as MockUser
        from oidc_provider_mock import app

        users = [MockUser(sub=sub, claims=claims) for sub, claims in PEOPLE.items()]
        self.apps = {
            "hour": app(user_claims=users, access_token_max_age=timedelta(hours=1)),
            "short": app(
                user_claims=users, access_token_max_age=timedelta(seconds=SHORT_TOKEN_SECONDS)
            ),
        }
        self.mode = "hour"

    def __call__(self, environ, start_response):
        return self.apps[self.mode](environ, start_response)

    def set_claims(self, sub: str, claims: dict) -> None:
        """Change a person at the provider (as an administrator would in Entra ID)."""
        for flask_app in self.apps.values():
            with flask_app.test_client() as client:
                response = client.put(f"/users/{sub}", json=claims)
                assert response.status_code == 204, response.text


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[Provider, str]]:
    from werkzeug.serving import make_server

    mock = Provider()
    server = make_server("127.0.0.1", 0, mock, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield mock, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def deployment(provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app signed in through the provider; yields its address and its database file."""
    _require_chromium()
    _, provider_url = provider
    here = tmp_path_factory.mktemp("sign_in")
    db = here / "cyps.duckdb"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = here / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{"3f" * 32}"\n'
        'client_id = "cyps-performance"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n'
        "[roles.groups]\n"
        '"cyps-directors" = "director"\n'
        '"cyps-officers" = "officer"\n'
        "[roles.emails]\n"
        '"mo@council.gov.uk" = "member"\n'
    )
    # As deployed: no CYPS_DEMO (demo mode would be refused anyway beside [auth]).
    with serve_app(db, demo=False, port=port, args=["--secrets.files", str(secrets)]) as served:
        yield served, db


@pytest.fixture
def new_browser(browser, deployment):
    """Fresh browser contexts (own cookies: a different person's browser) on the app."""
    url, _ = deployment
    contexts = []

    def make():
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(READY_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


# --- steps --------------------------------------------------------------------------------


def signed_in_page(page) -> str:
    """Wait until the app has drawn a signed-in page; returns the sidebar's 'Signed in as'."""
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/"), timeout=READY_MS)
    page.get_by_text(re.compile("^Signed in as |^Ask for access$")).first.wait_for()
    wait_ready(page)
    caption = page.get_by_text(re.compile("^Signed in as "))
    return caption.inner_text() if caption.count() else ""


def sign_in(page, sub: str) -> str:
    """From the app's sign-in page, through the provider's page as `sub`, back signed in."""
    page.goto("/")
    page.get_by_role("button", name=SIGN_IN).click()
    page.get_by_role("heading", name="Authorize Client").wait_for()
    page.get_by_role("button", name=sub, exact=True).click()
    return signed_in_page(page)


def menu(page) -> set[str]:
    """Every page in the sidebar menu (opening "View more" when Streamlit folds a long one)."""
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    return set(nav_links(page))


def expected_menu(role: str) -> set[str]:
    return {s.url_path for s in specs_for(User("x", "x@council.gov.uk", role))}


def open_address(page, path: str) -> None:
    page.goto(path)
    page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
    wait_ready(page)


def click_until_signed_out(page) -> None:
    """Act in a tab (click its first menu link) until the sign-in page replaces it.

    Streamlit drops a click that lands while the tab is finishing a run of its own, so
    a click that changed nothing is made once more.
    """
    button = page.get_by_role("button", name=SIGN_IN)
    for _ in range(3):
        links = page.locator(NAV_LINKS)
        if button.count() or not links.count():
            break
        links.first.click()
        try:
            button.wait_for(timeout=READY_MS / 3)
        except PlaywrightTimeoutError:
            continue
    button.wait_for()
    wait_ready(page)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def events(db: Path, action: str) -> list[dict]:
    """The audit rows of one action, oldest first (the database is shared with the app)."""
    return list(reversed(audit.events(Store(db), actions=(action,)).to_dict("records")))


# --- the tests ----------------------------------------------------------------------------


# Addresses typed or bookmarked, per person: True where the page opens, False where it is
# refused in words. (Every address for every role is checked in tests/pages; here a few.)
ADDRESSES = {
    "dee": {"upload": True},
    "olu": {"audit": True, "history": False},
    "mo": {"upload": False},
    "mo-directors": {},
}


def test_each_person_signs_in_to_their_role_and_only_their_pages(new_browser, deployment):
    _url, db = deployment
    browser = new_browser()  # one browser, its cookies cleared between people (keeps its cache)
    for sub, role in ROLE_OF.items():
        browser.clear_cookies()
        for tab in browser.pages:
            tab.close()
        page = browser.new_page()
        caption = sign_in(page, sub)
        if role is None:
            assert page.get_by_role("heading", name="Ask for access").count()
            assert "new.starter@council.gov.uk" in main_text(page)
            open_address(page, "/audit")  # a bookmark: still the same polite page
            assert "Ask for access" in main_text(page)
            continue
        assert caption.startswith("Signed in as"), caption
        assert menu(page) == expected_menu(role), sub
        for address, opens in ADDRESSES[sub].items():
            open_address(page, f"/{address}")
            text = main_text(page)
            assert "Page not found" not in page.content()
            if opens:
                assert "You do not have access" not in text, (sub, address)
            else:
                assert "You do not have access to" in text, (sub, address, text[:300])
                assert "ask for access" in text

    # Dee signs out in one tab with a second open on the audit log: the second can still be
    # read, but its next click finds the sign-in over.
    first = browser.pages[0]
    second = browser.new_page()
    open_address(second, "/audit")
    assert "Audit log" in main_text(second)
    first.get_by_role("button", name="Sign out").click()
    first.get_by_role("button", name="End session").click()  # the provider's own sign-out
    first.get_by_role("button", name=SIGN_IN).wait_for()
    assert "Audit log" in main_text(second)  # looking is still possible...
    click_until_signed_out(second)  # ...acting is not
    assert "You have signed out" in main_text(second)

    # Someone chooses Deny at the provider: told so on the sign-in page, and recorded.
    browser.clear_cookies()
    refused = browser.new_page()
    refused.goto("/")
    refused.get_by_role("button", name=SIGN_IN).click()
    refused.get_by_role("button", name="Deny").click()
    refused.get_by_text("You are not signed in").wait_for()
    assert "access_denied" in main_text(refused)
    assert "sign_in_refused" not in refused.url

    signed_in = events(db, "sign_in")
    people = [(r["username"], r["role"] if isinstance(r["role"], str) else "") for r in signed_in]
    assert sorted(people) == sorted(
        [
            ("dee@council.gov.uk", DIRECTOR),
            ("olu@council.gov.uk", OFFICER),
            ("mo@council.gov.uk", MEMBER),
            ("new.starter@council.gov.uk", ""),
            ("mo@council.gov.uk", DIRECTOR),
            ("unknown", ""),
        ]
    ), "one row per sign-in, however many pages and tabs each opened"
    assert signed_in[-1]["outcome"] == "refused_at_provider"
    assert json.loads(signed_in[-1]["detail"])["error"] == "access_denied"
    signed_out = events(db, "sign_out")
    assert [(r["username"], r["outcome"]) for r in signed_out] == [
        ("dee@council.gov.uk", "signed_out")
    ]


def test_an_expired_token_forces_a_new_sign_in_which_brings_a_removed_group(
    provider, new_browser, deployment
):
    """As the issue found it: Dee leaves the directors' group at the provider; her open
    session must not stay Director once her token has expired."""
    mock, _ = provider
    _url, db = deployment
    mock.mode = "short"
    try:
        page = new_browser().new_page()
        sign_in(page, "dee")
        issued = time.time()
        assert "upload" in menu(page)
        mock.set_claims("dee", {**PEOPLE["dee"], "groups": []})  # removed at the provider
        time.sleep(max(0.0, issued + SHORT_TOKEN_SECONDS + 1 - time.time()))
        click_until_signed_out(page)
        assert "Your sign-in ended at" in main_text(page)
        open_address(page, "/upload")  # a reload still has the cookie: still signed out
        page.get_by_role("button", name=SIGN_IN).wait_for()
        mock.mode = "hour"
        page.get_by_role("button", name=SIGN_IN).click()
        page.get_by_role("button", name="dee", exact=True).click()
        signed_in_page(page)
        assert page.get_by_role("heading", name="Ask for access").count()  # no role now
    finally:
        mock.mode = "hour"
        mock.set_claims("dee", PEOPLE["dee"])
    expired = [r for r in events(db, "sign_out") if r["outcome"] == "expired"]
    assert [r["username"] for r in expired] == ["dee@council.gov.uk"]
