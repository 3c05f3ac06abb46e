"""Cached reads for the pages.

Every cached function takes the store's data version as an argument, so a new
submission or a rollback changes the key and the next page run reads fresh
figures; until then pages answer from memory.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.settings import database_path
from etl.sample.bundled import load_sample_if_empty, real_submitters, showing_sample
from etl.store import plan_snapshots, queries
from etl.store.database import Store


def store() -> Store:
    return Store(database_path())


def version() -> str:
    """The store's current version, checked on every page run.

    Cheap: two `stat` calls while the database file is unchanged; the database is
    opened only after something wrote to it (see `Store.data_version`).
    """
    return store().data_version()


@st.cache_resource(show_spinner="Loading the illustrative sample data…")
def ensure_sample(path: str) -> bool:
    """Load the bundled sample into an empty database, once per process."""
    return load_sample_if_empty(Store(path))


@st.cache_data(show_spinner=False, max_entries=64)
def current_values(path: str, data_version: str, indicators: tuple[str, ...] = ()) -> pd.DataFrame:
    return queries.current_values(Store(path), indicators or None)


@st.cache_data(show_spinner=False, max_entries=16)
def targets(path: str, data_version: str) -> pd.DataFrame:
    return queries.targets(Store(path))


@st.cache_data(show_spinner=False, max_entries=16)
def last_updated(path: str, data_version: str) -> dt.datetime | None:
    return queries.last_updated(Store(path))


@st.cache_data(show_spinner=False, max_entries=16)
def sample_shown(path: str, data_version: str) -> bool:
    return showing_sample(Store(path))


@st.cache_data(show_spinner=False, max_entries=16)
def holds_real_figures(path: str, data_version: str) -> bool:
    return bool(real_submitters(Store(path)))


@st.cache_data(show_spinner=False, max_entries=16)
def submissions(path: str, data_version: str) -> pd.DataFrame:
    return queries.submissions(Store(path))


# What one submission did, and what rolling it back would restore: read on every click of the
# history page, so cached on (database, version, submission) like everything above.


@st.cache_data(show_spinner=False, max_entries=64)
def submission_changes(path: str, data_version: str, submission_id: int) -> pd.DataFrame:
    return queries.submission_changes(Store(path), submission_id)


@st.cache_data(show_spinner=False, max_entries=64)
def submission_targets(path: str, data_version: str, submission_id: int) -> pd.DataFrame:
    return queries.submission_targets(Store(path), submission_id)


@st.cache_data(show_spinner=False, max_entries=64)
def rollback_preview(path: str, data_version: str, submission_id: int) -> pd.DataFrame:
    return queries.rollback_preview(Store(path), submission_id)


@st.cache_data(show_spinner=False, max_entries=64)
def target_rollback_plan(path: str, data_version: str, submission_id: int) -> pd.DataFrame:
    return queries.target_rollback_plan(Store(path), submission_id)


# The improvement plan: every live snapshot's actions, and every snapshot (rolled back ones too).


@st.cache_data(show_spinner=False, max_entries=16)
def plan_actions(path: str, data_version: str) -> pd.DataFrame:
    return plan_snapshots.live_actions(Store(path))


@st.cache_data(show_spinner=False, max_entries=16)
def plan_snapshot_list(path: str, data_version: str) -> pd.DataFrame:
    return plan_snapshots.snapshots(Store(path))
