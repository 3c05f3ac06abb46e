"""The monthly committee report: one self-contained HTML document for a chosen month.

What the select commission reads before its meeting: a cover, a summary table of every
indicator (value, target, RAG, direction of travel, the two SPC icons), the latest published
national figures, then one section per family with each indicator's chart, its summary
sentence, the SPC reading and the directors' commentary for that month, and the notes and
sources at the end. After the summary, what changed since the last report: every figure revised
since the previous month's report was produced (`presentation.report.revisions`).

It is built from the same functions as the pages (`analysis.scorecard.build_scorecard` and
`display_table`, `analysis.summary.summary_sentence`, `analysis.spc_view.indicator_spc`, the
comparator reads in `etl.benchmarks.latest` and `chart_lines`), given the same queries'
frames, so the report and the dashboard cannot disagree; a test holds the summary table to the
scorecard's figures.

Format decision (measured on the sample, March 2017):
charts are inline SVG drawn by `presentation.report.svg`, not Plotly. Plotly's static export needs
Kaleido, which is not installed; embedding plotly.js instead made one chart's HTML 4.8 MB and
needs JavaScript to run before printing, which mail filters and locked-down council laptops
often block. The SVG report is about 0.2 MB, opens and prints with no script, font, stylesheet
or image fetched from anywhere, and its charts stay sharp at any print resolution.

No Streamlit here: the page calls `build_report_html` (and `presentation.report.pdf` for a PDF).
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

import pandas as pd

from analysis.scorecard import (
    benchmark_table,
    build_scorecard,
    display_table,
    latest_month,
)
from analysis.spc_view import PLAIN_ENGLISH
from core.catalogue import Catalogue, catalogue
from core.periods import long_label
from core.settings import council_name, settings
from etl.benchmarks.chart_lines import comparator_lines, comparator_note
from etl.benchmarks.latest import latest_benchmarks
from etl.outputs.report_figures import EXEMPT_MARKING, ReportFigures, mask_summary, report_figures
from etl.sample.bundled import showing_sample
from etl.store import queries
from etl.store.database import Store
from presentation.report.families import ReportInputs, family_sections
from presentation.report.plan import CONTENTS_ITEM as PLAN_CONTENTS
from presentation.report.plan import plan_section
from presentation.report.revisions import CONTENTS_ITEM as REVISIONS_CONTENTS
from presentation.report.revisions import revisions_section, revisions_table
from presentation.report.style import CSS, EXEMPT_CSS

SUMMARY_COLUMNS = [
    "Indicator",
    "Better if",
    "Latest",
    "Target",
    "Status",
    "On last month",
    "On a year ago",
    "Variation (SPC)",
    "Assurance (SPC)",
]
BENCHMARK_COLUMNS = [
    "Indicator",
    "Published year",
    "Comparison",
    "This council",
    "England",
    "Neighbours (mean)",
    "Quartile band",
]
ILLUSTRATIVE = (
    "Illustrative sample data. The figures in this report are synthetic, shaped on public facts "
    "about one council's children's services in 2014 to 2017. They are not real figures and "
    "must not be quoted."
)


def read_inputs(
    store: Store, cat: Catalogue, as_at: dt.date | None = None, *, exempt: bool = False
) -> ReportInputs:
    """The frames the pages read, from the same queries; comparators as known in the report's
    month (`as_at`, default the latest month with figures): years published by then. The public
    version's `values` lack every figure a published extract would hide (issue 12 §5)."""
    every = queries.current_values(store)
    figures = report_figures(every, cat, exempt=exempt)
    month = as_at or latest_month(every)
    return ReportInputs(
        values=figures.values,
        targets=queries.targets(store),
        benchmarks=latest_benchmarks(store, as_at=month),
        comparators={i.code: comparator_lines(store, i.code, as_at=month) for i in cat.indicators},
        sample=showing_sample(store),
        last_updated=queries.last_updated(store),
        change_points=cat.change_points,
        figures=figures,
        commentary=every,
    )


def report_scorecard(inputs: ReportInputs, cat: Catalogue, as_at: dt.date) -> pd.DataFrame:
    """The scorecard exactly as the Overview builds it (same function, same inputs)."""
    return build_scorecard(inputs.values, inputs.targets, cat, as_at, inputs.change_points)


