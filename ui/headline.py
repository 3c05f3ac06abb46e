"""The Overview's headline and phone cards: what a councillor reads in the first minute.

The headline (`analysis.headline`) sits above the fold: the month's counts on, near and
off target, better and worse on last month, and a sentence per indicator whose status
changed, each a link to its chart. The scorecard's table and cards
(`presentation.scorecard_html`) go in the two containers here, one shown at laptop width
and the other at phone width by `ui.style`'s media query.
"""

from __future__ import annotations

import streamlit as st

from analysis.headline import Headline
from analysis.rag import RAG_ICONS
from core.catalogue import Catalogue
from core.periods import long_label
from ui.navigation import page_handle
from ui.style import CARDS_KEY, TABLE_KEY

HEADLINE_KEY = "headline"


def chart_link(cat: Catalogue, code: str, label: str, key: str | None = None) -> None:
    """A link to an indicator's chart on its family page (opened on that indicator)."""
    indicator = cat.get(code)
    family = [i for i in cat.indicators if i.family == indicator.family]
    page = page_handle(next(f.url_path for f in cat.families if f.key == indicator.family))
    st.page_link(
        page,
        label=label,
        icon=":material/show_chart:",
        query_params={"indicator": indicator.name} if len(family) > 1 else None,
        help=f"Open the chart, summary and figures for {indicator.name}",
    )


def show_headline(headline: Headline, cat: Catalogue) -> None:
    """The counts in symbols and words, then each changed status as a linked sentence."""
    with st.container(key=HEADLINE_KEY):
        st.markdown(
            f"**At a glance, {long_label(headline.month)}:** "
            f"✔ {headline.on_target} on target · ▲ {headline.near_target} near target · "
            f"✖ {headline.off_target} off target · ↑ {headline.improved} better and "
            f"↓ {headline.worsened} worse on last month"
        )
        st.caption(headline.counts_sentence())
        if not headline.changes:
            st.markdown("No indicator's status changed since last month.")
            return
        st.markdown(f"**Status changed since last month ({len(headline.changes)}):**")
        for change in headline.changes:
            chart_link(cat, change.code, f"{RAG_ICONS[change.status]} {change.sentence}")


def table_container(family_key: str):
    """The container the laptop-width table is drawn in (hidden at phone width)."""
    return st.container(key=f"{TABLE_KEY}-{family_key}")


def cards_container(family_key: str):
    """The container the phone-width cards are drawn in (hidden at laptop width)."""
    return st.container(key=f"{CARDS_KEY}-{family_key}", gap="small")
