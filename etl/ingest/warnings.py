"""Things in a valid file worth a second look before a director confirms it.

These never block a load by themselves: the figures may be right. They catch the
common slips that pass every rule, such as percentages typed as fractions. The
doubts about figures (fractions, unusual changes) need the page's tick, or
`--force` on the command line; a new team name needs `--allow-new-breakdowns` there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from core.catalogue import Catalogue
from core.periods import long_label
from core.settings import settings

if TYPE_CHECKING:
    from etl.ingest.load import Prepared

MIN_HISTORY_CHANGES = 6
USUAL_SHARE = 0.9  # "usual": the month-on-month change that 9 months in 10 stay within
# A series that never moved still moves by one whole unit (a child, a percentage point) in
# an ordinary month: a usual change is never taken as less, so 3 becoming 4 is not flagged.
SMALLEST_REAL_CHANGE = 1.0


FigureKey = tuple[str, str, dt.date]  # indicator, breakdown, month


@dataclass
class Warnings:
    doubts: list[str] = field(default_factory=list)  # figures that may be wrong
    notes: list[str] = field(default_factory=list)  # what else the director should know
    # why each new or changed figure warned about needs a look, in a few words: the
    # preview's "with warnings" filter lists exactly these figures
    figures: dict[FigureKey, str] = field(default_factory=dict)


def preview_warnings(
    prepared: Prepared,
    diff: pd.DataFrame,
    history: pd.DataFrame,
    cat: Catalogue,
    new_breakdowns: list[str] | None = None,
) -> Warnings:
    flagged: dict[FigureKey, str] = {}
    found = Warnings(
        _fraction_warnings(diff, cat, flagged) + _unusual_changes(diff, history, cat, flagged),
        figures=flagged,
    )
    warnings = found.notes
    if new_breakdowns:
        for key in _incoming_keys(diff[diff["breakdown"].isin(new_breakdowns)]):
            flagged.setdefault(key, "a breakdown name never loaded before")
        warnings.append(
            f"{len(new_breakdowns)} breakdown name(s) have never been loaded before and are "
            f"not on the council's list of teams: {', '.join(repr(n) for n in new_breakdowns)}. "
            "If one is an existing team spelled another way, correct it; if it is a new team, "
            "add it to [breakdowns] in data/settings.toml."
        )
    if prepared.ignored_columns:
        warnings.append(
            "These columns are not months and were ignored: "
            + ", ".join(prepared.ignored_columns)
            + "."
        )
    if prepared.skipped:
        warnings.append(
            f"{prepared.skipped} cell(s) had no figure (empty, n/a, - or ..) and were skipped; "
            "they are not stored as zero."
        )
    return found


def _incoming_keys(rows: pd.DataFrame) -> list[FigureKey]:
    """The new and changed figures among `rows`, as (indicator, breakdown, month)."""
    rows = rows[rows["status"].isin(["new", "changed"])]
    months = pd.to_datetime(rows["period"]).dt.date
    return list(zip(rows["indicator"], rows["breakdown"], months, strict=True))


def _fraction_warnings(
    diff: pd.DataFrame, cat: Catalogue, flagged: dict[FigureKey, str]
) -> list[str]:
    warnings = []
    for code, values in diff.groupby("indicator")["value"]:
        if cat.get(code).is_percent and values.max() <= 1 and values.max() > 0:
            for key in _incoming_keys(diff[diff["indicator"] == code]):
                flagged[key] = "looks like a fraction (0.37) rather than a percentage (37)"
            warnings.append(
                f"{code}: every value is 1 or less, so they look like fractions (0.37) rather "
                "than percentages (37). If so, enter 37 for 37% and upload again."
            )
    return warnings


def _unusual_changes(
    diff: pd.DataFrame, history: pd.DataFrame, cat: Catalogue, flagged: dict[FigureKey, str]
) -> list[str]:
    """Incoming values that move from the month before far more than the series usually does.

    "Usually" is the change 9 months in 10 stayed within (never less than one whole unit,
    nor than the smallest step the indicator is shown in), so a series that often moves a
    little, or one with a real trend, is not flagged every month, while a slip (182 for 18.2,
    a total pasted in) still stands out.
    """
    incoming = diff[diff["status"].isin(["new", "changed"])]
    if incoming.empty or history.empty:
        return []
    factor = float(settings()["preview"]["unusual_change_factor"])
    keys = ["indicator", "breakdown", "period"]
    history = history.assign(period=pd.to_datetime(history["period"]))
    incoming = incoming.assign(period=pd.to_datetime(incoming["period"]))
    combined = (
        pd.concat([history[[*keys, "value"]], incoming[[*keys, "value"]]])
        .drop_duplicates(keys, keep="last")
        .sort_values(keys)
    )
    warnings = []
    for (code, breakdown), series in combined.groupby(["indicator", "breakdown"]):
        past = history[(history["indicator"] == code) & (history["breakdown"] == breakdown)]
        typical = past.sort_values("period")["value"].diff().abs().dropna()
        if len(typical) < MIN_HISTORY_CHANGES:
            continue
        ind = cat.get(code)
        usual = max(float(typical.quantile(USUAL_SHARE)), 10.0**-ind.decimals, SMALLEST_REAL_CHANGE)
        series = series.set_index("period")["value"]
        monthly = series.asfreq("MS")
        change = monthly.diff().abs()
        mine = incoming[(incoming["indicator"] == code) & (incoming["breakdown"] == breakdown)]
        for period in mine["period"]:
            moved = change.get(period)
            if moved is not None and moved == moved and moved > factor * usual:
                where = f" ({breakdown})" if breakdown else ""
                shown = ind.format_value(monthly[period])
                warnings.append(
                    f"{code}{where} {long_label(period.date())}: {shown} "
                    f"moved by {moved:,.{ind.decimals}f} from the month before, far more than "
                    f"it usually moves (9 months in 10 by {usual:,.{ind.decimals}f} or less). "
                    "Check it."
                )
                flagged[(code, breakdown, period.date())] = (
                    f"moved by {moved:,.{ind.decimals}f} from the month before; it usually "
                    f"moves by {usual:,.{ind.decimals}f} or less"
                )
    return warnings
