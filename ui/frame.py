"""The frame drawn around every page: the guard, the header and the footer.

`dashboard.py` calls `run_framed` with the page Streamlit chose and its row of the
navigation table, so every page checks the user's role, shows its title, the
illustrative-data banner and "last updated", and ends with the contact footer, without a
line of its own. The guard is the second lock: the menu already leaves out pages a role
may not use, and actions inside a page still call `require` themselves.
"""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import streamlit as st

from core.errors import CypsError
from core.roles import User
from core.settings import ROOT, settings
from ui import cached
from ui.access import guard_page
from ui.errors import show
from ui.legacy_pages import use_navigation_only
from ui.navigation import BESIDE_REAL, PageSpec, spec_by_url
from ui.style import inject as inject_style

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


@dataclass(frozen=True)
class Frame:
    """What the frame tells the page inside it: which page, who, and which data."""

    spec: PageSpec
    user: User
    path: str  # the database file
    version: str  # its data version: every cached read is keyed on it


_CURRENT: ContextVar[Frame] = ContextVar("cyps_current_frame")


def in_frame() -> Frame:
    """The frame this page is drawn in; every page file starts here.

    A page run outside `dashboard.py` (Streamlit's legacy `pages/` mode, on the first
    request after a restart that names a page's address) has no frame: legacy mode is
    switched off and the run starts again through the entry (`ui.legacy_pages`). Should
    that not apply, the page refuses to draw rather than draw without its guard.
    """
    try:
        return _CURRENT.get()
    except LookupError:
        use_navigation_only()
        st.error("This page opens from the dashboard's menu.", icon="🔒")
        st.stop()
        raise  # st.stop() raises; this line only tells type checkers the page ends here


def header(frame: Frame) -> None:
    """Title, the sample banner while the sample is loaded, last updated, and the intro."""
    spec, path, version = frame.spec, frame.path, frame.version
    st.title(spec.title)
    if cached.sample_shown(path, version):
        banner = SAMPLE_BESIDE_REAL_BANNER if spec.banner == BESIDE_REAL else ILLUSTRATIVE_BANNER
        st.warning(banner, icon="ℹ️")
    updated = cached.last_updated(path, version)
    st.caption(
        f"Figures last updated {updated:%d %B %Y at %H:%M}."
        if updated
        else "No figures have been loaded yet."
    )
    if spec.intro:
        st.markdown(spec.intro)


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


@contextmanager
def framed(spec: PageSpec) -> Iterator[Frame]:
    """Guard, header, the page's own content (the `with` body), then the footer."""
    user = guard_page(spec.action)
    frame = Frame(spec, user, str(cached.store().path), cached.version())
    token = _CURRENT.set(frame)
    try:
        inject_style()  # once per run: focus ring, phone layout, chart toolbars
        header(frame)
        yield frame
        footer()
    finally:
        _CURRENT.reset(token)


@contextmanager
def errors_as_sentences() -> Iterator[None]:
    """Any error a person can meet stops the page with its sentence, styled by its kind
    (`ui.errors`): a busy or damaged database, a refused file, a role that may not act.
    Never the generic error box or a traceback."""
    try:
        yield
    except CypsError as err:
        show(err)


def run_page(url_path: str) -> None:
    """Draw one screen in its frame, as the menu would, without the menu.

    For AppTest and the page benchmark, which draw a single screen: the same guard,
    header and footer as `dashboard.py`, then the page file run as Streamlit runs it.
    """
    spec = spec_by_url(url_path)
    with errors_as_sentences(), framed(spec):
        runpy.run_path(str(ROOT / spec.source), run_name="__main__")
