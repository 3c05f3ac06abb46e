"""About these figures: sources, definitions, methods, accessibility statement and contact.

The trust furniture every public-sector statistics dashboard carries. Definitions,
thresholds and targets are read from the catalogue and the store, so this page can
never disagree with the charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.rag import DIRECTION_ICONS, RAG_ICONS, RAG_WORDS
from analysis.summary import format_target
from core.catalogue import catalogue
from core.periods import financial_year_label
from core.settings import settings
from etl.benchmarks.sources import publications
from ui import cached as data
from ui.frame import in_frame
from ui.indicator_view import about_markdown


def _targets_table(targets: pd.DataFrame) -> pd.DataFrame:
    cat = catalogue()
    rows = []
    for row in targets.itertuples(index=False):
        indicator = cat.lookup(row.indicator)
        if indicator is None:
            continue
        tolerance = row.amber_tolerance if pd.notna(row.amber_tolerance) else 0
        rows.append(
            {
                "Indicator": indicator.name,
                "From": "Always"
                if row.effective_from.year < 1990
                else financial_year_label(row.effective_from),
                "Target": format_target(indicator, row.target),
                "Amber tolerance": format_target(indicator, tolerance).replace("%", " points")
                if indicator.is_percent
                else format_target(indicator, tolerance),
                "Good performance is": indicator.better,
            }
        )
    return pd.DataFrame(rows)


def _publications_markdown() -> str:
    """The DfE publications the comparators come from, each with its link: the captions
    elsewhere name a publication in words and send the reader here (issue 16 §5)."""
    listed = "\n".join(
        f"- [{p.name}]({p.url})" + (f": {p.covers}." if p.covers else ".") for p in publications()
    )
    return (
        "The England, regional and statistical-neighbour figures on *How we compare* and on "
        "the charts are the Department for Education's published statistics, under the Open "
        "Government Licence v3.0, from:\n\n" + listed
    )


def main() -> None:
    version = in_frame().version
    cat = catalogue()
    contact = settings()["contact"]

    st.header("Where the figures come from")
    st.markdown(
        "The figures are the council's own monthly performance figures for children's "
        "services, taken from the case management, workforce and placements systems and "
        "loaded by the Performance and Quality Team each month. Where a measure follows a "
        "national definition, it is the one the Department for Education (DfE) uses in its "
        "annual returns, named below. The DfE publishes figures once a year; these are "
        "monthly, so they can differ from the published annual figures. A figure corrected "
        "after it was first loaded shows its latest value; every earlier version is kept."
    )

    st.subheader("The national comparators")
    st.markdown(_publications_markdown())

    st.header("What each measure means")
    for family in cat.families:
        st.subheader(family.title)
        for indicator in cat.in_family(family.key):
            with st.expander(indicator.name):
                st.markdown(about_markdown(indicator))

    st.header("How status and direction of travel are worked out")
    st.markdown(
        "**Status (red, amber, green).** Each measure with a better direction has a target "
        "for each financial year (April to March) and an amber tolerance.\n\n"
        f"- {RAG_ICONS['green']} **{RAG_WORDS['green']}** (green): the figure meets or beats "
        "the target.\n"
        f"- {RAG_ICONS['amber']} **{RAG_WORDS['amber']}** (amber): worse than the target, but "
        "by no more than the tolerance.\n"
        f"- {RAG_ICONS['red']} **{RAG_WORDS['red']}** (red): worse than the target by more "
        "than the tolerance.\n"
        f"- {RAG_ICONS[None]} **{RAG_WORDS[None]}**: the measure has no target, or neither "
        "direction is better (for example the number of referrals, which shows demand).\n\n"
        "**Direction of travel** compares the figure with the month before and with the same "
        "month a year earlier, at the precision the figure is shown.\n\n"
        f"- **{DIRECTION_ICONS['improving']}**: moved the way that is better for that measure "
        "(for re-referrals, down; for assessments on time, up).\n"
        f"- **{DIRECTION_ICONS['worsening']}**: moved the way that is worse.\n"
        f"- **{DIRECTION_ICONS['no change']}**: the same at the precision shown.\n"
        f"- **{DIRECTION_ICONS['increase']}** / **{DIRECTION_ICONS['decrease']}**: for a "
        "measure where neither direction is better.\n\n"
        "Status and direction are always given in words and symbols as well as colour.\n\n"
        "**National rank and quartile band** (How we compare). Each year's DfE figure ranks "
        "the council among all councils with a figure, 1 being the best by the measure's "
        "better direction (councils level on a figure share the better rank). Quartile band A "
        "is the best quarter of councils and D the worst, split at the quarter, half and "
        "three-quarter points of all councils' figures, a figure exactly on a split going in "
        "the band of the lower figures, exactly as the DfE's Local Authority Interactive Tool "
        "(LAIT) does, so the band here is the band LAIT gives."
    )
    path = str(data.store().path)
    targets = _targets_table(data.targets(path, version))
    if not targets.empty:
        st.markdown("**Targets in force**, by the financial year they start:")
        st.dataframe(targets, hide_index=True, width="stretch")

    st.header("Accessibility statement")
    st.markdown(
        "We want as many people as possible to be able to use this dashboard. You should be "
        "able to read every figure without relying on colour, zoom to 200% without losing "
        "content, move around with a keyboard, and use a screen reader.\n\n"
        "- Every chart is followed by a one-sentence summary and by its figures as a table.\n"
        "- Status and direction of travel are shown in words and symbols, not colour alone; "
        "chart markers differ in shape (circle on target, triangle near target, cross off "
        "target).\n"
        "- Chart colours come from the Government Analysis Function and DfE palettes, chosen "
        "to be told apart by people with colour-blindness.\n\n"
        "**Known limitations.** Hovering over a chart for exact figures needs a mouse or "
        "touch; the same figures are in the table under each chart. The interactive charts "
        "may not be fully announced by every screen reader.\n\n"
        "This service aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at "
        "level AA, as required by the Public Sector Bodies (Websites and Mobile "
        "Applications) (No. 2) Accessibility Regulations 2018. If you find a problem or "
        "need the figures in another format, contact us (below); we aim to reply within "
        "10 working days. If you are not happy with our response, contact the Equality "
        "Advisory and Support Service (EASS)."
    )

    st.header("Contact")
    st.markdown(
        f"Questions about these figures, or a figure that looks wrong: **{contact['team']}**, "
        f"[{contact['email']}](mailto:{contact['email']})."
    )


main()
