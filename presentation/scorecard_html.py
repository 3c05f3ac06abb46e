"""The Overview's scorecard as HTML: a real table on a laptop, one card per indicator on a phone.

Why HTML and not Streamlit's data grid: the grid re-encodes every table, and a pandas
Styler for the status colours, on every run of every session, which made the Overview
the slowest page when a committee opened it together (issue 17: 11 styled grids cost
about 200 ms of CPU a run). This markup is built once per data version and month
(`ui.cached.overview_model`) and sent as it is. It is also plainer for the people who
read it: a `<table>` with a caption and scoped headers that a screen reader reads as a
table, indicator names that wrap instead of being cut off (issue 16 §2), and status
colours that only repeat the symbol and words in the cell.

Every value comes from `analysis.scorecard.display_table` and is escaped here
(`presentation.markup.html`): the director's note is free text.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence

import pandas as pd

from presentation import palette
from presentation.markup import html

# Columns shown in the laptop table, with the hover text that explains each heading.
COLUMN_HELP = {
    "Indicator": "",
    "Better if": "Good performance is a higher or a lower figure; 'Neither' for context "
    "measures such as the number of referrals",
    "Latest": "The figure for the month chosen",
    "Target": "The target in force that month",
    "Status": "On target (green ✔), near target: within the amber tolerance (amber ▲), "
    "off target (red ✖)",
    "On last month": "Direction of travel against the month before, judged by which way is better",
    "On a year ago": "Direction of travel against the same month a year earlier",
    "Last 13 months": "The month chosen and the twelve before it; gaps are missing months",
    "Variation (SPC)": "Statistical process control: is the latest month a real change "
    "(special cause) or the usual ups and downs (common cause)? Needs 12 months of figures.",
    "Assurance (SPC)": "Statistical process control: will the process, as it runs now, "
    "reliably meet the target (P), reliably miss it (F), or sometimes hit and miss (?)",
    "Note": "The director's note for the month",
}
# Status cell colours by the symbol the status text starts with; the symbol and the words
# carry the meaning, the colour repeats it.
STATUS_CLASSES = {"✔": "cyps-green", "▲": "cyps-amber", "✖": "cyps-red"}
SPARK_WIDTH, SPARK_HEIGHT = 84, 26

# The stylesheet for these tables and cards: drawn once by each page that shows them (a
# style-only `st.html` takes no space), not repeated inside every table sent to a browser.
STYLE = f"""<style>
.cyps-scorecard {{ width: 100%; border-collapse: collapse; font-size: 0.875rem;
  table-layout: auto; }}
.cyps-scorecard caption {{ position: absolute; left: -10000px; width: 1px; height: 1px;
  overflow: hidden; }}
.cyps-scorecard th, .cyps-scorecard td {{ border-bottom: 1px solid {palette.MID_GREY};
  padding: 0.35rem 0.4rem; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }}
.cyps-scorecard td:last-child {{ overflow-wrap: anywhere; }}
.cyps-scorecard thead th {{ background: {palette.PALE_GREY}; font-weight: 600; }}
.cyps-scorecard tbody th {{ font-weight: 600; min-width: 9rem; }}
.cyps-scorecard .cyps-green {{ background: {palette.STATUS_GREEN}; color: {palette.WHITE}; }}
.cyps-scorecard .cyps-amber {{ background: {palette.STATUS_YELLOW}; color: {palette.BLACK}; }}
.cyps-scorecard .cyps-red {{ background: {palette.STATUS_RED}; color: {palette.WHITE}; }}
.cyps-scroll {{ overflow-x: auto; max-width: 100%; }}
.cyps-cards {{ list-style: none; padding: 0 !important; margin: 0 !important;
  display: grid; gap: 0.5rem; }}
.cyps-cards li {{ border: 1px solid {palette.MID_GREY}; border-radius: 0.5rem;
  padding: 0.5rem 0.75rem; overflow-wrap: anywhere; }}
.cyps-cards .cyps-green, .cyps-cards .cyps-amber, .cyps-cards .cyps-red {{
  padding: 0 0.3rem; border-radius: 0.25rem; }}
