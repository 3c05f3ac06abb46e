"""One page per indicator family (Referrals and assessments, Re-referrals, Caseloads, Placements).

dashboard.py builds these pages from the catalogue and calls `render(key)`, so a
new family in data/indicators.toml gets its page with no code change. Each
indicator has its own tab; the tab is bound to the `indicator` query parameter, so
a link from the Overview (or a bookmark) opens the right chart directly.
"""

from __future__ import annotations

import streamlit as st

from core.catalogue import catalogue
from ui import cached as data
from ui.furniture import footer, no_data_message, page_header
from ui.indicator_view import period_picker, render_indicator

QUERY_KEY = "indicator"


def render(family_key: str) -> None:
    """Lay out the page for one family: period choice, then one block per indicator."""
    cat = catalogue()
    family = cat.family(family_key)
    indicators = cat.in_family(family_key)
    version = page_header(family.title)
    path = str(data.store().path)
    values = data.current_values(path, version, tuple(i.code for i in indicators))
    if values.empty:
        no_data_message()
        footer()
        return
    first, last = period_picker(values["period"], key=f"years_{family_key}")

    if len(indicators) == 1:
        render_indicator(indicators[0], path, version, first, last)
    else:
        tabs = st.tabs(
            [i.name for i in indicators],
            key=QUERY_KEY,
            bind="query-params",
        )
        for tab, indicator in zip(tabs, indicators, strict=True):
            if tab.open is False:
                continue  # only the tab being read is drawn: pages stay quick
            with tab:
                render_indicator(indicator, path, version, first, last)
    footer()
