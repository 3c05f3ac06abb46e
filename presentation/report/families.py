"""The committee report's family sections: each indicator's chart, sentence, SPC and notes.

One section per catalogue family, one block per indicator: the SVG chart of the last
`CHART_MONTHS` months, the sentence a councillor reads first, the SPC reading in words,
and the directors' commentary for the month. `presentation.report.html` assembles them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

import pandas as pd

from analysis.scorecard import (
    headline_breakdown,
)
from analysis.spc_view import headline_series, icon_text, indicator_spc, spc_notes
from analysis.summary import summary_sentence
from core.catalogue import Catalogue, ChangePoint, Indicator
from core.periods import add_months, long_label
from core.settings import council_name
from etl.benchmarks.chart_lines import comparator_note
from etl.outputs.report_figures import ReportFigures
from presentation.charts.comparator_lines import comparator_caption
from presentation.charts.layout import ReferenceLine
from presentation.report.svg import line_chart_svg

CHART_MONTHS = 36  # three years: enough to see a trend and the same month in earlier years


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report reads, read once, so every section sees the same figures."""

    values: pd.DataFrame
    targets: pd.DataFrame
    benchmarks: pd.DataFrame
    comparators: dict[str, pd.DataFrame]
    sample: bool
    last_updated: dt.datetime | None
    change_points: tuple[ChangePoint, ...]
    figures: ReportFigures  # which figures this version may print (public: hidden ones gone)
    commentary: pd.DataFrame  # every figure's row, read only for the directors' commentary


def indicator_section(
    indicator: Indicator, cat: Catalogue, inputs: ReportInputs, card_row: pd.Series, as_at: dt.date
) -> str:
    part = headline_breakdown(indicator, cat)
    series = headline_series(inputs.values, indicator.code, part, as_at)
    label = f"{indicator.name} ({part.lower()})" if part else None
    sentence = summary_sentence(indicator, series, inputs.targets, as_at, label)
    first = add_months(as_at, -(CHART_MONTHS - 1))
    if not series.empty:
        first = max(first, min(series["period"]))
    lines = inputs.comparators.get(indicator.code)
    title = indicator.name + (f", {part.lower()}" if part else "")
    figures = inputs.figures
    hidden_now = figures.is_hidden(indicator.code, part, as_at)
    if hidden_now:
        subject = label or indicator.name
        sentence = (
            f"The figure for {subject[:1].lower()}{subject[1:]} for {long_label(as_at)} is "
            f"suppressed ({figures.symbol}) to protect children's confidentiality."
        )
    parts = [f'<article class="indicator" id="ind-{indicator.code}"><h3>{escape(title)}</h3>']
    if series.empty:
        parts.append(f"<p><strong>{escape(sentence)}</strong></p>")
    else:
        reference = (
            [ReferenceLine(indicator.reference_line, indicator.reference_label)]
            if indicator.reference_line is not None
            else []
        )
        parts.append(
            f'<p class="subtitle">{escape(council_name())}, monthly, {long_label(first)} to '
            f"{long_label(as_at)}</p>"
        )
        parts.append(
            line_chart_svg(
                indicator,
                series,
                inputs.targets,
                first,
                as_at,
                title=f"{title}, {long_label(first)} to {long_label(as_at)}",
                description=sentence,
                comparators=lines,
                reference_lines=reference,
            )
        )
        parts.append(f"<p><strong>{escape(sentence)}</strong></p>")
        hidden = figures.hidden_months(indicator.code, part, first, as_at)
        if hidden:
            months = ", ".join(long_label(m) for m in hidden)
            parts.append(
                f'<p class="note">Suppressed ({escape(figures.symbol)}), so not drawn: '
                f"{escape(months)}.</p>"
            )
        if hidden_now:
            parts.append(
                f'<p class="spc"><strong>SPC, {escape(long_label(as_at))}:</strong> '
                f"{escape(figures.symbol)}. <strong>Assurance:</strong> "
                f"{escape(figures.symbol)}.</p>"
            )
        else:
            spc = indicator_spc(indicator, series, inputs.targets, as_at, inputs.change_points)
            parts.append(
                f'<p class="spc"><strong>SPC, {escape(long_label(as_at))}:</strong> '
                f"{escape(icon_text(spc.variation))}. "
                f"<strong>Assurance:</strong> {escape(icon_text(spc.assurance))}.</p>"
            )
            parts += [f'<p class="spc">{escape(note)}</p>' for note in spc_notes(spc)]
    caption = comparator_caption(lines, first, as_at) if lines is not None else ""
    parts.append(f'<p class="note">{escape(caption or comparator_note(indicator))}</p>')
    commentary = commentary_html(inputs.commentary, indicator.code, part, as_at)
    parts.append(
        f'<div class="commentary"><h4>Directors\' commentary, {escape(long_label(as_at))}</h4>'
        + (
            f"<p>{escape(commentary)}</p>"
            if commentary
            else f"<p>No commentary was given for {escape(long_label(as_at))}.</p>"
        )
        + "</div></article>"
    )
    return "".join(parts)


def commentary_html(every: pd.DataFrame, code: str, part: str, as_at: dt.date) -> str:
    """The directors' note for the month (kept in the public version when its figure is not)."""
    if every.empty:
        return ""
    rows = every[
        (every["indicator"] == code) & (every["breakdown"] == part) & (every["period"] == as_at)
    ]
    notes = [str(n).strip() for n in rows["commentary"] if isinstance(n, str) and n.strip()]
    return notes[0] if notes else ""


def family_sections(
    cat: Catalogue, card: pd.DataFrame, inputs: ReportInputs, as_at: dt.date
) -> str:
    rows = card.set_index("code")
    parts = []
    for family in cat.families:
        parts.append(f'<section class="family" id="family-{family.key}"><h2>{family.title}</h2>')
        for indicator in cat.in_family(family.key):
            parts.append(indicator_section(indicator, cat, inputs, rows.loc[indicator.code], as_at))
        parts.append("</section>")
    return "".join(parts)
