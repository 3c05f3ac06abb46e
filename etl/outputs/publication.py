"""Small-number suppression for extracts that leave the council.

We follow the convention the Department for Education uses for children's
social care statistics (the Government Statistical Service symbols), because the
returns, committee papers and partner reports these extracts feed are read next
to the DfE's own tables, and a reader should meet the same symbol meaning the
same thing:

- **Primary suppression.** A count of children from 1 to `suppress_max` (5) is
  replaced by the symbol `c`. Zero is shown as 0: zero is a real figure, and a
  symbol must never be read as zero or zero as a symbol.
- **Rates of children.** A rate per 10,000 children (worked out by the dashboard
  from a count of children) is suppressed when its count is from 1 to 5.
- **Percentages of children.** A percentage whose numerator or denominator is
  from 1 to 5 children is suppressed too, because the count can be worked back
  from it. Where a submission gave no numerator or denominator, the denominator
  is the indicator's `denominator_indicator` for the same month and breakdown
  and the numerator is worked back from the percentage. A percentage of
  children whose numbers cannot be found at all is suppressed as a precaution.
- **Secondary suppression.** Breakdowns of a count of children add up to a
  total someone can see (teams add up to the whole authority, distance bands to
  the number looked after). If only one cell of a month's breakdown is
  suppressed it could be recovered by subtraction, so the next smallest cell
  (the smallest non-zero one when there is one) is suppressed as well.

Which indicators count children is data (`counts_children` in
data/indicators.toml). Suppression is decided on every figure for the months
extracted, before the officer's indicator and breakdown filters are applied,
so two extracts of the same months always hide the same cells and cannot be
set against each other to reveal one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.catalogue import WHOLE_AUTHORITY, Catalogue
from core.settings import settings

# Why a cell was suppressed; the about sheet counts them under these words.
PRIMARY = "small counts of children"
DERIVED = "percentages of small counts"
UNCHECKED = "percentages whose numbers cannot be checked"
SECONDARY = "secondary suppressions (to stop subtraction)"


@dataclass(frozen=True)
class PublicationRules:
    suppress_max: int
    symbol: str

    @classmethod
    def from_settings(cls) -> PublicationRules:
        section = settings()["publication"]
        return cls(int(section["suppress_max"]), str(section["suppression_symbol"]))

    def explanation(self) -> str:
        """The sentence printed next to suppressed figures (the about sheet, the page)."""
        return (
            f"'{self.symbol}' marks a figure suppressed to protect children's confidentiality: "
            f"any count of children from 1 to {self.suppress_max}, any percentage whose "
            f"numerator or denominator is from 1 to {self.suppress_max} children (or cannot "
            "be checked), and one more figure in a breakdown where a single suppressed "
            "figure could otherwise be worked out by subtraction from the total. "
            "Zero is shown as 0. This follows the Department for Education's convention "
            "for children's social care statistics (GSS symbol 'c')."
        )


def _small(values: pd.Series, rules: PublicationRules) -> pd.Series:
    return (values >= 1) & (values <= rules.suppress_max + 1e-9)


def suppression_reasons(values: pd.DataFrame, cat: Catalogue, rules: PublicationRules) -> pd.Series:
    """For each row of current figures, why it must be suppressed ('' when it may be shown).

    `values` has indicator, period, breakdown, value, numerator, denominator and
    should hold every figure of the months concerned (see the module docstring).
    """
    info = {i.code: i for i in cat.indicators}
    reason = pd.Series("", index=values.index, dtype=object)
    if values.empty:
        return reason
    children = values["indicator"].map(lambda c: info[c].counts_children if c in info else False)
    unit = values["indicator"].map(lambda c: info[c].unit if c in info else "")
    counts = children & (unit == "count")
    reason[counts & _small(values["value"], rules)] = PRIMARY
    percents = children & (unit == "percent")
    if percents.any():
        reason[percents] = _percent_reasons(values[percents], values, info, rules)
    # A rate per 10,000 of 1 to 5 children gives the count away, the population being known.
    rates = children & (unit == "number") & _small(values["numerator"].astype(float), rules)
    reason[rates] = DERIVED
    reason[_secondary(values, reason, counts, cat)] = SECONDARY
    return reason


def _percent_reasons(
    pct: pd.DataFrame, every: pd.DataFrame, info: dict, rules: PublicationRules
) -> pd.Series:
    """DERIVED when the numerator or denominator is 1-5 children, UNCHECKED when unknown."""
    lookup = every.set_index(["indicator", "period", "breakdown"])["value"]
    lookup = lookup[~lookup.index.duplicated()]
    keys = pd.MultiIndex.from_arrays(
        [
            pct["indicator"].map(lambda c: info[c].denominator_indicator),
            pct["period"],
            pct["breakdown"],
        ]
    )
    from_count = pd.Series(lookup.reindex(keys).to_numpy(), index=pct.index, dtype=float)
    denominator = pct["denominator"].astype(float).fillna(from_count)
    worked_back = (pct["value"].astype(float) * denominator / 100).round()
    numerator = pct["numerator"].astype(float).fillna(worked_back)
    out = pd.Series("", index=pct.index, dtype=object)
    out[denominator.isna()] = UNCHECKED
    out[_small(numerator, rules) | _small(denominator, rules)] = DERIVED
    return out


def _secondary(
    values: pd.DataFrame, reason: pd.Series, counts: pd.Series, cat: Catalogue
) -> pd.Series:
    """Cells to hide so that no month's breakdown has exactly one suppressed cell.

    In each such month the cell hidden as well is the smallest non-zero one still
    shown (a zero only when nothing else is left), ties broken by breakdown order.
    """
    chosen = pd.Series(False, index=values.index)
    parts = values[counts & (values["breakdown"] != WHOLE_AUTHORITY)]
    if parts.empty:
        return chosen
    hidden = reason[parts.index] != ""
    group = [parts["indicator"], parts["period"]]
    lonely = hidden.groupby(group).transform("sum") == 1
    candidates = parts[lonely & ~hidden]
    if candidates.empty:
        return chosen
    ranked = candidates.assign(
        _zero=candidates["value"] <= 0, _order=_band_order(cat, candidates)
    ).sort_values(["indicator", "period", "_zero", "value", "_order"], kind="stable")
    first = ranked.drop_duplicates(["indicator", "period"], keep="first")
    chosen[first.index] = True
    return chosen


def _band_order(cat: Catalogue, rows: pd.DataFrame) -> np.ndarray:
    """Catalogue order of breakdown values (distance bands), then alphabetical (teams)."""
    known = [v for values in cat.breakdown_values.values() for v in values]
    rank = {v: n for n, v in enumerate(known)}
    names = sorted(set(rows["breakdown"]) - set(rank))
    rank.update({v: len(known) + n for n, v in enumerate(names)})
    return rows["breakdown"].map(rank).to_numpy()


def apply_suppression(
    rows: pd.DataFrame, reasons: pd.Series, rules: PublicationRules
) -> pd.DataFrame:
    """`rows` with suppressed values (and their RAG) replaced by the symbol, as text.

    The value column becomes mixed: numbers stay numbers (so Excel keeps them as
    numbers) and only suppressed cells hold the symbol.
    """
    out = rows.copy()
    hidden = reasons.reindex(out.index).fillna("") != ""
    out["value"] = out["value"].astype(object)
    out.loc[hidden, "value"] = rules.symbol
    if "rag" in out:
        out.loc[hidden, "rag"] = rules.symbol
    return out
