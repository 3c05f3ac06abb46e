"""Things in a valid file worth a second look before a director confirms it.

These never block a load: the figures may be right. They catch the common
slips that pass every rule, such as percentages typed as fractions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from core.catalogue import Catalogue
from core.periods import long_label
from core.settings import settings

if TYPE_CHECKING:
    from etl.ingest.load import Prepared

MIN_HISTORY_CHANGES = 6


def preview_warnings(
    prepared: Prepared, diff: pd.DataFrame, history: pd.DataFrame, cat: Catalogue
) -> list[str]:
    warnings = _fraction_warnings(diff, cat) + _unusual_changes(diff, history, cat)
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
    return warnings


def _fraction_warnings(diff: pd.DataFrame, cat: Catalogue) -> list[str]:
    warnings = []
    for code, values in diff.groupby("indicator")["value"]:
        if cat.get(code).is_percent and values.max() <= 1 and values.max() > 0:
            warnings.append(
                f"{code}: every value is 1 or less, so they look like fractions (0.37) rather "
                "than percentages (37). If so, enter 37 for 37% and upload again."
            )
    return warnings


def _unusual_changes(diff: pd.DataFrame, history: pd.DataFrame, cat: Catalogue) -> list[str]:
    """Incoming values that move from the month before far more than the series usually does."""
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
        usual = max(float(typical.median()), 1e-9)
        series = series.set_index("period")["value"]
        monthly = series.asfreq("MS")
        change = monthly.diff().abs()
        mine = incoming[(incoming["indicator"] == code) & (incoming["breakdown"] == breakdown)]
        ind = cat.get(code)
        for period in mine["period"]:
            moved = change.get(period)
            if moved is not None and moved == moved and moved > factor * usual:
                where = f" ({breakdown})" if breakdown else ""
                shown = ind.format_value(monthly[period])
                warnings.append(
                    f"{code}{where} {long_label(period.date())}: {shown} "
                    f"moved by {moved:,.{ind.decimals}f} from the month before, far more than "
                    f"its usual monthly change of about {usual:,.{ind.decimals}f}. Check it."
                )
    return warnings
