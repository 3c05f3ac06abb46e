"""The navigation table: every screen, who may open it, and what its header says.

Each page declares its permission once, here. `dashboard.py` builds the menu from this
table for the user's role, so a page a role may not use is neither listed nor reachable by
URL, and `ui.frame` draws the guard, the header and the footer around the page from the
same row, so a page file holds only its own content. The family pages (one per indicator
family) are made from the catalogue: a new family in data/indicators.toml gets its page
with no code change.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.catalogue import catalogue
from core.roles import User, may
from core.settings import ROOT

# What the page says while the illustrative sample is loaded.
ILLUSTRATIVE = "illustrative"
BESIDE_REAL = "beside_real"  # a page of real published figures beside the sample


@dataclass(frozen=True)
class PageSpec:
    """One row of the navigation table."""

    source: str  # the page file, relative to the project root
    title: str
    url_path: str
    action: str  # the permission needed to open the page (core.roles.PERMISSIONS)
    section: str
    icon: str = ""
    default: bool = False
    intro: str = ""  # one paragraph under the title
    banner: str = ILLUSTRATIVE
    family: str = ""  # for a family page: the catalogue family it shows


FAMILY_PAGE = "pages/family.py"

NAVIGATION: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/overview.py",
        "Overview",
        "overview",
        "view",
        "Performance",
        "📋",
        default=True,
        intro="Every indicator for the month chosen: the latest figure, its target, whether "
        "it is on target, and whether it is getting better or worse.",
    ),
    PageSpec(
        "pages/benchmarking.py",
        "How we compare",
        "benchmarking",
        "view",
        "Performance",
        "🏛️",
        banner=BESIDE_REAL,
    ),
    PageSpec(
        "pages/plan.py",
        "Improvement plan",
        "plan",
        "view",
        "Performance",
        "📌",
        intro="The improvement plan's actions: how many are complete, which are late or at "
        "risk, and the indicators each should move. Directors upload a snapshot each quarter.",
    ),
    PageSpec(
        "pages/report.py",
        "Committee report",
        "report",
        "view",
        "Performance",
        "🖨️",
        intro="The monthly report for the select commission: a cover, a summary of every "
        "indicator, then each family's charts with the directors' commentary. It prints on "
        "A4 with each family on a new page.",
    ),
    PageSpec(
        "pages/extract.py",
        "Download figures",
        "extract",
        "extract",
        "Data",
        "⬇️",
        intro="Choose the figures for a committee report, a return or a partner, check the "
        "preview, then download a CSV or an Excel file. The command line gives the same "
        "rows for the same filters: `python -m etl extract --help`.",
    ),
    PageSpec(
        "pages/upload.py",
        "Upload figures",
        "upload",
        "upload",
        "Data",
        "⬆️",
        intro="Send the month's figures yourself. Every rule is checked on every cell first; "
        "you see a preview, and nothing is saved until you confirm.",
    ),
    PageSpec(
        "pages/history.py",
        "Submission history",
        "history",
        "rollback",
        "Data",
        "🕘",
        intro="Every file loaded, newest first, including those rolled back: nothing is "
        "ever deleted.",
    ),
    PageSpec(
        "pages/audit.py",
        "Audit log",
        "audit",
        "export_audit",
        "Data",
        "🔎",
        intro="Every sign-in, upload (accepted or refused, with the reasons), commit, "
        "rollback and extract is recorded here with who did it and when.",
    ),
    PageSpec("pages/about.py", "About these figures", "about", "view", "Help", "ℹ️"),
)


def family_specs() -> tuple[PageSpec, ...]:
    """One page per catalogue family, listed after the Overview."""
    return tuple(
        PageSpec(FAMILY_PAGE, f.title, f.url_path, "view", "Performance", "📈", family=f.key)
        for f in catalogue().families
    )


def specs_for(user: User) -> list[PageSpec]:
    """The rows of the table this user may open, in menu order."""
    rows: list[PageSpec] = []
    for spec in NAVIGATION:
        if may(user, spec.action):
            rows.append(spec)
            if spec.url_path == "overview":
                rows.extend(family_specs())
    return rows


def pages_for(user: User) -> dict[str, list[st.Page]]:
    """The navigation a user may see, by section."""
    sections: dict[str, list[st.Page]] = {}
    for spec in specs_for(user):
        sections.setdefault(spec.section, []).append(
            st.Page(
                ROOT / spec.source,
                title=spec.title,
                url_path=spec.url_path,
                icon=spec.icon or None,
                default=spec.default,
            )
        )
    return sections


def spec_by_url(url_path: str) -> PageSpec:
    """The row with this url_path, whoever asks (the guard decides who may open it)."""
    for spec in (*NAVIGATION, *family_specs()):
        if spec.url_path == url_path:
            return spec
    raise KeyError(f"No page has the address /{url_path}.")


def page_handle(url_path: str) -> st.Page:
    """A handle on a page for `st.page_link`: Streamlit matches it by source and url_path."""
    spec = spec_by_url(url_path)
    return st.Page(ROOT / spec.source, title=spec.title, url_path=spec.url_path)


def spec_for(url_path: str, user: User) -> PageSpec | None:
    """The row for the page Streamlit chose (the default page's url_path is "")."""
    for spec in specs_for(user):
        if spec.url_path == url_path or (spec.default and url_path == ""):
            return spec
    return None
