"""How long a sign-in holds: its expiry, the tabs that outlive a sign-out, and its audit rows.

Streamlit keeps the identity token's claims in a signed cookie for 30 days, reads them once
when a tab connects, never looks at the token's expiry, and `st.logout` clears only the tab
it is clicked in. So the app decides for itself, on every run and before every action
(`ui.access.current_user` and `reconfirm` ask `still_holds`), whether a sign-in holds:

- **expiry**: it ends at the ID token's `exp`, or, when data/settings.toml [sign_in]
  `max_age_minutes` is above 0, that long after the token was issued (`iat`). Signing in
  again fetches a new token from the identity provider, so a group taken away there stops
  counting at the latest then.
- **sign-out**: signing out ends the sign-in in this process, not only in the tab clicked.
  Another tab of the same browser still shows what it drew (it can look) but its next
  click finds the sign-in ended and shows the sign-in page (it cannot act).

A sign-in is known by a key made from its token (issuer, subject, issue time, nonce and
session id), the same in every tab that shares the cookie. The audit log gets one `sign_in`
row per key and role (not one per tab or page load), a `sign_out` row when it ends (outcome
`signed_out` or `expired`), and a `sign_in` row with outcome `refused_at_provider` when the
identity provider sends the person back with an error (they chose Deny, say).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import streamlit as st

from core.roles import User
from core.settings import settings
from etl.store import audit
from etl.store.database import Store, StoreBusy

LOG = logging.getLogger(__name__)

SIGN_IN_LOGGED_KEY = "_cyps_sign_in_logged"  # this tab's last recorded (sign-in, role)
EXPIRED, SIGNED_OUT, NO_EXPIRY = "expired", "signed_out", "no_expiry"


@dataclass(frozen=True)
class SignedInUser(User):
    """A user signed in through the identity provider, with the sign-in they belong to.

    Kept with the user so an action carried out later (a download callable on another
    thread) can check that this sign-in still holds.
    """

    sign_in: str = ""  # the sign-in's key (see `sign_in_key`)
    expires_at: float | None = None  # seconds since the epoch; None: no expiry, never trusted


# --- when a sign-in ends ------------------------------------------------------------------

_ended: dict[str, str] = {}  # sign-in key -> why it ended (SIGNED_OUT or EXPIRED)
_recorded: set[tuple[str, str, str | None]] = set()  # (action, sign-in key, role) written
_lock = threading.Lock()


def sign_in_key(claims: Mapping[str, Any]) -> str:
    """The same short key in every tab of one sign-in, and a new one for each sign-in.

    `iat` and `nonce` change with every token the provider issues, so a sign-in after a
    sign-out (or after expiry) is a new sign-in.
    """
    parts = ("iss", "sub", "iat", "nonce", "sid")
    text = "|".join(str(claims.get(p, "")) for p in parts) + "|" + str(_email(claims))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def max_age_seconds() -> float | None:
    """data/settings.toml [sign_in] max_age_minutes in seconds; None: the token's own `exp`."""
    value = settings().get("sign_in", {}).get("max_age_minutes", 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        LOG.error(
            "data/settings.toml [sign_in] max_age_minutes = %r is not a number of minutes "
            "(0 or more); the identity token's own expiry is used instead.",
            value,
        )
        return None
    return float(value) * 60 if value > 0 else None


def expires_at(claims: Mapping[str, Any]) -> float | None:
    """When this sign-in ends, in seconds since the epoch, or None when the token gives no time."""
    max_age = max_age_seconds()
    if max_age is not None:
        issued = _seconds(claims.get("iat"))
        return None if issued is None else issued + max_age
    return _seconds(claims.get("exp"))


def ended_reason(key: str, expiry: float | None, now: float | None = None) -> str | None:
    """Why this sign-in no longer holds (EXPIRED, SIGNED_OUT, NO_EXPIRY), or None if it holds."""
    with _lock:
        reason = _ended.get(key)
    if reason:
        return reason
    if expiry is None:
        return NO_EXPIRY
    if (time.time() if now is None else now) >= expiry:
        return EXPIRED
    return None


def still_holds(user: User) -> bool:
    """False for a signed-in user whose sign-in has expired or was signed out; True otherwise."""
    if not isinstance(user, SignedInUser):
        return user.demo  # a real user always carries their sign-in; one without is refused
    return ended_reason(user.sign_in, user.expires_at) is None


def end(key: str, why: str = SIGNED_OUT) -> None:
    """Mark this sign-in ended for every tab served by this process."""
    with _lock:
        _ended.setdefault(key, why)


def ended(claims: Mapping[str, Any], now: float | None = None) -> tuple[str, str] | None:
    """Why this tab's sign-in no longer holds, and the sentence the sign-in page shows.

    None when nobody is signed in in this tab, or the sign-in still holds.
    """
    if not claims.get("is_logged_in"):
        return None
    expiry = expires_at(claims)
    reason = ended_reason(sign_in_key(claims), expiry, now)
    if reason == SIGNED_OUT:
        return reason, (
            "You have signed out of CYPS Performance (in this tab or another one). "
            "Sign in again to carry on."
        )
    if reason == EXPIRED and expiry is not None:
        when = dt.datetime.fromtimestamp(expiry).strftime("%H:%M on %d %B %Y")
        return reason, (
            f"Your sign-in ended at {when}: sign-ins last a limited time, so that access "
            "taken away at the council's sign-in service stops here too. Sign in again to "
            "carry on; it brings your access up to date."
        )
    if reason == NO_EXPIRY:
        LOG.error("A sign-in token without an expiry time (exp) was refused: %s", _email(claims))
        return reason, (
            "Your sign-in carries no expiry time, so it cannot be trusted. Sign in again; "
            "if this keeps happening, tell the team below."
        )
    return None


def _seconds(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _email(claims: Mapping[str, Any]) -> str:
    return str(claims.get("email") or claims.get("preferred_username") or claims.get("upn") or "")


# --- the audit rows -----------------------------------------------------------------------


def record_sign_in(user: User, store: Store) -> bool:
    """Write one `sign_in` audit row per sign-in (and again if its role changes).

    A signed-in user is recorded once per sign-in key, however many tabs or page loads it
    has, even across a restart (the log itself is checked); a demo user once per tab and
    role chosen. Outcomes: `signed_in`, `no_role` (signed in, no role granted) or `demo`.
    If the database is busy, the row is written on a later run. Returns True if written.
    """
    key = user.sign_in if isinstance(user, SignedInUser) else "demo"
    marker = f"{key}|{user.email}|{user.role}"
    if st.session_state.get(SIGN_IN_LOGGED_KEY) == marker:
        return False
    outcome = "demo" if user.demo else ("signed_in" if user.role else "no_role")
    detail: dict[str, Any] = {"mode": "demo" if user.demo else "oidc", "name": user.name}
    if user.groups:
        detail["groups"] = list(user.groups)
    if isinstance(user, SignedInUser):
        detail["sign_in"] = user.sign_in
        if user.expires_at is not None:
            detail["until"] = dt.datetime.fromtimestamp(user.expires_at).isoformat("T", "seconds")
    try:
        if isinstance(user, SignedInUser):
            written = _record_once(store, user, "sign_in", outcome, detail)
        else:
            audit.log(store, user.audit_name, "sign_in", outcome, detail, user.role)
            written = True
    except StoreBusy:
        LOG.warning("Sign-in of %s not yet audited: the database is busy.", user.audit_name)
        return False
    st.session_state[SIGN_IN_LOGGED_KEY] = marker
    return written


def record_sign_out(user: SignedInUser, store: Store, why: str = SIGNED_OUT) -> None:
    """End the sign-in for every tab, then write its `sign_out` row (outcome `why`), once.

    The sign-in ends even when the database is busy: the row is then missing, and the
    server log says so.
    """
    end(user.sign_in, why)
    detail = {"mode": "oidc", "sign_in": user.sign_in}
    try:
        _record_once(store, user, "sign_out", why, detail, any_role=True)
    except StoreBusy:
        LOG.warning("Sign-out of %s not audited: the database is busy.", user.audit_name)


def _record_once(
    store: Store,
    user: SignedInUser,
    action: str,
    outcome: str,
    detail: dict[str, Any],
    any_role: bool = False,
) -> bool:
    """Write the row unless this process, or the log itself, already holds it for this sign-in."""
    role = None if any_role else user.role
    marker = (action, user.sign_in, role)
    with _lock:
        if marker in _recorded:
            return False
        _recorded.add(marker)  # held while checking, so two tabs at once write one row
    try:
        if _logged(store, action, user.sign_in, role, any_role):
            return False
        audit.log(store, user.audit_name, action, outcome, detail, user.role)
        return True
    except BaseException:
        with _lock:
            _recorded.discard(marker)
        raise


def _logged(store: Store, action: str, key: str, role: str | None, any_role: bool) -> bool:
    sql = (
        "SELECT count(*) AS n FROM audit_log WHERE action = ? "
        "AND json_extract_string(detail, '$.sign_in') = ?"
    )
    params: list[Any] = [action, key]
    if not any_role:
        sql += " AND role IS NOT DISTINCT FROM ?"
        params.append(role)
    return bool(store.query(sql, params)["n"].iloc[0])


# --- a refusal at the identity provider ---------------------------------------------------

REFUSAL_PARAM = "sign_in_refused"  # the query parameter carrying a refusal's ticket
REFUSAL_SHOWN_KEY = "_cyps_sign_in_refusal"  # this tab's refusal sentence, kept for reruns
REFUSAL_TTL_SECONDS = 600
MAX_REFUSALS = 500
_refusals: dict[str, tuple[float, str, str]] = {}  # ticket -> (when, error, description)


def capture_provider_refusals() -> bool:
    """Make Streamlit's /oauth2callback tell the app when the provider sent someone back refused.

    Streamlit 1.67 logs the provider's `error=access_denied` (the person chose Deny, or the
    identity provider refused them) and redirects to the home page with nothing for the app
    to see. This wraps that handler (`starlette_auth_routes._auth_callback`, which the route
    looks up on every request) so the redirect carries a one-time ticket, `?sign_in_refused=`:
    the sign-in page takes it, says what happened and records it. A ticket works once and
    only in the process that issued it, so a typed or shared link records nothing. Returns
    False (and the server log says refusals go unreported) on a Streamlit without the handler.
    """
    try:
        from streamlit.web.server.starlette import starlette_auth_routes as routes
    except ImportError:
        LOG.warning("Refusals at the identity provider cannot be reported by this Streamlit.")
        return False
    original = getattr(routes, "_auth_callback", None)
    if original is None:
        LOG.warning("Refusals at the identity provider cannot be reported by this Streamlit.")
        return False
    if getattr(original, "_cyps_reports_refusals", False):
        return True

    async def _auth_callback(request: Any, base_url: str) -> Any:
        response = await original(request, base_url)
        error = request.query_params.get("error")
        location = response.headers.get("location")
        if error and location:
            ticket = _note_refusal(error, request.query_params.get("error_description") or "")
            response.headers["location"] = _with_param(location, REFUSAL_PARAM, ticket)
        return response

    _auth_callback._cyps_reports_refusals = True  # type: ignore[attr-defined]
    routes._auth_callback = _auth_callback
    return True


def _note_refusal(error: str, description: str) -> str:
    ticket = secrets.token_urlsafe(16)
    now = time.time()
    with _lock:
        for old in [t for t, (when, *_) in _refusals.items() if now - when > REFUSAL_TTL_SECONDS]:
            del _refusals[old]
        if len(_refusals) >= MAX_REFUSALS:
            del _refusals[next(iter(_refusals))]
        _refusals[ticket] = (now, error[:100], description[:300])
    return ticket


def _with_param(location: str, name: str, value: str) -> str:
    parts = urlsplit(location)
    query = [*parse_qsl(parts.query, keep_blank_values=True), (name, value)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def take_refusal(ticket: str) -> tuple[str, str] | None:
    """The provider's error and description for a ticket this process issued; once only."""
    with _lock:
        found = _refusals.pop(ticket, None)
    if found is None or time.time() - found[0] > REFUSAL_TTL_SECONDS:
        return None
    return found[1], found[2]


def refusal_from_query(store: Store) -> tuple[str, str] | None:
    """The refusal this tab came back with (recorded in the audit log once), or None.

    The ticket is taken from the address and removed from it, and the refusal kept in
    the tab's session, so the page can keep saying what happened on later runs.
    """
    ticket = st.query_params.get(REFUSAL_PARAM)
    if ticket is not None:
        del st.query_params[REFUSAL_PARAM]
        refusal = take_refusal(ticket)
        if refusal is not None:
            error, description = refusal
            LOG.warning("Sign-in refused at the identity provider: %s %s", error, description)
            detail = {"mode": "oidc", "error": error, "description": description}
            try:
                audit.log(store, "unknown", "sign_in", "refused_at_provider", detail)
            except StoreBusy:
                LOG.warning("A refusal at the identity provider was not audited: database busy.")
            st.session_state[REFUSAL_SHOWN_KEY] = refusal
    found = st.session_state.get(REFUSAL_SHOWN_KEY)
    return (str(found[0]), str(found[1])) if found else None


def forget_for_tests() -> None:
    """Clear this process's memory of ended and recorded sign-ins (tests only)."""
    with _lock:
        _ended.clear()
        _recorded.clear()
        _refusals.clear()
