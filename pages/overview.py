"""Overview: the scorecard councillors read first, for a chosen month ("as at").

Above the fold, the headline (`ui.headline`): how many indicators are on, near and off
target, how many got better or worse, and a linked sentence per changed status. Then
every indicator, grouped by family, with its latest figure, target, RAG status and
direction of travel in words and icons (colour only repeats them), a 13-month
sparkline, and a link to its chart on the family page; at phone width a card per
indicator instead of the table (`ui.style`). Everything shown is built once per data
version and month (`ui.cached.overview_model`); this page only draws it.
"""

from __future__ import annotations

import streamlit as st

from core.catalogue import Catalogue, catalogue
from core.periods import long_label
from presentation.markup import md
from presentation.overview import FamilySection
from presentation.scorecard_html import STYLE as SCORECARD_STYLE
from ui import cached as data
from ui.frame import in_frame, no_data_message
from ui.headline import cards_container, show_headline, table_container
from ui.navigation import page_handle


def _section(section: FamilySection, cat: Catalogue) -> None:
    """One family: its scorecard (a table on a laptop, cards on a phone), the national
    figures, why some have none, and a link to each indicator's chart."""
    family = section.family
    st.subheader(family.title)
    with table_container(family.key):
        st.html(section.table_html)
    with cards_container(family.key):
        st.html(section.cards_html)
    if section.benchmarks_html:
        st.markdown("**How we compare: the latest published national figures (DfE, annual)**")
        st.html(section.benchmarks_html)
    for caption in section.captions:
        st.caption(md(caption))
    page = page_handle(family.url_path)
    several = len(cat.in_family(family.key)) > 1
    with st.container(horizontal=True, gap="small"):
        for code, name in section.links:
            indicator = cat.get(code)
            st.page_link(
                page,
                label=f"Chart: {name}",
                icon=":material/show_chart:",
                query_params={"indicator": indicator.name} if several else None,
                help=f"Open the chart, summary and figures for {indicator.name}",
            )


def main() -> None:
    version = in_frame().version
    path = str(data.store().path)
    months = data.months(path, version)
    if not months:
        no_data_message()
        return
    as_at = st.selectbox(
        "Figures as at",
        months,
        index=0,
        format_func=long_label,
        key="as_at",
        help="The latest month with figures is shown first.",
    )
    cat = catalogue()
    model = data.overview_model(path, version, as_at)
    st.html(SCORECARD_STYLE)  # once for every table and card below
    show_headline(model.headline, cat)
    for section in model.sections:
        _section(section, cat)
    with st.expander("How to read this table"):
        st.markdown(
            "- **Status** compares the figure with the target in force that month: "
            "✔ on target, ▲ near target (worse than target but within the amber tolerance), "
            "✖ off target, – no target (some measures are context, with no better direction).\n"
            "- **On last month** and **On a year ago** say whether the figure got better (↑) "
            "or worse (↓), judged by which way is better for that measure. For a measure "
            "where neither is better they say up (↗) or down (↘).\n"
            "- **Variation (SPC)** and **Assurance (SPC)** come from statistical process "
            "control: the first says whether the latest month is a real change or ordinary "
            "noise, the second whether the target will be met reliably (P), missed reliably "
            "(F) or hit and miss (?). Each family page has an SPC view of every chart.\n"
            "- **How we compare** gives the latest year the DfE has published, labelled with "
            "that year: national figures are annual, so they are not for the month chosen.\n"
            "- Targets and tolerances are set by financial year. The About page explains "
            "every measure."
        )


main()
