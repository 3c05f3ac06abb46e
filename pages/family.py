"""One page per indicator family (Referrals and assessments, Re-referrals, Caseloads, Placements).

The navigation table (`ui/navigation.py`) lists one page per catalogue family, all drawn
by this file: the frame tells it which family it is showing, so a new family in
data/indicators.toml gets its page with no code change. Each
indicator has its own tab; the tab is bound to the `indicator` query parameter, so
a link from the Overview (or a bookmark) opens the right chart directly.
"""

from __future__ import annotations

import streamlit as st

from core.catalogue import catalogue
from ui import cached as data
from ui.frame import in_frame, no_data_message
from ui.indicator_view import period_picker, render_indicator

QUERY_KEY = "indicator"


def render(family_key: str) -> None:
    """Lay out the page for one family: period choice, then one block per indicator."""
    cat = catalogue()
    indicators = cat.in_family(family_key)
    version = in_frame().version
    path = str(data.store().path)
    values = data.current_values(path, version, tuple(i.code for i in indicators))
    if values.empty:
        no_data_message()
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


render(in_frame().spec.family)
