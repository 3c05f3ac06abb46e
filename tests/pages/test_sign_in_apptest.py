"""A sign-in stays true: expiry, sign-out in another tab, its audit rows, and refused addresses.

AppTest fakes the identity provider's token (`at.user`, as Streamlit fills st.user from
it) and the deployment's secrets; each AppTest is one browser tab. The same journeys
through a real provider and Chromium are in tests/browser/test_sign_in_browser.py.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.roles import DIRECTOR, MEMBER, OFFICER, ROLES
from etl.store import audit
from etl.store.database import Store
from tests.pages.screens import app
from ui import access, session

ROOT = Path(__file__).resolve().parents[2]
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "cid",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example/.well-known/openid-configuration",
}
TIMEOUT = 60


@pytest.fixture(autouse=True)
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Roles by group (grp-member, grp-officer, grp-director) and a database of the test's own.

    The database holds one submission, so the dashboard does not load the sample.
    """
    db = tmp_path / "cyps.duckdb"
    with Store(db).writing() as con:
        con.execute(
            "INSERT INTO submissions (file_name, sha256, submitted_by, submitted_at, "
            "values_added, values_changed, values_unchanged, values_skipped, targets_changed) "
            "VALUES ('seed.xlsx', 'seed', 'dee@council.gov.uk', now()::TIMESTAMP, 0, 0, 0, 0, 0)"
        )
    monkeypatch.setenv("CYPS_DB", str(db))
    monkeypatch.delenv("CYPS_DEMO", raising=False)
    roles = tmp_path / "roles.toml"
    roles.write_text("[groups]\n" + "".join(f'"grp-{r}" = "{r}"\n' for r in ROLES))
    monkeypatch.setattr(access, "ROLES_FILE", roles)
    access._roles_cache.clear()
    session.forget_for_tests()
    yield db
    session.forget_for_tests()
    access._roles_cache.clear()


def token(role: str | None, email: str = "dee@council.gov.uk", lifetime: float = 3600) -> dict:
    """st.user as Streamlit fills it from a fresh ID token: a new sign-in each call."""
    issued = time.time()
    return {
        "is_logged_in": True,
        "iss": "https://login.example",
        "sub": email,
        "iat": int(issued),
        "exp": int(issued + lifetime),
        "nonce": f"nonce-{issued}",
        "name": "Dee",
        "email": email,
        "groups": [f"grp-{role}"] if role else [],
    }


