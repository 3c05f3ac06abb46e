"""What someone sees at a door they may not go through, instead of figures or "Page not found".

Two cases: the roles cannot be read (a mistyped role in data/roles.toml or the secrets
locks everyone out, and users are told whom to contact, not the detail), and an address
of a screen the user may not open (a bookmark, a typed or shared link), which says why.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from core.roles import ROLE_LABELS, User, may
from core.settings import settings
from presentation.markup import md
from ui.access import current_user, sign_out
from ui.navigation import NAVIGATION, PageSpec, family_specs

LOG = logging.getLogger(__name__)


def access_unavailable() -> None:
    """The page when the roles cannot be read: whom to contact, and a way to sign out.

    The reason (which file, which line) is for whoever runs the deployment and goes to
    the server log; it names other people's addresses, so users are not shown it.
    """
    contact = settings()["contact"]
    st.title("Access cannot be checked")
    st.error(
        f"Access cannot be checked, so no figures are shown. Please contact {contact['team']}, "
        f"{contact['email']}.",
        icon="🔒",
    )
    if st.user.get("is_logged_in", False) and st.button("Sign out"):
        sign_out(None)


def refused_pages(user: User | None, page: str = "") -> list[st.Page]:
    """Hidden pages at the addresses of every screen this user may not open.

    So a bookmark or typed address of such a screen says why it is not shown instead of
    Streamlit's "Page not found": the sign-in page for nobody signed in (`page`, a page
    file), "Ask for access" for no role (`page` again), and for a role a refusal naming
    the screen.
    """
    pages = []
    for spec in (*NAVIGATION, *family_specs()):
        if user is not None and user.role is not None and may(user, spec.action):
            continue
        target: Any = page if user is None or user.role is None else _refusal(spec)
        pages.append(st.Page(target, title=spec.title, url_path=spec.url_path, visibility="hidden"))
    return pages


def _refusal(spec: PageSpec) -> Any:
    def refused() -> None:
        user = current_user()
        role = ROLE_LABELS.get(user.role, "no role") if user and user.role else "no role"
        contact = settings()["contact"]
        LOG.warning("Refused /%s to %s.", spec.url_path, user.audit_name if user else "nobody")
        st.title(spec.title)
        st.error(
            f"You do not have access to {md(spec.title)}: your role ({role}) does not include "
            f"it. If you need it, ask for access: {contact['team']}, {contact['email']}.",
            icon="🔒",
        )

    refused.__name__ = f"refused_{spec.url_path.replace('-', '_')}"
    return refused