def _table(frame: pd.DataFrame, columns: list[str], caption: str, css: str = "") -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = []
    for row in frame.itertuples(index=False):
        record = dict(zip(frame.columns, row, strict=True))
        cells = []
        for n, column in enumerate(columns):
            text = escape(str(record.get(column, "")))
            if n == 0:
                cells.append(f'<th scope="row">{text}</th>')
            elif column == "Status":
                cells.append(f'<td class="rag rag-{_rag_class(text)}">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="{css}"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _rag_class(text: str) -> str:
    return {"✔": "green", "▲": "amber", "✖": "red"}.get(text[:1], "none")


def _cover(
    cat: Catalogue, inputs: ReportInputs, as_at: dt.date | None, produced: dt.datetime
) -> str:
    month = long_label(as_at) if as_at else "no month (there are no figures yet)"
    updated = (
        f"Figures last updated {inputs.last_updated:%d %B %Y at %H:%M}."
        if inputs.last_updated
        else "No figures have been loaded yet."
    )
    banner = f'<p class="banner"><strong>{ILLUSTRATIVE}</strong></p>' if inputs.sample else ""
    contents = "".join(
        f'<li><a href="#family-{f.key}">{escape(f.title)}</a></li>' for f in cat.families
    )
    return (
        '<section class="cover" id="cover">'
        f'<p class="council">{escape(council_name())}</p>'
        "<h1>Children and Young People's Services: performance report</h1>"
        f'<p class="month">Figures as at {escape(month)}</p>'
        f"<p>For the select commission. Produced {produced:%d %B %Y at %H:%M}. "
        f"{escape(updated)}</p>"
        f"{banner}"
        '<h2 class="contents-title">Contents</h2><ol class="contents">'
        '<li><a href="#summary">Summary of every indicator</a></li>'
        f'{contents}<li><a href="#notes">Notes and sources</a></li></ol>'
        f"{_key(inputs.figures)}</section>"
    )


def _version_note(figures: ReportFigures) -> str:
    """What this version of the report is: public (and what its symbol means) or exempt."""
    if figures.exempt:
        return (
            "<li><strong>Exempt version</strong>: every figure is shown, including small "
            "numbers of children. It must not be published or handed to the public.</li>"
        )
    return (
        "<li><strong>Public version</strong>: figures are controlled as published extracts "
        f"are. {escape(figures.rules.explanation())} A suppressed figure is also left out of "
        "its chart, and no change is worked out from it.</li>"
    )


def _key(figures: ReportFigures) -> str:
    return (
        '<h2 class="contents-title">How to read the symbols</h2><ul class="key">'
        "<li><strong>Status</strong>: ✔ on target, ▲ near target (within the amber tolerance), "
        "✖ off target, – no target.</li>"
        "<li><strong>Direction</strong>: ↑ better, ↓ worse, → no change; for a measure where "
        "neither is better, ↗ up and ↘ down.</li>"
        "<li><strong>Variation (SPC)</strong>: ~ common cause (noise); ↑ better or ↓ better, "
        "special cause improvement; ↑ worse or ↓ worse, special cause concern; ↑ or ↓ alone, "
        "special cause where neither direction is better.</li>"
        "<li><strong>Assurance (SPC)</strong>: P the target is met reliably, F it will be "
        "missed reliably unless something changes, ? hit and miss, – no target.</li>"
        f"{_version_note(figures)}</ul>"
    )


def _summary(cat: Catalogue, card: pd.DataFrame, inputs: ReportInputs, as_at: dt.date) -> str:
    table = mask_summary(display_table(card, cat), card, inputs.figures, as_at)
    parts = ['<section class="summary" id="summary"><h2>Summary of every indicator</h2>']
    parts.append(
        f"<p>Every indicator for {escape(long_label(as_at))}: the figure, its target, whether it "
        "is on target, which way it moved, and what statistical process control (SPC) says.</p>"
    )
    for family in cat.families:
        codes = [i.code for i in cat.in_family(family.key)]
        rows = table[table["code"].isin(codes)]
        if not rows.empty:
            parts.append(_table(rows, SUMMARY_COLUMNS, family.title, "summary-table"))
    national = benchmark_table(inputs.benchmarks, cat)
    compared = national[national["Published year"] != ""]
    if not compared.empty:
        parts.append("<h3>How we compare: the latest published national figures</h3>")
        parts.append(
            "<p>The DfE publishes one figure a year, so these describe the year shown, not "
            f"the month of this report: the latest year published by {long_label(as_at)}. "
            "Neighbours are the mean of the council's ten "
            "statistical neighbours with a figure; quartile band A is the best quarter of "
            "councils in England.</p>"
        )
        parts.append(_table(compared, BENCHMARK_COLUMNS, "Latest DfE figures", "bench-table"))
    parts.append("</section>")
    return "".join(parts)


def _notes(cat: Catalogue) -> str:
    contact = settings()["contact"]
    items = "".join(
        f"<dt>{escape(i.name)}</dt><dd>{escape(i.definition)} <em>Better if:</em> "
        f"{escape(i.better.lower())}. <em>Source:</em> {escape(i.source)}. "
        f"<em>National comparison:</em> {escape(comparator_note(i))}</dd>"
        for i in cat.indicators
    )
    return (
        '<section class="notes" id="notes"><h2>Notes and sources</h2>'
        f"<h3>Statistical process control</h3><p>{escape(PLAIN_ENGLISH)}</p>"
        "<h3>Targets and status</h3><p>Targets and amber tolerances are set by financial year. "
        "A figure is on target when it meets the target, near target when it is worse but "
        "within the amber tolerance, and off target otherwise.</p>"
        f"<h3>The indicators</h3><dl>{items}</dl>"
        f"<p>Questions about these figures: {escape(contact['team'])}, "
        f"{escape(contact['email'])}.</p></section>"
    )


def _document(title: str, body: str, exempt: bool = False) -> str:
    """The whole document; the exempt version carries the Schedule 12A marking on every page
    (a running header and footer when printed) and at the top of every section."""
    css = CSS + (EXEMPT_CSS if exempt else "")
    if exempt:
        title = f"{EXEMPT_MARKING}. {title}"
        banner = f'<p class="exempt-marking"><strong>{escape(EXEMPT_MARKING)}</strong></p>'
        body = re.sub(r"(<section\b[^>]*>)", lambda m: m.group(1) + banner, body)
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{css}</style></head><body>{body}</body></html>"
    )