def tab(script: str, claims: dict) -> AppTest:
    """One browser tab of the sign-in `claims` (tabs of one sign-in share its cookie)."""
    at = app(script, TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = dict(claims)
    return at


def rows(db: Path, action: str) -> list[dict]:
    return audit.events(Store(db), actions=(action,)).to_dict("records")


def read(elements) -> str:
    """Elements' text as a reader sees it: md() escapes markdown's characters in the source."""
    return " ".join(str(e.value) for e in elements).replace("\\", "")


def open_address(at: AppTest, url_path: str) -> AppTest:
    """Open /url_path in this tab, as a bookmark or typed address would.

    AppTest has no public way to open an address that no page file answers (a hidden
    page drawn by a function), so this picks the page Streamlit registered under it.
    """
    pages = at._registered_pages  # filled by the first run's st.navigation
    found = [h for h, info in pages.items() if info.get("url_pathname") == url_path]
    assert found, f"no page is registered at /{url_path}"
    at._page_hash = found[0]
    return at.run()


# --- expiry -------------------------------------------------------------------------------


def test_an_expired_sign_in_shows_the_sign_in_page_saying_why_and_no_figures(deployment) -> None:
    at = tab("dashboard.py", token(DIRECTOR, lifetime=-5))
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in with your council account"]
    assert "Your sign-in ended at" in read(at.info)
    assert not at.dataframe and not at.metric
    again = tab("dashboard.py", at.user)  # another tab of the same expired sign-in
    again.run()
    ended = rows(deployment, "sign_out")
    assert [(r["outcome"], r["username"]) for r in ended] == [("expired", "dee@council.gov.uk")]
    assert not rows(deployment, "sign_in")  # an expired sign-in never counted as signed in


def test_a_page_drawn_before_the_token_expired_cannot_act_after_it(deployment) -> None:
    """The director's audit page, left open: its next click finds the sign-in over."""
    claims = token(DIRECTOR, lifetime=2)
    at = tab("pages/audit.py", claims)
    at.run()
    assert at.get("download_button")
    time.sleep(max(0.0, claims["exp"] - time.time()) + 0.2)
    at.multiselect[0].set_value(["sign_in"]).run()
    assert "(not signed in) does not allow this" in read(at.error)
    assert not at.dataframe and not at.get("download_button")


# --- sign-out, in this tab and the others -------------------------------------------------


def test_signing_out_is_recorded_and_ends_the_sign_in_in_every_tab(deployment) -> None:
    """Clicked on the Ask for access page (a framed page's first AppTest run reruns itself,
    which drops a click: the director's sign-out button is clicked in the browser test)."""
    claims = token(None, email="new.starter@council.gov.uk")
    first, second = tab("dashboard.py", claims), tab("dashboard.py", claims)
    first.run()
    second.run()
    assert first.title[0].value == second.title[0].value == "Ask for access"
    next(b for b in first.button if b.label == "Sign out").click().run()
    out = rows(deployment, "sign_out")
    assert [(r["outcome"], r["username"]) for r in out] == [
        ("signed_out", "new.starter@council.gov.uk")
    ]
    assert json.loads(out[0]["detail"])["sign_in"] == session.sign_in_key(claims)
    second.run()  # the other tab, on its next click
    assert "You have signed out" in read(second.info)
    assert [b.label for b in second.button] == ["Sign in with your council account"]
    third = tab("dashboard.py", claims)  # a reload of a tab that still has the old cookie
    third.run()
    assert "You have signed out" in read(third.info)


def test_a_tab_left_open_after_signing_out_elsewhere_can_look_but_not_act(deployment) -> None:
    claims = token(DIRECTOR)
    stale = tab("pages/audit.py", claims)
    stale.run()
    assert stale.get("download_button")  # the director's audit page, drawn before
    user = access.user_from_claims({**claims})
    session.record_sign_out(user, Store(deployment))  # what the Sign out button does
    stale.multiselect[0].set_value(["sign_in"]).run()  # the stale tab tries to act
    assert "(not signed in) does not allow this" in read(stale.error)
    assert not stale.dataframe and not stale.get("download_button")
    out = rows(deployment, "sign_out")
    assert [(r["outcome"], r["role"]) for r in out] == [("signed_out", DIRECTOR)]


# --- one audit row per sign-in ------------------------------------------------------------


def test_a_sign_in_is_recorded_once_however_many_tabs_and_page_loads(deployment) -> None:
    claims = token(OFFICER)
    for _ in range(3):  # three tabs (or page loads) of one sign-in
        at = tab("dashboard.py", claims)
        at.run()
        at.run()
    session.forget_for_tests()  # as after a restart: the log itself says it is recorded
    tab("dashboard.py", claims).run()
    signed_in = rows(deployment, "sign_in")
    assert [(r["outcome"], r["role"]) for r in signed_in] == [("signed_in", OFFICER)]
    detail = json.loads(signed_in[0]["detail"])
    assert detail["sign_in"] == session.sign_in_key(claims)
    assert detail["mode"] == "oidc" and detail["groups"] == ["grp-officer"]
    time.sleep(1.1)  # a new token has a later issue time
    tab("dashboard.py", token(OFFICER)).run()  # signing in again is a new sign-in
    assert len(rows(deployment, "sign_in")) == 2


def test_a_role_changed_during_a_sign_in_is_recorded_again(deployment: Path) -> None:
    claims = token(OFFICER)
    tab("dashboard.py", claims).run()
    access.ROLES_FILE.write_text('[groups]\n"grp-officer" = "member"\n')
    access._roles_cache.clear()
    tab("dashboard.py", claims).run()
    assert [r["role"] for r in rows(deployment, "sign_in")] == [MEMBER, OFFICER]


# --- a refusal at the identity provider ---------------------------------------------------


def test_a_refusal_at_the_provider_is_explained_on_the_sign_in_page_and_recorded(
    deployment,
) -> None:
    ticket = session._note_refusal("access_denied", "The user denied the request")
    at = tab("dashboard.py", {"is_logged_in": False})
    at.query_params[session.REFUSAL_PARAM] = ticket
    at.run()
    assert not at.exception
    said = read(at.warning)
    assert "You are not signed in" in said and "access_denied" in said and "Deny" in said
    assert session.REFUSAL_PARAM not in at.query_params
    at.run()  # still said on the next run of the tab, recorded once
    assert "access_denied" in read(at.warning)
    refused = rows(deployment, "sign_in")
    assert [(r["outcome"], r["username"]) for r in refused] == [("refused_at_provider", "unknown")]
    assert json.loads(refused[0]["detail"])["error"] == "access_denied"


def test_a_made_up_refusal_ticket_says_and_records_nothing(deployment) -> None:
    at = tab("dashboard.py", {"is_logged_in": False})
    at.query_params[session.REFUSAL_PARAM] = "made-up"
    at.run()
    assert not at.warning
    assert not rows(deployment, "sign_in")


# --- addresses of pages a role may not use ------------------------------------------------


@pytest.mark.parametrize(
    ("role", "address", "title"),
    [(MEMBER, "upload", "Upload figures"), (OFFICER, "history", "Submission history")],
)
def test_an_address_a_role_may_not_use_is_refused_in_words(role, address, title) -> None:
    at = tab("dashboard.py", token(role))
    at.run()
    open_address(at, address)
    assert not at.exception
    assert f"You do not have access to {title}" in read(at.error)
    assert "ask for access" in read(at.error)
    assert not at.dataframe and not at.get("file_uploader")


def test_every_address_in_the_navigation_answers_every_role(deployment) -> None:
    """The menu's pages plus the hidden refusals cover the whole navigation table, once each."""
    from ui.navigation import NAVIGATION, family_specs

    # The default page (Overview) answers at "/": Streamlit registers it there, not by name.
    every = {s.url_path for s in (*NAVIGATION, *family_specs()) if not s.default}
    for role in (None, *ROLES):
        at = tab("dashboard.py", token(role))
        at.run()
        registered = [info["url_pathname"] for info in at._registered_pages.values()]
        assert every <= set(registered), role
        assert len(registered) == len(set(registered))


def test_signed_out_and_no_role_visitors_at_a_known_address_get_their_own_page() -> None:
    at = tab("dashboard.py", {"is_logged_in": False})
    at.run()
    open_address(at, "upload")
    assert [b.label for b in at.button] == ["Sign in with your council account"]
    at = tab("dashboard.py", token(None, email="new.starter@council.gov.uk"))
    at.run()
    open_address(at, "audit")
    assert at.title[0].value == "Ask for access"


def test_the_not_set_up_page_cites_a_readme_section_that_exists(monkeypatch) -> None:
    monkeypatch.setenv("CYPS_DEMO", "off")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    cited = re.search(r"README section \*(.+?)\*", read(at.markdown))
    assert cited, "the page no longer names a README section"
    headings = re.findall(r"^#+ (.+)$", (ROOT / "README.md").read_text(), re.MULTILINE)
    assert cited.group(1) in headings
