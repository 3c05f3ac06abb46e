"""What changed since the last committee report: the figures revised after it was produced.

The query is `etl.store.queries.revised_since_report` (its docstring defines "revised"); this
draws it on the Committee report page in the catalogue's words. Outside the exempt report,
a count of children from 1 to the suppression limit shows the suppression symbol, as the
published report does.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.catalogue import Catalogue, catalogue
from core.periods import add_months, long_label
from core.settings import settings
from etl.store.database import Store
from etl.store.queries import revised_since_report


@st.cache_data(show_spinner=False, max_entries=16)
def _revised(path: str, version: str, as_at: dt.date) -> pd.DataFrame:
    return revised_since_report(Store(path), as_at)


def revised_table(frame: pd.DataFrame, exempt: bool, cat: Catalogue | None = None) -> pd.DataFrame:
    """Indicator name, month, breakdown, old → new, who revised it and when."""
    cat = cat or catalogue()
    rules = settings()["publication"]
    limit, symbol = int(rules["suppress_max"]), str(rules["suppression_symbol"])

    def shown(code: str, value: float) -> str:
        ind = cat.get(code)
        if not exempt and ind.counts_children and ind.unit == "count" and 1 <= value <= limit:
            return symbol
        return ind.format_value(float(value))

    return pd.DataFrame(
        {
            "Indicator": [cat.get(c).name for c in frame["indicator"]],
            "Month": [long_label(pd.Timestamp(p).date()) for p in frame["period"]],
            "Breakdown": frame["breakdown"].replace("", "Whole authority"),
            "Was": [
                shown(c, v) for c, v in zip(frame["indicator"], frame["old_value"], strict=True)
            ],
            "Now": [
                shown(c, v) for c, v in zip(frame["indicator"], frame["new_value"], strict=True)
            ],
            "Revised by": frame["revised_by"],
            "When": pd.to_datetime(frame["revised_at"]).dt.strftime("%d %b %Y"),
        }
    )


def render(path: str, version: str, as_at: dt.date, exempt: bool) -> None:
    """The page's section: every figure revised since the previous month's report."""
    previous = long_label(add_months(as_at, -1))
    st.subheader("What changed since the last committee report")
    table = revised_table(_revised(path, version, as_at), exempt)
    if table.empty:
        st.caption(f"No figure has been revised since the report for {previous} was produced.")
        return
    st.caption(
        f"Figures for {previous} and earlier that were revised after {previous} ended, "
        "so after that month's report was produced."
    )
    st.dataframe(table, hide_index=True, width="stretch", key="rep_revised")