def build_report_html(
    store: Store,
    as_at: dt.date | None = None,
    *,
    produced: dt.datetime | None = None,
    cat: Catalogue | None = None,
    exempt: bool = False,
) -> str:
    """The committee report for `as_at` (default: the latest month with figures), as HTML.

    A month with no figures still makes a report: every row says "No figure this month" and
    each section says so, so a missing month is visible rather than silently skipped. An empty
    database makes a cover that says there are no figures yet.

    The public version (the default) prints no figure a published extract would hide; the
    exempt one (`exempt=True`, for roles that may `exempt_report`: the caller checks) prints
    every figure under the Schedule 12A marking.
    """
    cat = cat or catalogue()
    produced = produced or dt.datetime.now()
    inputs = read_inputs(store, cat, as_at, exempt=exempt)
    as_at = as_at or latest_month(inputs.values)
    council = council_name()
    month = long_label(as_at) if as_at else "no figures"
    title = f"{council}: children's services performance, {month}"
    cover = _cover(cat, inputs, as_at, produced)
    if as_at is None:
        empty = (
            '<section class="summary" id="summary"><h2>No figures yet</h2><p>There are no '
            "figures in the database yet, so there is nothing to report. A director can load "
            "the month's spreadsheet on the Upload figures page.</p></section>"
        )
        return _document(title, cover + empty + _notes(cat), exempt)
    card = report_scorecard(inputs, cat, as_at)
    revised = revisions_table(
        queries.revised_since_report(store, as_at),
        inputs.commentary,
        cat,
        exempt=exempt,
        now=inputs.figures,
    )
    summary_item = '<li><a href="#summary">Summary of every indicator</a></li>'
    cover = cover.replace(summary_item, summary_item + REVISIONS_CONTENTS, 1)
    plan = plan_section(store, as_at)  # the improvement plan, when one has been loaded
    if plan:
        cover = cover.replace('<li><a href="#notes">', PLAN_CONTENTS + '<li><a href="#notes">', 1)
    return _document(
        title,
        cover
        + _summary(cat, card, inputs, as_at)
        + revisions_section(revised, as_at, inputs.figures)
        + family_sections(cat, card, inputs, as_at)
        + plan
        + _notes(cat),
        exempt,
    )


def report_filename(as_at: dt.date | None, extension: str, exempt: bool = False) -> str:
    """A file name that sorts by month and says which version it is:
    cyps-committee-report-2017-03.html (public), cyps-committee-report-2017-03-exempt.pdf."""
    stamp = f"{as_at:%Y-%m}" if as_at else "no-figures"
    return f"cyps-committee-report-{stamp}{'-exempt' if exempt else ''}.{extension}"
