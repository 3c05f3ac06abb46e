"""CYPS Performance: the entry point (`streamlit run dashboard.py`).

Builds the navigation for the signed-in user's role from the table in
`ui/navigation.py`, so a page a role may not use is not listed and its address shows a
refusal in words (`ui/refusals.py`), and draws the frame (guard, header, footer:
`ui/frame.py`) around the page chosen. Pages live in `pages/` and hold only their own
content; nothing imports them.
"""

from __future__ import annotations

import logging
import os

import streamlit as st

from core.roles import ROLE_LABELS, ROLES, User
from ui import cached
from ui.access import (
    DEMO_ROLE_KEY,
    RolesConfigError,
    auth_configured,
    current_user,
    demo_allowed,
    sign_out,
)
from ui.bundled_comparators import ensure_comparators
from ui.frame import errors_as_sentences, framed
from ui.navigation import pages_for, spec_for
from ui.refusals import access_unavailable, refused_pages
from ui.session import record_sign_in

LOG = logging.getLogger(__name__)

st.set_page_config(
    page_title="CYPS Performance",
    page_icon="📊",
    layout="wide",
    initial_sidebar_state="expanded",
)


def _demo_sidebar(user: User) -> None:
    with st.sidebar:
        st.markdown("**Demo mode**: no sign-in is configured, so you can try each role.")
        st.selectbox(
            "View the dashboard as",
            list(ROLES),
            index=ROLES.index(user.role or ROLES[0]),
            format_func=lambda role: ROLE_LABELS[role],
            key=DEMO_ROLE_KEY,
        )


DEMO_BANNER = (
    "**Demo mode.** No sign-in is configured, so anyone can pick a role. Use it only to "
    "try the product with the illustrative sample, never with real figures."
)


def sample_wanted() -> bool:
    """The illustrative sample fills an empty database in demo use only.

    A configured deployment (sign-in set up, or demo mode refused) starts empty,
    so synthetic figures can never land in a council's real database by accident.
    CYPS_SAMPLE=off keeps a demo empty too (the empty-database experience).
    """
    return demo_allowed() and os.environ.get("CYPS_SAMPLE", "").strip().lower() not in (
        "off",
        "0",
        "false",
        "no",
    )


def main() -> None:
    if sample_wanted():
        cached.ensure_sample(str(cached.store().path))
    ensure_comparators(str(cached.store().path))  # every deployment: the national comparators
    try:
        user = current_user()
    except RolesConfigError as err:  # fail closed: whom to contact for users, the detail in the log
        LOG.error("Roles configuration refused, so nobody can be given a role: %s", err)
        access_unavailable()
        return
    if user is None:
        if auth_configured():
            door = st.Page("pages/sign_in.py", title="Sign in", url_path="sign-in")
            st.navigation([door, *refused_pages(None, "pages/sign_in.py")]).run()
        else:
            nav = st.navigation(
                [st.Page("pages/not_configured.py", title="Sign-in", url_path="sign-in")]
            )
            nav.run()
        return
    record_sign_in(user, cached.store())
    st.session_state["user"] = user  # for display only: actions call current_user() again
    if user.role is None:
        door = st.Page("pages/no_access.py", title="Ask for access", url_path="access")
        st.navigation([door, *refused_pages(user, "pages/no_access.py")]).run()
        return
    if user.demo:
        _demo_sidebar(user)
        st.warning(DEMO_BANNER, icon="🧪")
    else:
        with st.sidebar:
            st.caption(f"Signed in as {user.label}")
            if st.button("Sign out"):
                sign_out(user)
    menu = pages_for(user)
    first = next(iter(menu))
    menu[first] = [*menu[first], *refused_pages(user)]  # hidden: refusals by address
    page = st.navigation(menu, expanded=True)  # every page listed: none folded away
    spec = spec_for(page.url_path, user)
    if spec is None:  # a refusal: an address of a screen this role may not open
        page.run()
        return
    with framed(spec):
        page.run()


# Streamlit runs this file as __main__; tests may import it without drawing.
if __name__ == "__main__":
    with errors_as_sentences():  # a busy or damaged database, any refusal: a sentence
        main()
