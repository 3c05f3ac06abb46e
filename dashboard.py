"""CYPS Performance: the entry point (`streamlit run dashboard.py`).

Builds the navigation for the signed-in user's role, so a page a role may not
use is neither listed nor reachable by URL. Pages live in `pages/`; the family
pages (one per indicator family) are made from the catalogue, so a new family
in data/indicators.toml gets its page with no code change.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import streamlit as st

from core.catalogue import catalogue
from core.roles import ROLE_LABELS, ROLES, User, may
from pages import family
from ui import cached as data
from ui.access import (
    DEMO_ROLE_KEY,
    RolesConfigError,
    auth_configured,
    current_user,
    demo_allowed,
    record_sign_in,
    sign_out,
)

LOG = logging.getLogger(__name__)

st.set_page_config(
    page_title="CYPS Performance",
    page_icon="📊",
    layout="wide",
    initial_sidebar_state="expanded",
)


@dataclass(frozen=True)
class PageSpec:
    source: str
    title: str
    url_path: str
    action: str  # the permission needed to see the page
    section: str
    icon: str = ""
    default: bool = False


PAGES = [
    PageSpec("pages/overview.py", "Overview", "overview", "view", "Performance", "📋", True),
    PageSpec("pages/benchmarking.py", "How we compare", "benchmarking", "view", "Performance", "🏛️"),
    PageSpec("pages/report.py", "Committee report", "report", "view", "Performance", "🖨️"),
    PageSpec("pages/extract.py", "Download figures", "extract", "extract", "Data", "⬇️"),
    PageSpec("pages/upload.py", "Upload figures", "upload", "upload", "Data", "⬆️"),
    PageSpec("pages/history.py", "Submission history", "history", "rollback", "Data", "🕘"),
    PageSpec("pages/audit.py", "Audit log", "audit", "export_audit", "Data", "🔎"),
    PageSpec("pages/about.py", "About these figures", "about", "view", "Help", "ℹ️"),
]


def _family_page(key: str, title: str, url_path: str) -> st.Page:
    def page() -> None:
        family.render(key)

    page.__name__ = f"family_{key}"
    return st.Page(page, title=title, url_path=url_path, icon="📈")


def pages_for(user: User) -> dict[str, list[st.Page]]:
    """The navigation a user may see, by section."""
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if not may(user, spec.action):
            continue
        page = st.Page(
            spec.source,
            title=spec.title,
            url_path=spec.url_path,
            icon=spec.icon or None,
            default=spec.default,
        )
        sections.setdefault(spec.section, []).append(page)
        if spec.url_path == "overview":
            sections[spec.section] += [
                _family_page(f.key, f.title, f.url_path) for f in catalogue().families
            ]
    return sections


def _demo_sidebar(user: User) -> None:
    with st.sidebar:
        st.markdown("**Demo mode**: no sign-in is configured, so you can try each role.")
        st.selectbox(
            "View the dashboard as",
            ROLES,
            index=ROLES.index(user.role),
            format_func=ROLE_LABELS.get,
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
        data.ensure_sample(str(data.store().path))
    try:
        user = current_user()
    except RolesConfigError as err:  # fail closed, with the sentence that says what to fix
        LOG.error("Roles configuration refused: %s", err)
        st.error(f"Access cannot be checked, so no figures are shown. {err}")
        return
    if user is None:
        if auth_configured():
            nav = st.navigation([st.Page("pages/sign_in.py", title="Sign in", url_path="sign-in")])
        else:
            nav = st.navigation(
                [st.Page("pages/not_configured.py", title="Sign-in", url_path="sign-in")]
            )
        nav.run()
        return
    record_sign_in(user, data.store())
    st.session_state["user"] = user  # for display only: actions call current_user() again
    if user.role is None:
        st.navigation(
            [st.Page("pages/no_access.py", title="Ask for access", url_path="access")]
        ).run()
        return
    if user.demo:
        _demo_sidebar(user)
        st.warning(DEMO_BANNER, icon="🧪")
    else:
        with st.sidebar:
            st.caption(f"Signed in as {user.label}")
            if st.button("Sign out"):
                sign_out(user)
    st.navigation(pages_for(user)).run()


# Streamlit runs this file as __main__; tests import it for pages_for() without drawing.
if __name__ == "__main__":
    main()
