"""Shown instead of any figures when nobody can be signed in.

That happens when no identity provider is configured and demo mode is refused
(turned off, or this looks like a real deployment). The page says why, for
whoever is setting the deployment up; it shows no data.
"""

from __future__ import annotations

import streamlit as st

from core.settings import settings
from ui.access import demo_status

# A heading of README.md (tests/pages/test_sign_in_apptest.py checks that it is there).
README_SECTION = "Sign-in and roles"

_, reason = demo_status()
contact = settings()["contact"]

st.title("Sign-in is not set up yet")
st.markdown(
    "CYPS Performance shows figures only to people signed in with a council account, "
    "and sign-in has not been configured for this deployment."
)
if reason:
    st.warning(reason, icon="🔒")
st.markdown(
    "**For whoever runs this deployment:** add the council's identity provider under "
    "`[auth]` in `.streamlit/secrets.toml` (see `.streamlit/secrets.example.toml` and "
    f"the README section *{README_SECTION}*), and grant roles in "
    "`data/roles.toml` or under `[roles]` in the secrets. Then restart the app."
)
st.caption(f"Everyone else: please contact {contact['team']}, {contact['email']}.")
