"""The committee report's figures, public or exempt: the published extracts' suppression, applied.

Select-commission papers are public (issue 12 §5), so the report's default version must hide
exactly what a published extract hides: the same rules (`etl.outputs.publication`: counts of
children 1 to 5, percentages and rates worked from them, and the secondary suppressions that
stop subtraction), decided on every current figure so the report and any published extract of
the same months hide the same cells. The public report is then built from the figures that
remain, as if the hidden ones had never been loaded, so no chart point, change "on last month",
sentence or SPC reading can carry a hidden figure; each place a hidden figure would have been
printed shows the symbol instead. The exempt version (officers and directors, marked under
Schedule 12A) reads every figure. Rendering stays in `presentation.report`; this is data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from core.catalogue import Catalogue
from core.periods import add_months
from etl.outputs.publication import PublicationRules, suppression_reasons

PUBLIC, EXEMPT = "public", "exempt"
EXEMPT_MARKING = (
    "Not for publication: exempt information under paragraph 2 of Schedule 12A to the "
    "Local Government Act 1972"
)
Key = tuple[str, str, dt.date]  # indicator, breakdown, period


@dataclass(frozen=True)
class ReportFigures:
    """The figures a version of the report may print, and which were hidden from it."""

    values: pd.DataFrame  # current values; in the public version without the hidden figures
    hidden: frozenset[Key]  # (indicator, breakdown, period) of every figure hidden
    rules: PublicationRules
    exempt: bool

    @property
    def symbol(self) -> str:
        return self.rules.symbol

    def is_hidden(self, code: str, breakdown: str, period: dt.date | None) -> bool:
        return period is not None and (code, breakdown, period) in self.hidden

    def hidden_months(self, code: str, breakdown: str, first: dt.date, last: dt.date) -> list:
        """The months from `first` to `last` whose figure is hidden, in order."""
        return sorted(
            p for c, b, p in self.hidden if c == code and b == breakdown and first <= p <= last
        )


def report_figures(values: pd.DataFrame, cat: Catalogue, *, exempt: bool) -> ReportFigures:
    """`values` (`etl.store.queries.current_values`) as the chosen version may print them."""
    rules = PublicationRules.from_settings()
    if exempt or values.empty:
        return ReportFigures(values, frozenset(), rules, exempt)
    reasons = suppression_reasons(values.reset_index(drop=True), cat, rules)
    hidden_rows = values.reset_index(drop=True)[reasons.to_numpy() != ""]
    hidden = frozenset(
        zip(hidden_rows["indicator"], hidden_rows["breakdown"], hidden_rows["period"], strict=True)
    )
    shown = values.reset_index(drop=True)[reasons.to_numpy() == ""].reset_index(drop=True)
    return ReportFigures(shown, hidden, rules, exempt)


def mask_summary(
    table: pd.DataFrame, card: pd.DataFrame, figures: ReportFigures, as_at: dt.date
) -> pd.DataFrame:
    """The summary table (`analysis.scorecard.display_table`) with every hidden figure's cells
    showing the symbol: its value, status and SPC icons, and any change measured against it."""
    if not figures.hidden:
        return table
    out = table.copy()
    symbol = figures.symbol
    before = {"On last month": add_months(as_at, -1), "On a year ago": add_months(as_at, -12)}
    for n, (code, part) in enumerate(zip(card["code"], card["breakdown"], strict=True)):
        if figures.is_hidden(code, part, as_at):
            for column in ("Latest", "Status", "Variation (SPC)", "Assurance (SPC)"):
                out.loc[out.index[n], column] = symbol
            for column in before:
                out.loc[out.index[n], column] = symbol
        for column, month in before.items():
            if figures.is_hidden(code, part, month):
                out.loc[out.index[n], column] = symbol
    return out
