"""The trust furniture every page carries: illustrative-data banner, last updated, contact."""

from __future__ import annotations

import streamlit as st

from core.settings import settings
from ui import cached as data
from ui.access import guard_page

ILLUSTRATIVE_BANNER = (
    "**Illustrative sample data.** The figures shown are synthetic, shaped on public facts "
    "about one council's children's services in 2014–2017. They are not real figures and "
    "must not be quoted."
)


SAMPLE_BESIDE_REAL_BANNER = (
    "**The council's monthly figures in this dashboard are illustrative sample data** "
    "(synthetic, not to be quoted). The national figures on this page are not: they are "
    "real statistics published by the Department for Education."
)


def page_header(
    title: str, intro: str = "", action: str = "view", sample_banner: str = ILLUSTRATIVE_BANNER
) -> str:
    """Check access, then title, banner and last-updated line; returns the data version.

    `sample_banner` is what to say while the illustrative sample is loaded; a page of
    real published figures says so instead.

    Every page that shows figures starts here, so every page checks the user's role
    itself: the navigation hides pages, but a page reached another way (a stale
    session, a crafted address) still refuses a user who may not `action`.
    """
    guard_page(action)
    st.title(title)
    version = data.version()
    path = str(data.store().path)
    if data.sample_shown(path, version):
        st.warning(sample_banner, icon="ℹ️")
    updated = data.last_updated(path, version)
    st.caption(
        f"Figures last updated {updated:%d %B %Y at %H:%M}."
        if updated
        else "No figures have been loaded yet."
    )
    if intro:
        st.markdown(intro)
    return version


def footer() -> None:
    contact = settings()["contact"]
    st.divider()
    # Plain markdown, not a caption: a link inside a caption is too faint for WCAG AA.
    st.markdown(
        f"Questions about these figures: {contact['team']}, {contact['email']}. "
        "See the About page for definitions, methods and the accessibility statement."
    )


def no_data_message() -> None:
    st.info(
        "There are no figures in the database yet. A director can load the month's "
        "spreadsheet on the **Upload figures** page, or from the command line: "
        "`python -m etl load FILE.xlsx`."
    )
