"""What changed since the last committee report: every figure revised since it was produced.

Issue 16 §7: members must never be surprised by a moved number, so the report (HTML, its PDF
and the command line's copy) and the Committee report page list every figure revised since the
previous month's report was produced (`etl.store.queries.revised_since_report` defines
"revised"), by indicator name, month and breakdown, was → now, who revised it and when.

The public version hides the same figures the rest of the public report hides: a new value
is hidden when the report hides that current figure (`ReportFigures.is_hidden`), and an old
value when the previous public report hid it, decided by the same rules on the figures as they
stood then (the current ones with each revised figure put back to its old value, numerator and
denominator). A revision of 3 children to 4 therefore reads c → c, and 12 → 3 reads 12 → c.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd

from core.catalogue import Catalogue
from core.periods import add_months, long_label
from etl.outputs.report_figures import ReportFigures, report_figures

COLUMNS = ["Indicator", "Month", "Breakdown", "Was", "Now", "Revised by", "When"]
KEY = ["indicator", "period", "breakdown"]
WHOLE_AUTHORITY_WORDS = "Whole authority"
CONTENTS_ITEM = '<li><a href="#revisions">What changed since the last report</a></li>'


def _day(value: dt.date | str | pd.Timestamp) -> dt.date:
    return pd.Timestamp(value).date()


def figures_before(
    every: pd.DataFrame, revised: pd.DataFrame, cat: Catalogue, *, exempt: bool
) -> ReportFigures:
    """The figures as the previous report read them: each revised one at its old value."""
    if exempt or revised.empty or every.empty:
        return report_figures(every, cat, exempt=exempt)
    old = revised.assign(period=revised["period"].map(_day))
    old = old.set_index(KEY)
    before = every.copy()
    index = pd.MultiIndex.from_arrays([before[k] for k in KEY])
    found = index.isin(old.index)
    keys = index[found]
    before.loc[found, "value"] = old.loc[keys, "old_value"].to_numpy(dtype=float)
    for column in ("numerator", "denominator"):
        source = f"old_{column}"
        if source in old.columns:
            before.loc[found, column] = old.loc[keys, source].to_numpy(dtype=float)
        else:  # not known: worked back, as for a file that gave none
            before.loc[found, column] = float("nan")
    return report_figures(before, cat, exempt=False)


def revisions_table(
    revised: pd.DataFrame,
    every: pd.DataFrame,
    cat: Catalogue,
    *,
    exempt: bool,
    now: ReportFigures | None = None,
) -> pd.DataFrame:
    """One row per revised figure, in catalogue order, in the report's words and symbols.

    `revised` is `revised_since_report`'s answer; `every` the current figures
    (`queries.current_values`); `now` the report's figures when the caller has them already.
    """
    if revised.empty:
        return pd.DataFrame(columns=COLUMNS)
    now = now or report_figures(every, cat, exempt=exempt)
    then = figures_before(every, revised, cat, exempt=exempt)
    order = {i.code: n for n, i in enumerate(cat.indicators)}
    rows = revised.assign(
        period=revised["period"].map(_day),
        _order=revised["indicator"].map(lambda c: order.get(c, len(order))),
    ).sort_values(["_order", "period", "breakdown"], kind="stable")
    records = []
    for row in rows.itertuples(index=False):
        indicator = cat.get(row.indicator)
        key = (row.indicator, row.breakdown, row.period)
        records.append(
            {
                "Indicator": indicator.name,
                "Month": long_label(row.period),
                "Breakdown": row.breakdown or WHOLE_AUTHORITY_WORDS,
                "Was": then.symbol
                if then.is_hidden(*key)
                else indicator.format_value(float(row.old_value)),
                "Now": now.symbol
                if now.is_hidden(*key)
                else indicator.format_value(float(row.new_value)),
                "Revised by": str(row.revised_by),
                "When": f"{pd.Timestamp(row.revised_at):%d %b %Y}",
            }
        )
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def previous_report(as_at: dt.date) -> str:
    """The month whose report came before this one's, in words."""
    return long_label(add_months(as_at, -1))


def introduction(as_at: dt.date, empty: bool) -> str:
    """The sentence above the list (or in place of it): what "since the last report" means."""
    previous = previous_report(as_at)
    if empty:
        return f"No figure has been revised since the report for {previous} was produced."
    return (
        f"Figures for {previous} and earlier that were revised after {previous} ended, so "
        "after that month's report was produced: the figure that report showed, the figure "
        "now, who revised it and when."
    )


def revisions_section(table: pd.DataFrame, as_at: dt.date, figures: ReportFigures) -> str:
    """The report's section: the table, or a plain sentence when nothing was revised."""
    parts = [
        '<section class="revisions" id="revisions">'
        "<h2>What changed since the last report</h2>"
        f"<p>{escape(introduction(as_at, table.empty))}</p>"
    ]
    if not table.empty:
        head = "".join(f'<th scope="col">{escape(c)}</th>' for c in COLUMNS)
        body = "".join(
            f'<tr><th scope="row">{escape(str(r[0]))}</th>'
            + "".join(f"<td>{escape(str(v))}</td>" for v in r[1:])
            + "</tr>"
            for r in table[COLUMNS].itertuples(index=False)
        )
        parts.append(
            '<table class="revisions-table"><caption>Figures revised since the report for '
            f"{escape(previous_report(as_at))}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
        if not figures.exempt and figures.symbol in set(table["Was"]) | set(table["Now"]):
            parts.append(
                f'<p class="note">{escape(figures.symbol)}: suppressed to protect children\'s '
                "confidentiality, as elsewhere in this public report.</p>"
            )
    parts.append("</section>")
    return "".join(parts)
