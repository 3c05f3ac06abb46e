"""Signed in, but no role: a polite way to ask for access, and nothing else.

Shows the e-mail address the identity provider gave, so the person can quote it
when they ask, and whom to ask.
"""

from __future__ import annotations

import streamlit as st

from core.settings import settings
from presentation.markup import md
from ui.access import current_user, sign_out

user = current_user()
contact = settings()["contact"]

st.title("Ask for access")
st.markdown(
    "You are signed in, but your account has not yet been given access to CYPS "
    "Performance. The figures are about children's services, so access is granted "
    "person by person."
)
if user and user.email:
    st.markdown(
        f"You are signed in as **{md(user.email)}**. Please quote this address when you ask."
    )
st.markdown(
    f"To ask for access, e-mail **{contact['team']}** at "
    f"[{contact['email']}](mailto:{contact['email']}), saying which role you need: "
    "a select commission member (to view the figures), an officer (to view and download "
    "them) or a director (to load and correct them)."
)
if user and st.button("Sign out"):
    sign_out(user)
