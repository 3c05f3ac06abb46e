"""The dashboard's own stylesheet, injected once per run by the frame (issue 16 §2 and §6).

Streamlit has no media queries in Python, so what must change with the screen is drawn
both ways and shown or hidden here: at phone width the Overview's scorecard tables give
way to one card per indicator (`presentation.scorecard_html`); at laptop width the
table, the accessible data grid, is shown and the cards are not. The rest makes what
Streamlit draws meet the issue's bar: a focus ring that meets WCAG 2.2's focus
appearance (a 3px solid outline, offset, in near-black, with a yellow halo so it shows on
dark fills too), no page that scrolls sideways on a 390px phone, chart toolbars
that sit in a strip above the chart rather than on it, and one tab stop per chart.
"""

from __future__ import annotations

import streamlit as st

from presentation import palette

# The width below which the scorecard is shown as cards (a phone held upright).
PHONE_MAX_WIDTH_PX = 640
TABLE_KEY = "scorecard-table"  # container keys start with these; Streamlit adds st-key-<key>
CARDS_KEY = "scorecard-cards"

CSS = f"""
<style>
/* WCAG 2.2 focus appearance: a 3px solid ring, offset from the control, near-black on a
   yellow halo (at least 3:1 against white, grey and the dark buttons). */
:focus-visible,
[data-testid="stDataFrame"]:focus-within,
[data-testid="stPlotlyChart"]:focus-within {{
  outline: 3px solid {palette.BLACK} !important;
  outline-offset: 3px !important;
  box-shadow: 0 0 0 3px {palette.STATUS_YELLOW} !important;
}}
/* No sideways scrolling of the page on a phone: long words and wide blocks wrap. */
[data-testid="stMain"] {{ overflow-x: hidden; }}
[data-testid="stMarkdownContainer"] {{ overflow-wrap: anywhere; }}
[data-testid="stPageLink"] {{ max-width: 100%; }}
[data-testid="stPageLink"] a {{ max-width: 100%; height: auto; }}
[data-testid="stPageLink"] p, [data-testid="stPageLink"] span {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
/* Chart toolbars (Streamlit's and Plotly's) sit in a strip above the chart, not on it.
   The strip is a margin on the chart's block: Streamlit gives that block the figure's
   height and scrolls what overflows it, so padding inside would make every chart a
   scrolling region that the keyboard cannot reach (axe: scrollable-region-focusable). */
[data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"]
    > [data-testid="stPlotlyChart"]) {{
  margin-top: 2.25rem;
  overflow: visible !important;
}}
[data-testid="stPlotlyChart"] .modebar-container {{ top: -2.25rem !important; }}
/* Each chart is one tab stop (issue 16 §6): its toolbar has one button, Download plot as
   a PNG (presentation.charts.layout.CHART_CONFIG), always shown in the strip above; the
   data table below the chart is the keyboard's next stop and its way to the figures. */
[data-testid="stPlotlyChart"] .modebar-group:focus-within {{ opacity: 1 !important; }}
/* The scorecard: tables on a laptop, one card per indicator on a phone. */
[class*="st-key-{CARDS_KEY}"] {{ display: none !important; }}
@media (max-width: {PHONE_MAX_WIDTH_PX}px) {{
  [class*="st-key-{TABLE_KEY}"] {{ display: none !important; }}
  [class*="st-key-{CARDS_KEY}"] {{ display: flex !important; }}
  [data-testid="stMainBlockContainer"] {{ padding-left: 1rem; padding-right: 1rem; }}
}}
.st-key-headline {{
  border-left: 6px solid {palette.LINK_BLUE};
  padding-left: 1rem;
}}
</style>
"""


def inject() -> None:
    """Add the stylesheet to the page (a style-only `st.html` takes no space)."""
    st.html(CSS)
