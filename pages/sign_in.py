"""The welcome page for someone not signed in: one button to the council's sign-in.

It also says why someone is here again: their sign-in expired or was signed out (in this
tab or another), or the council's sign-in service sent them back refused (they chose
Deny, or were not allowed). Each of those is recorded in the audit log once.
"""

from __future__ import annotations

import streamlit as st

from core.settings import settings
from presentation.markup import md
from ui import cached, session
from ui.access import login_providers, user_from_claims

contact = settings()["contact"]
session.capture_provider_refusals()  # before the button: a refusal comes back to this page

st.title("CYPS Performance")
refusal = session.refusal_from_query(cached.store())
claims = st.user.to_dict() if st.user.get("is_logged_in", False) else {}
ended = session.ended(claims)
if refusal:
    error, description = refusal
    said = f"{error}: {description}" if description else error
    st.warning(
        "You are not signed in: the council's sign-in service sent you back without signing "
        f"you in ({md(said)}). If you chose *Deny* or *Cancel* by mistake, sign in again. "
        f"If you did not, contact {contact['team']}, {contact['email']}.",
        icon="🔒",
    )
elif ended:
    reason, message = ended
    st.info(message, icon="🔒")
    if reason == session.EXPIRED:  # its end is recorded once, however many tabs show it
        user = user_from_claims(claims, resolve=False)
        session.record_sign_out(user, cached.store(), session.EXPIRED)
st.markdown(
    "Monthly performance figures for children and young people's services, for "
    "councillors, officers and directors. Sign in with the account you use for council "
    "e-mail."
)
providers = login_providers()
for provider in providers:
    label = "Sign in with your council account"
    if len(providers) > 1:
        label += f" ({provider})"
    if st.button(label, type="primary", key=f"sign_in_{provider}"):
        if provider is None:
            st.login()
        else:
            st.login(provider)
st.caption(f"Problems signing in? Contact {contact['team']}, {contact['email']}.")