.cyps-cards .cyps-green {{ background: {palette.STATUS_GREEN}; color: {palette.WHITE}; }}
.cyps-cards .cyps-amber {{ background: {palette.STATUS_YELLOW}; color: {palette.BLACK}; }}
.cyps-cards .cyps-red {{ background: {palette.STATUS_RED}; color: {palette.WHITE}; }}
</style>"""


def _status_class(text: str) -> str:
    return STATUS_CLASSES.get(str(text)[:1], "")


def _finite(values: Sequence[object]) -> list[float | None]:
    out: list[float | None] = []
    for v in values:
        number = float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
        out.append(number if number is not None and math.isfinite(number) else None)
    return out


def sparkline_svg(values: Sequence[object] | None) -> str:
    """A small line of the last 13 months, gaps left open: an image whose text alternative
    gives its range."""
    points = _finite(list(values) if values is not None else [])
    known = [v for v in points if v is not None]
    if not known:
        return "–"
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(points) - 1, 1)
    runs: list[list[str]] = [[]]
    for i, v in enumerate(points):
        if v is None:
            runs.append([])
            continue
        y = SPARK_HEIGHT - 2 - (v - low) / span * (SPARK_HEIGHT - 4)
        runs[-1].append(f"{i * step:.1f},{y:.1f}")
    lines = "".join(
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{palette.DARK_BLUE}" '
        'stroke-width="1.5"/>'
        if len(run) > 1
        else f'<circle cx="{run[0].split(",")[0]}" cy="{run[0].split(",")[1]}" r="1.5" '
        f'fill="{palette.DARK_BLUE}"/>'
        for run in runs
        if run
    )
    label = (
        f"Last 13 months: from {_short(known[0])} to {_short(known[-1])}, "
        f"lowest {_short(low)}, highest {_short(high)}"
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}">{lines}</svg>'
    )
    # An image of the SVG, not inline SVG: Streamlit's sanitiser drops inline SVG, and an
    # <img> carries its text alternative in `alt` (the CSP allows data: images).
    encoded = base64.b64encode(svg.encode()).decode()
    return (
        f'<img src="data:image/svg+xml;base64,{encoded}" alt="{html(label)}" '
        f'width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}">'
    )


def _short(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def _cell(column: str, value: object) -> str:
    if column == "Last 13 months":
        return f"<td>{sparkline_svg(value)}</td>"  # type: ignore[arg-type]
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else value
    css = _status_class(str(text)) if column == "Status" else ""
    attr = f' class="{css}"' if css else ""
    return f"<td{attr}>{html(text)}</td>"


def _head(columns: list[str], column_help: dict[str, str]) -> str:
    """Column headings, each with its explanation on hover where it has one."""
    return "".join(
        f'<th scope="col" title="{html(column_help[c])}">{html(c)}</th>'
        if column_help.get(c)
        else f'<th scope="col">{html(c)}</th>'
        for c in columns
    )


def scorecard_table_html(rows: pd.DataFrame, caption: str) -> str:
    """One family's scorecard: indicator names as row headings, every column in words."""
    columns = [c for c in COLUMN_HELP if c in rows.columns]
    head = _head(columns, COLUMN_HELP)
    body = []
    for record in rows.to_dict("records"):
        cells = [f'<th scope="row">{html(record["Indicator"])}</th>']
        cells += [_cell(c, record[c]) for c in columns[1:]]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="cyps-scorecard"><caption>{html(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def scorecard_cards_html(rows: pd.DataFrame) -> str:
    """One card per indicator for a phone: name, latest, target, status, direction."""
    cards = []
    for r in rows.to_dict("records"):
        css = _status_class(str(r["Status"]))
        status = f'<span class="{css}">{html(r["Status"])}</span>' if css else html(r["Status"])
        cards.append(
            f"<li><strong>{html(r['Indicator'])}</strong><br>"
            f"Latest: <strong>{html(r['Latest'])}</strong> · Target: {html(r['Target'])}<br>"
            f"Status: {status}<br>On last month: {html(r['On last month'])}</li>"
        )
    return f'<ul class="cyps-cards">{"".join(cards)}</ul>'


def plain_table_html(frame: pd.DataFrame, caption: str, column_help: dict[str, str]) -> str:
    """A table of text with its first column as row headings (the national comparisons)."""
    columns = list(frame.columns)
    head = _head(columns, column_help)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{html(record[columns[0]])}</th>'
        + "".join(f"<td>{html(record[c])}</td>" for c in columns[1:])
        + "</tr>"
        for record in frame.to_dict("records")
    )
    # On a phone the table scrolls inside its own box, which the keyboard can reach and
    # scroll (a named region), rather than pushing the page sideways.
    return (
        f'<div class="cyps-scroll" role="region" tabindex="0" '
        f'aria-label="{html(caption)}"><table class="cyps-scorecard">'
        f"<caption>{html(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
