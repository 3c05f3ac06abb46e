"""The one palette: GOV.UK and DfE analytical colours, and what each carries.

Every chart (Plotly on the pages, SVG in the committee report) and the report's stylesheet
take their colours from here, so a colour means the same thing everywhere. The series
colours are the DfE analytical palette, chosen to stay distinguishable for colour-blind
readers; every meaning a colour carries is also carried by a shape, a dash or a word.
"""

from __future__ import annotations

from analysis.rag import AMBER, GREEN, RED

# GOV.UK text and furniture.
BLACK = "#0B0C0C"  # text, axes, the target line
DARK_GREY = "#505A5F"  # secondary text, key events
MID_GREY = "#B1B4B6"  # financial-year rules, table borders
SECONDARY_GREY = "#6F777B"  # common-cause SPC points
PALE_MID_GREY = "#BFC1C3"  # not started (improvement plan)
LIGHT_GREY = "#E5E5E5"  # grid lines
PALE_GREY = "#F3F2F1"  # table headings
NOTE_GREY = "#383F43"  # small print in the report
LINK_BLUE = "#1D70B8"
WHITE = "#FFFFFF"

# GOV.UK status colours, for RAG.
STATUS_GREEN = "#00703C"
STATUS_YELLOW = "#FFDD00"
STATUS_RED = "#D4351C"
PALE_YELLOW = "#FFF7BF"  # the illustrative-data banner

# DfE analytical palette, in the order series take colours.
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY_SERIES, LIGHT_PURPLE = (
    "#12436D",
    "#28A197",
    "#801650",
    "#F46A25",
    "#3D3D3D",
    "#A285D1",
)
PALETTE = [DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY_SERIES, LIGHT_PURPLE]
SERIES_COLOUR = DARK_BLUE
TARGET_COLOUR = BLACK
EVENT_COLOUR = DARK_GREY
AMBER_BAND = "rgba(255, 221, 0, 0.30)"

# Marker shape, fill and outline per RAG status: shape carries the meaning without colour.
RAG_MARKERS = {
    GREEN: {"symbol": "circle", "color": STATUS_GREEN, "line": STATUS_GREEN},
    AMBER: {"symbol": "triangle-up", "color": STATUS_YELLOW, "line": BLACK},
    RED: {"symbol": "x", "color": STATUS_RED, "line": STATUS_RED},
    None: {"symbol": "circle", "color": SERIES_COLOUR, "line": SERIES_COLOUR},
}
SERIES_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "star"]
BAR_PATTERNS = ["", "/", ".", "x", "-", "+"]

# Comparator series: each its own colour *and* dash, apart from the target's black dash.
COMPARATOR_STYLES = {
    "england": {"color": DARK_PINK, "dash": "dashdot"},
    "region": {"color": TURQUOISE, "dash": "longdash"},
    "neighbours": {"color": ORANGE, "dash": "dot"},
}
OTHER_COMPARATOR_STYLE = {"color": DARK_GREY_SERIES, "dash": "dot"}

FONT = "Arial, Helvetica, sans-serif"
