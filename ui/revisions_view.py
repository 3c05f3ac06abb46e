"""What changed since the last committee report: the figures revised after it was produced.

The query is `etl.store.queries.revised_since_report` (its docstring defines "revised"); the
table is the report's own (`presentation.report.revisions`), so the page and the report list
the same figures in the same words, and outside the exempt version hide the same ones.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.catalogue import catalogue
from etl.store.database import Store
from etl.store.queries import revised_since_report
from presentation.report.revisions import introduction, revisions_table
from ui import cached as data


@st.cache_data(show_spinner=False, max_entries=16)
def _revised(path: str, version: str, as_at: dt.date, exempt: bool) -> pd.DataFrame:
    revised = revised_since_report(Store(path), as_at)
    every = data.current_values(path, version)
    return revisions_table(revised, every, catalogue(), exempt=exempt)


def render(path: str, version: str, as_at: dt.date, exempt: bool) -> None:
    """The page's section: every figure revised since the previous month's report."""
    st.subheader("What changed since the last committee report")
    table = _revised(path, version, as_at, exempt)
    st.caption(introduction(as_at, table.empty))
    if not table.empty:
        st.dataframe(table, hide_index=True, width="stretch", key="rep_revised")
