"""Who is using the app: signed in through the council's identity provider, or demo mode.

Production: Streamlit's OpenID Connect sign-in (`st.login`, `st.user`) configured
under [auth] in .streamlit/secrets.toml. Roles come from data/roles.toml, extended
by a [roles] table in secrets, matching e-mail addresses or identity-provider
groups. The role is worked out afresh from `st.user` on every run, never kept
in session state, so a role taken away in the roles file stops working at once. A
sign-in that has expired or was signed out (in any tab) counts as nobody signed in
(`ui.session` says when a sign-in holds), so a group taken away at the identity
provider stops counting when the token expires, and a stale tab cannot act.

Demo mode (no identity provider configured) lets a visitor pick a role, under a
banner, starting as a member. It is an explicit opt-in and fails closed: it runs only
with `CYPS_DEMO=on` (which `make run` sets; any other value, quoted, misspelt or empty,
is off), and is refused whenever the secrets have an [auth] table (even an empty one),
when the secrets file exists but cannot be read, when any role is granted to a real
address or group (a sign that this is a deployment whose sign-in is missing), with
`enabled = false` in data/roles.toml or secrets [demo], or when the database holds any
figures loaded by someone other than the sample loader or a demo user.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from core.errors import CypsError, Kind
from core.roles import MEMBER, ROLES, NotAllowed, User, require
from core.settings import DATA_DIR
from presentation.markup import md
from ui import cached, session
from ui.legacy_pages import use_navigation_only
from ui.session import SignedInUser

LOG = logging.getLogger(__name__)

DEMO_ROLE_KEY = "demo_role"
ROLES_FILE = DATA_DIR / "roles.toml"
DEMO_ON = "on"  # the only value of CYPS_DEMO that turns demo mode on


class RolesConfigError(CypsError, ValueError):
    """The roles file or secrets [roles] grant something that is not a role."""

    kind = Kind.CONFIGURATION


# --- configuration ------------------------------------------------------------------------

_roles_cache: dict[Path, tuple[int, dict]] = {}


def roles_file(path: Path | None = None) -> dict:
    """data/roles.toml, validated, and read again whenever the file changes on disk.

    Re-reading on change (not once per process) means taking a role away takes
    effect on the user's next click, without restarting the app.
    """
    path = path or ROLES_FILE
    mtime = path.stat().st_mtime_ns
    cached = _roles_cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    with open(path, "rb") as fh:
        content = tomllib.load(fh)
    for table in ("emails", "groups"):
        _validated(content.get(table, {}), f"{path.name} [{table}]")
    _roles_cache[path] = (mtime, content)
    return content


def _validated(table: Mapping[str, Any], source: str) -> dict[str, str]:
    """The table with keys case-folded; any value that is not a role is an error, not ignored."""
    if not isinstance(table, Mapping):
        raise RolesConfigError(f"{source} must be a table of name = role lines.")
    checked = {}
    for key, role in table.items():
        if role not in ROLES:
            raise RolesConfigError(
                f"{source}: {key!r} is given the role {role!r}, which is not one of "
                f"{', '.join(ROLES)}. Correct it, then reload the page."
            )
        checked[str(key).strip().casefold()] = role
    return checked


def _secrets_files_exist() -> bool:
    from streamlit import config

    return any(Path(p).exists() for p in config.get_option("secrets.files"))


def _no_secrets() -> bool:
    """True when there is no secrets file and none were given in code (AppTest's).

    Streamlit looks for the files again on every access while none exists, and a page
    run reads the secrets a dozen times: in demo use (no file) that was a fifth of the
    server's CPU under a committee's load (issue 17). The answer is the same as
    Streamlit's: without a file there are no secrets.
    """
    return getattr(st.secrets, "_secrets", None) is None and not _secrets_files_exist()


def secrets_section(name: str) -> Mapping[str, Any]:
    """One table of the deployment's secrets, or {} when there is no secrets file."""
    if _no_secrets():
        return {}
    try:
        section = st.secrets.get(name, {})
    except FileNotFoundError:  # Streamlit's "no secrets" (and "unreadable secrets") error
        return {}
    return section if isinstance(section, Mapping) else {}


def secrets_problem() -> str | None:
    """Why the secrets file could not be read, when one exists; None when all is well.

    Streamlit raises the same error for a missing file and a broken one; a broken
    file must not look like "nothing configured", or demo mode would switch on.
    """
    if _no_secrets():
        return None
    try:
        st.secrets.get("auth")
    except FileNotFoundError as err:
        if _secrets_files_exist():
            return f"The deployment's secrets file could not be read ({err})."
    return None


def auth_configured() -> bool:
    """True when the deployment has an identity provider under [auth] in its secrets."""
    return bool(secrets_section("auth"))


def auth_declared() -> bool:
    """True when the secrets have an [auth] table at all, even an empty or broken one.

    An empty [auth] is a sign-in someone meant to set up: it must not open demo mode.
    """
    if _no_secrets():
        return False
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def demo_requested() -> bool:
    """CYPS_DEMO=on, read forgivingly for spaces and quotes (a Docker env-file keeps them)."""
    value = os.environ.get("CYPS_DEMO", "").strip().strip("\"'").strip().lower()
    return value == DEMO_ON


def login_providers() -> list[str | None]:
    """Arguments for `st.login`: named providers ([auth.microsoft]) or [None] for a flat [auth]."""
    # A provider table has its own client_id; `client_kwargs` is a table too, but not one.
    named = [
        k for k, v in secrets_section("auth").items() if isinstance(v, Mapping) and "client_id" in v
    ]
    return list(named) or [None]


def role_tables() -> tuple[dict[str, str], dict[str, str]]:
    """E-mail and group role tables from data/roles.toml, extended by secrets [roles]."""
    file_roles = roles_file()
    secret_roles = secrets_section("roles")
    emails = {
        **_validated(file_roles.get("emails", {}), "data/roles.toml [emails]"),
        **_validated(secret_roles.get("emails", {}), "secrets [roles.emails]"),
    }
    groups = {
        **_validated(file_roles.get("groups", {}), "data/roles.toml [groups]"),
        **_validated(secret_roles.get("groups", {}), "secrets [roles.groups]"),
    }
    return emails, groups


def demo_status() -> tuple[bool, str]:
    """Whether demo mode may run, and if not, a sentence saying why (for not_configured)."""
    if auth_configured():
        return False, "Sign-in through the council's identity provider is configured."
    if auth_declared():
        return False, (
            "The deployment's secrets have an [auth] table, but it does not configure an "
            "identity provider, so nobody can be signed in."
        )
    problem = secrets_problem()
    if problem:
        return False, problem
    if not demo_requested():
        return False, (
            "Demo mode is off: it runs only when the service is started with CYPS_DEMO=on "
            "(as `make run` does), never by default."
        )
    # The roles file must opt in (enabled = true); the secrets can only turn it off.
    if roles_file().get("demo", {}).get("enabled", False) is not True:
        return False, "Demo mode is turned off in data/roles.toml ([demo] enabled = false)."
    if secrets_section("demo").get("enabled", True) is not True:
        return False, "Demo mode is turned off in the deployment's secrets ([demo] enabled)."
    emails, groups = role_tables()
    if emails or groups:
        return False, (
            "Roles are granted to real people or groups, but no identity provider is "
            "configured, so nobody can be signed in."
        )
    store = cached.store()
    if cached.holds_real_figures(str(store.path), store.data_version()):
        return False, (
            "The database holds figures loaded by named people, not only the illustrative "
            "sample, so demo mode (where anyone can pick a role) is refused."
        )
    return True, ""


def demo_allowed() -> bool:
    return demo_status()[0]


# --- who the user is ----------------------------------------------------------------------


def resolve_role(
    email: str | None,
    groups: Iterable[str],
    emails: Mapping[str, str],
    group_roles: Mapping[str, str],
) -> str | None:
    """The highest role granted by the user's e-mail address or any of their groups.

    Matching ignores case: Entra ID may send an address or group name in any case.
    """
    emails = {k.casefold(): v for k, v in emails.items()}
    group_roles = {k.casefold(): v for k, v in group_roles.items()}
    granted = [emails.get(email.strip().casefold())] if email else []
    granted += [group_roles.get(str(g).strip().casefold()) for g in groups]
    valid = [r for r in granted if r in ROLES]
    return max(valid, key=ROLES.index) if valid else None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def user_from_claims(claims: Mapping[str, Any], resolve: bool = True) -> SignedInUser:
    """A user from the identity token's claims, with the role the roles tables grant now.

    Entra ID sends `email` only when the account has a mailbox; `preferred_username`
    (the sign-in name) is the fallback. Groups come from the `groups` claim and, for
    councils that use Entra app roles, the `roles` claim: both match [groups]. With
    `resolve=False` no role is looked up (for recording a sign-out when the roles tables
    cannot be read).
    """
    email = str(claims.get("email") or claims.get("preferred_username") or claims.get("upn") or "")
    groups = tuple(_as_list(claims.get("groups")) + _as_list(claims.get("roles")))
    role = None
    if resolve:
        emails, group_roles = role_tables()
        role = resolve_role(email, groups, emails, group_roles)
    return SignedInUser(
        str(claims.get("name") or email),
        email,
        role,
        groups=groups,
        sign_in=session.sign_in_key(claims),
        expires_at=session.expires_at(claims),
    )


def demo_user(role: str) -> User:
    return User(f"Demo {role}", f"demo-{role}@example.invalid", role, demo=True)


def _demo_default_role() -> str:
    role = roles_file().get("demo", {}).get("default_role", MEMBER)
    return role if role in ROLES else MEMBER


def current_user() -> User | None:
    """The signed-in user with their role, a demo user, or None when nobody is signed in.

    Call it in the run that carries out an action: it reads `st.user` (or, in demo
    mode only, the role picked in this session), never a User kept from an earlier run.
    """
    if auth_configured():
        if not st.user.get("is_logged_in", False):
            return None
        claims = st.user.to_dict()
        if session.ended_reason(session.sign_in_key(claims), session.expires_at(claims)):
            return None  # expired, or signed out in this tab or another
        return user_from_claims(claims)
    if demo_allowed():
        role = st.session_state.get(DEMO_ROLE_KEY) or _demo_default_role()
        return demo_user(role if role in ROLES else MEMBER)
    return None


def reconfirm(user: User | None) -> User | None:
    """The same person with their role worked out again now, for code outside a script run.

    A download button's callable runs on another thread, where `st.user` and session
    state are empty. The page captures the user it resolved; this re-checks that user
    against the current configuration and roles, so a role removed, a sign-in expired or
    signed out (or demo mode turned off) since the page was drawn is refused.
    """
    if user is None:
        return None
    if user.demo:
        return user if demo_allowed() and user.role in ROLES else None
    if not auth_configured() or not session.still_holds(user):
        return None
    emails, group_roles = role_tables()
    return dataclasses.replace(
        user, role=resolve_role(user.email, user.groups, emails, group_roles)
    )


def guard_page(action: str) -> User:
    """The current user if they may `action`; otherwise a refusal sentence, and the page stops.

    The navigation already leaves out pages a role may not use; this is the second
    lock, for a stale session or a crafted request. Actions inside the page still
    call `require` themselves.
    """
    use_navigation_only()  # a page file run directly by legacy mode reruns via dashboard.py
    user = current_user()
    try:
        return require(user, action)
    except NotAllowed as err:
        LOG.warning("Refused %s to %s.", action, user.audit_name if user else "nobody")
        st.error(f"{md(err)} If you need it, ask for access.", icon="🔒")
        st.stop()
        raise  # st.stop() raises; this line only tells type checkers the page ends here


# --- signing out --------------------------------------------------------------------------


def sign_out(user: User | None) -> None:
    """End the session: the identity provider's sign-out, or forget the demo role.

    A real sign-out is recorded and ends the sign-in in every tab (`ui.session`), then
    Streamlit clears the cookie and sends the browser to the provider's sign-out.
    """
    if user is not None and user.demo:
        st.session_state.pop(DEMO_ROLE_KEY, None)
        st.session_state.pop(session.SIGN_IN_LOGGED_KEY, None)
        return
    if not isinstance(user, SignedInUser) and st.user.get("is_logged_in", False):
        user = user_from_claims(st.user.to_dict(), resolve=False)
    if isinstance(user, SignedInUser):
        session.record_sign_out(user, cached.store())
    st.logout()
    st.stop()
