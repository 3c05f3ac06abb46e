"""The welcome page for someone not yet signed in: one button to the council's sign-in."""

from __future__ import annotations

import streamlit as st

from core.settings import settings
from ui.access import login_providers

contact = settings()["contact"]

st.title("CYPS Performance")
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
